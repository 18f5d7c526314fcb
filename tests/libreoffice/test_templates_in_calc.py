"""Every team template, filled with the sample data, computes in LibreOffice Calc to the Python values.

For each team the template is built, filled with the bundled sample data, saved, recalculated by headless
Calc through the catalogue bridge, and every formula cell's value is compared with what the Python
functions give on the same workbook (relative error at most 1e-9). No cell may show #NAME?, #VALUE!,
#REF! or a Calc ``Err:`` code.

Spilled tables (the MRR movements waterfall, the cohort matrices): Calc does not spill dynamic arrays, but it
computes an array (CSE) formula over a range. So each array formula is widened to the table Python computes
for it (as the batch fill stores it), the cells under it are left empty, and Calc must compute every cell of
the table itself; each of them is compared with Python's value like any other cell. What is not compared:
how Excel 365 sizes a spill on its own (the size here is Python's).
"""

from __future__ import annotations

import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from addin.libreoffice import calc as recalc
from workbook_templates import builder, spec
from workbook_templates.fill import write
from workbook_templates.fill.spills import array_formula_cells
from workbook_templates.formulas import WorkbookEvaluator

from .compare import FORBIDDEN, comparable, frames, same
from .test_bridge import soffice


@soffice
@pytest.mark.parametrize("team", spec.TEAM_ORDER)
def test_template_computes_in_calc_as_in_python(team, tmp_path):
    workbook = builder.build(team)
    write.fill(workbook, frames())
    path = tmp_path / f"{team}.xlsx"
    evaluator = WorkbookEvaluator(workbook)
    python_values = evaluator.all_formula_values()
    python_values.update(spilled_tables(workbook, evaluator))
    workbook.save(path)
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
        python, calc = comparable(value), comparable(calc_values[sheet].get(cell))
        if not same(python, calc):
            mismatches.append(f"{sheet}!{cell}: Python {python!r}, Calc {calc!r}")
    assert not mismatches, f"{team}: {len(mismatches)} of {len(python_values)} cells differ: {mismatches[:10]}"
    kpi_values = [v for (sheet, _), v in python_values.items() if sheet == "KPIs"]
    assert any(isinstance(v, float) for v in kpi_values)
    tables = len(spec.load(team).table_sheets)
    assert len([a for a in array_formula_cells(workbook) if ":" in a[2].ref]) == tables


def spilled_tables(workbook, evaluator: WorkbookEvaluator) -> dict[tuple[str, str], object]:
    """Widen each array formula to its table (a CSE array for Calc) with the cells under it left empty, and
    return Python's value of every cell of every table."""
    expected = {}
    for sheet, coordinate, formula in array_formula_cells(workbook):
        table = evaluator.spill(sheet, coordinate)
        assert table is not None, f"{sheet}!{coordinate}: {formula.text} gives no table"
        anchor = workbook[sheet][coordinate]
        last = f"{get_column_letter(anchor.column + len(table[0]) - 1)}{anchor.row + len(table) - 1}"
        anchor.value = ArrayFormula(f"{coordinate}:{last}", formula.text)
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                expected[sheet, f"{get_column_letter(anchor.column + c)}{anchor.row + r}"] = value
                assert workbook[sheet].cell(anchor.row + r, anchor.column + c).value in (None, anchor.value)
    return expected
