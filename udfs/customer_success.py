"""Customer success: churn, retention, revenue retention, lifetime value, growth ceiling."""

from __future__ import annotations

from .calc import divide
from .errors import OutOfDomain
from .registry import LAGGING, Amount, Choice, Count, Example, Money, Rate, metric

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
    """Share of starting recurring revenue lost in the period; ``method`` counts expansion or not."""
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
    return divide(customers_end - new_customers, customers_start, "customers_start")


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
    if churned + contraction > revenue_start:
        raise OutOfDomain("churned + contraction exceed revenue_start")
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
    """Net revenue retention: starting revenue kept, expansion included; above 100 % is net growth."""
    if churned + contraction > revenue_start:
        raise OutOfDomain("churned + contraction exceed revenue_start")
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
