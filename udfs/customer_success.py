"""Customer success: churn, retention, revenue retention, lifetime value, growth ceiling."""

from __future__ import annotations

import numpy as np

from .calc import divide, durations, share
from .errors import NothingToCompute, OutOfDomain
from .registry import (
    LAGGING,
    LEADING,
    Amount,
    Choice,
    Count,
    Dates,
    Example,
    Flags,
    Money,
    Number,
    Rate,
    Rows,
    metric,
)

_CHURN_METHODS = {
    "start": "lost / customers at the start of the period (default)",
    "start_plus_new": "lost / (customers at the start + new customers in the period)",
}


@metric(
    teams=["customer_success", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="001",
    formula="start: lost / customers_start; start_plus_new: lost / (customers_start + new_customers)",
    args={
        "lost": Count("Customers lost in the period."),
        "customers_start": Count("Customers at the start of the period."),
        "new_customers": Count("Customers won during the period (used by start_plus_new); default 0."),
        "method": Choice("start (default) or start_plus_new.", *_CHURN_METHODS),
    },
    metrics=["churn rate", "customer churn"],
    methods=_CHURN_METHODS,
    example=Example((5, 100), 0.05, "by hand: 5 of 100 customers"),
)
def CHURN_RATE(lost, customers_start, new_customers=0, method="start"):
    """Share of customers lost in the period; ``method`` picks the denominator."""
    if lost > customers_start + new_customers:
        raise OutOfDomain(
            "lost exceeds customers_start + new_customers; give new_customers if customers won in the period also left"
        )
    if method == "start_plus_new":
        return divide(lost, customers_start + new_customers, "customers_start + new_customers")
    return divide(lost, customers_start, "customers_start")


_REVENUE_CHURN_METHODS = {
    "gross": "(churned + contraction) / revenue at the start (default)",
    "net": "(churned + contraction − expansion) / revenue at the start; negative means net expansion",
}


@metric(
    teams=["customer_success", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    formula="gross: (churned + contraction) / revenue_start; net: (churned + contraction − expansion) / revenue_start",
    args={
        "churned": Money("Recurring revenue lost from customers who left."),
        "revenue_start": Money("Recurring revenue at the start of the period."),
        "contraction": Money("Revenue lost to downgrades; default 0."),
        "expansion": Money("Revenue gained from upgrades and cross-sell (used by net); default 0."),
        "method": Choice("gross (default) or net.", *_REVENUE_CHURN_METHODS),
    },
    metrics=["revenue churn rate", "MRR churn"],
    methods=_REVENUE_CHURN_METHODS,
    example=Example((5000, 100000, 2000), 0.07, "by hand: (5,000 + 2,000) / 100,000"),
)
def REVENUE_CHURN_RATE(churned, revenue_start, contraction=0, expansion=0, method="gross"):
    """Share of starting recurring revenue lost in the period; ``method`` counts expansion or not.

    Churned plus contraction above the starting revenue is #NUM!, as for GRR and NRR.
    """
    _check_lost_within_start(revenue_start, churned, contraction, "REVENUE_CHURN_RATE(churned, revenue_start, …)")
    lost = churned + contraction - (expansion if method == "net" else 0)
    return divide(lost, revenue_start, "revenue_start")


@metric(
    teams=["customer_success", "leadership", "sales"],
    indicator=LAGGING,
    unit="rate",
    seed="003",
    formula="(customers_end − new_customers) / customers_start",
    args={
        "customers_end": Count("Customers at the end of the period."),
        "new_customers": Count("Customers won during the period."),
        "customers_start": Count("Customers at the start of the period."),
    },
    metrics=["customer retention rate", "retention rate"],
    example=Example((105, 15, 100), 0.9, "by hand: (105 − 15) / 100"),
)
def RETENTION_RATE(customers_end, new_customers, customers_start):
    """Share of the period's starting customers still customers at its end."""
    if new_customers > customers_end:
        raise OutOfDomain("new_customers exceed customers_end; check the period's counts")
    if customers_end - new_customers > customers_start:
        raise OutOfDomain("customers_end − new_customers exceed customers_start; more customers kept than there were")
    return divide(customers_end - new_customers, customers_start, "customers_start")


def _check_lost_within_start(revenue_start: float, churned: float, contraction: float, order: str) -> None:
    """GRR, NRR and revenue churn share one domain: what was lost cannot exceed what there was at the start."""
    if churned + contraction > revenue_start:
        raise OutOfDomain(
            f"churned + contraction ({churned + contraction:g}) exceed revenue_start ({revenue_start:g}): more revenue"
            f" lost than there was. Check the argument order: {order}"
        )


@metric(
    teams=["customer_success", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    formula="(revenue_start − churned − contraction) / revenue_start",
    args={
        "revenue_start": Money("Recurring revenue from existing customers at the start of the period."),
        "churned": Money("Revenue lost from customers who left."),
        "contraction": Money("Revenue lost to downgrades; default 0."),
    },
    metrics=["GRR", "gross revenue retention"],
    example=Example((100000, 5000, 2000), 0.93, "by hand"),
)
def GRR(revenue_start, churned, contraction=0):
    """Gross revenue retention: starting revenue kept, expansion not counted, never above 100 %."""
    _check_lost_within_start(revenue_start, churned, contraction, "GRR(revenue_start, churned, contraction)")
    return divide(revenue_start - churned - contraction, revenue_start, "revenue_start")


@metric(
    teams=["customer_success", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    formula="(revenue_start − churned − contraction + expansion) / revenue_start",
    args={
        "revenue_start": Money("Recurring revenue from existing customers at the start of the period."),
        "churned": Money("Revenue lost from customers who left."),
        "contraction": Money("Revenue lost to downgrades; default 0."),
        "expansion": Money("Revenue gained from upgrades and cross-sell; default 0."),
    },
    metrics=["NRR", "net revenue retention"],
    example=Example((100000, 5000, 2000, 12000), 1.05, "by hand"),
)
def NRR(revenue_start, churned, contraction=0, expansion=0):
    """Net revenue retention: starting revenue kept, expansion included; above 100 % is net growth.

    Churned plus contraction above the starting revenue (NRR below the churned-out floor, or below 0) is
    #NUM!: the arguments are most likely in another order than revenue_start, churned, contraction, expansion.
    """
    _check_lost_within_start(revenue_start, churned, contraction, "NRR(revenue_start, churned, contraction, expansion)")
    return divide(revenue_start - churned - contraction + expansion, revenue_start, "revenue_start")


@metric(
    teams=["customer_success", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="(revenue − cost_to_earn) / customers",
    args={
        "revenue": Amount("Revenue earned from the customers."),
        "cost_to_earn": Money("What it cost to earn that revenue."),
        "customers": Count("Number of customers (or units)."),
    },
    metrics=["CLV", "customer lifetime value"],
    example=Example((100000, 20000, 10), 8000, "seed 000: ($100,000 − $20,000) / 10"),
)
def CLV(revenue, cost_to_earn, customers):
    """Customer lifetime value: revenue less the cost of earning it, per customer (seed 000)."""
    return divide(revenue - cost_to_earn, customers, "customers")


@metric(
    teams=["customer_success", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="arpa × gross_margin / churn_rate",
    args={
        "arpa": Money("Average revenue per account per period (month or year)."),
        "churn_rate": Rate("Customer churn rate for the same period, as a fraction."),
        "gross_margin": Rate("Gross margin as a fraction; default 1 (revenue LTV)."),
    },
    metrics=["LTV", "lifetime value"],
    example=Example((1000, 0.02, 0.8), 40000, "by hand: 1,000 × 0.8 / 0.02"),
)
def LTV(arpa, churn_rate, gross_margin=1):
    """Lifetime value from unit economics: ARPA × gross margin / churn rate (same period unit)."""
    return divide(arpa * gross_margin, churn_rate, "churn_rate")


@metric(
    teams=["customer_success"],
    indicator=LAGGING,
    unit="count",
    seed="000",
    formula="1 / churn_rate",
    args={"churn_rate": Rate("Churn rate per period, as a fraction.")},
    metrics=["customer lifetime"],
    example=Example((0.05,), 20, "by hand: 1 / 0.05 periods"),
)
def CUSTOMER_LIFETIME(churn_rate):
    """Expected customer lifetime in periods of the churn rate's unit: 1 / churn rate."""
    return divide(1, churn_rate, "churn_rate")


@metric(
    teams=["customer_success", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="new_mrr / churn_rate",
    args={
        "new_mrr": Money("New MRR added per month."),
        "churn_rate": Rate("Monthly revenue churn rate, as a fraction."),
    },
    metrics=["growth ceiling"],
    example=Example((10000, 0.02), 500000, "by hand: 10,000 / 0.02"),
    benchmark="growth slows at 60–70 % of the ceiling (seed 000)",
)
def GROWTH_CEILING(new_mrr, churn_rate):
    """MRR level at which churn cancels new business: new MRR / churn rate (seed 000)."""
    return divide(new_mrr, churn_rate, "churn_rate")


@metric(
    teams=["customer_success"],
    indicator=LEADING,
    unit="weeks",
    seed="000",
    formula="mean(end_dates − start_dates) / 7 over customers with both dates",
    args={
        "start_dates": Dates("Day each customer's onboarding started (kick-off)."),
        "end_dates": Dates("Day each customer's onboarding was completed; blank while onboarding."),
    },
    metrics=["weeks to onboard a customer"],
    example=Example((["2024-01-01", "2024-02-01"], ["2024-01-29", "2024-03-14"]), 5, "by hand: (28 + 42) / 2 / 7"),
)
def ONBOARDING_WEEKS(start_dates, end_dates, *criteria):
    """Average weeks it took to onboard a new customer, kick-off to completion; customers still onboarding skipped."""
    return float(durations(start_dates, end_dates, "onboarding", "end_dates").mean() / 7)


@metric(
    teams=["customer_success"],
    indicator=LEADING,
    unit="days",
    seed="000",
    formula="mean(qbr_dates − start_dates) over customers with both dates",
    args={
        "start_dates": Dates("Day each customer started (subscription start or CSM hand-over)."),
        "qbr_dates": Dates("Day of each customer's first quarterly business review; blank if none yet."),
    },
    metrics=["time to first QBR"],
    example=Example((["2024-01-01", "2024-02-01"], ["2024-03-31", None]), 90, "by hand: 31 + 29 + 30 days"),
)
def TIME_TO_FIRST_QBR(start_dates, qbr_dates, *criteria):
    """Average days from a customer's start to their first quarterly business review (QBR); none yet skipped."""
    return float(durations(start_dates, qbr_dates, "the time to first QBR", "qbr_dates").mean())


@metric(
    teams=["customer_success", "leadership"],
    indicator=LAGGING,
    unit="days",
    seed="000",
    formula="mean(value_dates − start_dates) over customers with both dates",
    args={
        "start_dates": Dates("Day each customer started (contract signature or subscription start)."),
        "value_dates": Dates("Day each customer reached the first agreed value milestone; blank if not yet."),
    },
    metrics=["time to value"],
    example=Example((["2024-01-01", "2024-01-15"], ["2024-02-15", "2024-02-29"]), 45, "by hand: (45 + 45) / 2"),
)
def TIME_TO_VALUE(start_dates, value_dates, *criteria):
    """Average days from a customer's start to the first agreed value milestone (TTV); customers not there yet skipped.

    Agree on the value milestone with the buyer during the sale (seed 000).
    """
    return float(durations(start_dates, value_dates, "the time to value", "value_dates").mean())


@metric(
    teams=["customer_success"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="with_plan / customers",
    args={
        "with_plan": Count("Customers with an agreed joint success plan."),
        "customers": Count("All active customers."),
    },
    metrics=["% of customers with a joint success plan"],
    example=Example((45, 60), 0.75, "by hand: 45 / 60"),
)
def SUCCESS_PLAN_COVERAGE(with_plan, customers):
    """Share of customers that have a joint success plan with customer success: with plan / customers."""
    return share(with_plan, customers, "with_plan", "customers")


@metric(
    teams=["customer_success"],
    indicator=LEADING,
    unit="count",
    seed="000",
    formula="meetings / customers / months",
    args={
        "meetings": Count("Customer success meetings held in the period; a range is summed."),
        "customers": Count("Customers those meetings are shared by."),
        "months": Number("Length of the period in months; default 1."),
    },
    metrics=["monthly CS meetings"],
    example=Example((90, 30, 3), 1, "by hand: 90 meetings / 30 customers / 3 months"),
)
def MEETINGS_PER_CUSTOMER(meetings, customers, months=1):
    """Customer success meetings per customer per month: meetings / customers / months."""
    if months < 0:
        raise OutOfDomain(f"months is {months:g}; a period cannot be negative in length")
    return divide(divide(meetings, customers, "customers"), months, "months")


# MRR movements over per-customer rows: MRR at the start and at the end of the period, one row per customer.
# A blank MRR means no subscription (0): a customer without a start MRR is new, one without an end MRR churned.
# Σ end − Σ start = new + expansion − contraction − churned.

_MRR_ARGS = {
    "mrr_start": Rows("Each customer's MRR at the start of the period; blank or 0 for a customer not yet won."),
    "mrr_end": Rows("The same customer's MRR at the end of the period; blank or 0 if it churned."),
}


def _mrr(mrr_start: np.ndarray, mrr_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end MRR with blanks as 0; rows blank on both sides are dropped; negative MRR is #NUM!."""
    kept = ~(np.isnan(mrr_start) & np.isnan(mrr_end))
    if not kept.any():
        raise NothingToCompute("no customer row has an MRR (the ranges are empty, blank, or filtered out)")
    start = np.where(np.isnan(mrr_start[kept]), 0.0, mrr_start[kept])
    end = np.where(np.isnan(mrr_end[kept]), 0.0, mrr_end[kept])
    for values, name in ((start, "mrr_start"), (end, "mrr_end")):
        if values.min() < 0:
            raise OutOfDomain(f"{name} holds {values.min():g}; MRR cannot be negative")
    return start, end


_MRR_EXAMPLE = ([100, 200, 300, 0], [150, 150, 0, 80])


@metric(
    teams=["customer_success", "sales", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="002",
    formula="Σ max(0, mrr_end − mrr_start) over customers with mrr_start > 0",
    args=_MRR_ARGS,
    metrics=["expansion revenue", "net new revenue"],
    example=Example(_MRR_EXAMPLE, 50, "by hand: only the first customer grew, 150 − 100"),
)
def EXPANSION_REVENUE(mrr_start, mrr_end, *criteria):
    """MRR gained from existing customers who grew (upsell, cross-sell): Σ (end − start) where end > start > 0.

    One row per customer; blank MRR counts as 0, so new customers (no start MRR) are not expansion.
    """
    start, end = _mrr(mrr_start, mrr_end)
    return float(np.maximum(end - start, 0.0)[start > 0].sum())


@metric(
    teams=["customer_success", "sales", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="002",
    formula="Σ max(0, mrr_start − mrr_end) over customers with mrr_start > 0 and mrr_end > 0",
    args=_MRR_ARGS,
    metrics=["contraction revenue", "net new revenue"],
    example=Example(_MRR_EXAMPLE, 50, "by hand: the second customer shrank, 200 − 150"),
)
def CONTRACTION_REVENUE(mrr_start, mrr_end, *criteria):
    """MRR lost to downgrades by customers who stayed: Σ (start − end) where start > end > 0.

    One row per customer; a customer whose end MRR is 0 or blank churned and counts in CHURNED_REVENUE.
    """
    start, end = _mrr(mrr_start, mrr_end)
    stayed = (start > 0) & (end > 0)
    return float(np.maximum(start - end, 0.0)[stayed].sum())


@metric(
    teams=["customer_success", "sales", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="002",
    formula="Σ mrr_start over customers with mrr_start > 0 and mrr_end = 0",
    args=_MRR_ARGS,
    metrics=["churned revenue", "net new revenue"],
    example=Example(_MRR_EXAMPLE, 300, "by hand: the third customer left with 300"),
)
def CHURNED_REVENUE(mrr_start, mrr_end, *criteria):
    """MRR lost from customers who left: Σ start MRR of customers whose end MRR is 0 or blank.

    One row per customer; a blank end MRR counts as 0 (no subscription at the end of the period).
    """
    start, end = _mrr(mrr_start, mrr_end)
    return float(start[(start > 0) & (end == 0)].sum())


_RETURNING_EXAMPLE = ([100, 0, 0], [150, 150, 80], [False, True, False])
_RETURNING = Flags(
    "Optional: TRUE for a customer who paid before this period (a former subscriber coming back); blank or"
    " FALSE for one who never did. Without it every customer with no start MRR counts as new."
)


@metric(
    teams=["customer_success", "sales", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="002",
    source="ChartMogul MRR movements; dbt-labs mrr-playbook",
    formula="Σ mrr_end over customers with mrr_start = 0 that are not returning",
    args={**_MRR_ARGS, "returning": _RETURNING},
    metrics=["new customer revenue", "net new revenue", "new MRR"],
    example=Example(_RETURNING_EXAMPLE, 80, "by hand: the second customer returns with 150, the third is new with 80"),
)
def NEW_CUSTOMER_REVENUE(mrr_start, mrr_end, returning=None, *criteria):
    """MRR from customers won in the period: Σ end MRR of customers whose start MRR is 0 or blank, returning
    customers left out.

    One row per customer; a blank start MRR counts as 0 (no subscription at the start of the period). A
    former subscriber who comes back is Reactivation, not new MRR (ChartMogul, dbt's mrr-playbook): mark
    such customers in ``returning`` (with criteria, leave it empty: =NEW_CUSTOMER_REVENUE(S, E, , R, "x")).
    MRR_MOVEMENTS finds returning customers itself from monthly rows.
    """
    start, end = _mrr(mrr_start, mrr_end)
    won = start == 0
    if returning is not None:
        won &= ~_returning(mrr_start, mrr_end, returning)
    return float(end[won].sum())


@metric(
    teams=["customer_success", "sales", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="002",
    source="ChartMogul MRR movements; dbt-labs mrr-playbook",
    formula="Σ mrr_end over returning customers with mrr_start = 0",
    args={
        **_MRR_ARGS,
        "returning": Flags(
            "TRUE for a customer who paid before this period (a former subscriber coming back); blank or FALSE"
            " for one who never did."
        ),
    },
    metrics=["reactivation revenue", "net new revenue"],
    example=Example(_RETURNING_EXAMPLE, 150, "by hand: the second customer, a former subscriber, returns with 150"),
)
def REACTIVATION_REVENUE(mrr_start, mrr_end, returning, *criteria):
    """MRR from former customers who came back: Σ end MRR of returning customers whose start MRR is 0 or blank.

    One row per customer, as NEW_CUSTOMER_REVENUE; the two add up to the MRR of customers without a start MRR.
    """
    start, end = _mrr(mrr_start, mrr_end)
    return float(end[(start == 0) & _returning(mrr_start, mrr_end, returning)].sum())


def _returning(mrr_start: np.ndarray, mrr_end: np.ndarray, returning: np.ndarray) -> np.ndarray:
    """The ``returning`` flags of the rows :func:`_mrr` keeps, blank as FALSE."""
    kept = ~(np.isnan(mrr_start) & np.isnan(mrr_end))
    return np.nan_to_num(returning[kept], nan=0.0) == 1
