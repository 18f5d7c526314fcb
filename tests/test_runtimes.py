"""Workbooks for the runtime they are made for (``--runtime classic|lite|server``), refreshed every month.

- A Lite fill stores every catalogue call as ``_xldudf_`` + the function's name, a Server fill as
  ``_xldudf_KPI_`` + the name (Office.js stores a custom function as ``_xldudf_`` + its full name with the
  dots as underscores; Server's functions are in the namespace KPI, Lite's in none: docs/EXCEL_RUNTIMES.md),
  a classic fill plain names; every ``<f>`` of the output is scanned. The About sheet names the runtime and
  the cached values are the same in every runtime.
- Refresh keeps the VBA project of a classic .xlsm (xlwings' own ``quickstart.xlsm`` project) and the
  ``xl/webextensions`` parts of a Lite workbook (as Excel writes them: ECMA-376 / [MS-OWEXML]) byte for byte,
  with their relationships and content types, and keeps the workbook's runtime unless told otherwise.
"""

from __future__ import annotations

import re
import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwings
from openpyxl.formula.tokenizer import Tokenizer
from typer.testing import CliRunner

import udfs
from tests.test_templates import workbook_content
from workbook_templates import builder, sample_data
from workbook_templates.fill import commands, refresh, write
from workbook_templates.fill.cached_values import sheet_parts, unescape
from workbook_templates.formulas import BUILTINS
from workbook_templates.messages import LANGUAGES, messages
from workbook_templates.spec import TEAM_ORDER

CATALOGUE = {entry.name for entry in udfs.catalog()}
STORED_PREFIX = {"classic": "", "lite": "_xldudf_", "server": "_xldudf_KPI_"}
VBA_PROJECT = Path(xlwings.__file__).parent / "quickstart.xlsm"


@cache
def frames() -> dict[str, pd.DataFrame]:
    return {name: frame.tail(800) for name, frame in sample_data.generate().items()}


def calls(path: Path) -> list[str]:
    """The name of every function called in every ``<f>`` of every sheet, as stored."""
    names = []
    with zipfile.ZipFile(path) as package:
        for part in sheet_parts(package).values():
            for formula in re.findall(r"<f\b[^>]*>([^<]*)</f>", package.read(part).decode()):
                tokens = Tokenizer("=" + unescape(formula)).items
                names += [t.value[:-1] for t in tokens if t.type == "FUNC" and t.subtype == "OPEN"]
    return names


def kpi_values(path: Path) -> list[object]:
    ws = openpyxl.load_workbook(path, data_only=True)["KPIs"]
    return [ws.cell(row, 3).value for row in range(builder.FIRST_ROW, ws.max_row + 1)]


def about_text(path: Path) -> str:
    ws = openpyxl.load_workbook(path)["About"]
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)


@pytest.mark.parametrize("runtime", ["lite", "server"])
def test_office_js_fill_stores_xldudf_calls_only(runtime: str, tmp_path: Path) -> None:
    path = tmp_path / f"{runtime}.xlsx"
    write.fill_file(builder.template_path("sales", runtime=runtime), frames(), path)
    classic = tmp_path / "classic.xlsx"
    write.fill_file(builder.template_path("sales"), frames(), classic)
    names = calls(path)
    prefix = STORED_PREFIX[runtime]
    catalogue_calls = [n for n in names if n.upper() not in BUILTINS]
    assert catalogue_calls and all(n.startswith(prefix) for n in catalogue_calls), sorted(set(catalogue_calls))[:5]
    assert {n[len(prefix) :] for n in catalogue_calls} <= CATALOGUE
    assert not [n for n in names if n.upper() in CATALOGUE]  # no plain catalogue name anywhere
    assert [n for n in calls(classic) if n in CATALOGUE]  # the classic workbook keeps plain names
    assert messages("en")[f"about.runtime_{runtime}"] in about_text(path)
    assert openpyxl.load_workbook(path).custom_doc_props["KpiRuntime"].value == runtime
    values = kpi_values(path)
    assert values == kpi_values(classic) and all(isinstance(v, float) for v in values[:5])


def test_fill_command_takes_the_runtime(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    data = tmp_path / "data"
    sample_data.write_csv(data, frames={"Deals": frames()["Deals"].head(50)})
    runner = CliRunner()
    result = runner.invoke(
        commands.app, ["fill", "sales", "--data", str(data), "--out", str(tmp_path / "a"), "--runtime", "lite"]
    )
    assert result.exit_code == 0, result.output
    assert any(n.startswith("_xldudf_") for n in calls(tmp_path / "a" / "sales.xlsx"))
    monkeypatch.setenv("KPI_RUNTIME", "server")  # the configured default
    result = runner.invoke(commands.app, ["fill", "sales", "--data", str(data), "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert any(n.startswith("_xldudf_KPI_") for n in calls(tmp_path / "b" / "sales.xlsx"))
    wrong = runner.invoke(commands.app, ["demo", "--out", str(tmp_path / "c"), "--runtime", "excel"])
    assert wrong.exit_code == 2 and "--runtime must be one of classic, lite, server" in wrong.output
    assert not (tmp_path / "c").exists()


# ------------------------------------------------------------------------------- live workbooks, refreshed


def as_xlsm(source: Path, destination: Path) -> Path:
    """``source`` as Excel saves it after xlwings' Import Functions: macro-enabled, with a VBA project."""
    with zipfile.ZipFile(VBA_PROJECT) as quickstart:
        project = quickstart.read("xl/vbaProject.bin")
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as out:
        for info in package.infolist():
            data = package.read(info.filename)
            if info.filename == "[Content_Types].xml":
                text = data.decode().replace(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
                text = text.replace(
                    "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
                )
                data = text.encode()
            elif info.filename == "xl/_rels/workbook.xml.rels":
                rel = (
                    '<Relationship Id="rId900" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
                    ' Target="vbaProject.bin"/>'
                )
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            out.writestr(info, data)
        out.writestr("xl/vbaProject.bin", project)
    return destination


WEBEXTENSION = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<we:webextension xmlns:we="http://schemas.microsoft.com/office/webextensions/webextension/2010/11" '
    b'id="{6B4D34B0-5A7E-4F5C-9D8E-1C0F2B3A4D5E}"><we:reference id="wa200008175" version="1.0.0.0" '
    b'store="en-US" storeType="OMEX"/><we:alternateReferences><we:reference id="wa200008175" version="1.0.0.0" '
    b'store="omex" storeType="OMEX"/></we:alternateReferences><we:properties>'
    b'<we:property name="Office.AutoShowTaskpaneWithDocument" value="true"/>'
    b'<we:property name="main.py" value="&quot;import xlwings as xw\\nfrom udfs.excel import *&quot;"/>'
    b"</we:properties><we:bindings/><we:snapshot "
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></we:webextension>'
)
TASKPANES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<wetp:taskpanes xmlns:wetp="http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11">'
    b'<wetp:taskpane dockstate="right" visibility="1" width="438" row="4"><wetp:webextensionref '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
    b"</wetp:taskpane></wetp:taskpanes>"
)
TASKPANES_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    b'Type="http://schemas.microsoft.com/office/2011/relationships/webextension" Target="webextension1.xml"/>'
    b"</Relationships>"
)
WEB_PARTS = {
    "xl/webextensions/webextension1.xml": WEBEXTENSION,
    "xl/webextensions/taskpanes.xml": TASKPANES,
    "xl/webextensions/_rels/taskpanes.xml.rels": TASKPANES_RELS,
}
TASKPANES_REL = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"


def with_lite_add_in(source: Path, destination: Path) -> Path:
    """``source`` as Excel saves it with the xlwings Lite task pane open: the webextension parts."""
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as out:
        for info in package.infolist():
            data = package.read(info.filename)
            if info.filename == "[Content_Types].xml":
                overrides = (
                    '<Override PartName="/xl/webextensions/taskpanes.xml" '
                    'ContentType="application/vnd.ms-office.webextensiontaskpanes+xml"/>'
                    '<Override PartName="/xl/webextensions/webextension1.xml" '
                    'ContentType="application/vnd.ms-office.webextension+xml"/>'
                )
                data = data.replace(b"</Types>", overrides.encode() + b"</Types>")
            elif info.filename == "_rels/.rels":
                rel = f'<Relationship Id="rId1" Type="{TASKPANES_REL}" Target="xl/webextensions/taskpanes.xml"/>'
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            out.writestr(info, data)
        for name, content in WEB_PARTS.items():
            out.writestr(name, content)
    return destination


def test_refresh_keeps_the_vba_project_of_a_classic_xlsm(tmp_path: Path) -> None:
    filled = tmp_path / "filled.xlsx"
    write.fill_file(builder.template_path("sales"), {"Deals": frames()["Deals"].head(40)}, filled)
    path = as_xlsm(filled, tmp_path / "sales.xlsm")
    with zipfile.ZipFile(path) as package:
        project = package.read("xl/vbaProject.bin")
    result = CliRunner().invoke(commands.app, ["refresh", str(path), "--data", str(deals_csv(tmp_path, 70))])
    assert result.exit_code == 0, result.output
    assert "xl/vbaProject.bin" in result.output  # named as kept
    with zipfile.ZipFile(path) as package:
        assert package.read("xl/vbaProject.bin") == project
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("xl/_rels/workbook.xml.rels").decode()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types and "vbaProject" in types
    assert rels.count("relationships/vbaProject") == 1 and 'Target="vbaProject.bin"' in rels
    workbook = openpyxl.load_workbook(path, keep_vba=True)
    assert workbook["Deals"].tables["Deals"].ref == "A1:AA71"
    assert [n for n in calls(path) if n in CATALOGUE]  # classic: plain names
    assert openpyxl.load_workbook(path, data_only=True)["KPIs"]["C5"].value is not None


def test_refresh_keeps_the_add_in_parts_of_a_lite_workbook(tmp_path: Path) -> None:
    filled = tmp_path / "filled.xlsx"
    write.fill_file(builder.template_path("sales", runtime="lite"), {"Deals": frames()["Deals"].head(40)}, filled)
    path = with_lite_add_in(filled, tmp_path / "sales.xlsx")
    result = refresh.refresh(path, {"Deals": frames()["Deals"].head(90)})
    assert result.runtime == "lite" and sorted(result.kept_parts) == sorted(WEB_PARTS)
    with zipfile.ZipFile(path) as package:
        for name, content in WEB_PARTS.items():
            assert package.read(name) == content, name
        types = package.read("[Content_Types].xml").decode()
        root = package.read("_rels/.rels").decode()
    assert (
        'PartName="/xl/webextensions/taskpanes.xml" ContentType="application/vnd.ms-office.webextensiontaskpanes+xml"'
        in types
    )
    assert (
        'PartName="/xl/webextensions/webextension1.xml" ContentType="application/vnd.ms-office.webextension+xml"'
        in types
    )
    rel = re.search(rf'<Relationship [^>]*Type="{TASKPANES_REL}"[^>]*/>', root)
    assert rel and 'Target="xl/webextensions/taskpanes.xml"' in rel.group(0)
    ids = re.findall(r'Id="([^"]+)"', root)
    assert len(ids) == len(set(ids))  # the carried relationship got an id of its own
    names = calls(path)
    assert not [n for n in names if n.upper() in CATALOGUE] and any(n.startswith("_xldudf_") for n in names)
    assert openpyxl.load_workbook(path)["Deals"].tables["Deals"].ref == "A1:AA91"
    again = refresh.refresh(path, {"Deals": frames()["Deals"].head(20)})  # next month
    with zipfile.ZipFile(path) as package:
        assert all(package.read(name) == content for name, content in WEB_PARTS.items())
    assert again.rows == {"Deals": 20}


def test_refresh_can_move_a_workbook_to_another_runtime(tmp_path: Path) -> None:
    path = tmp_path / "sales.xlsx"
    write.fill_file(builder.template_path("sales"), frames(), path)
    before = kpi_values(path)
    result = refresh.refresh(path, {"Deals": frames()["Deals"]}, runtime="server")
    assert result.runtime == "server" and any("server" in note for note in result.notes)
    names = calls(path)
    catalogue_calls = [n for n in names if n.upper() not in BUILTINS]
    assert catalogue_calls and all(n.startswith("_xldudf_KPI_") for n in catalogue_calls)
    assert messages("en")["about.runtime_server"] in about_text(path)
    assert messages("en")["about.runtime_classic"] not in about_text(path)
    assert openpyxl.load_workbook(path).custom_doc_props["KpiRuntime"].value == "server"
    assert kpi_values(path) == before  # the same data gives the same numbers in any runtime


def deals_csv(directory: Path, rows: int) -> Path:
    folder = directory / f"deals-{rows}"
    sample_data.write_csv(folder, frames={"Deals": frames()["Deals"].head(rows)})
    return folder


@pytest.mark.parametrize("runtime", ["lite", "server"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_committed_runtime_templates_are_what_the_specs_build(runtime: str, lang: str, tmp_path: Path) -> None:
    for team in TEAM_ORDER:
        committed = builder.template_path(team, lang, runtime)
        assert committed.exists(), f"{committed} is missing: run python -m workbook_templates.builder"
        rebuilt = tmp_path / committed.name
        builder.build(team, lang, runtime).save(rebuilt)
        assert workbook_content(openpyxl.load_workbook(committed)) == workbook_content(openpyxl.load_workbook(rebuilt))
