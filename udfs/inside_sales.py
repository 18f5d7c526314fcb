"""Inside sales (SDR/BDR): activity per rep, meetings, cadences, hand-offs to AEs, SDR return."""

from __future__ import annotations

from .calc import divide, share
from .registry import LAGGING, LEADING, Count, Example, Money, metric


@metric(
    teams=["inside_sales"],
    indicator=LEADING,
    unit="count",
    seed="000",
    formula="activities / reps",
    args={
        "activities": Count("Activities in the period: calls, emails, meetings set, cadences completed or SQLs."),
        "reps": Count("SDRs/BDRs in the period (FTEs may be fractional)."),
    },
    metrics=["calls", "emails", "meetings set", "cadences completed", "activity volume"],
    example=Example((1200, 4), 300, "by hand: 1,200 calls / 4 SDRs"),
)
def ACTIVITIES_PER_REP(activities, reps):
    """Activities per SDR/BDR in the period (calls, emails, meetings set or cadences completed): activities / reps."""
    return divide(activities, reps, "reps")


@metric(
    teams=["inside_sales"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="meetings_set / conversations",
    args={
        "meetings_set": Count("Meetings booked with prospects in the period."),
        "conversations": Count("Conversations held in the same period (connected calls, replied threads)."),
    },
    metrics=["meetings set"],
    example=Example((18, 120), 0.15, "by hand: 18 / 120"),
)
def MEETING_RATE(meetings_set, conversations):
    """Share of prospect conversations that ended with a meeting booked: meetings set / conversations."""
    return share(meetings_set, conversations, "meetings_set", "conversations")


@metric(
    teams=["inside_sales"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="completed / started",
    args={
        "completed": Count("Cadences (sequences) that ran all their steps in the period."),
        "started": Count("Cadences started that were due to finish in the same period."),
    },
    metrics=["cadences completed"],
    example=Example((45, 60), 0.75, "by hand: 45 / 60"),
)
def CADENCE_COMPLETION_RATE(completed, started):
    """Share of the outreach cadences (sequences) started that were completed to the last step."""
    return share(completed, started, "completed", "started")


@metric(
    teams=["inside_sales", "leadership"],
    indicator=LAGGING,
    unit="multiple",
    seed="002",
    formula="generated_revenue / sdr_cost",
    args={
        "generated_revenue": Money("Revenue from deals the SDR sourced, over the period measured."),
        "sdr_cost": Money("Fully loaded cost of the SDR (salary, commission, tools) over the same period."),
    },
    metrics=["ROI per outbound SDR"],
    example=Example((480000, 120000), 4, "by hand: 480,000 / 120,000, seed 002's 4× target"),
    benchmark="4× per outbound SDR within 12 months (seed 002)",
)
def SDR_ROI(generated_revenue, sdr_cost):
    """Return per outbound SDR as a multiple of what the SDR costs: sourced revenue / SDR cost (seed 002)."""
    return divide(generated_revenue, sdr_cost, "sdr_cost")


@metric(
    teams=["inside_sales", "sales"],
    indicator=LEADING,
    unit="rate",
    seed="002",
    formula="sqls_accepted / sqls_handed",
    args={
        "sqls_accepted": Count("SQLs the account executives accepted as real opportunities."),
        "sqls_handed": Count("SQLs the SDRs handed to account executives in the same period."),
    },
    metrics=["SQLs handed to AEs"],
    example=Example((32, 40), 0.8, "by hand: 32 / 40"),
)
def SQL_HANDOFF_RATE(sqls_accepted, sqls_handed):
    """Share of the SQLs handed by SDRs to account executives that the AEs accepted."""
    return share(sqls_accepted, sqls_handed, "sqls_accepted", "sqls_handed")
