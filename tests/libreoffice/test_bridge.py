"""The LibreOffice bridge: generated Basic and Python, and real formulas recalculated by headless Calc.

The tests marked ``soffice`` need LibreOffice (``libreoffice-calc``, ``libreoffice-script-provider-python``
and ``python3-uno``) and are skipped only when no ``soffice`` is installed; the others run anywhere.
"""

from __future__ import annotations

import datetime as dt
import math
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table

from addin.libreoffice import calc as recalc

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import udfs  # noqa: E402
from addin.libreoffice import bridge, dispatcher  # noqa: E402


def soffice(test: Any) -> Any:
    """Mark a test as needing LibreOffice; skip it only where no soffice is installed (CI installs it)."""
    skip = pytest.mark.skipif(recalc.soffice_path() is None, reason="LibreOffice (soffice) is not installed")
    return pytest.mark.libreoffice(skip(test))


def error_number(value: float) -> int:
    """The Calc error number a NaN carries in its low 32 bits."""
    assert math.isnan(value)
    return struct.unpack("<Q", struct.pack("<d", value))[0] & 0xFFFFFFFF


# -------------------------------------------------------------------------------------- without Calc


@pytest.fixture
def loaded_dispatcher(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(dispatcher, "SYS_PATHS", [str(PROJECT_ROOT)])
    return dispatcher


def test_errors_are_nans_carrying_calc_error_numbers() -> None:
    assert error_number(dispatcher.calc_error("#DIV/0!")) == 532
    assert error_number(dispatcher.calc_error("#N/A")) == 32767
    assert error_number(dispatcher.calc_error("#NUM!")) == 503
    assert error_number(dispatcher.calc_error("#SPILL!")) == 519  # no such error in Calc: #VALUE!


def test_kpi_call_computes_and_never_raises(loaded_dispatcher: Any) -> None:
    omitted = loaded_dispatcher.OMITTED
    assert loaded_dispatcher.kpi_call("ACV", (380000, 20000, 3), ()) == 120000.0
    assert loaded_dispatcher.kpi_call("acv", (380000, omitted, omitted), ()) == 380000.0
    assert loaded_dispatcher.kpi_call("ACV", (380000, omitted, 2), ()) == 190000.0
    assert error_number(loaded_dispatcher.kpi_call("ACV", (1, 0, 0), ())) == 532
    assert error_number(loaded_dispatcher.kpi_call("ACV", ("abc", omitted, omitted), ())) == 519
    assert error_number(loaded_dispatcher.kpi_call("NO_SUCH_KPI", (1,), ())) == 525
    created = ((45292,), (45302,), (None,))  # a range arrives as a tuple of row tuples, blanks as None
    closed = ((45322,), (45342,), (None,))
    owners = (("Alice",), ("Bob",), ("Alice",))
    assert loaded_dispatcher.kpi_call("SALES_CYCLE_LENGTH", (created, closed), ()) == 35.0
    assert loaded_dispatcher.kpi_call("SALES_CYCLE_LENGTH", (created, closed), (owners, "Bob")) == 40.0


def test_tables_become_rectangular_rows() -> None:
    assert dispatcher.to_calc([[1, 2], [3]]) == ((1.0, 2.0), (3.0, ""))
    assert dispatcher.to_calc([1, 2]) == ((1.0,), (2.0,))
    assert error_number(dispatcher.to_calc(math.inf)) == 503
    assert dispatcher.to_calc(dt.date(2024, 1, 1)) == 45292.0


def test_basic_module_wraps_every_catalogue_function() -> None:
    source = bridge.basic_module(udfs.catalog())
    assert "Option Compatible" in source
    for entry in udfs.catalog():
        assert f"\nFunction {entry.name}(" in source
    fixed = "Array(KpiArg(p_created), KpiArg(p_closed))"
    assert (
        "Function SALES_CYCLE_LENGTH(Optional p_created, Optional p_closed, ParamArray p_criteria())\n"
        "    If IsMissing(p_closed) Then\n"
        f'        SALES_CYCLE_LENGTH = KpiCall("SALES_CYCLE_LENGTH", {fixed}, Array())\n'
        "    Else\n"
        f'        SALES_CYCLE_LENGTH = KpiCall("SALES_CYCLE_LENGTH", {fixed}, p_criteria)\n'
    ) in source
    assert 'ACV = KpiCall("ACV", Array(KpiArg(p_total_contract_value), KpiArg(p_one_time_fees)' in source


def test_basic_module_leaves_out_names_calc_cannot_call() -> None:
    entries = [
        SimpleNamespace(name="KPI.ACV", params=["x"], varargs=False),
        SimpleNamespace(name="LTV2", params=["x"], varargs=False),
        SimpleNamespace(name="GOOD", params=["x", "*criteria"], varargs=True),
    ]
    source = bridge.basic_module(entries)
    assert "REM KPI.ACV left out" in source and "REM LTV2 left out: reads as a cell reference" in source
    assert "Function GOOD(Optional p_x, ParamArray p_criteria())" in source


def test_install_registers_the_module_once(tmp_path: Path) -> None:
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / "registrymodifications.xcu").write_text("")  # an existing profile
    for _ in range(2):
        report = bridge.install(tmp_path, "/venv/lib/python3.11/site-packages", PROJECT_ROOT)
    script_xlb = (tmp_path / "user" / "basic" / "Standard" / "script.xlb").read_text()
    assert script_xlb.count(f'library:name="{bridge.MODULE}"') == 1
    assert "Option Compatible" in report.basic_module.read_text()
    script = report.python_script.read_text()
    compile(script, str(report.python_script), "exec")
    assert f"SYS_PATHS = [{str(PROJECT_ROOT)!r}, '/venv/lib/python3.11/site-packages']" in script
    assert "VENV_PYTHON = (3, 11)" in script
    assert set(report.functions) == {entry.name for entry in udfs.catalog()}


# ----------------------------------------------------------------------------------------- with Calc


@pytest.fixture(scope="module")
def office() -> Iterator[recalc.LibreOffice]:
    with recalc.LibreOffice() as running:
        yield running


def deals_workbook(path: Path) -> Path:
    """KPIs over literals, and over an Excel table ``Deals`` with structured references."""
    book = openpyxl.Workbook()
    kpis = book.active
    kpis.title = "KPIs"
    data = book.create_sheet("Data")
    data.append(["Deal", "Created", "CloseDate", "Owner", "Cycle"])
    deals = [
        ("D-1", dt.date(2024, 1, 1), dt.date(2024, 1, 31), "Alice"),
        ("D-2", dt.date(2024, 2, 1), dt.date(2024, 2, 11), "Bob"),
        ("D-3", dt.date(2024, 3, 1), dt.date(2024, 3, 21), "Alice"),
    ]
    for deal in deals:
        # openpyxl writes formulas verbatim: a this-row reference must be in the file syntax,
        # Deals[[#This Row],[Created]]; the Excel UI shorthand Deals[@Created] is not read by Calc.
        data.append([*deal, "=SALES_CYCLE_LENGTH(Deals[[#This Row],[Created]],Deals[[#This Row],[CloseDate]])"])
    data.add_table(Table(displayName="Deals", ref="A1:E4"))
    kpis["A1"] = "=ACV(380000,20000,3)"
    kpis["A2"] = "=ACV(1,0,0)"
    kpis["A3"] = "=ACV(380000)"
    kpis["A4"] = "=ACV(380000,,2)"
    kpis["A5"] = '=ACV("abc")'
    kpis["A6"] = "=ACV(-5)"
    kpis["A7"] = "=IFERROR(ACV(1,0,0),-1)"
    kpis["B1"] = "=SALES_CYCLE_LENGTH(Deals[Created],Deals[CloseDate])"
    kpis["B2"] = '=SALES_CYCLE_LENGTH(Deals[Created],Deals[CloseDate],Deals[Owner],"Alice")'
    kpis["B3"] = '=SALES_CYCLE_LENGTH(Deals[Created],Deals[CloseDate],Deals[Owner],"Nobody")'
    kpis["B4"] = "=SALES_CYCLE_LENGTH(Data!B2:B4,Data!C2:C3)"
    book.save(path)
    return path


@soffice
def test_calc_computes_the_functions_from_xlsx(office: recalc.LibreOffice, tmp_path: Path) -> None:
    saved, live = office.recalculate_with_values(deals_workbook(tmp_path / "deals.xlsx"), tmp_path / "out")
    expected = {
        "A1": 120000,
        "A2": recalc.CellError("#DIV/0!"),
        "A3": 380000,  # left-out arguments take their Python defaults
        "A4": 190000,
        "A5": recalc.CellError("#VALUE!"),
        "A6": recalc.CellError("#NUM!"),
        "A7": -1,  # a real error value: IFERROR sees it
        "B1": 20,
        "B2": 25,  # the criteria pair keeps Alice's deals: 30 and 20 days
        "B3": recalc.CellError("#N/A"),
        "B4": recalc.CellError("#VALUE!"),  # paired ranges of different lengths
    }
    assert live["KPIs"] == expected
    assert live["Data"] == {"E2": 30, "E3": 10, "E4": 20}
    from_file = recalc.formula_values(saved)
    assert from_file["KPIs"] == expected
    assert isinstance(from_file["KPIs"]["A2"], recalc.CellError)
    assert from_file["Data"] == live["Data"]


def example_formula(entry: Any, args_sheet: Any, first_column: int) -> tuple[str, int]:
    """``=NAME(...)`` for the catalogue example: ranges written into ``args_sheet``, scalars inline."""
    arguments, column = [], first_column
    for value in entry.example.args:
        if isinstance(value, list | tuple):
            column += 1
            for offset, cell in enumerate(value, start=1):
                args_sheet.cell(offset, column, cell)
            letter = get_column_letter(column)
            arguments.append(f"Args!${letter}$1:${letter}${len(value)}")
        elif isinstance(value, str):
            arguments.append('"' + value.replace('"', '""') + '"')
        else:
            arguments.append(repr(value))
    return f"={entry.name}({','.join(arguments)})", column


@soffice
def test_every_catalogue_example_computes_in_calc(office: recalc.LibreOffice, tmp_path: Path) -> None:
    builtin = office.builtin_functions()  # those are test_no_catalogue_name_is_shadowed_by_a_calc_function's
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Examples"
    args_sheet = book.create_sheet("Args")
    expected: dict[str, tuple[str, Any]] = {}
    column, row = 0, 1
    for entry in udfs.catalog():
        if entry.example is None or entry.name in builtin:
            continue
        formula, column = example_formula(entry, args_sheet, column)
        result = entry.example.result
        if entry.returns_table:  # an array formula over the example's shape; Calc does not spill
            rows = [list(r) if isinstance(r, list | tuple) else [r] for r in result]
            corner = f"B{row}:{get_column_letter(1 + max(map(len, rows)))}{row + len(rows) - 1}"
            sheet.cell(row, 1, entry.name)
            sheet.cell(row, 2).value = ArrayFormula(corner, formula)
            for r, cells in enumerate(rows):
                for c, cell in enumerate(cells):
                    expected[f"{get_column_letter(2 + c)}{row + r}"] = (entry.name, cell)
            row += len(rows)
        else:
            sheet.cell(row, 1, entry.name)
            sheet.cell(row, 2, formula)
            expected[f"B{row}"] = (entry.name, result)
            row += 1
    book.save(tmp_path / "examples.xlsx")
    _, live = office.recalculate_with_values(tmp_path / "examples.xlsx", tmp_path / "out")
    wrong = {
        f"{name} {cell}": (live["Examples"].get(cell), result)
        for cell, (name, result) in expected.items()
        if live["Examples"].get(cell)
        != (pytest.approx(result, rel=1e-9) if isinstance(result, int | float) else result)
    }
    assert not wrong, f"computed in Calc vs the catalogue's example: {wrong}"


@soffice
def test_no_catalogue_name_is_shadowed_by_a_calc_function(office: recalc.LibreOffice) -> None:
    # Calc (like Excel) looks a name up among its own functions first: a Basic function of the same name is
    # never called, and the cell computes the built-in function instead (RATE(30,120) is the annuity rate).
    shadowed = sorted({entry.name for entry in udfs.catalog()} & office.builtin_functions())
    assert not shadowed, f"catalogue names that are built-in spreadsheet functions: {shadowed}"


@soffice
def test_ods_copy_holds_the_same_values(office: recalc.LibreOffice, tmp_path: Path) -> None:
    saved, live = office.recalculate_with_values(deals_workbook(tmp_path / "deals.xlsx"), tmp_path / "out", "ods")
    assert saved.suffix == ".ods"
    assert recalc.formula_values(saved)["KPIs"] == live["KPIs"]


@soffice
def test_waterfall_and_cohorts_as_array_formulas(office: recalc.LibreOffice, tmp_path: Path) -> None:
    # Calc does not spill: a table result fills an array formula (Ctrl+Shift+Enter) over the table's shape
    from support import SPILL_COHORTS, SPILL_CUSTOMERS, SPILL_MONTHS, SPILL_MRR, SPILL_WATERFALL

    book = openpyxl.Workbook()
    data = book.active
    data.title = "Data"
    data.append(["Customer", "Month", "MRR", "Segment"])
    for index, row in enumerate(zip(SPILL_CUSTOMERS, SPILL_MONTHS, SPILL_MRR, strict=True)):
        customer, month, mrr = row
        data.append([customer, dt.date.fromisoformat(month), mrr, "y" if customer == "B" else "x"])
        data.cell(index + 2, 2).number_format = "yyyy-mm-dd"
    last = len(SPILL_CUSTOMERS) + 1
    ranges = f"Data!A2:A{last},Data!B2:B{last},Data!C2:C{last}"
    sheet = book.create_sheet("KPIs")
    sheet["A1"] = ArrayFormula("A1:H4", f"=MRR_MOVEMENTS({ranges})")
    sheet["A6"] = ArrayFormula("A6:D8", f"=COHORT_RETENTION({ranges})")
    sheet["A10"] = ArrayFormula("A10:H12", f'=MRR_MOVEMENTS({ranges},Data!D2:D{last},"y")')
    sheet["A14"] = f'=MRR_MOVEMENT({ranges},"reactivation",DATE(2024,3,9))'
    book.save(tmp_path / "spill.xlsx")
    _, live = office.recalculate_with_values(tmp_path / "spill.xlsx", tmp_path / "out")
    values = live["KPIs"]

    def table(top: int, rows: int, columns: int) -> list[list[Any]]:
        return [
            [values.get(f"{get_column_letter(c)}{r}") for c in range(1, columns + 1)] for r in range(top, top + rows)
        ]

    assert table(1, 4, 8) == SPILL_WATERFALL
    assert table(6, 3, 4) == [[v if v != "" else values.get("D8") for v in row] for row in SPILL_COHORTS]
    assert values.get("D8") in ("", None)  # the month a young cohort has not reached yet is empty
    header = SPILL_WATERFALL[0]
    assert table(10, 3, 8) == [header, [45323.0, 0, 80.0, 0, 0, 0, 0, 80.0], [45352.0, 80.0, 0, 0, 0, 0, 0, 80.0]]
    assert values["A14"] == 90.0
