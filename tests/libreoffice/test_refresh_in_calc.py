"""A workbook a person saved in LibreOffice Calc, refreshed: their calculated column and rich text survive.

The person's workbook: a filled sales workbook to which they added a calculated column to the Deals table
(``=[@Amount]*2``, stored as ``Deals[[#This Row],[Amount]]*2``), a cell with bold red words inside plain
text, and a sheet summing their column; then they opened and saved it in Calc (headless here). Calc writes
the column's formula into every cell but not the table's ``calculatedColumnFormula``, and writes its own
styles, shared strings and attributes. ``kpi refresh`` with next month's deals must give every new row the
column's formula with its value (twice the row's Amount, from the data), keep the rich text run by run, and
store cached values that Calc itself computes when it recalculates the refreshed file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import TableFormula

from addin.libreoffice import calc as recalc
from workbook_templates import builder
from workbook_templates.fill import refresh, write

from .compare import FORBIDDEN, comparable, frames, same
from .test_bridge import soffice

RUNS = ["Checked ", "by Ann", " on Monday"]


def person_edits(path: Path) -> str:
    """A calculated column, rich text and a sheet of their own; returns the column's letter."""
    workbook = openpyxl.load_workbook(path, rich_text=True)
    ws = workbook["Deals"]
    table = ws.tables["Deals"]
    last = ws.max_row
    column = ws.max_column + 1
    letter = get_column_letter(column)
    ws.cell(1, column, "Double")
    for row in range(2, last + 1):
        ws.cell(row, column, "=Deals[[#This Row],[Amount]]*2")
    table.ref = table.autoFilter.ref = f"A1:{letter}{last}"
    table.tableColumns = []
    table._initialise_columns()
    table.tableColumns[-1].calculatedColumnFormula = TableFormula(attr_text="Deals[[#This Row],[Amount]]*2")
    bold_red = InlineFont(b=True, color="FFFF0000")
    workbook["KPIs"]["J2"] = CellRichText([RUNS[0], TextBlock(bold_red, RUNS[1]), RUNS[2]])
    mine = workbook.create_sheet("My analysis")
    mine["A1"], mine["B1"] = "Twice the amounts", "=SUM(Deals[Double])"
    workbook.save(path)
    return letter


@soffice
def test_a_calc_saved_workbook_keeps_its_calculated_column_and_rich_text(tmp_path: Path) -> None:
    deals = frames()["Deals"]
    filled = tmp_path / "sales.xlsx"
    write.fill_file(builder.template_path("sales"), {"Deals": deals.head(150)}, filled)
    letter = person_edits(filled)
    saved = recalc.recalculate(filled, tmp_path / "calc")  # opened and saved by LibreOffice
    assert "calculatedColumnFormula" not in _table_xml(saved)  # Calc does not write it: the cells carry it

    new_deals = deals.iloc[1000:1400]
    refresh.refresh(saved, {"Deals": new_deals})

    workbook = openpyxl.load_workbook(saved, rich_text=True)
    ws = workbook["Deals"]
    assert ws.tables["Deals"].ref == f"A1:{letter}{len(new_deals) + 1}"
    assert ws[f"{letter}1"].value == "Double"
    formulas = [ws[f"{letter}{row}"].value for row in range(2, len(new_deals) + 2)]
    assert set(formulas) == {"=Deals[[#This Row],[Amount]]*2"}
    values = openpyxl.load_workbook(saved, data_only=True)
    doubled = [values["Deals"][f"{letter}{row}"].value for row in range(2, len(new_deals) + 2)]
    assert doubled == pytest.approx([2 * amount for amount in new_deals["Amount"]])
    assert values["My analysis"]["B1"].value == pytest.approx(2 * new_deals["Amount"].sum())

    rich = workbook["KPIs"]["J2"].value
    assert isinstance(rich, CellRichText)
    assert [part if isinstance(part, str) else part.text for part in rich] == RUNS
    run = rich[1]
    assert isinstance(run, TextBlock) and run.font.b and run.font.color.rgb == "FFFF0000"

    cached = openpyxl.load_workbook(saved, data_only=True)
    cells = [
        (sheet.title, cell.coordinate)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    _, computed = recalc.session().recalculate_with_values(saved, tmp_path / "again")
    shown = [f"{s}!{c}: {v}" for s, vs in computed.items() for c, v in vs.items() if str(v).startswith(FORBIDDEN)]
    assert not shown, f"Calc shows errors: {shown[:10]}"
    differ = [
        f"{sheet}!{coordinate}: cached {cached[sheet][coordinate].value!r}, Calc {computed[sheet].get(coordinate)!r}"
        for sheet, coordinate in cells
        if not same(comparable(cached[sheet][coordinate].value), comparable(computed[sheet].get(coordinate)))
    ]
    assert not differ, f"{len(differ)} of {len(cells)} cells differ: {differ[:10]}"


def _table_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return "".join(package.read(n).decode() for n in package.namelist() if n.startswith("xl/tables/"))
