"""Customer support and voice of the customer: NPS, CSAT, CES, response and resolution times."""

from __future__ import annotations

import numpy as np

from .calc import HOURS_PER_DAY, durations, present, require_range
from .errors import OutOfDomain
from .registry import LAGGING, LEADING, Choice, Dates, Example, Number, Rows, metric

NPS_PROMOTER, NPS_DETRACTOR = 9, 6


@metric(
    teams=["support", "customer_success", "leadership"],
    indicator=LAGGING,
    unit="nps",
    seed="000",
    formula="100 × (promoters (9–10) − detractors (0–6)) / responses",
    args={"scores": Rows("Answers to 'how likely are you to recommend us', 0 to 10.")},
    metrics=["NPS", "net promoter score"],
    example=Example(([10, 9, 8, 7, 6, 0, 10, 9, 3, 10],), 20, "by hand: 5 promoters − 3 detractors of 10"),
)
def NPS(scores, *criteria):
    """Net promoter score: % promoters (9–10) minus % detractors (0–6), from −100 to 100."""
    answers = present(scores, "scores")
    require_range(answers, 0, 10, "scores")
    promoters = np.count_nonzero(answers >= NPS_PROMOTER)
    detractors = np.count_nonzero(answers <= NPS_DETRACTOR)
    return 100.0 * (promoters - detractors) / answers.size


_CSAT_METHODS = {
    "top2": "share of answers in the top two boxes (4–5 on a 1–5 scale) (default)",
    "mean": "mean score",
}


@metric(
    teams=["support", "customer_success"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="top2: answers ≥ scale_max − 1 / answers; mean: mean score",
    args={
        "scores": Rows("Satisfaction answers, 1 to scale_max."),
        "scale_max": Number("Top of the scale; default 5."),
        "method": Choice("top2 (default) or mean.", *_CSAT_METHODS),
    },
    metrics=["CSAT", "customer satisfaction"],
    methods=_CSAT_METHODS,
    example=Example(([5, 4, 3, 5, 1],), 0.6, "by hand: 3 of 5 answers are 4 or 5"),
)
def CSAT(scores, scale_max=5, method="top2", *criteria):
    """Customer satisfaction: share of satisfied answers (top two boxes), or the mean score."""
    if scale_max < 2:
        raise OutOfDomain(f"scale_max is {scale_max:g}; a scale needs at least two points")
    answers = present(scores, "scores")
    require_range(answers, 1, scale_max, "scores")
    if method == "mean":
        return float(answers.mean())
    return float(np.count_nonzero(answers >= scale_max - 1) / answers.size)


@metric(
    teams=["support"],
    indicator=LEADING,
    unit="score",
    seed="000",
    formula="mean(scores)",
    args={"scores": Rows("Customer effort answers (for example 1–7, higher is easier).")},
    metrics=["CES", "customer effort score"],
    example=Example(([5, 6, 7, 4],), 5.5, "by hand"),
)
def CES(scores, *criteria):
    """Customer effort score: the mean answer to 'how easy was it to get your issue handled'."""
    answers = present(scores, "scores")
    if answers.min() < 0:
        raise OutOfDomain("scores holds a negative answer")
    return float(answers.mean())


@metric(
    teams=["support"],
    indicator=LEADING,
    unit="hours",
    seed="000",
    formula="mean(first_response − created) × 24",
    args={
        "created": Dates("When each ticket was opened (date and time)."),
        "first_response": Dates("When each ticket got its first reply; blank if none yet."),
    },
    metrics=["time to first response", "average response time"],
    example=Example(
        (["2024-03-01T09:00", "2024-03-01T10:00"], ["2024-03-01T11:00", "2024-03-01T14:00"]),
        3.0,
        "by hand: (2 h + 4 h) / 2",
    ),
)
def FIRST_RESPONSE_TIME(created, first_response, *criteria):
    """Average hours (calendar time) from a ticket's creation to its first reply; unanswered skipped."""
    return float(durations(created, first_response, "first responses", "first_response").mean() * HOURS_PER_DAY)


@metric(
    teams=["support"],
    indicator=LEADING,
    unit="hours",
    seed="000",
    formula="mean(resolved − created) × 24",
    args={
        "created": Dates("When each ticket was opened (date and time)."),
        "resolved": Dates("When each ticket was resolved; blank while open."),
    },
    metrics=["average resolution time"],
    example=Example((["2024-03-01", "2024-03-02"], ["2024-03-02", "2024-03-04"]), 36.0, "by hand: (24 h + 48 h) / 2"),
)
def RESOLUTION_TIME(created, resolved, *criteria):
    """Average hours (calendar time) from a ticket's creation to its resolution; open tickets skipped."""
    return float(durations(created, resolved, "resolved tickets", "resolved").mean() * HOURS_PER_DAY)
