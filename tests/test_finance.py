"""Leadership, RevOps and finance: every function of udfs/finance.py against numbers worked by hand."""

import pytest
from support import error_code as code

import udfs


def approx(value):
    return pytest.approx(value, rel=1e-12)


# ------------------------------------------------------------------------------------ seed examples, exactly


def test_seed_examples():
    assert udfs.NET_SALES_EFFICIENCY(10, 0, 1) == 10
    assert udfs.TRAILING_GROWTH(17, 10, 25) == 32  # (17 − 10) + 25
    assert udfs.AVG_REVENUE_PER_UNIT(100000, 10) == 10000
    assert udfs.MARGINAL_REVENUE(100000, 110000, 10, 20) == 1000  # 10,000 / 10 extra units
    # seed 000: 775,000 / 1,525,000 = 31 / 61 ≈ 0.508
    assert udfs.ROI(775000, 1525000, "ratio") == approx(31 / 61)
    assert round(udfs.ROI(775000, 1525000, "ratio"), 3) == 0.508


# ------------------------------------------------------------------------------------- NET_SALES_EFFICIENCY


def test_net_sales_efficiency():
    # (500,000 − 100,000) / (300,000 + 100,000)
    assert udfs.NET_SALES_EFFICIENCY(500000, 100000, 300000, 100000) == 1
    assert udfs.NET_SALES_EFFICIENCY(500000, 100000, 200000) == 2  # no CS spend
    assert udfs.NET_SALES_EFFICIENCY(100000, 300000, 400000) == approx(-0.5)  # churn outran new revenue
    assert code(udfs.NET_SALES_EFFICIENCY, 10, 0, 0, 0) == "#DIV/0!"
    assert code(udfs.NET_SALES_EFFICIENCY, "abc", 0, 1) == "#VALUE!"
    assert code(udfs.NET_SALES_EFFICIENCY, 10, -1, 1) == "#NUM!"


# ------------------------------------------------------------------------------------------- MAGIC_NUMBER


def test_magic_number():
    assert udfs.MAGIC_NUMBER(250000, 1000000, 4) == 1  # 250,000 × 4 / 1,000,000
    assert udfs.MAGIC_NUMBER(250000, 1000000) == 1  # quarters by default
    assert udfs.MAGIC_NUMBER(50000, 300000, 12) == 2  # 50,000 × 12 / 300,000
    assert udfs.MAGIC_NUMBER(-250000, 1000000) == -1  # revenue fell
    assert code(udfs.MAGIC_NUMBER, 250000, 0) == "#DIV/0!"
    assert code(udfs.MAGIC_NUMBER, 250000, 1000000, 0) == "#NUM!"
    assert code(udfs.MAGIC_NUMBER, "abc", 1000000) == "#VALUE!"


# -------------------------------------------------------------------------------------- FORECAST_ACCURACY

FORECAST = [90, 130]
ACTUAL = [100, 200]  # errors −10 and −70; Σforecast 220, Σactual 300


def test_forecast_accuracy_single_period():
    assert udfs.FORECAST_ACCURACY(90, 100) == approx(0.9)  # 1 − 10 / 100
    assert udfs.FORECAST_ACCURACY(110, 100) == approx(0.9)  # over- and under-forecasts count alike
    assert udfs.FORECAST_ACCURACY(250, 100) == 0  # 1 − 150 / 100 is floored at 0


def test_forecast_accuracy_methods():
    assert udfs.FORECAST_ACCURACY(FORECAST, ACTUAL) == approx(1 - 80 / 300)  # absolute, |220 − 300| / 300
    assert udfs.FORECAST_ACCURACY(FORECAST, ACTUAL, "absolute") == approx(1 - 80 / 300)
    assert udfs.FORECAST_ACCURACY(FORECAST, ACTUAL, "mape") == approx((10 / 100 + 70 / 200) / 2)  # 0.225
    assert udfs.FORECAST_ACCURACY(FORECAST, ACTUAL, "wape") == approx((10 + 70) / 300)
    assert udfs.FORECAST_ACCURACY(FORECAST, ACTUAL, "bias") == approx((220 - 300) / 300)
    assert udfs.FORECAST_ACCURACY(FORECAST, ACTUAL, "MAPE") == approx(0.225)
    assert code(udfs.FORECAST_ACCURACY, FORECAST, ACTUAL, "rmse") == "#VALUE!"


def test_forecast_accuracy_skips_half_blank_rows():
    assert udfs.FORECAST_ACCURACY([90, 130, None], [100, None, 50], "mape") == approx(0.1)  # only row 1


def test_forecast_accuracy_criteria():
    forecast, actual, reps = [90, 130, 60], [100, 200, 50], ["alice", "Bob", "Alice"]
    # Alice's rows 1 and 3: |90 − 100| + |60 − 50| = 20 over 150
    assert udfs.FORECAST_ACCURACY(forecast, actual, "wape", reps, "ALICE") == approx(20 / 150)
    assert udfs.FORECAST_ACCURACY(forecast, actual, "absolute", reps, "A*") == 1  # 150 forecast, 150 actual
    assert udfs.FORECAST_ACCURACY(forecast, actual, None, reps, "<>Bob") == 1  # blank method: absolute
    assert udfs.FORECAST_ACCURACY(forecast, actual, "bias", actual, ">=100") == approx((220 - 300) / 300)


def test_forecast_accuracy_errors():
    assert code(udfs.FORECAST_ACCURACY, [90, 10], [100, 0], "mape") == "#DIV/0!"  # a zero actual row
    assert code(udfs.FORECAST_ACCURACY, [90], [0], "wape") == "#DIV/0!"
    assert code(udfs.FORECAST_ACCURACY, [90, 10], [100, -100], "bias") == "#DIV/0!"
    assert code(udfs.FORECAST_ACCURACY, [90], [0]) == "#DIV/0!"
    assert code(udfs.FORECAST_ACCURACY, [], []) == "#N/A"
    assert code(udfs.FORECAST_ACCURACY, [90, None], [None, 100]) == "#N/A"
    assert code(udfs.FORECAST_ACCURACY, FORECAST, [100]) == "#VALUE!"
    assert code(udfs.FORECAST_ACCURACY, ["abc"], [100]) == "#VALUE!"
    assert code(udfs.FORECAST_ACCURACY, FORECAST, ACTUAL, "absolute", ["a"], "a") == "#VALUE!"


# ------------------------------------------------------------------------------------------ TRAILING_GROWTH


def test_trailing_growth():
    assert udfs.TRAILING_GROWTH([8, 9], [4, 6], 25) == 32  # (17 − 10) + 25 from monthly ranges
    assert udfs.TRAILING_GROWTH(8, 10, 25) == 23  # a weaker year: (8 − 10) + 25
    assert code(udfs.TRAILING_GROWTH, "abc", 10, 25) == "#VALUE!"
    assert code(udfs.TRAILING_GROWTH, 17, 10, None) == "#N/A"


# ------------------------------------------------------------------------------------ per unit and marginal


def test_avg_revenue_per_unit():
    assert udfs.AVG_REVENUE_PER_UNIT(100000, 8) == 12500
    assert code(udfs.AVG_REVENUE_PER_UNIT, 100000, 0) == "#DIV/0!"
    assert code(udfs.AVG_REVENUE_PER_UNIT, 100000, "abc") == "#VALUE!"
    assert code(udfs.AVG_REVENUE_PER_UNIT, 100000, -1) == "#NUM!"


def test_marginal_revenue():
    assert udfs.MARGINAL_REVENUE(110000, 100000, 20, 10) == 1000  # −10,000 / −10 units
    assert udfs.MARGINAL_REVENUE(100000, 105000, 10, 20) == 500
    assert code(udfs.MARGINAL_REVENUE, 100000, 110000, 10, 10) == "#DIV/0!"
    assert code(udfs.MARGINAL_REVENUE, 100000, "abc", 10, 20) == "#VALUE!"


# ----------------------------------------------------------------------------------------------- margins


def test_gross_margin():
    assert udfs.GROSS_MARGIN(100000, 25000) == approx(0.75)  # 75,000 / 100,000
    assert udfs.GROSS_MARGIN(100000, 120000) == approx(-0.2)  # sold below cost
    assert code(udfs.GROSS_MARGIN, 0, 0) == "#DIV/0!"
    assert code(udfs.GROSS_MARGIN, "abc", 25000) == "#VALUE!"
    assert code(udfs.GROSS_MARGIN, 100000, -1) == "#NUM!"


def test_net_profit_margin():
    assert udfs.NET_PROFIT_MARGIN(100000, 85000) == approx(0.15)
    assert code(udfs.NET_PROFIT_MARGIN, 0, 85000) == "#DIV/0!"
    assert code(udfs.NET_PROFIT_MARGIN, 100000, "abc") == "#VALUE!"


# ------------------------------------------------------------------------------------------------------ ROI


def test_roi_methods():
    assert udfs.ROI(150, 100) == approx(0.5)  # net by default: (150 − 100) / 100
    assert udfs.ROI(150, 100, "net") == approx(0.5)
    assert udfs.ROI(150, 100, "ratio") == approx(1.5)
    assert udfs.ROI(150, 100, "Ratio") == approx(1.5)
    assert udfs.ROI(50, 100) == approx(-0.5)  # a loss
    assert code(udfs.ROI, 150, 100, "irr") == "#VALUE!"


def test_roi_errors():
    assert code(udfs.ROI, 150, 0) == "#DIV/0!"
    assert code(udfs.ROI, 150, 0, "ratio") == "#DIV/0!"
    assert code(udfs.ROI, "abc", 100) == "#VALUE!"
    assert code(udfs.ROI, 150, -100) == "#NUM!"


# --------------------------------------------------------------------------------- cash, LTV:CAC, revenue


def test_cash_flow():
    assert udfs.CASH_FLOW(120000, 95000) == 25000
    assert udfs.CASH_FLOW(80000, 95000) == -15000  # cash burned
    assert udfs.CASH_FLOW([60000, 60000], [45000, 50000]) == 25000
    assert code(udfs.CASH_FLOW, "abc", 95000) == "#VALUE!"
    assert code(udfs.CASH_FLOW, 120000, -1) == "#NUM!"


def test_ltv_cac_ratio():
    assert udfs.LTV_CAC_RATIO(30000, 10000) == 3
    assert code(udfs.LTV_CAC_RATIO, 30000, 0) == "#DIV/0!"
    assert code(udfs.LTV_CAC_RATIO, "abc", 10000) == "#VALUE!"


def test_net_revenue():
    assert udfs.NET_REVENUE(100000, 3000, 2000) == 95000  # 100,000 − 3,000 − 2,000
    assert udfs.NET_REVENUE(100000) == 100000
    assert udfs.NET_REVENUE(100000, "", 2000) == 98000  # a blank refunds cell is 0
    assert code(udfs.NET_REVENUE, "abc") == "#VALUE!"
    assert code(udfs.NET_REVENUE, 100000, -3000) == "#NUM!"


def test_net_profit_margin_below_minus_100_percent_names_the_mix_up():
    assert udfs.NET_PROFIT_MARGIN(100000, 200000) == approx(-1.0)  # expenses twice revenue: the limit
    assert udfs.NET_PROFIT_MARGIN(100000, 150000) == approx(-0.5)
    # arguments swapped: (85,000 − 100,000) / 85,000 is fine, but (15,000 − 100,000) / 15,000 = −5.67 is not
    with pytest.raises(udfs.KPIError, match=r"NET_PROFIT_MARGIN\(revenue, total_expenses\).*net income") as caught:
        udfs.NET_PROFIT_MARGIN(15000, 100000)
    assert caught.value.code == "#NUM!"
