"""Long date columns in every form convert in one vectorised call, to the same serials as one value at a time.

Classic xlwings hands date cells over as Python datetimes; CSV exports hand over ISO text. A long column of
distinct values goes through pandas in one call; these tests pin it to Excel's serials (worked by hand: 2024-01-01
is 45292, noon is .5, 1900-03-01 is 61 after Excel's fictitious 29 Feb 1900) and to the value-by-value path.
"""

import datetime as dt
import sys

import numpy as np
import pytest

import udfs
from udfs import KPIError, coerce
from udfs.coerce import date_array

LONG = coerce.VECTORISED_DATES_FROM + 10_000
NOON_2024 = dt.datetime(2024, 1, 1, 12)  # serial 45292.5


def minutes_from(start: dt.datetime, count: int) -> list[dt.datetime]:
    return [start + dt.timedelta(minutes=i) for i in range(count)]


def one_by_one(cells: list, monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    """The same column converted value by value (the vectorised path switched off)."""
    with monkeypatch.context() as patch:
        patch.setattr(coerce, "VECTORISED_DATES_FROM", 10**9)
        return date_array(cells, "dates")


def test_distinct_datetimes_give_excel_serials(monkeypatch):
    cells = minutes_from(NOON_2024, LONG)
    cells[1] = None
    cells[2] = dt.datetime(1900, 1, 1)
    cells[3] = dt.datetime(1900, 3, 1, 6)
    cells[4] = dt.date(2024, 1, 1)
    serials = date_array(cells, "dates")
    assert serials[0] == 45292.5
    assert np.isnan(serials[1])
    assert serials[2] == 1 and serials[3] == 61.25 and serials[4] == 45292
    assert serials[5] == 45292.5 + 5 / 1440 or abs(serials[5] - (45292.5 + 5 / 1440)) < 1e-9
    np.testing.assert_array_equal(serials, one_by_one(cells, monkeypatch))


def test_aware_datetimes_count_at_their_wall_clock_time(monkeypatch):
    plus_two = dt.timezone(dt.timedelta(hours=2))
    same_zone = [moment.replace(tzinfo=plus_two) for moment in minutes_from(NOON_2024, LONG)]
    assert date_array(same_zone, "dates")[0] == 45292.5
    mixed = same_zone[:-1] + [NOON_2024.replace(tzinfo=dt.UTC)]  # pandas declines; still wall time
    serials = date_array(mixed, "dates")
    assert serials[0] == 45292.5 and serials[-1] == 45292.5
    np.testing.assert_array_equal(serials, one_by_one(mixed, monkeypatch))


def test_distinct_iso_text_and_stragglers_in_other_forms(monkeypatch):
    cells = [moment.isoformat(timespec="seconds") for moment in minutes_from(NOON_2024, LONG)]
    cells[1], cells[2], cells[3] = None, "", "2024/01/01 12:00"
    cells[4] = "2024-01-01T12:00:00+02:00"  # an offset: read at its wall-clock time, like a single value
    cells[5] = "2024-1-1"
    serials = date_array(cells, "dates")
    assert serials[0] == 45292.5
    assert np.isnan(serials[1]) and np.isnan(serials[2])
    assert serials[3] == 45292.5 and serials[4] == 45292.5 and serials[5] == 45292
    np.testing.assert_array_equal(serials, one_by_one(cells, monkeypatch))


@pytest.mark.parametrize(("bad", "code"), [("#N/A", "#N/A"), ("next week", "#VALUE!"), ("31/01/2024", "#VALUE!")])
def test_a_bad_cell_in_a_long_text_column_names_its_row(bad, code):
    cells = [moment.isoformat(timespec="seconds") for moment in minutes_from(NOON_2024, LONG)]
    cells[LONG - 7] = bad
    with pytest.raises(KPIError) as caught:
        date_array(cells, "created")
    assert caught.value.code == code
    assert f"created (cell {LONG - 6})" in caught.value.message


def test_without_pandas_the_results_are_the_same(monkeypatch):
    datetimes = minutes_from(NOON_2024, LONG)
    texts = [moment.isoformat(timespec="minutes") for moment in datetimes]
    expected = date_array(datetimes, "dates"), date_array(texts, "dates")
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails, as in a bare Pyodide
    np.testing.assert_array_equal(date_array(datetimes, "dates"), expected[0])
    np.testing.assert_array_equal(date_array(texts, "dates"), expected[1])


def test_a_catalogue_function_over_a_long_column_of_datetimes():
    created = minutes_from(NOON_2024, LONG)
    replied = [moment + dt.timedelta(hours=8) for moment in created]
    assert udfs.FIRST_RESPONSE_TIME(created, replied) == 8
    assert udfs.SALES_CYCLE_LENGTH(created, replied) == 1 / 3


@pytest.mark.parametrize(
    ("stranger", "outcome"),
    [("01/02/2024", "#VALUE!"), (True, "#VALUE!"), ("#REF!", "#REF!"), (45292.75, 45292.75), ("2024-01-01", 45292)],
)
def test_a_cell_that_is_not_a_datetime_in_a_long_datetime_column(stranger, outcome):
    # pandas would read "01/02/2024" as 2 January; the column must be read as the add-in reads one cell
    cells = minutes_from(NOON_2024, LONG)
    cells[LONG - 3] = stranger
    if isinstance(outcome, str):
        with pytest.raises(KPIError) as caught:
            date_array(cells, "created")
        assert caught.value.code == outcome and f"(cell {LONG - 2})" in caught.value.message
    else:
        serials = date_array(cells, "created")
        assert serials[LONG - 3] == outcome and serials[0] == 45292.5
