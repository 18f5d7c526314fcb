"""Every manager sheet of every team prints one page wide, landscape, in English and Chinese.

Each team's template is filled with the sample data, computed by headless LibreOffice through the
catalogue bridge and exported to PDF with the workbook's own print setup (data sheets hidden, as a PDF
export prints every visible sheet). Pages are told apart by their footer, which names the sheet.

A sheet split across the width would put its right-hand columns on pages without column A, because only
the header *row* repeats. So: every page of the KPI, Inputs, Scorecard and Trend sheets shows the
column-A header as a word of its own, the last printed column's header starts on the sheet's first page, the
add-in function column (outside the print area) is not, and every page is landscape.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from workbook_templates import pictures, spec
from workbook_templates.messages import messages

from .compare import frames
from .test_bridge import soffice

WORD = re.compile(r"<word [^>]*>([^<]*)</word>")


def words(pdf: Path, page: int) -> list[str]:
    """The words pdftotext finds on one page."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [html.unescape(word) for word in WORD.findall(out)]


def headers(team: str, lang: str) -> dict[str, tuple[str, str]]:
    """Per manager sheet: the column-A header and the last printed column's header."""
    msg = messages(lang)
    team_spec = spec.load(team)
    found = {
        msg["sheet.inputs"]: (msg["inputs.setting"], msg["inputs.notes"]),
        msg["sheet.kpis"]: (msg["kpis.metric"], msg["kpis.formula"]),
    }
    if team_spec.scorecard is not None:
        found[msg["sheet.scorecard"]] = (msg["scorecard.person"], msg.kpi(team_spec.scorecard_kpis[-1].key))
    if team_spec.trend_kpis:
        found[msg["sheet.trend"]] = (msg["trend.month"], msg.kpi(team_spec.trend_kpis[-1].key))
    return found


def table_sheets_first_header(team: str, lang: str) -> dict[str, str]:
    """Per table sheet: the header of column A (the translation above the table in Chinese)."""
    msg = messages(lang)
    found = {}
    for item in spec.load(team).table_sheets:
        english = "Month" if item.key == "mrr_movements" else "Cohort"  # MRR_MOVEMENTS', COHORT_RETENTION's
        found[msg[f"table_sheet.{item.key}.sheet"]] = msg.get(f"table_sheet.{item.key}.columns", [english])[0]
    return found



# Every team in English; in Chinese the teams with the widest KPI, scorecard and trend sheets.
PRINTOUTS = [(team, "en") for team in spec.TEAM_ORDER] + [
    (team, "zh-CN") for team in ("sales", "inside_sales", "support", "leadership")
]


@soffice
@pytest.mark.parametrize(("team", "lang"), PRINTOUTS)
def test_manager_sheets_print_one_page_wide(team, lang, tmp_path):
    pdf = pictures.print_to_pdf(team, lang, tmp_path, frames())
    printed = pictures.pages(pdf, pictures.manager_sheets(lang, team))
    assert all(page.sheet != "?" for page in printed), "a page without a sheet footer"
    assert all(page.width > page.height for page in printed), "a portrait page"
    by_sheet: dict[str, list[int]] = {}
    for index, page in enumerate(printed, start=1):
        by_sheet.setdefault(page.sheet, []).append(index)
    expected = headers(team, lang)
    tables = table_sheets_first_header(team, lang)
    assert set(expected) | set(tables) | {messages(lang)["sheet.about"]} == set(by_sheet)
    for sheet, first in tables.items():  # LibreOffice shows the table's first cell (it does not spill)
        for number, index in enumerate(by_sheet[sheet], start=1):
            assert first in words(pdf, index), f"{team}/{lang} {sheet} page {number}: no column A"
    for sheet, (first, last) in expected.items():
        for number, index in enumerate(by_sheet[sheet], start=1):
            on_page = words(pdf, index)
            assert first in on_page, f"{team}/{lang} {sheet} page {number}: no column A (split across the width)"
        start = last.split()[0][:2]  # wrapped headers interleave their lines: look for the label's start
        assert start in "".join(words(pdf, by_sheet[sheet][0])), f"{team}/{lang} {sheet}: no last column {last!r}"
    kpi_pages = by_sheet[messages(lang)["sheet.kpis"]]
    assert len(kpi_pages) <= 2, f"{team}/{lang}: the KPI sheet prints on {len(kpi_pages)} pages"
    function_header = messages(lang)["kpis.function"].replace(" ", "")
    assert all(function_header not in "".join(words(pdf, i)) for i in kpi_pages)
