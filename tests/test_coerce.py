"""How Excel-like inputs become numbers: ranges, blanks, text, dates, errors."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from udfs import KPIError
from udfs.coerce import (
    date_array,
    datetime_from_serial,
    flatten,
    number_array,
    serial_from_datetime,
    single_date,
    single_number,
    total,
)


def code_of(call, *args):
    with pytest.raises(KPIError) as caught:
        call(*args)
    return caught.value.code


class TestTotal:
    def test_number_and_ranges_are_summed_like_sum(self):
        assert total(5, "x") == 5
        assert total([1, 2, None, "", 3.5], "x") == 6.5
        assert total([[1, 2], [3, None]], "x") == 6
        assert total(((1,), (2,)), "x") == 3  # LibreOffice hands ranges as tuples of tuples
        assert total(np.array([1.0, np.nan, 2.0]), "x") == 3
        assert total(pd.Series([1, 2, None]), "x") == 3

    def test_numeric_text_counts_other_text_is_an_error(self):
        assert total(["1,000", " 2.5 "], "x") == 1002.5
        assert code_of(total, ["1", "abc"], "spend") == "#VALUE!"

    def test_error_message_names_argument_and_cell(self):
        with pytest.raises(KPIError, match=r"spend \(cell 2\)"):
            total([1, "abc"], "spend")

    def test_booleans_are_not_numbers(self):
        assert code_of(total, [1, True], "x") == "#VALUE!"
        assert code_of(total, True, "x") == "#VALUE!"

    def test_blank_has_nothing_to_sum(self):
        assert code_of(total, [None, ""], "x") == "#N/A"
        assert code_of(total, [], "x") == "#N/A"

    def test_errors_propagate_with_their_code(self):
        assert code_of(total, [1, "#N/A"], "x") == "#N/A"
        assert code_of(total, "#ref!", "x") == "#REF!"

    def test_infinite_and_overflowing_values(self):
        assert code_of(total, math.inf, "x") == "#NUM!"
        assert code_of(total, [1e308, 1e308], "x") == "#NUM!"
        assert code_of(number_array, [float("inf")], "x") == "#NUM!"

    def test_nested_deeper_than_two_dimensions(self):
        assert code_of(number_array, [[1, [2, 3]]], "x") == "#VALUE!"
        assert code_of(flatten, np.zeros((2, 2, 2)), "x") == "#VALUE!"


class TestSingles:
    def test_single_number_accepts_a_one_cell_range(self):
        assert single_number([[4]], "x") == 4
        assert code_of(single_number, [1, 2], "x") == "#VALUE!"
        assert code_of(single_number, None, "x") == "#N/A"


class TestDates:
    # Excel: 1900-01-01 is 1, 1900-02-28 is 59, its fictitious 1900-02-29 is 60, 1900-03-01 is 61,
    # 2024-01-01 is 45292 (Excel's DATE(2024,1,1)).
    @pytest.mark.parametrize(
        ("date", "serial"),
        [
            (dt.datetime(1900, 1, 1), 1),
            (dt.datetime(1900, 2, 28), 59),
            (dt.datetime(1900, 3, 1), 61),
            (dt.datetime(2024, 1, 1), 45292),
            (dt.datetime(2024, 1, 1, 18), 45292.75),
        ],
    )
    def test_1900_date_system(self, date, serial):
        assert serial_from_datetime(date) == serial
        assert datetime_from_serial(serial) == date

    def test_serial_datetime_date_iso_and_pandas_agree(self):
        serials = [45292.0, 45292.5, None, 45351.0]
        as_datetimes = [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, 12), None, dt.datetime(2024, 2, 29)]
        as_text = ["2024-01-01", "2024-01-01T12:00:00", "", "2024-02-29"]
        as_dates = [dt.date(2024, 1, 1), dt.datetime(2024, 1, 1, 12), None, dt.date(2024, 2, 29)]
        as_pandas = pd.Series(pd.to_datetime(as_text, format="ISO8601"))
        expected = np.array([45292.0, 45292.5, np.nan, 45351.0])
        for form in (serials, as_datetimes, as_text, as_dates, as_pandas, [[v] for v in as_datetimes]):
            np.testing.assert_array_equal(date_array(form, "created"), expected)

    def test_timezone_is_dropped_keeping_wall_clock_time(self):
        aware = dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        assert date_array([aware], "x")[0] == 45292.5
        assert date_array(["2024-01-01T12:00:00+02:00"], "x")[0] == 45292.5

    def test_bad_dates(self):
        assert code_of(date_array, ["2024-01-01", "next week"], "closed") == "#VALUE!"
        with pytest.raises(KPIError, match=r"closed \(cell 2\)"):
            date_array(["2024-01-01", "next week"], "closed")
        assert code_of(date_array, [-5], "x") == "#NUM!"
        assert code_of(date_array, [3e6], "x") == "#NUM!"
        assert code_of(date_array, [True], "x") == "#VALUE!"
        assert code_of(date_array, ["#N/A"], "x") == "#N/A"
        assert code_of(single_date, None, "as_of") == "#N/A"
