"""Table results that spill: the MRR movements waterfall and the cohort matrices, stored whole.

A template holds such a formula as a dynamic array (an array formula over its anchor cell, marked ``cm="1"``
with the ``xl/metadata.xml`` part, see :mod:`.cached_values`). Excel 365 spills it when it recalculates; a
viewer, pandas or Excel before recalculation only shows what the file stores. So the fill stores the whole
table, as Excel itself saves a spilled formula:

- the anchor's array formula covers the table (``<f t="array" ref="A4:H29">``), its cached value the
  table's top-left cell;
- every other cell of the table holds its value as a plain cell.

LibreOffice, which does not spill, reads the same cells as an array (CSE) formula over the table and
computes every cell of it. A table that would cover a filled cell is ``#SPILL!``, as in Excel, and nothing is
written over that cell.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from ..formulas import ExcelError, WorkbookEvaluator
from .cells import write_value


def array_formula_cells(workbook: Workbook) -> list[tuple[str, str, ArrayFormula]]:
    """``(sheet, coordinate, formula)`` of every array formula in the workbook."""
    found = []
    for ws in workbook.worksheets:
        for key in sorted(ws._cells):  # _cells: iter_rows() would add blank cells to the sheet
            cell = ws._cells[key]
            if isinstance(cell.value, ArrayFormula):
                found.append((ws.title, cell.coordinate, cell.value))
    return found


def spill_arrays(
    workbook: Workbook, evaluator: WorkbookEvaluator, values: MutableMapping[str, MutableMapping[str, Any]]
) -> int:
    """Spread every array formula's table over the cells it covers; returns the number of cells written.

    ``values`` (sheet -> coordinate -> value, as the fill's cached values) gets ``#SPILL!`` for a table that
    would cover a filled cell. Charts on the sheet whose series start at the anchor's row are narrowed to the
    table's rows, so a chart of the waterfall shows its months and no empty ones; so is the sheet's print area.
    """
    written = 0
    for sheet, coordinate, formula in array_formula_cells(workbook):
        ws = workbook[sheet]
        anchor = ws[coordinate]
        _clear_previous(ws, anchor, formula.ref)
        table = evaluator.spill(sheet, coordinate)
        if table is None:
            anchor.value = ArrayFormula(coordinate, formula.text)
            continue
        height, width = len(table), max(len(row) for row in table)
        row0, col0 = anchor.row, anchor.column
        blocked = [
            ws._cells[r, c].coordinate
            for r in range(row0, row0 + height)
            for c in range(col0, col0 + width)
            if (r, c) != (row0, col0) and (r, c) in ws._cells and ws._cells[r, c].value not in (None, "")
        ]
        if blocked:
            values.setdefault(sheet, {})[coordinate] = ExcelError("#SPILL!", f"{blocked[0]} is not empty")
            anchor.value = ArrayFormula(coordinate, formula.text)
            continue
        last = f"{get_column_letter(col0 + width - 1)}{row0 + height - 1}"
        anchor.value = ArrayFormula(f"{coordinate}:{last}", formula.text)
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                if r or c:
                    write_value(ws.cell(row=row0 + r, column=col0 + c), None if value == "" else value)
                    written += 1
        _fit_charts(ws, row0, height)
        if ws.print_area:  # a table sheet prints the table's real rows and columns, not the room left for it
            from ..builder import set_table_sheet_print_area

            set_table_sheet_print_area(ws, row0 + height - 1, col0 + width - 1)
    return written


def _clear_previous(ws: Any, anchor: Any, ref: str | None) -> None:
    """Empty the cells an earlier fill spilled into (a workbook filled before and refreshed now)."""
    if not ref or ":" not in ref:
        return
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    for key in [(r, c) for (r, c) in ws._cells if min_row <= r <= max_row and min_col <= c <= max_col]:
        if key != (anchor.row, anchor.column):
            ws._cells[key].value = None


def _fit_charts(ws: Any, header_row: int, height: int) -> None:
    """Charts whose data starts at the table's header row cover the table's rows exactly."""
    last = header_row + height - 1
    for chart in ws._charts:
        for series in chart.series:
            for ref in (series.val and series.val.numRef, series.cat and (series.cat.numRef or series.cat.strRef)):
                if ref is not None and ref.f:
                    ref.f = _rows_narrowed(ref.f, header_row, last)


def _rows_narrowed(formula: str, header_row: int, last_row: int) -> str:
    """``'Sheet'!$B$5:$B$40`` with its last row set to ``last_row``, if the range starts in the table's first rows."""
    sheet, _, cells = formula.rpartition("!")
    if ":" not in cells:
        return formula
    start, end = cells.split(":")
    start_row = int("".join(ch for ch in start if ch.isdigit()))
    if not header_row <= start_row <= header_row + 2:
        return formula
    column = "".join(ch for ch in end if ch.isalpha())
    return f"{sheet}!{start}:${column}${last_row}"


__all__ = ["array_formula_cells", "spill_arrays"]
