"""What a filled workbook covers: a split workbook's KPIs use only its own rows and targets, a KPI that needs
company-level or missing data shows #N/A with the reason, never a company figure or a zero.

Every data file is written by the test from a few rows worked by hand; expected figures are computed by
hand from those rows (comments), and read back as the cached values of the filled file (what Excel shows
on open).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from workbook_templates import builder, data_model, spec
from workbook_templates.fill import commands

PERIOD = ("2025-10-01", "2025-12-31")


def table(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A data-model frame of ``rows``; every column a row does not give gets a valid default."""
    columns = data_model.TABLES[name].columns
    records = []
    for row in rows:
        record = {}
        for column in columns:
            if column.name in row:
                record[column.name] = row[column.name]
            elif not column.required:
                record[column.name] = None
            elif column.type == "category":
                record[column.name] = column.allowed[0]
            elif column.type in ("date", "datetime"):
                record[column.name] = dt.date(2025, 10, 15)
            elif column.type == "bool":
                record[column.name] = False
            elif column.type in ("text",):
                record[column.name] = "x"
            else:
                record[column.name] = max(column.minimum or 0, 1) if column.type == "integer" else 0.0
        records.append(record)
    return pd.DataFrame(records, columns=[c.name for c in columns])


def write(directory: Path, frames: dict[str, pd.DataFrame]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(directory / f"{name}.csv", index=False, date_format="%Y-%m-%d")
    return directory


def rep(name: str, role: str, team: str, region: str) -> dict[str, Any]:
    return {"Rep": name, "Role": role, "Team": team, "Region": region, "HireDate": dt.date(2023, 1, 9), "OTE": 1e5}


REPS = [
    rep("Ann Lee", "AE", "Enterprise", "APAC"),
    rep("Bo Chen", "AE", "Commercial", "APAC"),
    rep("Cara Diaz", "AE", "Enterprise", "EMEA"),
    rep("Sam Ito", "CSM", "Customer Success", "APAC"),
    rep("Eve Roth", "CSM", "Customer Success", "EMEA"),
]


def deal(number: int, owner: str, region: str, amount: float, status: str = "Won") -> dict[str, Any]:
    team = {"Ann Lee": "Enterprise", "Bo Chen": "Commercial", "Cara Diaz": "Enterprise"}[owner]
    return {
        "DealId": f"D{number}",
        "Account": f"Account {number}",
        "Owner": owner,
        "Team": team,
        "Region": region,
        "DealType": "New",
        "Source": "Outbound",
        "Created": dt.date(2025, 8, 1),
        "Stage": "Closed Won" if status == "Won" else "Closed Lost",
        "Status": status,
        "LastStageChange": dt.date(2025, 11, 1),
        "ExpectedCloseDate": dt.date(2025, 11, 1),
        "CloseDate": dt.date(2025, 11, 1),
        "Amount": amount,
        "ListAmount": amount,
        "ACV": amount,
        "TCV": amount,
        "ContractMonths": 12,
        "OneTimeFees": 0.0,
    }


DEALS = [
    deal(1, "Ann Lee", "APAC", 300_000),
    deal(2, "Ann Lee", "APAC", 60_000),
    deal(3, "Bo Chen", "APAC", 90_000),
    deal(4, "Bo Chen", "APAC", 40_000, status="Lost"),
    deal(5, "Cara Diaz", "EMEA", 500_000),
]


def quota(owner: str, month: int, target: float, scope: str = "Rep") -> dict[str, Any]:
    return {"Month": dt.date(2025, month, 1), "Scope": scope, "Owner": owner, "Metric": "Bookings", "Target": target}


TARGETS = [
    *(quota("Ann Lee", m, 50_000) for m in (10, 11, 12)),  # 150,000 in the quarter
    *(quota("Bo Chen", m, 50_000) for m in (10, 11, 12)),  # 150,000
    *(quota("Cara Diaz", m, 100_000) for m in (10, 11, 12)),  # 300,000
    *(quota("Company", m, 2_000_000, scope="Company") for m in (10, 11, 12)),
]


def subscription(customer: str, csm: str, new_mrr: float) -> dict[str, Any]:
    return {"Month": dt.date(2025, 11, 1), "Customer": customer, "CSM": csm, "MRR": new_mrr, "NewMRR": new_mrr}


SUBSCRIPTIONS = [subscription("Acme", "Sam Ito", 1_000), subscription("Bolt", "Eve Roth", 7_000)]


def sales_data(directory: Path) -> Path:
    return write(
        directory,
        {
            "Reps": table("Reps", REPS),
            "Deals": table("Deals", DEALS),
            "Targets": table("Targets", TARGETS),
            "Subscriptions": table("Subscriptions", SUBSCRIPTIONS),
        },
    )


def invoke(*args: object) -> Any:
    return CliRunner().invoke(commands.app, [str(a) for a in args])


def kpi_rows(path: Path, team: str) -> dict[str, dict[str, Any]]:
    """The KPI sheet as Excel shows it on open (cached values): key -> value, target, status, note."""
    workbook = openpyxl.load_workbook(path, data_only=True)
    ws = workbook[workbook.sheetnames[2]]
    assert ws.title in ("KPIs", "关键指标", "關鍵指標")
    rows = {}
    for index, kpi in enumerate(spec.load(team).kpis):
        row = builder.FIRST_ROW + index
        rows[kpi.key] = {
            "value": ws.cell(row=row, column=3).value,
            "target": ws.cell(row=row, column=4).value,
            "status": ws.cell(row=row, column=5).value,
            "note": ws.cell(row=row, column=builder.KPI_NOTE_COLUMN).value,
        }
    return rows


def about_text(path: Path) -> str:
    workbook = openpyxl.load_workbook(path)
    ws = workbook[workbook.sheetnames[0]]
    return "\n".join(str(c.value) for c in ws["A"] if c.value is not None)


# ------------------------------------------------------------------------------------------ region split


@pytest.fixture(scope="module")
def region_split(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("region")
    out = root / "out"
    result = invoke("fill", "sales", "--data", sales_data(root / "data"), "--out", out, "--split", "region",
                    "--period", *PERIOD)
    assert result.exit_code == 0, result.output
    return out / "sales"


def test_region_quota_attainment_is_the_regions_bookings_over_its_reps_quotas(region_split: Path) -> None:
    assert sorted(p.name for p in region_split.glob("*.xlsx")) == ["APAC.xlsx", "EMEA.xlsx"]
    apac = kpi_rows(region_split / "APAC.xlsx", "sales")
    # APAC won in the quarter: 300,000 + 60,000 + 90,000 = 450,000; APAC reps' quotas: 150,000 + 150,000.
    assert apac["quota_attainment"]["value"] == pytest.approx(450_000 / 300_000)
    assert apac["bookings"]["value"] == pytest.approx(450_000)
    emea = kpi_rows(region_split / "EMEA.xlsx", "sales")
    assert emea["quota_attainment"]["value"] == pytest.approx(500_000 / 300_000)


def test_a_region_is_measured_against_its_own_targets(region_split: Path) -> None:
    apac = kpi_rows(region_split / "APAC.xlsx", "sales")
    # Bookings: the region's own target, its reps' quotas (300,000), not the team's 3.5 million.
    assert apac["bookings"]["target"] == pytest.approx(300_000)
    assert apac["bookings"]["status"] == "On track"
    assert "own target" in apac["bookings"]["note"]
    # TCV: a team total's target (5,000,000) is no region's target: none, and no status.
    assert apac["tcv_booked"]["value"] == pytest.approx(450_000)
    assert apac["tcv_booked"]["target"] is None and apac["tcv_booked"]["status"] in (None, "")
    assert "whole team" in apac["tcv_booked"]["note"]
    # A rate's target applies to a region as to the team: win rate 3 won of 4 closed, target 40 %.
    assert apac["win_rate"]["value"] == pytest.approx(3 / 4)
    assert apac["win_rate"]["target"] == pytest.approx(0.4) and apac["win_rate"]["status"] == "On track"


def test_a_region_workbook_holds_only_its_rows(region_split: Path) -> None:
    workbook = openpyxl.load_workbook(region_split / "APAC.xlsx")
    owners = {row[2] for row in workbook["Deals"].iter_rows(min_row=2, values_only=True)}
    assert owners == {"Ann Lee", "Bo Chen"}
    reps = {row[0] for row in workbook["Reps"].iter_rows(min_row=2, values_only=True)}
    assert reps == {"Ann Lee", "Bo Chen", "Sam Ito"}
    targets = [row for row in workbook["Targets"].iter_rows(min_row=2, values_only=True)]
    assert {row[2] for row in targets} == {"Ann Lee", "Bo Chen"}  # no Company row, no EMEA rep
    # Subscriptions follow their CSM's region: APAC's net new MRR is Sam's 1,000, not the company's 8,000.
    assert kpi_rows(region_split / "APAC.xlsx", "sales")["net_new_revenue"]["value"] == pytest.approx(1_000)


def test_the_about_sheet_says_what_the_workbook_covers(region_split: Path) -> None:
    text = about_text(region_split / "APAC.xlsx")
    assert "Region APAC only" in text


def test_company_level_kpis_are_not_available_per_region(tmp_path: Path) -> None:
    """Leadership split by region: Finance is company-level; its KPIs show #N/A with the reason, no status."""
    data = write(
        tmp_path / "data",
        {
            "Reps": table("Reps", REPS),
            "Deals": table("Deals", DEALS),
            "Finance": table("Finance", [{"Month": dt.date(2025, m, 1), "CashIn": 9e5, "CashOut": 1e5}
                                         for m in (10, 11, 12)]),
        },
    )
    result = invoke("fill", "leadership", "--data", data, "--out", tmp_path / "out", "--split", "region",
                    "--period", *PERIOD)
    assert result.exit_code == 0, result.output
    apac = kpi_rows(tmp_path / "out" / "leadership" / "APAC.xlsx", "leadership")
    assert apac["cash_flow"]["value"] == "#N/A"
    assert apac["cash_flow"]["status"] in (None, "")
    assert apac["cash_flow"]["note"] == "company-level (Finance): not available per region."
    workbook = openpyxl.load_workbook(tmp_path / "out" / "leadership" / "APAC.xlsx")
    assert workbook["Finance"]["A2"].value is None  # no company rows in a region's workbook
    # The whole-team workbook has the figure: 3 x (900,000 - 100,000).
    whole = invoke("fill", "leadership", "--data", data, "--out", tmp_path / "whole", "--period", *PERIOD)
    assert whole.exit_code == 0, whole.output
    assert kpi_rows(tmp_path / "whole" / "leadership.xlsx", "leadership")["cash_flow"]["value"] == pytest.approx(
        2_400_000
    )


# ------------------------------------------------------------------------------------------ missing data


def test_leadership_from_deals_alone_shows_na_where_finance_is_needed(tmp_path: Path) -> None:
    data = write(tmp_path / "data", {"Deals": table("Deals", DEALS)})
    result = invoke("fill", "leadership", "--data", data, "--out", tmp_path / "out", "--period", *PERIOD)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "Not given" in output and "Finance" in output
    rows = kpi_rows(tmp_path / "out" / "leadership.xlsx", "leadership")
    for key in ("cash_flow", "cost_of_sales_ratio"):
        assert rows[key]["value"] == "#N/A", key
        assert rows[key]["status"] in (None, ""), key
        assert rows[key]["note"] == "Finance was not given: no value without it."
    needs = spec.load("leadership")
    from workbook_templates.fill.split import kpi_tables

    for key, tables in kpi_tables(needs).items():
        shown = rows[key]
        if tables <= {"Deals"}:
            assert shown["note"] is None, key
        else:
            assert shown["value"] == "#N/A" and shown["status"] in (None, ""), key
    assert not any(row["status"] == "On track" and row["value"] == 0 for row in rows.values())
    about = about_text(tmp_path / "out" / "leadership.xlsx")
    assert "Not given" in about and "Finance" in about


# ------------------------------------------------------------------------------------------------ re-runs


def test_a_second_fill_with_half_the_deals_is_refused_naming_the_difference(tmp_path: Path) -> None:
    """Next month's command into last month's folder: never "kept" with the old numbers and exit 0."""
    first_data = sales_data(tmp_path / "first")
    out = tmp_path / "out"
    first = invoke("fill", "sales", "--data", first_data, "--out", out, "--period", *PERIOD)
    assert first.exit_code == 0, first.output
    before = (out / "sales.xlsx").read_bytes()
    # The same command again: the same inputs, kept (a run that was interrupted completes what is missing).
    same = invoke("fill", "sales", "--data", first_data, "--out", out, "--period", *PERIOD)
    assert same.exit_code == 0 and "kept (same inputs): 1" in " ".join(same.output.split())
    # Half the deals (the first two of four APAC deals and no EMEA deal):
    half = sales_data(tmp_path / "half")
    table("Deals", DEALS[:2]).to_csv(half / "Deals.csv", index=False, date_format="%Y-%m-%d")
    refused = invoke("fill", "sales", "--data", half, "--out", out, "--period", *PERIOD)
    output = " ".join(refused.output.split())
    assert refused.exit_code == 1, refused.output
    assert "filled from other inputs: the data (the rows read from the files)" in output
    assert "--force" in output
    assert (out / "sales.xlsx").read_bytes() == before  # the old workbook untouched
    # Another period: named with both periods.
    other_period = invoke("fill", "sales", "--data", first_data, "--out", out, "--period", "2025-07-01", "2025-09-30")
    assert other_period.exit_code == 1
    shown = " ".join(other_period.output.split())
    assert "the period (2025-10-01 to 2025-12-31, now 2025-07-01 to 2025-09-30)" in shown
    # --force writes the new numbers: bookings of the two deals left, 300,000 + 60,000.
    forced = invoke("fill", "sales", "--data", half, "--out", out, "--period", *PERIOD, "--force")
    assert forced.exit_code == 0, forced.output
    assert kpi_rows(out / "sales.xlsx", "sales")["bookings"]["value"] == pytest.approx(360_000)
    again = invoke("fill", "sales", "--data", half, "--out", out, "--period", *PERIOD)
    assert again.exit_code == 0 and "kept (same inputs): 1" in " ".join(again.output.split())


def test_another_language_or_split_is_not_kept(tmp_path: Path) -> None:
    data = sales_data(tmp_path / "data")
    out = tmp_path / "out"
    assert invoke("fill", "sales", "--data", data, "--out", out, "--period", *PERIOD).exit_code == 0
    chinese = invoke("fill", "sales", "--data", data, "--out", out, "--period", *PERIOD, "--lang", "zh-CN")
    assert chinese.exit_code == 1
    assert "the language (en, now zh-CN)" in " ".join(chinese.output.split())
    workbook = openpyxl.load_workbook(out / "sales.xlsx")
    properties = {p.name: p.value for p in workbook.custom_doc_props.props}
    assert properties["KpiInputPeriod"] == "2025-10-01 2025-12-31" and properties["KpiInputSplit"] == "none"
    assert properties["KpiLanguage"] == "en" and len(properties["KpiInputData"]) == 20


# ------------------------------------------------------------------------------------------ Excel's limits


def test_a_table_of_1048576_data_rows_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """Excel's last row is 1,048,576 and the header takes one: 1,048,576 data rows do not fit."""
    from workbook_templates.fill import batch, check

    rows = check.MAX_DATA_ROWS + 1
    assert rows == 1_048_576
    deals = pd.DataFrame({"DealId": pd.RangeIndex(rows).astype(str), "Owner": "Ann Lee"})
    with pytest.raises(check.LimitError) as raised:
        batch.plan(["sales"], {"Deals": deals}, tmp_path / "out")
    message = str(raised.value)
    assert message.startswith("Deals: 1,048,576 rows for sales.xlsx") and "1,048,575" in message
    assert "\n" not in message and "--split" in message
    assert not (tmp_path / "out").exists()
    # Split by owner into two workbooks, each under the limit: planned.
    deals.loc[: rows // 2, "Owner"] = "Bo Chen"
    jobs = batch.plan(["presales"], {"Deals": deals[["DealId", "Owner"]]}, tmp_path / "out", split="owner")
    assert sorted(len(job.data["Deals"]) for job in jobs) == [rows // 2 - 1, rows // 2 + 1]


def test_the_limit_stops_the_command_with_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same check through ``kpi fill`` (the limit lowered to 3 rows so the files stay small)."""
    from workbook_templates.fill import check

    monkeypatch.setattr(check, "MAX_DATA_ROWS", 3)
    data = sales_data(tmp_path / "data")  # 5 deals
    out = tmp_path / "out"
    result = invoke("fill", "sales", "--data", data, "--out", out)
    assert result.exit_code == 1
    assert "Deals: 5 rows for sales.xlsx, more than an Excel sheet holds below its header (3)" in " ".join(
        result.output.split()
    )
    assert "Traceback" not in result.output and not out.exists()
    split = invoke("fill", "sales", "--data", data, "--out", out, "--split", "region")  # APAC 4, EMEA 1
    assert split.exit_code == 1 and "Deals: 4 rows for APAC.xlsx" in " ".join(split.output.split())


def test_text_longer_than_a_cell_holds_is_refused(tmp_path: Path) -> None:
    from workbook_templates.fill import batch, check

    deals = table("Deals", DEALS)
    deals.loc[1, "Account"] = "x" * 40_000
    with pytest.raises(check.LimitError, match=r"Deals\[Account\]: 1 text\(s\) longer than an Excel cell holds "
                       r"\(32,767 characters; data row 2 of Deals has 40,000\)"):
        batch.plan(["sales"], {"Deals": deals}, tmp_path / "out")


# ------------------------------------------------------------------------------------------------ people


ODD_NAMES = {"Ann*": 100_000, "Ann Lee": 300_000, "Jo?": 50_000, "Joe": 70_000, "=Eve": 20_000, "<Bob": 10_000}


def people_data(directory: Path, names: dict[str, float]) -> Path:
    reps = [rep(name, "AE", "Enterprise", "APAC") for name in names]
    deals = []
    for number, (name, amount) in enumerate(names.items(), start=1):
        row = deal(number, "Ann Lee", "APAC", amount)
        row["Owner"] = name
        deals.append(row)
    targets = [quota(name, m, 40_000) for name in names for m in (10, 11, 12)]  # 120,000 each
    return write(
        directory,
        {"Reps": table("Reps", reps), "Deals": table("Deals", deals), "Targets": table("Targets", targets)},
    )


def test_scorecard_people_with_wildcards_or_operators_in_their_names_get_their_own_numbers(tmp_path: Path) -> None:
    """Without escaping, "Ann*" would add up Ann Lee's deals, "Jo?" Joe's, and "<Bob" would be a comparison."""
    data = people_data(tmp_path / "data", ODD_NAMES)
    result = invoke("fill", "sales", "--data", data, "--out", tmp_path / "out", "--period", *PERIOD)
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(tmp_path / "out" / "sales.xlsx", data_only=True)
    ws = workbook["Scorecard"]
    keys = [kpi.key for kpi in spec.load("sales").scorecard_kpis]
    bookings, attainment = 2 + keys.index("bookings"), 2 + keys.index("quota_attainment")
    rows = {ws.cell(row=r, column=1).value: r for r in range(builder.FIRST_ROW, ws.max_row + 1)}
    assert set(rows) == set(ODD_NAMES)
    for name, amount in ODD_NAMES.items():
        assert ws.cell(row=rows[name], column=bookings).value == pytest.approx(amount), name
        assert ws.cell(row=rows[name], column=attainment).value == pytest.approx(amount / 120_000), name
    formulas = openpyxl.load_workbook(tmp_path / "out" / "sales.xlsx")["Scorecard"]
    assert '"=Ann~*"' in formulas.cell(row=rows["Ann*"], column=bookings).value


def test_names_that_differ_only_by_case_or_spaces_are_a_data_problem(tmp_path: Path) -> None:
    data = people_data(tmp_path / "data", {"Alice Wong": 100_000, "alice  wong": 50_000, "Bo Chen": 1_000})
    out = tmp_path / "out"
    result = invoke("fill", "sales", "--data", data, "--out", out, "--period", *PERIOD)
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "'Alice Wong' (Reps[Rep]) and 'alice wong' (Reps[Rep]) differ only by case or spaces" in message
    assert "Traceback" not in result.output and not out.exists()


def test_rows_that_belong_to_no_split_workbook_are_counted_in_the_output(tmp_path: Path) -> None:
    data = sales_data(tmp_path / "data")
    subscriptions = table("Subscriptions", [*SUBSCRIPTIONS, subscription("Cube", "Nobody Known", 500)])
    subscriptions.to_csv(data / "Subscriptions.csv", index=False, date_format="%Y-%m-%d")
    out = tmp_path / "out"
    result = invoke("fill", "sales", "--data", data, "--out", out, "--split", "region", "--period", *PERIOD)
    assert result.exit_code == 0, result.output
    assert "Rows in no sales workbook (their region is not known in Reps" in " ".join(result.output.split())
    assert "Subscriptions 1." in " ".join(result.output.split())
    # The company's 2,000,000 a month of Company-scope targets belong to no region by design: not counted.
    assert "Targets" not in " ".join(result.output.split()).split("Rows in no sales workbook")[1]
