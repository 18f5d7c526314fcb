"""Every team template, filled with the sample data, computes in LibreOffice Calc to the Python values.

For each team the template is built, filled with the bundled sample data, saved, recalculated by headless
Calc through the catalogue bridge, and every formula cell's value is compared with what the Python
functions give on the same workbook (relative error at most 1e-9). No cell may show #NAME?, #VALUE!,
#REF! or a Calc ``Err:`` code.
"""

from __future__ import annotations

import pytest

from addin.libreoffice import calc as recalc
from workbook_templates import builder, spec
from workbook_templates.fill import write
from workbook_templates.formulas import WorkbookEvaluator

from .compare import FORBIDDEN, comparable, frames, same
from .test_bridge import soffice


@soffice
@pytest.mark.parametrize("team", spec.TEAM_ORDER)
def test_template_computes_in_calc_as_in_python(team, tmp_path):
    workbook = builder.build(team)
    write.fill(workbook, frames())
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
        python, calc = comparable(value), comparable(calc_values[sheet].get(cell))
        if not same(python, calc):
            mismatches.append(f"{sheet}!{cell}: Python {python!r}, Calc {calc!r}")
    assert not mismatches, f"{team}: {len(mismatches)} of {len(python_values)} cells differ: {mismatches[:10]}"
    kpi_values = [v for (sheet, _), v in python_values.items() if sheet == "KPIs"]
    assert any(isinstance(v, float) for v in kpi_values)
