"""COUNTIFS-style criteria, checked against Excel's documented behaviour."""

import datetime as dt

import numpy as np
import pytest

from udfs import KPIError
from udfs.criteria import Criterion, criteria_mask

CELLS = ["Alice", "alice", "Bob", None, "", 100, 250.5, "100", dt.datetime(2024, 3, 1), "Won", "Lost", True, "#N/A"]


def selected(criterion):
    return [c for c, hit in zip(CELLS, Criterion(criterion, "criterion1").mask(CELLS), strict=True) if hit]


def test_text_equality_is_case_insensitive():
    assert selected("ALICE") == ["Alice", "alice"]


def test_not_equal_includes_blanks_and_numbers():
    assert selected("<>Lost") == [c for c in CELLS if c not in ("Lost", "#N/A")]


def test_wildcards():
    assert selected("a*") == ["Alice", "alice"]
    assert selected("?ob") == ["Bob"]
    assert selected("*o*") == ["Bob", "Won", "Lost"]
    assert Criterion("~*", "c").mask(["*", "a"]).tolist() == [True, False]


def test_numeric_comparisons_see_numbers_numeric_text_and_dates():
    assert selected(">=100") == [100, 250.5, "100", dt.datetime(2024, 3, 1)]
    assert selected(100) == [100, "100"]
    assert selected("<200") == [100, "100"]


def test_date_criteria():
    assert selected(">=2024-01-01") == [dt.datetime(2024, 3, 1)]
    assert selected(dt.date(2024, 3, 1)) == [dt.datetime(2024, 3, 1)]
    assert selected(45352) == [dt.datetime(2024, 3, 1)]  # 2024-03-01 is serial 45352


def test_blank_and_non_blank():
    assert selected("=") == [None, ""]
    assert selected("") == [None, ""]
    assert len(selected("<>")) == len(CELLS) - 3  # not None, "", or the error cell


def test_booleans():
    assert selected(True) == [True]
    assert selected("TRUE") == [True]


def test_text_order_comparison():
    assert selected(">b") == ["Bob", "Won", "Lost"]


def test_blank_criterion_cell_means_zero():
    assert Criterion(None, "c").mask([0, None, 1]).tolist() == [True, False, False]


def test_numeric_fast_path_matches_general_path():
    values = [1.0, None, 3.0, 5.0]
    for crit in (">=3", "<>3", "=3", "<3", 3):
        fast = Criterion(crit, "c").mask(values)
        slow = np.array([Criterion(crit, "c").matches(v) for v in values])
        np.testing.assert_array_equal(fast, slow)


def test_pairs_combine_with_and():
    owners = ["Alice", "Bob", "Alice"]
    amounts = [10, 20, 30]
    assert criteria_mask([owners, "alice", amounts, ">15"], 3).tolist() == [False, False, True]


def test_bad_pairs():
    with pytest.raises(KPIError) as caught:
        criteria_mask([["a", "b"]], 2)
    assert caught.value.code == "#VALUE!" and "criterion" in str(caught.value)
    with pytest.raises(KPIError, match="criteria_range1 has 3 cells"):
        criteria_mask([["a", "b", "c"], "a"], 2)
    with pytest.raises(KPIError) as caught:
        criteria_mask([["a", "b"], "#REF!"], 2)
    assert caught.value.code == "#REF!"
