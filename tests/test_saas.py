"""Revenue movements, cohorts and board metrics: expected values worked by hand from the published definitions.

MRR movement rules (ChartMogul, dbt's mrr-playbook): a customer's first month with MRR > 0 is New; MRR > 0
after a month at 0, later than its first month, is Reactivation; a rise is Expansion; a fall to a value > 0
is Contraction; the first month at 0 after a month > 0 is Churn. Every month Starting + New + Expansion +
Reactivation − Contraction − Churn = Ending.
"""

import datetime as dt

import pytest
from support import error_code as code

import udfs

JAN, FEB, MAR, APR, MAY, JUN = 45292.0, 45323.0, 45352.0, 45383.0, 45413.0, 45444.0  # 1st of each month, 2024
HEADER = ["Month", "Starting MRR", "New", "Expansion", "Reactivation", "Contraction", "Churn", "Ending MRR"]


def approx(value):
    return pytest.approx(value, rel=1e-9)


def test_month_serials_are_the_first_days():
    # by date arithmetic: 2024-01-01 is 45,292 days after 1899-12-30; +31 (Jan), +29 (Feb 2024), +31, +30, +31
    for serial, day in zip((JAN, FEB, MAR, APR, MAY, JUN), range(1, 7), strict=True):
        assert dt.date(1899, 12, 30) + dt.timedelta(days=serial) == dt.date(2024, day, 1)


# ------------------------------------------------------------------------------------------- movements

# Five customers over January–June 2024, one row per customer and month (a month without a row is 0):
#   A: 100, 100, 150, 150, 120, 120   new Jan, expansion Mar +50, contraction May −30
#   B: 200, —, —, 180, 180, —         new Jan, churn Feb 200, reactivation Apr 180, churn Jun 180
#   C: —, 50, 50, 0, —, 70            new Feb, churn Apr 50 (explicit 0 row), reactivation Jun 70
#   D: —, —, —, —, 300, 300           new May
#   E: two rows in March (40 + 60)    new Mar 100, churn Apr 100
ROWS = [
    ("A", JAN, 100), ("A", FEB, 100), ("A", MAR, 150), ("A", APR, 150), ("A", MAY, 120), ("A", JUN, 120),
    ("B", JAN, 200), ("B", APR, 180), ("B", MAY, 180),
    ("C", FEB, 50), ("C", MAR, 50), ("C", APR, 0), ("C", JUN, 70),
    ("D", MAY, 300), ("D", JUN, 300),
    ("E", MAR + 14, 40), ("E", MAR + 30, 60),
]  # fmt: skip
CUSTOMERS, MONTHS, MRR = (list(column) for column in zip(*ROWS, strict=True))

WATERFALL = [
    HEADER,
    # month  start   new   exp  react contr churn  end
    [JAN, 0, 300, 0, 0, 0, 0, 300],  # A 100 + B 200 new
    [FEB, 300, 50, 0, 0, 0, 200, 150],  # C new 50; B churns 200
    [MAR, 150, 100, 50, 0, 0, 0, 300],  # E new 40 + 60; A +50
    [APR, 300, 0, 0, 180, 0, 150, 330],  # B returns 180; C (0) and E (no row) churn 50 + 100
    [MAY, 330, 300, 0, 0, 30, 0, 600],  # D new 300; A 150 → 120
    [JUN, 600, 0, 0, 70, 0, 180, 490],  # C returns 70; B churns 180
]  # fmt: skip


def test_waterfall_by_hand():
    assert udfs.MRR_MOVEMENTS(CUSTOMERS, MONTHS, MRR) == WATERFALL


def test_waterfall_adds_up_every_month():
    for month, start, new, expansion, reactivation, contraction, churn, end in WATERFALL[1:]:
        assert start + new + expansion + reactivation - contraction - churn == end, month


def test_waterfall_starts_where_the_month_before_ended():
    rows = udfs.MRR_MOVEMENTS(CUSTOMERS, MONTHS, MRR)[1:]
    assert all(rows[i][1] == rows[i - 1][7] for i in range(1, len(rows)))


def test_waterfall_row_order_and_date_forms_do_not_matter():
    order = list(reversed(range(len(ROWS))))
    as_dates = [dt.date(1899, 12, 30) + dt.timedelta(days=MONTHS[i]) for i in order]
    table = udfs.MRR_MOVEMENTS([CUSTOMERS[i].lower() for i in order], as_dates, [MRR[i] for i in order])
    assert table == WATERFALL  # customer ids compare case-insensitively, as COUNTIFS does


def test_issue_example_returning_customer_is_reactivation_not_new():
    # a subscriber in January, gone in February, back in March with 150
    table = udfs.MRR_MOVEMENTS(["X", "X"], [JAN, MAR], [100, 150])
    assert table[3] == [MAR, 0, 0, 0, 150, 0, 0, 150]
    assert udfs.MRR_MOVEMENT(["X", "X"], [JAN, MAR], [100, 150], "new", "2024-03-20") == 0
    assert udfs.MRR_MOVEMENT(["X", "X"], [JAN, MAR], [100, 150], "reactivation", "2024-03-20") == 150


def test_churn_comes_the_month_after_the_last_paid_month():
    # a subscription that ends on 31 May churns in June; without a June row, there is no June in the table
    table = udfs.MRR_MOVEMENTS(["Y", "Y", "Z"], [APR, MAY, JUN], [80, 80, 10])
    assert table[3] == [JUN, 80, 10, 0, 0, 0, 80, 10]
    assert udfs.MRR_MOVEMENTS(["Y", "Y"], [APR, MAY], [80, 80])[-1] == [MAY, 80, 0, 0, 0, 0, 0, 80]


def test_blank_mrr_is_zero_and_blank_rows_are_skipped():
    table = udfs.MRR_MOVEMENTS(["A", "A", None, "A"], [JAN, FEB, None, MAR], [100, None, None, 60])
    assert table[1:] == [
        [JAN, 0, 100, 0, 0, 0, 0, 100],
        [FEB, 100, 0, 0, 0, 0, 100, 0],
        [MAR, 0, 0, 0, 60, 0, 0, 60],
    ]


def test_waterfall_criteria_select_customers():
    segments = ["SMB" if c in ("A", "C") else "ENT" for c in CUSTOMERS]
    table = udfs.MRR_MOVEMENTS(CUSTOMERS, MONTHS, MRR, segments, "smb")
    # A and C only: Jan A new 100; Feb C new 50; Mar A +50; Apr C churns 50; May A −30; Jun C returns 70
    assert table[1:] == [
        [JAN, 0, 100, 0, 0, 0, 0, 100],
        [FEB, 100, 50, 0, 0, 0, 0, 150],
        [MAR, 150, 0, 50, 0, 0, 0, 200],
        [APR, 200, 0, 0, 0, 0, 50, 150],
        [MAY, 150, 0, 0, 0, 30, 0, 120],
        [JUN, 120, 0, 0, 70, 0, 0, 190],
    ]


@pytest.mark.parametrize("column", range(1, 8))
def test_mrr_movement_is_one_cell_of_the_table(column):
    movement = ("starting", "new", "expansion", "reactivation", "contraction", "churn", "ending")[column - 1]
    for row in WATERFALL[1:]:
        mid_month = row[0] + 9
        assert udfs.MRR_MOVEMENT(CUSTOMERS, MONTHS, MRR, movement.upper(), mid_month) == row[column]


def test_mrr_movement_errors():
    assert code(udfs.MRR_MOVEMENT, CUSTOMERS, MONTHS, MRR, "new", "2023-12-31") == "#N/A"  # before the data
    assert code(udfs.MRR_MOVEMENT, CUSTOMERS, MONTHS, MRR, "new", "2024-07-01") == "#N/A"  # after it
    assert code(udfs.MRR_MOVEMENT, CUSTOMERS, MONTHS, MRR, "upsell", JAN) == "#VALUE!"
    assert code(udfs.MRR_MOVEMENT, CUSTOMERS, MONTHS, MRR, None, JAN) == "#N/A"


def test_movement_errors():
    assert code(udfs.MRR_MOVEMENTS, ["A"], [JAN], [-5]) == "#NUM!"  # negative MRR
    assert code(udfs.MRR_MOVEMENTS, [None], [JAN], [5]) == "#VALUE!"  # a row without its customer
    assert code(udfs.MRR_MOVEMENTS, ["A"], [None], [5]) == "#VALUE!"  # a row without its month
    assert code(udfs.MRR_MOVEMENTS, ["A", "A"], [JAN], [5, 5]) == "#VALUE!"  # ranges of different lengths
    assert code(udfs.MRR_MOVEMENTS, [None], [None], [None]) == "#N/A"
    assert code(udfs.MRR_MOVEMENTS, ["A", "A"], ["2024-01-01", "2204-01-01"], [5, 5]) == "#NUM!"  # typo year
    assert code(udfs.MRR_MOVEMENTS, ["A"], ["Jan"], [5]) == "#VALUE!"


# --------------------------------------------------------------------------------------------- cohorts


def test_logo_cohorts_by_hand():
    # cohorts: Jan {A, B}, Feb {C}, Mar {E}, May {D}; a customer pays in a month when its MRR > 0
    table = udfs.COHORT_RETENTION(CUSTOMERS, MONTHS, MRR)
    assert table == [
        ["Cohort", 0, 1, 2, 3, 4, 5],
        [JAN, 1, 0.5, 0.5, 1, 1, 0.5],  # A all months; B Jan, Apr, May
        [FEB, 1, 1, 0, 0, 1, ""],  # C Feb, Mar, (Apr 0), Jun
        [MAR, 1, 0, 0, 0, "", ""],  # E Mar only
        [MAY, 1, 1, "", "", "", ""],  # D May, Jun
    ]


def test_revenue_cohorts_by_hand():
    table = udfs.COHORT_RETENTION(CUSTOMERS, MONTHS, MRR, "revenue")
    assert table[1] == [JAN, 1, approx(100 / 300), approx(150 / 300), approx(330 / 300), approx(300 / 300), 0.4]
    assert table[2] == [FEB, 1, 1, 0, 0, approx(70 / 50), ""]  # above 100 %: C came back bigger
    assert table[3] == [MAR, 1, 0, 0, 0, "", ""]
    assert table[4] == [MAY, 1, 1, "", "", "", ""]


def test_cohort_errors():
    assert code(udfs.COHORT_RETENTION, ["A"], [JAN], [0]) == "#N/A"  # nobody ever paid
    assert code(udfs.COHORT_RETENTION, CUSTOMERS, MONTHS, MRR, "arr") == "#VALUE!"
    assert code(udfs.COHORT_RETENTION, [], [], []) == "#N/A"


# -------------------------------------------------------------------------------------- board metrics


def test_quick_ratio():
    assert udfs.QUICK_RATIO(500, 200, 100, 75) == 4.0  # (500 + 200) / (100 + 75)
    assert udfs.QUICK_RATIO(500, 200, 100, 75, 50) == approx(750 / 175)  # reactivation counts as gained
    assert udfs.QUICK_RATIO(100, 0, 50) == 2.0
    assert code(udfs.QUICK_RATIO, 100, 0, 0) == "#DIV/0!"  # nothing lost
    assert code(udfs.QUICK_RATIO, 100, -1, 5) == "#NUM!"


def test_rule_of_40():
    assert udfs.RULE_OF_40(0.25, 0.20) == approx(0.45)
    assert udfs.RULE_OF_40(0.60, -0.30) == approx(0.30)  # fast growth paid for with losses
    assert code(udfs.RULE_OF_40, -1.5, 0.1) == "#NUM!"  # revenue cannot fall by more than 100 %
    assert code(udfs.RULE_OF_40, 25, 20) == "#NUM!"  # percentages typed as whole numbers


def test_burn_rate_and_runway():
    assert udfs.BURN_RATE(100000, 70000, 6) == 5000  # 30,000 over 6 months
    assert udfs.BURN_RATE(100000, 90000) == 10000  # one month by default
    assert udfs.BURN_RATE(100000, 130000, 3) == -10000  # cash grew
    assert code(udfs.BURN_RATE, 100000, 70000, 0) == "#DIV/0!"
    assert code(udfs.BURN_RATE, 100000, 70000, -1) == "#NUM!"
    assert udfs.RUNWAY(100000, 5000) == 20
    assert code(udfs.RUNWAY, 100000, 0) == "#NUM!"  # not burning cash
    assert code(udfs.RUNWAY, 100000, -5000) == "#NUM!"
    assert code(udfs.RUNWAY, -1, 5000) == "#NUM!"


def test_burn_multiple():
    assert udfs.BURN_MULTIPLE(3000000, 2000000) == 1.5
    assert udfs.BURN_MULTIPLE(-500000, 1000000) == -0.5  # the period generated cash
    assert code(udfs.BURN_MULTIPLE, 3000000, 0) == "#DIV/0!"
    assert code(udfs.BURN_MULTIPLE, 3000000, -1000) == "#NUM!"  # ARR shrank


def test_cagr_matches_excel_rri():
    assert udfs.CAGR(100, 121, 2) == approx(0.1)  # √1.21 − 1
    assert udfs.CAGR(100, 200, 1) == approx(1.0)
    assert udfs.CAGR(1000, 1331, 3) == approx(0.1)  # ∛1.331 − 1
    assert udfs.CAGR(100, 50, 1) == approx(-0.5)
    assert udfs.CAGR(100, 0, 2) == -1.0
    assert code(udfs.CAGR, 0, 100, 2) == "#DIV/0!"
    assert code(udfs.CAGR, 100, 121, 0) == "#NUM!"  # RRI(0, …) is #NUM! too
    assert code(udfs.CAGR, 100, 121, -2) == "#NUM!"


def test_dso():
    assert udfs.DSO(50000, 500000) == 36.5  # 50,000 / 500,000 × 365
    assert udfs.DSO(30000, 90000, 90) == 30  # a quarter
    assert code(udfs.DSO, 50000, 0) == "#DIV/0!"
    assert code(udfs.DSO, 50000, 500000, 0) == "#NUM!"


def test_discounted_ltv():
    assert udfs.DISCOUNTED_LTV(100, 0.05, 0.10, 0.70) == approx(70 / 0.15)  # 466.67
    assert udfs.DISCOUNTED_LTV(100, 0.05, 0) == approx(udfs.LTV(100, 0.05))  # no discounting: plain LTV
    assert code(udfs.DISCOUNTED_LTV, 100, 0, 0) == "#DIV/0!"
    assert code(udfs.DISCOUNTED_LTV, 100, 5, 0.1) == "#NUM!"  # 5 % typed as 5


def test_weighted_pipeline():
    assert udfs.WEIGHTED_PIPELINE([10000, 20000, 5000], [0.2, 0.5, 1]) == 17000  # 2,000 + 10,000 + 5,000
    assert udfs.WEIGHTED_PIPELINE([10000, None, 5000], [0.2, 0.5, None]) == 2000  # half-blank rows skipped
    owners = ["Ann", "Bo", "Ann"]
    assert udfs.WEIGHTED_PIPELINE([10000, 20000, 5000], [0.2, 0.5, 1], owners, "ann") == 7000
    assert code(udfs.WEIGHTED_PIPELINE, [10000], [50]) == "#NUM!"  # 50 % typed as 50
    assert code(udfs.WEIGHTED_PIPELINE, [10000], [-0.1]) == "#NUM!"
    assert code(udfs.WEIGHTED_PIPELINE, [-10000], [0.5]) == "#NUM!"
    assert code(udfs.WEIGHTED_PIPELINE, [None], [None]) == "#N/A"


# ------------------------------------------------------------------------------------ business hours

MON_6, THU_20 = "2024-01-01T06:00", "2024-01-04T20:00"  # 1 Jan 2024 is a Monday


def test_business_hours_issue_example():
    # Mon 10–18, Tue 10–18, Wed 10–18, Thu 10–18: 4 × 8 = 32 working hours (86 calendar hours)
    assert udfs.AVG_BUSINESS_HOURS([MON_6], [THU_20], "10:00", "18:00") == 32
    assert udfs.AVG_BUSINESS_HOURS([MON_6], [THU_20], 10 / 24, 18 / 24) == 32  # Excel times
    assert udfs.AVG_BUSINESS_HOURS([MON_6], [THU_20], dt.time(10), dt.time(18)) == 32
    assert udfs.AVG_BUSINESS_HOURS([MON_6], [THU_20], "10:00 AM", "6:00 PM") == 32
    # classic xlwings hands time cells over as date-times on Excel's day 0, 30 Dec 1899
    day_zero = dt.datetime(1899, 12, 30)
    assert udfs.AVG_BUSINESS_HOURS([MON_6], [THU_20], day_zero.replace(hour=10), day_zero.replace(hour=18)) == 32
    # a 00:00–24:00 working day on weekdays counts every hour: 18 + 24 + 24 + 20 = 86, the calendar hours
    assert udfs.AVG_BUSINESS_HOURS([MON_6], [THU_20], "00:00", dt.datetime(1899, 12, 31)) == 86
    assert code(udfs.AVG_BUSINESS_HOURS, [MON_6], [THU_20], dt.datetime(2024, 1, 1, 10), "18:00") == "#NUM!"


def test_business_hours_within_one_day_and_over_a_weekend():
    assert udfs.AVG_BUSINESS_HOURS(["2024-01-02T09:30"], ["2024-01-02T11:45"], "10:00", "18:00") == 1.75
    assert udfs.AVG_BUSINESS_HOURS(["2024-01-02T12:00"], ["2024-01-02T12:00"], "10:00", "18:00") == 0
    # Fri 17:00 → Mon 11:00: Friday 1 h + Monday 1 h
    assert udfs.AVG_BUSINESS_HOURS(["2024-01-05T17:00"], ["2024-01-08T11:00"], "10:00", "18:00") == 2
    # created on Saturday, answered Monday 10:30: 0.5 h
    assert udfs.AVG_BUSINESS_HOURS(["2024-01-06T12:00"], ["2024-01-08T10:30"], "10:00", "18:00") == 0.5
    # a mean over rows: (32 + 2) / 2; a row without its answer is skipped
    starts, ends = [MON_6, "2024-01-05T17:00", "2024-01-05T09:00"], [THU_20, "2024-01-08T11:00", None]
    assert udfs.AVG_BUSINESS_HOURS(starts, ends, "10:00", "18:00") == 17


def test_business_hours_weekend_mask_and_holidays():
    # Sunday-only weekend (mask and number 11): Fri 17:00 → Mon 11:00 adds Saturday's 8 h
    fri, mon = ["2024-01-05T17:00"], ["2024-01-08T11:00"]
    assert udfs.AVG_BUSINESS_HOURS(fri, mon, "10:00", "18:00", "0000001") == 10
    assert udfs.AVG_BUSINESS_HOURS(fri, mon, "10:00", "18:00", 11) == 10
    assert udfs.AVG_BUSINESS_HOURS(fri, mon, "10:00", "18:00", 1) == 2
    # Tuesday 2 Jan a holiday: 32 − 8
    assert udfs.AVG_BUSINESS_HOURS([MON_6], [THU_20], "10:00", "18:00", None, ["2024-01-02", None]) == 24
    assert udfs.AVG_BUSINESS_HOURS([MON_6], [THU_20], "10:00", "18:00", "0000011", [dt.date(2024, 1, 2)]) == 24


def test_business_hours_are_exact_to_the_second():
    # 45292.25 + 8/24 as a float serial carries noise; the result is still exactly 8 working hours
    start = 45293 + 10 / 24  # Tuesday 10:00
    end = start + 8 / 24
    assert udfs.AVG_BUSINESS_HOURS([start], [end], 10 / 24, 18 / 24) == 8


def test_business_hours_criteria():
    owners = ["x", "y"]
    starts, ends = [MON_6, "2024-01-05T17:00"], [THU_20, "2024-01-08T11:00"]
    assert udfs.AVG_BUSINESS_HOURS(starts, ends, "10:00", "18:00", None, None, owners, "y") == 2


def test_business_hours_errors():
    assert code(udfs.AVG_BUSINESS_HOURS, [THU_20], [MON_6], "10:00", "18:00") == "#NUM!"  # answered before created
    assert code(udfs.AVG_BUSINESS_HOURS, [MON_6], [THU_20], "18:00", "10:00") == "#NUM!"  # overnight
    assert code(udfs.AVG_BUSINESS_HOURS, [MON_6], [THU_20], "10h", "18:00") == "#VALUE!"
    assert code(udfs.AVG_BUSINESS_HOURS, [MON_6], [THU_20], 1.5, "18:00") == "#NUM!"  # not a time of day
    assert code(udfs.AVG_BUSINESS_HOURS, [MON_6], [THU_20], "10:00", "18:00", "1111111") == "#VALUE!"
    assert code(udfs.AVG_BUSINESS_HOURS, [MON_6], [THU_20], "10:00", "18:00", "00011") == "#VALUE!"
    assert code(udfs.AVG_BUSINESS_HOURS, [MON_6], [THU_20], "10:00", "18:00", 8) == "#NUM!"  # as NETWORKDAYS.INTL
    assert code(udfs.AVG_BUSINESS_HOURS, [MON_6], [THU_20], "10:00", "18:00", "0000011", ["someday"]) == "#VALUE!"
    assert code(udfs.AVG_BUSINESS_HOURS, [MON_6], [THU_20], "#N/A", "18:00") == "#N/A"
    assert code(udfs.AVG_BUSINESS_HOURS, [MON_6], [None], "10:00", "18:00") == "#N/A"


def test_cell_by_cell_calls_on_changed_rows_see_the_change():
    # a sheet calls MRR_MOVEMENT once per month and movement with the same rows; results are kept per exact rows
    before = udfs.MRR_MOVEMENT(CUSTOMERS, MONTHS, MRR, "expansion", MAR)
    changed = list(MRR)
    changed[2] = 170  # A in March: 100 → 170 instead of 150
    assert before == 50
    assert udfs.MRR_MOVEMENT(CUSTOMERS, MONTHS, changed, "expansion", MAR) == 70
    assert udfs.MRR_MOVEMENT(CUSTOMERS, MONTHS, MRR, "expansion", MAR) == 50
    renamed = ["Z" if c == "B" else c for c in CUSTOMERS]  # same figures, B renamed: the same waterfall
    assert udfs.MRR_MOVEMENTS(renamed, MONTHS, MRR) == WATERFALL
    assert udfs.MRR_MOVEMENT(CUSTOMERS, MONTHS, MRR, "churn", "2024-06-30") == 180
