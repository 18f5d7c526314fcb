"""Build a team's template workbook from its spec with openpyxl.

Every template has the same layout, following the habits of good financial models:

- **About**: what the workbook is, how to refresh it, which add-in runtime it needs, a guide to the sheets.
- **Inputs**: the reporting period, the status band and one target per KPI, styled as inputs (blue on
  yellow) and reached through defined names (``PeriodStart``, ``Target_win_rate``): no number is typed
  into a KPI formula.
- **KPIs**: metric, leading/lagging, value, target, status (red/amber/green), benchmark, definition.
- **Scorecard** (teams with people): one row per person, the same formula per column, narrowed with a
  criteria pair on the person's column.
- **Trend**: the trend KPIs month by month, with a native Excel chart.
- One sheet per **data table**, each a real Excel Table with data validation on categorical columns,
  and a hidden **Lists** sheet holding the allowed values.

``python -m workbook_templates.builder`` rebuilds every committed template.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

import udfs

from . import data_model
from .fill.cells import write_formula, write_value
from .messages import LANGUAGES, Messages, messages
from .spec import TeamSpec, load, load_all

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
INPUT_FONT = Font(color="0000FF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(color="FFFFFF", bold=True)
TITLE_FONT = Font(size=16, bold=True, color="1F4E78")
NOTE_FONT = Font(italic=True, color="595959")
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


class TemplateBuilder:
    """Builds one team's workbook in one language for one runtime; :meth:`build` returns it."""

    def __init__(self, spec: TeamSpec, lang: str = "en", runtime: str = "classic", workbook: Workbook | None = None):
        """``workbook``: an already built template to add to (the fill adds scorecard rows)."""
        self.spec = spec
        self.msg: Messages = messages(lang)
        self.runtime = runtime
        self.namer = function_namer(runtime)
        self.wb = workbook or Workbook()
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
        return self.wb

    def formula(self, text: str) -> str:
        return rename_functions(text, self.namer)

    # ------------------------------------------------------------------------------------------ sheets

    def _title(self, ws: Worksheet, text: str, subtitle: str = "") -> None:
        ws["A1"] = text
        ws["A1"].font = TITLE_FONT
        if subtitle:
            ws["A2"] = subtitle
            ws["A2"].font = NOTE_FONT

    def _header(self, ws: Worksheet, row: int, labels: Iterable[str]) -> None:
        ws.row_dimensions[row].height = 32
        for column, label in enumerate(labels, start=1):
            cell = ws.cell(row=row, column=column, value=label)
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="center")

    def _define(self, name: str, ws: Worksheet, coordinate: str) -> None:
        column, row = coordinate.rstrip("0123456789"), coordinate[len(coordinate.rstrip("0123456789")) :]
        self.wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(ws.title)}!${column}${row}")

    def _about(self, ws: Worksheet) -> None:
        team = self.msg[f"team.{self.spec.team}"]
        self._title(ws, self.msg["about.title"].format(team=team))
        lines = [line.format(team=team) for line in self.msg["about.lines"]]
        lines += ["", self.msg[f"about.runtime_{self.runtime}"], "", self.msg["about.sheets_heading"]]
        guide = [("about", "about.sheet_about"), ("inputs", "about.sheet_inputs"), ("kpis", "about.sheet_kpis")]
        if self.spec.scorecard is not None:
            guide.append(("scorecard", "about.sheet_scorecard"))
        if self.spec.trend_kpis:
            guide.append(("trend", "about.sheet_trend"))
        lines += [f"• {self.sheet_title[key]}: {self.msg[text]}" for key, text in guide]
        lines.append(f"• {', '.join(self.spec.tables)}: {self.msg['about.sheet_tables']}")
        lines += ["", self.msg["about.colours"], "", self.msg["about.generated"].format(team=self.spec.team)]
        for row, line in enumerate(lines, start=3):
            ws.cell(row=row, column=1, value=line)
        ws.column_dimensions["A"].width = 120

    def _inputs(self, ws: Worksheet) -> None:
        self._title(ws, self.msg["inputs.title"], self.msg["inputs.subtitle"])
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
                fmt = kpi.number_format
                direction = self.msg[f"inputs.better_{kpi.better}"]
                rows.append(
                    (
                        f"Target_{kpi.key}",
                        self.msg["inputs.target"].format(kpi=self.msg.kpi(kpi.key)),
                        kpi.target,
                        fmt,
                        direction,
                    )
                )
        row = FIRST_ROW
        for name, label, value, fmt, note in rows:
            ws.cell(row=row, column=1, value=label)
            cell = ws.cell(row=row, column=2, value=value)
            cell.number_format, cell.fill, cell.font = fmt, INPUT_FILL, INPUT_FONT
            ws.cell(row=row, column=3, value=note).font = NOTE_FONT
            self._define(name, ws, f"B{row}")
            row += 1
        # Calculated, not inputs: the day after the period (so date-time rows on its last day count) and
        # whatever the spec derives from the inputs.
        calculations = [("PeriodUntil", self.msg["inputs.period_until"], "=PeriodEnd+1", DATE_FORMAT)]
        calculations += [
            (c.name, self.msg[f"input.{c.name}"], c.formula, c.unit or "General") for c in self.spec.calculations
        ]
        for name, label, formula, fmt in calculations:
            ws.cell(row=row, column=1, value=label)
            write_formula(ws.cell(row=row, column=2), self.formula(formula))
            ws.cell(row=row, column=2).number_format = fmt
            ws.cell(row=row, column=3, value=self.msg["inputs.calculated"]).font = NOTE_FONT
            self._define(name, ws, f"B{row}")
            row += 1
        for column, width in zip("ABC", (44, 16, 60), strict=True):
            ws.column_dimensions[column].width = width

    def _kpis(self, ws: Worksheet) -> None:
        self._title(ws, self.msg["about.title"].format(team=self.msg[f"team.{self.spec.team}"]))
        ws["A2"] = self.msg["kpis.period"]
        write_formula(ws["B2"], "=PeriodStart")
        write_formula(ws["C2"], "=PeriodEnd")
        ws["B2"].number_format = ws["C2"].number_format = DATE_FORMAT
        headers = ["metric", "indicator", "value", "target", "status", "benchmark", "definition", "function"]
        self._header(ws, KPI_HEADER_ROW, [self.msg[f"kpis.{h}"] for h in headers])
        status = {key: self.msg[f"status.{key}"] for key in STATUS_STYLES}
        for row, kpi in enumerate(self.spec.kpis, start=FIRST_ROW):
            function = kpi.function
            ws.cell(row=row, column=1, value=self.msg.kpi(kpi.key))
            ws.cell(row=row, column=2, value=self.msg[f"indicator.{function.indicator}"])
            value = ws.cell(row=row, column=3)
            write_formula(value, self.formula(kpi.formula_for()))
            value.number_format = kpi.number_format
            target = ws.cell(row=row, column=4)
            if kpi.target is not None:
                write_formula(target, f"=Target_{kpi.key}")
                target.number_format = value.number_format
            write_formula(ws.cell(row=row, column=5), _status_formula(row, kpi.better, status))
            benchmark = kpi.benchmark or function.benchmark
            ws.cell(row=row, column=6, value=self.msg.get(f"benchmark.{kpi.key}", benchmark) if benchmark else None)
            english = f"{function.summary} {function.formula}" if self.msg.lang == "en" else function.formula
            definition = self.msg.get(f"definition.{kpi.key}") or english
            ws.cell(row=row, column=7, value=definition).alignment = Alignment(wrap_text=True, vertical="top")
            ws.cell(row=row, column=8, value=function.name)
        last = FIRST_ROW + len(self.spec.kpis) - 1
        for key, (fill, font) in STATUS_STYLES.items():
            ws.conditional_formatting.add(
                f"E{FIRST_ROW}:E{last}",
                CellIsRule(operator="equal", formula=[f'"{status[key]}"'], fill=fill, font=font),
            )
        for column, width in zip("ABCDEFGH", (44, 11, 14, 14, 12, 40, 70, 24), strict=True):
            ws.column_dimensions[column].width = width
        ws.freeze_panes = f"B{FIRST_ROW}"

    def _scorecard_header(self, ws: Worksheet) -> None:
        self._title(ws, self.msg["scorecard.title"], self.msg["scorecard.subtitle"])
        kpis = self.spec.scorecard_kpis
        self._header(ws, KPI_HEADER_ROW, [self.msg["scorecard.person"], *(self.msg.kpi(k.key) for k in kpis)])
        ws.column_dimensions["A"].width = 24
        for column in range(2, len(kpis) + 2):
            ws.column_dimensions[get_column_letter(column)].width = 16
        ws.freeze_panes = f"B{FIRST_ROW}"

    def fill_scorecard(self, people: list[str]) -> None:
        """One row per person, each KPI narrowed to that person with the spec's criteria pair."""
        ws = self.wb[self.sheet_title["scorecard"]]
        for row, person in enumerate(people, start=FIRST_ROW):
            write_value(ws.cell(row=row, column=1), person)
            for column, kpi in enumerate(self.spec.scorecard_kpis, start=2):
                cell = ws.cell(row=row, column=column)
                write_formula(cell, self.formula(kpi.formula_for(by=f"$A{row}")))
                cell.number_format = kpi.number_format

    def _trend(self, ws: Worksheet) -> None:
        self._title(ws, self.msg["trend.title"], self.msg["trend.subtitle"])
        kpis = self.spec.trend_kpis
        labels = [self.msg["trend.month"], self.msg["trend.month_end"], self.msg["trend.next_month"]]
        self._header(ws, KPI_HEADER_ROW, labels + [self.msg.kpi(k.key) for k in kpis])
        for index in range(TREND_MONTHS):
            row = FIRST_ROW + index
            write_formula(ws.cell(row=row, column=1), "=TrendStart" if index == 0 else f"=EDATE(A{row - 1},1)")
            write_formula(ws.cell(row=row, column=2), f"=EOMONTH(A{row},0)")
            write_formula(ws.cell(row=row, column=3), f"=B{row}+1")
            for column in (1, 2, 3):
                ws.cell(row=row, column=column).number_format = DATE_FORMAT
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
        for column in range(1, len(kpis) + 4):
            ws.column_dimensions[get_column_letter(column)].width = 14 if column > 3 else 12
        for number, key in enumerate(self.spec.trend_chart or (kpis[0].key,)):
            column = 4 + [k.key for k in kpis].index(key)
            chart = LineChart()
            chart.title = self.msg.kpi(key)
            chart.height, chart.width = 7.5, 16
            chart.y_axis.title = ""
            chart.x_axis.number_format = "yyyy-mm"
            chart.add_data(Reference(ws, min_col=column, min_row=KPI_HEADER_ROW, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=last))
            chart.legend = None
            ws.add_chart(chart, f"{get_column_letter(len(kpis) + 5)}{KPI_HEADER_ROW + number * 16}")
        ws.freeze_panes = f"D{FIRST_ROW}"

    def _data_sheet(self, ws: Worksheet, table: data_model.Table, lists: Worksheet) -> None:
        for column, spec in enumerate(table.columns, start=1):
            ws.cell(row=1, column=column, value=spec.name)
            letter = get_column_letter(column)
            ws.column_dimensions[letter].width = max(12, len(spec.name) + 4)
            if spec.type in COLUMN_FORMATS:
                ws.column_dimensions[letter].number_format = COLUMN_FORMATS[spec.type]
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
                    errorTitle=spec.name,
                    error=self.msg["data.invalid_choice"].format(values=", ".join(spec.allowed)),
                )
                validation.add(f"{letter}2:{letter}{DATA_VALIDATION_ROWS}")
                ws.add_data_validation(validation)
        ws.add_table(_excel_table(table, rows=0))
        ws.freeze_panes = "A2"


DATA_VALIDATION_ROWS = 1_048_576  # the whole column below the header, so added rows are checked too


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


def build(spec: TeamSpec | str, lang: str = "en", runtime: str = "classic") -> Workbook:
    """The empty template of a team (data tables with headers only)."""
    spec = load(spec) if isinstance(spec, str) else spec
    return TemplateBuilder(spec, lang, runtime).build()


def template_path(team: str, lang: str = "en", runtime: str = "classic", root: Path = BUILT_DIR) -> Path:
    """Where the committed template of a team, language and runtime lives."""
    suffix = "" if runtime == "classic" else f"-{runtime}"
    return root / lang / f"{team}{suffix}.xlsx"


def build_all(root: Path = BUILT_DIR, runtimes: Iterable[str] = ("classic",)) -> list[Path]:
    """Build every team in every language (and the given runtimes) under ``root``."""
    written = []
    for spec in load_all():
        for lang in LANGUAGES:
            for runtime in runtimes:
                path = template_path(spec.team, lang, runtime, root)
                path.parent.mkdir(parents=True, exist_ok=True)
                build(spec, lang, runtime).save(path)
                written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else BUILT_DIR):
        print(written_path)
