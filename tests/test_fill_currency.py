"""`kpi fill --currency` (money in the chosen currency, values unchanged) and an optional column left out.

Checked on the file a manager opens: the number format of a money KPI's value cell and of the Deals
Amount cells, the stored values against a fill without the option, the fingerprint that makes a re-run in
another currency a different fill, and the one-line refusal of a code that is not ISO 4217.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from kpi.cli import app
from workbook_templates import sample_data
from workbook_templates.messages import messages


def _kpi(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def _sales_exports(folder: Path) -> Path:
    frames = sample_data.generate()
    folder.mkdir()
    for name in ("Deals", "Reps", "Targets"):
        frames[name].to_csv(folder / f"{name}.csv", index=False)
    return folder


def _kpi_row(workbook: openpyxl.Workbook, label: str) -> int:
    kpis = workbook[messages("en")["sheet.kpis"]]
    return next(row for row in range(1, kpis.max_row + 1) if kpis.cell(row=row, column=1).value == label)


def test_fill_shows_money_in_the_currency_and_keeps_the_values(tmp_path: Path) -> None:
    data = _sales_exports(tmp_path / "exports")
    plain, euro = tmp_path / "plain", tmp_path / "euro"
    assert _kpi("fill", "sales", "--data", data, "--out", plain, "--jobs", 1).exit_code == 0
    result = _kpi("fill", "sales", "--data", data, "--out", euro, "--jobs", 1, "--currency", "eur")
    assert result.exit_code == 0, result.output

    formatted = openpyxl.load_workbook(euro / "sales.xlsx")
    stored = openpyxl.load_workbook(euro / "sales.xlsx", data_only=True)
    stored_plain = openpyxl.load_workbook(plain / "sales.xlsx", data_only=True)
    kpis = messages("en")["sheet.kpis"]
    bookings = _kpi_row(formatted, messages("en").kpi("bookings"))
    assert "€" in formatted[kpis].cell(row=bookings, column=3).number_format
    amount = [cell.value for cell in formatted["Deals"][1]].index("Amount") + 1
    assert "€" in formatted["Deals"].cell(row=2, column=amount).number_format
    assert "€" not in openpyxl.load_workbook(plain / "sales.xlsx")["Deals"].cell(row=2, column=amount).number_format
    # the same numbers, only shown differently
    value = stored[kpis].cell(row=bookings, column=3).value
    assert isinstance(value, float) and value == stored_plain[kpis].cell(row=bookings, column=3).value

    again = _kpi("fill", "sales", "--data", data, "--out", euro, "--jobs", 1, "--currency", "USD")
    assert again.exit_code == 1
    assert "the currency" in again.output


def test_a_currency_that_is_not_an_iso_code_is_one_line(tmp_path: Path) -> None:
    data = _sales_exports(tmp_path / "exports")
    result = _kpi("fill", "sales", "--data", data, "--out", tmp_path / "out", "--currency", "euro")
    assert result.exit_code == 2
    assert "--currency" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "sales.xlsx").exists()


def test_finance_without_a_cash_balance_leaves_the_cash_kpis_not_available(tmp_path: Path) -> None:
    """An export without the optional CashBalance column: burn rate, runway and burn multiple show #N/A with
    no status (never a number made from blanks), the run names the column, and the other KPIs keep theirs."""
    frames = sample_data.generate()
    data = tmp_path / "exports"
    data.mkdir()
    frames["Finance"].drop(columns=["CashBalance"]).to_csv(data / "Finance.csv", index=False)
    for name in ("Deals", "Subscriptions", "Customers", "Reps", "Targets", "Forecasts", "Employees"):
        if name in frames:
            frames[name].to_csv(data / f"{name}.csv", index=False)
    result = _kpi("fill", "leadership", "--data", data, "--out", tmp_path / "out", "--jobs", 1)
    assert result.exit_code == 0, result.output
    assert "CashBalance" in " ".join(result.output.split())
    stored = openpyxl.load_workbook(tmp_path / "out" / "leadership.xlsx", data_only=True)
    kpis = stored[messages("en")["sheet.kpis"]]
    for key in ("burn_rate", "runway", "burn_multiple"):
        row = _kpi_row(stored, messages("en").kpi(key))
        assert kpis.cell(row=row, column=3).value == "#N/A", key
        assert kpis.cell(row=row, column=5).value in (None, ""), key  # no status
    gross = _kpi_row(stored, messages("en").kpi("gross_revenue"))
    assert isinstance(kpis.cell(row=gross, column=3).value, float)
