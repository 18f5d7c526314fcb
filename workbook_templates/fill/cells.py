"""Writing values into cells safely: the one helper every write of outside data goes through.

CRM text is untrusted. openpyxl turns any string starting with ``=`` into a formula, and Excel itself
treats text starting with ``+``, ``-``, ``@`` or a tab/CR as a formula when a person edits the cell, so
such text is stored as a string cell with Excel's quote prefix: it shows exactly as exported and never
runs.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
from openpyxl.cell.cell import Cell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def plain_value(value: Any) -> Any:
    """A pandas/numpy value as the plain Python value openpyxl writes; NaN/NaT/None become None."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp (NaT included)
        return None if value != value else value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def is_formula_like(text: str) -> bool:
    """True for text that Excel or openpyxl would read as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def write_value(cell: Cell, value: Any) -> None:
    """Write data (never a formula) into ``cell``; formula-like text lands as quoted text."""
    value = plain_value(value)
    cell.value = value
    if isinstance(value, str) and is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_formula(cell: Cell, formula: str) -> None:
    """Write one of the template's own formulas (never data)."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell.value = formula
