"""Table results spill in the filled workbooks: the MRR movements waterfall and the cohort matrices.

The templates hold MRR_MOVEMENTS and COHORT_RETENTION as dynamic arrays (one formula, ``cm="1"`` with the
``xl/metadata.xml`` part). The batch fill stores every cell of the table as Excel saves a spilled formula, so
the file opens with the whole waterfall visible. The figures here are worked out by hand from a tiny
subscription set:

========  ======  ======  ======  ======
customer  Jan 24  Feb 24  Mar 24  Apr 24
========  ======  ======  ======  ======
A         100     100     150     150
B         200     (none)  (none)  120
C                 50      30      30
========  ======  ======  ======  ======

- January: A and B are new (300); ending 300.
- February: B churns 200 (its subscription ended in January), C is new with 50; ending 150.
- March: A expands by 50, C contracts by 20; ending 180.
- April: B comes back with 120: Reactivation, not New; ending 300.

Logo retention, January cohort (A, B): 1, 1/2, 1/2, 1 (B is back); February cohort (C): 1, 1, 1.
Revenue retention, January cohort (MRR 300 in its first month): 1, 100/300, 150/300, 270/300; February
cohort (50): 1, 30/50, 30/50.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from workbook_templates import builder, sample_data
from workbook_templates.fill import cached_values, refresh, write
from workbook_templates.formulas import ExcelError, WorkbookEvaluator
from workbook_templates.messages import messages

JAN, FEB, MAR, APR = (dt.datetime(2024, month, 1) for month in (1, 2, 3, 4))
HEADER = ["Month", "Starting MRR", "New", "Expansion", "Reactivation", "Contraction", "Churn", "Ending MRR"]
WATERFALL = [  # worked by hand, see the module docstring
    [JAN, 0, 300, 0, 0, 0, 0, 300],
    [FEB, 300, 50, 0, 0, 0, 200, 150],
    [MAR, 150, 0, 50, 0, 20, 0, 180],
    [APR, 180, 0, 0, 120, 0, 0, 300],
]
LOGO = [["Cohort", 0, 1, 2, 3], [JAN, 1, 0.5, 0.5, 1], [FEB, 1, 1, 1, None]]
REVENUE = [["Cohort", 0, 1, 2, 3], [JAN, 1, 100 / 300, 150 / 300, 270 / 300], [FEB, 1, 30 / 50, 30 / 50, None]]


@cache
def sample() -> dict[str, pd.DataFrame]:
    return sample_data.generate()


def tiny_subscriptions() -> pd.DataFrame:
    """The table above as Subscriptions rows (one per customer and month, movements filled in)."""
    rows = [  # Month, Customer, MRR, New, Expansion, Contraction, Churned, Reactivation
        (JAN, "A", 100, 100, 0, 0, 0, 0),
        (FEB, "A", 100, 0, 0, 0, 0, 0),
        (MAR, "A", 150, 0, 50, 0, 0, 0),
        (APR, "A", 150, 0, 0, 0, 0, 0),
        (JAN, "B", 200, 200, 0, 0, 0, 0),
        (FEB, "B", 0, 0, 0, 0, 200, 0),
        (APR, "B", 120, 0, 0, 0, 0, 120),
        (FEB, "C", 50, 50, 0, 0, 0, 0),
        (MAR, "C", 30, 0, 0, 20, 0, 0),
        (APR, "C", 30, 0, 0, 0, 0, 0),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "Month", "Customer", "MRR", "NewMRR", "ExpansionMRR", "ContractionMRR", "ChurnedMRR", "ReactivationMRR"
        ],
    )
    frame.insert(2, "Segment", "SMB")
    frame.insert(3, "CSM", sample()["Reps"]["Rep"].iloc[0])
    return frame.astype({c: float for c in frame.columns[4:]})


def tiny_data() -> dict[str, pd.DataFrame]:
    return {**sample(), "Subscriptions": tiny_subscriptions()}


def cell_values(ws, first_row: int, rows: int, columns: int) -> list[list]:
    return [[ws.cell(r, c).value for c in range(1, columns + 1)] for r in range(first_row, first_row + rows)]


def assert_table(actual: list[list], expected: list[list]) -> None:
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        assert got == [pytest.approx(v) if isinstance(v, float) else v for v in want]


def sheet_xml(path: Path, sheet: str) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read(cached_values.sheet_parts(package)[sheet]).decode("utf-8")


def assert_dynamic_array(path: Path, sheet: str, ref: str) -> None:
    """The anchor carries Excel's dynamic-array marker and covers the spilled table; the metadata is there."""
    xml = sheet_xml(path, sheet)
    anchor = ref.split(":")[0]
    assert re.search(rf'<c r="{anchor}"[^>]* cm="1"[^>]*><f t="array" ref="{ref}">', xml), xml[:2000]
    with zipfile.ZipFile(path) as package:
        assert package.read("xl/metadata.xml") == cached_values.DYNAMIC_ARRAY_METADATA
        assert "/xl/metadata.xml" in package.read("[Content_Types].xml").decode()
        assert "sheetMetadata" in package.read("xl/_rels/workbook.xml.rels").decode()


# ------------------------------------------------------------------------------------------- evaluator


def test_the_evaluator_spills_a_table_from_an_array_formula() -> None:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "Data"
    ws.append(["Customer", "Month", "MRR"])
    for row in tiny_subscriptions().itertuples():
        ws.append([row.Customer, row.Month, row.MRR])
    ws["K1"] = ArrayFormula("K1", "=MRR_MOVEMENTS(A2:A11,B2:B11,C2:C11)")
    ws["K10"] = "=MRR_MOVEMENTS(A2:A11,B2:B11,C2:C11)"  # not an array formula: one cell, no spill
    evaluator = WorkbookEvaluator(workbook)
    assert evaluator.value("Data", "K1") == "Month"
    table = evaluator.spill("Data", "K1")
    serials = [[cell if i else pytest.approx((cell - dt.datetime(1899, 12, 30)).days) for i, cell in enumerate(row)]
               for row in WATERFALL]
    assert table[0] == HEADER and table[1:] == serials
    assert evaluator.spill("Data", "K10") is None
    assert evaluator.value("Data", "K10") == ExcelError("#VALUE!")


# ---------------------------------------------------------------------------------------- batch fill


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_filled_leadership_workbook_shows_the_whole_waterfall(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "leadership.xlsx"
    write.fill_file(builder.template_path("leadership", lang), tiny_data(), path)
    sheet = messages(lang)["table_sheet.mrr_movements.sheet"]
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    assert_table(cell_values(ws, builder.TABLE_ROW, 5, 8), [HEADER, *WATERFALL])
    assert ws.cell(builder.TABLE_ROW + 5, 1).value is None  # nothing after the last month
    assert_dynamic_array(path, sheet, f"A{builder.TABLE_ROW}:H{builder.TABLE_ROW + 4}")
    formulas = openpyxl.load_workbook(path)[sheet]
    assert formulas[f"A{builder.TABLE_ROW}"].value.text.startswith("=MRR_MOVEMENTS(")
    assert formulas[f"A{builder.TABLE_ROW + 1}"].number_format == builder.MONTH_FORMAT
    # the charts cover the four months, not the rows kept free for longer data; the movements chart starts
    # at the second month (the first month's New is the MRR already paying when the data starts)
    with zipfile.ZipFile(path) as package:
        charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    ranges = {f for chart in charts for f in re.findall(r"<(?:c:)?f>([^<]*:[^<]*)</(?:c:)?f>", chart)}
    ranges = {f for f in ranges if f.startswith(f"'{sheet}'!")}
    starts = {f.split("!")[1].split(":")[0] for f in ranges}
    assert starts == {"$A$5", "$H$5", "$A$6", "$C$6", "$D$6", "$E$6", "$F$6", "$G$6"}
    assert all(f.endswith(f"${builder.TABLE_ROW + 4}") for f in ranges), ranges


def test_the_filled_customer_success_workbook_shows_both_cohort_matrices(tmp_path: Path) -> None:
    path = tmp_path / "customer_success.xlsx"
    write.fill_file(builder.template_path("customer_success"), tiny_data(), path)
    workbook = openpyxl.load_workbook(path, data_only=True)
    for key, expected in (("cohorts_logo", LOGO), ("cohorts_revenue", REVENUE)):
        sheet = messages("en")[f"table_sheet.{key}.sheet"]
        assert_table(cell_values(workbook[sheet], builder.TABLE_ROW, 3, 5), expected)
        assert_dynamic_array(path, sheet, f"A{builder.TABLE_ROW}:E{builder.TABLE_ROW + 2}")
    # the reactivation KPI: B's 120 in April, the last month of a January-April period
    write.fill_file(
        builder.template_path("customer_success"), tiny_data(), path, period_range=(JAN.date(), APR.date())
    )
    kpis = openpyxl.load_workbook(path, data_only=True)["KPIs"]
    labels = {kpis.cell(r, 1).value: kpis.cell(r, 3).value for r in range(builder.FIRST_ROW, kpis.max_row + 1)}
    assert labels[messages("en")["kpi.reactivation_mrr"]] == 120


def test_sample_data_fills_with_the_waterfall_and_its_reactivation(tmp_path: Path) -> None:
    """With the bundled sample data the waterfall runs from December 2023 to December 2025 and each month
    adds up; reactivation shows up (the sample has customers who come back)."""
    path = tmp_path / "leadership.xlsx"
    write.fill_file(builder.template_path("leadership"), sample(), path)
    ws = openpyxl.load_workbook(path, data_only=True)["MRR movements"]
    rows = cell_values(ws, builder.TABLE_ROW + 1, 25, 8)
    assert rows[0][0] == dt.datetime(2023, 12, 1) and rows[-1][0] == dt.datetime(2025, 12, 1)
    for _month, start, new, expansion, reactivation, contraction, churn, end in rows:
        assert start + new + expansion + reactivation - contraction - churn == pytest.approx(end)
    subscriptions = sample()["Subscriptions"]
    by_month = subscriptions.groupby("Month")[["MRR", "ReactivationMRR", "NewMRR"]].sum()
    assert [r[7] for r in rows] == pytest.approx(by_month["MRR"].tolist())
    assert [r[4] for r in rows] == pytest.approx(by_month["ReactivationMRR"].tolist())
    assert [r[2] for r in rows][1:] == pytest.approx(by_month["NewMRR"].tolist()[1:])  # Dec 2023: opening balance
    assert sum(r[4] for r in rows) > 0


def test_sales_weighted_pipeline_from_the_stage_inputs(tmp_path: Path) -> None:
    path = tmp_path / "sales.xlsx"
    write.fill_file(builder.template_path("sales"), sample(), path)
    kpis = openpyxl.load_workbook(path, data_only=True)["KPIs"]
    labels = {kpis.cell(r, 1).value: kpis.cell(r, 3).value for r in range(builder.FIRST_ROW, kpis.max_row + 1)}
    deals = sample()["Deals"]
    created = pd.to_datetime(deals["Created"])
    by_period_end = created <= pd.Timestamp(builder.DEFAULT_PERIOD[1])
    open_by_stage = deals[(deals["Status"] == "Open") & by_period_end].groupby("Stage")["Amount"].sum()
    probabilities = {"Qualification": 0.1, "Discovery": 0.2, "Demo": 0.4, "Proposal": 0.6, "Negotiation": 0.8}
    expected = sum(open_by_stage.get(stage, 0.0) * p for stage, p in probabilities.items())
    assert expected > 0 and labels["Weighted pipeline"] == pytest.approx(expected)


def test_a_table_that_would_cover_a_filled_cell_is_a_spill_error(tmp_path: Path) -> None:
    template = tmp_path / "template.xlsx"
    workbook = builder.build("leadership")
    workbook["MRR movements"][f"C{builder.TABLE_ROW + 2}"] = "a note typed in the way"
    builder.save(workbook, template)
    path = tmp_path / "leadership.xlsx"
    write.fill_file(template, tiny_data(), path)
    ws = openpyxl.load_workbook(path, data_only=True)["MRR movements"]
    assert ws[f"A{builder.TABLE_ROW}"].value == "#SPILL!"
    assert ws[f"C{builder.TABLE_ROW + 2}"].value == "a note typed in the way"
    assert ws[f"B{builder.TABLE_ROW + 1}"].value is None


def test_a_refresh_spills_the_new_table_over_the_old_one(tmp_path: Path) -> None:
    path = tmp_path / "leadership.xlsx"
    write.fill_file(builder.template_path("leadership"), sample(), path)  # 25 months
    refresh.refresh(path, {"Subscriptions": tiny_subscriptions()})  # 4 months
    ws = openpyxl.load_workbook(path, data_only=True)["MRR movements"]
    assert_table(cell_values(ws, builder.TABLE_ROW, 6, 8), [HEADER, *WATERFALL, [None] * 8])
    assert_dynamic_array(path, "MRR movements", f"A{builder.TABLE_ROW}:H{builder.TABLE_ROW + 4}")


@pytest.mark.parametrize("lang", ["zh-CN", "zh-TW"])
def test_a_chinese_table_sheet_shows_its_header_in_chinese(tmp_path: Path, lang: str) -> None:
    """The functions' own header row is English ("Month", "Starting MRR"): in a Chinese workbook the
    waterfall's is stored (the spilled table is whole) but hidden, and the translated header above it is what
    shows and prints; the cohort table's header row (months 0, 1, 2, ...) shows, its word "Cohort" displayed
    in Chinese by the cell's number format."""
    from workbook_templates.messages import messages

    msg = messages(lang)
    chinese = re.compile(r"[\u4e00-\u9fff]")
    row = builder.TABLE_ROW
    path = tmp_path / f"leadership-{lang}.xlsx"
    write.fill_file(builder.template_path("leadership", lang), sample(), path)
    ws = openpyxl.load_workbook(path, data_only=True)[msg["table_sheet.mrr_movements.sheet"]]
    assert ws.row_dimensions[row].hidden and ws.cell(row, 2).value == "Starting MRR"  # stored, hidden
    shown = [ws.cell(row - 1, column).value for column in range(1, 9)]
    assert all(chinese.search(str(label)) for label in shown), shown
    assert ws.print_title_rows == f"${row - 1}:${row - 1}"

    path = tmp_path / f"customer_success-{lang}.xlsx"
    write.fill_file(builder.template_path("customer_success", lang), sample(), path)
    ws = openpyxl.load_workbook(path, data_only=True)[msg["table_sheet.cohorts_logo.sheet"]]
    assert not ws.row_dimensions[row].hidden
    assert ws.cell(row, 1).value == "Cohort" and [ws.cell(row, c).value for c in (2, 3)] == [0, 1]
    shown_as = ws.cell(row, 1).number_format.split(";")[3]
    assert chinese.search(shown_as) and shown_as.strip('"') == ws.cell(row - 1, 1).value
