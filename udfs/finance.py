"""Leadership, RevOps and finance: efficiency, forecast, growth, margins, returns."""

from __future__ import annotations

import numpy as np

from .calc import divide
from .errors import DivisionByZero, NothingToCompute, OutOfDomain
from .registry import LAGGING, Amount, Choice, Count, Example, Money, Number, Rows, metric


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="multiple",
    seed="000",
    formula="(new_revenue − churned_revenue) / (sm_spend + cs_spend)",
    args={
        "new_revenue": Money("New revenue (ARR or MRR) added in the period."),
        "churned_revenue": Money("Revenue lost to churn in the same period."),
        "sm_spend": Money("Sales and marketing spend in the period."),
        "cs_spend": Money("Customer success spend in the period; default 0."),
    },
    metrics=["net sales efficiency", "sales efficiency"],
    example=Example((10, 0, 1), 10, "seed 000"),
)
def NET_SALES_EFFICIENCY(new_revenue, churned_revenue, sm_spend, cs_spend=0):
    """Net new revenue per unit of go-to-market spend: (new − churned) / (S&M + CS spend)."""
    return divide(new_revenue - churned_revenue, sm_spend + cs_spend, "sm_spend + cs_spend")


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="multiple",
    seed="000",
    formula="revenue_increase × periods_per_year / prior_sm_spend",
    args={
        "revenue_increase": Amount("Increase in recurring revenue over the period (may be negative)."),
        "prior_sm_spend": Money("Sales and marketing spend of the previous period."),
        "periods_per_year": Number("Periods per year: 4 for quarters (default), 12 for months."),
    },
    metrics=["magic number"],
    example=Example((250000, 1000000, 4), 1.0, "by hand: 250,000 × 4 / 1,000,000"),
)
def MAGIC_NUMBER(revenue_increase, prior_sm_spend, periods_per_year=4):
    """SaaS magic number: annualised revenue increase per unit of prior-period S&M spend."""
    if periods_per_year <= 0:
        raise OutOfDomain(f"periods_per_year is {periods_per_year:g}; it must be positive")
    return divide(revenue_increase * periods_per_year, prior_sm_spend, "prior_sm_spend")


_FORECAST_METHODS = {
    "absolute": "max(0, 1 − |ΣF − ΣA| / ΣA): accuracy, 1 is perfect (default)",
    "mape": "mean of |F − A| / |A| row by row: mean absolute percentage error, 0 is perfect",
    "wape": "Σ|F − A| / Σ|A|: weighted absolute percentage error, 0 is perfect",
    "bias": "(ΣF − ΣA) / ΣA: above 0 means over-forecasting",
}


@metric(
    teams=["leadership", "sales"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    formula="absolute: max(0, 1 − |F − A| / A); mape, wape, bias over ranges",
    args={
        "forecast": Rows("Forecast per period (or per rep); one value is fine."),
        "actual": Rows("Actual result for the same periods, paired with forecast."),
        "method": Choice("absolute (default), mape, wape or bias.", *_FORECAST_METHODS),
    },
    metrics=["sales forecast accuracy"],
    methods=_FORECAST_METHODS,
    example=Example(([90, 120], [100, 100]), 0.95, "by hand: 1 − |210 − 200| / 200"),
)
def FORECAST_ACCURACY(forecast, actual, method="absolute", *criteria):
    """How close the forecast came to the actual result; ``method`` picks the measure.

    Rows where either value is blank are skipped.
    """
    both = ~(np.isnan(forecast) | np.isnan(actual))
    if not both.any():
        raise NothingToCompute("no row has both a forecast and an actual")
    f, a = forecast[both], actual[both]
    if method == "mape":
        if (a == 0).any():
            raise DivisionByZero("actual is zero in a row; MAPE divides by each actual (use wape)")
        return float(np.mean(np.abs(f - a) / np.abs(a)))
    if method == "wape":
        return divide(float(np.abs(f - a).sum()), float(np.abs(a).sum()), "the sum of |actual|")
    if method == "bias":
        return divide(float(f.sum() - a.sum()), float(a.sum()), "the sum of actual")
    return max(0.0, 1 - divide(abs(float(f.sum() - a.sum())), abs(float(a.sum())), "actual"))


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="(current_ytd − prior_ytd) + prior_full_year",
    args={
        "current_ytd": Amount("This fiscal year to date (e.g. Jan–Jun this year)."),
        "prior_ytd": Amount("The same months of the previous fiscal year."),
        "prior_full_year": Amount("The whole previous fiscal year."),
    },
    metrics=["trailing growth"],
    example=Example((17, 10, 25), 32, "seed 000: ($17M − $10M) + $25M"),
)
def TRAILING_GROWTH(current_ytd, prior_ytd, prior_full_year):
    """Trailing-twelve-month figure: the previous full year with this year's months swapped in."""
    return current_ytd - prior_ytd + prior_full_year


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="revenue / units",
    args={
        "revenue": Amount("Revenue in the period."),
        "units": Count("Units sold, accounts (ARPA) or users (ARPU) in the same period."),
    },
    metrics=["average revenue per unit", "ARPA", "ARPU"],
    example=Example((100000, 10), 10000, "seed 000: $100,000 / 10 units"),
)
def AVG_REVENUE_PER_UNIT(revenue, units):
    """Average revenue per unit sold (also ARPA per account, ARPU per user)."""
    return divide(revenue, units, "units")


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="(revenue_after − revenue_before) / (units_after − units_before)",
    args={
        "revenue_before": Amount("Revenue before the extra units."),
        "revenue_after": Amount("Revenue after the extra units."),
        "units_before": Count("Units before."),
        "units_after": Count("Units after."),
    },
    metrics=["marginal revenue"],
    example=Example((100000, 110000, 10, 20), 1000, "seed 000: $10,000 / 10 extra units"),
)
def MARGINAL_REVENUE(revenue_before, revenue_after, units_before, units_after):
    """Extra revenue per extra unit sold."""
    return divide(revenue_after - revenue_before, units_after - units_before, "units_after − units_before")


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="004",
    formula="(revenue − cost_of_goods_sold) / revenue",
    args={
        "revenue": Money("Revenue in the period."),
        "cost_of_goods_sold": Money("Cost of goods sold (COGS) in the same period."),
    },
    metrics=["gross margin", "gross profit margin", "profit contribution"],
    example=Example((100000, 25000), 0.75, "by hand"),
)
def GROSS_MARGIN(revenue, cost_of_goods_sold):
    """Share of revenue left after the cost of goods sold."""
    return divide(revenue - cost_of_goods_sold, revenue, "revenue")


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    formula="(revenue − total_expenses) / revenue",
    args={
        "revenue": Money("Revenue in the period."),
        "total_expenses": Money("All expenses in the same period (COGS, opex, taxes, refunds)."),
    },
    metrics=["net profit margin"],
    example=Example((100000, 85000), 0.15, "by hand"),
)
def NET_PROFIT_MARGIN(revenue, total_expenses):
    """Share of revenue left after all expenses.

    Expenses more than twice the revenue (a margin below −100 %) are #NUM!: that is almost always the
    arguments swapped, or net income given where total expenses belong.
    """
    margin = divide(revenue - total_expenses, revenue, "revenue")
    if margin < -1:
        raise OutOfDomain(
            f"total_expenses ({total_expenses:g}) are more than twice revenue ({revenue:g}), a margin below −100 %;"
            " check the order NET_PROFIT_MARGIN(revenue, total_expenses) and that total_expenses are all expenses,"
            " not net income"
        )
    return margin


_ROI_METHODS = {
    "net": "(gain − investment) / investment: the return net of what was put in (default)",
    "ratio": "gain / investment: seed 000's worked example",
}


@metric(
    teams=["leadership", "inside_sales", "marketing"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    formula="net: (gain − investment) / investment; ratio: gain / investment",
    args={
        "gain": Amount("What the investment returned."),
        "investment": Money("What was invested."),
        "method": Choice("net (default) or ratio.", *_ROI_METHODS),
    },
    metrics=["ROI", "ROI per outbound SDR"],
    methods=_ROI_METHODS,
    example=Example((775000, 1525000, "ratio"), 775000 / 1525000, "seed 000: 775,000 / 1,525,000 ≈ 0.508"),
)
def ROI(gain, investment, method="net"):
    """Return on investment; ``method`` picks net return or the plain ratio."""
    if method == "ratio":
        return divide(gain, investment, "investment")
    return divide(gain - investment, investment, "investment")


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="cash_in − cash_out",
    args={
        "cash_in": Money("Cash received in the period."),
        "cash_out": Money("Cash paid out in the period."),
    },
    metrics=["cash flow"],
    example=Example((120000, 95000), 25000, "by hand"),
)
def CASH_FLOW(cash_in, cash_out):
    """Net cash that flowed into the business in the period (negative: cash burned)."""
    return cash_in - cash_out


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="multiple",
    seed="000",
    formula="ltv / cac",
    args={
        "ltv": Money("Customer lifetime value (LTV or CLV)."),
        "cac": Money("Customer acquisition cost."),
    },
    metrics=["LTV:CAC"],
    example=Example((30000, 10000), 3, "by hand: the common 3:1 target"),
)
def LTV_CAC_RATIO(ltv, cac):
    """Lifetime value earned per unit of acquisition cost."""
    return divide(ltv, cac, "cac")


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="gross_revenue − refunds − discounts",
    args={
        "gross_revenue": Money("Gross revenue invoiced in the period."),
        "refunds": Money("Refunds and returns in the period; default 0."),
        "discounts": Money("Discounts and credits granted after invoicing; default 0."),
    },
    metrics=["net revenue", "gross revenue"],
    example=Example((100000, 3000, 2000), 95000, "by hand"),
)
def NET_REVENUE(gross_revenue, refunds=0, discounts=0):
    """Revenue kept after refunds, returns and after-the-fact discounts."""
    return gross_revenue - refunds - discounts
