"""Sales enablement and people: retention, turnover, ramp, onboarding, training."""

from __future__ import annotations

import numpy as np

from .calc import average_span, divide, mean, mean_duration, present, share, whole_seconds
from .errors import NothingToCompute, OutOfDomain
from .registry import LAGGING, LEADING, Count, Date, Dates, Example, Rows, metric


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


@metric(
    teams=["enablement", "sales", "inside_sales"],
    indicator=LEADING,
    unit="days",
    seed="003",
    formula="mean(first_contact_dates − hire_dates) over reps with both dates",
    args={
        "hire_dates": Dates("Each rep's first day at the company."),
        "first_contact_dates": Dates("Each rep's first contact with a prospect; blank while not yet."),
    },
    metrics=["ramp time"],
    example=Example((["2024-01-08", "2024-02-05"], ["2024-01-22", "2024-03-04"]), 21, "by hand: (14 + 28) / 2"),
)
def RAMP_TIME(hire_dates, first_contact_dates, *criteria):
    """Average days from a rep's first day to their first contact with a prospect (seed 003's ramp time).

    Reps without a first contact yet are skipped. ``=RAMP_TIME(Reps[HireDate], Reps[FirstProspectContact],
    Reps[HireDate], ">="&DATE(2024,1,1))`` gives the 2024 hires.
    """
    return average_span(hire_dates, first_contact_dates, "ramp time", "first_contact_dates")


@metric(
    teams=["enablement", "sales", "leadership"],
    indicator=LAGGING,
    unit="days",
    seed="000",
    formula="mean(productive_dates − start_dates) over reps with both dates",
    args={
        "start_dates": Dates("Each rep's first day."),
        "productive_dates": Dates("Day each rep reached full productivity; blank while still ramping."),
    },
    metrics=["time to productivity"],
    example=Example((["2024-01-01", "2024-02-01"], ["2024-04-01", "2024-06-01"]), 106, "by hand: (91 + 121) / 2"),
)
def TIME_TO_PRODUCTIVITY(start_dates, productive_dates, *criteria):
    """Average days from a new rep's first day to full productivity; reps still ramping are skipped."""
    return average_span(start_dates, productive_dates, "time to productivity", "productive_dates")


@metric(
    teams=["enablement"],
    indicator=LEADING,
    unit="days",
    seed="000",
    formula="mean(end_dates − start_dates) over reps with both dates",
    args={
        "start_dates": Dates("Day each rep's onboarding started (usually the hire date)."),
        "end_dates": Dates("Day each rep completed onboarding; blank while still onboarding."),
    },
    metrics=["onboarding duration per cohort"],
    example=Example((["2024-01-08", "2024-01-15"], ["2024-02-05", "2024-02-26"]), 35, "by hand: (28 + 42) / 2"),
)
def ONBOARDING_DURATION(start_dates, end_dates, *criteria):
    """Average days new reps took to complete onboarding; pick a cohort with a criteria pair on the hire date.

    Reps still onboarding are skipped.
    """
    return average_span(start_dates, end_dates, "onboarding", "end_dates")


@metric(
    teams=["enablement"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="attended / invited",
    args={
        "attended": Count("Invitations that were attended; a range is summed."),
        "invited": Count("Invitations sent for the same sessions."),
    },
    metrics=["session attendance"],
    example=Example((18, 24), 0.75, "by hand: 18 / 24"),
)
def ATTENDANCE_RATE(attended, invited):
    """Share of training-session invitations that were attended: attended / invited."""
    return share(attended, invited, "attended", "invited")


@metric(
    teams=["enablement", "marketing"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="used / available",
    args={
        "used": Count("Pieces of content used (in deals, shared with buyers) in the period."),
        "available": Count("Pieces of content available to the sales team."),
    },
    metrics=["content used / available"],
    example=Example((30, 120), 0.25, "by hand: 30 / 120"),
)
def CONTENT_USAGE_RATE(used, available):
    """Share of the available sales content that was actually used: used / available."""
    return share(used, available, "used", "available")


@metric(
    teams=["enablement", "marketing"],
    indicator=LEADING,
    unit="days",
    seed="000",
    formula="mean(as_of − created)",
    args={
        "created": Dates("Day each piece of content was published."),
        "as_of": Date("Day the age is measured at, usually =TODAY()."),
    },
    metrics=["average content age"],
    example=Example((["2023-12-31", "2024-03-01"], "2024-03-31"), 60.5, "by hand: (91 + 30) / 2"),
)
def AVG_CONTENT_AGE(created, as_of, *criteria):
    """Average age in days of the sales content library at the as_of date: mean of as_of − created.

    Content created after as_of is #NUM!: leave it out with a criteria pair on the created date.
    """
    return average_span(created, np.full_like(created, as_of), "the content age", "as_of")


@metric(
    teams=["enablement", "marketing"],
    indicator=LEADING,
    unit="days",
    seed="000",
    formula="(latest review − earliest review) / (reviews − 1)",
    args={"review_dates": Dates("Day of each content review (a review log, or each piece's last review).")},
    metrics=["review cadence"],
    example=Example((["2024-01-15", "2024-04-15", "2024-07-15"],), 91, "by hand: gaps of 91 and 91 days"),
)
def REVIEW_CADENCE(review_dates, *criteria):
    """Average days between consecutive content reviews: how often the sales content is reviewed and updated.

    Needs at least two review dates; blank dates (never reviewed) are skipped.
    """
    reviews = present(review_dates, "review dates")
    if reviews.size < 2:
        raise NothingToCompute("review_dates needs at least two reviews to measure a cadence")
    return mean_duration(whole_seconds(reviews.max() - reviews.min()), "days", count=reviews.size - 1)


@metric(
    teams=["enablement", "leadership"],
    indicator=LEADING,
    unit="hours",
    seed="000",
    formula="coaching hours / reps",
    args={
        "hours": Count("Coaching hours given in the period; a range of session lengths is summed."),
        "reps": Count("All sales reps in the period, coached or not."),
    },
    metrics=["coaching hours per rep"],
    example=Example((36, 12), 3, "by hand: 36 / 12"),
)
def COACHING_HOURS_PER_REP(hours, reps):
    """Average coaching hours per sales rep in the period, over all reps (seed 000)."""
    return divide(hours, reps, "reps")


@metric(
    teams=["enablement", "leadership"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="coaching_managers / managers",
    args={
        "coaching_managers": Count("Managers who coached at least once in the period (DISTINCT_COUNT of coaches)."),
        "managers": Count("All front-line sales managers."),
    },
    metrics=["% managers who coach"],
    example=Example((3, 4), 0.75, "by hand: 3 / 4"),
)
def COACHING_MANAGER_SHARE(coaching_managers, managers):
    """Share of sales managers who coach their reps: coaching managers / managers."""
    return share(coaching_managers, managers, "coaching_managers", "managers")


@metric(
    teams=["enablement", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    formula="referral_hires / hires",
    args={
        "referral_hires": Count("Hires made through an employee referral in the period."),
        "hires": Count("All hires in the same period."),
    },
    metrics=["employee referrals"],
    example=Example((7, 20), 0.35, "by hand: 7 / 20"),
    benchmark="referrals are 30–40 % of hires (Zippia, seed 000)",
)
def REFERRAL_HIRE_RATE(referral_hires, hires):
    """Share of hires that came through an employee referral: referral hires / hires (seed 000)."""
    return share(referral_hires, hires, "referral_hires", "hires")


@metric(
    teams=["enablement", "leadership"],
    indicator=LEADING,
    unit="score",
    seed="004",
    formula="mean(scores)",
    args={"scores": Rows("Answers to the team morale survey (for example 1–10); blank answers are skipped.")},
    metrics=["team morale survey score"],
    example=Example(([7, 8, None, 6, 9],), 7.5, "by hand: (7 + 8 + 6 + 9) / 4"),
)
def MORALE_SCORE(scores, *criteria):
    """Average answer to the team morale survey (seed 004 #12); a negative answer is #NUM!."""
    answers = present(scores, "scores")
    if answers.min() < 0:
        raise OutOfDomain(f"scores holds {answers.min():g}; a survey answer cannot be negative")
    return mean(answers, "scores")


@metric(
    teams=["enablement"],
    indicator=LEADING,
    unit="hours",
    seed="000",
    formula="training hours / reps",
    args={
        "hours": Count(
            "Training hours attended in the period; a range is summed (only onboarding courses: onboarding hours)."
        ),
        "reps": Count("Reps those hours are shared by."),
    },
    metrics=["training hours", "onboarding hours"],
    example=Example((96, 12), 8, "by hand: 96 / 12"),
)
def TRAINING_HOURS_PER_REP(hours, reps):
    """Average training hours per rep in the period (onboarding hours when only onboarding courses are summed)."""
    return divide(hours, reps, "reps")
