"""Refreshing a workbook a person has edited (``kpi refresh``).

:func:`refresh` replaces the data-table rows of the workbook and keeps everything else: what openpyxl keeps
(sheets, formulas, formats, charts, rich text in cells), the VBA project of a classic ``.xlsm`` (openpyxl's
``keep_vba``) and the Office add-in parts of an xlwings Lite or Server workbook (``xl/webextensions/*``,
carried across the save byte for byte with their relationships and content types). It refuses, naming
them, when the workbook holds other parts openpyxl would drop.

It works like the fill: the rows of a replaced table are not put into openpyxl. The table's old rows are cut
out of the sheet before openpyxl loads the workbook, the new rows are generated as worksheet XML
(:class:`workbook_templates.fill.write.DataColumn`) and spliced into the saved package, and the formulas
are evaluated by :class:`workbook_templates.formulas.ColumnEvaluator` from the table columns. A column a
person added to a table keeps its formula in every new row: the table's calculated-column formula, or
(LibreOffice does not write that) the formula every old row had.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import errno
import functools
import io
import os
import re
import shutil
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.formula.translate import Translator
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.workbook import Workbook

from .. import builder, data_model
from ..formulas import Binary, ColumnEvaluator, ExcelError, FormulaError, Literal, Ref, Unary, parse
from ..messages import messages
from .cached_values import (
    METADATA_CONTENT_TYPE,
    SheetRows,
    escape,
    finish,
    read_dynamic_arrays,
    sheet_parts,
    unescape,
    xml_value,
)
from .sources import BadRow
from .spills import spill_arrays
from .write import (
    DataColumn,
    formula_values,
    kpi_sheet_values,
    row_xml,
    set_period,
    template_info,
    write_skipped_rows,
    write_table,
)

#: Parts openpyxl does not keep, by what a person would call them. The VBA project (``keep_vba``) and the
#: Office add-in parts (:data:`CARRIED_PREFIX`) are kept by the refresh itself.
_DROPPED_PARTS = (
    ("customXml/", "custom XML parts (customXml/)"),
    ("xl/richData/", "pictures in cells (xl/richData)"),
    ("xl/threadedComments/", "threaded comments"),
    ("xl/slicers/", "slicers"),
    ("xl/timelines/", "timelines"),
    ("xl/embeddings/", "embedded objects"),
    ("xl/ctrlProps/", "form controls"),
    ("xl/activeX/", "ActiveX controls"),
)
_SHAPES = re.compile(r"<(?:xdr:)?(?:sp|grpSp|cxnSp)\b")
_SPARKLINES = re.compile(r"sparklineGroups?\b")


class RefreshRefused(Exception):
    """The workbook holds what a refresh would lose; ``lost`` names it."""

    def __init__(self, path: Path, lost: Sequence[str]) -> None:
        self.path, self.lost = path, list(lost)
        super().__init__(
            f"{path} holds what openpyxl would drop: {'; '.join(self.lost)}. Use --force to refresh anyway."
        )


def dropped_features(source: str | Path | io.BytesIO, *, macro_enabled: bool = False) -> list[str]:
    """What in a workbook openpyxl would not write back: sparklines, shapes, in-cell images, ..., and VBA
    code unless the workbook is ``macro_enabled`` (an .xlsm, whose VBA project is kept)."""
    found: list[str] = []
    with zipfile.ZipFile(source) as package:
        names = package.namelist()
        if not macro_enabled and "xl/vbaProject.bin" in names:
            found.append("VBA or xlwings code (xl/vbaProject.bin) in a workbook that is not an .xlsm")
        for prefix, label in _DROPPED_PARTS:
            if any(name == prefix or name.startswith(prefix) for name in names):
                found.append(label)
        for sheet, part in sheet_parts(package).items():
            if part in names:
                xml = package.read(part).decode("utf-8", errors="replace")
                if _SPARKLINES.search(xml):
                    found.append(f"sparklines on sheet {sheet!r}")
        for name in names:
            if name.startswith("xl/drawings/") and name.endswith(".xml") and "/_rels/" not in name:
                xml = package.read(name).decode("utf-8", errors="replace")
                if _SHAPES.search(xml):
                    found.append(f"shapes or text boxes ({name})")
    return found


def _dropped_extensions(caught: Iterable[warnings.WarningMessage], known: Sequence[str]) -> list[str]:
    """The features openpyxl said it drops while loading (conditional-format or validation extensions, ...)."""
    found = []
    for warning in caught:
        text = str(warning.message)
        if "will be removed" not in text and "not supported" not in text:
            continue
        if "Sparkline" in text and any("sparklines" in k for k in known):
            continue
        found.append(f"{text.rstrip('.')} (openpyxl)")
    return list(dict.fromkeys(found))


def _content_types(source: str | Path | io.BytesIO) -> dict[str, int]:
    """How many parts of each content type a package holds (extension defaults included)."""
    with zipfile.ZipFile(source) as package:
        xml = package.read("[Content_Types].xml").decode("utf-8")
        names = [n for n in package.namelist() if not n.endswith("/")]
    overrides = dict(re.findall(r'<Override[^>]*PartName="/?([^"]+)"[^>]*ContentType="([^"]+)"', xml))
    overrides.update(
        {a: b for b, a in re.findall(r'<Override[^>]*ContentType="([^"]+)"[^>]*PartName="/?([^"]+)"', xml)}
    )
    defaults = {e.lower(): t for e, t in re.findall(r'<Default[^>]*Extension="([^"]+)"[^>]*ContentType="([^"]+)"', xml)}
    counts: dict[str, int] = {}
    for name in names:
        kind = overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1].lower())
        if kind and not name.startswith("docProps/"):
            counts[kind] = counts.get(kind, 0) + 1
    return counts


#: Parts openpyxl rewrites in another form or that Excel rebuilds: not a loss.
_REWRITTEN = (
    "sharedStrings+xml",  # openpyxl writes text inline
    "calcChain+xml",  # Excel rebuilds its calculation order
    "relationships+xml",
    "extended-properties+xml",
    "core-properties+xml",
    "custom-properties+xml",
)
#: Parts openpyxl drops that only matter for printing: noted, not refused.
_NOTED = {"printerSettings": "printer settings (page setup for printing) are not kept"}


def lost_parts(
    original: str | Path | io.BytesIO, rewritten: str | Path | io.BytesIO, restored: Iterable[str] = ()
) -> tuple[list[str], list[str]]:
    """What openpyxl dropped when it rewrote the package: ``(lost, notes)``. ``lost`` names each content type
    with fewer parts than before (``restored`` types are put back afterwards); ``notes`` the harmless ones."""
    before, after = _content_types(original), _content_types(rewritten)
    lost, notes = [], []
    for kind, count in before.items():
        missing = count - after.get(kind, 0)
        if missing <= 0 or kind in restored or kind.endswith(_REWRITTEN):
            continue
        noted = next((text for key, text in _NOTED.items() if key in kind), None)
        if noted:
            notes.append(noted)
        else:
            lost.append(f"{missing} part(s) of type {kind.rsplit('/', 1)[-1]}")
    return lost, notes


@dataclass
class RefreshResult:
    path: Path
    backup: Path
    rows: dict[str, int]
    kpi_cells: int
    kpi_errors: int
    cached: int
    seconds: float
    notes: list[str] = field(default_factory=list)
    runtime: str = ""
    kept_parts: list[str] = field(default_factory=list)  # VBA and add-in parts carried over unchanged


class RefreshError(Exception):
    """A refresh that cannot start or finish (missing or unreadable workbook, no room, no permission); the
    message is one line naming the file. The workbook is unchanged and no backup is left."""


def backup_path(path: Path, now: dt.datetime | None = None) -> Path:
    """``name.backup-YYYYmmdd-HHMMSS.xlsx`` beside ``path`` (``-2``, ``-3`` if taken)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.backup-{stamp}-{number}{path.suffix}")
        number += 1
    return candidate


def write_backup(path: Path, content: bytes) -> Path:
    """A complete copy of ``content`` at :func:`backup_path` of ``path``, or none at all: it is written to a
    unique temporary file in the same folder, flushed to disk and only then renamed into place."""
    backup = backup_path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".backup-tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):
            shutil.copystat(path, temporary)
        os.replace(temporary, backup)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return backup


# --------------------------------------------------------------------------------- carried parts

#: The Office add-in parts of an Office.js (xlwings Lite or Server) workbook, which openpyxl drops.
CARRIED_PREFIX = "xl/webextensions/"
_ROOT_RELS = "_rels/.rels"


@dataclass
class CarriedParts:
    """Parts openpyxl drops that the refresh puts back unchanged: their bytes, content types and the package
    relationships that point at them."""

    parts: dict[str, bytes] = field(default_factory=dict)
    overrides: list[str] = field(default_factory=list)  # <Override .../> elements of [Content_Types].xml
    relationships: list[str] = field(default_factory=list)  # <Relationship .../> elements of _rels/.rels

    def __bool__(self) -> bool:
        return bool(self.parts)


def read_carried_parts(package: zipfile.ZipFile) -> CarriedParts:
    """The ``xl/webextensions/*`` parts of a package, their content types and root relationships."""
    names = [n for n in package.namelist() if n.startswith(CARRIED_PREFIX)]
    if not names:
        return CarriedParts()
    carried = CarriedParts(parts={name: package.read(name) for name in names})
    types = package.read("[Content_Types].xml").decode("utf-8")
    for element in re.findall(r"<Override\b[^>]*/>", types):
        part = re.search(r'PartName="/?([^"]+)"', element)
        if part and part.group(1).startswith(CARRIED_PREFIX):
            carried.overrides.append(element)
    if _ROOT_RELS in package.namelist():
        rels = package.read(_ROOT_RELS).decode("utf-8")
        for element in re.findall(r"<Relationship\b[^>]*/>", rels):
            target = re.search(r'Target="/?([^"]+)"', element)
            if target and target.group(1).startswith(CARRIED_PREFIX):
                carried.relationships.append(element)
    return carried


def with_carried_parts(saved: io.BytesIO, carried: CarriedParts) -> io.BytesIO:
    """The package openpyxl saved with ``carried`` put back: the parts byte for byte, their content-type
    overrides and their root relationships (with ids that do not clash)."""
    if not carried:
        return saved
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                text = data.decode("utf-8")
                text = text.replace("</Types>", "".join(carried.overrides) + "</Types>", 1)
                data = text.encode("utf-8")
            elif info.filename == _ROOT_RELS:
                data = _with_relationships(data.decode("utf-8"), carried.relationships).encode("utf-8")
            if info.filename not in carried.parts:
                target.writestr(info, data)
        for name, content in carried.parts.items():
            target.writestr(name, content)
    out.seek(0)
    return out


def _with_relationships(rels: str, relationships: Sequence[str]) -> str:
    used = set(re.findall(r'Id="([^"]+)"', rels))
    added = []
    for element in relationships:
        rid = re.search(r'Id="([^"]+)"', element)
        if rid and rid.group(1) in used:
            number = 1 + max((int(n) for n in re.findall(r'Id="rId([0-9]+)"', rels + "".join(added))), default=0)
            element = element.replace(f'Id="{rid.group(1)}"', f'Id="rId{number}"')
        added.append(element)
    return rels.replace("</Relationships>", "".join(added) + "</Relationships>", 1)


# --------------------------------------------------------------------------- tables cut out of the sheets

_TABLE_REL = re.compile(r"<Relationship\b[^>]*/>")
_ROW_START = re.compile(r"<row\b[^>]*?\br=\"([0-9]+)\"")
_CELL_REF = re.compile(r'<c r="([A-Z]{1,3})([0-9]+)"')
_SHEET_DATA_END = re.compile(r"</sheetData>")


@dataclass
class _CutTable:
    """A replaced table whose old rows were cut out of its sheet (the table starts at A1, one header row, no
    totals row, nothing else below its header on the sheet)."""

    name: str
    sheet: str
    width: int  # the table's columns: A .. width
    styles: dict[int, int] = field(default_factory=dict)  # column -> style index (s) of its first data row
    formulas: dict[int, str] = field(default_factory=dict)  # column -> formula every old row had (row 2's)


def _tables_of(package: zipfile.ZipFile, sheet_part: str) -> list[dict[str, str]]:
    """The table parts of a worksheet part: their attributes (name, ref, totalsRowCount, ...)."""
    folder, base = sheet_part.rsplit("/", 1)
    rels_name = f"{folder}/_rels/{base}.rels"
    if rels_name not in package.namelist():
        return []
    tables = []
    for element in _TABLE_REL.findall(package.read(rels_name).decode("utf-8")):
        if not re.search(r'Type="[^"]*/table"', element):
            continue
        target = re.search(r'Target="([^"]+)"', element).group(1)  # type: ignore[union-attr]
        part = target.lstrip("/") if target.startswith("/") else os.path.normpath(f"{folder}/{target}")
        xml = package.read(part.replace(os.sep, "/")).decode("utf-8")
        opening = re.search(r"<table\b[^>]*>", xml)
        if opening:
            tables.append(dict(re.findall(r'(\w+)="([^"]*)"', opening.group(0))))
    return tables


def _cut_rows(xml: str, table: dict[str, str], name: str, sheet: str) -> tuple[str, _CutTable] | None:
    """The sheet XML without the table's data rows, or None when the fast path does not fit the table."""
    min_col, min_row, max_col, max_row = range_boundaries(table["ref"])
    if (min_col, min_row) != (1, 1) or table.get("headerRowCount", "1") != "1":
        return None
    if int(table.get("totalsRowCount", "0") or 0):
        return None
    header = _ROW_START.search(xml)
    if header is None or header.group(1) != "1":
        return None
    second = xml.find("<row ", header.end())
    end = _SHEET_DATA_END.search(xml, header.end())
    if end is None:
        return None
    if second < 0 or second > end.start():
        return xml, _CutTable(name, sheet, max_col)
    last = _ROW_START.search(xml, xml.rfind("<row ", second, end.start()))
    if last is None or int(last.group(1)) > max_row:
        return None  # rows below the table (a totals row, notes): the openpyxl path keeps them in place
    region = xml[second : end.start()]
    if _beyond(max_col).search(region):
        return None  # a cell beside the table: the openpyxl path keeps it in place
    cut = _CutTable(name, sheet, max_col)
    first = re.match(r'<row\b[^>]*?\br="2"[^>]*>(.*?)</row>', region, re.S)
    if first:
        for letters, attributes in re.findall(r'<c r="([A-Z]{1,3})2"([^>]*?)/?>', first.group(1)):
            style = re.search(r'\bs="([0-9]+)"', attributes)
            if style:
                cut.styles[column_index_from_string(letters)] = int(style.group(1))
        cut.formulas = _formula_columns(region, first.group(1), max_row)
    return xml[:second] + xml[end.start() :], cut


@functools.lru_cache(maxsize=64)
def _beyond(last_column: int) -> re.Pattern[str]:
    """A cell reference in a column after ``last_column`` (for "AA": AB..AZ, B?..Z?, any three letters)."""
    letters = get_column_letter(last_column)
    options = [f"[A-Z]{{{len(letters) + 1},3}}"] if len(letters) < 3 else []
    for index, letter in enumerate(letters):
        if letter != "Z":
            rest = len(letters) - index - 1
            options.append(f"{letters[:index]}[{chr(ord(letter) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    return re.compile(r'<c r="(?:' + "|".join(options) + r")[0-9]")


def _formula_columns(region: str, first_row: str, last_row: int) -> dict[int, str]:
    """Columns where every data row holds a formula: column -> the formula of row 2 (unescaped)."""
    result = {}
    for letters, formula in re.findall(r'<c r="([A-Z]{1,3})2"[^>]*>\s*<f\b[^>]*>([^<]+)</f>', first_row):
        cells = len(re.findall(rf'<c r="{letters}[0-9]+"[^>]*>\s*<f\b', region))
        if cells == last_row - 1:
            result[column_index_from_string(letters)] = unescape(formula)
    return result


def _slim_package(original: bytes, wanted: Iterable[str]) -> tuple[io.BytesIO, dict[str, _CutTable]]:
    """A copy of the package with the old rows of the ``wanted`` tables cut out where it can be done."""
    wanted = set(wanted)
    cut: dict[str, _CutTable] = {}
    changed: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(original)) as package:
        for sheet, part in sheet_parts(package).items():
            if part not in package.namelist():
                continue
            tables = [t for t in _tables_of(package, part) if t.get("displayName", t.get("name")) in wanted]
            if len(tables) != 1:
                continue  # no table to replace, or several on one sheet: the openpyxl path
            name = tables[0].get("displayName", tables[0].get("name", ""))
            done = _cut_rows(package.read(part).decode("utf-8"), tables[0], name, sheet)
            if done is not None:
                changed[part], cut[name] = done
        slim = io.BytesIO()
        with zipfile.ZipFile(slim, "w", zipfile.ZIP_STORED) as target:
            for info in package.infolist():
                data = changed[info.filename].encode("utf-8") if info.filename in changed else package.read(info)
                target.writestr(info.filename, data)
    slim.seek(0)
    return slim, cut


# ------------------------------------------------------------------------------------- new table rows

_THIS_ROW = re.compile(
    r"(?P<table>[A-Za-z_\\][\w.]*)?\[(?:\[#this row\],\s*\[(?P<a>[^\]]+)\]|@\[(?P<b>[^\]]+)\]|@(?P<c>[^\[\]]+))\]",
    re.IGNORECASE,
)


class _FormulaColumn:
    """A column a person added to a table, with the same formula in every row, and its values."""

    def __init__(self, formula: str, letter: str, style: int) -> None:
        self.formula, self.letter = formula.lstrip("="), letter
        self.structured = _THIS_ROW.search(self.formula) is not None or "[" in self.formula
        self.styled = f' s="{style}"' if style else ""
        self.values: list[Any] = []

    def text(self, row: int) -> str:
        """The formula as stored in the cell of ``row``: a structured formula is the same in every row, a
        formula with cell references moves with the row (as Excel fills a calculated column)."""
        if self.structured:
            return self.formula
        return Translator("=" + self.formula, origin=f"{self.letter}2").translate_formula(f"{self.letter}{row}")[1:]

    def xml(self, start: int, stop: int, rows: Sequence[str]) -> list[str]:
        cells = []
        for index, row in zip(range(start, stop), rows, strict=True):
            stored = xml_value(self.values[index]) if index < len(self.values) else None
            value = ""
            kind = ""
            if stored is not None:
                kind = f' t="{stored[0]}"' if stored[0] else ""
                value = f"<v>{stored[1]}</v>"
            formula = escape(self.text(int(row)))
            cells.append(f'<c r="{self.letter}{row}"{self.styled}{kind}><f>{formula}</f>{value}</c>')
        return cells


def _style_id(workbook: Workbook, ws: Any, original: int | None, number_format: str) -> int:
    """The style of the new cells of a column: the one its first old row had, else the data model's."""
    cell = Cell(ws, row=1, column=1)
    if original is not None and original < len(workbook._cell_styles):
        cell._style = copy.copy(workbook._cell_styles[original])
    else:
        cell.number_format = number_format
    return cell.style_id


def _quote_style(ws: Any) -> int:
    cell = Cell(ws, row=1, column=1)
    cell.quotePrefix = True
    return cell.style_id


@dataclass
class _NewRows:
    sheet: str
    columns: list[Any]  # DataColumn, _FormulaColumn or None (a column left blank), by sheet column
    count: int
    formulas: list[_FormulaColumn]


def _new_rows(workbook: Workbook, cut: _CutTable, frame: pd.DataFrame) -> _NewRows:
    """The new rows of a cut table: its columns as the data model's, person-added formula columns, blanks."""
    table = data_model.TABLES[cut.name]
    ws = workbook[cut.sheet]
    excel_table = ws.tables[cut.name]
    headers = [ws.cell(row=1, column=c).value for c in range(1, cut.width + 1)]
    headers = [None if h is None else str(h) for h in headers]
    missing = [c.name for c in table.columns if c.name not in frame.columns]
    if missing:
        raise ValueError(f"{cut.name}: missing columns {', '.join(missing)}")
    absent = [c.name for c in table.columns if c.name not in headers]
    if absent:
        raise ValueError(f"the {cut.name} table of the workbook has no column {', '.join(absent)}")
    calculated = {
        c.name: str(c.calculatedColumnFormula.attr_text)
        for c in excel_table.tableColumns
        if c.calculatedColumnFormula is not None and c.calculatedColumnFormula.attr_text
    }
    count = len(frame)
    quote = _quote_style(ws)
    columns: list[Any] = []
    formulas = []
    for index, name in enumerate(headers, start=1):
        letter = get_column_letter(index)
        if name in table.by_name:
            kind = table.by_name[name].type
            fallback = builder.column_formats(builder.workbook_currency(workbook)).get(kind, "General")
            style = _style_id(workbook, ws, cut.styles.get(index), fallback)
            columns.append(DataColumn(frame[name], kind, letter, style, quote))
        elif name in calculated or index in cut.formulas:
            formula = calculated.get(name or "") or cut.formulas[index]
            style = _style_id(workbook, ws, cut.styles.get(index), "General")
            column = _FormulaColumn(formula, letter, style)
            column.values = [None] * count
            columns.append(column)
            formulas.append(column)
        else:
            columns.append(None)
    ref = f"A1:{get_column_letter(cut.width)}{max(count, 1) + 1}"
    excel_table.ref = ref
    if excel_table.autoFilter is not None:
        excel_table.autoFilter.ref = ref
    return _NewRows(cut.sheet, columns, count, formulas)


def _row_formula(formula: str, table: str, headers: Mapping[str, str], row: int, column: _FormulaColumn) -> str:
    """The formula of one row with this-row references (``[@Amount]``) written as the cells they mean."""

    def cell(match: re.Match[str]) -> str:
        if match.group("table") and match.group("table").upper() != table.upper():
            raise FormulaError(f"{match.group(0)}: a this-row reference to another table")
        name = (match.group("a") or match.group("b") or match.group("c")).strip()
        letter = headers.get(name.upper())
        if letter is None:
            raise FormulaError(f"{match.group(0)}: no column {name}")
        return f"${letter}{row}"

    return "=" + _THIS_ROW.sub(cell, column.text(row) if not column.structured else formula)


def _evaluate_formula_columns(evaluator: ColumnEvaluator, new: _NewRows, table: str) -> None:
    """Each added formula column's value in every new row (left out, so Excel computes it, if the formula
    is one the evaluator cannot read)."""
    ws = evaluator.workbook[new.sheet]
    headers = {
        str(ws.cell(row=1, column=index).value).upper(): get_column_letter(index)
        for index in range(1, len(new.columns) + 1)
        if ws.cell(row=1, column=index).value is not None
    }
    for column in new.formulas:
        values = column.values
        fast = _vectorised(column, new, table, {name: column_index_from_string(lt) for name, lt in headers.items()})
        if fast is not None:
            values[:] = fast
            continue
        try:
            for index in range(new.count):
                value = evaluator.evaluate(new.sheet, _row_formula(column.formula, table, headers, index + 2, column))
                values[index] = None if isinstance(value, ExcelError) and value.code == "#NAME?" else value
        except (FormulaError, RecursionError):
            values[:] = [None] * new.count


class _NotVector(Exception):
    """A formula the column-at-a-time arithmetic does not cover."""


_ARITHMETIC = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


def _vectorised(column: _FormulaColumn, new: _NewRows, table: str, positions: Mapping[str, int]) -> list[Any] | None:
    """The values of a calculated column of arithmetic over number columns of its own row (``=[@Amount]*2``,
    ``=[@ACV]/[@ContractMonths]``) computed a column at a time, with Excel's rules (a blank is 0, dividing by
    zero is #DIV/0!); None for any other formula (it is then evaluated row by row)."""
    if not column.structured:
        return None
    used: dict[str, int] = {}

    def placeholder(match: re.Match[str]) -> str:
        if match.group("table") and match.group("table").upper() != table.upper():
            raise _NotVector
        name = (match.group("a") or match.group("b") or match.group("c")).strip().upper()
        if name not in positions:
            raise _NotVector
        key = f"THIS_ROW_COLUMN_{positions[name]}"
        used[key] = positions[name]
        return key

    failed = np.zeros(new.count, dtype=bool)

    def value(node: Any) -> Any:
        nonlocal failed
        if isinstance(node, Literal) and type(node.value) is float:
            return node.value
        if isinstance(node, Ref) and node.kind == "name" and node.sheet is None and node.name.upper() in used:
            source = new.columns[used[node.name.upper()] - 1]
            if not isinstance(source, DataColumn) or source.numbers is None:
                raise _NotVector
            return np.nan_to_num(source.numbers, nan=0.0)
        if isinstance(node, Unary) and node.op in "+-":
            operand = value(node.operand)
            return -operand if node.op == "-" else operand
        if isinstance(node, Binary) and node.op in _ARITHMETIC:
            left, right = value(node.left), value(node.right)
            if node.op == "/":
                failed = failed | np.broadcast_to(np.asarray(right) == 0, failed.shape)
            return _ARITHMETIC[node.op](left, right)
        raise _NotVector

    try:
        node = parse("=" + _THIS_ROW.sub(placeholder, column.formula))
        with np.errstate(all="ignore"):
            result = np.broadcast_to(np.asarray(value(node), dtype=float), (new.count,))
    except (_NotVector, FormulaError):
        return None
    values: list[Any] = result.tolist()
    for index in np.flatnonzero(failed | ~np.isfinite(result)).tolist():
        values[index] = ExcelError("#DIV/0!" if failed[index] else "#NUM!")
    return values


# ------------------------------------------------------------------------------------------- refresh

#: The steps :func:`refresh` reports to its ``progress`` callback, in order.
STEPS = ("load", "rows", "recalculate", "save")


def _read_workbook(path: Path) -> tuple[Path, bytes]:
    """The file the workbook's name leads to (through symlinks) and its bytes; RefreshError if unreadable."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        raise RefreshError(f"{path}: no such workbook") from None
    except (OSError, RuntimeError) as error:
        raise RefreshError(f"{path}: cannot be read ({_reason(error)})") from None
    if target.is_dir():
        raise RefreshError(f"{path} is a folder, not a workbook")
    try:
        content = target.read_bytes()
    except OSError as error:
        raise RefreshError(f"{path}: cannot be read ({_reason(error)})") from None
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise RefreshError(f"{path} is not an Excel workbook (.xlsx/.xlsm)")
    return target, content


def _reason(error: OSError | RuntimeError) -> str:
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "the disk is full"
    if isinstance(error, OSError) and error.errno == errno.EROFS:
        return "read-only file system"
    if isinstance(error, PermissionError):
        return "permission denied"
    return getattr(error, "strerror", None) or str(error)


def refresh(
    path: str | Path,
    data: Mapping[str, pd.DataFrame],
    *,
    period: tuple[dt.date, dt.date] | None = None,
    skipped: Sequence[BadRow] = (),
    force: bool = False,
    runtime: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> RefreshResult:
    """Replace the rows of the workbook's data tables that ``data`` has, keep everything else.

    A complete backup (:func:`backup_path`) is written before the workbook is touched, and removed again if
    the refresh fails; the new file replaces the workbook atomically (through a symlink: its target gets the
    new content, the link stays). ``runtime`` (classic, lite, server) rewrites the catalogue calls for that
    runtime; by default the workbook's own ``KpiRuntime`` is kept. ``progress`` is called with each of
    :data:`STEPS` as it starts. Raises :class:`RefreshRefused` when the workbook holds parts openpyxl would
    drop (unless ``force``), :class:`RefreshError` for a file that cannot be read or written, ValueError
    when the new rows do not fit the workbook. The workbook is unchanged when anything is raised.
    """
    started = time.perf_counter()
    step = progress or (lambda name: None)
    path = Path(path)
    step("load")
    target, original = _read_workbook(path)
    macro_enabled = target.suffix.lower() in (".xlsm", ".xltm")
    replaced = [name for name in data if name in data_model.TABLES]
    slim, cut = _slim_package(original, replaced)
    dropped = dropped_features(slim, macro_enabled=macro_enabled)  # the rows cut out hold nothing it looks for
    slim.seek(0)
    with zipfile.ZipFile(slim) as package:
        names = package.namelist()
        carried = read_carried_parts(package)
    has_vba = macro_enabled and "xl/vbaProject.bin" in names
    with warnings.catch_warnings(record=True) as caught:  # openpyxl warns of each extension it drops
        warnings.simplefilter("always")
        workbook = openpyxl.load_workbook(slim, rich_text=True, keep_vba=has_vba)
    dropped += _dropped_extensions(caught, dropped)
    if dropped and not force:
        raise RefreshRefused(path, dropped)
    slim.seek(0)
    dynamic = read_dynamic_arrays(slim)

    step("rows")
    present = {name for ws in workbook.worksheets for name in ws.tables}
    rows: dict[str, int] = {}
    notes = [f"{name}: the workbook has no such table; not used" for name in data if name not in present]
    new_rows: dict[str, _NewRows] = {}
    for name, frame in data.items():
        if name not in present or name not in data_model.TABLES:
            continue
        if name in cut:
            new_rows[name] = _new_rows(workbook, cut[name], frame)
            rows[name] = new_rows[name].count
        else:
            rows[name] = write_table(workbook, name, frame)
    if period is not None:
        set_period(workbook, *period)
    if skipped:
        write_skipped_rows(workbook, skipped)
    info = _template_info(workbook)
    current = info.get("KpiRuntime", "")
    if runtime is not None and runtime != current:
        builder.set_runtime(workbook, runtime)
        notes.append(f"catalogue calls rewritten for the {runtime} runtime (was {current or 'not set'})")

    step("recalculate")
    columns = {
        new.sheet: [c.values if c is not None else [None] * new.count for c in new.columns] for new in new_rows.values()
    }
    evaluator = ColumnEvaluator(workbook, columns)
    for name, new in new_rows.items():
        _evaluate_formula_columns(evaluator, new, name)
    values = formula_values(evaluator, workbook)
    spill_arrays(workbook, evaluator, values)  # the waterfall and cohort tables, every cell stored

    step("save")
    saved = io.BytesIO()
    workbook.save(saved)
    restored = [METADATA_CONTENT_TYPE] if dynamic.metadata is not None else []
    restored += _carried_types(carried)
    if has_vba:  # the workbook part is kept, as a macro-enabled one
        restored.append("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    lost, harmless = lost_parts(io.BytesIO(original), saved, restored)
    if lost and not force:
        raise RefreshRefused(path, lost)
    notes += harmless
    saved = with_carried_parts(saved, carried)
    sheets = {
        new.sheet: SheetRows(row_xml([c for c in new.columns if c is not None], new.count), _dimension(workbook, new))
        for new in new_rows.values()
    }
    try:
        backup = write_backup(path, original)
    except OSError as error:
        raise RefreshError(f"{path}: no backup could be written in {path.parent} ({_reason(error)})") from None
    try:
        report = finish(saved, target, values=values, rows=sheets, dynamic=dynamic)
    except BaseException as error:
        backup.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise RefreshError(f"{path}: could not be written ({_reason(error)}); it is unchanged") from None
        raise
    kept = sorted(carried.parts) + (sorted(n for n in names if n.startswith("xl/vbaProject")) if has_vba else [])
    kpi_values: list[Any] = []
    try:
        kpi_values = kpi_sheet_values(values, messages(template_info(workbook)["KpiLanguage"])["sheet.kpis"])
    except (ValueError, KeyError):
        notes.append("not a KPI template workbook: no KPI sheet to summarise")
    return RefreshResult(
        path=path,
        backup=backup,
        rows=rows,
        kpi_cells=sum(isinstance(v, float) for v in kpi_values),
        kpi_errors=sum(isinstance(v, ExcelError) for v in kpi_values),
        cached=report.cached,
        seconds=time.perf_counter() - started,
        notes=notes,
        runtime=runtime or current,
        kept_parts=kept,
    )


def _template_info(workbook: Workbook) -> dict[str, str]:
    return {prop.name: str(prop.value) for prop in workbook.custom_doc_props.props}


def _carried_types(carried: CarriedParts) -> list[str]:
    return [m.group(1) for element in carried.overrides if (m := re.search(r'ContentType="([^"]+)"', element))]


def _dimension(workbook: Workbook, new: _NewRows) -> str:
    ws = workbook[new.sheet]
    width = max(len(new.columns), ws.max_column)
    return f"A1:{get_column_letter(width)}{new.count + 1}"


__all__ = [
    "CARRIED_PREFIX",
    "STEPS",
    "CarriedParts",
    "RefreshError",
    "RefreshRefused",
    "RefreshResult",
    "backup_path",
    "dropped_features",
    "lost_parts",
    "read_carried_parts",
    "refresh",
    "with_carried_parts",
    "write_backup",
]
