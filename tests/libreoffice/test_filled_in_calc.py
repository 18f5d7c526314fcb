"""Workbooks written by the batch fill compute in LibreOffice Calc to the values they were saved with.

``kpi fill`` stores every formula's value, computed by the Python functions, as its cached value. Here a
filled workbook is recalculated by headless Calc through the catalogue bridge, and every formula cell's
Calc value is compared with the cached value stored in the file (relative error at most 1e-9), so what a
viewer shows before any recalculation is what a spreadsheet computes. Four workbooks (it is slow): sales
(dates), support (date-times in hours, business hours), leadership (the MRR movements waterfall) and
customer success (the cohort matrices).

A spilled table is stored as Excel saves one: an array formula over the table with every cell's value.
Calc does not spill dynamic arrays but reads that array formula as a CSE array over the same cells and
computes each of them; every cell of the table is compared with its cached value.
"""

from __future__ import annotations

import openpyxl
import pytest

from addin.libreoffice import calc as recalc
from workbook_templates import builder, spec
from workbook_templates.fill import write
from workbook_templates.fill.spills import array_formula_cells

from .compare import FORBIDDEN, comparable, frames, same
from .test_bridge import soffice


@soffice
@pytest.mark.parametrize("team", ["sales", "support", "leadership", "customer_success"])
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
    for sheet, coordinate, formula in array_formula_cells(formulas):  # every cell of a spilled table
        block = formulas[sheet][formula.ref]
        cells += [(sheet, c.coordinate) for row in block for c in row if c.coordinate != coordinate]
    assert len(array_formula_cells(formulas)) == len(spec.load(team).table_sheets)
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
