"""Presales (solutions engineers): deals won with presales, hours per deal, win rate and deal value lift."""

from __future__ import annotations

import numpy as np

from .calc import divide, flags, require_range
from .errors import NothingToCompute
from .registry import LEADING, Count, Example, Labels, Rows, metric
from .sales import deal_outcomes

_STATUSES = Labels("Status of each deal: Won, Lost or anything else for open deals (Closed Won works).")
_INVOLVED = Labels("Whether presales worked on each deal: TRUE/FALSE, Yes/No or 1/0; blank rows are skipped.")


def _involvement(presales_involved: list) -> np.ndarray:
    """1.0 where presales worked on the deal, 0.0 where not, NaN where blank; #N/A if all are blank."""
    involved = flags(presales_involved, "presales_involved")
    if np.isnan(involved).all():
        raise NothingToCompute("presales_involved is blank (the range is empty, blank, or filtered out)")
    return involved


def _group_mean(values: np.ndarray, count_name: str) -> float:
    """Mean of one group's values; an empty group is #DIV/0! naming what was counted."""
    return divide(float(values.sum()), values.size, count_name)


@metric(
    teams=["presales"],
    indicator=LEADING,
    unit="hours",
    seed="000",
    formula="hours / deals",
    args={
        "hours": Count("Hours presales spent on deals in the period (a number or the range of logged hours)."),
        "deals": Count("Deals presales worked on in the same period."),
    },
    metrics=["presales hours per deal"],
    example=Example((120, 8), 15, "by hand: 120 / 8"),
)
def PRESALES_HOURS_PER_DEAL(hours, deals):
    """Average hours presales (solutions engineers) spent on each deal they supported: hours / deals."""
    return divide(hours, deals, "deals")


@metric(
    teams=["presales"],
    indicator=LEADING,
    unit="count",
    seed="000",
    formula="count of rows that are Won and had presales",
    args={"statuses": _STATUSES, "presales_involved": _INVOLVED},
    metrics=["deals closed with presales support"],
    example=Example((["Won", "Won", "Won", "Won", "Lost"], ["Yes", "Yes", "Yes", "No", "Yes"]), 3, "by hand"),
)
def PRESALES_ASSISTED_WINS(statuses, presales_involved, *criteria):
    """Number of deals won with presales support, over the selected rows.

    ``=PRESALES_ASSISTED_WINS(Deals[Status], Deals[PresalesInvolved], Deals[CloseDate], ">="&DATE(2024,1,1))``.
    """
    outcomes, involved = deal_outcomes(statuses, "statuses"), _involvement(presales_involved)
    return float(((outcomes == 1) & (involved == 1)).sum())


@metric(
    teams=["presales"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="won deals with presales / won deals",
    args={"statuses": _STATUSES, "presales_involved": _INVOLVED},
    metrics=["deals closed with presales support"],
    example=Example((["Won", "Won", "Won", "Won", "Lost"], ["Yes", "Yes", "Yes", "No", "Yes"]), 0.75, "by hand: 3 / 4"),
)
def PRESALES_ASSISTED_WIN_SHARE(statuses, presales_involved, *criteria):
    """Share of the won deals that had presales support; won rows with a blank presales cell are skipped."""
    outcomes, involved = deal_outcomes(statuses, "statuses"), _involvement(presales_involved)
    won = (outcomes == 1) & ~np.isnan(involved)
    return divide(float((involved[won] == 1).sum()), int(won.sum()), "the number of won deals")


@metric(
    teams=["presales"],
    indicator=LEADING,
    unit="rate",
    seed="000",
    formula="win rate of deals with presales − win rate of deals without",
    args={"statuses": _STATUSES, "presales_involved": _INVOLVED},
    metrics=["win rate with vs without presales"],
    example=Example(
        (["Won", "Won", "Won", "Lost", "Won", "Lost", "Lost", "Lost"], ["Yes"] * 4 + ["No"] * 4),
        0.5,
        "by hand: 3/4 − 1/4",
    ),
)
def PRESALES_WIN_RATE_LIFT(statuses, presales_involved, *criteria):
    """Win rate of deals with presales minus win rate of deals without, in points of a fraction (0.1 is 10 points).

    Each win rate is won / (won + lost); open deals and rows with a blank presales cell are left out.
    """
    outcomes, involved = deal_outcomes(statuses, "statuses"), _involvement(presales_involved)
    decided = ~np.isnan(outcomes)
    with_presales = _group_mean(outcomes[decided & (involved == 1)], "the number of won and lost deals with presales")
    without = _group_mean(outcomes[decided & (involved == 0)], "the number of won and lost deals without presales")
    return with_presales - without


@metric(
    teams=["presales"],
    indicator=LEADING,
    unit="currency",
    seed="000",
    formula="mean won amount with presales − mean won amount without",
    args={
        "amounts": Rows("Amount of each deal."),
        "presales_involved": _INVOLVED,
        "statuses": _STATUSES,
    },
    metrics=["deal value with vs without presales"],
    example=Example(
        ([30000, 50000, 20000, 10000, 99999], ["Yes", "Yes", "No", "No", "Yes"], ["Won"] * 4 + ["Lost"]),
        25000,
        "by hand: (30,000 + 50,000) / 2 − (20,000 + 10,000) / 2",
    ),
)
def PRESALES_DEAL_VALUE_LIFT(amounts, presales_involved, statuses, *criteria):
    """Average won deal amount with presales support minus the average without it.

    Only won deals count; rows with a blank amount or presales cell are skipped.
    """
    involved, outcomes = _involvement(presales_involved), deal_outcomes(statuses, "statuses")
    require_range(amounts, 0, np.inf, "amounts")
    won = (outcomes == 1) & ~np.isnan(amounts)
    with_presales = _group_mean(amounts[won & (involved == 1)], "the number of won deals with presales")
    without = _group_mean(amounts[won & (involved == 0)], "the number of won deals without presales")
    return with_presales - without
