"""Presales (solutions engineers): every function of udfs/presales.py against numbers worked by hand."""

import numpy as np
import pytest
from support import error_code as code

import udfs
from udfs.calc import flags


def approx(value):
    return pytest.approx(value, rel=1e-12)


# Eight deals: presales on the first four (3 won, 1 lost), not on the next three (1 won, 2 lost), one open.
STATUSES = ["Won", "Won", "Won", "Lost", "Won", "Lost", "Lost", "Open"]
INVOLVED = [True, "Yes", 1, "y", False, "No", 0, True]
AMOUNTS = [30000, 50000, 40000, 99000, 20000, 77000, 66000, 55000]
OWNERS = ["Alice", "Bob", "alice", "Bob", "Alice", "Bob", "Alan", "Alice"]


# ------------------------------------------------------------------------------------------- the yes/no helper


def test_flags_reads_yes_and_no_cells():
    cells = [True, False, 1, 0, 1.0, "Yes", "no", " TRUE ", "false", "Y", "n", "1", "0", "是", "否", None, ""]
    expected = [1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, np.nan, np.nan]
    np.testing.assert_array_equal(flags(cells, "x"), np.array(expected, dtype=float))


@pytest.mark.parametrize(("cell", "expected"), [("maybe", "#VALUE!"), (2, "#VALUE!"), ("#N/A", "#N/A")])
def test_flags_rejects_other_cells(cell, expected):
    with pytest.raises(udfs.KPIError) as caught:
        flags([True, cell], "presales_involved")
    assert caught.value.code == expected
    assert "presales_involved" in str(caught.value)


# -------------------------------------------------------------------------------------- PRESALES_HOURS_PER_DEAL


def test_presales_hours_per_deal():
    assert udfs.PRESALES_HOURS_PER_DEAL(120, 8) == 15  # 120 / 8
    assert udfs.PRESALES_HOURS_PER_DEAL([2.5, 4, None, 3.5], 2) == 5  # logged hours summed: 10 / 2
    assert code(udfs.PRESALES_HOURS_PER_DEAL, 120, 0) == "#DIV/0!"
    assert code(udfs.PRESALES_HOURS_PER_DEAL, "abc", 8) == "#VALUE!"
    assert code(udfs.PRESALES_HOURS_PER_DEAL, -1, 8) == "#NUM!"


# ------------------------------------------------------------------------------------------ PRESALES_ASSISTED_WINS


def test_presales_assisted_wins():
    assert udfs.PRESALES_ASSISTED_WINS(STATUSES, INVOLVED) == 3  # rows 1–3
    assert udfs.PRESALES_ASSISTED_WINS(["Lost", "Open"], [True, True]) == 0


def test_presales_assisted_wins_criteria():
    assert udfs.PRESALES_ASSISTED_WINS(STATUSES, INVOLVED, OWNERS, "alice") == 2  # rows 1 and 3
    assert udfs.PRESALES_ASSISTED_WINS(STATUSES, INVOLVED, OWNERS, "<>Alice") == 1  # row 2
    assert udfs.PRESALES_ASSISTED_WINS(STATUSES, INVOLVED, AMOUNTS, ">=40000") == 2  # rows 2 and 3


def test_presales_assisted_wins_errors():
    assert code(udfs.PRESALES_ASSISTED_WINS, [], []) == "#N/A"
    assert code(udfs.PRESALES_ASSISTED_WINS, ["Won"], [None]) == "#N/A"  # presales column blank
    assert code(udfs.PRESALES_ASSISTED_WINS, STATUSES, INVOLVED[:3]) == "#VALUE!"
    assert code(udfs.PRESALES_ASSISTED_WINS, ["Won"], ["abc"]) == "#VALUE!"
    assert code(udfs.PRESALES_ASSISTED_WINS, [5], [True]) == "#VALUE!"


# ------------------------------------------------------------------------------------- PRESALES_ASSISTED_WIN_SHARE


def test_presales_assisted_win_share():
    assert udfs.PRESALES_ASSISTED_WIN_SHARE(STATUSES, INVOLVED) == approx(0.75)  # 3 of the 4 won deals
    # a won deal with a blank presales cell is skipped: 1 of the 2 known won deals
    assert udfs.PRESALES_ASSISTED_WIN_SHARE(["Won", "Won", "Won"], ["Yes", None, "No"]) == approx(0.5)


def test_presales_assisted_win_share_criteria():
    assert udfs.PRESALES_ASSISTED_WIN_SHARE(STATUSES, INVOLVED, OWNERS, "A*") == approx(2 / 3)  # rows 1, 3, 5
    assert udfs.PRESALES_ASSISTED_WIN_SHARE(STATUSES, INVOLVED, OWNERS, "Bob") == 1  # row 2


def test_presales_assisted_win_share_errors():
    assert code(udfs.PRESALES_ASSISTED_WIN_SHARE, ["Lost", "Open"], [True, False]) == "#DIV/0!"  # no win
    assert code(udfs.PRESALES_ASSISTED_WIN_SHARE, [], []) == "#N/A"
    assert code(udfs.PRESALES_ASSISTED_WIN_SHARE, STATUSES, INVOLVED, OWNERS, "Carol") == "#N/A"
    assert code(udfs.PRESALES_ASSISTED_WIN_SHARE, ["Won"], [True, False]) == "#VALUE!"
    assert code(udfs.PRESALES_ASSISTED_WIN_SHARE, ["Won"], ["abc"]) == "#VALUE!"


# ------------------------------------------------------------------------------------------ PRESALES_WIN_RATE_LIFT


def test_presales_win_rate_lift():
    # with presales: 3 won / 4 decided = 0.75; without: 1 won / 3 decided; the open deal is left out
    assert udfs.PRESALES_WIN_RATE_LIFT(STATUSES, INVOLVED) == approx(0.75 - 1 / 3)
    # presales on the losers only: 0 / 1 − 1 / 1
    assert udfs.PRESALES_WIN_RATE_LIFT(["Lost", "Won"], ["Yes", "No"]) == -1


def test_presales_win_rate_lift_criteria():
    # Alice/alice/Alan rows: with = rows 1, 3 (2 won / 2), without = rows 5, 7 (1 won / 2); row 8 open
    assert udfs.PRESALES_WIN_RATE_LIFT(STATUSES, INVOLVED, OWNERS, "A*") == approx(0.5)
    # Bob: with = rows 2, 4 (1 / 2), without = row 6 (0 / 1)
    assert udfs.PRESALES_WIN_RATE_LIFT(STATUSES, INVOLVED, OWNERS, "bob") == approx(0.5)


def test_presales_win_rate_lift_errors():
    assert code(udfs.PRESALES_WIN_RATE_LIFT, ["Won", "Lost"], [True, True]) == "#DIV/0!"  # no deal without
    assert code(udfs.PRESALES_WIN_RATE_LIFT, ["Won", "Open"], [True, False]) == "#DIV/0!"  # without: only open
    assert code(udfs.PRESALES_WIN_RATE_LIFT, [], []) == "#N/A"
    assert code(udfs.PRESALES_WIN_RATE_LIFT, ["Won", "Lost"], [None, ""]) == "#N/A"
    assert code(udfs.PRESALES_WIN_RATE_LIFT, STATUSES, INVOLVED[:-1]) == "#VALUE!"
    assert code(udfs.PRESALES_WIN_RATE_LIFT, ["Won", "Lost"], ["abc", "No"]) == "#VALUE!"
    assert code(udfs.PRESALES_WIN_RATE_LIFT, ["Won", "#DIV/0!"], [True, False]) == "#DIV/0!"  # propagated


# ---------------------------------------------------------------------------------------- PRESALES_DEAL_VALUE_LIFT


def test_presales_deal_value_lift():
    # won with presales: (30,000 + 50,000 + 40,000) / 3 = 40,000; won without: 20,000 / 1
    assert udfs.PRESALES_DEAL_VALUE_LIFT(AMOUNTS, INVOLVED, STATUSES) == 20000
    # a won deal without an amount is skipped: (30,000 + 40,000) / 2 − 20,000
    amounts = [30000, None, 40000, 99000, 20000, 77000, 66000, 55000]
    assert udfs.PRESALES_DEAL_VALUE_LIFT(amounts, INVOLVED, STATUSES) == 15000


def test_presales_deal_value_lift_criteria():
    # Alice/alice rows: with presales won = 30,000 and 40,000; without won = 20,000
    assert udfs.PRESALES_DEAL_VALUE_LIFT(AMOUNTS, INVOLVED, STATUSES, OWNERS, "alice") == 15000
    # amounts below 45,000: with = 30,000 and 40,000; without = 20,000
    assert udfs.PRESALES_DEAL_VALUE_LIFT(AMOUNTS, INVOLVED, STATUSES, AMOUNTS, "<45000") == 15000


def test_presales_deal_value_lift_errors():
    assert code(udfs.PRESALES_DEAL_VALUE_LIFT, [100, 200], [True, False], ["Won", "Lost"]) == "#DIV/0!"
    assert code(udfs.PRESALES_DEAL_VALUE_LIFT, [], [], []) == "#N/A"
    assert code(udfs.PRESALES_DEAL_VALUE_LIFT, [100, 200], [True, False], ["Won"]) == "#VALUE!"
    assert code(udfs.PRESALES_DEAL_VALUE_LIFT, ["abc", 200], [True, False], ["Won", "Won"]) == "#VALUE!"
    assert code(udfs.PRESALES_DEAL_VALUE_LIFT, [-100, 200], [True, False], ["Won", "Won"]) == "#NUM!"
    assert code(udfs.PRESALES_DEAL_VALUE_LIFT, AMOUNTS, INVOLVED, STATUSES, OWNERS, "Carol") == "#N/A"
