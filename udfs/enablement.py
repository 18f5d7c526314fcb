"""Sales enablement and people: retention, turnover, ramp, onboarding, training."""

from __future__ import annotations

from .calc import divide
from .errors import OutOfDomain
from .registry import LAGGING, Count, Example, metric


@metric(
    teams=["enablement", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    formula="separations / ((headcount_start + headcount_end) / 2)",
    args={
        "separations": Count("People who left in the period."),
        "headcount_start": Count("Headcount at the start of the period."),
        "headcount_end": Count("Headcount at the end of the period."),
    },
    metrics=["turnover rate", "employee retention"],
    example=Example((3, 10, 10), 0.3, "seed 000: about 3 in 10 sellers leave each year"),
    benchmark="about 3 in 10 sellers leave each year (seed 000)",
)
def TURNOVER_RATE(separations, headcount_start, headcount_end):
    """Share of the average headcount that left in the period."""
    return divide(separations, (headcount_start + headcount_end) / 2, "the average headcount")


@metric(
    teams=["enablement", "leadership", "sales"],
    indicator=LAGGING,
    unit="rate",
    seed="003",
    formula="(headcount_start − departures) / headcount_start",
    args={
        "headcount_start": Count("Reps at the start of the period."),
        "departures": Count("Of those, how many left during the period."),
    },
    metrics=["rep retention", "employee retention"],
    example=Example((10, 3), 0.7, "by hand, seed 000's 3 in 10"),
)
def REP_RETENTION(headcount_start, departures):
    """Share of the reps at the start of the period who are still there at its end."""
    if departures > headcount_start:
        raise OutOfDomain("departures exceed headcount_start")
    return divide(headcount_start - departures, headcount_start, "headcount_start")
