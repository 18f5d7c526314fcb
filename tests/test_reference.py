"""The generated function reference is up to date and covers every function."""

import udfs
from udfs.reference import REFERENCE_PATH, excel_literal, render_reference


def test_reference_is_generated_and_current():
    assert REFERENCE_PATH.read_text(encoding="utf-8") == render_reference(), (
        "docs/FUNCTIONS.md is out of date: run `python -m udfs.reference`"
    )


def test_reference_has_every_function_under_its_team():
    text = render_reference()
    for entry in udfs.catalog():
        assert f"### `{entry.signature_text()}`" in text


# ------------------------------------------------------------------ examples written as Excel writes them
def _example_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Example: ")]


def test_examples_are_excel_syntax_not_python():
    lines = _example_lines(REFERENCE_PATH.read_text(encoding="utf-8"))
    assert len(lines) == sum(1 for e in udfs.catalog() if e.example is not None)
    for line in lines:
        formula = line.split("`")[1]
        for python_word in ("None", "True", "False", "[[", "'"):
            assert python_word not in formula, line
    assert '`=SALES_VOLUME({10000;"";25000})` → **35000**' in "\n".join(lines)
    assert '`=SHARE_TRUE({TRUE;FALSE;TRUE;"";TRUE})` → **0.75**' in "\n".join(lines)


def test_a_table_result_is_shown_as_the_cells_it_spills_into():
    text = REFERENCE_PATH.read_text(encoding="utf-8")
    start = text.index('`=VOLUME_BY({"Bug";"How-to";"bug";"";"Billing";"How-to";"Bug"})` spills')
    block = text[start:].split("\n\n")[1].splitlines()
    assert block[2:] == ["| Bug | 3 |", "| How-to | 2 |", "| Billing | 1 |"]  # counted by hand from the example


def test_an_empty_string_in_an_array_constant_gives_the_documented_result():
    """Excel's array constants have no blank; the docs write ``""`` where the example has a blank cell,
    so the function must give the documented result for ``""`` too."""
    blanks = [e for e in udfs.catalog() if e.example and any(isinstance(a, list) and None in a for a in e.example.args)]
    assert len(blanks) >= 5
    for entry in blanks:
        args = [[("" if v is None else v) for v in a] if isinstance(a, list) else a for a in entry.example.args]
        assert entry.func(*args) == entry.example.result, entry.name


def test_excel_literals():
    assert excel_literal([10000, None, 25000]) == '{10000;"";25000}'
    assert excel_literal(True) == "TRUE" and excel_literal(False) == "FALSE"
    assert excel_literal('say "hi"') == '"say ""hi"""'
    assert excel_literal(1.0) == "1" and excel_literal(0.25) == "0.25" and excel_literal(1e-05) == "1E-05"
    assert excel_literal([["Bug", 3], ["How-to", 2]]) == '{"Bug",3;"How-to",2}'


# ------------------------------------------------------------------ the same on the command line
def _run(*args: str) -> str:
    from typer.testing import CliRunner

    from kpi.cli import app

    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output


def test_kpi_report_prints_excel_values_and_grids():
    out = _run("report")
    assert '=SALES_VOLUME({10000;"";25000})' in out
    assert '=SHARE_TRUE({TRUE;FALSE;TRUE;"";TRUE})' in out
    assert "None" not in out and "True" not in out and "[[" not in out and "['" not in out
    rows = [line for line in out.splitlines() if "VOLUME_BY" in line or "How-to  " in line or "Billing " in line]
    assert any(" Bug      3 " in r for r in rows) and any(" How-to   2 " in r for r in rows), rows
    assert any(" Billing  1 " in r for r in rows), rows


def test_kpi_functions_shows_optional_arguments_and_criteria():
    out = _run("functions")
    assert "FORECAST_ACCURACY(forecast, actual, [method], [criteria_range1, criterion1, ...])" in out
    assert "ROI(gain, investment, [method])" in out
