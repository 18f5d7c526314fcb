"""What a manager sees and prints: page setup, row heights, number formats, currency, charts, and language.

Fast checks on the built templates (openpyxl, no LibreOffice); the printed PDF is checked in
``tests/libreoffice/test_print_in_calc.py``.

- Manager sheets (About, Inputs, KPIs, Scorecard, Trend) print landscape, one page wide, with print
  areas and repeated header rows; data sheets repeat their header when printed.
- Rows of wrapped text are tall enough; counts of things show no decimals; money takes a currency.
- Trend charts: straight lines, axis titles naming the unit; helper columns grouped and hidden.
- No manager sheet holds build words ("seed", "python -m", reST ````), and every manager-facing text
  of a zh-CN or zh-TW workbook is Chinese, except a short explicit list of names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import openpyxl
import pytest
from openpyxl.chart.text import RichText

import udfs
from workbook_templates import builder, data_model, sample_data, spec
from workbook_templates.fill import write as fill
from workbook_templates.messages import LANGUAGES, messages

TEAMS = spec.TEAM_ORDER
MANAGER_KEYS = ("about", "inputs", "kpis", "scorecard", "trend")
STRING_LITERAL = re.compile(r'"((?:[^"]|"")*)"')


@cache
def built(team: str, lang: str) -> openpyxl.Workbook:
    """The committed template as a reader opens it (round trip through the file)."""
    return openpyxl.load_workbook(builder.template_path(team, lang))


@cache
def frames():
    return sample_data.generate()


def manager_sheets(workbook: openpyxl.Workbook, lang: str):
    """The sheets a manager reads and prints: the five standard ones and the team's table sheets."""
    team = {p.name: p.value for p in workbook.custom_doc_props.props}["KpiTeam"]
    titles = {messages(lang)[f"sheet.{key}"] for key in MANAGER_KEYS} | {
        messages(lang)[f"table_sheet.{item.key}.sheet"] for item in spec.load(team).table_sheets
    }
    return [ws for ws in workbook.worksheets if ws.title in titles]


def axis_title(axis) -> str:
    """The text of a chart axis title ("" when it has none)."""
    if axis.title is None or axis.title.tx is None or not isinstance(axis.title.tx.rich, RichText):
        return ""
    return "".join(run.t for paragraph in axis.title.tx.rich.p for run in (paragraph.r or []))


def chart_title(chart) -> str:
    return "".join(run.t for paragraph in chart.title.tx.rich.p for run in (paragraph.r or []))


def manager_texts(workbook: openpyxl.Workbook, lang: str) -> Iterator[tuple[str, str]]:
    """Every text a manager reads: cells and the text a formula shows, sheet names, headers and footers,
    chart and axis titles, and the messages of the data sheets' validation lists."""
    for ws in manager_sheets(workbook, lang):
        yield f"{ws.title} (sheet name)", ws.title
        for part in (ws.oddFooter.center, ws.oddHeader.center):
            if part.text:
                yield f"{ws.title} footer", part.text.replace("&A", "").replace("&P", "").replace("&N", "")
        for row in ws.iter_rows():
            for cell in row:
                where = f"{ws.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    if str(cell.value).startswith("=IF("):  # texts the formula shows (the status)
                        for literal in STRING_LITERAL.findall(str(cell.value)):
                            yield where, literal
                elif isinstance(cell.value, str):
                    yield where, cell.value
        for chart in ws._charts:
            yield f"{ws.title} chart", chart_title(chart)
            yield f"{ws.title} chart x axis", axis_title(chart.x_axis)
            yield f"{ws.title} chart y axis", axis_title(chart.y_axis)
    for ws in workbook.worksheets:
        for validation in ws.data_validations.dataValidation:
            yield f"{ws.title} validation", f"{validation.errorTitle} {validation.error}"


# --------------------------------------------------------------------------------------------- printing


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("team", TEAMS)
def test_manager_sheets_print_landscape_one_page_wide(team, lang):
    workbook = built(team, lang)
    sheets = manager_sheets(workbook, lang)
    assert len(sheets) >= 3
    for ws in sheets:
        where = f"{team}/{lang} {ws.title}"
        assert ws.page_setup.orientation == "landscape", where
        assert ws.sheet_properties.pageSetUpPr.fitToPage, where
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), where
        assert ws.print_area, f"{where}: no print area"


@pytest.mark.parametrize("team", TEAMS)
def test_print_areas_cover_what_a_manager_reads(team):
    workbook = built(team, "en")
    kpis = workbook["KPIs"]
    last = builder.FIRST_ROW + len(spec.load(team).kpis) - 1
    # Metric to Formula; the add-in function column (I) stays on screen only.
    assert kpis.print_area == f"'KPIs'!$A$1:$H${last}"
    assert kpis["H4"].value == "Formula" and kpis["I4"].value == "Add-in function"
    for title in ("Inputs", "KPIs", "Scorecard", "Trend"):
        if title in workbook.sheetnames:
            assert workbook[title].print_title_rows == "$4:$4", f"{team} {title}: header row not repeated"


def test_scorecard_print_area_grows_with_its_people():
    workbook = builder.build("sales")
    fill.fill(workbook, frames())
    ws = workbook["Scorecard"]
    people = ws.max_row - builder.FIRST_ROW + 1
    assert people >= 5
    assert ws.print_area == f"'Scorecard'!$A$1:$L${ws.max_row}"  # person + eleven scorecard KPIs
    assert ws["L4"].value == "Earnings vs OTE" and ws["M4"].value is None


@pytest.mark.parametrize("team", TEAMS)
def test_data_sheets_repeat_their_header_when_printed(team):
    workbook = built(team, "en")
    for name in spec.load(team).tables:
        ws = workbook[name]
        assert ws.print_title_rows == "$1:$1", name
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), name
        assert not ws.print_area, f"{name}: a data sheet prints all its rows when chosen"
    # Excel prints the active sheet: the workbook opens on the KPI sheet.
    assert workbook.active.title == "KPIs"


# --------------------------------------------------------------------------------------------- rows, formats


def test_wrapped_lines_by_hand():
    # Calibri 11: "iiii" is 4 × 470/2048 em × 14.67 px = 13.5 px, about 1.9 column units: one line in 2.
    assert builder.wrapped_lines("iiii", 2) == 1
    # Twenty CJK characters of 15 px are 300 px = 42.9 units; a 20-unit column takes 9 a line (19.3): 3 lines.
    assert builder.wrapped_lines("销" * 20, 20) == 3
    # Words wrap whole: "aaaa bbbb" (a is 981/2048 em: 4 × 7.0 px = 28 px = 4.0 units) in a 6-unit column.
    assert builder.wrapped_lines("aaaa bbbb", 6) == 2
    assert builder.wrapped_lines("first\nsecond", 50) == 2


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("team", TEAMS)
def test_rows_of_long_text_are_taller(team, lang):
    """A text at least twice as wide as its column (CJK counted double, Latin by length) needs two lines."""
    workbook = built(team, lang)
    for ws in manager_sheets(workbook, lang):
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if not isinstance(cell.value, str) or cell.data_type == "f" or not cell.alignment.wrap_text:
                    continue
                width = ws.column_dimensions[cell.column_letter].width
                rough = sum(2 if ord(char) > 0x2E80 else 1 for char in cell.value)
                if rough >= 2.2 * width:
                    height = ws.row_dimensions[cell.row].height or 15
                    assert height >= 30, f"{team}/{lang} {ws.title}!{cell.coordinate} is {height} pt: {cell.value!r}"


WHOLE_COUNTS = {"tickets_created", "bug_tickets", "new_leads", "mqls", "reps_coached", "quota_streak"}


def test_counts_of_things_show_no_decimals():
    for team in TEAMS:
        workbook = built(team, "en")
        for row, kpi in enumerate(spec.load(team).kpis, start=builder.FIRST_ROW):
            shown = workbook["KPIs"].cell(row, 3).number_format
            if kpi.key in WHOLE_COUNTS:
                assert shown == "#,##0", f"{team}.{kpi.key}: {shown}"
            assert shown != "#,##0.0" or udfs.get(kpi.function.name).unit == "count", f"{team}.{kpi.key}"
    support = built("support", "en")["KPIs"]
    assert support["A10"].value == "Tickets created" and support["D10"].number_format == "#,##0"


def test_currency_formats_money_and_nothing_else():
    workbook = builder.build("sales", currency="EUR")
    kpis = workbook["KPIs"]
    rows = {kpis.cell(r, 1).value: r for r in range(builder.FIRST_ROW, kpis.max_row + 1)}
    bookings = rows["Total sales volume (bookings)"]
    assert kpis.cell(bookings, 3).number_format == '"€"#,##0'
    assert kpis.cell(bookings, 4).number_format == '"€"#,##0'
    assert kpis.cell(rows["Win rate"], 3).number_format == "0.0%"
    assert kpis.cell(rows["Sales cycle length (days)"], 3).number_format == "0.0"
    inputs = workbook["Inputs"]
    sheet, cell = next(workbook.defined_names["Target_bookings"].destinations)
    assert inputs[cell.replace("$", "")].number_format == '"€"#,##0'
    deals = workbook["Deals"]
    header = [c.value for c in deals[1]]
    assert deals.column_dimensions[openpyxl.utils.get_column_letter(header.index("Amount") + 1)].number_format == (
        '"€"#,##0.00'
    )
    assert {p.name: p.value for p in workbook.custom_doc_props.props}["KpiCurrency"] == "EUR"


def test_apply_currency_on_a_filled_workbook():
    workbook = builder.build("sales")
    fill.fill(workbook, frames())
    builder.apply_currency(workbook, "cny")
    scorecard = workbook["Scorecard"]
    column = [c.value for c in scorecard[4]].index("Total sales volume (bookings)") + 1
    assert {scorecard.cell(r, column).number_format for r in range(5, scorecard.max_row + 1)} == {'"¥"#,##0'}
    trend = workbook["Trend"]
    column = [c.value for c in trend[4]].index("Net new MRR") + 1
    assert trend.cell(5, column).number_format == '"¥"#,##0'
    deals = workbook["Deals"]
    column = [c.value for c in deals[1]].index("Amount") + 1
    assert {deals.cell(r, column).number_format for r in range(2, 50)} == {'"¥"#,##0.00'}
    assert builder.currency_format("CHF", 2) == '"CHF "#,##0.00'
    with pytest.raises(ValueError, match="three-letter"):
        builder.apply_currency(workbook, "euro")


def test_column_formats_for_the_fill():
    assert builder.column_formats()["money"] == "#,##0.00"
    assert builder.column_formats("GBP")["money"] == '"£"#,##0.00'
    assert builder.column_formats("GBP")["date"] == "yyyy-mm-dd"


# --------------------------------------------------------------------------------------------- charts


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("team", [t for t in TEAMS if spec.load(t).trend_kpis])
def test_trend_charts_are_straight_lines_with_unit_titles(team, lang, tmp_path):
    path = tmp_path / "t.xlsx"
    builder.build(team, lang).save(path)
    import zipfile

    with zipfile.ZipFile(path) as package:
        charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    assert charts
    lines = [xml for xml in charts if re.search(r"<(?:c:)?lineChart>", xml)]
    assert lines
    for xml in lines:  # every line chart: trend charts and the ending MRR of the movements sheet
        series = len(re.findall(r"<(?:c:)?ser>", xml))
        straight = len(re.findall(r'<(?:c:)?smooth val="0"\s*/>', xml))
        assert series and straight == series and not re.search(r'smooth val="(1|true)"', xml)
        assert "None" not in xml and re.search(r'<(?:c:)?catAx>.*?<(?:c:)?axPos val="b"', xml)
    msg = messages(lang)
    units = {msg[f"unit.{u}"] for u in ("rate", "currency", "count", "whole", "days", "hours", "score", "months")}
    trend = built(team, lang)[msg["sheet.trend"]]
    for chart in trend._charts:
        assert axis_title(chart.x_axis) == msg["trend.month"]
        assert axis_title(chart.y_axis) in units
        assert chart_title(chart)


def test_sales_trend_axis_titles_by_hand():
    titles = {chart_title(c): axis_title(c.y_axis) for c in built("sales", "en")["Trend"]._charts}
    assert titles == {"Win rate": "Share (%)", "Total sales volume (bookings)": "Amount"}
    titles = {chart_title(c): axis_title(c.y_axis) for c in built("sales", "zh-CN")["趋势"]._charts}
    assert titles == {"赢单率": "占比(%)", "销售总额(成交额)": "金额"}


@pytest.mark.parametrize("team", [t for t in TEAMS if spec.load(t).trend_kpis])
def test_trend_helper_columns_are_grouped_and_hidden(team):
    trend = built(team, "en")["Trend"]
    helpers = trend.column_dimensions["B"]
    assert helpers.hidden and helpers.outlineLevel == 1 and (helpers.min, helpers.max) == (2, 3)
    assert trend["B4"].value == "Month end" and trend["C4"].value == "Next month"


# --------------------------------------------------------------------------------------------- language

BUILD_WORDS = re.compile(r"seed|python -m|``|workbook_templates|\.toml|种子|種子", re.IGNORECASE)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("team", TEAMS)
def test_manager_sheets_hold_no_build_words(team, lang):
    found = [f"{where}: {text!r}" for where, text in manager_texts(built(team, lang), lang) if BUILD_WORDS.search(text)]
    assert not found, f"{team}/{lang}: {found[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("team", TEAMS)
def test_definitions_are_one_sentence_beside_the_formula(team, lang):
    ws = built(team, lang)[messages(lang)["sheet.kpis"]]
    header = [c.value for c in ws[builder.KPI_HEADER_ROW]]
    definition = header.index(messages(lang)["kpis.definition"]) + 1
    formula = header.index(messages(lang)["kpis.formula"]) + 1
    assert formula == definition + 1
    for row in range(builder.FIRST_ROW, ws.max_row + 1):
        sentence, words = ws.cell(row, definition).value, ws.cell(row, formula).value
        assert sentence and words, f"{team}/{lang} row {row}"
        ends = re.findall(r"[。.](?:\s|$)", sentence)
        assert len(ends) == 1 and sentence.endswith(("。", ".")), f"{team}/{lang} row {row}: {sentence!r}"


def test_benchmarks_name_publications():
    kpis = built("sales", "en")["KPIs"]
    assert kpis["F5"].value == "47 % average (RAIN Group via Trust Enablement)"
    zh = built("sales", "zh-CN")["关键指标"]
    assert zh["F5"].value == "平均 47 %(RAIN Group,转引自 Trust Enablement)"
    inside = {c.value for c in built("inside_sales", "en")["KPIs"]["F"] if c.value}
    assert "4× per outbound SDR within 12 months (Intercom)" in inside


# Names a Chinese workbook keeps in Latin letters. Everything else must be Chinese.
TABLE_WORDS = {t.name for t in data_model.TABLES.values()} | {
    c.name for t in data_model.TABLES.values() for c in t.columns
}
LISTED_VALUES = {word for t in data_model.TABLES.values() for c in t.columns for v in c.allowed for word in v.split()}
FUNCTION_NAMES = {entry.name for entry in udfs.catalog()}
ACRONYMS = {  # industry abbreviations used as such in Chinese sales writing (see the seed articles)
    "KPI", "CRM", "MRR", "SDR", "BDR", "AE", "SQL", "MQL", "QBR", "CAC", "OTE", "ARPA", "ACV", "TCV", "NRR", "GRR",
    "NPS", "LTV", "CLV", "CTR", "CSAT", "CES", "B2B", "ROI", "F9", "ARR", "SaaS",
}  # fmt: skip
PROPER_NOUNS = {  # products and publishers
    "Excel", "Windows", "macOS", "Python", "xlwings", "Lite", "Server",
    "Trust", "Enablement", "RAIN", "Group", "Xactly", "Zippia", "Similarweb", "Intercom", "Salesforce",
    "ChartMogul", "Social", "Capital", "Craft", "Ventures", "Brad", "Feld", "Thoughts",
}  # fmt: skip
EXCEL_ERRORS = {"NUM"}  # "#NUM!", as Chinese Excel shows it too
COLUMN_LETTERS = {"A"}  # "按 A 列中的人员筛选": the person column of the scorecard
ALLOWED_LATIN = COLUMN_LETTERS | EXCEL_ERRORS | TABLE_WORDS | LISTED_VALUES | FUNCTION_NAMES | ACRONYMS | PROPER_NOUNS
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z]+)?")


@pytest.mark.parametrize("lang", ["zh-CN", "zh-TW"])
@pytest.mark.parametrize("team", TEAMS)
def test_chinese_workbooks_speak_chinese(team, lang):
    english = []
    for where, text in manager_texts(built(team, lang), lang):
        words = [w for w in LATIN_WORD.findall(text) if w not in ALLOWED_LATIN and w.upper() not in FUNCTION_NAMES]
        if words:
            english.append(f"{where}: {words} in {text!r}")
    assert not english, f"{team}/{lang}: {len(english)} texts with English: {english[:8]}"


def test_the_language_check_finds_english():
    workbook = builder.build("sales", "zh-CN")
    workbook["关键指标"]["G5"] = "Share of won deals"
    workbook["趋势"]._charts[0].y_axis.title = "Share"
    found = {where for where, text in manager_texts(workbook, "zh-CN") if {"Share"} & set(LATIN_WORD.findall(text))}
    assert found == {"关键指标!G5", "趋势 chart y axis"}


@pytest.mark.parametrize("lang", ["zh-CN", "zh-TW"])
def test_about_explains_in_chinese_that_data_headers_are_table_names(lang):
    about = built("sales", lang)[messages(lang)["sheet.about"]]
    text = "\n".join(str(c.value) for c in about["A"] if c.value)
    assert messages(lang)["about.table_names"] in text
    assert ("表名" if lang == "zh-CN" else "表格名稱") in messages(lang)["about.table_names"]


def test_a_template_keeps_its_currency_for_the_scorecard_rows():
    workbook = builder.build("sales", currency="EUR")
    assert builder.workbook_currency(workbook) == "EUR"
    fill.fill(workbook, frames())
    scorecard = workbook["Scorecard"]
    column = [c.value for c in scorecard[4]].index("Average ACV of won deals") + 1
    assert {scorecard.cell(r, column).number_format for r in range(5, scorecard.max_row + 1)} == {'"€"#,##0'}
    assert builder.workbook_currency(builder.build("sales")) is None
