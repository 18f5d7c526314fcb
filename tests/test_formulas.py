"""The template formula evaluator against values worked out by hand (Excel's semantics).

Serial numbers used below: 2023-02-28 is 44985, 2024-01-01 is 45292, 2024-01-31 is 45322, 2024-02-01 is
45323, 2024-02-29 is 45351.
"""

from __future__ import annotations

import datetime as dt
import time

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table

from workbook_templates.formulas import (
    BUILTINS,
    Binary,
    ExcelError,
    FormulaError,
    Literal,
    Unary,
    WorkbookEvaluator,
    functions_used,
    number_literals,
    parse,
    references_used,
    structured_references,
)

DEALS = [
    ("Won", "Alice", dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 31), 100),
    ("Lost", "Bob", dt.datetime(2024, 1, 5), dt.datetime(2024, 2, 10), 200),
    ("Won", "Bob", dt.datetime(2024, 2, 1), dt.datetime(2024, 3, 2), 300),
    ("Open", "Alice", dt.datetime(2024, 3, 1), None, 400),
    ("won", "Carol", dt.datetime(2023, 12, 1), dt.datetime(2023, 12, 20), 50),
]
WIN_RATE_IN_PERIOD = (
    '=WIN_RATE(COUNTIFS(Deals[Status],"Won",Deals[CloseDate],">="&PeriodStart,Deals[CloseDate],"<="&PeriodEnd),'
    'COUNTIFS(Deals[Status],"Lost",Deals[CloseDate],">="&PeriodStart,Deals[CloseDate],"<="&PeriodEnd))'
)
CYCLE_BY_OWNER = '=SALES_CYCLE_LENGTH(Deals[Created],Deals[CloseDate],Deals[Owner],$A5,Deals[CloseDate],">="&$B5)'
TRAFFIC_LIGHT = (
    '=IF(OR(D{r}="",NOT(ISNUMBER(C{r}))),"",IF(C{r}>=D{r},"On track",IF(C{r}>=D{r}*AmberBand,"Watch","Off track")))'
)


def make_workbook() -> openpyxl.Workbook:
    """Deals (a table), Inputs (PeriodStart, PeriodEnd, AmberBand, a Targets table with totals), My Sheet."""
    wb = openpyxl.Workbook()
    deals = wb.active
    deals.title = "Deals"
    deals.append(["Status", "Owner", "Created", "CloseDate", "Amount"])
    for row in DEALS:
        deals.append(row)
    deals.add_table(Table(displayName="Deals", ref="A1:E6"))

    inputs = wb.create_sheet("Inputs")
    inputs["C4"], inputs["C5"], inputs["C6"] = dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 29), 0.9
    for name, cell in (("PeriodStart", "$C$4"), ("PeriodEnd", "$C$5"), ("AmberBand", "$C$6")):
        wb.defined_names[name] = DefinedName(name, attr_text=f"Inputs!{cell}")
    wb.defined_names["Tolerance"] = DefinedName("Tolerance", attr_text="0.05")  # a constant, not a cell
    for row, (rep, target) in enumerate((("Rep", "Target"), ("Alice", 100), ("Bob", 200), ("Total", 300)), 1):
        inputs[f"E{row}"], inputs[f"F{row}"] = rep, target
    inputs.add_table(Table(displayName="Targets", ref="E1:F4", totalsRowCount=1))

    other = wb.create_sheet("My Sheet")
    other["A1"], other["B2"] = 2, 3
    wb.create_sheet("Calc")
    return wb


@pytest.fixture()
def workbook() -> openpyxl.Workbook:
    return make_workbook()


@pytest.fixture()
def ev(workbook: openpyxl.Workbook) -> WorkbookEvaluator:
    return WorkbookEvaluator(workbook)


def code(value: object) -> str:
    assert isinstance(value, ExcelError), value
    return value.code


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=-2^2", 4.0),  # negation binds tighter than ^ in Excel
        ("=2+3*4", 14.0),
        ("=10/4%", 250.0),
        ("=2^3^2", 64.0),  # left to right
        ("=-3^2*2", 18.0),
        ("=3-2-1", 0.0),
        ("=(2+3)*4", 20.0),
        ("=5%", 0.05),
        ('=1+"2"', 3.0),
        ('="1,000"+0', 1000.0),
        ('="50%"*2', 1.0),
        ("=TRUE+TRUE", 2.0),
        ("=Inputs!Z99+1", 1.0),  # a blank cell is 0
        ("=PeriodStart+1", 45293.0),  # a date is its serial number
        ("=-PeriodStart", -45292.0),
        ('=+"abc"', "abc"),
    ],
)
def test_arithmetic(ev: WorkbookEvaluator, formula: str, expected: object) -> None:
    assert ev.evaluate("Calc", formula) == expected


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=1&2", "12"),
        ('=45292&""', "45292"),
        ('=0.5&""', "0.5"),
        ('=1E-7&""', "1E-07"),
        ('=1/3&""', "0.333333333333333"),
        ('=">="&PeriodStart', ">=45292"),
        ('="Period "&EOMONTH(PeriodStart,0)', "Period 45322"),
        ('=TRUE&"x"', "TRUEx"),
        ('=Inputs!Z99&"x"', "x"),
    ],
)
def test_concatenation_formats_numbers_like_general(ev: WorkbookEvaluator, formula: str, expected: str) -> None:
    assert ev.evaluate("Calc", formula) == expected


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ('=1<"a"', True),  # numbers < text < TRUE/FALSE
        ('="z"<TRUE', True),
        ('="10"=10', False),
        ('="abc"="ABC"', True),
        ('="a"<"B"', True),
        ('=Inputs!Z99=""', True),
        ("=Inputs!Z99=0", True),
        ("=Inputs!Z99=FALSE", True),
        ("=0.1+0.2=0.3", True),
        ("=PeriodStart=45292", True),
        ("=PeriodEnd>=PeriodStart", True),
        ("=2<>2", False),
    ],
)
def test_comparisons(ev: WorkbookEvaluator, formula: str, expected: bool) -> None:
    assert ev.evaluate("Calc", formula) is expected


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ('=IF(1,"y","n")', "y"),
        ('=IF(0,"y")', False),
        ("=IF(TRUE,,1)", 0.0),
        ('=IF(Inputs!Z99,"y","n")', "n"),
        ('=IFERROR(1/0,"caught")', "caught"),
        ('=IFERROR(2,"caught")', 2.0),
        ('=IF(TRUE,"lazy",1/0)', "lazy"),
        ('=IFNA(Inputs!A1,"none")', "none"),
        ("=AND(TRUE,1,Deals[Status])", True),  # text in a range is ignored
        ("=OR(FALSE,0)", False),
        ("=NOT(Inputs!Z99)", True),
        ("=ISNUMBER(PeriodStart)", True),
        ('=ISNUMBER("1")', False),
        ("=ISBLANK(Inputs!Z99)", True),
        ('=ISBLANK("")', False),
        ("=ISERROR(1/0)", True),
    ],
)
def test_logic(ev: WorkbookEvaluator, workbook: openpyxl.Workbook, formula: str, expected: object) -> None:
    workbook["Inputs"]["A1"] = "#N/A"  # an error value stored in the cell
    assert ev.evaluate("Calc", formula) == expected


def test_if_condition_that_is_not_logical_is_value_error(ev: WorkbookEvaluator) -> None:
    assert code(ev.evaluate("Calc", '=IF("maybe",1,2)')) == "#VALUE!"
    assert code(ev.evaluate("Calc", "=AND(Deals[Status])")) == "#VALUE!"  # nothing to combine


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=SUM(Deals[Amount])", 1050.0),
        ('=SUM(Deals[Amount],"5",TRUE)', 1056.0),  # typed arguments are converted
        ("=SUM(Deals[Status])", 0.0),
        ("=COUNT(Deals[CloseDate])", 4.0),  # dates are numbers
        ('=COUNT(Deals[Status],1,"2","x")', 2.0),
        ("=COUNTA(Deals[CloseDate])", 4.0),
        ("=COUNTBLANK(Deals[CloseDate])", 1.0),
        ("=AVERAGE(Deals[Amount])", 210.0),
        ("=MEDIAN(Deals[Amount])", 200.0),
        ("=MIN(Deals[Amount])", 50.0),
        ("=MAX(Deals[CloseDate])", 45353.0),
        ("=MAX(Deals[Status])", 0.0),
        ("=ABS(-3)", 3.0),
        ("=ROUND(2.5,0)", 3.0),  # half away from zero
        ("=ROUND(-2.5,0)", -3.0),
        ("=ROUND(1.005,2)", 1.01),
        ("=ROUND(1234.5,-2)", 1200.0),
    ],
)
def test_aggregates(ev: WorkbookEvaluator, formula: str, expected: float) -> None:
    assert ev.evaluate("Calc", formula) == pytest.approx(expected)


def test_aggregates_without_numbers(ev: WorkbookEvaluator) -> None:
    assert code(ev.evaluate("Calc", "=AVERAGE(Deals[Status])")) == "#DIV/0!"
    assert code(ev.evaluate("Calc", "=MEDIAN(Deals[Status])")) == "#NUM!"


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ('=COUNTIFS(Deals[Status],"Won")', 3.0),  # case-insensitive: Won, Won, won
        ('=COUNTIFS(Deals[Status],"W*")', 3.0),
        ('=COUNTIFS(Deals[Status],"<>Won")', 2.0),
        ('=COUNTIFS(Deals[CloseDate],"")', 1.0),
        ('=COUNTIFS(Deals[CloseDate],">="&PeriodStart,Deals[CloseDate],"<="&PeriodEnd)', 2.0),
        ('=COUNTIFS(Deals[Status],"Won",Deals[CloseDate],">="&PeriodStart,Deals[CloseDate],"<="&PeriodEnd)', 1.0),
        ("=COUNTIFS(Deals[CloseDate],PeriodStart)", 0.0),
        ('=COUNTIF(Deals[Amount],">100")', 3.0),
        ('=SUMIFS(Deals[Amount],Deals[CloseDate],">="&PeriodStart,Deals[CloseDate],"<="&PeriodEnd)', 300.0),
        ('=SUMIFS(Deals[Amount],Deals[Owner],"bob",Deals[Status],"Won")', 300.0),
        ('=SUMIF(Deals[Status],"Won",Deals[Amount])', 450.0),
        ('=SUMIF(Deals[Amount],">250")', 700.0),
        ('=AVERAGEIFS(Deals[Amount],Deals[Owner],"Bob")', 250.0),
        ('=AVERAGEIFS(Deals[CloseDate],Deals[Owner],"Alice")', 45322.0),
    ],
)
def test_criteria_functions(ev: WorkbookEvaluator, formula: str, expected: float) -> None:
    assert ev.evaluate("Calc", formula) == expected


def test_criteria_function_errors(ev: WorkbookEvaluator) -> None:
    assert code(ev.evaluate("Calc", '=AVERAGEIFS(Deals[Amount],Deals[Owner],"Dave")')) == "#DIV/0!"
    assert code(ev.evaluate("Calc", '=COUNTIFS(Deals[Status],"Won",Inputs!A1:A2,"x")')) == "#VALUE!"
    assert code(ev.evaluate("Calc", '=SUMIFS(Inputs!A1:A2,Deals[Status],"Won")')) == "#VALUE!"
    assert code(ev.evaluate("Calc", "=COUNTIFS(Deals[Status],1/0)")) == "#DIV/0!"


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=EDATE(DATE(2024,1,31),1)", 45351.0),  # 29 Feb 2024: the day is clamped to the month
        ("=EOMONTH(DATE(2023,2,15),0)", 44985.0),  # 28 Feb 2023
        ("=EOMONTH(PeriodStart,-1)", 45291.0),
        ("=EDATE(PeriodStart,1)", 45323.0),
        ('=EDATE("2024-01-31",1)', 45351.0),
        ("=DATE(2024,14,0)", 45688.0),  # 31 Jan 2025: months and days roll over
        ("=DATE(24,1,1)", 8767.0),  # years below 1900 count from 1900
        ("=YEAR(PeriodEnd)", 2024.0),
        ("=MONTH(PeriodEnd)", 2.0),
        ("=DAY(PeriodEnd)", 29.0),
        ("=DAY(EDATE(PeriodStart,1)-1)", 31.0),
    ],
)
def test_dates(ev: WorkbookEvaluator, formula: str, expected: float) -> None:
    assert ev.evaluate("Calc", formula) == expected


def test_date_errors(ev: WorkbookEvaluator) -> None:
    assert code(ev.evaluate("Calc", '=EDATE("soon",1)')) == "#VALUE!"
    assert code(ev.evaluate("Calc", "=EDATE(-1,1)")) == "#NUM!"
    assert code(ev.evaluate("Calc", "=DATE(10000,1,1)")) == "#NUM!"


def test_kpi_formulas_from_the_templates(workbook: openpyxl.Workbook) -> None:
    calc = workbook["Calc"]
    calc["C1"] = WIN_RATE_IN_PERIOD  # 1 won, 1 lost closed in Jan-Feb 2024
    calc["A5"], calc["B5"], calc["C5"] = "Bob", dt.datetime(2024, 1, 1), CYCLE_BY_OWNER  # (36 + 30) / 2
    calc["A6"], calc["B6"], calc["C6"] = "alice", dt.datetime(2024, 1, 1), CYCLE_BY_OWNER.replace("5", "6")
    calc["A7"], calc["B7"], calc["C7"] = "Bob", dt.datetime(2024, 3, 1), CYCLE_BY_OWNER.replace("5", "7")
    calc["C8"] = '=IFERROR(NPS(Deals[Amount]),"")'  # amounts are not 0-10 scores: #NUM!, caught
    calc["C9"] = '=SUMIFS(Deals[Amount],Deals[CloseDate],">="&PeriodStart,Deals[CloseDate],"<="&PeriodEnd)'
    values = WorkbookEvaluator(workbook).all_formula_values()
    assert values["Calc", "C1"] == 0.5
    assert values["Calc", "C5"] == 33.0
    assert values["Calc", "C6"] == 30.0
    assert values["Calc", "C7"] == 30.0
    assert values["Calc", "C8"] == ""
    assert values["Calc", "C9"] == 300.0
    assert set(values) == {("Calc", f"C{row}") for row in (1, 5, 6, 7, 8, 9)}


def test_traffic_light(workbook: openpyxl.Workbook) -> None:
    calc = workbook["Calc"]
    rows = {5: (95, 100, "Watch"), 6: (100, 100, "On track"), 7: (50, 100, "Off track"), 8: (95, None, "")}
    rows[9] = ("n/a", 100, "")
    for row, (actual, target, _) in rows.items():
        calc[f"C{row}"], calc[f"D{row}"], calc[f"E{row}"] = actual, target, TRAFFIC_LIGHT.format(r=row)
    ev = WorkbookEvaluator(workbook)
    assert {row: ev.value("Calc", f"E{row}") for row in rows} == {row: light for row, (*_, light) in rows.items()}


def test_catalogue_errors_become_excel_errors(ev: WorkbookEvaluator) -> None:
    error = ev.evaluate("Calc", "=WIN_RATE(0,0)")
    assert code(error) == "#DIV/0!" and "won + lost" in error.message
    assert code(ev.evaluate("Calc", "=WIN_RATE(-1,1)")) == "#NUM!"
    assert code(ev.evaluate("Calc", "=WIN_RATE(1/0,1)")) == "#DIV/0!"  # passed on as "#DIV/0!" and propagated
    assert code(ev.evaluate("Calc", "=NPS(Deals[Amount])")) == "#NUM!"  # not 0-10 scores
    assert code(ev.evaluate("Calc", '=NPS(Deals[Amount],Deals[Owner],"Nobody")')) == "#N/A"  # no row left


def test_catalogue_functions_receive_excel_like_arguments(workbook: openpyxl.Workbook) -> None:
    received = []
    ev = WorkbookEvaluator(workbook, functions={"ECHO": lambda *args: received.append(args) or 1.0})
    assert ev.evaluate("Calc", '=ECHO(Deals[Amount],1/0,PeriodStart,,"x",Inputs!Z99)') == 1.0
    amounts, start = [[100], [200], [300], [400], [50]], [[dt.datetime(2024, 1, 1)]]
    assert received == [(amounts, "#DIV/0!", start, None, "x", [[None]])]
    assert code(ev.evaluate("Calc", "=WIN_RATE(1,1)")) == "#NAME?"  # only the functions given


@pytest.mark.parametrize(
    "formula", ["=WIN_RATE(3,1)", "=win_rate(3,1)", "=KPI.WIN_RATE(3,1)", "=_xludf.KPI.Win_Rate(3,1)"]
)
def test_function_names_are_normalised(ev: WorkbookEvaluator, formula: str) -> None:
    assert ev.evaluate("Calc", formula) == 0.75


def test_custom_function_name(workbook: openpyxl.Workbook) -> None:
    ev = WorkbookEvaluator(workbook, function_name=lambda name: name.upper().removeprefix("_XLDUDF_KPI_"))
    assert ev.evaluate("Calc", "=_xldudf_KPI_WIN_RATE(3,1)") == 0.75


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=1/0", "#DIV/0!"),
        ("=SUM(Deals[Amount])/0+1", "#DIV/0!"),
        ('=IF(1/0>1,"a","b")', "#DIV/0!"),
        ('=(1/0)&"x"', "#DIV/0!"),
        ("=TODAY()", "#NAME?"),  # not allowed: non-deterministic
        ("=NO_SUCH_KPI(1)", "#NAME?"),
        ("=NoSuchName+1", "#NAME?"),
        ("=SUM(NoTable[Amount])", "#REF!"),
        ("=SUM(Deals[NoColumn])", "#REF!"),
        ("=Nowhere!A1", "#REF!"),
        ("=Deals[[#Totals],[Amount]]", "#REF!"),  # Deals has no totals row
        ("=#N/A+1", "#N/A"),
        ('=1+"abc"', "#VALUE!"),
        ('=""+1', "#VALUE!"),
        ("=Deals[Amount]", "#VALUE!"),  # a range where one value is expected
        ("=0^0", "#NUM!"),
        ("=(-8)^(1/3)", "#NUM!"),
        ("=SUM()", "#VALUE!"),
    ],
)
def test_errors(ev: WorkbookEvaluator, formula: str, expected: str) -> None:
    assert code(ev.evaluate("Calc", formula)) == expected


def test_errors_are_values_equal_by_code() -> None:
    assert ExcelError("#N/A", "why") == ExcelError("#N/A") != ExcelError("#DIV/0!")
    assert str(ExcelError("#N/A")) == "#N/A"


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=SUM(Deals[[#Data],[Amount]])", 1050.0),
        ("=SUM(deals[AMOUNT])", 1050.0),  # table and column names are case-insensitive
        ("=SUM(Deals[[Created]:[Amount]])", 226524.0 + 181287.0 + 1050.0),  # dates are their serials
        ("=COUNT(Deals[#Data])", 5.0 + 4.0 + 5.0),  # Created, CloseDate, Amount
        ("=SUM(Targets[Target])", 300.0),  # the totals row is left out
        ("=Targets[[#Totals],[Target]]", 300.0),
        ('=Targets[[#Headers],[Rep]]&""', "Rep"),
        ("=COUNTA(Targets[#All])", 8.0),
        ("=SUM(Targets)", 300.0),  # a bare table name is its data
        ("=SUM('My Sheet'!A1:B2)", 5.0),
        ("='My Sheet'!$B$2*2", 6.0),
        ("=SUM(Inputs!C5:C6)", 45351.9),
        ("=AmberBand*100", 90.0),
        ("=Tolerance*100", 5.0),
        ("=SUM(Inputs!C:C)", 45292.0 + 45351.0 + 0.9),
    ],
)
def test_references(ev: WorkbookEvaluator, formula: str, expected: object) -> None:
    assert ev.evaluate("Calc", formula) == (expected if isinstance(expected, str) else pytest.approx(expected))


def test_text_starting_with_equals_sign_is_text(workbook: openpyxl.Workbook) -> None:
    calc = workbook["Calc"]
    calc["A1"] = "=HYPERLINK(evil)"
    calc["A1"].data_type = "s"  # CRM text written safely
    calc["A2"] = '=A1&"!"'
    ev = WorkbookEvaluator(workbook)
    assert ev.value("Calc", "A1") == "=HYPERLINK(evil)"
    assert ev.value("Calc", "A2") == "=HYPERLINK(evil)!"
    assert list(ev.all_formula_values()) == [("Calc", "A2")]


def test_chain_of_formula_cells(workbook: openpyxl.Workbook) -> None:
    calc = workbook["Calc"]
    calc["A1"], calc["A2"], calc["A3"], calc["A4"] = "=PeriodStart", "=EDATE(A1,1)", "=EOMONTH(A2,0)", "=A3-$A$1"
    calc["B1"] = "=A4*2"  # refers to a cell below it
    ev = WorkbookEvaluator(workbook)
    assert ev.value("Calc", "B1") == 118.0
    expected = {"A1": 45292.0, "A2": 45323.0, "A3": 45351.0, "A4": 59.0, "B1": 118.0}
    assert ev.all_formula_values() == {("Calc", cell): value for cell, value in expected.items()}
    assert ev.value("Calc", "Z1") is None and ev.value("Inputs", "C6") == 0.9  # stored values as they are


def test_long_chain_evaluated_from_its_end(workbook: openpyxl.Workbook) -> None:
    calc = workbook["Calc"]
    calc["A1"] = 1
    for row in range(2, 3001):
        calc[f"A{row}"] = f"=A{row - 1}+1"
    assert WorkbookEvaluator(workbook).value("Calc", "A3000") == 3000.0


def test_circular_reference_raises(workbook: openpyxl.Workbook) -> None:
    workbook["Calc"]["A1"], workbook["Calc"]["B1"] = "=B1", "=A1+1"
    with pytest.raises(FormulaError, match="circular"):
        WorkbookEvaluator(workbook).value("Calc", "A1")


def test_saved_and_reloaded_workbook(workbook: openpyxl.Workbook, tmp_path) -> None:
    workbook["Calc"]["A1"] = WIN_RATE_IN_PERIOD
    workbook["Calc"]["A2"] = "=SUM(Deals[[#Data],[Amount]])+SUM(Targets[Target])"
    workbook.save(tmp_path / "book.xlsx")
    values = WorkbookEvaluator(openpyxl.load_workbook(tmp_path / "book.xlsx")).all_formula_values()
    assert values == {("Calc", "A1"): 0.5, ("Calc", "A2"): 1350.0}


def test_parse() -> None:
    assert parse("=-2^2") == Binary("^", Unary("-", Literal(2.0)), Literal(2.0))
    assert parse("=10/4%") == Binary("/", Literal(10.0), Unary("%", Literal(4.0)))
    assert parse("=1+2*3") == parse("1+2*3") == Binary("+", Literal(1.0), Binary("*", Literal(2.0), Literal(3.0)))
    assert parse(WIN_RATE_IN_PERIOD) is parse(WIN_RATE_IN_PERIOD)  # cached by text


@pytest.mark.parametrize("formula", ["={1,2}", "=Deals[@Status]", "=A1 B1", "=SUM(1", "=(A1,B1)", "=1+", "="])
def test_unsupported_syntax_raises(formula: str) -> None:
    with pytest.raises(FormulaError):
        parse(formula)


def test_lint_helpers() -> None:
    assert functions_used(WIN_RATE_IN_PERIOD) == {"WIN_RATE", "COUNTIFS"}
    assert functions_used('=IFERROR(_xludf.KPI.NPS(NpsResponses[Score]),"")') == {"IFERROR", "NPS"}
    assert references_used(CYCLE_BY_OWNER) == {"Deals[Created]", "Deals[CloseDate]", "Deals[Owner]", "$A5", "$B5"}
    assert references_used("=SUM('My Sheet'!A1:B2)+PeriodStart") == {"'My Sheet'!A1:B2", "PeriodStart"}
    assert structured_references(CYCLE_BY_OWNER) == {("Deals", "Created"), ("Deals", "CloseDate"), ("Deals", "Owner")}
    assert structured_references("=COUNT(Deals[[#Data],[Status]])+COUNT(Deals[#Data])") == {
        ("Deals", "Status"),
        ("Deals", ""),
    }
    assert number_literals('=IF(A1>0.5,2*B1,-3)&"7"') == [0.5, 2.0, 3.0]
    assert {"SUM", "COUNTIFS", "SUMIFS", "AVERAGEIFS", "IF", "IFERROR", "EDATE", "EOMONTH", "ROUND"} <= BUILTINS
    assert "TODAY" not in BUILTINS and "TEXT" not in BUILTINS


def test_large_tables_evaluate_in_seconds() -> None:
    """300 criteria formulas and 10 catalogue calls over a 10,000-row table: each column is read once."""
    wb = openpyxl.Workbook()
    deals = wb.active
    deals.title = "Deals"
    deals.append(["Status", "Owner", "Created", "CloseDate", "Amount"])
    owners = [f"Rep {i}" for i in range(100)]
    start = dt.datetime(2024, 1, 1)
    for i in range(10_000):
        created = start + dt.timedelta(days=i % 300)
        closed = created + dt.timedelta(days=5 + i % 60) if i % 7 else None
        deals.append([("Won", "Lost", "Open")[i % 3], owners[i % 100], created, closed, 1000 + i % 500])
    deals.add_table(Table(displayName="Deals", ref="A1:E10001"))
    wb.defined_names["PeriodStart"] = DefinedName("PeriodStart", attr_text="Calc!$B$1")
    calc = wb.create_sheet("Calc")
    calc["B1"] = start
    for row, owner in enumerate(owners, 5):
        calc[f"A{row}"], calc[f"B{row}"] = owner, start
        calc[f"D{row}"] = f'=COUNTIFS(Deals[Owner],$A{row},Deals[Status],"Won",Deals[CloseDate],">="&PeriodStart)'
        calc[f"E{row}"] = f'=SUMIFS(Deals[Amount],Deals[Owner],$A{row},Deals[Status],"Won")'
        calc[f"F{row}"] = f'=WIN_RATE(D{row},COUNTIFS(Deals[Owner],$A{row},Deals[Status],"Lost"))'
        if row < 15:
            calc[f"C{row}"] = CYCLE_BY_OWNER.replace("5", str(row))
    began = time.perf_counter()
    values = WorkbookEvaluator(wb).all_formula_values()
    elapsed = time.perf_counter() - began
    assert len(values) == 310 and not any(isinstance(v, ExcelError) for v in values.values())
    assert values["Calc", "D5"] == 29.0  # Rep 0: i = 0, 100, ..., 9900, won when i % 3 == 0, closed unless i % 7 == 0
    assert elapsed < 6, f"{elapsed:.1f} s"
