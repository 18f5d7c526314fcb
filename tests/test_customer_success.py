"""Customer success functions: expected values worked by hand (arithmetic in the comments) and the error codes."""

import pytest
from support import error_code as code

import udfs


def approx(value):
    return pytest.approx(value, rel=1e-9)


# --------------------------------------------------------------------------------- churn, retention


def test_churn_rate_methods():
    assert udfs.CHURN_RATE(5, 100) == approx(0.05)  # 5 / 100
    assert udfs.CHURN_RATE(5, 80, 20) == approx(0.0625)  # "start": 5 / 80, new customers not counted
    assert udfs.CHURN_RATE(5, 80, 20, "start_plus_new") == approx(0.05)  # 5 / (80 + 20)
    assert udfs.CHURN_RATE(5, 80, 20, "Start_Plus_New") == approx(0.05)  # methods are case-insensitive
    assert udfs.CHURN_RATE(110, 100, 20) == approx(1.1)  # customers won in the period also left: 110 / 100


def test_churn_rate_errors():
    assert code(udfs.CHURN_RATE, 0, 0) == "#DIV/0!"
    assert code(udfs.CHURN_RATE, 0, 0, 0, "start_plus_new") == "#DIV/0!"
    assert code(udfs.CHURN_RATE, 110, 100) == "#NUM!"  # cannot lose more customers than there were
    assert code(udfs.CHURN_RATE, 5, 100, 0, "bogus") == "#VALUE!"
    assert code(udfs.CHURN_RATE, "abc", 100) == "#VALUE!"
    assert code(udfs.CHURN_RATE, -1, 100) == "#NUM!"


def test_revenue_churn_rate_methods():
    assert udfs.REVENUE_CHURN_RATE(5000, 100000, 2000) == approx(0.07)  # (5,000 + 2,000) / 100,000
    assert udfs.REVENUE_CHURN_RATE(5000, 100000, 2000, 12000) == approx(0.07)  # gross ignores expansion
    # net: (5,000 + 2,000 − 12,000) / 100,000 = −0.05, net expansion
    assert udfs.REVENUE_CHURN_RATE(5000, 100000, 2000, 12000, "net") == approx(-0.05)


def test_revenue_churn_rate_errors():
    assert code(udfs.REVENUE_CHURN_RATE, 0, 0) == "#DIV/0!"
    assert code(udfs.REVENUE_CHURN_RATE, 5000, 0) == "#NUM!"  # lost more than there was, as GRR(0, 5000)
    assert code(udfs.REVENUE_CHURN_RATE, "abc", 100000) == "#VALUE!"
    assert code(udfs.REVENUE_CHURN_RATE, -5000, 100000) == "#NUM!"
    assert code(udfs.REVENUE_CHURN_RATE, 5000, 100000, 0, 0, "gros") == "#VALUE!"


def test_retention_rate():
    assert udfs.RETENTION_RATE(105, 15, 100) == approx(0.9)  # (105 − 15) / 100
    assert udfs.RETENTION_RATE(100, 0, 100) == 1.0
    assert code(udfs.RETENTION_RATE, 0, 0, 0) == "#DIV/0!"
    assert code(udfs.RETENTION_RATE, 10, 15, 100) == "#NUM!"  # more new customers than customers at the end
    assert code(udfs.RETENTION_RATE, 130, 10, 100) == "#NUM!"  # 120 kept of 100: impossible
    assert code(udfs.RETENTION_RATE, "abc", 15, 100) == "#VALUE!"


def test_grr():
    assert udfs.GRR(100000, 5000, 2000) == approx(0.93)  # (100,000 − 5,000 − 2,000) / 100,000
    assert udfs.GRR(100000, 5000) == approx(0.95)
    assert code(udfs.GRR, 0, 0) == "#DIV/0!"
    assert code(udfs.GRR, 100000, 90000, 20000) == "#NUM!"  # lost more than there was
    assert code(udfs.GRR, "abc", 5000) == "#VALUE!"


def test_nrr():
    assert udfs.NRR(100000, 5000, 2000, 12000) == approx(1.05)  # (100,000 − 7,000 + 12,000) / 100,000
    assert udfs.NRR(100000, 5000) == approx(0.95)
    assert code(udfs.NRR, 0, 0) == "#DIV/0!"
    assert code(udfs.NRR, 100000, 100001) == "#NUM!"
    assert code(udfs.NRR, 100000, "abc") == "#VALUE!"


# ---------------------------------------------------------------------------------- lifetime value


def test_clv_seed_example():
    assert udfs.CLV(100000, 20000, 10) == 8000  # seed 000: (100,000 − 20,000) / 10
    assert code(udfs.CLV, 100000, 20000, 0) == "#DIV/0!"
    assert code(udfs.CLV, 100000, -20000, 10) == "#NUM!"
    assert code(udfs.CLV, "abc", 20000, 10) == "#VALUE!"


def test_ltv():
    assert udfs.LTV(1000, 0.02, 0.8) == approx(40000)  # 1,000 × 0.8 / 0.02
    assert udfs.LTV(1000, 0.05) == approx(20000)  # revenue LTV: 1,000 / 0.05
    assert code(udfs.LTV, 1000, 0) == "#DIV/0!"
    assert code(udfs.LTV, 1000, 1.5) == "#NUM!"  # a churn rate is a fraction
    assert code(udfs.LTV, 1000, 0.02, 2) == "#NUM!"
    assert code(udfs.LTV, "abc", 0.02) == "#VALUE!"


def test_customer_lifetime():
    assert udfs.CUSTOMER_LIFETIME(0.05) == approx(20)  # 1 / 0.05
    assert code(udfs.CUSTOMER_LIFETIME, 0) == "#DIV/0!"
    assert code(udfs.CUSTOMER_LIFETIME, 2) == "#NUM!"
    assert code(udfs.CUSTOMER_LIFETIME, "abc") == "#VALUE!"


def test_growth_ceiling():
    assert udfs.GROWTH_CEILING(10000, 0.02) == approx(500000)  # 10,000 / 0.02
    assert code(udfs.GROWTH_CEILING, 10000, 0) == "#DIV/0!"
    assert code(udfs.GROWTH_CEILING, 10000, -0.1) == "#NUM!"
    assert code(udfs.GROWTH_CEILING, "abc", 0.02) == "#VALUE!"


# --------------------------------------------------------------------------------- lifecycle times


def test_onboarding_weeks():
    # 1 Jan → 29 Jan = 28 days; 1 Feb → 14 Mar 2024 = 29 + 13 = 42 days: (28 + 42) / 2 = 35 days = 5 weeks
    starts, ends = ["2024-01-01", "2024-02-01"], ["2024-01-29", "2024-03-14"]
    assert udfs.ONBOARDING_WEEKS(starts, ends) == approx(5)
    assert udfs.ONBOARDING_WEEKS([*starts, "2024-03-01"], [*ends, None]) == approx(5)  # still onboarding: skipped
    segments = ["SMB", "Enterprise"]
    assert udfs.ONBOARDING_WEEKS(starts, ends, segments, "Enterprise") == approx(6)  # 42 / 7
    assert code(udfs.ONBOARDING_WEEKS, ["2024-01-29"], ["2024-01-01"]) == "#NUM!"
    assert code(udfs.ONBOARDING_WEEKS, [], []) == "#N/A"
    assert code(udfs.ONBOARDING_WEEKS, starts, ends[:1]) == "#VALUE!"
    assert code(udfs.ONBOARDING_WEEKS, ["abc", "abc"], ends) == "#VALUE!"


def test_time_to_first_qbr():
    # 1 Jan → 31 Mar 2024 = 31 + 29 + 30 = 90 days; the second customer has had no QBR yet
    starts, qbrs = ["2024-01-01", "2024-02-01"], ["2024-03-31", None]
    assert udfs.TIME_TO_FIRST_QBR(starts, qbrs) == approx(90)
    csms = ["Erin", "Erin"]
    assert udfs.TIME_TO_FIRST_QBR(starts, qbrs, csms, "erin") == approx(90)
    assert code(udfs.TIME_TO_FIRST_QBR, starts, qbrs, csms, "Frank") == "#N/A"
    assert code(udfs.TIME_TO_FIRST_QBR, ["2024-03-31"], ["2024-01-01"]) == "#NUM!"
    assert code(udfs.TIME_TO_FIRST_QBR, [], []) == "#N/A"
    assert code(udfs.TIME_TO_FIRST_QBR, starts, ["2024-03-31"]) == "#VALUE!"
    assert code(udfs.TIME_TO_FIRST_QBR, starts, ["abc", None]) == "#VALUE!"


def test_time_to_value():
    # 1 Jan → 15 Feb = 31 + 14 = 45; 15 Jan → 29 Feb = 16 + 29 = 45: mean 45
    starts, values = ["2024-01-01", "2024-01-15"], ["2024-02-15", "2024-02-29"]
    assert udfs.TIME_TO_VALUE(starts, values) == approx(45)
    # 1 Mar 12:00 → 3 Mar 00:00 = 1.5 days
    assert udfs.TIME_TO_VALUE(["2024-03-01T12:00"], ["2024-03-03"]) == approx(1.5)
    started_2024 = ["2023-12-01", "2024-01-15"]
    assert udfs.TIME_TO_VALUE(starts, values, started_2024, ">=2024-01-01") == approx(45)
    assert code(udfs.TIME_TO_VALUE, ["2024-02-15"], ["2024-01-01"]) == "#NUM!"
    assert code(udfs.TIME_TO_VALUE, [None], [None]) == "#N/A"
    assert code(udfs.TIME_TO_VALUE, starts, values[:1]) == "#VALUE!"
    assert code(udfs.TIME_TO_VALUE, ["abc"], ["2024-02-15"]) == "#VALUE!"


def test_success_plan_coverage():
    assert udfs.SUCCESS_PLAN_COVERAGE(45, 60) == approx(0.75)  # 45 / 60
    assert code(udfs.SUCCESS_PLAN_COVERAGE, 45, 0) == "#DIV/0!"
    assert code(udfs.SUCCESS_PLAN_COVERAGE, 61, 60) == "#NUM!"
    assert code(udfs.SUCCESS_PLAN_COVERAGE, "abc", 60) == "#VALUE!"


def test_meetings_per_customer():
    assert udfs.MEETINGS_PER_CUSTOMER(90, 30, 3) == approx(1)  # 90 / 30 / 3
    assert udfs.MEETINGS_PER_CUSTOMER(60, 30) == approx(2)  # one month by default: 60 / 30
    assert code(udfs.MEETINGS_PER_CUSTOMER, 60, 0) == "#DIV/0!"
    assert code(udfs.MEETINGS_PER_CUSTOMER, 60, 30, 0) == "#DIV/0!"
    assert code(udfs.MEETINGS_PER_CUSTOMER, 60, 30, -1) == "#NUM!"
    assert code(udfs.MEETINGS_PER_CUSTOMER, "abc", 30) == "#VALUE!"


# ------------------------------------------------------------------------------------ MRR movements

START, END = [100, 200, 300, 0], [150, 150, 0, 80]


def test_mrr_movements():
    assert udfs.EXPANSION_REVENUE(START, END) == approx(50)  # 150 − 100
    assert udfs.CONTRACTION_REVENUE(START, END) == approx(50)  # 200 − 150
    assert udfs.CHURNED_REVENUE(START, END) == approx(300)  # left with 300
    assert udfs.NEW_CUSTOMER_REVENUE(START, END) == approx(80)  # new with 80


def test_mrr_movements_add_up():
    start = [500, 120, 80, 0, 60, 40]
    end = [650, 100, 0, 200, 60, 45]
    # expansion 150 + 5 = 155; contraction 20; churned 80; new 200
    # Σ end − Σ start = 1,055 − 800 = 255 = 200 + 155 − 20 − 80
    movements = [udfs.NEW_CUSTOMER_REVENUE, udfs.EXPANSION_REVENUE, udfs.CONTRACTION_REVENUE, udfs.CHURNED_REVENUE]
    assert [f(start, end) for f in movements] == [200, 155, 20, 80]


def test_mrr_blank_means_no_subscription():
    start, end = [100, None, 300, None], [150, 80, None, None]
    # row 2 has no start MRR: new with 80; row 3 has no end MRR: churned with 300; row 4 is blank and skipped
    assert udfs.NEW_CUSTOMER_REVENUE(start, end) == approx(80)
    assert udfs.CHURNED_REVENUE(start, end) == approx(300)
    assert udfs.EXPANSION_REVENUE(start, end) == approx(50)
    assert udfs.CONTRACTION_REVENUE(start, end) == 0.0


@pytest.mark.parametrize(
    "func", ["EXPANSION_REVENUE", "CONTRACTION_REVENUE", "CHURNED_REVENUE", "NEW_CUSTOMER_REVENUE"]
)
def test_mrr_errors(func):
    f = getattr(udfs, func)
    assert code(f, [], []) == "#N/A"
    assert code(f, [None, None], [None, None]) == "#N/A"
    assert code(f, START, END[:3]) == "#VALUE!"
    assert code(f, ["abc"] * 4, END) == "#VALUE!"
    assert code(f, [-100, 200, 300, 0], END) == "#NUM!"
    assert code(f, START, [150, -1, 0, 80]) == "#NUM!"


def test_mrr_criteria():
    csms = ["Erin", "Frank", "erin", "Frank"]
    assert udfs.EXPANSION_REVENUE(START, END, csms, "erin") == approx(50)  # Erin: rows 1 and 3
    assert udfs.CHURNED_REVENUE(START, END, csms, "erin") == approx(300)
    assert udfs.CONTRACTION_REVENUE(START, END, csms, "<>Erin") == approx(50)  # Frank: rows 2 and 4
    assert udfs.NEW_CUSTOMER_REVENUE(START, END, csms, "Fr*") == approx(80)
    assert code(udfs.NEW_CUSTOMER_REVENUE, START, END, csms, "Gina") == "#N/A"


# --------------------------------------------------------------------------------------- reactivation


def test_returning_customer_is_reactivation_not_new():
    # the example: a former subscriber comes back with 150; ChartMogul and dbt book it as Reactivation
    assert udfs.NEW_CUSTOMER_REVENUE([0], [150], [True]) == 0
    assert udfs.REACTIVATION_REVENUE([0], [150], [True]) == 150
    # without the flags every customer without a start MRR is new, as before
    assert udfs.NEW_CUSTOMER_REVENUE([0], [150]) == 150


def test_new_and_reactivation_split_the_customers_without_start_mrr():
    start, end = [100, 0, 0, None, 0], [150, 150, 80, 40, 0]
    returning = ["no", "yes", None, "TRUE", True]  # blank counts as not returning
    # new: row 3 (80); reactivation: rows 2 (150) and 4 (40); row 5 returns with nothing; row 1 had MRR
    assert udfs.NEW_CUSTOMER_REVENUE(start, end, returning) == 80
    assert udfs.REACTIVATION_REVENUE(start, end, returning) == 190
    assert udfs.NEW_CUSTOMER_REVENUE(start, end) == 80 + 190


def test_returning_with_criteria_and_blank_rows():
    start, end, returning = [0, 0, None, 0], [150, 80, None, 60], [True, False, None, False]
    segment = ["SMB", "SMB", None, "ENT"]
    assert udfs.NEW_CUSTOMER_REVENUE(start, end, returning, segment, "smb") == 80
    assert udfs.REACTIVATION_REVENUE(start, end, returning, segment, "smb") == 150
    assert udfs.NEW_CUSTOMER_REVENUE(start, end, None, segment, "smb") == 230  # flags left out


def test_returning_errors():
    assert code(udfs.NEW_CUSTOMER_REVENUE, [0, 0], [150, 80], [True]) == "#VALUE!"  # lengths differ
    assert code(udfs.NEW_CUSTOMER_REVENUE, [0], [150], ["maybe"]) == "#VALUE!"
    assert code(udfs.REACTIVATION_REVENUE, [0], [150], ["#N/A"]) == "#N/A"
    assert code(udfs.NEW_CUSTOMER_REVENUE, [0, 0], [150, 80], [True, False], ["SMB", "ENT"]) == "#VALUE!"


def test_calls_with_criteria_written_before_the_flags_still_work():
    # criteria come in pairs: two arguments after mrr_end are a criteria pair, three are flags and a pair
    assert udfs.NEW_CUSTOMER_REVENUE([0, 0], [150, 80], ["SMB", "ENT"], "SMB") == 150
    assert udfs.NEW_CUSTOMER_REVENUE([0, 0], [150, 80], [True, False], ["SMB", "ENT"], "SMB") == 0
    assert udfs.NEW_CUSTOMER_REVENUE([0, 0], [150, 80], ["SMB", "ENT"], "SMB", ["x", "y"], "x") == 150  # two pairs


# ------------------------------------------------------------------------------------ guards that agree


def test_revenue_churn_has_the_domain_of_grr_and_nrr():
    assert code(udfs.GRR, 100, 150) == "#NUM!"
    assert code(udfs.REVENUE_CHURN_RATE, 150, 100) == "#NUM!"  # the complement of GRR(100, 150)
    assert code(udfs.REVENUE_CHURN_RATE, 100, 150, 60) == "#NUM!"  # churned + contraction 160 > 150
    assert code(udfs.REVENUE_CHURN_RATE, 100, 150, 60, 500, "net") == "#NUM!"
    assert udfs.REVENUE_CHURN_RATE(100, 150, 50) == approx(1.0)  # everything lost: still possible
    assert udfs.GRR(150, 100, 50) == 0.0
    # each pair of complements adds up to 1 wherever both are defined
    for start, churned, contraction in [(1000, 100, 50), (500, 0, 0), (80, 80, 0)]:
        assert udfs.GRR(start, churned, contraction) + udfs.REVENUE_CHURN_RATE(churned, start, contraction) == approx(1)


def test_nrr_in_another_vendors_order_is_named():
    # NRR(churned, revenue_start, …) instead of NRR(revenue_start, churned, …) would be below 0
    with pytest.raises(udfs.KPIError, match=r"argument order: NRR\(revenue_start, churned") as caught:
        udfs.NRR(5000, 100000)
    assert caught.value.code == "#NUM!"
    with pytest.raises(udfs.KPIError, match=r"REVENUE_CHURN_RATE\(churned, revenue_start"):
        udfs.REVENUE_CHURN_RATE(150, 100)
