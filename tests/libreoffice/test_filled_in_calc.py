"""Workbooks written by the batch fill compute in LibreOffice Calc to the values they were saved with.

``kpi fill`` stores every formula's value, computed by the Python functions, as its cached value. Here a
filled workbook is recalculated by headless Calc through the catalogue bridge, and every formula cell's
Calc value is compared with the cached value stored in the file (relative error at most 1e-9), so what a
viewer shows before any recalculation is what a spreadsheet computes. Two workbooks (it is slow): sales
(dates) and support (date-times in hours).
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import openpyxl
import pytest

from udfs.coerce import serial_from_datetime
from workbook_templates import builder, fill, sample_data
from workbook_templates.formulas import ExcelError

try:  # the helper moves to the add-in package; import it from wherever it is
    from addin.libreoffice import calc as recalc
except ImportError:  # pragma: no cover - older layout
    from . import recalc  # type: ignore[no-redef]

from .test_bridge import soffice

FORBIDDEN = ("#NAME?", "#VALUE!", "#REF!", "Err:")


@cache
def frames() -> dict[str, Any]:
    return sample_data.generate()


def comparable(value: Any) -> Any:
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, recalc.CellError):
        return str(value)
    if hasattr(value, "year"):  # a date or datetime read through a date format
        return serial_from_datetime(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return "" if value is None else value


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


@soffice
@pytest.mark.parametrize("team", ["sales", "support"])
def test_cached_values_are_what_calc_computes(team: str, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / f"{team}.xlsx"
    fill.fill_file(builder.template_path(team), frames(), path)
    cached_book = openpyxl.load_workbook(path, data_only=True)
    formulas = openpyxl.load_workbook(path)
    cells = [
        (ws.title, cell.coordinate)
        for ws in formulas.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert cells
    _, calc = recalc.session().recalculate_with_values(path, tmp_path / "calc")

    shown = [f"{s}!{c}: {v}" for s, values in calc.items() for c, v in values.items() if str(v).startswith(FORBIDDEN)]
    assert not shown, f"{team}: Calc shows errors: {shown[:10]}"
    differ = []
    for sheet, coordinate in cells:
        cached = comparable(cached_book[sheet][coordinate].value)
        computed = comparable(calc[sheet].get(coordinate))
        if not same(cached, computed):
            differ.append(f"{sheet}!{coordinate}: cached {cached!r}, Calc {computed!r}")
    assert not differ, f"{team}: {len(differ)} of {len(cells)} cells differ: {differ[:10]}"
    kpi_values = [comparable(cached_book["KPIs"].cell(r, 3).value) for r in range(builder.FIRST_ROW, 12)]
    assert all(isinstance(v, float) for v in kpi_values)
