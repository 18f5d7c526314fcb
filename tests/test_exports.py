"""Exports as they really come: encodings, delimiters, decimal commas, ragged rows, duplicate headers,
non-finite numbers, over-long text, placeholder dates, .xls files and workbooks with a stray far cell.

Every file is written by the test the way the program named writes it (Chinese Excel saves CSV as GBK or
Big5, "Unicode Text" is tab-separated UTF-16 with a byte-order mark, European Excel writes semicolons and
decimal commas). Expected values are the ones written into the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from workbook_templates import sample_data
from workbook_templates.fill import exports, sources

NAMES_CN = ["张伟", "王芳", "李娜"]
NAMES_TW = ["陳志明", "林美玲", "黃淑芬"]


@cache
def frames() -> dict[str, pd.DataFrame]:
    return sample_data.generate()


def reps_rows(names: list[str]) -> list[list[str]]:
    """Reps rows as text (dates ISO), the first reps of the sample data renamed."""
    reps = frames()["Reps"].head(len(names)).copy()
    reps["Rep"] = names
    reps["Manager"] = names[0]
    for column in reps.columns:
        if pd.api.types.is_datetime64_any_dtype(reps[column]):
            reps[column] = reps[column].dt.strftime("%Y-%m-%d")
    reps = reps.astype(object).where(reps.notna(), "")
    return [list(reps.columns), *[[as_text(v, ",") for v in row] for row in reps.itertuples(index=False)]]


def write_text(path: Path, rows: list[list[str]], encoding: str, delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def as_text(value: object, decimal: str) -> str:
    """A value as a spreadsheet program writes it in CSV: whole numbers without decimals."""
    if isinstance(value, float):
        if value.is_integer() or not decimal:  # no decimal separator: whole numbers only
            return str(round(value))
        return str(value).replace(".", decimal)
    return str(value)


def deals_text(amounts: list[str], decimal: str = ".") -> list[list[str]]:
    """Deals rows of the sample data as text (decimals written with ``decimal``), with the given Amount texts."""
    deals = frames()["Deals"].head(len(amounts)).copy()
    for column in deals.columns:
        if pd.api.types.is_datetime64_any_dtype(deals[column]):
            deals[column] = deals[column].dt.strftime("%Y-%m-%d")
    deals = deals.astype(object).where(deals.notna(), "")
    rows = [[as_text(v, decimal) for v in row] for row in deals.itertuples(index=False)]
    amount = list(deals.columns).index("Amount")
    for row, text in zip(rows, amounts, strict=True):
        row[amount] = text
    return [list(deals.columns), *rows]


# ------------------------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoding", "names"),
    [("gbk", NAMES_CN), ("gb18030", NAMES_CN), ("big5", NAMES_TW), ("utf-8-sig", NAMES_TW), ("utf-8", NAMES_CN)],
)
def test_chinese_csv_encodings_are_found_from_the_bytes(tmp_path: Path, encoding: str, names: list[str]) -> None:
    path = write_text(tmp_path / "Reps.csv", reps_rows(names), encoding)
    loaded = sources.load([path])
    assert loaded.frames["Reps"]["Rep"].tolist() == names
    assert loaded.frames["Reps"]["Manager"].tolist() == [names[0]] * 3


def test_unicode_text_is_tab_separated_utf16(tmp_path: Path) -> None:
    """Excel's "Unicode Text (*.txt)": UTF-16 little-endian with a byte-order mark, tab-separated."""
    path = write_text(tmp_path / "Reps.txt", reps_rows(NAMES_TW), "utf-16", delimiter="\t")
    assert path.read_bytes()[:2] == b"\xff\xfe"
    assert sources.load([path]).frames["Reps"]["Rep"].tolist() == NAMES_TW


def test_utf16_without_a_byte_order_mark(tmp_path: Path) -> None:
    path = write_text(tmp_path / "Reps.csv", reps_rows(NAMES_CN), "utf-16-le")
    assert sources.load([path]).frames["Reps"]["Rep"].tolist() == NAMES_CN


def test_an_encoding_given_wins_and_a_wrong_one_is_named(tmp_path: Path) -> None:
    path = write_text(tmp_path / "Reps.csv", reps_rows(NAMES_TW), "big5")
    loaded = sources.load([path], options=exports.ReadOptions(encoding="big5"))
    assert loaded.frames["Reps"]["Rep"].tolist() == NAMES_TW
    with pytest.raises(sources.SourceError, match=r"Reps\.csv: not readable as utf-8"):
        sources.load([path], options=exports.ReadOptions(encoding="utf-8"))
    with pytest.raises(exports.ExportError, match="not an encoding"):
        exports.ReadOptions(encoding="klingon")


# ------------------------------------------------------------------------------- delimiters and decimals


def test_semicolon_file_with_decimal_commas(tmp_path: Path) -> None:
    """European Excel: semicolons, decimal commas, points grouping thousands. "1,500" there is 1.5."""
    amounts = ["1.234,56", "1,5", "1,500", "48000", "2.000,25"]
    path = write_text(tmp_path / "Deals.csv", deals_text(amounts, ","), "cp1252", delimiter=";")
    loaded = sources.load([path])
    assert loaded.frames["Deals"]["Amount"].tolist() == [1234.56, 1.5, 1.5, 48000.0, 2000.25]
    assert any("decimal comma" in note for note in loaded.notes)


def test_semicolon_file_with_decimal_points(tmp_path: Path) -> None:
    """Semicolons but decimal points (a CRM's export): "1,500" there groups thousands."""
    amounts = ["1234.56", "1,500", "99.5", "48000", "2,000.25"]
    path = write_text(tmp_path / "Deals.csv", deals_text(amounts), "utf-8", delimiter=";")
    loaded = sources.load([path])
    assert loaded.frames["Deals"]["Amount"].tolist() == [1234.56, 1500.0, 99.5, 48000.0, 2000.25]


def test_decimal_given_wins(tmp_path: Path) -> None:
    amounts = ["1,500", "2,250", "48000"]  # weak evidence only: 1,500 reads as a decimal comma
    path = write_text(tmp_path / "Deals.csv", deals_text(amounts, ""), "utf-8", delimiter=";")
    assert sources.load([path]).frames["Deals"]["Amount"].tolist() == [1.5, 2.25, 48000.0]
    as_points = sources.load([path], options=exports.ReadOptions(decimal="."))
    assert as_points.frames["Deals"]["Amount"].tolist() == [1500.0, 2250.0, 48000.0]


def test_a_point_in_a_decimal_comma_file_is_never_guessed(tmp_path: Path) -> None:
    amounts = ["1,5", "2,75", "1.5", "48000"]  # 1.5 there: one and a half, or a typo of 1.500?
    path = write_text(tmp_path / "Deals.csv", deals_text(amounts, ","), "utf-8", delimiter=";")
    with pytest.raises(sources.BadData) as caught:
        sources.load([path])
    [bad] = caught.value.bad
    assert (bad.row, bad.column, bad.value) == (4, "Amount", "1.5") and "decimal comma" in bad.problem


def test_detected_decimal_rules() -> None:
    assert exports.detect_decimal([["1,5"], ["2"]], ";") == ","
    assert exports.detect_decimal([["1.5"], ["1,500"]], ";") == "."
    assert exports.detect_decimal([["1,500", "x"]], "\t") == ","
    assert exports.detect_decimal([["1.500"], ["2.000"]], "\t") == "."
    assert exports.detect_decimal([["1,5"]], ",") == "."  # an unquoted decimal comma cannot occur there
    assert exports.detect_delimiter("a;b;c\n1;2,5;3\n") == ";"
    assert exports.detect_delimiter("a\tb\n1\t2\n") == "\t"


# ------------------------------------------------------------------------------------------- bad rows


def test_ragged_rows_are_bad_rows_with_the_row_a_spreadsheet_shows(tmp_path: Path) -> None:
    rows = deals_text(["100", "200", "300", "400", "500"])
    rows[2] = [*rows[2], "extra"]  # an extra field
    lines = [",".join(f'"{v}"' if "\n" in v else v for v in row) for row in rows]
    lines[1] = lines[1].replace(rows[1][0], f'"{rows[1][0]}\nsecond line"', 1)  # a quoted line break: one row
    last = rows[4][-1]
    lines[4] = ",".join(rows[4][:-1]) + f",{last}, and more"  # an unquoted comma in the last column
    path = tmp_path / "Deals.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(sources.BadData) as caught:
        sources.load([path])
    found = {(b.row, b.column) for b in caught.value.bad}
    assert found == {(3, rows[0][-1]), (5, rows[0][-1])}
    extra = next(b for b in caught.value.bad if b.row == 3)
    assert f"has {len(rows[0]) + 1} fields, the header {len(rows[0])}" in extra.problem
    assert "extra" in extra.value
    loaded = sources.load([path], skip_bad_rows=True)
    assert loaded.frames["Deals"]["Amount"].tolist() == [100.0, 300.0, 500.0]
    assert sorted({b.row for b in loaded.skipped}) == [3, 5]


def test_headers_equal_but_for_case_are_refused(tmp_path: Path) -> None:
    rows = deals_text(["1000", "2000"])
    rows[0].append("amount")
    for row in rows[1:]:
        row.append("1")
    path = write_text(tmp_path / "Deals.csv", rows, "utf-8")
    with pytest.raises(sources.BadData) as caught:
        sources.load([path], skip_bad_rows=True)
    assert caught.value.fatal
    [bad] = caught.value.bad
    assert (bad.row, bad.column) == (1, "Amount")
    assert "'Amount', 'amount'" in bad.problem


@pytest.mark.parametrize(("text", "problem"), [("inf", "not a finite number"), ("-Infinity", "not a finite number"),
                                               ("1e999", "not a finite number"), ("nan", "not a number")])  # fmt: skip
def test_non_finite_numbers_are_bad_rows(tmp_path: Path, text: str, problem: str) -> None:
    path = write_text(tmp_path / "Deals.csv", deals_text(["100", text, "300"]), "utf-8")
    with pytest.raises(sources.BadData) as caught:
        sources.load([path])
    [bad] = caught.value.bad
    assert (bad.row, bad.column, bad.value, bad.problem) == (3, "Amount", text, problem)


def test_text_over_an_excel_cell_is_a_bad_row(tmp_path: Path) -> None:
    rows = deals_text(["100", "200"])
    account = rows[0].index("Account")
    rows[2][account] = "x" * 32_768
    rows[1][account] = "y" * 32_767  # exactly what a cell holds: fine
    path = write_text(tmp_path / "Deals.csv", rows, "utf-8")
    with pytest.raises(sources.BadData) as caught:
        sources.load([path])
    [bad] = caught.value.bad
    assert (bad.row, bad.column) == (3, "Account") and bad.problem == "32,768 characters; an Excel cell holds 32,767"


@pytest.mark.parametrize("placeholder", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_placeholder_dates_are_bad_rows_in_csv(tmp_path: Path, placeholder: str) -> None:
    rows = deals_text(["100", "200", "300"])
    rows[2][rows[0].index("Created")] = placeholder
    path = write_text(tmp_path / "Deals.csv", rows, "utf-8")
    with pytest.raises(sources.BadData) as caught:
        sources.load([path])
    [bad] = caught.value.bad
    assert (bad.row, bad.column, bad.value) == (3, "Created", placeholder)
    assert ("placeholder" if placeholder[0] in "09" else "before 1900-01-01") in bad.problem


def test_placeholder_dates_in_xlsx_are_bad_rows_not_a_crash(tmp_path: Path) -> None:
    deals = frames()["Deals"].head(4)
    path = tmp_path / "Deals.xlsx"
    deals.to_excel(path, index=False)
    workbook = openpyxl.load_workbook(path)
    ws = workbook.active
    created = [c.value for c in ws[1]].index("Created") + 1
    ws.cell(3, created).value = dt.datetime(9999, 12, 31)
    ws.cell(4, created).value = dt.date(1, 1, 1)
    ws.cell(4, created).number_format = "yyyy-mm-dd"
    workbook.save(path)
    with pytest.raises(sources.BadData) as caught:
        sources.load([path])
    assert {(b.row, b.column) for b in caught.value.bad} == {(3, "Created"), (4, "Created")}
    assert all("placeholder" in b.problem for b in caught.value.bad)


# ------------------------------------------------------------------------------------------ workbooks


def test_a_stray_cell_at_the_last_cell_of_a_sheet(tmp_path: Path) -> None:
    """One value at XFD1048576 claims a 1,048,576 x 16,384 range: the rows read are the real ones."""
    deals = frames()["Deals"].head(20)
    path = tmp_path / "Deals.xlsx"
    deals.to_excel(path, index=False)
    workbook = openpyxl.load_workbook(path)
    workbook.active["XFD1048576"] = "stray"
    workbook.save(path)
    with pytest.raises(sources.BadData) as caught:
        sources.load([path])
    [bad] = caught.value.bad
    assert bad.row == 1_048_576 and bad.value == "stray"
    assert bad.problem == "a value in column XFD, right of the table's last headed column AA"
    loaded = sources.load([path], skip_bad_rows=True)
    assert loaded.frames["Deals"]["DealId"].tolist() == deals["DealId"].tolist()


@pytest.mark.libreoffice
def test_xls_is_read(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is needed to write an .xls file")
    deals = frames()["Deals"].head(8)
    deals.to_excel(tmp_path / "Deals.xlsx", index=False)
    out = tmp_path / "xls"
    subprocess.run(
        [soffice, "--headless", "--convert-to", "xls", "--outdir", str(out), str(tmp_path / "Deals.xlsx")],
        check=True,
        capture_output=True,
        timeout=180,
    )
    loaded = sources.load([out])
    assert loaded.frames["Deals"]["DealId"].tolist() == deals["DealId"].tolist()
    assert loaded.frames["Deals"]["Amount"].tolist() == deals["Amount"].tolist()
    assert loaded.frames["Deals"]["Created"].tolist() == deals["Created"].tolist()


def test_no_file_in_a_data_folder_is_passed_over_silently(tmp_path: Path) -> None:
    sample_data.write_csv(tmp_path, frames={"Reps": frames()["Reps"]})
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    loaded = sources.load([tmp_path])
    assert any("notes.pdf" in note and "not read" in note for note in loaded.notes)
    (tmp_path / "Deals.xlsb").write_bytes(b"PK")
    with pytest.raises(sources.SourceError, match=r"Deals\.xlsb: an Excel binary workbook cannot be read"):
        sources.load([tmp_path])


# -------------------------------------------------------------------------------------------- command


def test_fill_takes_encoding_and_decimal(tmp_path: Path) -> None:
    from workbook_templates.fill.commands import app

    data = tmp_path / "data"
    data.mkdir()
    write_text(data / "Reps.csv", reps_rows(NAMES_TW), "big5", delimiter=";")
    runner = CliRunner()
    bad = runner.invoke(app, ["fill", "sales", "--data", str(data), "--out", str(tmp_path / "out"), "--decimal", ";"])
    assert bad.exit_code == 2 and "--decimal must be" in bad.output
    result = runner.invoke(
        app,
        ["fill", "sales", "--data", str(data), "--out", str(tmp_path / "out"), "--encoding", "big5", "--decimal", ","],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "sales.xlsx").exists()


# -------------------------------------------------------------------------------------------- presets


def kpi_row(path: Path, function: str) -> tuple[object, object]:
    """The cached value and status of the KPI computed by ``function`` on the KPI sheet of a filled workbook."""
    from workbook_templates.builder import KPI_COLUMNS

    ws = openpyxl.load_workbook(path, data_only=True)["KPIs"]
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[KPI_COLUMNS.index("function")] == function:
            return row[2], row[4]
    raise AssertionError(f"no {function} KPI")


def salesforce_report(directory: Path, list_prices: list[str] | None) -> Path:
    from tests.test_sources import SALESFORCE_FOOTER, SALESFORCE_HEADER, SALESFORCE_ROWS

    directory.mkdir()
    header, rows = list(SALESFORCE_HEADER), [list(r) for r in SALESFORCE_ROWS]
    if list_prices is not None:
        header.append("List Price")
        rows = [[*row, price] for row, price in zip(rows, list_prices, strict=True)]
    write_text(directory / "report1735812345678.csv", [header, *rows, *SALESFORCE_FOOTER], "utf-8-sig")
    sample_data.write_csv(directory, frames={"Reps": frames()["Reps"]})
    return directory


def test_a_preset_never_invents_list_prices(tmp_path: Path) -> None:
    """Without a list-price column the discount is #N/A with no status, and the run says why; never 0 %."""
    from workbook_templates.fill.commands import app

    data = salesforce_report(tmp_path / "data", None)
    out = tmp_path / "out"
    period = ["--period", "2025-10-01", "2025-12-31"]
    result = CliRunner().invoke(app, ["fill", "sales", "--data", str(data), "--preset", "salesforce", "--out",
                                      str(out), *period])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "no ListAmount column" in result.output and "discount applied" in result.output
    value, status = kpi_row(out / "sales.xlsx", "DISCOUNT_RATE")
    assert value == "#N/A" and status in (None, "")  # no status: neither on nor off track
    assert kpi_row(out / "sales.xlsx", "FULL_PRICE_SHARE")[0] == "#N/A"
    deals = sources.load([data], sources.preset("salesforce")).frames["Deals"]
    assert deals["ListAmount"].isna().all()


def test_a_preset_reads_list_prices_when_the_export_has_them(tmp_path: Path) -> None:
    """The quarter's one won deal (Acme, 48,000) listed at 60,000: a discount of 12,000 / 60,000 = 20 %."""
    from workbook_templates.fill.commands import app

    data = salesforce_report(tmp_path / "data", ["60000", "12000", "10000", "30000"])
    out = tmp_path / "out"
    period = ["--period", "2025-10-01", "2025-12-31"]
    result = CliRunner().invoke(app, ["fill", "sales", "--data", str(data), "--preset", "salesforce", "--out",
                                      str(out), *period])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "no ListAmount column" not in result.output
    value, status = kpi_row(out / "sales.xlsx", "DISCOUNT_RATE")
    assert value == pytest.approx(0.2) and status == "Off track"  # target 12 %, lower is better


def test_refresh_takes_encoding_and_decimal(tmp_path: Path) -> None:
    from workbook_templates.fill.commands import app

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    write_text(first / "Reps.csv", reps_rows(NAMES_CN), "utf-8")
    write_text(second / "Reps.csv", reps_rows(NAMES_TW), "big5", delimiter=";")
    runner = CliRunner()
    filled = runner.invoke(app, ["fill", "sales", "--data", str(first), "--out", str(tmp_path / "out")])
    assert filled.exit_code == 0, filled.output
    workbook = tmp_path / "out" / "sales.xlsx"
    result = runner.invoke(app, ["refresh", str(workbook), "--data", str(second), "--encoding", "big5",
                                 "--decimal", ","])  # fmt: skip
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(workbook, read_only=True)["Reps"]
    assert [row[0] for row in ws.iter_rows(min_row=2, max_row=4, values_only=True)] == NAMES_TW
