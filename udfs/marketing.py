"""Marketing: lead flow, conversion, acquisition cost, content return."""

from __future__ import annotations

from .calc import divide, share
from .errors import OutOfDomain
from .registry import LAGGING, LEADING, Amount, Count, Example, Money, Rate, metric


@metric(
    teams=["marketing", "inside_sales"],
    indicator=LEADING,
    unit="rate",
    seed="001",
    formula="(this_period − last_period) / last_period",
    args={
        "this_period": Count("Qualified leads this period."),
        "last_period": Count("Qualified leads last period."),
    },
    metrics=["lead velocity rate"],
    example=Example((120, 100), 0.2, "by hand"),
)
def LEAD_VELOCITY_RATE(this_period, last_period):
    """Growth of qualified leads from one period to the next."""
    return divide(this_period - last_period, last_period, "last_period")


@metric(
    teams=["marketing", "inside_sales", "sales", "enablement"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="converted / total",
    args={
        "converted": Count("How many converted (SQLs, opportunities, passes, completions)."),
        "total": Count("How many could have converted (MQLs, leads, attempts, enrolments)."),
    },
    metrics=[
        "MQL to SQL conversion",
        "MQL→SQL conversion",
        "opportunity conversion",
        "qualified opportunity rate",
        "course completion",
        "course pass rate",
        "course completion %",
        "course pass %",
    ],
    example=Example((30, 120), 0.25, "by hand"),
)
def CONVERSION_RATE(converted, total):
    """Share of one stage that reached the next: MQL→SQL, lead→opportunity, course pass rate."""
    if total != 0 and converted > total:  # a zero total is #DIV/0!, whatever converted says
        raise OutOfDomain("converted exceeds total; a conversion rate cannot pass 100 %")
    return divide(converted, total, "total")


@metric(
    teams=["marketing"],
    indicator=LEADING,
    unit="currency",
    seed="000",
    formula="spend / leads",
    args={"spend": Money("Marketing spend in the period."), "leads": Count("New leads in the same period.")},
    metrics=["cost per lead"],
    example=Example((5000, 250), 20, "by hand"),
)
def COST_PER_LEAD(spend, leads):
    """Marketing spend per new lead."""
    return divide(spend, leads, "leads")


@metric(
    teams=["marketing", "leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    formula="acquisition_spend / new_customers",
    args={
        "acquisition_spend": Money("Sales and marketing spend to acquire customers in the period."),
        "new_customers": Count("New customers won in the period."),
    },
    metrics=["CAC", "customer acquisition cost"],
    example=Example((200000, 20), 10000, "by hand"),
)
def CAC(acquisition_spend, new_customers):
    """Customer acquisition cost: spend per new customer."""
    return divide(acquisition_spend, new_customers, "new_customers")


@metric(
    teams=["leadership", "marketing"],
    indicator=LAGGING,
    unit="months",
    seed="000",
    formula="cac / (monthly_revenue_per_customer × gross_margin)",
    args={
        "cac": Money("Customer acquisition cost."),
        "monthly_revenue_per_customer": Money("Monthly recurring revenue per new customer."),
        "gross_margin": Rate("Gross margin as a fraction; default 1."),
    },
    metrics=["CAC payback"],
    example=Example((12000, 1000, 0.8), 15, "by hand: 12,000 / 800"),
)
def CAC_PAYBACK(cac, monthly_revenue_per_customer, gross_margin=1):
    """Months of gross profit a new customer needs to pay back its acquisition cost."""
    return divide(cac, monthly_revenue_per_customer * gross_margin, "monthly_revenue_per_customer × gross_margin")


@metric(
    teams=["marketing", "enablement"],
    indicator=LAGGING,
    unit="multiple",
    seed="000",
    formula="attributed_return / content_cost",
    args={
        "attributed_return": Amount("Sales attributed to the content."),
        "content_cost": Money("What the content cost to create and distribute."),
    },
    metrics=["content marketing ROI"],
    example=Example((50000, 10000), 5, "by hand"),
)
def CONTENT_ROI(attributed_return, content_cost):
    """Sales attributed to content per unit of its cost (seed 000's content marketing ROI)."""
    return divide(attributed_return, content_cost, "content_cost")


@metric(
    teams=["marketing"],
    indicator=LEADING,
    unit="count",
    seed="000",
    formula="touches / leads",
    args={
        "touches": Count("Touches (calls, emails, webinars) that came before the new leads; a range is summed."),
        "leads": Count("New leads those touches created in the same period."),
    },
    metrics=["touches to create a lead"],
    example=Example((1200, 150), 8, "by hand: 1,200 / 150"),
)
def TOUCHES_PER_LEAD(touches, leads):
    """Average marketing or outreach touches (calls, emails, webinars) it took to create one new lead."""
    return divide(touches, leads, "leads")


@metric(
    teams=["marketing"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="clicks / impressions",
    args={
        "clicks": Count("Clicks on the ad, search result or link; a range is summed."),
        "impressions": Count("Times it was shown in the same period (impressions)."),
    },
    metrics=["CTR", "click-through rate"],
    example=Example((45, 1500), 0.03, "by hand: 45 / 1,500"),
)
def CLICK_THROUGH_RATE(clicks, impressions):
    """Click-through rate (CTR): share of impressions that were clicked, clicks / impressions.

    More clicks than impressions is #NUM!.
    """
    return share(clicks, impressions, "clicks", "impressions")


@metric(
    teams=["marketing"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="engagements / audience",
    args={
        "engagements": Count("Likes, comments, shares and reposts in the period; a range is summed."),
        "audience": Count("Followers (or reach) the content was shown to in the same period."),
    },
    metrics=["engagements", "social engagement rate"],
    example=Example((240, 8000), 0.03, "by hand: 240 / 8,000"),
)
def ENGAGEMENT_RATE(engagements, audience):
    """Social engagement rate: engagements (likes, comments, shares) per follower or person reached.

    One person can engage many times, so the rate may pass 100 %.
    """
    return divide(engagements, audience, "audience")
