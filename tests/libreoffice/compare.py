"""Comparing what Python computes for a workbook with what LibreOffice Calc computes for it."""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from typing import Any

from addin.libreoffice import calc
from udfs.coerce import serial_from_datetime
from workbook_templates import sample_data
from workbook_templates.formulas import ExcelError

#: What no cell of a template may show in Calc.
FORBIDDEN = ("#NAME?", "#VALUE!", "#REF!", "Err:")


@cache
def frames() -> dict[str, Any]:
    """The bundled sample data, generated once per test session."""
    return sample_data.generate()


def comparable(value: Any) -> Any:
    """Python and Calc values in one form: numbers as floats, dates as serials, errors as their code."""
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, calc.CellError):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return serial_from_datetime(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return "" if value is None else value


def same(python: Any, calc_value: Any) -> bool:
    """Equal, numbers within a relative error of 1e-9."""
    if isinstance(python, float) and isinstance(calc_value, float):
        return math.isclose(python, calc_value, rel_tol=1e-9, abs_tol=1e-9)
    return python == calc_value
