"""Filling a team template with data: rows into its Excel tables, people into its scorecard.

Two ways, with the same result in a cell:

- :func:`fill` works on an openpyxl workbook in memory (``write_table`` per table, then the scorecard). Every
  value goes through :func:`workbook_templates.fill.cells.write_value`, so CRM text that looks like a formula
  lands as text. ``kpi refresh`` uses it on a workbook a person has edited, since openpyxl keeps what it
  knows of that workbook.
- :func:`fill_file` writes a filled copy of a template to disk fast, with every formula's cached value:
  openpyxl loads the template and saves everything but the data rows; the rows of each data table are
  generated as worksheet XML (the data sheets are plain rows) and spliced into the saved package by
  :mod:`workbook_templates.fill.cached_values`, and the formulas are evaluated by
  :class:`workbook_templates.formulas.ColumnEvaluator` reading the table columns directly. Text is always
  an inline string (a formula only exists in an ``<f>`` element, which a data cell never has); text that
  :func:`cells.is_formula_like` flags also gets the quote prefix, as ``write_value`` gives it.

The template's tables, formulas, formats and charts stay as they are; each table's range is resized to its
new rows.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

from .. import builder, data_model
from ..builder import COLUMN_FORMATS, FIRST_ROW, HEADER_FILL, HEADER_FONT, KPI_NOTE_COLUMN, TemplateBuilder
from ..formulas import ColumnEvaluator, ExcelError, FormulaError, WorkbookEvaluator
from ..messages import messages
from ..spec import TeamSpec, load
from .cached_values import DynamicArrays, SheetRows, escape, finish, read_dynamic_arrays
from .cells import exact_criterion, formula_text, is_formula_like, plain_value, write_formula, write_value
from .spills import spill_arrays
from .split import scorecard_people

SKIPPED_SHEET = "Skipped rows"
SKIPPED_HEADERS = ("File", "Row", "Table", "Column", "Value", "Problem")


def template_info(workbook: Workbook) -> dict[str, str]:
    """The team, language and runtime a template was built for (its custom document properties)."""
    info = {prop.name: prop.value for prop in workbook.custom_doc_props.props}
    missing = {"KpiTeam", "KpiLanguage", "KpiRuntime"} - set(info)
    if missing:
        raise ValueError(f"not a KPI template: the workbook has no {', '.join(sorted(missing))} property")
    return info


def _table_columns(ws: Worksheet, table_name: str) -> tuple[Any, list[str]]:
    excel_table = ws.tables[table_name]
    min_col, min_row, max_col, _ = range_boundaries(excel_table.ref)
    names = [str(ws.cell(row=min_row, column=c).value) for c in range(min_col, max_col + 1)]
    return excel_table, names


def write_table(workbook: Workbook, table_name: str, frame: pd.DataFrame) -> int:
    """Replace the rows of Excel table ``table_name`` with ``frame``; returns the number of rows written.

    The table's own header decides where each column goes, so a person may have reordered the columns or
    added columns of their own to the table: an added column with a calculated-column formula gets that
    formula in every row, another added column is left blank. A totals row moves down or up with the
    table. Cells beside the table are left where they are; a table that would grow over cells below it
    is an error (ValueError naming the first such cell), never an overwrite.
    """
    table = data_model.TABLES[table_name]
    ws = workbook[table_name] if table_name in workbook.sheetnames else _sheet_with_table(workbook, table_name)
    excel_table, headers = _table_columns(ws, table_name)
    min_col, min_row, max_col, max_row = range_boundaries(excel_table.ref)
    missing = [c.name for c in table.columns if c.name not in frame.columns]
    if missing:
        raise ValueError(f"{table_name}: missing columns {', '.join(missing)}")
    absent = [c.name for c in table.columns if c.name not in headers]
    if absent:
        raise ValueError(f"the {table_name} table of the workbook has no column {', '.join(absent)}")
    rows = len(frame)
    totals = excel_table.totalsRowCount or 0
    new_last = min_row + max(rows, 1) + totals
    in_columns = [key for key in ws._cells if key[0] > min_row and min_col <= key[1] <= max_col]
    below = sorted(
        key for key in in_columns if key[0] > max_row and key[0] <= new_last and ws._cells[key].value is not None
    )
    if below:
        where = f"{get_column_letter(below[0][1])}{below[0][0]}"
        raise ValueError(f"the {table_name} table would grow over {ws.title}!{where}; move what is below the table")
    totals_row = {key[1]: ws._cells[key] for key in in_columns if max_row - totals < key[0] <= max_row}
    for key in in_columns:  # the old rows (totals row included), in the table's columns only
        if key[0] <= max_row:
            del ws._cells[key]
    calculated = {c.name: c.calculatedColumnFormula for c in excel_table.tableColumns if c.calculatedColumnFormula}
    sources = [frame[name].tolist() if name in table.by_name else None for name in headers]
    for offset in range(rows):
        row = min_row + 1 + offset
        for column, (name, values) in enumerate(zip(headers, sources, strict=True), start=min_col):
            if values is not None:
                write_value(ws.cell(row=row, column=column), values[offset])
            elif name in calculated:
                ws.cell(row=row, column=column).value = "=" + str(calculated[name].attr_text).lstrip("=")
    for column, old in totals_row.items():
        cell = ws.cell(row=new_last, column=column)
        cell._value, cell.data_type, cell._style = old._value, old.data_type, copy.copy(old._style)
    ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{new_last}"
    excel_table.ref = ref
    if excel_table.autoFilter is not None:
        excel_table.autoFilter.ref = (
            f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{new_last - totals}"
        )
    return rows


def _sheet_with_table(workbook: Workbook, table_name: str) -> Worksheet:
    for ws in workbook.worksheets:
        if table_name in ws.tables:
            return ws
    raise KeyError(f"the workbook has no table {table_name}")


def _resize(excel_table: Any, min_col: int, min_row: int, max_col: int, rows: int) -> None:
    ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{min_row + max(rows, 1)}"
    excel_table.ref = ref
    if excel_table.autoFilter is not None:
        excel_table.autoFilter.ref = ref


def period(workbook: Workbook) -> tuple[dt.date, dt.date]:
    """The reporting period set on the Inputs sheet."""
    start, end = (_input_cell(workbook, name).value for name in ("PeriodStart", "PeriodEnd"))
    return _as_date(start), _as_date(end)


def _as_date(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[return-value]


def _input_cell(workbook: Workbook, name: str) -> Cell:
    sheet, coordinate = next(workbook.defined_names[name].destinations)
    return workbook[sheet][coordinate.replace("$", "")]


def set_period(workbook: Workbook, start: dt.date, end: dt.date) -> None:
    """Set the reporting period on the Inputs sheet."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    for name, value in (("PeriodStart", start), ("PeriodEnd", end)):
        _input_cell(workbook, name).value = value


def fill(workbook: Workbook, data: Mapping[str, pd.DataFrame], spec: TeamSpec | None = None) -> Workbook:
    """Fill every data table of a template with ``data`` and write its scorecard rows."""
    info = template_info(workbook)
    spec = spec or load(info["KpiTeam"])
    for name in spec.tables:
        if name in data:
            write_table(workbook, name, data[name])
    _fill_scorecard(workbook, spec, info, data)
    return workbook


def _fill_scorecard(workbook: Workbook, spec: TeamSpec, info: Mapping[str, str], data: Mapping[str, Any]) -> int:
    """One row per person, each scorecard KPI narrowed to that person by an exact criterion (a name such as
    "Ann*" or "<Bob" matches only itself, see :func:`cells.exact_criterion`)."""
    people = scorecard_people(spec, data, period(workbook)[0])
    if not people:
        return 0
    template = TemplateBuilder(spec, info["KpiLanguage"], info["KpiRuntime"], workbook)
    ws = workbook[template.sheet_title["scorecard"]]
    for row, person in enumerate(people, start=FIRST_ROW):
        write_value(ws.cell(row=row, column=1), person)
        criterion = formula_text(exact_criterion(person))
        for column, kpi in enumerate(spec.scorecard_kpis, start=2):
            cell = ws.cell(row=row, column=column)
            write_formula(cell, template.formula(kpi.formula_for(by=criterion)))
            cell.number_format = template.number_format(kpi)
    template.set_scorecard_print_area(ws, FIRST_ROW + len(people) - 1)
    return len(people)


# ------------------------------------------------------------------------------------------- marks


@dataclass
class Marks:
    """What a fill adds to a workbook besides its data.

    ``about``: lines added to the About sheet (what the workbook covers). ``no_value``: KPI key -> why it has
    no value; its cells on the KPI, scorecard and trend sheets become ``=NA()`` (status empty) and the KPI
    sheet's note column says why. ``targets``: KPI key -> (formula of its target, or None for no target;
    the note). ``properties``: custom document properties (the inputs' fingerprint).
    """

    about: list[str] = field(default_factory=list)
    no_value: dict[str, str] = field(default_factory=dict)
    targets: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)


NOT_AVAILABLE = "=NA()"


def apply_marks(workbook: Workbook, spec: TeamSpec, marks: Marks) -> None:
    """Write ``marks`` into a filled template (after its scorecard rows)."""
    info = template_info(workbook)
    msg = messages(info["KpiLanguage"])
    keys = [kpi.key for kpi in spec.kpis]
    kpi_sheet = workbook[msg["sheet.kpis"]]
    if marks.no_value or marks.targets:
        header = kpi_sheet.cell(row=FIRST_ROW - 1, column=KPI_NOTE_COLUMN, value=msg["fill.note"])
        header.fill, header.font = HEADER_FILL, HEADER_FONT
        header.alignment = Alignment(wrap_text=True, vertical="center")
    for key, note in marks.no_value.items():
        row = FIRST_ROW + keys.index(key)
        kpi_sheet.cell(row=row, column=3).value = NOT_AVAILABLE
        write_value(kpi_sheet.cell(row=row, column=KPI_NOTE_COLUMN), note)
    for key, (formula, note) in marks.targets.items():
        row = FIRST_ROW + keys.index(key)
        target = _input_cell(workbook, f"Target_{key}")
        target.value = formula
        write_value(target.parent.cell(row=target.row, column=3), note)
        if formula is None:
            kpi_sheet.cell(row=row, column=4).value = None
        write_value(kpi_sheet.cell(row=row, column=KPI_NOTE_COLUMN), note)
    if marks.no_value:
        _no_value_columns(workbook, msg["sheet.scorecard"], [k.key for k in spec.scorecard_kpis], 2, marks.no_value)
        _no_value_columns(workbook, msg["sheet.trend"], [k.key for k in spec.trend_kpis], 4, marks.no_value)
    if marks.about:
        about = workbook[msg["sheet.about"]]
        start = about.max_row + 2
        for offset, line in enumerate(marks.about):
            write_value(about.cell(row=start + offset, column=1), line)
        about.cell(row=start, column=1).font = Font(bold=True)
    for name, value in marks.properties.items():
        workbook.custom_doc_props.append(StringProperty(name=name, value=value))


def _no_value_columns(workbook: Workbook, title: str, keys: list[str], first: int, no_value: Mapping[str, str]) -> None:
    """``=NA()`` in every formula cell of the columns of ``keys`` (from column ``first``) on sheet ``title``."""
    if title not in workbook.sheetnames:
        return
    ws = workbook[title]
    columns = {first + index for index, key in enumerate(keys) if key in no_value}
    for (row, column), cell in list(ws._cells.items()):  # _cells: iter_rows() would add blank cells
        if column in columns and row >= FIRST_ROW and cell.data_type == "f":
            cell.value = NOT_AVAILABLE


# ------------------------------------------------------------------------------------ skipped rows


def write_skipped_rows(workbook: Workbook, skipped: Sequence[Any]) -> None:
    """A "Skipped rows" sheet listing rows left out with ``--skip-bad-rows`` (file, row, column, value, why)."""
    if SKIPPED_SHEET in workbook.sheetnames:
        del workbook[SKIPPED_SHEET]
    ws = workbook.create_sheet(SKIPPED_SHEET)
    for column, label in enumerate(SKIPPED_HEADERS, start=1):
        cell = ws.cell(row=1, column=column, value=label)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for row, bad in enumerate(skipped, start=2):
        for column, value in enumerate((bad.file, bad.row, bad.table, bad.column, bad.value, bad.problem), start=1):
            write_value(ws.cell(row=row, column=column), value)
    for letter, width in zip("ABCDEF", (28, 8, 14, 18, 28, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws["H1"] = f"{len(skipped)} rows were left out of this workbook because they could not be read."
    ws["H1"].font = Font(italic=True)


# ---------------------------------------------------------------------------------------- fast fill


@dataclass
class FillResult:
    """What one filled workbook holds, for the summary table."""

    path: Path
    team: str
    lang: str
    split_value: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    people: int = 0
    kpi_cells: int = 0  # numbers on the KPI sheet's value column
    kpi_errors: int = 0  # error values there (#N/A: no rows in the period, #DIV/0!: nothing to divide by)
    cached: int = 0  # formula cells stored with their value
    skipped: int = 0
    seconds: float = 0.0
    status: str = "written"  # "written", "kept" (a complete output existed) or "failed"
    message: str = ""


@dataclass
class _TableData:
    columns: list[list[Any]]  # values as the evaluator reads them, one list per table column
    rows: SheetRows
    count: int


@functools.lru_cache(maxsize=32)
def _template_bytes(path: str, stamp: tuple[int, int] = (0, 0)) -> bytes:
    return Path(path).read_bytes()


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


@functools.lru_cache(maxsize=32)
def _template_dynamic(path: str, stamp: tuple[int, int]) -> DynamicArrays:
    return read_dynamic_arrays(io.BytesIO(_template_bytes(path, stamp)))


def load_template(path: str | Path) -> Workbook:
    """A fresh openpyxl copy of a template; the file is read once per process."""
    path = Path(path).resolve()
    return openpyxl.load_workbook(io.BytesIO(_template_bytes(str(path), _stamp(path))))


_STYLE_LISTS = ("_fonts", "_fills", "_borders", "_alignments", "_protections", "_number_formats", "_cell_styles")


class _Reusable:
    """A template loaded once per process and put back as it was before each fill (loading it again costs
    as much as a third of a small workbook's fill). Only what a fill changes is put back: cells added or
    changed on any sheet (values and styles), sheets and styles added, what a save computes; a test checks that a reused
    template writes exactly the bytes a fresh one writes."""

    _loaded: dict[tuple[str, tuple[int, int]], _Reusable] = {}

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.sheets = list(workbook.sheetnames)
        self.cells = {  # value, type and style (a currency changes number formats) of every template cell
            ws.title: {key: (c._value, c.data_type, copy.copy(c._style)) for key, c in ws._cells.items()}
            for ws in workbook.worksheets
        }
        self.formats = {ws.title: copy.copy(ws.sheet_format) for ws in workbook.worksheets}  # a save sets outlines
        self.styles = {name: list(getattr(workbook, name)) for name in _STYLE_LISTS}
        self.properties = list(workbook.custom_doc_props.props)

    @classmethod
    def workbook_of(cls, path: Path) -> Workbook:
        key = (str(path), _stamp(path))
        reusable = cls._loaded.get(key)
        if reusable is None:
            reusable = cls._loaded[key] = cls(load_template(path))
        else:
            reusable.restore()
        return reusable.workbook

    def restore(self) -> None:
        self.workbook.custom_doc_props.props = list(self.properties)
        for name in [n for n in self.workbook.sheetnames if n not in self.sheets]:
            del self.workbook[name]
        for name, items in self.styles.items():  # styles a fill added (the skipped-rows sheet's)
            if len(getattr(self.workbook, name)) != len(items):
                setattr(self.workbook, name, IndexedList(items))
        for ws in self.workbook.worksheets:
            ws.sheet_format = copy.copy(self.formats[ws.title])
            ws.column_dimensions.max_outline = None
            original = self.cells[ws.title]
            for key in [k for k in ws._cells if k not in original]:
                del ws._cells[key]
            for key, (value, kind, style) in original.items():
                cell = ws._cells[key]
                if cell._value != value or cell.data_type != kind:
                    cell._value, cell.data_type = value, kind
                if cell._style != style:
                    cell._style = copy.copy(style)


def fill_file(
    template: str | Path,
    data: Mapping[str, pd.DataFrame],
    destination: str | Path,
    *,
    period_range: tuple[dt.date, dt.date] | None = None,
    skipped: Sequence[Any] = (),
    split_value: str | None = None,
    marks: Marks | None = None,
    currency: str | None = None,
) -> FillResult:
    """Write ``destination``: ``template`` filled with ``data`` (frames of the data model's tables), every
    formula stored with its value. ``period_range`` sets the Inputs period; ``skipped`` (bad rows left out)
    become a "Skipped rows" sheet; ``marks`` what the workbook covers (see :class:`Marks`); ``currency`` the
    ISO 4217 code money is shown in (:func:`builder.apply_currency`). The file appears
    complete or not at all (see ``cached_values.finish``)."""
    started = time.perf_counter()
    template = Path(template).resolve()
    # A currency restyles template cells and columns: such a fill takes its own copy of the template.
    workbook = load_template(template) if currency else _Reusable.workbook_of(template)
    info = template_info(workbook)
    spec = load(info["KpiTeam"])
    if period_range is not None:
        set_period(workbook, *period_range)
    people = _fill_scorecard(workbook, spec, info, data)
    if marks is not None:
        apply_marks(workbook, spec, marks)
    if skipped:
        write_skipped_rows(workbook, skipped)
    if currency:
        builder.apply_currency(workbook, currency)
    formats = builder.column_formats(builder.workbook_currency(workbook))
    tables = {name: _table_data(workbook, name, data.get(name), formats) for name in spec.tables}
    sheets = {workbook[name].title: table for name, table in tables.items()}
    evaluator = ColumnEvaluator(workbook, {title: table.columns for title, table in sheets.items()})
    values = formula_values(evaluator, workbook)
    spill_arrays(workbook, evaluator, values)
    saved = io.BytesIO()
    workbook.save(saved)
    report = finish(
        saved,
        destination,
        values=values,
        rows={title: table.rows for title, table in sheets.items()},
        dynamic=_template_dynamic(str(template), _stamp(template)),
    )
    kpi_values = kpi_sheet_values(values, messages(info["KpiLanguage"])["sheet.kpis"])
    return FillResult(
        path=Path(destination),
        team=spec.team,
        lang=info["KpiLanguage"],
        split_value=split_value,
        rows={name: table.count for name, table in tables.items()},
        people=people,
        kpi_cells=sum(isinstance(v, float) for v in kpi_values),
        kpi_errors=sum(isinstance(v, ExcelError) for v in kpi_values),
        cached=report.cached,
        skipped=len(skipped),
        seconds=time.perf_counter() - started,
    )


def kpi_sheet_values(values: Mapping[str, Mapping[str, Any]], kpi_sheet: str) -> list[Any]:
    """The values of the KPI sheet's value column (C), one per KPI row."""
    cells = values.get(kpi_sheet, {})
    found, row = [], FIRST_ROW
    while f"C{row}" in cells:
        found.append(cells[f"C{row}"])
        row += 1
    return found


def formula_values(evaluator: WorkbookEvaluator, workbook: Workbook) -> dict[str, dict[str, Any]]:
    """Every formula cell's value by sheet. A formula the evaluator cannot handle, or whose value is #NAME?
    (a function it does not know, or one that depends on such a cell), is left out: it gets no cached value
    and Excel computes it when the file opens."""
    result: dict[str, dict[str, Any]] = {}
    for ws in workbook.worksheets:
        cells = result.setdefault(ws.title, {})
        for row, column in sorted(ws._cells):  # _cells: iter_rows() would add blank cells to the sheet
            cell = ws._cells[row, column]
            if cell.data_type == "f":
                try:
                    value = evaluator.value(ws.title, cell.coordinate)
                except (FormulaError, RecursionError):
                    continue
                if isinstance(value, ExcelError) and value.code == "#NAME?":
                    continue  # a function the evaluator does not know (SUBTOTAL, XLOOKUP): Excel computes it
                cells[cell.coordinate] = value
    return {sheet: cells for sheet, cells in result.items() if cells}


# ----------------------------------------------------------------------------------- table columns


def _table_data(
    workbook: Workbook, name: str, frame: pd.DataFrame | None, formats: Mapping[str, str] = COLUMN_FORMATS
) -> _TableData:
    """Resize the table for ``frame`` and turn its columns into evaluator values and worksheet XML
    (``formats``: number format by column type)."""
    table = data_model.TABLES[name]
    ws = workbook[name]
    excel_table, headers = _table_columns(ws, name)
    min_col, min_row, max_col, _ = range_boundaries(excel_table.ref)
    if min_col != 1 or min_row != 1 or headers != [c.name for c in table.columns]:
        raise ValueError(f"{name}: the template's table is not the data model's (A1, columns in order)")
    count = 0 if frame is None else len(frame)
    _resize(excel_table, min_col, min_row, max_col, count)
    if frame is None or count == 0:
        return _TableData([[] for _ in table.columns], SheetRows("", f"A1:{get_column_letter(max_col)}1"), 0)
    quote_style = _style_id(ws, "General", quote_prefix=True)
    columns = []
    for index, column in enumerate(table.columns, start=1):
        style = _style_id(ws, formats.get(column.type, "General"))
        columns.append(DataColumn(frame[column.name], column.type, get_column_letter(index), style, quote_style))
    rows = SheetRows(row_xml(columns, count), f"A1:{get_column_letter(max_col)}{count + 1}")
    return _TableData([column.values for column in columns], rows, count)


def row_xml(columns: Sequence[Any], count: int, chunk: int = 10_000) -> Iterator[str]:
    """``<row>`` elements of the data rows, made a chunk of rows at a time (memory stays small). Each column
    gives its cells with ``xml(start, stop, row_numbers)`` (:class:`DataColumn`, or refresh's formula columns)."""
    for start in range(0, count, chunk):
        stop = min(start + chunk, count)
        numbers = [str(row) for row in range(start + 2, stop + 2)]
        opening = [f'<row r="{row}">' for row in numbers]
        cells = [column.xml(start, stop, numbers) for column in columns]
        yield "".join(map("".join, zip(opening, *cells, ["</row>"] * (stop - start), strict=True)))


def _style_id(ws: Worksheet, number_format: str, *, quote_prefix: bool = False) -> int:
    """The cellXfs index of a style (registered in the workbook, so openpyxl writes it in styles.xml)."""
    cell = Cell(ws, row=1, column=1)
    cell.number_format = number_format
    if quote_prefix:
        cell.quotePrefix = True
    return cell.style_id


_EPOCH = np.datetime64("1899-12-30", "us")
_US_PER_DAY = 86_400_000_000


def date_serials(series: pd.Series) -> np.ndarray:
    """Excel serials of a date or datetime column, computed as :func:`udfs.coerce.serial_from_datetime`
    does (days, then seconds, then microseconds), NaN for blanks."""
    stamps = pd.to_datetime(series).to_numpy(dtype="datetime64[us]")
    missing = np.isnat(stamps)
    offset = (stamps - _EPOCH).astype(np.int64)
    days, rest = np.divmod(offset, _US_PER_DAY)
    seconds, micro = np.divmod(rest, 1_000_000)
    serials = days + seconds / 86400.0 + micro / (86400.0 * 1e6)
    serials[serials < 61] -= 1  # Excel's 29 February 1900
    serials[missing] = np.nan
    return serials


class DataColumn:
    """One data column: ``values`` as a spreadsheet holds them (numbers, dates as serials, text, TRUE/FALSE,
    None for a blank), for the evaluator; :meth:`xml` its cells as worksheet XML, a slice at a time."""

    def __init__(self, series: pd.Series, kind: str, letter: str, style: int, quote_style: int) -> None:
        self.kind, self.quote_style = kind, quote_style
        self.prefix = f'<c r="{letter}'
        self.styled = f' s="{style}"' if style else ""
        self.numbers: np.ndarray | None = None
        self._fragments: dict[Any, str] = {}
        if kind in ("date", "datetime", "number", "money", "percent", "integer"):
            if kind in ("date", "datetime"):
                self.numbers = date_serials(series)
            else:
                self.numbers = pd.to_numeric(series, errors="raise").astype("float64").to_numpy()
            values = self.numbers.tolist()
            if kind == "integer":
                values = [int(v) if v == v else None for v in values]
            for index in np.flatnonzero(np.isnan(self.numbers)).tolist():
                values[index] = None
            self.values: list[Any] = values
        elif kind == "bool":
            self.values = [v if type(v) is bool else _bool(v) for v in series.tolist()]
            self._fragments = {flag: f'" t="b"{self.styled}><v>{int(flag)}</v></c>' for flag in (True, False)}
        else:
            self.values = [v if type(v) is str else _text(v) for v in series.tolist()]

    def xml(self, start: int, stop: int, rows: Sequence[str]) -> list[str]:
        """The cells of rows ``start`` to ``stop`` (0-based data rows); ``rows`` are their sheet row numbers
        as text. A blank cell is "" (not written)."""
        prefix = self.prefix
        if self.numbers is not None:
            numbers = self.numbers[start:stop]
            head, tail = f'"{self.styled}><v>', "</v></c>"
            cells = [prefix + row + head + text + tail for row, text in zip(rows, _number_texts(numbers), strict=True)]
            for index in np.flatnonzero(np.isnan(numbers)).tolist():
                cells[index] = ""
            return cells
        fragments = self._fragments
        cells = []
        for row, value in zip(rows, self.values[start:stop], strict=True):
            if value is None:
                cells.append("")
                continue
            fragment = fragments.get(value)
            if fragment is None:
                style = self.quote_style if is_formula_like(value) else self.styled
                fragment = fragments[value] = _text_fragment(value, style)
            cells.append(prefix + row + fragment)
        return cells


def _number_texts(numbers: np.ndarray) -> list[str]:
    """Numbers as ``<v>`` text: whole numbers without ".0", others in the shortest form that reads back
    exactly (numpy writes the same digits as Python's repr); blanks give "nan", never used."""
    whole = np.isfinite(numbers) & (numbers == np.trunc(numbers)) & (np.abs(numbers) < 1e15)
    if whole.all():
        return numbers.astype(np.int64).astype(str).tolist()
    texts = numbers.astype(str)
    if whole.any():
        texts[whole] = numbers[whole].astype(np.int64).astype(str)
    return texts.tolist()


def _bool(value: Any) -> bool | None:
    value = plain_value(value)
    return None if value is None else bool(value)


def _text(value: Any) -> str | None:
    value = plain_value(value)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _text_fragment(text: str, style: int | str) -> str:
    """An inline-string cell after its reference: ``" t="inlineStr"><is><t>...</t></is></c>``; ``style``
    is a style index or an ``s`` attribute already made."""
    preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() or "\n" in text else ""
    styled = style if isinstance(style, str) else f' s="{style}"' if style else ""
    return f'" t="inlineStr"{styled}><is><t{preserve}>{escape(text)}</t></is></c>'


__all__ = [
    "FIRST_ROW",
    "FillResult",
    "SKIPPED_SHEET",
    "DataColumn",
    "date_serials",
    "fill",
    "fill_file",
    "formula_values",
    "load_template",
    "period",
    "set_period",
    "template_info",
    "write_skipped_rows",
    "write_table",
]
