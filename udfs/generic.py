"""Generic building blocks that make every metric of METRICS.md reachable from a cell.

Rates and growth of two figures, averages per rep, counts and sums of the rows dated in a period, mean days
between two dates or up to a date, means of a column, shares of yes/no flags, the cadence of a series of
dates, distinct counts, weighted means and a volume-by-label table. The team modules hold the dedicated
functions; these serve the rest (new leads per period, MQLs, reps coached, issue volume by type, ...).

Periods are whole days: ``start`` and ``end`` are days and both are included, so a date-time on the end day
counts. Count and sum functions return 0 when rows are selected but none falls in the period; when no row
is left at all (empty range, all blank, or filtered out by the criteria) they are ``#N/A`` like every other
row function.
"""

from __future__ import annotations

import datetime as dt
import math
from numbers import Real
from typing import Any

import numpy as np

from .calc import average_span, divide, mean, mean_duration, present, share, whole_seconds
from .calc import flags as read_flags
from .coerce import is_blank, raise_if_error, serial_from_datetime
from .errors import InvalidValue, NothingToCompute, OutOfDomain
from .registry import LAGGING, LEADING, TEAMS, Amount, Count, Date, Dates, Example, Labels, Money, Rows, metric

ALL_TEAMS = tuple(TEAMS)


def day_span(start: float, end: float) -> tuple[float, float]:
    """Serials ``[low, high)`` of the days from ``start`` to ``end``, both whole days included.

    ``end`` before ``start`` is ``#NUM!``.
    """
    low, high = math.floor(start), math.floor(end) + 1.0
    if high <= low:
        raise OutOfDomain("end is before start; the period runs from start to end")
    return float(low), high


def label_of(cell: Any, name: str) -> Any:
    """A label cell as text or a number (None for a blank): TRUE/FALSE as text, dates as Excel serials.

    An error value propagates; a nested range or another object is ``#VALUE!``.
    """
    if is_blank(cell):
        return None
    if isinstance(cell, str):
        raise_if_error(cell, name)
        return cell
    if isinstance(cell, bool | np.bool_):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, Real):
        number = float(cell)
        if not math.isfinite(number):
            raise OutOfDomain(f"{name} holds an infinite number")
        return number
    if isinstance(cell, dt.date):
        return serial_from_datetime(cell)
    if isinstance(cell, np.datetime64):
        moment = cell.astype("datetime64[us]").item()
        if isinstance(moment, dt.datetime):
            return serial_from_datetime(moment)
        raise OutOfDomain(f"{name} holds a date outside Excel's dates")
    raise InvalidValue(f"{name} holds a {type(cell).__name__}; labels are text, numbers or dates")


def _label_key(label: Any) -> Any:
    """Labels that COUNTIFS treats as equal share a key: text case-insensitively, numbers by value."""
    return ("text", label.casefold()) if isinstance(label, str) else ("number", label)


def _volume_order(row: list[Any]) -> tuple[Any, ...]:
    """Sort key of a ``[label, count]`` row: count descending, then numbers before text, each ascending."""
    label, count = row
    if isinstance(label, str):
        return (-count, 1, 0.0, label.casefold())
    return (-count, 0, label, "")


def _labels_present(cells: list[Any], name: str) -> list[Any]:
    labels = [label for label in (label_of(cell, name) for cell in cells) if label is not None]
    if not labels:
        raise NothingToCompute(f"no {name} to count (the range is empty, blank, or filtered out)")
    return labels


# ------------------------------------------------------------------------------------------- two figures


@metric(
    teams=ALL_TEAMS,
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="part / whole (part ≤ whole)",
    args={
        "part": Count("How many have the property (converted, attended, passed, used); a number or a range, summed."),
        "whole": Count("How many could have it (leads, invitees, enrolments, pieces of content); part is a subset."),
    },
    metrics=[
        "MQL→SQL conversion",
        "qualified opportunity rate",
        "course completion %",
        "course pass %",
        "content used / available",
        "% managers who coach",
        "% of customers with a joint success plan",
        "employee referrals",
    ],
    example=Example((30, 120), 0.25, "by hand: 30 / 120"),
)
def SHARE_OF(part, whole):
    """Share of a whole that has some property: part / whole, a fraction from 0 to 1.

    The part is a subset of the whole, so a part above the whole is #NUM! (swapped arguments or counts from
    different periods). For ratios that may pass 1 (touches per lead, hours per rep) use PER_REP. (Not named
    RATE: Excel and Calc have a built-in RATE, the annuity interest rate, which would shadow it.)
    """
    return share(part, whole, "part", "whole")


@metric(
    teams=["marketing", "sales", "inside_sales", "customer_success", "leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    formula="(current − prior) / prior",
    args={
        "current": Amount("Figure of this period (followers, traffic, leads, revenue); may be negative."),
        "prior": Money("The same figure for the period compared with; zero is #DIV/0!, negative is #NUM!."),
    },
    metrics=["followers", "site traffic from social", "total sales volume", "lead velocity rate"],
    example=Example((1150, 1000), 0.15, "by hand: (1,150 − 1,000) / 1,000"),
)
def GROWTH_RATE(current, prior):
    """Growth of a figure from one period to the next: (current − prior) / prior; negative is a decline."""
    return divide(current - prior, prior, "prior")


@metric(
    teams=["sales", "inside_sales", "enablement", "presales", "customer_success", "support", "leadership"],
    indicator=LEADING,
    unit="count",
    seed="000",
    formula="total / reps",
    args={
        "total": Amount("Total over the period (calls, meetings, hours, opportunities, revenue)."),
        "reps": Count("Reps (or any unit: deals, customers, managers) it is shared by; FTEs may be fractional."),
    },
    metrics=[
        "calls",
        "emails",
        "meetings set",
        "cadences completed per rep per period",
        "new opportunities per rep per quarter",
        "referrals per rep per quarter",
        "coaching hours per rep",
        "onboarding hours",
        "presales hours per deal",
    ],
    example=Example((450, 9), 50, "by hand: 450 / 9"),
)
def PER_REP(total, reps):
    """Average per rep, or per any unit (per deal, per customer, per manager): total / reps."""
    return divide(total, reps, "reps")


# -------------------------------------------------------------------------------------------- periods


@metric(
    teams=ALL_TEAMS,
    indicator=LEADING,
    unit="count",
    seed="000",
    formula="count of rows with start ≤ date ≤ end (whole days)",
    args={
        "dates": Dates("Date of each row (lead created, MQL date, review date, ticket created)."),
        "start": Date("First day of the period."),
        "end": Date("Last day of the period, included through the whole day."),
    },
    metrics=[
        "new leads per period",
        "MQLs",
        "SQL count",
        "SQLs handed to AEs",
        "activity volume",
        "collateral created",
        "processes reviewed",
        "new reps onboarded",
        "deals closed with presales support",
    ],
    example=Example(
        (["2024-02-29", "2024-03-01", "2024-03-31T18:00", "2024-04-01"], "2024-03-01", "2024-03-31"),
        2,
        "by hand: 1 Mar and 31 Mar 18:00 are in March",
    ),
)
def COUNT_IN_PERIOD(dates, start, end, *criteria):
    """Number of selected rows dated from the start day to the end day, both included (COUNTIFS on a period).

    A date-time on the end day counts. Blank dates are skipped; selected rows none of which falls in the period
    give 0. ``=COUNT_IN_PERIOD(Leads[MQLDate], A1, B1, Leads[Source], "Webinar")`` counts webinar MQLs.
    """
    low, high = day_span(start, end)
    dated = present(dates, "dates")
    return float(np.count_nonzero((dated >= low) & (dated < high)))


@metric(
    teams=ALL_TEAMS,
    indicator=LEADING,
    unit="count",
    seed="000",
    formula="Σ values over rows with start ≤ date ≤ end (whole days)",
    args={
        "values": Rows("Value of each row to add up (engagements, hours, times shared, amounts)."),
        "dates": Dates("Date of each row, paired with values."),
        "start": Date("First day of the period."),
        "end": Date("Last day of the period, included through the whole day."),
    },
    metrics=[
        "followers",
        "engagements",
        "messages generated",
        "site traffic from social",
        "content shared",
        "time saved",
        "training hours",
        "onboarding hours",
    ],
    example=Example(
        ([100, 250, 40, 7], ["2024-02-29", "2024-03-01", "2024-03-31T18:00", "2024-04-01"], "2024-03-01", "2024-03-31"),
        290,
        "by hand: 250 + 40",
    ),
)
def SUM_IN_PERIOD(values, dates, start, end, *criteria):
    """Sum of the selected rows' values dated from the start day to the end day, both included (SUMIFS on a period).

    Rows missing the value or the date are skipped; selected rows none of which falls in the period give 0.
    """
    low, high = day_span(start, end)
    both = ~(np.isnan(values) | np.isnan(dates))
    if not both.any():
        raise NothingToCompute("no row has both a value and a date (the ranges are empty, blank, or filtered out)")
    dated = dates[both]
    return float(values[both][(dated >= low) & (dated < high)].sum())


# ------------------------------------------------------------------------------------------- durations


@metric(
    teams=["sales", "enablement", "customer_success", "support", "leadership"],
    indicator=LEADING,
    unit="days",
    seed="000",
    formula="mean(end_dates − start_dates) over rows with both dates",
    args={
        "start_dates": Dates("Date each span starts (hire, kick-off, created)."),
        "end_dates": Dates("Date each span ends, paired with start_dates; blank while it has not ended."),
    },
    metrics=[
        "onboarding duration per cohort",
        "ramp time",
        "time to productivity",
        "time to first QBR",
        "time to value",
        "sales cycle length",
    ],
    example=Example(
        (["2024-01-01", "2024-01-10", "2024-02-01"], ["2024-01-31", "2024-02-19", None]),
        35,
        "by hand: (30 + 40) / 2; the third row has not ended",
    ),
)
def AVG_DAYS_BETWEEN(start_dates, end_dates, *criteria):
    """Average days from each row's start date to its end date; rows missing either date are skipped.

    An end before its start is #NUM! naming the row.
    """
    return average_span(start_dates, end_dates, "the spans", "end_dates")


@metric(
    teams=["enablement", "sales", "support", "customer_success"],
    indicator=LEADING,
    unit="days",
    seed="000",
    formula="mean(as_of − dates)",
    args={
        "dates": Dates("Date each item was created or last changed; blank rows are skipped."),
        "as_of": Date("Day the ages are measured at, usually =TODAY()."),
    },
    metrics=["average content age", "pipeline stall time"],
    example=Example((["2024-03-01", "2024-03-21"], "2024-03-31"), 20, "by hand: (30 + 10) / 2"),
)
def AVG_AGE(dates, as_of, *criteria):
    """Average age in days of the selected items at the as_of date: mean of as_of − date.

    A date after as_of is #NUM!: select the items that existed then with a criteria pair on the date.
    """
    dated = present(dates, "dates")
    late = np.flatnonzero(dates > as_of)
    if late.size:
        raise OutOfDomain(f"dates holds a date after as_of in row {late[0] + 1} of the selected rows")
    return mean_duration(whole_seconds(as_of - dated), "days")


@metric(
    teams=["enablement", "customer_success"],
    indicator=LEADING,
    unit="days",
    seed="000",
    formula="mean days between consecutive dates = (latest − earliest) / (dates − 1)",
    args={"dates": Dates("Date of each event (review, meeting, release); any order, blanks skipped.")},
    metrics=["review cadence"],
    example=Example((["2024-01-01", "2024-03-01", "2024-01-31"],), 30, "by hand: gaps of 30 and 30 days"),
)
def AVG_INTERVAL(dates, *criteria):
    """Average days between consecutive dates of a series (how often something happens), in date order.

    Needs at least two dates; fewer is #N/A.
    """
    dated = present(dates, "dates")
    if dated.size < 2:
        raise NothingToCompute("dates needs at least two dates to measure an interval")
    return mean_duration(whole_seconds(dated.max() - dated.min()), "days", count=dated.size - 1)


# ----------------------------------------------------------------------------------------- columns


@metric(
    teams=["marketing", "enablement", "presales", "support", "customer_success", "sales"],
    indicator=LEADING,
    unit="score",
    seed="000",
    formula="mean(values) over non-blank rows",
    args={"values": Rows("Values to average (dwell time, search rank, survey score, hours); blanks skipped.")},
    metrics=["dwell time", "search rank", "team morale survey score", "presales hours per deal"],
    example=Example(([4, None, 8, 6],), 6, "by hand: (4 + 8 + 6) / 3"),
)
def AVERAGE_VALUE(values, *criteria):
    """Mean of the selected non-blank values, as AVERAGEIFS does (blank cells are skipped, not zeros)."""
    return mean(values, "values")


@metric(
    teams=["marketing", "leadership"],
    indicator=LEADING,
    unit="score",
    seed="000",
    formula="Σ(values × weights) / Σ weights over rows with both",
    args={
        "values": Rows("Values to average (monthly dwell time, search rank)."),
        "weights": Rows("Weight of each row, paired with values (sessions, impressions); not negative."),
    },
    metrics=["dwell time", "search rank"],
    example=Example(([60, 90], [1000, 3000]), 82.5, "by hand: (60 × 1,000 + 90 × 3,000) / 4,000"),
)
def WEIGHTED_AVERAGE(values, weights, *criteria):
    """Mean of the values weighted by the paired weights: Σ(value × weight) / Σ weight (dwell time by sessions).

    Rows missing either cell are skipped; a negative weight is #NUM!, weights adding up to zero #DIV/0!.
    """
    both = ~(np.isnan(values) | np.isnan(weights))
    if not both.any():
        raise NothingToCompute("no row has both a value and a weight (the ranges are empty, blank, or filtered out)")
    kept = weights[both]
    if kept.min() < 0:
        raise OutOfDomain(f"weights holds {kept.min():g}; a weight cannot be negative")
    return divide(float((values[both] * kept).sum()), float(kept.sum()), "the sum of weights")


@metric(
    teams=["enablement", "customer_success", "support", "sales", "presales", "marketing"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="TRUE rows / non-blank rows",
    args={"flags": Labels("Yes/no cell of each row: TRUE/FALSE, Yes/No or 1/0; blank rows are skipped.")},
    metrics=[
        "session attendance",
        "course completion %",
        "course pass %",
        "content used / available",
        "% of customers with a joint success plan",
        "collateral usage rate",
        "employee referrals",
    ],
    example=Example(([True, False, True, None, True],), 0.75, "by hand: 3 TRUE of 4 answered"),
)
def SHARE_TRUE(flags, *criteria):
    """Share of the selected non-blank rows whose yes/no flag is TRUE (attended, used, has a success plan).

    ``=SHARE_TRUE(Customers[SuccessPlan], Customers[Segment], "SMB")``. Text other than yes/no is #VALUE!.
    """
    return float(present(read_flags(flags, "flags"), "flags").mean())


@metric(
    teams=["enablement", "customer_success", "sales", "support"],
    indicator=LEADING,
    unit="count",
    seed="000",
    formula="number of distinct non-blank labels (text case-insensitive)",
    args={"labels": Labels("Name or id in each row (rep coached, coaching manager, customer met).")},
    metrics=["reps coached", "% managers who coach", "new reps onboarded"],
    example=Example((["Alice", "Bob", "alice", None, "Carol"],), 3, "by hand: Alice, Bob, Carol"),
)
def DISTINCT_COUNT(labels, *criteria):
    """Number of distinct non-blank values in the selected rows (reps coached in a period, not sessions).

    Text is compared case-insensitively, as COUNTIFS does.
    """
    return float(len({_label_key(label) for label in _labels_present(labels, "labels")}))


@metric(
    teams=["support", "marketing", "sales", "inside_sales"],
    indicator=LEADING,
    unit="table",
    seed="000",
    formula="rows [label, count], by count descending then label",
    args={"labels": Labels("Category of each row (ticket type, product, lead source); blank rows are skipped.")},
    metrics=[
        "issue volume by type",
        "issue volume by product/feature",
        "bug vs how-to",
        "lead flow vs monthly target by source",
    ],
    example=Example(
        (["Bug", "How-to", "bug", None, "Billing", "How-to", "Bug"],),
        [["Bug", 3], ["How-to", 2], ["Billing", 1]],
        "by hand: Bug 3 (case-insensitive), How-to 2, Billing 1",
    ),
    returns_table=True,
)
def VOLUME_BY(labels, *criteria):
    """Table of how many selected rows carry each label, largest first: two columns, label and count, that spill.

    Text is grouped case-insensitively and shown as first written; ties are ordered by label. Blank rows are
    skipped. ``=VOLUME_BY(Tickets[Type], Tickets[Created], ">="&A1)``.
    """
    counts: dict[Any, list[Any]] = {}
    for label in _labels_present(labels, "labels"):
        row = counts.setdefault(_label_key(label), [label, 0])
        row[1] += 1
    ordered = sorted(counts.values(), key=_volume_order)
    return [[label, float(count)] for label, count in ordered]
