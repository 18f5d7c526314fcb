"""Generic functions: expected values worked by hand (arithmetic in the comments), errors, criteria."""

import datetime as dt

import numpy as np
import pytest
from support import error_code as code

import udfs

# Excel serials worked by hand: 2024-03-01 is 45352 (see test_criteria), so 2024-02-29 is 45351,
# 2024-03-31 is 45352 + 30 = 45382 and 2024-04-01 is 45383.
FEB29, MAR01, MAR31, APR01 = 45351, 45352, 45382, 45383


def approx(value):
    return pytest.approx(value, rel=1e-9)


# --------------------------------------------------------------------------------------- SHARE_OF


def test_share_of_normal_and_ranges():
    assert udfs.SHARE_OF(30, 120) == approx(0.25)  # 30 / 120
    assert udfs.SHARE_OF([10, None, 20], [50, 70]) == approx(0.25)  # (10 + 20) / (50 + 70) = 30 / 120
    assert udfs.SHARE_OF(0, 7) == 0.0
    assert udfs.SHARE_OF(7, 7) == 1.0


def test_share_of_errors():
    assert code(udfs.SHARE_OF, 1, 0) == "#DIV/0!"
    assert code(udfs.SHARE_OF, 0, 0) == "#DIV/0!"
    assert code(udfs.SHARE_OF, 121, 120) == "#NUM!"  # a part cannot exceed its whole
    assert code(udfs.SHARE_OF, -1, 120) == "#NUM!"
    assert code(udfs.SHARE_OF, "abc", 120) == "#VALUE!"
    assert code(udfs.SHARE_OF, 30, "abc") == "#VALUE!"
    assert code(udfs.SHARE_OF, None, 120) == "#N/A"


# ------------------------------------------------------------------------------------ GROWTH_RATE


def test_growth_rate():
    assert udfs.GROWTH_RATE(1150, 1000) == approx(0.15)  # 150 / 1,000
    assert udfs.GROWTH_RATE(800, 1000) == approx(-0.2)  # −200 / 1,000
    assert udfs.GROWTH_RATE(-100, 1000) == approx(-1.1)  # (−100 − 1,000) / 1,000
    assert udfs.GROWTH_RATE([500, 650], [400, 600]) == approx(0.15)  # 1,150 vs 1,000


def test_growth_rate_errors():
    assert code(udfs.GROWTH_RATE, 100, 0) == "#DIV/0!"
    assert code(udfs.GROWTH_RATE, 100, -5) == "#NUM!"
    assert code(udfs.GROWTH_RATE, "abc", 100) == "#VALUE!"


# ---------------------------------------------------------------------------------------- PER_REP


def test_per_rep():
    assert udfs.PER_REP(450, 9) == approx(50)  # 450 / 9
    assert udfs.PER_REP([100, 200, None], 4) == approx(75)  # 300 / 4
    assert udfs.PER_REP(100, 2.5) == approx(40)  # fractional FTEs


def test_per_rep_errors():
    assert code(udfs.PER_REP, 450, 0) == "#DIV/0!"
    assert code(udfs.PER_REP, 450, -3) == "#NUM!"
    assert code(udfs.PER_REP, "abc", 3) == "#VALUE!"


# -------------------------------------------------------------------------------- COUNT_IN_PERIOD

DATES_TEXT = ["2024-02-29", "2024-03-01", "2024-03-31T18:00", "2024-04-01"]


def test_count_in_period_end_day_counts_whole():
    # 29 Feb is before, 1 Mar and 31 Mar 18:00 are in, 1 Apr is after: 2
    assert udfs.COUNT_IN_PERIOD(DATES_TEXT, "2024-03-01", "2024-03-31") == 2
    assert udfs.COUNT_IN_PERIOD([FEB29, MAR01, MAR31 + 0.75, APR01], MAR01, MAR31) == 2
    as_datetimes = [
        dt.datetime(2024, 2, 29),
        dt.datetime(2024, 3, 1),
        dt.datetime(2024, 3, 31, 18),
        dt.date(2024, 4, 1),
    ]
    assert udfs.COUNT_IN_PERIOD(as_datetimes, dt.date(2024, 3, 1), dt.date(2024, 3, 31)) == 2


def test_count_in_period_single_day_and_none_in_period():
    # the period 31 Mar .. 31 Mar holds only the 18:00 row
    assert udfs.COUNT_IN_PERIOD(DATES_TEXT, "2024-03-31", "2024-03-31") == 1
    # rows exist but none is in January: a true zero
    assert udfs.COUNT_IN_PERIOD(DATES_TEXT, "2024-01-01", "2024-01-31") == 0
    # blanks are skipped: 2 dated rows in March
    assert udfs.COUNT_IN_PERIOD([None, "2024-03-05", "", "2024-03-06"], "2024-03-01", "2024-03-31") == 2


def test_count_in_period_errors():
    assert code(udfs.COUNT_IN_PERIOD, DATES_TEXT, "2024-03-31", "2024-03-01") == "#NUM!"  # end before start
    assert code(udfs.COUNT_IN_PERIOD, [], "2024-03-01", "2024-03-31") == "#N/A"
    assert code(udfs.COUNT_IN_PERIOD, [None, None], "2024-03-01", "2024-03-31") == "#N/A"
    assert code(udfs.COUNT_IN_PERIOD, ["abc", "2024-03-01"], "2024-03-01", "2024-03-31") == "#VALUE!"
    assert code(udfs.COUNT_IN_PERIOD, DATES_TEXT, "someday", "2024-03-31") == "#VALUE!"
    assert code(udfs.COUNT_IN_PERIOD, DATES_TEXT, "2024-03-01", None) == "#N/A"


def test_count_in_period_criteria():
    owners = ["alice", "Alice", "Bob", "ALICE"]
    # Alice's rows: 29 Feb, 1 Mar, 1 Apr; only 1 Mar is in March
    assert udfs.COUNT_IN_PERIOD(DATES_TEXT, "2024-03-01", "2024-03-31", owners, "alice") == 1
    # the same dates as the criteria range, on or after 15 Mar: 31 Mar 18:00 and 1 Apr; March keeps 1
    assert udfs.COUNT_IN_PERIOD(DATES_TEXT, "2024-03-01", "2024-03-31", DATES_TEXT, ">=2024-03-15") == 1
    assert udfs.COUNT_IN_PERIOD(DATES_TEXT, "2024-03-01", "2024-03-31", [True, False, True, True], True) == 1
    assert code(udfs.COUNT_IN_PERIOD, DATES_TEXT, "2024-03-01", "2024-03-31", owners, "Carol") == "#N/A"
    assert code(udfs.COUNT_IN_PERIOD, DATES_TEXT, "2024-03-01", "2024-03-31", owners[:3], "alice") == "#VALUE!"


# ---------------------------------------------------------------------------------- SUM_IN_PERIOD


def test_sum_in_period():
    # 250 (1 Mar) + 40 (31 Mar 18:00) = 290
    assert udfs.SUM_IN_PERIOD([100, 250, 40, 7], DATES_TEXT, "2024-03-01", "2024-03-31") == approx(290)
    # a blank value is skipped: 40
    assert udfs.SUM_IN_PERIOD([100, None, 40, 7], DATES_TEXT, "2024-03-01", "2024-03-31") == approx(40)
    # negative values add up too: −10 + 40 = 30
    assert udfs.SUM_IN_PERIOD([100, -10, 40, 7], DATES_TEXT, "2024-03-01", "2024-03-31") == approx(30)
    assert udfs.SUM_IN_PERIOD([100, 250, 40, 7], DATES_TEXT, "2023-01-01", "2023-12-31") == 0.0


def test_sum_in_period_errors():
    assert code(udfs.SUM_IN_PERIOD, [1, 2, 3], DATES_TEXT, "2024-03-01", "2024-03-31") == "#VALUE!"  # 3 vs 4 cells
    assert code(udfs.SUM_IN_PERIOD, [], [], "2024-03-01", "2024-03-31") == "#N/A"
    assert code(udfs.SUM_IN_PERIOD, [None, 5], ["2024-03-01", None], "2024-03-01", "2024-03-31") == "#N/A"
    assert code(udfs.SUM_IN_PERIOD, ["abc"] * 4, DATES_TEXT, "2024-03-01", "2024-03-31") == "#VALUE!"
    assert code(udfs.SUM_IN_PERIOD, [1, 2, 3, 4], DATES_TEXT, "2024-04-01", "2024-03-01") == "#NUM!"


def test_sum_in_period_criteria():
    status = ["Open", "Closed", "Pending", "Open"]
    # not Closed: 100 (Feb), 40 (31 Mar), 7 (Apr); March keeps 40
    assert udfs.SUM_IN_PERIOD([100, 250, 40, 7], DATES_TEXT, "2024-03-01", "2024-03-31", status, "<>Closed") == 40


# ------------------------------------------------------------------------------ AVG_DAYS_BETWEEN


def test_avg_days_between():
    # 1 Jan → 31 Jan = 30 days, 10 Jan → 19 Feb = 21 + 19 = 40 days; the third row is open: (30 + 40) / 2 = 35
    starts, ends = ["2024-01-01", "2024-01-10", "2024-02-01"], ["2024-01-31", "2024-02-19", None]
    assert udfs.AVG_DAYS_BETWEEN(starts, ends) == approx(35)
    # 1 Mar 06:00 → 2 Mar 18:00 = 1.5 days
    assert udfs.AVG_DAYS_BETWEEN(["2024-03-01T06:00"], ["2024-03-02T18:00"]) == approx(1.5)


def test_avg_days_between_errors():
    assert code(udfs.AVG_DAYS_BETWEEN, ["2024-01-31"], ["2024-01-01"]) == "#NUM!"  # ends before it starts
    assert code(udfs.AVG_DAYS_BETWEEN, [], []) == "#N/A"
    assert code(udfs.AVG_DAYS_BETWEEN, ["2024-01-01"], [None]) == "#N/A"
    assert code(udfs.AVG_DAYS_BETWEEN, ["2024-01-01"], ["2024-01-02", "2024-01-03"]) == "#VALUE!"
    assert code(udfs.AVG_DAYS_BETWEEN, ["abc"], ["2024-01-02"]) == "#VALUE!"


def test_avg_days_between_criteria():
    starts, ends = ["2024-01-01", "2024-01-10", "2024-02-01"], ["2024-01-31", "2024-02-19", "2024-02-11"]
    segments = ["Enterprise", "SMB", "Ent-Plus"]
    # Ent*: 30 days and 10 days (1 Feb → 11 Feb): (30 + 10) / 2 = 20
    assert udfs.AVG_DAYS_BETWEEN(starts, ends, segments, "Ent*") == approx(20)


# ---------------------------------------------------------------------------------------- AVG_AGE


def test_avg_age():
    # 1 Mar → 31 Mar = 30, 21 Mar → 31 Mar = 10: (30 + 10) / 2 = 20
    assert udfs.AVG_AGE(["2024-03-01", "2024-03-21"], "2024-03-31") == approx(20)
    assert udfs.AVG_AGE([MAR01, None, MAR31], MAR31) == approx(15)  # (30 + 0) / 2
    assert udfs.AVG_AGE([dt.date(2024, 3, 1)], dt.datetime(2024, 3, 31, 12)) == approx(30.5)


def test_avg_age_errors():
    assert code(udfs.AVG_AGE, ["2024-04-01"], "2024-03-31") == "#NUM!"  # not created yet at as_of
    assert code(udfs.AVG_AGE, [], "2024-03-31") == "#N/A"
    assert code(udfs.AVG_AGE, ["abc"], "2024-03-31") == "#VALUE!"
    assert code(udfs.AVG_AGE, ["2024-03-01"], "someday") == "#VALUE!"


def test_avg_age_criteria():
    created = ["2024-03-01", "2024-03-21", "2024-04-15"]
    # created on or before 31 Mar: (30 + 10) / 2 = 20; the April row would be #NUM! without the criterion
    assert udfs.AVG_AGE(created, "2024-03-31", created, "<=2024-03-31") == approx(20)


# ----------------------------------------------------------------------------------- AVG_INTERVAL


def test_avg_interval():
    # sorted: 1 Jan, 31 Jan, 1 Mar (2024 is a leap year): gaps 30 and 30 → 30
    assert udfs.AVG_INTERVAL(["2024-01-01", "2024-03-01", "2024-01-31"]) == approx(30)
    # duplicates are a zero gap: 1 Jan, 1 Jan, 31 Jan → (0 + 30) / 2 = 15
    assert udfs.AVG_INTERVAL(["2024-01-01", "2024-01-01", None, "2024-01-31"]) == approx(15)


def test_avg_interval_errors():
    assert code(udfs.AVG_INTERVAL, ["2024-01-01"]) == "#N/A"  # one date has no interval
    assert code(udfs.AVG_INTERVAL, []) == "#N/A"
    assert code(udfs.AVG_INTERVAL, ["abc", "2024-01-01"]) == "#VALUE!"


def test_avg_interval_criteria():
    dates = ["2024-01-01", "2024-01-11", "2024-02-01", "2024-03-01"]
    kinds = ["Deck", "Video", "Deck", "Deck"]
    # decks: 1 Jan, 1 Feb, 1 Mar: gaps 31 and 29 → 30
    assert udfs.AVG_INTERVAL(dates, kinds, "deck") == approx(30)


# ---------------------------------------------------------------------------------- AVERAGE_VALUE


def test_average_value():
    assert udfs.AVERAGE_VALUE([4, None, 8, 6]) == approx(6)  # (4 + 8 + 6) / 3, the blank is not a zero
    assert udfs.AVERAGE_VALUE([[1, 2], [3, 4]]) == approx(2.5)  # a 2-D range: 10 / 4


def test_average_value_errors():
    assert code(udfs.AVERAGE_VALUE, ["abc", 1]) == "#VALUE!"
    assert code(udfs.AVERAGE_VALUE, []) == "#N/A"
    assert code(udfs.AVERAGE_VALUE, [None, ""]) == "#N/A"
    assert code(udfs.AVERAGE_VALUE, [1, "#DIV/0!"]) == "#DIV/0!"


def test_average_value_criteria():
    # rows whose value is at least 5: (8 + 6) / 2 = 7
    assert udfs.AVERAGE_VALUE([4, None, 8, 6], [4, None, 8, 6], ">=5") == approx(7)


# ------------------------------------------------------------------------------- WEIGHTED_AVERAGE


def test_weighted_average():
    # (60 × 1,000 + 90 × 3,000) / 4,000 = 330,000 / 4,000 = 82.5
    assert udfs.WEIGHTED_AVERAGE([60, 90], [1000, 3000]) == approx(82.5)
    # a row missing its weight is skipped: 60
    assert udfs.WEIGHTED_AVERAGE([60, 90], [1000, None]) == approx(60)


def test_weighted_average_errors():
    assert code(udfs.WEIGHTED_AVERAGE, [60, 90], [0, 0]) == "#DIV/0!"
    assert code(udfs.WEIGHTED_AVERAGE, [60, 90], [-1, 3]) == "#NUM!"
    assert code(udfs.WEIGHTED_AVERAGE, [60, 90], [1]) == "#VALUE!"
    assert code(udfs.WEIGHTED_AVERAGE, [], []) == "#N/A"
    assert code(udfs.WEIGHTED_AVERAGE, ["abc", 1], [1, 1]) == "#VALUE!"


def test_weighted_average_criteria():
    months = ["2024-02-01", "2024-03-01", "2024-04-01"]
    # March onwards: (90 × 3,000 + 30 × 1,000) / 4,000 = 300,000 / 4,000 = 75
    assert udfs.WEIGHTED_AVERAGE([60, 90, 30], [1000, 3000, 1000], months, ">=2024-03-01") == approx(75)


# ------------------------------------------------------------------------------------- SHARE_TRUE


def test_share_true():
    assert udfs.SHARE_TRUE([True, False, True, None, True]) == approx(0.75)  # 3 TRUE of 4 answered
    assert udfs.SHARE_TRUE(["Yes", "no", "YES", ""]) == approx(2 / 3)  # 2 yes of 3
    assert udfs.SHARE_TRUE([1, 0, 0, 0]) == approx(0.25)  # LibreOffice sends TRUE/FALSE as 1/0


def test_share_true_errors():
    assert code(udfs.SHARE_TRUE, ["maybe", True]) == "#VALUE!"
    assert code(udfs.SHARE_TRUE, [2, True]) == "#VALUE!"
    assert code(udfs.SHARE_TRUE, []) == "#N/A"
    assert code(udfs.SHARE_TRUE, [None, None]) == "#N/A"
    assert code(udfs.SHARE_TRUE, [True, "#N/A"]) == "#N/A"


def test_share_true_criteria():
    plans = [True, False, True, False]
    segments = ["SMB", "SMB", "Enterprise", "smb"]
    assert udfs.SHARE_TRUE(plans, segments, "smb") == approx(1 / 3)  # SMB rows: T, F, F
    assert udfs.SHARE_TRUE(plans, plans, True) == 1.0


# --------------------------------------------------------------------------------- DISTINCT_COUNT


def test_distinct_count():
    assert udfs.DISTINCT_COUNT(["Alice", "Bob", "alice", None, "Carol"]) == 3  # Alice, Bob, Carol
    assert udfs.DISTINCT_COUNT([101, 101.0, "101", 7]) == 3  # the number 101, the text "101", 7


def test_distinct_count_errors():
    assert code(udfs.DISTINCT_COUNT, []) == "#N/A"
    assert code(udfs.DISTINCT_COUNT, ["", None]) == "#N/A"
    assert code(udfs.DISTINCT_COUNT, ["Alice", "#REF!"]) == "#REF!"


def test_distinct_count_criteria():
    reps = ["Alice", "Bob", "Alice", "Dan"]
    dates = ["2024-02-20", "2024-03-02", "2024-03-09", "2024-03-30"]
    # sessions from 1 Mar: Bob, Alice, Dan → 3 reps coached (3 sessions, all different reps)
    assert udfs.DISTINCT_COUNT(reps, dates, ">=2024-03-01") == 3
    # Alice twice, Bob once before 10 Mar → 2 reps
    assert udfs.DISTINCT_COUNT(reps, dates, "<2024-03-10") == 2


# -------------------------------------------------------------------------------------- VOLUME_BY


def test_volume_by():
    types = ["Bug", "How-to", "bug", None, "Billing", "How-to", "Bug"]
    # Bug 3 (case-insensitive, shown as first written), How-to 2, Billing 1
    assert udfs.VOLUME_BY(types) == [["Bug", 3.0], ["How-to", 2.0], ["Billing", 1.0]]


def test_volume_by_ties_numbers_and_flags():
    # ties are ordered by label, numbers before text, any case
    assert udfs.VOLUME_BY(["b", "A", "c", "a", "B"]) == [["A", 2.0], ["b", 2.0], ["c", 1.0]]
    assert udfs.VOLUME_BY([3, "x", 1]) == [[1.0, 1.0], [3.0, 1.0], ["x", 1.0]]
    assert udfs.VOLUME_BY([True, False, True]) == [["TRUE", 2.0], ["FALSE", 1.0]]


def test_volume_by_errors():
    assert code(udfs.VOLUME_BY, []) == "#N/A"
    assert code(udfs.VOLUME_BY, [None, ""]) == "#N/A"
    assert code(udfs.VOLUME_BY, ["Bug", "#N/A"]) == "#N/A"


def test_volume_by_criteria():
    types = ["Bug", "How-to", "Bug", "Billing"]
    products = ["Analytics", "Core Platform", "Analytics", "Analytics"]
    # Analytics tickets: Bug 2, Billing 1
    assert udfs.VOLUME_BY(types, products, "analytics") == [["Bug", 2.0], ["Billing", 1.0]]
    assert udfs.VOLUME_BY(types, types, "Bug*") == [["Bug", 2.0]]
    assert code(udfs.VOLUME_BY, types, products, "Mobile App") == "#N/A"
    assert code(udfs.VOLUME_BY, types, products[:2], "Analytics") == "#VALUE!"


# --------------------------------------------------------------------- METRICS.md lines are reachable

# The metrics of the Marketing, Sales enablement, Customer success and Customer support lines of METRICS.md,
# in its wording: each must be named by some catalogue function.
CATALOGUE_LINES = [
    # Marketing
    "new leads per period",
    "touches to create a lead",
    "MQLs",
    "MQL→SQL conversion",
    "cost per lead",
    "SQL count",
    "lead velocity rate",
    "content marketing ROI",
    "followers",
    "engagements",
    "messages generated",
    "site traffic from social",
    "CTR",
    "dwell time",
    "search rank",
    "CAC",
    # Sales enablement
    "session attendance",
    "course completion %",
    "course pass %",
    "collateral created",
    "training hours",
    "content shared",
    "content used / available",
    "average content age",
    "review cadence",
    "reps coached",
    "coaching hours per rep",
    "% managers who coach",
    "processes reviewed",
    "time saved",
    "new reps onboarded",
    "onboarding duration per cohort",
    "onboarding hours",
    "ramp time",
    "time to productivity",
    "rep retention",
    "employee referrals",
    "team morale survey score",
    # Customer success
    "weeks to onboard a customer",
    "monthly CS meetings",
    "time to first QBR",
    "% of customers with a joint success plan",
    "time to value",
    "churn rate",
    "retention rate",
    "GRR",
    "NRR",
    "CLV",
    "LTV",
    "growth ceiling",
    "expansion revenue",
    # Customer support
    "open escalations",
    "average response time",
    "time to first response",
    "average resolution time",
    "issue volume by type",
    "bug vs how-to",
    "issue volume by product/feature",
    "CSAT",
    "CES",
    "NPS",
]


@pytest.mark.parametrize("wording", CATALOGUE_LINES)
def test_every_metric_of_the_four_lines_is_served(wording):
    assert any(wording in entry.metrics for entry in udfs.catalog()), f"no function serves {wording!r}"


def test_volume_by_dates_are_excel_serials():
    # a date label shows as its serial whatever form it came in: 2024-03-01 is 45352
    labels = [dt.date(2024, 3, 1), dt.datetime(2024, 3, 1), 45352, np.datetime64("2024-03-01")]
    assert udfs.VOLUME_BY(labels) == [[45352.0, 4.0]]
    assert code(udfs.VOLUME_BY, [np.datetime64("20000-01-01")]) == "#NUM!"
