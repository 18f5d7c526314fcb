"""Sales (account executives): every function of udfs/sales.py against numbers worked by hand."""

import datetime as dt

import pytest
from support import error_code as code

import udfs


def approx(value):
    return pytest.approx(value, rel=1e-12)


# Excel serials of the dates used below (1899-12-30 is day 0): 2024-01-01 = 45292, 2024-01-11 = 45302,
# 2024-01-31 = 45322, 2024-02-20 = 45342, 2024-03-01 = 45352 (2024 is a leap year), 2024-03-21 = 45372,
# 2024-03-31 = 45382.


# ------------------------------------------------------------------------------------------------- ACV


def test_acv_seed_example():
    # seed 000: (380,000 − 20,000) / 3
    assert udfs.ACV(380000, 20000, 3) == 120000


def test_acv_defaults_and_blank_optionals():
    assert udfs.ACV(120000) == 120000  # no fees, one year
    assert udfs.ACV(100000, "", 2) == 50000  # a blank fee cell takes the default 0
    assert udfs.ACV(100000, None, None) == 100000


def test_acv_ranges_and_fractional_years():
    # (200,000 + 100,000 − 10,000 − 10,000) / 2 = 140,000
    assert udfs.ACV([200000, 100000], [10000, 10000], 2) == 140000
    # 18 months: 300,000 / 1.5 = 200,000
    assert udfs.ACV(300000, 0, 1.5) == approx(200000)


def test_acv_errors():
    assert code(udfs.ACV, 380000, 20000, 0) == "#DIV/0!"
    assert code(udfs.ACV, "abc", 20000, 3) == "#VALUE!"
    assert code(udfs.ACV, 380000, 20000, -3) == "#NUM!"
    assert code(udfs.ACV, 10000, 20000, 1) == "#NUM!"  # fees above the contract value
    assert code(udfs.ACV, -1, 0, 1) == "#NUM!"
    assert code(udfs.ACV, "#REF!", 0, 1) == "#REF!"


# ------------------------------------------------------------------------------------------------- TCV


def test_tcv():
    # 120,000 × 3 + 20,000
    assert udfs.TCV(120000, 3, 20000) == 380000
    assert udfs.TCV(50000, 2) == 100000
    assert code(udfs.TCV, "abc", 3) == "#VALUE!"
    assert code(udfs.TCV, 120000, -1) == "#NUM!"


# -------------------------------------------------------------------------------------------- WIN_RATE


def test_win_rate():
    assert udfs.WIN_RATE(47, 53) == approx(0.47)  # 47 / 100
    assert udfs.WIN_RATE(300000, 700000) == approx(0.3)  # value win rate from amounts
    assert udfs.WIN_RATE([1, 2], [3, None]) == approx(0.5)  # (1 + 2) / (3 + 3)


def test_win_rate_errors():
    assert code(udfs.WIN_RATE, 0, 0) == "#DIV/0!"
    assert code(udfs.WIN_RATE, "abc", 3) == "#VALUE!"
    assert code(udfs.WIN_RATE, -1, 3) == "#NUM!"


# ---------------------------------------------------------------------------------- SALES_CYCLE_LENGTH

CREATED = ["2024-01-01", "2024-01-11", "2024-01-01"]
CLOSED = ["2024-01-31", "2024-02-20", None]  # the third deal is open


def test_sales_cycle_length_skips_open_deals():
    # (30 + 40) / 2 = 35; the open deal is skipped
    assert udfs.SALES_CYCLE_LENGTH(CREATED, CLOSED) == approx(35)


def test_sales_cycle_length_dates_in_any_form():
    serials = udfs.SALES_CYCLE_LENGTH([45292, 45302], [45322, 45342])
    datetimes = udfs.SALES_CYCLE_LENGTH(
        [dt.datetime(2024, 1, 1), dt.date(2024, 1, 11)], [dt.datetime(2024, 1, 31), dt.datetime(2024, 2, 20)]
    )
    assert serials == datetimes == approx(35)


def test_sales_cycle_length_criteria():
    created = ["2024-01-01", "2024-01-11", "2024-01-01"]
    closed = ["2024-01-31", "2024-02-20", "2024-01-11"]  # 30, 40 and 10 days
    owners = ["alice", "Bob", "Alice"]
    assert udfs.SALES_CYCLE_LENGTH(created, closed, owners, "ALICE") == approx(20)  # (30 + 10) / 2
    assert udfs.SALES_CYCLE_LENGTH(created, closed, owners, "A*") == approx(20)
    assert udfs.SALES_CYCLE_LENGTH(created, closed, owners, "<>alice") == approx(40)
    assert udfs.SALES_CYCLE_LENGTH(created, closed, created, ">=2024-01-10") == approx(40)
    assert udfs.SALES_CYCLE_LENGTH(created, closed, owners, "Alice", [10, 20, 30], ">=25") == approx(10)
    assert code(udfs.SALES_CYCLE_LENGTH, created, closed, owners, "Carol") == "#N/A"


def test_sales_cycle_length_errors():
    assert code(udfs.SALES_CYCLE_LENGTH, [], []) == "#N/A"
    assert code(udfs.SALES_CYCLE_LENGTH, ["2024-01-01"], [None]) == "#N/A"  # only open deals
    assert code(udfs.SALES_CYCLE_LENGTH, CREATED, CLOSED[:2]) == "#VALUE!"
    assert code(udfs.SALES_CYCLE_LENGTH, ["abc"], ["2024-01-31"]) == "#VALUE!"
    assert code(udfs.SALES_CYCLE_LENGTH, ["2024-02-01"], ["2024-01-01"]) == "#NUM!"  # closed before created
    assert code(udfs.SALES_CYCLE_LENGTH, CREATED, CLOSED, ["a", "b"], "a") == "#VALUE!"
    assert code(udfs.SALES_CYCLE_LENGTH, CREATED, CLOSED, ["a", "b", "c"]) == "#VALUE!"


# ------------------------------------------------------------------------------------------ SALES_VELOCITY


def test_sales_velocity():
    # 50 × 20,000 × 0.25 / 50 = 5,000 a day
    assert udfs.SALES_VELOCITY(50, 20000, 0.25, 50) == approx(5000)
    assert code(udfs.SALES_VELOCITY, 50, 20000, 0.25, 0) == "#DIV/0!"
    assert code(udfs.SALES_VELOCITY, "abc", 20000, 0.25, 50) == "#VALUE!"
    assert code(udfs.SALES_VELOCITY, 50, 20000, 1.2, 50) == "#NUM!"  # a rate above 1
    assert code(udfs.SALES_VELOCITY, 50, -1, 0.25, 50) == "#NUM!"


# -------------------------------------------------------------------------------------- SALES_PRODUCTIVITY


def test_sales_productivity():
    assert udfs.SALES_PRODUCTIVITY(100000, 10) == 10000  # seed 000, exactly
    assert udfs.SALES_PRODUCTIVITY(100000, 2.5) == approx(40000)  # fractional FTEs
    assert code(udfs.SALES_PRODUCTIVITY, 100000, 0) == "#DIV/0!"
    assert code(udfs.SALES_PRODUCTIVITY, 100000, "abc") == "#VALUE!"
    assert code(udfs.SALES_PRODUCTIVITY, 100000, -2) == "#NUM!"


# ---------------------------------------------------------------------------------------- QUOTA_ATTAINMENT


def test_quota_attainment():
    assert udfs.QUOTA_ATTAINMENT(58, 100) == approx(0.58)
    assert udfs.QUOTA_ATTAINMENT(45, 100, 0.5) == approx(0.9)  # 45 / (100 × 0.5)
    assert code(udfs.QUOTA_ATTAINMENT, 58, 0) == "#DIV/0!"
    assert code(udfs.QUOTA_ATTAINMENT, 58, 100, 0) == "#DIV/0!"
    assert code(udfs.QUOTA_ATTAINMENT, 58, 100, -1) == "#NUM!"
    assert code(udfs.QUOTA_ATTAINMENT, "abc", 100) == "#VALUE!"


# ------------------------------------------------------------------------------------------- QUOTA_STREAK


def test_quota_streak():
    assert udfs.QUOTA_STREAK([1.2, 0.8, 1.0, 1.1]) == 2  # the last two periods reach 100 %
    assert udfs.QUOTA_STREAK([1.2, 0.8, 1.0, 1.1], 0.9) == 2  # 0.8 still breaks it
    assert udfs.QUOTA_STREAK([1.2, 0.8, 1.0, 1.1], 0.75) == 4
    assert udfs.QUOTA_STREAK([1.2, 0.5]) == 0
    assert udfs.QUOTA_STREAK([1.0, None, 1.2]) == 2  # blank periods are skipped


def test_quota_streak_criteria():
    attainments = [1.1, 0.9, 1.2, 1.0]
    reps = ["A", "B", "A", "B"]
    assert udfs.QUOTA_STREAK(attainments, 1, reps, "a") == 2  # 1.1, 1.2
    assert udfs.QUOTA_STREAK(attainments, 1, reps, "<>A") == 1  # 0.9, 1.0
    assert udfs.QUOTA_STREAK(attainments, None, reps, "B") == 1  # a blank threshold is 1


def test_quota_streak_errors():
    assert code(udfs.QUOTA_STREAK, []) == "#N/A"
    assert code(udfs.QUOTA_STREAK, [None, ""]) == "#N/A"
    assert code(udfs.QUOTA_STREAK, ["abc", 1.0]) == "#VALUE!"
    assert code(udfs.QUOTA_STREAK, [1.0, 1.1], 1, ["A"], "A") == "#VALUE!"


# ------------------------------------------------------------------------------- PIPELINE_COVERAGE etc.


def test_pipeline_coverage():
    assert udfs.PIPELINE_COVERAGE(300000, 100000) == approx(3)
    assert code(udfs.PIPELINE_COVERAGE, 300000, 0) == "#DIV/0!"
    assert code(udfs.PIPELINE_COVERAGE, "abc", 100000) == "#VALUE!"


def test_discount_rate():
    assert udfs.DISCOUNT_RATE(100000, 88000) == approx(0.12)  # 12,000 / 100,000
    assert udfs.DISCOUNT_RATE([100, 200], [90, 150]) == approx(0.2)  # (300 − 240) / 300, value-weighted
    assert code(udfs.DISCOUNT_RATE, 0, 0) == "#DIV/0!"
    assert code(udfs.DISCOUNT_RATE, 100, "abc") == "#VALUE!"


def test_cost_of_sales_ratio():
    assert udfs.COST_OF_SALES_RATIO(15000, 100000) == approx(0.15)
    assert code(udfs.COST_OF_SALES_RATIO, 15000, 0) == "#DIV/0!"
    assert code(udfs.COST_OF_SALES_RATIO, "abc", 100000) == "#VALUE!"


# ------------------------------------------------------------------------------------------ AVG_DEAL_SIZE


def test_avg_deal_size():
    assert udfs.AVG_DEAL_SIZE([10000, 20000, 30000]) == approx(20000)
    assert udfs.AVG_DEAL_SIZE([10000, None, "", 30000]) == approx(20000)  # blanks skipped


def test_avg_deal_size_criteria():
    amounts = [10000, 20000, 30000, 50000]
    statuses = ["Won", "Lost", "won", "Open"]
    assert udfs.AVG_DEAL_SIZE(amounts, statuses, "Won") == approx(20000)  # (10,000 + 30,000) / 2
    assert udfs.AVG_DEAL_SIZE(amounts, statuses, "<>Lost") == approx(30000)  # (10 + 30 + 50) / 3 thousand
    assert udfs.AVG_DEAL_SIZE(amounts, amounts, ">=15000") == approx(100000 / 3)  # (20 + 30 + 50) / 3 thousand
    assert udfs.AVG_DEAL_SIZE(amounts, statuses, "W*", amounts, "<20000") == approx(10000)


def test_avg_deal_size_errors():
    assert code(udfs.AVG_DEAL_SIZE, []) == "#N/A"
    assert code(udfs.AVG_DEAL_SIZE, [10000], ["Lost"], "Won") == "#N/A"
    assert code(udfs.AVG_DEAL_SIZE, ["abc"]) == "#VALUE!"


# ------------------------------------------------------------------------------------ PIPELINE_STALL_TIME

STAGE_CHANGED = ["2024-03-01", "2024-03-21"]


def test_pipeline_stall_time():
    # 2024-03-01 → 03-31 is 30 days, 03-21 → 03-31 is 10: (30 + 10) / 2
    assert udfs.PIPELINE_STALL_TIME(STAGE_CHANGED, "2024-03-31") == approx(20)
    assert udfs.PIPELINE_STALL_TIME([45352, 45372], 45382) == approx(20)
    assert udfs.PIPELINE_STALL_TIME([dt.date(2024, 3, 1), dt.datetime(2024, 3, 21)], dt.date(2024, 3, 31)) == approx(20)
    assert udfs.PIPELINE_STALL_TIME([None, "2024-03-21"], "2024-03-31") == approx(10)  # blank skipped
    assert udfs.PIPELINE_STALL_TIME(["2024-03-31"], "2024-03-31") == 0


def test_pipeline_stall_time_criteria():
    changed = ["2024-03-01", "2024-03-11", "2024-03-21"]  # 30, 20 and 10 days before 03-31
    status = ["Open", "Won", "open"]
    assert udfs.PIPELINE_STALL_TIME(changed, "2024-03-31", status, "Open") == approx(20)  # (30 + 10) / 2
    assert udfs.PIPELINE_STALL_TIME(changed, "2024-03-31", status, "<>Won") == approx(20)
    assert udfs.PIPELINE_STALL_TIME(changed, "2024-03-31", changed, ">=2024-03-10") == approx(15)  # (20 + 10) / 2


def test_pipeline_stall_time_errors():
    assert code(udfs.PIPELINE_STALL_TIME, [], "2024-03-31") == "#N/A"
    assert code(udfs.PIPELINE_STALL_TIME, [None], "2024-03-31") == "#N/A"
    assert code(udfs.PIPELINE_STALL_TIME, ["abc"], "2024-03-31") == "#VALUE!"
    assert code(udfs.PIPELINE_STALL_TIME, STAGE_CHANGED, "abc") == "#VALUE!"
    assert code(udfs.PIPELINE_STALL_TIME, STAGE_CHANGED, None) == "#N/A"
    assert code(udfs.PIPELINE_STALL_TIME, STAGE_CHANGED, "2024-03-15") == "#NUM!"  # a change after as_of
    assert code(udfs.PIPELINE_STALL_TIME, STAGE_CHANGED, "2024-03-31", ["Open"], "Open") == "#VALUE!"


# ---------------------------------------------------------------------------------------- per-rep counts


def test_opportunities_per_rep():
    assert udfs.OPPORTUNITIES_PER_REP(56, 8) == 7
    assert udfs.OPPORTUNITIES_PER_REP([20, 36], 8) == 7  # (20 + 36) / 8
    assert code(udfs.OPPORTUNITIES_PER_REP, 56, 0) == "#DIV/0!"
    assert code(udfs.OPPORTUNITIES_PER_REP, "abc", 8) == "#VALUE!"
    assert code(udfs.OPPORTUNITIES_PER_REP, -5, 8) == "#NUM!"


def test_referrals_per_rep():
    assert udfs.REFERRALS_PER_REP(30, 10) == 3
    assert udfs.REFERRALS_PER_REP(9, 2.5) == approx(3.6)  # fractional FTEs
    assert code(udfs.REFERRALS_PER_REP, 30, 0) == "#DIV/0!"
    assert code(udfs.REFERRALS_PER_REP, 30, "abc") == "#VALUE!"


# ------------------------------------------------------------------------------------- volume and growth


def test_sales_volume():
    assert udfs.SALES_VOLUME([10000, None, 25000]) == 35000
    assert udfs.SALES_VOLUME([10000, -2000]) == 8000  # a credit note reduces the volume


def test_sales_volume_criteria():
    amounts = [10000, 20000, 30000, 40000]
    status = ["Won", "Lost", "Won", "Won"]
    closed = ["2023-12-31", "2024-01-15", "2024-01-20", "2024-02-01"]
    owner = ["Alice", "Alan", "Bob", "alice"]
    assert udfs.SALES_VOLUME(amounts, status, "Won") == 80000  # 10 + 30 + 40 thousand
    assert udfs.SALES_VOLUME(amounts, status, "Won", closed, ">=2024-01-01") == 70000  # 30 + 40
    assert udfs.SALES_VOLUME(amounts, owner, "A*") == 70000  # 10 + 20 + 40
    assert code(udfs.SALES_VOLUME, amounts, status, "Open") == "#N/A"


def test_sales_volume_errors():
    assert code(udfs.SALES_VOLUME, []) == "#N/A"
    assert code(udfs.SALES_VOLUME, [None, ""]) == "#N/A"
    assert code(udfs.SALES_VOLUME, ["abc"]) == "#VALUE!"
    assert code(udfs.SALES_VOLUME, [1, 2], ["Won"], "Won") == "#VALUE!"


def test_sales_growth():
    assert udfs.SALES_GROWTH(120000, 100000) == approx(0.2)  # 20,000 / 100,000
    assert udfs.SALES_GROWTH(80000, 100000) == approx(-0.2)
    assert code(udfs.SALES_GROWTH, 120000, 0) == "#DIV/0!"
    assert code(udfs.SALES_GROWTH, "abc", 100000) == "#VALUE!"
    assert code(udfs.SALES_GROWTH, -1, 100000) == "#NUM!"


# ------------------------------------------------------------------------------------------ FULL_PRICE_SHARE

LIST = [100, 200, 100]
SOLD = [100, 150, 150]  # full price, discounted, above list


def test_full_price_share_by_value_is_the_default():
    # sold at full price: 100 + 150; all sold: 100 + 150 + 150 = 400
    assert udfs.FULL_PRICE_SHARE(LIST, SOLD) == approx(0.625)
    assert udfs.FULL_PRICE_SHARE(LIST, SOLD, "value") == approx(0.625)
    assert udfs.FULL_PRICE_SHARE(LIST, SOLD, "") == approx(0.625)


def test_full_price_share_by_count():
    assert udfs.FULL_PRICE_SHARE(LIST, SOLD, "count") == approx(2 / 3)  # 2 deals of 3
    assert udfs.FULL_PRICE_SHARE(LIST, SOLD, "COUNT") == approx(2 / 3)
    assert code(udfs.FULL_PRICE_SHARE, LIST, SOLD, "median") == "#VALUE!"


def test_full_price_share_skips_half_blank_rows():
    # the second row has no sale amount: (100 + 150) / (100 + 150)
    assert udfs.FULL_PRICE_SHARE([100, 200, 100], [100, None, 150]) == 1
    assert udfs.FULL_PRICE_SHARE([100, 200, None], [80, 200, 150], "count") == approx(0.5)


def test_full_price_share_criteria():
    owner = ["alice", "Bob", "Alice"]
    assert udfs.FULL_PRICE_SHARE(LIST, SOLD, "count", owner, "Alice") == 1  # rows 1 and 3
    assert udfs.FULL_PRICE_SHARE(LIST, SOLD, None, owner, "<>alice") == 0  # row 2 only, by value
    assert udfs.FULL_PRICE_SHARE(LIST, SOLD, "value", LIST, ">=150") == 0


def test_full_price_share_errors():
    assert code(udfs.FULL_PRICE_SHARE, [], []) == "#N/A"
    assert code(udfs.FULL_PRICE_SHARE, [100], [None]) == "#N/A"
    assert code(udfs.FULL_PRICE_SHARE, LIST, SOLD[:2]) == "#VALUE!"
    assert code(udfs.FULL_PRICE_SHARE, ["abc"], [100]) == "#VALUE!"
    assert code(udfs.FULL_PRICE_SHARE, [100], [-5]) == "#NUM!"
    assert code(udfs.FULL_PRICE_SHARE, [100], [0]) == "#DIV/0!"  # given away: nothing sold by value


# --------------------------------------------------------------------------------- COLLATERAL_USAGE_RATE


def test_collateral_usage_rate():
    assert udfs.COLLATERAL_USAGE_RATE(12, 20) == approx(0.6)
    assert udfs.COLLATERAL_USAGE_RATE(0, 20) == 0
    assert code(udfs.COLLATERAL_USAGE_RATE, 0, 0) == "#DIV/0!"
    assert code(udfs.COLLATERAL_USAGE_RATE, 21, 20) == "#NUM!"
    assert code(udfs.COLLATERAL_USAGE_RATE, "abc", 20) == "#VALUE!"


# --------------------------------------------------------------------------------- OTE and net new revenue


def test_ote_attainment():
    assert udfs.OTE_ATTAINMENT(90000, 120000) == approx(0.75)
    assert udfs.OTE_ATTAINMENT(150000, 120000) == approx(1.25)  # above target is fine
    assert code(udfs.OTE_ATTAINMENT, 90000, 0) == "#DIV/0!"
    assert code(udfs.OTE_ATTAINMENT, 90000, "abc") == "#VALUE!"


def test_net_new_revenue():
    # 100,000 + 30,000 − 5,000 − 15,000
    assert udfs.NET_NEW_REVENUE(100000, 30000, 5000, 15000) == 110000
    assert udfs.NET_NEW_REVENUE(100000) == 100000
    assert udfs.NET_NEW_REVENUE(10000, 0, 5000, 20000) == -15000  # a shrinking period
    assert udfs.NET_NEW_REVENUE(100000, churned=15000) == 85000
    assert code(udfs.NET_NEW_REVENUE, "abc") == "#VALUE!"
    assert code(udfs.NET_NEW_REVENUE, 100000, -1) == "#NUM!"


# ----------------------------------------------------------------------------------- AVG_CONTRACT_LENGTH


def test_avg_contract_length():
    assert udfs.AVG_CONTRACT_LENGTH([1, 12, 12, 36]) == approx(15.25)  # 61 / 4
    assert udfs.AVG_CONTRACT_LENGTH([12, None, 24]) == 18


def test_avg_contract_length_criteria():
    months = [1, 12, 12, 36]
    signed = ["2024-01-05", "2024-01-20", "2024-02-03", "2024-02-28"]
    assert udfs.AVG_CONTRACT_LENGTH(months, months, ">=12") == 20  # (12 + 12 + 36) / 3
    assert udfs.AVG_CONTRACT_LENGTH(months, signed, ">=2024-02-01", signed, "<2024-03-01") == 24  # (12 + 36) / 2


def test_avg_contract_length_errors():
    assert code(udfs.AVG_CONTRACT_LENGTH, []) == "#N/A"
    assert code(udfs.AVG_CONTRACT_LENGTH, ["abc"]) == "#VALUE!"
    assert code(udfs.AVG_CONTRACT_LENGTH, [12, -1]) == "#NUM!"
    assert code(udfs.AVG_CONTRACT_LENGTH, [12], [1, 2], ">0") == "#VALUE!"


# ----------------------------------------------------------------------------------- WEIGHTED_ATTAINMENT


def test_weighted_attainment():
    # 0.6 × 90/100 + 0.4 × 50/40 = 0.54 + 0.5 = 1.04, over weights adding up to 1
    assert udfs.WEIGHTED_ATTAINMENT([90, 50], [100, 40], [0.6, 0.4]) == approx(1.04)
    # weights 3 and 2: (3 × 0.9 + 2 × 1.25) / 5 = 5.2 / 5
    assert udfs.WEIGHTED_ATTAINMENT([90, 50], [100, 40], [3, 2]) == approx(1.04)
    # equal weights: (0.5 + 1.5) / 2
    assert udfs.WEIGHTED_ATTAINMENT([50, 150], [100, 100], [1, 1]) == 1


def test_weighted_attainment_skips_half_blank_rows():
    # the second row has no target: only 90 / 100 counts
    assert udfs.WEIGHTED_ATTAINMENT([90, 50], [100, None], [0.6, 0.4]) == approx(0.9)


def test_weighted_attainment_criteria():
    actuals, targets, weights = [90, 50, 30], [100, 40, 60], [0.6, 0.4, 1]
    reps = ["alice", "Alice", "Bob"]
    assert udfs.WEIGHTED_ATTAINMENT(actuals, targets, weights, reps, "ALICE") == approx(1.04)
    assert udfs.WEIGHTED_ATTAINMENT(actuals, targets, weights, reps, "B*") == approx(0.5)  # 30 / 60


def test_weighted_attainment_errors():
    assert code(udfs.WEIGHTED_ATTAINMENT, [90], [0], [1]) == "#DIV/0!"
    assert code(udfs.WEIGHTED_ATTAINMENT, [90], [100], [0]) == "#DIV/0!"
    assert code(udfs.WEIGHTED_ATTAINMENT, [], [], []) == "#N/A"
    assert code(udfs.WEIGHTED_ATTAINMENT, [90, 50], [100, 40], [1]) == "#VALUE!"
    assert code(udfs.WEIGHTED_ATTAINMENT, ["abc"], [100], [1]) == "#VALUE!"
    assert code(udfs.WEIGHTED_ATTAINMENT, [90, 50], [100, 40], [1, -1]) == "#NUM!"
    assert code(udfs.WEIGHTED_ATTAINMENT, [90], [-100], [1]) == "#NUM!"


# ---------------------------------------------------------------------------------------- DEAL_WIN_RATE


def test_deal_win_rate():
    assert udfs.DEAL_WIN_RATE(["Won", "Lost", "Open", "won", "Lost"]) == approx(0.5)  # 2 won / 4 decided
    assert udfs.DEAL_WIN_RATE(["Won", None, "", "Negotiation"]) == 1  # blank and open rows left out


def test_deal_win_rate_reads_crm_stage_names():
    statuses = ["Closed Won", "closed_lost", "Closed-Won", " WON ", "closed  lost", "Closed"]
    assert udfs.DEAL_WIN_RATE(statuses) == approx(0.6)  # 3 won / 5 decided; "Closed" alone is not decided


def test_deal_win_rate_criteria():
    statuses = ["Won", "Lost", "Won", "Lost", "Open"]
    owner = ["Alice", "alice", "Bob", "Alan", "Alice"]
    region = ["EMEA", "APAC", "EMEA", "EMEA", "EMEA"]
    assert udfs.DEAL_WIN_RATE(statuses, owner, "alice") == approx(0.5)
    assert udfs.DEAL_WIN_RATE(statuses, owner, "A*") == approx(1 / 3)  # Won, Lost, Lost
    assert udfs.DEAL_WIN_RATE(statuses, region, "<>APAC") == approx(2 / 3)  # Won, Won, Lost
    assert udfs.DEAL_WIN_RATE(statuses, owner, "Al*", region, "EMEA") == approx(0.5)  # Won, Lost


def test_deal_win_rate_errors():
    assert code(udfs.DEAL_WIN_RATE, ["Open", "Negotiation"]) == "#DIV/0!"  # nothing decided yet
    assert code(udfs.DEAL_WIN_RATE, []) == "#N/A"
    assert code(udfs.DEAL_WIN_RATE, [None, ""]) == "#N/A"
    assert code(udfs.DEAL_WIN_RATE, ["Won", "Lost"], ["a", "b"], "c") == "#N/A"
    assert code(udfs.DEAL_WIN_RATE, ["Won", 3]) == "#VALUE!"  # a number is not a status
    assert code(udfs.DEAL_WIN_RATE, ["Won", True]) == "#VALUE!"
    assert code(udfs.DEAL_WIN_RATE, ["Won", "#N/A"]) == "#N/A"  # an error value propagates
    assert code(udfs.DEAL_WIN_RATE, ["Won", "Lost"], ["a"], "a") == "#VALUE!"
