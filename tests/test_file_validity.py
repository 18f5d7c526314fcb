"""Every workbook the `kpi` command writes opens cleanly in any reader and keeps its stored values on open.

The outputs of `kpi demo` (en), a zh-CN fill, a `--split owner` fill, every team in zh-TW for xlwings Lite, a
Server fill, a `--currency` fill and `kpi refresh` of a classic and a Lite workbook are checked for:

- ``<calcPr calcId="191029"/>`` and no ``fullCalcOnLoad``: Excel recalculates a workbook on open when
  fullCalcOnLoad is set or its calcId is below its own engine's (191029 for Microsoft 365), which, without the
  add-in, turns every KPI into ``#NAME?``;
- no ZIP64 headers on parts that do not need them (SheetJS cannot read such parts);
- 0 ERROR findings of the offline OOXML validator (tools/ooxml: package, XML, Excel-semantics, ECMA-376 XSD and
  Microsoft's Open XML SDK layers), with both schema layers really run;
- SheetJS (npm ``xlsx``) opens every file and reads the same cached values as openpyxl.

The validator and SheetJS are built by ``tools/setup-runtimes.sh`` (CI runs it); without them those tests are
skipped on a developer machine and stop the run in CI.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from kpi.cli import app

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / ".runtime"
VALIDATOR_PYTHON = RUNTIME / "ooxml-venv" / "bin" / "python"
SDK_DIR = RUNTIME / "ooxml-sdk"
SHEETJS = RUNTIME / "node_modules" / "xlsx" / "package.json"


def _need(ready: bool, what: str) -> None:
    if ready:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must build {what} (bash tools/setup-runtimes.sh, see .ci/run)")
    pytest.skip(f"{what} not built here: run bash tools/setup-runtimes.sh")


def _kpi(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """The workbooks a manager gets from each command, by case."""
    root = tmp_path_factory.mktemp("outputs")
    _kpi("demo", "--out", str(root / "demo"), "--jobs", "2")
    _kpi("sample-data", "--out", str(root / "data"))
    _kpi("fill", "sales", "--data", str(root / "data"), "--out", str(root / "zh"), "--lang", "zh-CN")
    _kpi("fill", "sales", "--data", str(root / "data"), "--out", str(root / "split"), "--split", "owner")
    data = str(root / "data")
    _kpi("fill", "all", "--data", data, "--out", str(root / "lite"), "--lang", "zh-TW", "--runtime", "lite")
    _kpi("fill", "leadership", "--data", str(root / "data"), "--out", str(root / "server"), "--runtime", "server")
    _kpi("fill", "customer_success", "--data", str(root / "data"), "--out", str(root / "eur"), "--currency", "EUR")
    refreshed = root / "refresh" / "sales.xlsx"
    refreshed.parent.mkdir()
    shutil.copy(root / "demo" / "sales.xlsx", refreshed)
    _kpi("refresh", str(refreshed), "--data", str(root / "data" / "Deals.csv"))
    refreshed_lite = root / "refresh-lite" / "leadership.xlsx"
    refreshed_lite.parent.mkdir()
    shutil.copy(root / "lite" / "leadership.xlsx", refreshed_lite)
    _kpi("refresh", str(refreshed_lite), "--data", str(root / "data" / "Subscriptions.csv"))
    cases = {
        "demo": sorted((root / "demo").glob("*.xlsx")),
        "zh-CN": sorted((root / "zh").glob("*.xlsx")),
        "split": sorted((root / "split").rglob("*.xlsx")),
        "zh-TW lite": sorted((root / "lite").glob("*.xlsx")),
        "server": sorted((root / "server").glob("*.xlsx")),
        "currency": sorted((root / "eur").glob("*.xlsx")),
        "refresh": [refreshed, refreshed_lite],
    }
    assert len(cases["demo"]) == 8 and len(cases["zh-CN"]) == 1 and len(cases["split"]) >= 5, cases
    assert len(cases["zh-TW lite"]) == 8 and len(cases["server"]) == 1 and len(cases["currency"]) == 1, cases
    return cases


def _all(outputs: dict[str, list[Path]]) -> list[Path]:
    return [path for paths in outputs.values() for path in paths]


@pytest.mark.slow
def test_every_output_keeps_its_values_on_open(outputs: dict[str, list[Path]]) -> None:
    for path in _all(outputs):
        with zipfile.ZipFile(path) as package:
            workbook = package.read("xl/workbook.xml").decode()
        calc = re.findall(r"<calcPr\b([^>]*?)\s*/?>", workbook)
        assert calc == [' calcId="191029"'], (path, calc)  # no fullCalcOnLoad, no other setting
        assert "fullCalcOnLoad" not in workbook, path


def _zip64_entries(path: Path) -> list[str]:
    """Entries whose local header or central directory record carries a ZIP64 extra field (id 0x0001)."""

    def has_zip64(extra: bytes) -> bool:
        position = 0
        while position + 4 <= len(extra):
            header_id, size = struct.unpack_from("<HH", extra, position)
            if header_id == 0x0001:
                return True
            position += 4 + size
        return False

    found = []
    with zipfile.ZipFile(path) as package, path.open("rb") as raw:
        for info in package.infolist():
            raw.seek(info.header_offset)
            local = raw.read(30)
            assert local[:4] == b"PK\x03\x04", (path, info.filename)
            name_length, extra_length = struct.unpack_from("<HH", local, 26)
            raw.seek(info.header_offset + 30 + name_length)
            if has_zip64(raw.read(extra_length)) or has_zip64(info.extra):
                found.append(info.filename)
    return found


@pytest.mark.slow
def test_no_zip64_headers_on_parts_that_do_not_need_them(outputs: dict[str, list[Path]]) -> None:
    for path in _all(outputs):
        assert path.stat().st_size < 2**31
        assert _zip64_entries(path) == [], path


@pytest.mark.slow
def test_every_stored_number_is_finite(outputs: dict[str, list[Path]]) -> None:
    for path in outputs["demo"] + outputs["refresh"]:
        workbook = openpyxl.load_workbook(path, data_only=True, read_only=True)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, float):
                        assert math.isfinite(value), (path, sheet.title)
        workbook.close()


def test_infinite_numbers_in_an_export_are_bad_rows_not_cells(tmp_path: Path) -> None:
    """Text like "inf" or "1e999" in a CRM export would land as a number Excel repairs: it is a bad row instead."""
    _kpi("sample-data", "--out", str(tmp_path / "data"))
    deals = tmp_path / "data" / "Deals.csv"
    lines = deals.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    amount = header.index("Amount")
    for number, text in ((1, "1e999"), (2, "-inf")):
        cells = lines[number].split(",")
        cells[amount] = text
        lines[number] = ",".join(cells)
    deals.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["fill", "sales", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1, result.output
    assert "1e999" in result.output and "-inf" in result.output and "Amount" in result.output
    assert not (tmp_path / "o" / "sales.xlsx").exists()


@pytest.mark.slow
def test_the_ooxml_validator_finds_no_error(outputs: dict[str, list[Path]], tmp_path: Path) -> None:
    _need(VALIDATOR_PYTHON.exists() and (SDK_DIR / "ooxml.runtimeconfig.json").exists(), "the OOXML validator")
    report = tmp_path / "findings.json"
    env = dict(os.environ, OOXML_XSD_DIR=str(ROOT / "tools" / "ooxml" / "xsd"), OOXML_SDK_DIR=str(SDK_DIR))
    paths = [str(p) for p in _all(outputs)]
    run = subprocess.run(
        [str(VALIDATOR_PYTHON), str(ROOT / "tools" / "ooxml" / "ooxml_validate.py"), "--quiet", "--json", str(report)]
        + paths,
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    findings = json.loads(report.read_text(encoding="utf-8"))
    assert sorted(findings) == sorted(paths), run.stdout[-2000:]
    for path, items in findings.items():
        layers = {f["layer"] for f in items}
        assert {"xsd", "sdk"} <= layers, (path, "a schema layer did not run", run.stdout[-2000:])
        skipped = [f["message"] for f in items if "skipped" in f["message"] or "failed to start" in f["message"]]
        assert not skipped, (path, skipped)
        errors = [f"{f['code']} {f['part']} {f['message'][:200]}" for f in items if f["severity"] == "ERROR"]
        assert errors == [], (path, errors)
        zip64 = [f["message"][:200] for f in items if "zip64" in f["code"]]
        assert zip64 == [], (path, zip64)
    assert run.returncode == 0, run.stdout[-3000:]


@pytest.mark.slow
def test_sheetjs_reads_every_output_with_its_cached_values(outputs: dict[str, list[Path]]) -> None:
    _need(SHEETJS.exists() and shutil.which("node") is not None, "SheetJS (npm xlsx) and Node.js")
    paths = _all(outputs)
    run = subprocess.run(
        ["node", str(ROOT / "tools" / "sheetjs" / "read.cjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    results = [json.loads(line) for line in run.stdout.splitlines()]
    failed = [(r["file"], r.get("error")) for r in results if not r["ok"]]
    assert failed == [] and run.returncode == 0, failed or run.stderr
    assert sorted(r["file"] for r in results) == sorted(map(str, paths))
    for result in results:
        workbook = openpyxl.load_workbook(result["file"], data_only=True, read_only=True)
        assert result["sheets"] == workbook.sheetnames
        kpis = workbook.worksheets[2]  # the KPI sheet: the values a manager reads first
        checked = 0
        for row in kpis.iter_rows():
            for cell in row:
                if not hasattr(cell, "coordinate"):  # an empty cell
                    continue
                key = f"{kpis.title}!{cell.coordinate}"
                if key in result["values"] and isinstance(cell.value, int | float):
                    assert result["values"][key] == pytest.approx(cell.value, rel=1e-12), (result["file"], key)
                    checked += 1
        workbook.close()
        assert checked >= 5, (result["file"], checked)


# ------------------------------------------------------------------ the documented way to recompute everything
def _precedents(workbook: openpyxl.Workbook, sheet: str, formula: str) -> list[tuple[str, str]]:
    """The cells a formula reads through cell references and defined names (table columns are data)."""
    from openpyxl.formula.tokenizer import Token, Tokenizer
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    found: list[tuple[str, str]] = []
    for token in Tokenizer(formula).items:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE or "[" in token.value:
            continue
        target, where = token.value, sheet
        if target in workbook.defined_names:
            target = workbook.defined_names[target].attr_text
        if "!" in target:
            where, target = target.rsplit("!", 1)
            where = where.strip("'")
        try:
            low_col, low_row, high_col, high_row = range_boundaries(target.replace("$", ""))
        except ValueError:
            continue
        for row in range(low_row, high_row + 1):
            for col in range(low_col, high_col + 1):
                found.append((where, f"{get_column_letter(col)}{row}"))
    return found


@pytest.mark.parametrize(
    "team",
    ["sales", "inside_sales", "marketing", "enablement", "presales", "customer_success", "support", "leadership"],
)
def test_retyping_the_period_recalculates_every_kpi_formula(team: str) -> None:
    """The README tells Excel-on-the-web and Mac users to type the reporting period's start and end and the
    trend start on the Inputs sheet again to recompute every KPI: every formula calling a catalogue function on
    the KPI, Scorecard and Trend sheets must depend on one of them, through cells and defined names."""
    import udfs
    from workbook_templates import builder

    workbook = openpyxl.load_workbook(builder.template_path(team))
    names = workbook.defined_names
    roots = {
        tuple(names[n].attr_text.replace("$", "").replace("'", "").split("!"))
        for n in ("PeriodStart", "PeriodEnd", "TrendStart")
    }
    catalogue = {m.name for m in udfs.catalog()}
    memo: dict[tuple[str, str], bool] = {}

    def depends(cell: tuple[str, str], seen: frozenset = frozenset()) -> bool:
        if cell in roots:
            return True
        if cell in memo or cell in seen:
            return memo.get(cell, False)
        value = workbook[cell[0]][cell[1]].value if cell[0] in workbook.sheetnames else None
        result = (
            isinstance(value, str)
            and value.startswith("=")
            and any(depends(p, seen | {cell}) for p in _precedents(workbook, cell[0], value))
        )
        memo[cell] = result
        return result

    checked, independent = 0, []
    for sheet in ("KPIs", "Scorecard", "Trend"):
        if sheet not in workbook.sheetnames:
            continue
        for row in workbook[sheet].iter_rows():
            for cell in row:
                text = cell.value if isinstance(cell.value, str) else ""
                if text.startswith("=") and any(f"{name}(" in text for name in catalogue):
                    checked += 1
                    if not depends((sheet, cell.coordinate)):
                        independent.append(f"{sheet}!{cell.coordinate} {text[:80]}")
    assert checked >= 10 and independent == [], independent
