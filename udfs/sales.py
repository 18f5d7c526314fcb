"""Sales (account executives): contract value, win rate, cycle, quota, pipeline, pricing."""

from __future__ import annotations

import numpy as np

from .calc import divide, durations, mean
from .errors import NothingToCompute, OutOfDomain
from .registry import (
    LAGGING,
    LEADING,
    Amount,
    Count,
    Dates,
    Example,
    Money,
    Number,
    Rate,
    Rows,
    metric,
)


@metric(
    teams=["sales"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="(total_contract_value − one_time_fees) / contract_years",
    args={
        "total_contract_value": Money("Total contract value (TCV) over the whole term, fees included."),
        "one_time_fees": Money("One-time fees inside the TCV (set-up, onboarding); default 0."),
        "contract_years": Number("Contract length in years; default 1. 18 months is 1.5."),
    },
    metrics=["ACV", "annual contract value"],
    example=Example((380000, 20000, 3), 120000, "seed 000: (380,000 − 20,000) / 3"),
)
def ACV(total_contract_value, one_time_fees=0, contract_years=1):
    """Annual contract value: the recurring value a contract brings per year, one-time fees left out.

    A three-year contract of 380,000 that includes 20,000 of set-up fees has an ACV of 120,000.
    """
    if contract_years < 0:
        raise OutOfDomain(f"contract_years is {contract_years:g}; a contract cannot be negative in length")
    if one_time_fees > total_contract_value:
        raise OutOfDomain("one_time_fees exceed total_contract_value")
    return divide(total_contract_value - one_time_fees, contract_years, "contract_years")


@metric(
    teams=["sales"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="annual_recurring × contract_years + one_time_fees",
    args={
        "annual_recurring": Money("Recurring value per year (the ACV)."),
        "contract_years": Number("Contract length in years."),
        "one_time_fees": Money("One-time fees (set-up, onboarding); default 0."),
    },
    metrics=["TCV", "total contract value"],
    example=Example((120000, 3, 20000), 380000, "seed 000, the ACV example read backwards"),
)
def TCV(annual_recurring, contract_years, one_time_fees=0):
    """Total contract value: everything a contract is worth over its term, one-time fees included."""
    if contract_years < 0:
        raise OutOfDomain(f"contract_years is {contract_years:g}; a contract cannot be negative in length")
    return annual_recurring * contract_years + one_time_fees


@metric(
    teams=["sales", "presales", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    formula="won / (won + lost)",
    args={
        "won": Count("Deals won in the period: a count (unit win rate) or their amounts (value win rate)."),
        "lost": Count("Deals lost in the period, in the same unit as won. Open deals are not counted."),
    },
    metrics=["win rate", "opportunity conversion"],
    example=Example((47, 53), 0.47, "seed 000: the 47 % average win rate"),
    benchmark="47 % average (RAIN Group, seed 000)",
)
def WIN_RATE(won, lost):
    """Share of decided deals that were won: won / (won + lost); open deals are left out.

    Give counts for the unit win rate, amounts for the value win rate. Won over all opened deals is
    CONVERSION_RATE.
    """
    return divide(won, won + lost, "won + lost")


@metric(
    teams=["sales", "leadership"],
    indicator=LAGGING,
    unit="days",
    seed="000",
    formula="mean(closed − created) over rows with both dates",
    args={
        "created": Dates("Date each deal was created (opened)."),
        "closed": Dates("Date each deal was closed (won or lost); blank while open."),
    },
    metrics=["sales cycle length", "deal velocity"],
    example=Example((["2024-01-01", "2024-01-11"], ["2024-01-31", "2024-02-20"]), 35.0, "by hand: (30 + 40) / 2"),
)
def SALES_CYCLE_LENGTH(created, closed, *criteria):
    """Average days from a deal's creation to its close, over closed deals; open deals are skipped.

    Add criteria pairs to narrow it: ``=SALES_CYCLE_LENGTH(Deals[Created], Deals[CloseDate], Deals[Owner], "Alice")``.
    """
    return float(durations(created, closed, "the sales cycle", "closed").mean())


@metric(
    teams=["sales", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="opportunities × avg_deal_size × win_rate / cycle_length",
    args={
        "opportunities": Count("Qualified opportunities in the pipeline."),
        "avg_deal_size": Number("Average deal size (money)."),
        "win_rate": Rate("Win rate as a fraction (0.25 for 25 %)."),
        "cycle_length": Number("Average sales cycle in days."),
    },
    metrics=["sales velocity"],
    example=Example((50, 20000, 0.25, 50), 5000, "by hand: 50 × 20,000 × 0.25 / 50"),
)
def SALES_VELOCITY(opportunities, avg_deal_size, win_rate, cycle_length):
    """Revenue the pipeline produces per day: opportunities × deal size × win rate / cycle length."""
    if cycle_length < 0 or avg_deal_size < 0:
        raise OutOfDomain("avg_deal_size and cycle_length cannot be negative")
    return divide(opportunities * avg_deal_size * win_rate, cycle_length, "cycle_length")


@metric(
    teams=["sales", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="revenue / sellers",
    args={
        "revenue": Amount("New revenue in the period."),
        "sellers": Count("Number of sellers in the period (FTEs may be fractional)."),
    },
    metrics=["sales productivity"],
    example=Example((100000, 10), 10000, "seed 000: $100,000 / 10 sellers"),
)
def SALES_PRODUCTIVITY(revenue, sellers):
    """Average new revenue per seller in the period."""
    return divide(revenue, sellers, "sellers")


@metric(
    teams=["sales", "inside_sales", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="004",
    formula="actual / (quota × weight)",
    args={
        "actual": Amount("Actual result in the period (bookings, revenue)."),
        "quota": Money("Quota or target for the same period."),
        "weight": Number("Target weight (seed 004's weighted achievement); default 1."),
    },
    metrics=["quota attainment", "weighted achievement", "growth vs target", "lead flow vs target"],
    example=Example((58, 100), 0.58, "seed 000: the 58 % average attainment"),
    benchmark="58 % average (Xactly, seed 000)",
)
def QUOTA_ATTAINMENT(actual, quota, weight=1):
    """Actual result as a share of quota, optionally weighted: actual / (quota × weight)."""
    if weight < 0:
        raise OutOfDomain(f"weight is {weight:g}; it cannot be negative")
    return divide(actual, quota * weight, "quota × weight")


@metric(
    teams=["sales"],
    indicator=LAGGING,
    unit="count",
    seed="000",
    formula="number of most recent consecutive periods with attainment ≥ threshold",
    args={
        "attainments": Rows("Attainment per period, oldest first (1 = 100 %). Blank periods are skipped."),
        "threshold": Number("Attainment that counts as reaching quota; default 1 (100 %)."),
    },
    metrics=["quota streak", "quota consistency"],
    example=Example(([1.2, 0.8, 1.0, 1.1], 1), 2, "by hand: the last two periods reach 100 %"),
)
def QUOTA_STREAK(attainments, threshold=1, *criteria):
    """Consecutive most recent periods in which quota was reached (seed 000's quota consistency)."""
    present = attainments[~np.isnan(attainments)]
    if present.size == 0:
        raise NothingToCompute("attainments has no value")
    missed = np.flatnonzero(present < threshold)
    return float(present.size if missed.size == 0 else present.size - 1 - missed[-1])


@metric(
    teams=["sales", "leadership"],
    indicator=LEADING,
    unit="multiple",
    seed="000",
    formula="pipeline / quota",
    args={
        "pipeline": Money("Open pipeline value due in the period."),
        "quota": Money("Quota for the same period."),
    },
    metrics=["pipeline coverage"],
    example=Example((300000, 100000), 3, "by hand: 3× coverage"),
)
def PIPELINE_COVERAGE(pipeline, quota):
    """How many times the open pipeline covers the quota: pipeline / quota."""
    return divide(pipeline, quota, "quota")


@metric(
    teams=["sales", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="004",
    formula="(list_price − sale_price) / list_price",
    args={
        "list_price": Money("List price, or a range of list amounts (then the rate is weighted by value)."),
        "sale_price": Money("Price actually sold at, or the matching range of sold amounts."),
    },
    metrics=["discount applied", "discount rate"],
    example=Example((100000, 88000), 0.12, "by hand; seed 000 quotes 10–15 % as typical"),
    benchmark="10–15 % typical B2B list-price discount (seed 000)",
)
def DISCOUNT_RATE(list_price, sale_price):
    """Discount given off list price: (list − sale) / list; ranges give the value-weighted rate."""
    return divide(list_price - sale_price, list_price, "list_price")


@metric(
    teams=["sales", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="004",
    formula="cost_of_sales / sales_volume",
    args={
        "cost_of_sales": Money("Cost of selling in the period (salaries, commissions, travel, tools)."),
        "sales_volume": Money("Sales volume (revenue) in the same period."),
    },
    metrics=["cost of sales ratio"],
    example=Example((15000, 100000), 0.15, "by hand"),
)
def COST_OF_SALES_RATIO(cost_of_sales, sales_volume):
    """Cost of selling as a share of what was sold (seed 004 #10)."""
    return divide(cost_of_sales, sales_volume, "sales_volume")


@metric(
    teams=["sales"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="mean(amounts)",
    args={"amounts": Rows("Deal amounts, one per row (filter won deals with a criteria pair).")},
    metrics=["average deal size"],
    example=Example(([10000, 20000, 30000],), 20000, "by hand"),
)
def AVG_DEAL_SIZE(amounts, *criteria):
    """Average deal amount over the selected rows; blank amounts are skipped."""
    return mean(amounts, "deal amounts")
