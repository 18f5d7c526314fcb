"""Checks between reading the data and writing any workbook: what Excel cannot hold, who cannot be told apart.

- :func:`check_limits`: a table with more rows than an Excel sheet holds below its header (1,048,575), or a
  text longer than a cell holds (32,767 characters), in any workbook of the fill. Excel would repair (cut)
  such a file; the fill stops before writing anything, naming the table, the workbook and the count.
- :func:`check_people`: names of people that differ only by case or spaces ("Alice Wong", "alice  wong").
  Excel's criteria compare text ignoring case, so a scorecard row would add up both people's rows; the fill
  stops and names both spellings and where they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from .. import data_model

MAX_DATA_ROWS = 1_048_575  # 1,048,576 rows in a sheet, one of them the table's header
MAX_CELL_TEXT = 32_767


class LimitError(ValueError):
    """The data does not fit in an Excel workbook; nothing was written."""


class PeopleError(ValueError):
    """Two spellings of what Excel would take for one person; nothing was written."""


def check_limits(workbooks: Iterable[tuple[Path, Mapping[str, pd.DataFrame]]], split: str | None = None) -> None:
    """Raise :class:`LimitError` for the first workbook with a table of more rows than a sheet holds."""
    for destination, frames in workbooks:
        for name, frame in frames.items():
            if len(frame) > MAX_DATA_ROWS:
                advice = (
                    "split it further or filter the export"
                    if split
                    else "split the workbooks (--split owner, team or region) or filter the export"
                )
                raise LimitError(
                    f"{name}: {len(frame):,} rows for {destination.name}, more than an Excel sheet holds below its "
                    f"header ({MAX_DATA_ROWS:,}); {advice}. Nothing was written."
                )


def check_text(data: Mapping[str, pd.DataFrame]) -> None:
    """Raise :class:`LimitError` for the first text longer than an Excel cell holds (checked once on the
    whole tables: a split does not change a text's length)."""
    for name, frame in data.items():
        table = data_model.TABLES.get(name)
        if table is None or not isinstance(frame, pd.DataFrame):  # a table kept on disk: checked as it was read
            continue
        for column in table.columns:
            if column.type not in ("text", "category") or column.name not in frame:
                continue
            series = frame[column.name]
            if not (series.dtype == object or pd.api.types.is_string_dtype(series)):
                continue
            lengths = series.astype("string").str.len()
            too_long = (lengths > MAX_CELL_TEXT).fillna(False)
            if too_long.any():
                first = int(too_long.to_numpy().nonzero()[0][0])
                raise LimitError(
                    f"{name}[{column.name}]: {int(too_long.sum()):,} text(s) longer than an Excel cell holds "
                    f"({MAX_CELL_TEXT:,} characters; data row {first + 1} of {name} has "
                    f"{int(lengths.iloc[first]):,}). Shorten them in the export. Nothing was written."
                )


def _person_key(name: str) -> str:
    return "".join(name.split()).casefold()


def check_people(data: Mapping[str, pd.DataFrame]) -> None:
    """Raise :class:`PeopleError` when two names of people differ only by case or spaces, in Reps or in any
    table's person column (Deals[Owner], Tickets[Agent], ...)."""
    seen: dict[str, tuple[str, str]] = {}  # key -> (spelling, where)
    for name, frame in data.items():
        table = data_model.TABLES.get(name)
        if table is None or table.split is None or not table.split.person or table.split.person not in frame:
            continue
        column = table.split.person
        values = frame[column]
        if table.split.scope and table.split.scope in frame:
            values = values[frame[table.split.scope] == "Rep"]
        for spelling in values.dropna().astype(str).unique():
            key = _person_key(spelling)
            known = seen.get(key)
            if known is None:
                seen[key] = (spelling, f"{name}[{column}]")
            elif known[0] != spelling:
                raise PeopleError(
                    f"{known[0]!r} ({known[1]}) and {spelling!r} ({name}[{column}]) differ only by case or spaces: "
                    "Excel's criteria cannot tell them apart, so their rows would be added up. Make them one "
                    "spelling if they are one person, or clearly different names. Nothing was written."
                )


__all__ = ["MAX_CELL_TEXT", "MAX_DATA_ROWS", "LimitError", "PeopleError", "check_limits", "check_people", "check_text"]
