"""``kpi refresh``: new rows into a workbook a person has edited, keeping what they added.

A filled workbook gets a person's additions (a sheet with formulas over the tables, a chart, a formula
and a colour on the KPI sheet); the refresh must keep all of them, recompute their cached values, resize
the tables and leave a byte-for-byte backup of the original. Workbooks holding parts openpyxl would drop
(VBA or xlwings Lite code, sparklines, shapes, pictures in cells, anything else it does not write back)
are refused, naming them, and left untouched, unless forced.
"""

from __future__ import annotations

import re
import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import PatternFill
from typer.testing import CliRunner

from tests.test_fill import assert_dynamic_array, with_dynamic_array
from workbook_templates import builder, sample_data
from workbook_templates.fill import commands, refresh, write
from workbook_templates.fill.cached_values import sheet_parts

USER_FILL = "FF00B050"


@cache
def frames() -> dict[str, pd.DataFrame]:
    """The sample data, trimmed to keep the tests quick (every table still has a year of rows)."""
    return {name: frame.tail(1500) for name, frame in sample_data.generate().items()}


def edited_workbook(path: Path) -> Path:
    """A filled sales workbook after a person added a sheet, formulas, a chart and a colour."""
    write.fill_file(builder.template_path("sales"), frames(), path)
    workbook = openpyxl.load_workbook(path)
    mine = workbook.create_sheet("My analysis")
    mine["A1"], mine["B1"] = "Won amount", '=SUMIFS(Deals[Amount],Deals[Status],"Won")'
    mine["A2"], mine["B2"] = "Deals", "=COUNTA(Deals[DealId])"
    mine["A3"], mine["B3"] = "Twice the win rate", "=KPIs!C5*2"
    chart = BarChart()
    chart.title = "My KPIs"
    chart.add_data(Reference(workbook["KPIs"], min_col=3, min_row=5, max_row=10))
    mine.add_chart(chart, "D2")
    kpis = workbook["KPIs"]
    kpis["J5"] = "=C5*100"
    kpis["J5"].fill = PatternFill("solid", fgColor=USER_FILL)
    kpis["J4"] = "My column"
    workbook.save(path)
    return path


def chart_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as package:
        return [n for n in package.namelist() if n.startswith("xl/charts/chart")]


def test_refresh_keeps_what_a_person_added(tmp_path: Path) -> None:
    path = edited_workbook(tmp_path / "sales.xlsx")
    original = path.read_bytes()
    charts_before = chart_parts(path)
    new_deals = frames()["Deals"].sample(400, random_state=1).sort_values("DealId")
    result = refresh.refresh(path, {"Deals": new_deals})

    assert result.backup.read_bytes() == original
    assert re.fullmatch(r"sales\.backup-\d{8}-\d{6}\.xlsx", result.backup.name)
    assert result.rows == {"Deals": 400}
    workbook = openpyxl.load_workbook(path)
    mine = workbook["My analysis"]
    assert mine["B1"].value == '=SUMIFS(Deals[Amount],Deals[Status],"Won")'
    assert mine["B3"].value == "=KPIs!C5*2"
    assert len(mine._charts) == 1 and len(chart_parts(path)) == len(charts_before)
    kpis = workbook["KPIs"]
    assert kpis["J5"].value == "=C5*100" and kpis["J5"].fill.fgColor.rgb == USER_FILL
    assert workbook["Deals"].tables["Deals"].ref == "A1:AA401"
    assert workbook["Deals"].tables["Deals"].autoFilter.ref == "A1:AA401"

    values = openpyxl.load_workbook(path, data_only=True)
    won = new_deals.loc[new_deals["Status"] == "Won", "Amount"].sum()
    assert values["My analysis"]["B1"].value == pytest.approx(won)
    assert values["My analysis"]["B2"].value == 400
    win_rate = values["KPIs"]["C5"].value
    assert isinstance(win_rate, float) and values["KPIs"]["J5"].value == pytest.approx(win_rate * 100)
    assert values["My analysis"]["B3"].value == pytest.approx(win_rate * 2)
    deals = pd.read_excel(path, sheet_name="Deals", engine="calamine")
    assert deals["DealId"].tolist() == new_deals["DealId"].tolist()


def test_refresh_with_fewer_and_more_rows_than_before(tmp_path: Path) -> None:
    path = tmp_path / "sales.xlsx"
    write.fill_file(builder.template_path("sales"), {"Deals": frames()["Deals"].head(50)}, path)
    for count in (10, 300):
        refresh.refresh(path, {"Deals": frames()["Deals"].head(count)})
        ws = openpyxl.load_workbook(path)["Deals"]
        assert ws.tables["Deals"].ref == f"A1:AA{count + 1}" and ws.max_row == count + 1


def test_refresh_keeps_dynamic_arrays(tmp_path: Path) -> None:
    filled = tmp_path / "filled.xlsx"
    write.fill_file(builder.template_path("sales"), frames(), filled)
    path = with_dynamic_array(filled, tmp_path / "sales.xlsx")
    refresh.refresh(path, {"Deals": frames()["Deals"].head(100)})
    assert_dynamic_array(path)


# ----------------------------------------------------------------------------------------- refusals


def rewrite(path: Path, change: dict[str, bytes | None], add: dict[str, bytes]) -> Path:
    """A copy of the package with parts changed (None: removed) and added."""
    out = path.with_name("edited-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    target.writestr(info, change[info.filename])
            else:
                target.writestr(info, source.read(info.filename))
        for name, data in add.items():
            target.writestr(name, data)
    out.replace(path)
    return path


def content_type(path: Path, part: str, kind: str) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        types = package.read("[Content_Types].xml").decode()
    override = f'<Override PartName="/{part}" ContentType="{kind}"/>'
    return {"[Content_Types].xml": types.replace("</Types>", override + "</Types>").encode()}


def with_vba(path: Path) -> Path:
    kind = "application/vnd.ms-office.vbaProject"
    return rewrite(path, content_type(path, "xl/vbaProject.bin", kind), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"})


def with_lite_code(path: Path) -> Path:
    item = b'<?xml version="1.0"?><xlwings><file name="main.py">import xlwings as xw</file></xlwings>'
    return rewrite(path, {}, {"customXml/item1.xml": item})


def with_sparklines(path: Path) -> Path:
    with zipfile.ZipFile(path) as package:
        part = sheet_parts(package)["KPIs"]
        xml = package.read(part).decode()
    ext = (
        '<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:sparklineGroups '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:sparklineGroup><x14:sparklines>'
        "<x14:sparkline><xm:f>Trend!D5:D28</xm:f><xm:sqref>I5</xm:sqref></x14:sparkline></x14:sparklines>"
        "</x14:sparklineGroup></x14:sparklineGroups></ext></extLst>"
    )
    return rewrite(path, {part: xml.replace("</worksheet>", ext + "</worksheet>").encode()}, {})


def with_data_bars(path: Path) -> Path:
    """Conditional formatting of Excel 2010 (data bars, icon sets) lives in an extension openpyxl drops."""
    with zipfile.ZipFile(path) as package:
        part = sheet_parts(package)["KPIs"]
        xml = package.read(part).decode()
    ext = (
        '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings>'
        '<x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:cfRule type="dataBar" id="{00000000-0000-0000-0000-000000000001}"><x14:dataBar minLength="0" '
        'maxLength="100"><x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/></x14:dataBar></x14:cfRule>'
        "<xm:sqref>C5:C20</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>"
    )
    return rewrite(path, {part: xml.replace("</worksheet>", ext + "</worksheet>").encode()}, {})


def with_shape(path: Path) -> Path:
    with zipfile.ZipFile(path) as package:
        drawing = next(n for n in package.namelist() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n))
        xml = package.read(drawing).decode()
    prefix = "xdr:" if "<xdr:" in xml else ""
    shape = (
        f"<{prefix}twoCellAnchor><{prefix}from><{prefix}col>1</{prefix}col><{prefix}colOff>0</{prefix}colOff>"
        f"<{prefix}row>1</{prefix}row><{prefix}rowOff>0</{prefix}rowOff></{prefix}from><{prefix}to>"
        f"<{prefix}col>3</{prefix}col><{prefix}colOff>0</{prefix}colOff><{prefix}row>3</{prefix}row>"
        f'<{prefix}rowOff>0</{prefix}rowOff></{prefix}to><{prefix}sp><{prefix}nvSpPr><{prefix}cNvPr id="9" '
        f'name="Note"/><{prefix}cNvSpPr/></{prefix}nvSpPr><{prefix}spPr/></{prefix}sp><{prefix}clientData/>'
        f"</{prefix}twoCellAnchor>"
    )
    end = f"</{prefix}wsDr>"
    return rewrite(path, {drawing: xml.replace(end, shape + end).encode()}, {})


def with_cell_pictures(path: Path) -> Path:
    return rewrite(path, {}, {"xl/richData/rdrichvalue.xml": b'<rvData xmlns="x" count="0"/>'})


def with_people_part(path: Path) -> Path:
    """A part openpyxl does not know (the people of threaded comments): caught by comparing parts."""
    kind = "application/vnd.ms-excel.person+xml"
    return rewrite(path, content_type(path, "xl/persons/person.xml", kind), {"xl/persons/person.xml": b"<personList/>"})


@pytest.mark.parametrize(
    "make,named",
    [
        (with_vba, "VBA"),
        (with_lite_code, "xlwings Lite"),
        (with_sparklines, "sparklines"),
        (with_shape, "shapes"),
        (with_data_bars, "Conditional Formatting extension"),
        (with_cell_pictures, "pictures in cells"),
        (with_people_part, "person"),
    ],
)
def test_refresh_refuses_what_it_would_lose(make, named: str, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "sales.xlsx"
    write.fill_file(builder.template_path("sales"), {"Deals": frames()["Deals"].head(20)}, path)
    make(path)
    before = path.read_bytes()
    with pytest.raises(refresh.RefreshRefused) as refused:
        refresh.refresh(path, {"Deals": frames()["Deals"].head(30)})
    assert named in str(refused.value)
    assert path.read_bytes() == before and list(tmp_path.iterdir()) == [path]  # untouched, no backup
    forced = refresh.refresh(path, {"Deals": frames()["Deals"].head(30)}, force=True)
    assert forced.rows == {"Deals": 30} and forced.backup.read_bytes() == before


def test_refresh_command(tmp_path: Path) -> None:
    path = tmp_path / "sales.xlsx"
    write.fill_file(builder.template_path("sales"), {"Deals": frames()["Deals"].head(20)}, path)
    data = tmp_path / "data"
    sample_data.write_csv(data, frames={"Deals": frames()["Deals"].head(60)})
    runner = CliRunner()
    result = runner.invoke(commands.app, ["refresh", str(path), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "Backup" in result.output and "Deals" in result.output
    assert openpyxl.load_workbook(path)["Deals"].tables["Deals"].ref == "A1:AA61"
    with_vba(path)
    refused = runner.invoke(commands.app, ["refresh", str(path), "--data", str(data)])
    assert refused.exit_code == 1 and "VBA" in refused.output and "Nothing was changed" in refused.output


def test_refresh_moves_a_totals_row_and_never_overwrites_cells_below(tmp_path: Path) -> None:
    path = tmp_path / "sales.xlsx"
    write.fill_file(builder.template_path("sales"), {"Deals": frames()["Deals"].head(20)}, path)
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Deals"]
    table = ws.tables["Deals"]
    table.totalsRowCount = 1
    table.ref = "A1:AA22"
    amount = [c.value for c in ws[1]].index("Amount") + 1
    ws.cell(22, 1).value = "Total"
    ws.cell(22, amount).value = "=SUBTOTAL(109,Deals[Amount])"
    ws["A30"] = "Checked by Ann"
    workbook.save(path)

    refresh.refresh(path, {"Deals": frames()["Deals"].head(5)})
    ws = openpyxl.load_workbook(path)["Deals"]
    assert ws.tables["Deals"].ref == "A1:AA7" and ws.tables["Deals"].autoFilter.ref == "A1:AA6"
    assert ws.cell(7, 1).value == "Total" and ws.cell(7, amount).value == "=SUBTOTAL(109,Deals[Amount])"
    assert ws["A30"].value == "Checked by Ann" and ws.cell(22, 1).value is None

    before = path.read_bytes()
    with pytest.raises(ValueError, match=r"Deals!A30"):
        refresh.refresh(path, {"Deals": frames()["Deals"].head(40)})
    assert path.read_bytes() == before
    refused = CliRunner().invoke(commands.app, ["refresh", str(path), "--data", str(deals_csv(tmp_path, 40))])
    assert refused.exit_code == 1 and "Nothing was changed" in refused.output


def deals_csv(directory: Path, rows: int) -> Path:
    folder = directory / f"deals-{rows}"
    sample_data.write_csv(folder, frames={"Deals": frames()["Deals"].head(rows)})
    return folder
