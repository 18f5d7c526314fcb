"""Property: for any Excel-like junk, every catalogue function returns a finite number or raises KPIError."""

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import udfs

ENTRIES = udfs.catalog()

CELLS = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=6),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, 1, -1, 0.5, 10, 1e308, -1e308, 5e-324, 45292, 2958466, -0.0]),
    st.sampled_from(["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "abc", "1e308", "nan", "inf", "-5", "1,000"]),
    st.sampled_from(["2024-01-01", "2024-02-30", "2024-01-01T10:00", "=1+1", "Won", "Lost", "TRUE", ">=5"]),
    st.datetimes(min_value=dt.datetime(1800, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(),
    st.just(np.float64("nan")),
    st.just(np.int64(7)),
)
RANGES = st.one_of(
    st.lists(CELLS, max_size=6),
    st.lists(st.lists(CELLS, min_size=1, max_size=3), max_size=4),
    st.tuples(CELLS, CELLS).map(lambda pair: (pair,)),
)
NESTED = st.recursive(CELLS, lambda inner: st.lists(inner, max_size=3), max_leaves=8)
VALUES = st.one_of(CELLS, RANGES, NESTED, st.just({"a": 1}), st.just(set()))


def check(entry, args):
    try:
        result = entry.func(*args)
    except udfs.KPIError as error:
        assert error.code.startswith("#") and str(error)
        return
    if entry.returns_table:  # a non-empty rectangle of numbers and texts, ready to spill
        assert result and all(isinstance(row, list) and len(row) == len(result[0]) for row in result)
        assert all(isinstance(c, str) or (isinstance(c, float) and math.isfinite(c)) for row in result for c in row)
    else:
        assert isinstance(result, float) and math.isfinite(result)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
@given(data=st.data())
def test_junk_gives_a_number_or_a_kpi_error(entry, data):
    extra = 4 if entry.criteria else 2
    count = data.draw(st.integers(min_value=0, max_value=len(entry.params) + extra), label="argument count")
    args = [data.draw(VALUES, label=f"arg{i}") for i in range(count)]
    check(entry, args)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
@given(data=st.data())
def test_plausible_inputs_with_junk_cells(entry, data):
    """Start from the worked example and spoil some cells, so the fuzz reaches the formulas too."""
    args = list(entry.example.args)
    for index, value in enumerate(args):
        if isinstance(value, list) and value and data.draw(st.booleans()):
            spoiled = list(value)
            spoiled[data.draw(st.integers(0, len(spoiled) - 1))] = data.draw(CELLS)
            args[index] = spoiled
        elif data.draw(st.integers(0, 3)) == 0:
            args[index] = data.draw(CELLS)
    if entry.criteria and data.draw(st.booleans()):
        rows = max((len(a) for a in args if isinstance(a, list)), default=1)
        args += [data.draw(st.lists(CELLS, min_size=rows, max_size=rows)), data.draw(CELLS)]
    check(entry, args)


# ----------------------------------------------------------------------- the MRR waterfall's identities

SUBSCRIPTION_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["a", "B", "c", "A", 7, 7.0]),  # "a" and "A" are one customer, 7 and 7.0 another
        st.integers(min_value=0, max_value=14),  # months after January 2023
        st.one_of(st.none(), st.integers(min_value=0, max_value=500), st.floats(min_value=0, max_value=1e6)),
    ),
    min_size=1,
    max_size=25,
)


def _rows(subscriptions):
    customers = [c for c, _, _ in subscriptions]
    months = [dt.date(2023 + m // 12, m % 12 + 1, 1 + (7 * m) % 28) for _, m, _ in subscriptions]
    return customers, months, [v for _, _, v in subscriptions]


@given(SUBSCRIPTION_ROWS)
def test_waterfall_identities_hold_for_any_rows(subscriptions):
    """Published identities, not the code's own numbers: each month adds up and starts where the last ended."""
    table = udfs.MRR_MOVEMENTS(*_rows(subscriptions))
    assert table[0][0] == "Month" and len(table[0]) == 8
    previous_end = 0.0
    for _, start, new, expansion, reactivation, contraction, churn, end in table[1:]:
        assert start == previous_end
        assert min(new, expansion, reactivation, contraction, churn) >= 0
        assert start + new + expansion + reactivation - contraction - churn == pytest.approx(end, abs=1e-6)
        previous_end = end
    months = [row[0] for row in table[1:]]
    assert months == sorted(months) and len(months) == len(set(months))


@given(SUBSCRIPTION_ROWS)
def test_logo_cohorts_are_shares_that_start_at_one(subscriptions):
    try:
        table = udfs.COHORT_RETENTION(*_rows(subscriptions))
    except udfs.KPIError as error:  # nobody ever paid
        assert error.code == "#N/A"
        return
    for row in table[1:]:
        assert row[1] == 1.0
        shares = [v for v in row[1:] if v != ""]
        assert all(0 <= v <= 1 for v in shares)
        assert all(v == "" for v in row[1 + len(shares) :])  # empty cells only after the data ends
