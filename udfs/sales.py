"""Sales (account executives): contract value, win rate, cycle, quota, pipeline, pricing."""

from __future__ import annotations

import numpy as np

from .calc import average_span, divide, mean, present, require_range, share
from .coerce import is_blank, raise_if_error
from .errors import DivisionByZero, InvalidValue, NothingToCompute, OutOfDomain
from .registry import (
    LAGGING,
    LEADING,
    Amount,
    Choice,
    Count,
    Date,
    Dates,
    Example,
    Labels,
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
    return average_span(created, closed, "the sales cycle", "closed")


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


@metric(
    teams=["sales"],
    indicator=LEADING,
    unit="days",
    seed="003",
    formula="mean(as_of − stage_changed) over the selected open deals",
    args={
        "stage_changed": Dates("Date each deal last changed stage; select the open deals with a criteria pair."),
        "as_of": Date("Date the stall is measured at, usually =TODAY()."),
    },
    metrics=["pipeline stall time"],
    example=Example((["2024-03-01", "2024-03-21"], "2024-03-31"), 20.0, "by hand: (30 + 10) / 2"),
)
def PIPELINE_STALL_TIME(stage_changed, as_of, *criteria):
    """Average days the selected open deals have gone without a stage change, counted up to the as_of date.

    Select the open deals with a criteria pair:
    ``=PIPELINE_STALL_TIME(Deals[LastStageChange], TODAY(), Deals[Status], "Open")``. Blank dates are skipped;
    a stage change after ``as_of`` is #NUM!.
    """
    return average_span(stage_changed, np.full_like(stage_changed, as_of), "the stall time", "as_of")


@metric(
    teams=["sales"],
    indicator=LEADING,
    unit="count",
    seed="003",
    formula="opportunities / reps",
    args={
        "opportunities": Count("New opportunities created in the period (usually a quarter)."),
        "reps": Count("Sales reps in the period (FTEs may be fractional)."),
    },
    metrics=["new opportunities per rep per quarter"],
    example=Example((56, 8), 7, "by hand: 56 / 8"),
)
def OPPORTUNITIES_PER_REP(opportunities, reps):
    """New opportunities each sales rep added to the pipeline in the period, on average."""
    return divide(opportunities, reps, "reps")


@metric(
    teams=["sales"],
    indicator=LEADING,
    unit="count",
    seed="003",
    formula="referrals / reps",
    args={
        "referrals": Count("Referrals to new prospects received from existing customers in the period."),
        "reps": Count("Sales reps in the period (FTEs may be fractional)."),
    },
    metrics=["referrals per rep per quarter"],
    example=Example((30, 10), 3, "by hand: 30 / 10"),
)
def REFERRALS_PER_REP(referrals, reps):
    """Customer referrals each sales rep received in the period, on average."""
    return divide(referrals, reps, "reps")


@metric(
    teams=["sales", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="004",
    formula="sum(amounts) over the selected rows",
    args={"amounts": Rows("Sale amounts, one per deal or invoice; blank cells are skipped.")},
    metrics=["total sales volume"],
    example=Example(([10000, None, 25000],), 35000, "by hand: 10,000 + 25,000"),
)
def SALES_VOLUME(amounts, *criteria):
    """Total amount sold over the selected rows (seed 004 #5); criteria pairs pick the period, rep or region.

    ``=SALES_VOLUME(Deals[Amount], Deals[Status], "Won", Deals[CloseDate], ">="&DATE(2024,1,1))``.
    """
    return float(present(amounts, "sale amounts").sum())


@metric(
    teams=["sales", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="004",
    formula="(current − prior) / prior",
    args={
        "current": Money("Sales volume of this period."),
        "prior": Money("Sales volume of the period compared with (last month, last year's same quarter)."),
    },
    metrics=["total sales volume"],
    example=Example((120000, 100000), 0.2, "by hand: 20,000 / 100,000"),
)
def SALES_GROWTH(current, prior):
    """Growth of sales volume from one period to another: (current − prior) / prior."""
    return divide(current - prior, prior, "prior")


_FULL_PRICE_METHODS = {
    "value": "amount sold at full price / total amount sold: seed 004's share of sales volume (default)",
    "count": "deals sold at full price / deals",
}


@metric(
    teams=["sales", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="004",
    formula="value: Σ sale at full price / Σ sale; count: deals at full price / deals (full price: sale ≥ list)",
    args={
        "list_amounts": Rows("List-price amount of each deal."),
        "sale_amounts": Rows("Amount each deal was actually sold at, paired with list_amounts."),
        "method": Choice("value (default) or count.", *_FULL_PRICE_METHODS),
    },
    metrics=["share sold at full price", "discount applied"],
    methods=_FULL_PRICE_METHODS,
    example=Example(([100, 200, 100], [100, 150, 150]), 0.625, "by hand: (100 + 150) / (100 + 150 + 150)"),
)
def FULL_PRICE_SHARE(list_amounts, sale_amounts, method="value", *criteria):
    """Share of sales made at full list price, with no discount (seed 004 #6); by value unless method is count.

    A deal sold at or above its list amount counts as full price. Rows missing either amount are skipped.
    """
    both = ~(np.isnan(list_amounts) | np.isnan(sale_amounts))
    if not both.any():
        raise NothingToCompute("no row has both a list amount and a sale amount")
    listed, sold = list_amounts[both], sale_amounts[both]
    require_range(listed, 0, np.inf, "list_amounts")
    require_range(sold, 0, np.inf, "sale_amounts")
    full = sold >= listed
    if method == "count":
        return float(full.mean())
    return divide(float(sold[full].sum()), float(sold.sum()), "the sum of sale_amounts")


@metric(
    teams=["sales"],
    indicator=LEADING,
    unit="rate",
    seed="004",
    formula="won_with_collateral / won",
    args={
        "won_with_collateral": Count("Won deals in which a piece of marketing collateral was used."),
        "won": Count("All won deals in the same period."),
    },
    metrics=["collateral usage rate"],
    example=Example((12, 20), 0.6, "by hand: 12 / 20"),
)
def COLLATERAL_USAGE_RATE(won_with_collateral, won):
    """Share of won deals that used at least one piece of marketing collateral (seed 004 #11)."""
    return share(won_with_collateral, won, "won_with_collateral", "won")


@metric(
    teams=["sales"],
    indicator=LAGGING,
    unit="rate",
    seed="002",
    formula="earnings / ote",
    args={
        "earnings": Money("What the rep earned (base + variable) in the period."),
        "ote": Money("On-target earnings (OTE) for the same period."),
    },
    metrics=["individual performance vs OTE"],
    example=Example((90000, 120000), 0.75, "by hand: 90,000 / 120,000"),
)
def OTE_ATTAINMENT(earnings, ote):
    """A rep's earnings as a share of on-target earnings (OTE): earnings / OTE (seed 002)."""
    return divide(earnings, ote, "ote")


@metric(
    teams=["sales", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="002",
    formula="new_revenue + expansion − contraction − churned",
    args={
        "new_revenue": Money("Revenue from new customers in the period."),
        "expansion": Money("Expansion revenue from existing customers (upsell, cross-sell); default 0."),
        "contraction": Money("Revenue lost to downgrades; default 0."),
        "churned": Money("Revenue lost to customers who left; default 0."),
    },
    metrics=["net new revenue", "organizational attainment"],
    example=Example((100000, 30000, 5000, 15000), 110000, "by hand: 100,000 + 30,000 − 5,000 − 15,000"),
)
def NET_NEW_REVENUE(new_revenue, expansion=0, contraction=0, churned=0):
    """Revenue the period added, net: new + expansion − contraction − churn (seed 002's organizational attainment)."""
    return new_revenue + expansion - contraction - churned


@metric(
    teams=["sales"],
    indicator=LAGGING,
    unit="months",
    seed="004",
    formula="mean(contract_months) over the selected rows",
    args={"contract_months": Rows("Length of each signed contract in months (a year is 12).")},
    metrics=["average contract length"],
    example=Example(([1, 12, 12, 36],), 15.25, "by hand: 61 / 4"),
)
def AVG_CONTRACT_LENGTH(contract_months, *criteria):
    """Average length in months of the contracts signed, over the selected rows (seed 004 #7)."""
    require_range(contract_months, 0, np.inf, "contract_months")
    return mean(contract_months, "contract lengths")


@metric(
    teams=["sales", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="004",
    formula="Σ(weight × actual / target) / Σ weight",
    args={
        "actuals": Rows("Actual result of each scorecard line (revenue, new logos, margin…)."),
        "targets": Rows("Target of each line, paired with actuals."),
        "weights": Rows("Weight of each line, paired with actuals (they need not add up to 1)."),
    },
    metrics=["weighted achievement", "weighted sales achievement"],
    example=Example(([90, 50], [100, 40], [0.6, 0.4]), 1.04, "by hand: (0.6 × 0.9 + 0.4 × 1.25) / 1"),
)
def WEIGHTED_ATTAINMENT(actuals, targets, weights, *criteria):
    """Weighted achievement over several targets: the weighted mean of actual / target (seed 004's scorecard).

    Rows missing any of the three values are skipped. A zero target is #DIV/0!; a negative target or weight is #NUM!.
    """
    rows = ~(np.isnan(actuals) | np.isnan(targets) | np.isnan(weights))
    if not rows.any():
        raise NothingToCompute("no row has an actual, a target and a weight")
    actual, target, weight = actuals[rows], targets[rows], weights[rows]
    require_range(target, 0, np.inf, "targets")
    require_range(weight, 0, np.inf, "weights")
    if (target == 0).any():
        raise DivisionByZero("targets holds a zero target")
    return divide(float((weight * actual / target).sum()), float(weight.sum()), "the sum of weights")


_WON = frozenset({"won", "closed won"})
_LOST = frozenset({"lost", "closed lost"})


def deal_outcomes(statuses: list, name: str) -> np.ndarray:
    """Per row 1.0 for a won deal, 0.0 for a lost one, NaN for anything else (open, other, blank).

    Status text is compared case-insensitively: ``Won``/``Lost`` and the CRM stage names ``Closed Won``/
    ``Closed Lost`` (also ``closed_won``, ``Closed-Lost``). A non-text cell is #VALUE!, an error value
    propagates, and a range with no status at all is #N/A. Shared by the row-level win-rate functions.
    """

    def judge(cell: object) -> float:
        if is_blank(cell):
            return np.nan
        if not isinstance(cell, str):
            raise InvalidValue(f"{name} holds {cell!r}; a status is text such as Won, Lost or Open")
        raise_if_error(cell, name)
        key = " ".join(cell.replace("_", " ").replace("-", " ").split()).casefold()
        return 1.0 if key in _WON else 0.0 if key in _LOST else np.nan

    verdicts: dict = {}
    outcomes = np.fromiter(
        (verdicts[c] if c in verdicts else verdicts.setdefault(c, judge(c)) for c in statuses),
        np.float64,
        len(statuses),
    )
    if all(map(is_blank, verdicts)):
        raise NothingToCompute(f"{name} has no status (the range is empty, blank, or filtered out)")
    return outcomes


@metric(
    teams=["sales", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    formula='count("Won") / count("Won" or "Lost") over the selected rows',
    args={"statuses": Labels("Status of each deal: Won, Lost or anything else for open deals (Closed Won works).")},
    metrics=["win rate", "opportunity conversion"],
    example=Example((["Won", "Lost", "Open", "won", "Lost"],), 0.5, "by hand: 2 won / 4 decided"),
    benchmark="47 % average (RAIN Group, seed 000)",
)
def DEAL_WIN_RATE(statuses, *criteria):
    """Win rate over a deal list: rows marked Won / rows marked Won or Lost; open rows are left out.

    Statuses are read case-insensitively. ``=DEAL_WIN_RATE(Deals[Status], Deals[Owner], "Alice")``.
    """
    outcomes = deal_outcomes(statuses, "statuses")
    decided = outcomes[~np.isnan(outcomes)]
    return divide(float(decided.sum()), decided.size, "the number of won and lost deals")
