"""Every team template, filled with the sample data, computes in LibreOffice Calc to the Python values.

For each team the template is built, filled with the bundled sample data, saved, recalculated by headless
Calc through the catalogue bridge, and every formula cell's value is compared with what the Python
functions give on the same workbook (relative error at most 1e-9). No cell may show #NAME?, #VALUE!,
#REF! or a Calc ``Err:`` code.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from typing import Any

import pytest

from addin.libreoffice import calc as recalc
from workbook_templates import builder, fill, sample_data, spec
from workbook_templates.formulas import ExcelError, WorkbookEvaluator

from .test_bridge import soffice

FORBIDDEN = ("#NAME?", "#VALUE!", "#REF!", "Err:")


@cache
def frames():
    return sample_data.generate()


def as_comparable(value: Any) -> Any:
    """Python and Calc values in one form: numbers as floats, dates as serials, errors as their code."""
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, recalc.CellError):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        from udfs.coerce import serial_from_datetime

        return serial_from_datetime(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return "" if value is None else value


def same(python: Any, calc: Any) -> bool:
    if isinstance(python, float) and isinstance(calc, float):
        return math.isclose(python, calc, rel_tol=1e-9, abs_tol=1e-9)
    return python == calc


@soffice
@pytest.mark.parametrize("team", spec.TEAM_ORDER)
def test_template_computes_in_calc_as_in_python(team, tmp_path):
    workbook = builder.build(team)
    fill.fill(workbook, frames())
    path = tmp_path / f"{team}.xlsx"
    workbook.save(path)

    python_values = WorkbookEvaluator(workbook).all_formula_values()
    _, calc_values = recalc.session().recalculate_with_values(path, tmp_path / "calc")

    shown = [
        f"{sheet}!{cell}: {value}"
        for sheet, cells in calc_values.items()
        for cell, value in cells.items()
        if isinstance(value, str) and value.startswith(FORBIDDEN)
    ]
    assert not shown, f"{team}: cells show errors in Calc: {shown[:10]}"

    mismatches = []
    for (sheet, cell), value in python_values.items():
        python, calc = as_comparable(value), as_comparable(calc_values[sheet].get(cell))
        if not same(python, calc):
            mismatches.append(f"{sheet}!{cell}: Python {python!r}, Calc {calc!r}")
    assert not mismatches, f"{team}: {len(mismatches)} of {len(python_values)} cells differ: {mismatches[:10]}"
    kpi_values = [v for (sheet, _), v in python_values.items() if sheet == "KPIs"]
    assert any(isinstance(v, float) for v in kpi_values)
