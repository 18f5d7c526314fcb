"""Build a team's template workbook from its spec with openpyxl.

Every template has the same layout, following the habits of good financial models:

- **About**: what the workbook is, how to refresh it, which add-in runtime it needs, a guide to the sheets.
- **Inputs**: the reporting period, the status band and one target per KPI, styled as inputs (blue on
  yellow) and reached through defined names (``PeriodStart``, ``Target_win_rate``): no number is typed
  into a KPI formula.
- **KPIs**: metric, leading/lagging, value, target, status (red/amber/green), benchmark with its source,
  a one-sentence definition and the formula in words, and the catalogue function.
- **Scorecard** (teams with people): one row per person, the same formula per column, narrowed with a
  criteria pair on the person's column.
- **Trend**: the trend KPIs month by month, with a native Excel chart.
- **Table sheets** (spec ``[[table_sheet]]``): one catalogue table spilled from one dynamic-array formula,
  such as the MRR movements waterfall with its charts or a cohort retention heat map.
- One sheet per **data table**, each a real Excel Table with data validation on categorical columns,
  and a hidden **Lists** sheet holding the allowed values.

Printing: the About, Inputs, KPI, Scorecard and Trend sheets print landscape, one page wide (as many pages
tall as needed) with their header row repeated on every page; the KPI sheet prints metric to formula (the
function column stays on screen). Table sheets print the same way, their table and charts (the fill narrows the
print area to the table it spilled). Data sheets print one page wide with their header row repeated, but Excel
has no "do not print this sheet" setting for a visible sheet: Ctrl+P prints the active sheet, and the
workbook opens on the KPI sheet. Rows holding wrapped text get heights computed from the text length and
the column width (CJK characters count double), because neither Excel nor LibreOffice sizes rows that
openpyxl writes. :func:`apply_currency` shows money in a currency.

``python -m workbook_templates.builder`` rebuilds every committed template.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.chart.data_source import NumFmt, StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import coordinate_to_tuple, get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

import udfs

from . import data_model
from .fill.cached_values import DYNAMIC_ARRAY_METADATA, DynamicArrays, finish
from .fill.cells import write_formula, write_value
from .fill.spills import array_formula_cells
from .messages import LANGUAGES, Messages, messages
from .spec import InputList, Kpi, TableSheet, TeamSpec, load, load_all

BUILT_DIR = Path(__file__).resolve().parent / "built"
RUNTIMES = ("classic", "lite", "server")
TREND_MONTHS = 24
DEFAULT_PERIOD = (dt.date(2025, 10, 1), dt.date(2025, 12, 31))  # the last quarter of the sample data
DEFAULT_TREND_START = dt.date(2024, 1, 1)
AMBER_BAND = 0.9  # within 90 % of target is amber; an input on the Inputs sheet
FIXED_TIMESTAMP = dt.datetime(2025, 1, 1)  # document properties, so rebuilding changes nothing

KPI_HEADER_ROW = 4
FIRST_ROW = KPI_HEADER_ROW + 1

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
FONT_NAME = "Calibri"  # named on every font: a font without a name is drawn in the reader's default serif
INPUT_FONT = Font(name=FONT_NAME, color="0000FF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(name=FONT_NAME, color="FFFFFF", bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True, color="1F4E78")
NOTE_FONT = Font(name=FONT_NAME, italic=True, color="595959")
WRAP = Alignment(wrap_text=True, vertical="top")
STATUS_STYLES = {
    "on_track": (PatternFill("solid", fgColor="C6EFCE"), Font(color="006100", bold=True)),
    "watch": (PatternFill("solid", fgColor="FFEB9C"), Font(color="9C5700", bold=True)),
    "off_track": (PatternFill("solid", fgColor="FFC7CE"), Font(color="9C0006", bold=True)),
}
COLUMN_FORMATS = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "money": "#,##0.00",
    "percent": "0.0%",
    "number": "#,##0.00",
    "integer": "0",
}
DATE_FORMAT = "yyyy-mm-dd"

# KPI sheet columns: what a manager reads (printed), then the catalogue function (on screen only).
KPI_COLUMNS = ("metric", "indicator", "value", "target", "status", "benchmark", "definition", "formula", "function")
KPI_WIDTHS = (34, 11, 13, 13, 12, 30, 48, 40, 24)
KPI_PRINTED = KPI_COLUMNS.index("formula") + 1
KPI_NOTE_COLUMN = len(KPI_COLUMNS) + 1  # the fill's note on a KPI without a value or with its own target
SCORECARD_WIDTHS = (24, 15)  # person, then each KPI
TREND_WIDTHS = (11, 11, 11, 14)  # month, month end, next month (helpers), then each KPI
CHART_ROWS = 16  # rows per chart on the trend sheet
CHART_COLUMNS = 9  # default-width columns a chart covers
ABOUT_WIDTH = 110
INPUT_WIDTHS = (44, 16, 60)

LINE_HEIGHT = 15.0  # points per line of 11 pt Calibri
CJK_LINE_HEIGHT = 17.0  # CJK fonts (DengXian, Microsoft JhengHei) are taller
ROW_PADDING = 3.0

#: Money number formats: the KPI unit "currency" and the data type "money".
MONEY_FORMATS = {udfs.registry.NUMBER_FORMATS["currency"]: 0, COLUMN_FORMATS["money"]: 2}
CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "¥",
    "TWD": "NT$",
    "HKD": "HK$",
    "SGD": "S$",
    "AUD": "A$",
    "CAD": "CA$",
    "INR": "₹",
    "KRW": "₩",
}
CURRENCY_CODE = re.compile(r"[A-Z]{3}")
PRINTED_SHEETS = ("about", "inputs", "kpis", "scorecard", "trend")


# Advance widths of Calibri (units per 2048 em), so wrapped lines are counted as Excel draws them. A
# column of width w is 7w + 5 pixels at 11 pt; an em is 14.67 pixels.
CALIBRI_ADVANCE = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyz .,;:'()/-",
        (
            981,
            1076,
            866,
            1076,
            1019,
            625,
            964,
            1076,
            470,
            490,
            931,
            470,
            1636,
            1076,
            1080,
            1076,
            1076,
            714,
            801,
            686,
            1076,
            925,
            1464,
            887,
            927,
            809,
            463,
            517,
            511,
            548,
            548,
            452,
            621,
            621,
            791,
            627,
        ),
        strict=True,
    )
)
DEFAULT_ADVANCE = 1150  # capitals, digits (1038) and symbols
PIXELS_PER_EM = 14.67
BOLD_FACTOR = 1.07  # bold text is wider
WIDE_PIXELS = 15.0  # a CJK character at 11 pt, its full em and a little spacing
WRAP_TOKEN = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]|[^\s\u2e80-\ua4cf\uff00-\uffef]+\s*|\s+"
)


def text_pixels(text: str) -> float:
    """Width of ``text`` in pixels at 11 pt Calibri; East Asian wide and full-width characters are a full em."""
    return sum(
        WIDE_PIXELS
        if unicodedata.east_asian_width(char) in "WF"
        else CALIBRI_ADVANCE.get(char, DEFAULT_ADVANCE) * PIXELS_PER_EM / 2048
        for char in text
    )


def display_width(text: str) -> float:
    """Width of ``text`` in Excel column units (the width of the digit 0); CJK characters count about double."""
    return text_pixels(text) / 7


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` units wide: words wrap whole, CJK by character."""
    usable = max(width, 1.0)  # a column w wide is 7w + 5 pixels, less about 4 pixels of margins
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for token in WRAP_TOKEN.findall(paragraph):
            size = display_width(token.rstrip())
            if used and used + size > usable:
                lines += 1
                used = 0.0
            while size > usable:  # a word longer than the column breaks anywhere
                lines += 1
                size -= usable
            used += display_width(token)
    return lines


def row_height(texts_and_widths: Iterable[tuple[Any, float]], font_size: float = 11) -> float:
    """The row height in points that shows every wrapped text of a row in full."""
    height = LINE_HEIGHT
    for text, width in texts_and_widths:
        if text is None or text == "":
            continue
        text = str(text)
        line = CJK_LINE_HEIGHT if display_width(text) != len(text) else LINE_HEIGHT
        height = max(height, wrapped_lines(text, width * 11 / font_size) * line * font_size / 11)
    return round(height + ROW_PADDING, 1)


def fit_row_heights(ws: Worksheet, first_row: int, last_row: int, columns: Iterable[int] | None = None) -> None:
    """Set each row's height so the wrapped text of ``columns`` (default: every column) shows in full."""
    for row in range(first_row, last_row + 1):
        cells = [ws.cell(row=row, column=c) for c in columns] if columns else list(ws[row])
        texts = [
            (
                cell.value,
                (ws.column_dimensions[get_column_letter(cell.column)].width or 8.43)
                / (BOLD_FACTOR if cell.font.b else 1),
            )
            for cell in cells
            if isinstance(cell.value, str) and cell.data_type != "f"
        ]
        size = max((cell.font.sz or 11 for cell in cells if cell.value is not None), default=11)
        ws.row_dimensions[row].height = row_height(texts, size)


def currency_format(currency: str, decimals: int = 0) -> str:
    """The Excel number format of money in ``currency`` (an ISO 4217 code): ``"€"#,##0`` for EUR."""
    code = currency.strip().upper()
    if not CURRENCY_CODE.fullmatch(code):
        raise ValueError(f"currency {currency!r} is not a three-letter ISO 4217 code such as EUR, USD or CNY")
    symbol = CURRENCY_SYMBOLS.get(code, f"{code} ")
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    return f'"{symbol}"{digits}'


def column_formats(currency: str | None = None) -> dict[str, str]:
    """Number formats of the data-sheet column types, money in ``currency`` when given (for the fill)."""
    formats = dict(COLUMN_FORMATS)
    if currency:
        formats["money"] = currency_format(currency, MONEY_FORMATS[COLUMN_FORMATS["money"]])
    return formats


def print_setup(ws: Worksheet, header_rows: str | None, print_area: str | None = None) -> None:
    """Landscape, one page wide and as many tall as needed, ``header_rows`` ("4:4") repeated on each page."""
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.75, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&A · &P / &N"
    ws.oddFooter.center.font, ws.oddFooter.center.size = f"{FONT_NAME},Regular", 10
    if header_rows:
        ws.print_title_rows = header_rows
    if print_area:
        ws.print_area = print_area


def _identity(name: str) -> str:
    return name


def function_namer(runtime: str) -> Callable[[str], str]:
    """How catalogue function names are written in formulas for a runtime (see docs/EXCEL_RUNTIMES.md)."""
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown runtime {runtime!r}; choose one of {', '.join(RUNTIMES)}")
    try:
        from udfs.excel import formula_name
    except ImportError:  # the adapter is optional for building classic templates
        return _identity
    return lambda name: formula_name(name, runtime)


def rename_functions(formula: str, namer: Callable[[str], str]) -> str:
    """The formula with each catalogue function renamed for the runtime; everything else untouched."""
    from openpyxl.formula.tokenizer import Tokenizer

    if namer is _identity:
        return formula
    names = {entry.name for entry in udfs.catalog()}
    parts = []
    for token in Tokenizer(formula).items:
        text = token.value
        if token.type == "FUNC" and token.subtype == "OPEN" and text[:-1].upper() in names:
            text = namer(text[:-1].upper()) + "("
        parts.append(text)
    return "=" + "".join(parts)


def _stored_names() -> dict[str, str]:
    """Every way a catalogue function is stored in a formula (any runtime, upper case) -> its Excel name."""
    from udfs.excel import formula_name

    names = {}
    for entry in udfs.catalog():
        for runtime in RUNTIMES:
            names[formula_name(entry.name, runtime).upper()] = entry.name
    return names


def convert_formula(formula: str, runtime: str) -> str:
    """A formula written for any runtime with each catalogue call as ``runtime`` stores it
    (``ACV(...)`` <-> ``_xldudf_ACV(...)`` <-> ``_xldudf_KPI_ACV(...)``); everything else untouched."""
    from openpyxl.formula.tokenizer import Tokenizer

    namer = function_namer(runtime)
    stored = _stored_names()
    parts = []
    changed = False
    for token in Tokenizer(formula).items:
        text = token.value
        if token.type == "FUNC" and token.subtype == "OPEN" and text[:-1].upper() in stored:
            renamed = namer(stored[text[:-1].upper()]) + "("
            changed = changed or renamed != text
            text = renamed
        parts.append(text)
    return "=" + "".join(parts) if changed else formula


def set_runtime(workbook: Workbook, runtime: str) -> int:
    """Make a KPI workbook one for ``runtime``: every catalogue call in its formulas and defined names as that
    runtime stores it, its About sheet's runtime line and its ``KpiRuntime`` property. Returns the number of
    formulas changed."""
    function_namer(runtime)  # checks the name
    props = {prop.name: prop for prop in workbook.custom_doc_props.props}
    old = str(props["KpiRuntime"].value) if "KpiRuntime" in props else None
    changed = 0
    for ws in workbook.worksheets:
        for cell in ws._cells.values():
            if cell.data_type != "f":
                continue
            value = cell._value
            text = getattr(value, "text", value)
            if isinstance(text, str) and text.startswith("="):
                converted = convert_formula(text, runtime)
                if converted != text:
                    changed += 1
                    if isinstance(value, str):
                        cell._value = converted
                    else:
                        value.text = converted
    for defined in workbook.defined_names.values():
        if defined.attr_text and "(" in defined.attr_text:
            defined.attr_text = convert_formula("=" + defined.attr_text, runtime)[1:]
    if "KpiLanguage" in props and old in RUNTIMES and old != runtime:
        msg = messages(str(props["KpiLanguage"].value))
        about = workbook[msg["sheet.about"]] if msg["sheet.about"] in workbook.sheetnames else None
        for cell in about._cells.values() if about is not None else ():
            if cell.value == msg[f"about.runtime_{old}"]:
                cell.value = msg[f"about.runtime_{runtime}"]
    if "KpiRuntime" in props:
        props["KpiRuntime"].value = runtime
    else:
        workbook.custom_doc_props.append(StringProperty(name="KpiRuntime", value=runtime))
    return changed
SEED_CITATION = re.compile(r"\(\s*(?:([^()]*?),\s*)?seed (\d{3})[^()]*\)")


def cite_sources(text: str, msg: Messages) -> str:
    """Seed references as publications: "(RAIN Group, seed 000)" → "(RAIN Group via Trust Enablement …)"."""

    def publication(match: re.Match) -> str:
        source = msg[f"source.seed_{match.group(2)}"]
        if match.group(1):
            return "(" + msg["source.via"].format(origin=match.group(1), source=source) + ")"
        return f"({source})"

    return SEED_CITATION.sub(publication, text)


class TemplateBuilder:
    """Builds one team's workbook in one language for one runtime; :meth:`build` returns it."""

    def __init__(
        self,
        spec: TeamSpec,
        lang: str = "en",
        runtime: str = "classic",
        workbook: Workbook | None = None,
        currency: str | None = None,
    ):
        """``workbook``: an already built template to add to (the fill adds scorecard rows).

        ``currency``: an ISO 4217 code; money shows in it (default: plain numbers)."""
        self.spec = spec
        self.msg: Messages = messages(lang)
        self.runtime = runtime
        self.namer = function_namer(runtime)
        self.wb = workbook or Workbook()
        if currency is None and workbook is not None:
            currency = workbook_currency(workbook)  # a built template keeps its currency for the fill
        self.currency = currency_format(currency) if currency else None
        self.currency_code = currency.strip().upper() if currency else None
        self.sheet_title = {
            key: self.msg[f"sheet.{key}"] for key in ("about", "inputs", "kpis", "scorecard", "trend", "lists")
        }

    # ------------------------------------------------------------------------------------------ build

    def build(self) -> Workbook:
        self.wb.remove(self.wb.active)
        about = self.wb.create_sheet(self.sheet_title["about"])
        self._inputs(self.wb.create_sheet(self.sheet_title["inputs"]))
        self._kpis(self.wb.create_sheet(self.sheet_title["kpis"]))
        if self.spec.scorecard is not None:
            self._scorecard_header(self.wb.create_sheet(self.sheet_title["scorecard"]))
        if self.spec.trend_kpis:
            self._trend(self.wb.create_sheet(self.sheet_title["trend"]))
        for table_sheet in self.spec.table_sheets:
            self._table_sheet(self.wb.create_sheet(self.msg[f"table_sheet.{table_sheet.key}.sheet"]), table_sheet)
        lists = self.wb.create_sheet(self.sheet_title["lists"])
        for name in self.spec.tables:
            self._data_sheet(self.wb.create_sheet(name), data_model.TABLES[name], lists)
        lists.sheet_state = "hidden"
        self._about(about)
        self.wb.active = self.wb.index(self.wb[self.sheet_title["kpis"]])
        props = self.wb.properties
        props.creator = "KPI add-in template builder"
        props.title = self.msg["about.title"].format(team=self.msg[f"team.{self.spec.team}"])
        props.created = props.modified = FIXED_TIMESTAMP
        for name, value in (("KpiTeam", self.spec.team), ("KpiLanguage", self.msg.lang), ("KpiRuntime", self.runtime)):
            self.wb.custom_doc_props.append(StringProperty(name=name, value=value))
        if self.currency_code:
            self.apply_currency()
        return self.wb

    def formula(self, text: str) -> str:
        return rename_functions(text, self.namer)

    # ------------------------------------------------------------------------------------------ sheets

    def _title(self, ws: Worksheet, text: str, subtitle: str = "") -> None:
        ws["A1"] = text
        ws["A1"].font = TITLE_FONT
        ws.row_dimensions[1].height = 24
        if subtitle:
            ws["A2"] = subtitle
            ws["A2"].font = NOTE_FONT

    def _header(self, ws: Worksheet, row: int, labels: Iterable[str]) -> None:
        """The header row; call after the column widths are set (its height fits the wrapped labels)."""
        for column, label in enumerate(labels, start=1):
            cell = ws.cell(row=row, column=column, value=label)
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        fit_row_heights(ws, row, row)

    def _widths(self, ws: Worksheet, widths: Iterable[float], first: int = 1) -> None:
        for column, width in enumerate(widths, start=first):
            ws.column_dimensions[get_column_letter(column)].width = width

    def _define(self, name: str, ws: Worksheet, coordinate: str) -> None:
        column, row = coordinate.rstrip("0123456789"), coordinate[len(coordinate.rstrip("0123456789")) :]
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(ws.title)}!${column}${row}")

    def _about(self, ws: Worksheet) -> None:
        team = self.msg[f"team.{self.spec.team}"]
        self._title(ws, self.msg["about.title"].format(team=team))
        examples = self.msg["about.list_separator"].join(self.spec.tables[:2])
        lines = [line.format(team=team, tables=examples) for line in self.msg["about.lines"]]
        lines += ["", self.msg[f"about.runtime_{self.runtime}"], "", self.msg["about.sheets_heading"]]
        guide = [("about", "about.sheet_about"), ("inputs", "about.sheet_inputs"), ("kpis", "about.sheet_kpis")]
        if self.spec.scorecard is not None:
            guide.append(("scorecard", "about.sheet_scorecard"))
        if self.spec.trend_kpis:
            guide.append(("trend", "about.sheet_trend"))
        lines += [f"• {self.sheet_title[key]}: {self.msg[text]}" for key, text in guide]
        lines += [
            f"• {self.msg[f'table_sheet.{t.key}.sheet']}: {self.msg[f'table_sheet.{t.key}.subtitle']}"
            for t in self.spec.table_sheets
        ]
        tables = self.msg["about.list_separator"].join(self.spec.tables)
        lines.append(f"• {tables}: {self.msg['about.sheet_tables']}")
        lines += ["", self.msg["about.table_names"], "", self.msg["about.colours"], "", self.msg["about.printing"]]
        lines += ["", self.msg["about.sources"]]
        for row, line in enumerate(lines, start=3):
            ws.cell(row=row, column=1, value=line).alignment = WRAP
        ws.column_dimensions["A"].width = ABOUT_WIDTH
        fit_row_heights(ws, 3, 2 + len(lines), [1])
        print_setup(ws, None, f"A1:A{2 + len(lines)}")

    def _inputs(self, ws: Worksheet) -> None:
        self._title(ws, self.msg["inputs.title"], self.msg["inputs.subtitle"])
        self._widths(ws, INPUT_WIDTHS)
        self._header(
            ws, KPI_HEADER_ROW, [self.msg["inputs.setting"], self.msg["inputs.value"], self.msg["inputs.notes"]]
        )
        rows: list[tuple[str, str, Any, str, str]] = [
            ("PeriodStart", self.msg["inputs.period_start"], DEFAULT_PERIOD[0], DATE_FORMAT, ""),
            (
                "PeriodEnd",
                self.msg["inputs.period_end"],
                DEFAULT_PERIOD[1],
                DATE_FORMAT,
                self.msg["inputs.period_end_note"],
            ),
            ("AmberBand", self.msg["inputs.amber_band"], AMBER_BAND, "0%", self.msg["inputs.amber_band_note"]),
            ("TrendStart", self.msg["inputs.trend_start"], DEFAULT_TREND_START, DATE_FORMAT, ""),
        ]
        for item in self.spec.inputs:
            rows.append((item.name, self.msg[f"input.{item.name}"], item.value, item.unit or "General", ""))
        for kpi in self.spec.kpis:
            if kpi.target is not None:
                direction = self.msg[f"inputs.better_{kpi.better}"]
                rows.append(
                    (
                        f"Target_{kpi.key}",
                        self.msg["inputs.target"].format(kpi=self.msg.kpi(kpi.key)),
                        kpi.target,
                        kpi.number_format,
                        direction,
                    )
                )
        row = FIRST_ROW
        for name, label, value, fmt, note in rows:
            ws.cell(row=row, column=1, value=label).alignment = WRAP
            cell = ws.cell(row=row, column=2, value=value)
            cell.number_format, cell.fill, cell.font = fmt, INPUT_FILL, INPUT_FONT
            cell.alignment = Alignment(vertical="top")
            note_cell = ws.cell(row=row, column=3, value=note)
            note_cell.font, note_cell.alignment = NOTE_FONT, WRAP
            self._define(name, ws, f"B{row}")
            row += 1
        # Calculated, not inputs: the day after the period (so date-time rows on its last day count) and
        # whatever the spec derives from the inputs.
        calculations = [("PeriodUntil", self.msg["inputs.period_until"], "=PeriodEnd+1", DATE_FORMAT)]
        calculations += [
            (c.name, self.msg[f"input.{c.name}"], c.formula, c.unit or "General") for c in self.spec.calculations
        ]
        for name, label, formula, fmt in calculations:
            ws.cell(row=row, column=1, value=label).alignment = WRAP
            write_formula(ws.cell(row=row, column=2), self.formula(formula))
            ws.cell(row=row, column=2).number_format = fmt
            ws.cell(row=row, column=2).alignment = Alignment(vertical="top")
            note_cell = ws.cell(row=row, column=3, value=self.msg["inputs.calculated"])
            note_cell.font, note_cell.alignment = NOTE_FONT, WRAP
            self._define(name, ws, f"B{row}")
            row += 1
        for listed in self.spec.input_lists:
            row = self._input_list(ws, listed, row + 1)
        fit_row_heights(ws, FIRST_ROW, row - 1, [1, 3])
        ws.freeze_panes = f"A{FIRST_ROW}"
        print_setup(ws, f"{KPI_HEADER_ROW}:{KPI_HEADER_ROW}", f"A1:C{row - 1}")

    def definition(self, kpi: Kpi) -> str:
        """One sentence saying what the KPI measures, in the workbook's language."""
        return self.msg[f"definition.{kpi.key}"]

    def formula_in_words(self, kpi: Kpi) -> str:
        """The catalogue function's formula in words: the registry's in English, translated otherwise."""
        function = kpi.function
        if self.msg.lang == "en":
            return function.formula
        return self.msg[f"formula.{function.name}"]

    def benchmark(self, kpi: Kpi) -> str:
        """The industry benchmark with its source named as a publication, or ""."""
        benchmark = kpi.benchmark or kpi.function.benchmark
        if not benchmark:
            return ""
        if self.msg.lang != "en":
            return self.msg[f"benchmark.{kpi.key}"]
        return cite_sources(benchmark, self.msg)

    def _input_list(self, ws: Worksheet, listed: InputList, row: int) -> int:
        """A titled block of inputs named as one range (B), with their labels (A) and a calculated column
        (C); returns the next free row."""
        prefix = f"input_list.{listed.name}"
        headers = [self.msg[f"{prefix}.label"], self.msg[f"{prefix}.value"], self.msg.get(f"{prefix}.calculated")]
        ws.cell(row=row, column=1, value=self.msg[f"{prefix}.title"]).font = Font(bold=True)
        ws.cell(row=row, column=3, value=self.msg[f"{prefix}.note"]).font = NOTE_FONT
        self._header(ws, row + 1, [h for h in headers if h])
        first = row + 2
        for index in range(listed.size):
            current = first + index
            label = ws.cell(row=current, column=1, value=listed.labels[index] if listed.labels else None)
            if listed.labels:
                label.fill, label.font = INPUT_FILL, INPUT_FONT
            cell = ws.cell(row=current, column=2, value=listed.values[index] if index < len(listed.values) else None)
            cell.number_format, cell.fill, cell.font = listed.unit or "General", INPUT_FILL, INPUT_FONT
            if listed.calculated:
                formula = listed.calculated.replace("{label}", f"$A{current}")
                write_formula(ws.cell(row=current, column=3), self.formula(formula))
                ws.cell(row=current, column=3).number_format = listed.calculated_unit or "General"
        last = first + listed.size - 1
        self._define_range(listed.name, ws, f"$B${first}:$B${last}")
        if listed.calculated_name:
            self._define_range(listed.calculated_name, ws, f"$C${first}:$C${last}")
        return last + 2

    def _define_range(self, name: str, ws: Worksheet, cells: str) -> None:
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(ws.title)}!{cells}")

    def _kpis(self, ws: Worksheet) -> None:
        self._title(ws, self.msg["about.title"].format(team=self.msg[f"team.{self.spec.team}"]))
        ws["A2"] = self.msg["kpis.period"]
        write_formula(ws["B2"], "=PeriodStart")
        write_formula(ws["C2"], "=PeriodEnd")
        ws["B2"].number_format = ws["C2"].number_format = DATE_FORMAT
        self._widths(ws, KPI_WIDTHS)
        self._header(ws, KPI_HEADER_ROW, [self.msg[f"kpis.{h}"] for h in KPI_COLUMNS])
        status = {key: self.msg[f"status.{key}"] for key in STATUS_STYLES}
        top = Alignment(vertical="top")
        for row, kpi in enumerate(self.spec.kpis, start=FIRST_ROW):
            function = kpi.function
            texts = {
                "metric": self.msg.kpi(kpi.key),
                "indicator": self.msg[f"indicator.{function.indicator}"],
                "benchmark": self.benchmark(kpi) or None,
                "definition": self.definition(kpi),
                "formula": self.formula_in_words(kpi),
                "function": function.name,
            }
            for key, text in texts.items():
                ws.cell(row=row, column=KPI_COLUMNS.index(key) + 1, value=text).alignment = WRAP
            value = ws.cell(row=row, column=3)
            write_formula(value, self.formula(kpi.formula_for()))
            value.number_format, value.alignment = kpi.number_format, top
            target = ws.cell(row=row, column=4)
            target.alignment = top
            if kpi.target is not None:
                write_formula(target, f"=Target_{kpi.key}")
                target.number_format = value.number_format
            write_formula(ws.cell(row=row, column=5), _status_formula(row, kpi.better, status))
            ws.cell(row=row, column=5).alignment = top
        last = FIRST_ROW + len(self.spec.kpis) - 1
        for key, (fill, font) in STATUS_STYLES.items():
            ws.conditional_formatting.add(
                f"E{FIRST_ROW}:E{last}",
                CellIsRule(operator="equal", formula=[f'"{status[key]}"'], fill=fill, font=font),
            )
        fit_row_heights(ws, FIRST_ROW, last)
        ws.freeze_panes = f"B{FIRST_ROW}"
        printed = get_column_letter(KPI_PRINTED)
        print_setup(ws, f"{KPI_HEADER_ROW}:{KPI_HEADER_ROW}", f"A1:{printed}{last}")

    def _scorecard_header(self, ws: Worksheet) -> None:
        self._title(ws, self.msg["scorecard.title"], self.msg["scorecard.subtitle"])
        kpis = self.spec.scorecard_kpis
        ws.column_dimensions["A"].width = SCORECARD_WIDTHS[0]
        self._widths(ws, [SCORECARD_WIDTHS[1]] * len(kpis), first=2)
        self._header(ws, KPI_HEADER_ROW, [self.msg["scorecard.person"], *(self.msg.kpi(k.key) for k in kpis)])
        ws.freeze_panes = f"B{FIRST_ROW}"
        self.set_scorecard_print_area(ws, KPI_HEADER_ROW)

    def set_scorecard_print_area(self, ws: Worksheet, last_row: int) -> None:
        last_column = get_column_letter(len(self.spec.scorecard_kpis) + 1)
        print_setup(ws, f"{KPI_HEADER_ROW}:{KPI_HEADER_ROW}", f"A1:{last_column}{last_row}")

    def fill_scorecard(self, people: list[str]) -> None:
        """One row per person, each KPI narrowed to that person with the spec's criteria pair."""
        ws = self.wb[self.sheet_title["scorecard"]]
        for row, person in enumerate(people, start=FIRST_ROW):
            write_value(ws.cell(row=row, column=1), person)
            for column, kpi in enumerate(self.spec.scorecard_kpis, start=2):
                cell = ws.cell(row=row, column=column)
                write_formula(cell, self.formula(kpi.formula_for(by=f"$A{row}")))
                cell.number_format = self.number_format(kpi)
        self.set_scorecard_print_area(ws, max(KPI_HEADER_ROW, FIRST_ROW + len(people) - 1))

    def number_format(self, kpi: Kpi) -> str:
        if self.currency_code and _is_money(kpi):
            return currency_format(self.currency_code, MONEY_FORMATS[kpi.number_format])
        return kpi.number_format

    def _trend(self, ws: Worksheet) -> None:
        self._title(ws, self.msg["trend.title"], self.msg["trend.subtitle"])
        kpis = self.spec.trend_kpis
        labels = [self.msg["trend.month"], self.msg["trend.month_end"], self.msg["trend.next_month"]]
        self._widths(ws, TREND_WIDTHS[:3])
        self._widths(ws, [TREND_WIDTHS[3]] * len(kpis), first=4)
        self._header(ws, KPI_HEADER_ROW, labels + [self.msg.kpi(k.key) for k in kpis])
        for index in range(TREND_MONTHS):
            row = FIRST_ROW + index
            write_formula(ws.cell(row=row, column=1), "=TrendStart" if index == 0 else f"=EDATE(A{row - 1},1)")
            write_formula(ws.cell(row=row, column=2), f"=EOMONTH(A{row},0)")
            write_formula(ws.cell(row=row, column=3), f"=B{row}+1")
            for column in (1, 2, 3):
                ws.cell(row=row, column=column).number_format = DATE_FORMAT
            ws.cell(row=row, column=1).number_format = "yyyy-mm"
            for column, kpi in enumerate(kpis, start=4):
                if index == 0:
                    letter = get_column_letter(column)
                    cells = f"${letter}${FIRST_ROW}:${letter}${FIRST_ROW + TREND_MONTHS - 1}"
                    self.wb.defined_names[f"Trend_{kpi.key}"] = DefinedName(
                        f"Trend_{kpi.key}", attr_text=f"{quote_sheetname(ws.title)}!{cells}"
                    )
                cell = ws.cell(row=row, column=column)
                write_formula(cell, self.formula(kpi.formula_for(period=(f"$A{row}", f"$B{row}", f"$C{row}"))))
                cell.number_format = kpi.number_format
        last = FIRST_ROW + TREND_MONTHS - 1
        # Month end and next month are helpers of the formulas: grouped and hidden (the + above opens them).
        ws.column_dimensions.group("B", "C", hidden=True, outline_level=1)
        ws.sheet_properties.outlinePr.summaryRight = False
        chart_column = len(kpis) + 5
        keys = self.spec.trend_chart or (kpis[0].key,)
        for number, key in enumerate(keys):
            kpi = kpis[[k.key for k in kpis].index(key)]
            column = 4 + kpis.index(kpi)
            chart = LineChart()
            chart.title = self.msg.kpi(key)
            chart.height, chart.width = 7.5, 16
            chart.y_axis.title = self.msg[f"unit.{kpi.unit or kpi.function.unit}"]
            chart.y_axis.numFmt = NumFmt(formatCode=kpi.number_format, sourceLinked=True)
            chart.x_axis.title = self.msg["trend.month"]
            chart.x_axis.numFmt = NumFmt(formatCode="yyyy-mm", sourceLinked=False)
            chart.x_axis.delete = chart.y_axis.delete = False
            chart.x_axis.axPos = "b"
            chart.x_axis.tickLblPos = "low"  # month labels below the plot, also when values go negative
            chart.add_data(Reference(ws, min_col=column, min_row=KPI_HEADER_ROW, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=last))
            for series in chart.series:
                series.smooth = False
            chart.legend = None
            ws.add_chart(chart, f"{get_column_letter(chart_column)}{KPI_HEADER_ROW + number * CHART_ROWS}")
        ws.freeze_panes = f"D{FIRST_ROW}"
        last_row = max(last, KPI_HEADER_ROW + len(keys) * CHART_ROWS)
        last_column = get_column_letter(chart_column + CHART_COLUMNS)
        print_setup(ws, f"{KPI_HEADER_ROW}:{KPI_HEADER_ROW}", f"A1:{last_column}{last_row}")

    def _table_sheet(self, ws: Worksheet, item: TableSheet) -> None:
        """One catalogue table spilled from the dynamic-array formula at A{TABLE_ROW}: its first row is the
        function's header, its first column months. The area it spills into is formatted in advance."""
        prefix = f"table_sheet.{item.key}"
        self._title(ws, self.msg[f"{prefix}.title"], self.msg[f"{prefix}.subtitle"])
        labels = self.msg.get(f"{prefix}.columns") or []
        for column, label in enumerate(labels, start=1):  # the function's header is English: a translation above
            translated = ws.cell(row=TABLE_ROW - 1, column=column, value=label)
            translated.fill, translated.font = HEADER_FILL, HEADER_FONT
            translated.alignment = Alignment(horizontal="center")
        # The manager reads the translation: a header row of the function's English words stays hidden; where
        # it also holds numbers (a cohort table's months 0, 1, 2, ...) it shows, its one word in the translation.
        translated_header = bool(labels) and len(labels) >= item.columns
        if translated_header:
            ws.row_dimensions[TABLE_ROW].hidden = True
        elif labels:
            ws.cell(row=TABLE_ROW, column=1).number_format = f'General;-General;General;"{labels[0]}"'
        anchor = ws.cell(row=TABLE_ROW, column=1)
        anchor.value = ArrayFormula(anchor.coordinate, self.formula(item.formula))
        for column in range(1, item.columns + 1):
            header = ws.cell(row=TABLE_ROW, column=column)
            header.fill, header.font = HEADER_FILL, HEADER_FONT
            header.alignment = Alignment(horizontal="center")
            for row in range(TABLE_ROW + 1, TABLE_ROW + item.rows + 1):
                ws.cell(row=row, column=column).number_format = MONTH_FORMAT if column == 1 else item.format
            width = 12 if column == 1 else (15 if item.columns < 20 else 7)
            ws.column_dimensions[get_column_letter(column)].width = width
        last_row, last_column = TABLE_ROW + item.rows, get_column_letter(item.columns)
        if item.heatmap:
            low, middle, high = item.heatmap
            ws.conditional_formatting.add(
                f"B{TABLE_ROW + 1}:{last_column}{last_row}",
                ColorScaleRule(
                    start_type="num", start_value=low, start_color="F8696B",
                    mid_type="num", mid_value=middle, mid_color="FFEB84",
                    end_type="num", end_value=high, end_color="63BE7B",
                ),
            )
        if item.chart == "movements":
            self._movements_charts(ws, item, last_row)
        ws.freeze_panes = f"B{TABLE_ROW + 1}"
        # The subtitle wraps over the printed width, so it neither runs off the page nor widens it.
        printed_columns = table_sheet_print_columns(ws, item.columns)
        subtitle = ws["A2"]
        subtitle.alignment = WRAP
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=printed_columns)
        width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, printed_columns + 1))
        ws.row_dimensions[2].height = row_height([(subtitle.value, width)])
        first_header = TABLE_ROW - 1 if labels else TABLE_ROW
        header_rows = f"{first_header}:{TABLE_ROW - 1 if translated_header else TABLE_ROW}"
        print_setup(ws, header_rows)
        set_table_sheet_print_area(ws, last_row, item.columns)

    def _movements_charts(self, ws: Worksheet, item: TableSheet, last_row: int) -> None:
        """The waterfall's movements as columns per month, and the ending MRR as a line; the fill narrows
        both to the months of the data."""
        prefix = f"table_sheet.{item.key}"
        months = Reference(ws, min_col=1, min_row=TABLE_ROW + 1, max_row=last_row)
        bars = BarChart()
        bars.type, bars.grouping = "col", "clustered"
        bars.title = self.msg[f"{prefix}.chart_movements"]
        bars.height, bars.width = 9, 22
        # the series names: the function's header, or its translation above it in Chinese
        names_row = TABLE_ROW - 1 if self.msg.get(f"{prefix}.columns") else TABLE_ROW
        # from the second month: the first month's New is the whole MRR already paying when the data starts
        for column in range(3, 8):
            values = Reference(ws, min_col=column, min_row=TABLE_ROW + 2, max_row=last_row)
            series = Series(values, title_from_data=False)
            header = f"{quote_sheetname(ws.title)}!${get_column_letter(column)}${names_row}"
            series.tx = SeriesLabel(strRef=StrRef(header))
            bars.series.append(series)
        bars.set_categories(Reference(ws, min_col=1, min_row=TABLE_ROW + 2, max_row=last_row))
        self._month_axes(bars)
        bars.legend.position = "b"
        ws.add_chart(bars, f"{get_column_letter(item.columns + 2)}{TABLE_ROW}")
        line = LineChart()
        line.title = self.msg[f"{prefix}.chart_ending"]
        line.height, line.width = 7.5, 22
        line.add_data(Reference(ws, min_col=8, min_row=TABLE_ROW, max_row=last_row), titles_from_data=True)
        line.set_categories(months)
        self._month_axes(line)
        for series in line.series:
            series.smooth = False
        line.legend = None
        ws.add_chart(line, f"{get_column_letter(item.columns + 2)}{TABLE_ROW + 20}")

    def _month_axes(self, chart: BarChart | LineChart) -> None:
        """Months along the bottom, money up the side, both titled in the workbook's language."""
        chart.x_axis.title = self.msg["trend.month"]
        chart.x_axis.number_format = MONTH_FORMAT
        chart.y_axis.title = self.msg["unit.currency"]
        chart.y_axis.numFmt = NumFmt(formatCode=self.currency or "#,##0", sourceLinked=False)
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.x_axis.axPos = "b"
        chart.x_axis.tickLblPos = "low"  # month labels below the plot, also when movements go negative

    def _data_sheet(self, ws: Worksheet, table: data_model.Table, lists: Worksheet) -> None:
        formats = column_formats(self.currency_code)
        for column, spec in enumerate(table.columns, start=1):
            ws.cell(row=1, column=column, value=spec.name)
            letter = get_column_letter(column)
            ws.column_dimensions[letter].width = max(12, len(spec.name) + 4)
            if spec.type in formats:
                ws.column_dimensions[letter].number_format = formats[spec.type]
            if spec.allowed:
                list_column = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
                lists.cell(row=1, column=list_column, value=f"{table.name}.{spec.name}")
                for row, allowed in enumerate(spec.allowed, start=2):
                    lists.cell(row=row, column=list_column, value=allowed)
                source = get_column_letter(list_column)
                validation = DataValidation(
                    type="list",
                    formula1=f"{quote_sheetname(lists.title)}!${source}$2:${source}${len(spec.allowed) + 1}",
                    allow_blank=not spec.required,
                    showErrorMessage=True,
                    errorTitle=self.msg["data.invalid_title"],
                    error=self.msg["data.invalid_choice"].format(values=", ".join(spec.allowed)),
                )
                validation.add(f"{letter}2:{letter}{DATA_VALIDATION_ROWS}")
                ws.add_data_validation(validation)
        ws.add_table(_excel_table(table, rows=0))
        ws.freeze_panes = "A2"
        print_table(ws)

    # ------------------------------------------------------------------------------------------ currency

    def apply_currency(self, currency: str | None = None) -> None:
        """Show every money cell (KPI values and targets, scorecard, trend, data columns) in the currency."""
        if currency:
            self.currency, self.currency_code = currency_format(currency), currency.strip().upper()
        if not self.currency_code:
            raise ValueError("no currency given")
        money = {k.key for k in self.spec.kpis if _is_money(k)}
        by_key = {k.key: k for k in self.spec.kpis}
        titles = self.sheet_title
        if titles["kpis"] in self.wb.sheetnames:
            ws = self.wb[titles["kpis"]]
            for row, kpi in enumerate(self.spec.kpis, start=FIRST_ROW):
                if kpi.key in money:
                    for column in (3, 4):
                        ws.cell(row=row, column=column).number_format = self.number_format(kpi)
        for name in (f"Target_{key}" for key in money):
            if name in self.wb.defined_names:
                sheet, coordinate = next(self.wb.defined_names[name].destinations)
                self.wb[sheet][coordinate.replace("$", "")].number_format = self.number_format(by_key[name[7:]])
        for title, kpis, first_column, rows in (
            (titles["scorecard"], self.spec.scorecard_kpis, 2, None),
            (titles["trend"], self.spec.trend_kpis, 4, TREND_MONTHS),
        ):
            if title not in self.wb.sheetnames:
                continue
            ws = self.wb[title]
            last = FIRST_ROW + rows - 1 if rows else ws.max_row
            for column, kpi in enumerate(kpis, start=first_column):
                if kpi.key in money:
                    for row in range(FIRST_ROW, last + 1):
                        ws.cell(row=row, column=column).number_format = self.number_format(kpi)
        money_format = column_formats(self.currency_code)["money"]
        for name in self.spec.tables:
            if name not in self.wb.sheetnames:
                continue
            ws = self.wb[name]
            headers = [cell.value for cell in ws[1]]
            for spec in data_model.TABLES[name].columns:
                if spec.type != "money" or spec.name not in headers:
                    continue
                column = headers.index(spec.name) + 1
                ws.column_dimensions[get_column_letter(column)].number_format = money_format
                for row in range(2, ws.max_row + 1):
                    ws.cell(row=row, column=column).number_format = money_format
        props = self.wb.custom_doc_props
        for prop in [p for p in props.props if p.name == "KpiCurrency"]:
            props.props.remove(prop)
        props.append(StringProperty(name="KpiCurrency", value=self.currency_code))


def _is_money(kpi: Kpi) -> bool:
    return (kpi.unit or kpi.function.unit) == "currency"


TABLE_ROW = 4  # the anchor of a table sheet's spilled formula: the function's header row
MONTH_FORMAT = "yyyy-mm"

DATA_VALIDATION_ROWS = 1_048_576  # the whole column below the header, so added rows are checked too


def workbook_currency(workbook: Workbook) -> str | None:
    """The ISO 4217 code a template's money is shown in (its ``KpiCurrency`` property), or None."""
    return next((p.value for p in workbook.custom_doc_props.props if p.name == "KpiCurrency"), None)


CHART_CM_PER_COLUMN = 1.69  # a default-width column (64 pixels at 96 dpi)
CHART_CM_PER_ROW = 0.53  # a default-height row (15 points)
EMU_PER_CM = 360_000


def _chart_extent(chart: Any) -> tuple[int, int]:
    """Last row and column (1-based) a chart covers, before or after the workbook is saved."""
    if isinstance(chart.anchor, str):  # placed by the builder: its top-left cell and its size in cm
        row, column = coordinate_to_tuple(chart.anchor)
        return (
            row - 1 + math.ceil(chart.height / CHART_CM_PER_ROW),
            column - 1 + math.ceil(chart.width / CHART_CM_PER_COLUMN),
        )
    anchor = chart.anchor  # read from a file: a two-cell anchor, or a top-left cell and a size in EMU
    if getattr(anchor, "to", None) is not None:
        return anchor.to.row + 1, anchor.to.col + 1
    height, width = (anchor.ext.height / EMU_PER_CM, anchor.ext.width / EMU_PER_CM) if anchor.ext else (7.5, 15)
    return (
        anchor._from.row + math.ceil(height / CHART_CM_PER_ROW),
        anchor._from.col + math.ceil(width / CHART_CM_PER_COLUMN),
    )


def table_sheet_print_columns(ws: Worksheet, table_columns: int) -> int:
    """Columns a table sheet prints: its table and the charts beside it."""
    return max([table_columns, *(_chart_extent(chart)[1] for chart in ws._charts)])


def set_table_sheet_print_area(ws: Worksheet, table_last_row: int, table_columns: int) -> None:
    """Print a table sheet from its title to the last row of its table or of its charts, whichever is lower
    (the fill calls this again once the table has spilled to its real size)."""
    last_row = max([table_last_row, *(_chart_extent(chart)[0] for chart in ws._charts)])
    ws.print_area = f"A1:{get_column_letter(table_sheet_print_columns(ws, table_columns))}{last_row}"


def print_table(ws: Worksheet, header_row: int = 1) -> None:
    """Print setup of a data sheet (or a report sheet the fill adds): one page wide, header repeated."""
    print_setup(ws, f"{header_row}:{header_row}")


def apply_currency(workbook: Workbook, currency: str) -> Workbook:
    """Show the money of a built or filled template in ``currency`` (ISO 4217: "EUR", "USD", "CNY").

    KPI values and targets, scorecard and trend columns of money KPIs and the money columns of the data
    sheets get the currency's number format; the workbook records it as the ``KpiCurrency`` property.
    Raises ValueError for a code that is not three letters or a workbook that is not a KPI template.
    """
    info = {prop.name: prop.value for prop in workbook.custom_doc_props.props}
    missing = {"KpiTeam", "KpiLanguage", "KpiRuntime"} - set(info)
    if missing:
        raise ValueError(f"not a KPI template: the workbook has no {', '.join(sorted(missing))} property")
    builder = TemplateBuilder(load(info["KpiTeam"]), info["KpiLanguage"], info["KpiRuntime"], workbook)
    builder.apply_currency(currency)
    return workbook


def _excel_table(table: data_model.Table, rows: int) -> Table:
    last_column = get_column_letter(len(table.columns))
    excel_table = Table(displayName=table.name, ref=f"A1:{last_column}{max(rows, 1) + 1}")
    excel_table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    return excel_table


def _status_formula(row: int, better: str, status: Mapping[str, str]) -> str:
    value, target = f"C{row}", f"D{row}"
    on, watch, off = status["on_track"], status["watch"], status["off_track"]
    if better == "higher":
        verdict = f'IF({value}>={target},"{on}",IF({value}>={target}*AmberBand,"{watch}","{off}"))'
    else:
        verdict = f'IF({value}<={target},"{on}",IF({value}*AmberBand<={target},"{watch}","{off}"))'
    return f'=IF(OR({target}="",NOT(ISNUMBER({value}))),"",{verdict})'


def build(spec: TeamSpec | str, lang: str = "en", runtime: str = "classic", currency: str | None = None) -> Workbook:
    """The empty template of a team (data tables with headers only); money in ``currency`` when given."""
    spec = load(spec) if isinstance(spec, str) else spec
    return TemplateBuilder(spec, lang, runtime, currency=currency).build()


def save(workbook: Workbook, path: str | Path) -> None:
    """Save a template; its array formulas become dynamic arrays (``cm="1"`` and ``xl/metadata.xml``, which
    openpyxl cannot write), so Excel 365 spills them instead of showing one cell."""
    cells: dict[str, dict[str, str]] = {}
    for sheet, coordinate, _ in array_formula_cells(workbook):
        cells.setdefault(sheet, {})[coordinate] = "1"
    if not cells:
        workbook.save(path)
        return
    saved = io.BytesIO()
    workbook.save(saved)
    finish(saved, path, dynamic=DynamicArrays(cells, DYNAMIC_ARRAY_METADATA), compresslevel=6)


def template_path(team: str, lang: str = "en", runtime: str = "classic", root: Path = BUILT_DIR) -> Path:
    """Where the committed template of a team, language and runtime lives."""
    suffix = "" if runtime == "classic" else f"-{runtime}"
    return root / lang / f"{team}{suffix}.xlsx"


def build_all(root: Path = BUILT_DIR, runtimes: Iterable[str] = RUNTIMES) -> list[Path]:
    """Build every team in every language and runtime under ``root``."""
    written = []
    for spec in load_all():
        for lang in LANGUAGES:
            for runtime in runtimes:
                path = template_path(spec.team, lang, runtime, root)
                path.parent.mkdir(parents=True, exist_ok=True)
                save(build(spec, lang, runtime), path)
                written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else BUILT_DIR):
        print(written_path)
