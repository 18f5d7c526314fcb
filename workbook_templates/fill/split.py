"""Splitting a team's data into one workbook per owner, team or region (``--split``).

Each split workbook holds only that value's rows of the tables that have the split's column
(:data:`SPLIT_COLUMNS`); the tables keyed by customer follow the customers kept, other tables are copied whole.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from ..spec import TeamSpec
from .spill import SpilledTable
from .write import scorecard_people

SPLITS = ("owner", "team", "region")

#: For each split, the column of each table that holds the split's value; other tables are kept whole
#: (those keyed by Customer follow the Customers kept, see CUSTOMER_TABLES).
SPLIT_COLUMNS: dict[str, dict[str, str]] = {
    "owner": {
        "Reps": "Rep",
        "Deals": "Owner",
        "Leads": "Owner",
        "Activities": "Owner",
        "Targets": "Owner",
        "Forecasts": "Owner",
        "Customers": "CSM",
        "Subscriptions": "CSM",
        "Tickets": "Agent",
        "Training": "Rep",
        "Coaching": "Rep",
        "Surveys": "Rep",
    },
    "team": {"Reps": "Team", "Deals": "Team", "Activities": "Team"},
    "region": {"Reps": "Region", "Leads": "Region", "Deals": "Region", "Customers": "Region"},
}
CUSTOMER_TABLES = ("Subscriptions", "Tickets", "NpsResponses")


def split_values(spec: TeamSpec, data: Mapping[str, pd.DataFrame], split: str, period_start: dt.date) -> list[str]:
    """The values a team's workbooks are split by: for ``owner``, the scorecard's people when the team has
    a scorecard; otherwise the distinct values of the split column in the team's first table that has it."""
    if split not in SPLIT_COLUMNS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    if split == "owner" and spec.scorecard is not None and spec.scorecard.table in data:
        return scorecard_people(spec, data, period_start)
    for table in spec.tables:
        column = SPLIT_COLUMNS[split].get(table)
        if column and table in data:
            return sorted(str(v) for v in data[table][column].dropna().unique())
    raise ValueError(f"the {spec.team} workbook has no table with a column to split by {split}")


def split_data(
    data: Mapping[str, pd.DataFrame], split: str, values: Sequence[str], spill_dir: Path | None = None
) -> dict[str, dict[str, pd.DataFrame]]:
    """``{value: {table: rows of that value}}``, each table grouped once. A table kept on disk
    (:class:`.spill.SpilledTable`) is streamed into one partition per value under ``spill_dir``."""
    columns = SPLIT_COLUMNS[split]
    result: dict[str, dict[str, pd.DataFrame]] = {value: {} for value in values}
    for table, frame in data.items():
        column = columns.get(table)
        if column is None or column not in frame:
            continue
        if isinstance(frame, SpilledTable):
            folder = (spill_dir or frame.path.parent) / f"{table}-by-{column}-{uuid.uuid4().hex[:8]}"
            for value, part in frame.partition(column, values, folder).items():
                result[value][table] = part
            continue
        groups = {str(key): group for key, group in frame.groupby(frame[column].astype(str), sort=False)}
        for value in values:
            result[value][table] = groups.get(value, frame.iloc[0:0])
    for value in values:
        own = result[value]
        customers = own.get("Customers")
        for table, frame in data.items():
            if table in own:
                continue
            if table in CUSTOMER_TABLES and customers is not None and "Customer" in frame:
                whole = frame.to_pandas() if isinstance(frame, SpilledTable) else frame
                own[table] = whole[whole["Customer"].isin(customers["Customer"])]
            else:
                own[table] = frame
    return result


__all__ = ["CUSTOMER_TABLES", "SPLITS", "SPLIT_COLUMNS", "split_data", "split_values"]
