"""`kpi fill --currency`: money shows in the chosen currency in the filled workbook, values unchanged.

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
