"""Workbooks written by the batch fill compute in LibreOffice Calc to the values they were saved with.

``kpi fill`` stores every formula's value, computed by the Python functions, as its cached value. Here a
filled workbook is recalculated by headless Calc through the catalogue bridge, and every formula cell's
Calc value is compared with the cached value stored in the file (relative error at most 1e-9), so what a
viewer shows before any recalculation is what a spreadsheet computes. Two workbooks (it is slow): sales
(dates) and support (date-times in hours).
"""

from __future__ import annotations

import openpyxl
import pytest

from addin.libreoffice import calc as recalc
from workbook_templates import builder
from workbook_templates.fill import write

from .compare import FORBIDDEN, comparable, frames, same
from .test_bridge import soffice


@soffice
@pytest.mark.parametrize("team", ["sales", "support"])
def test_cached_values_are_what_calc_computes(team: str, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / f"{team}.xlsx"
    write.fill_file(builder.template_path(team), frames(), path)
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
