"""Customer support and voice of the customer: NPS, CSAT, CES, response and resolution times."""

from __future__ import annotations

import math

import numpy as np

from .calc import average_span, present, require_range, require_whole, share
from .coerce import is_blank, raise_if_error
from .criteria import Criterion
from .errors import NothingToCompute, OutOfDomain
from .registry import LAGGING, LEADING, Choice, Count, Date, Dates, Example, Labels, Number, Rows, metric

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
    """Net promoter score: % promoters (9–10) minus % detractors (0–6), from −100 to 100.

    Answers are whole numbers from 0 to 10; any other answer is #NUM!.
    """
    answers = present(scores, "scores")
    require_range(answers, 0, 10, "scores")
    require_whole(answers, "scores", "the 0–10 scale")
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
    """Customer satisfaction: share of satisfied answers (top two boxes), or the mean score.

    Answers are whole numbers from 1 to scale_max; any other answer is #NUM!.
    """
    if scale_max < 2 or scale_max != round(scale_max):
        raise OutOfDomain(f"scale_max is {scale_max:g}; a scale has a whole number of points, at least two")
    answers = present(scores, "scores")
    require_range(answers, 1, scale_max, "scores")
    require_whole(answers, "scores", f"the 1–{scale_max:g} scale")
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
    return average_span(created, first_response, "first responses", "first_response", "hours")


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
    return average_span(created, resolved, "resolved tickets", "resolved", "hours")


@metric(
    teams=["support", "customer_success"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="escalated / tickets",
    args={
        "escalated": Count("Tickets escalated to engineering or management in the period."),
        "tickets": Count("All tickets of the same period."),
    },
    metrics=["escalation rate", "number of escalations"],
    example=Example((12, 240), 0.05, "by hand: 12 / 240"),
)
def ESCALATION_RATE(escalated, tickets):
    """Share of support tickets that were escalated to engineering or management: escalated / tickets."""
    return share(escalated, tickets, "escalated", "tickets")


@metric(
    teams=["support", "customer_success"],
    indicator=LEADING,
    unit="count",
    seed="000",
    formula="tickets with created < end of as_of day and (resolved blank or resolved ≥ end of as_of day)",
    args={
        "created": Dates("When each ticket was opened; rows without it are skipped."),
        "resolved": Dates("When each ticket was resolved; blank while open."),
        "as_of": Date("Day of the snapshot, usually =TODAY(); tickets open at the end of that day count."),
    },
    metrics=["open escalations", "open tickets"],
    example=Example(
        (
            ["2024-03-01T09:00", "2024-03-10T12:00", "2024-03-20T08:00", "2024-04-02"],
            ["2024-03-05", None, "2024-04-01T10:00", None],
            "2024-03-31",
        ),
        2,
        "by hand: the 10 Mar ticket is unresolved and the 20 Mar one was resolved in April",
    ),
)
def OPEN_TICKETS(created, resolved, as_of, *criteria):
    """Number of selected tickets still open at the end of the as_of day: created by then, not resolved by then.

    Open escalations: ``=OPEN_TICKETS(Tickets[Created], Tickets[Resolved], TODAY(), Tickets[Escalated], TRUE)``.
    A resolution before its creation is #NUM!.
    """
    has_created = ~np.isnan(created)
    if not has_created.any():
        raise NothingToCompute("no ticket has a created date (the range is empty, blank, or filtered out)")
    opened, closed = created[has_created], resolved[has_created]
    backwards = np.flatnonzero(closed < opened)
    if backwards.size:
        row = int(np.flatnonzero(has_created)[backwards[0]]) + 1
        raise OutOfDomain(f"resolved is before created in row {row} of the selected rows")
    cutoff = math.floor(as_of) + 1.0
    still_open = (opened < cutoff) & (np.isnan(closed) | (closed >= cutoff))
    return float(np.count_nonzero(still_open))


_BUG = Criterion("bug*", "bug type")


@metric(
    teams=["support"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="tickets whose type begins with 'Bug' / tickets with a type",
    args={"types": Labels("Type of each ticket (Bug, How-to, Billing, ...); blank rows are skipped.")},
    metrics=["bug vs how-to", "issue volume by type"],
    example=Example((["Bug", "How-to", "bug report", "Billing"],), 0.5, "by hand: 2 bugs of 4 tickets"),
)
def BUG_SHARE(types, *criteria):
    """Share of the selected tickets that report a bug: type text 'Bug' or beginning with 'Bug', any case.

    The rest of the bug vs how-to breakdown is VOLUME_BY(types).
    """
    typed = [cell for cell in types if not is_blank(cell)]
    for cell in typed:
        if isinstance(cell, str):
            raise_if_error(cell, "types")
    if not typed:
        raise NothingToCompute("no ticket has a type (the range is empty, blank, or filtered out)")
    return float(np.count_nonzero(_BUG.mask(typed)) / len(typed))
