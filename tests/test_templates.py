"""Template lint and reproducibility: fast checks of every team template, no LibreOffice needed.

- Every function in every formula is an Excel built-in the templates allow or a catalogue function.
- Every structured reference names an existing table and column; every other name is a defined name.
- No KPI formula holds a number literal (constants are inputs on the Inputs sheet).
- Every metric METRICS.md lists for a team (``team_metrics.toml``) is on that team's KPI sheet.
- Every label exists in every language; inputs are styled as inputs.
- The committed templates are what the builder builds from the specs.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import openpyxl
import pytest

import udfs
from workbook_templates import builder, sample_data, spec
from workbook_templates.fill import write
from workbook_templates.formulas import BUILTINS, functions_used, number_literals, references_used
from workbook_templates.messages import LANGUAGES

TEAMS = spec.TEAM_ORDER
CATALOGUE = {entry.name for entry in udfs.catalog()}
CELL_REFERENCE = re.compile(r"^(?:(?:'[^']+'|[^!]+)!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?$")
TEAM_METRICS = tomllib.loads((Path(spec.__file__).parent / "team_metrics.toml").read_text(encoding="utf-8"))


@cache
def filled(team: str, lang: str = "en") -> openpyxl.Workbook:
    """The team's template filled with the bundled sample data (scorecard rows included)."""
    workbook = builder.build(team, lang)
    write.fill(workbook, sample_data_frames())
    return workbook


@cache
def sample_data_frames():
    return sample_data.generate()


def formula_cells(workbook: openpyxl.Workbook):
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    yield ws.title, cell.coordinate, cell.value


@pytest.mark.parametrize("team", TEAMS)
def test_functions_are_builtins_or_catalogue(team):
    for sheet, coordinate, formula in formula_cells(filled(team)):
        unknown = functions_used(formula) - BUILTINS - CATALOGUE
        assert not unknown, f"{team} {sheet}!{coordinate} uses {unknown}"


@pytest.mark.parametrize("team", TEAMS)
def test_references_resolve(team):
    workbook = filled(team)
    tables = {
        name.lower(): [c.name for c in ws.tables[name].tableColumns] or None
        for ws in workbook.worksheets
        for name in ws.tables
    }
    headers = {name: [str(c.value) for c in workbook[name][1] if c.value] for name in spec.load(team).tables}
    names = set(workbook.defined_names)
    for sheet, coordinate, formula in formula_cells(workbook):
        for reference in references_used(formula):
            where = f"{team} {sheet}!{coordinate}: {reference}"
            if "[" in reference:
                table, column = re.match(r"^([^\[]+)\[(?:\[#Data\],\[)?([^\]]+)\]", reference).groups()
                assert table.lower() in tables, f"{where}: no table {table}"
                assert column in headers[table], f"{where}: table {table} has no column {column}"
            elif not CELL_REFERENCE.match(reference):
                assert reference in names, f"{where}: no defined name {reference}"


@pytest.mark.parametrize("team", TEAMS)
def test_kpi_formulas_hold_no_number_literals(team):
    for kpi in spec.load(team).kpis:
        for formula in (kpi.formula_for(), kpi.formula_for(by="$A5")):
            assert number_literals(formula) == [], f"{team}.{kpi.key}: put the constant on the Inputs sheet"


@pytest.mark.parametrize("team", TEAMS)
def test_every_catalogue_metric_of_the_team_is_on_its_kpi_sheet(team):
    shown = {kpi.metric for kpi in spec.load(team).kpis}
    missing = [metric for metric in TEAM_METRICS[team] if metric not in shown]
    assert not missing, f"{team}: no KPI row for {missing}"


@pytest.mark.parametrize("team", TEAMS)
def test_kpi_rows_are_catalogue_functions_with_the_right_format(team):
    workbook = filled(team)
    ws = workbook["KPIs"]
    kpis = spec.load(team).kpis
    for row, kpi in enumerate(kpis, start=builder.FIRST_ROW):
        function = ws.cell(row, 8).value
        assert function in CATALOGUE
        assert ws.cell(row, 3).value == kpi.formula_for()
        assert ws.cell(row, 3).number_format == udfs.registry.NUMBER_FORMATS[kpi.unit or udfs.get(function).unit]
        assert ws.cell(row, 1).value and ws.cell(row, 7).value


@pytest.mark.parametrize("team", TEAMS)
def test_inputs_are_named_and_styled_as_inputs(team):
    workbook = filled(team)
    for name in workbook.defined_names:
        if name.startswith(("Trend_", "PeriodUntil")) or name in {c.name for c in spec.load(team).calculations}:
            continue
        sheet, coordinate = next(workbook.defined_names[name].destinations)
        cell = workbook[sheet][coordinate.replace("$", "")]
        assert sheet == "Inputs" and cell.fill.fgColor.rgb.endswith("FFF2CC"), f"{team}: {name} is not an input"
        assert cell.value is not None and cell.data_type != "f"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("team", TEAMS)
def test_every_language_has_every_label(team, lang):
    workbook = builder.build(team, lang)  # raises KeyError on a missing label
    kpi_sheet = workbook.worksheets[2]
    labels = [kpi_sheet.cell(row, 1).value for row in range(builder.FIRST_ROW, kpi_sheet.max_row + 1)]
    assert all(labels) and len(set(labels)) == len(labels), f"{team}/{lang}: blank or repeated KPI labels"


def workbook_content(workbook: openpyxl.Workbook) -> dict:
    """Everything a template holds that a person sees or a formula reads, for comparing two builds."""
    content: dict = {"names": {n: d.attr_text for n, d in workbook.defined_names.items()}}
    content["properties"] = {p.name: p.value for p in workbook.custom_doc_props.props}
    for ws in workbook.worksheets:
        cells = {
            c.coordinate: (c.value, c.number_format, c.data_type, c.fill.fgColor.rgb, c.font.b)
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        }
        content[ws.title] = {
            "state": ws.sheet_state,
            "cells": cells,
            "tables": {name: ws.tables[name].ref for name in ws.tables},
            "validations": sorted((str(v.sqref), v.formula1) for v in ws.data_validations.dataValidation),
            "conditional": sorted(str(r.sqref) for r in ws.conditional_formatting),
            "charts": len(ws._charts),
        }
    return content


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("team", TEAMS)
def test_committed_templates_are_what_the_specs_build(team, lang, tmp_path):
    committed = builder.template_path(team, lang)
    assert committed.exists(), f"{committed} is missing: run python -m workbook_templates.builder"
    rebuilt = tmp_path / committed.name
    builder.build(team, lang).save(rebuilt)
    assert workbook_content(openpyxl.load_workbook(committed)) == workbook_content(openpyxl.load_workbook(rebuilt))


def test_formula_like_text_in_data_stays_text(tmp_path):
    frames = dict(sample_data_frames())
    deals = frames["Deals"].head(3).copy()
    deals["Account"] = ['=HYPERLINK("http://x")', "+1+1", "@SUM(1)"]
    frames["Deals"] = deals
    workbook = builder.build("sales")
    write.fill(workbook, frames)
    path = tmp_path / "sales.xlsx"
    workbook.save(path)
    ws = openpyxl.load_workbook(path)["Deals"]
    column = [c.value for c in ws[1]].index("Account") + 1
    assert [(ws.cell(r, column).value, ws.cell(r, column).data_type) for r in (2, 3, 4)] == [
        ('=HYPERLINK("http://x")', "s"),
        ("+1+1", "s"),
        ("@SUM(1)", "s"),
    ]


@pytest.mark.parametrize("team", TEAMS)
def test_readme_pictures_every_template(team):
    root = Path(__file__).resolve().parent.parent
    picture = root / "docs" / "img" / f"{team}.png"
    assert picture.exists() and picture.stat().st_size > 10_000, f"run python -m workbook_templates.pictures ({team})"
    assert f"docs/img/{team}.png" in (root / "README.md").read_text(encoding="utf-8")
