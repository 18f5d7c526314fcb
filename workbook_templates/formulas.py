"""Evaluate the Excel formula subset of the team template workbooks, with Excel's semantics.

Two uses: a test compares these values with what LibreOffice computes for the same workbook, and the batch
fill stores them as the cells' cached values so a workbook opens with its numbers visible::

    values = WorkbookEvaluator(openpyxl.load_workbook("sales.xlsx")).all_formula_values()
    values["Sales", "C5"]                        # 0.42, or ExcelError("#DIV/0!")

The subset: number, text, TRUE/FALSE and error literals; the operators ``: - + % ^ * / & = <> < > <= >=``;
references ``A1``, ``$A$1``, ``A1:B5``, ``A:A``, ``Sheet!A1``, ``'My Sheet'!A1:B2``, defined names and
structured references (``Deals[Status]``, ``Deals[[#Data],[Status]]``, ``Deals[#Data]``, ``[#Headers]``,
``[#Totals]``, ``[#All]``, ``[[A]:[B]]``); the functions in :data:`BUILTINS` and the KPI catalogue.

An Excel error is a value (:class:`ExcelError`): it flows through operators and functions, ``IFERROR``
catches it, and a catalogue function's :class:`udfs.KPIError` becomes one. What cannot be evaluated at all
raises :class:`FormulaError`: array constants, the intersection and union operators, this-row references
(``Deals[@Status]``), a circular reference.

Array formulas (an openpyxl ``ArrayFormula``: Excel's dynamic arrays and CSE formulas) whose result is a
table, as MRR_MOVEMENTS and COHORT_RETENTION return, spill: the anchor cell holds the table's top-left value
and :meth:`WorkbookEvaluator.spill` gives the whole table, each cell as the sheet shows it.

Left out on purpose: array evaluation of operators and built-ins, and implicit intersection (a range of
several cells where one value is expected is #VALUE!), SUMIF's resizing of a smaller sum_range (#VALUE!), currency and
locale date text in arithmetic (numbers, "1,000", "50%" and ISO dates convert), the floating-point
snapping of a result near zero. Where LibreOffice departs from Excel, Excel is followed: TRUE&"x" is "TRUEx",
text < TRUE, (-8)^(1/3) and 0^0 are #NUM!, DATE(24,1,1) is 1924, SUM("5",TRUE) is 6, serial 60 is
29 Feb 1900, and ``&`` writes 1E-07 and 1E+15 (up to 15 significant digits, as Excel's General format).
"""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import functools
import itertools
import math
import operator
import re
import statistics
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import numpy as np
import openpyxl
from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries

import udfs
from udfs.coerce import datetime_from_serial, parse_date_text, serial_from_datetime
from udfs.criteria import Criterion

_LAST_SERIAL = 2958466  # 10000-01-01, the first day Excel cannot show


@dataclass(frozen=True)
class ExcelError:
    """An Excel error value such as ``#DIV/0!``; equal to any error with the same code."""

    code: str
    message: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.code


class FormulaError(ValueError):
    """A formula that cannot be evaluated at all: bad or unsupported syntax, or a circular reference."""


class _TooDeep(Exception):
    """Formula cells nest deeper than _MAX_DEPTH: evaluate ``where`` first, then start again."""

    def __init__(self, where: tuple[Any, int, int]) -> None:
        super().__init__(where)
        self.where = where


_MAX_DEPTH = 20  # formula cells evaluated inside one another, well within Python's recursion limit


class _Fail(Exception):
    """Raised inside the evaluator to return an error value from the node being evaluated."""

    def __init__(self, code: str | ExcelError, message: str = "") -> None:
        super().__init__(message)
        self.error = code if isinstance(code, ExcelError) else ExcelError(code, message)


# ------------------------------------------------------------------------------------------------ syntax


@dataclass(frozen=True, slots=True)
class Literal:
    value: float | str | bool | ExcelError


@dataclass(frozen=True, slots=True)
class Missing:
    """An argument left out, as in ``IF(A1,,1)``; it evaluates to a blank."""


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference as written: ``kind`` is "cells" (``bounds``), "name" (``name``) or "table"."""

    text: str
    kind: str
    sheet: str | None = None
    bounds: tuple[int | None, int | None, int | None, int | None] | None = None
    name: str = ""
    table: str = ""
    columns: tuple[str, ...] = ()  # none: every column; two: a span [First]:[Last]
    items: frozenset[str] = frozenset({"#DATA"})


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-", "+" or the postfix "%"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # as written, e.g. "_xludf.KPI.NPS"
    args: tuple[Node, ...]


Node = Literal | Missing | Ref | Unary | Binary | Call

_INFIX = {":": 8, "^": 5, "*": 4, "/": 4, "+": 3, "-": 3, "&": 2, "=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1}
_PREFIX, _PERCENT = 7, 6  # -2^2 is (-2)^2 and -50% is (-50)%, as in Excel
_CELLS = re.compile(r"\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?|\$?[A-Z]{1,3}:\$?[A-Z]{1,3}|\$?\d+:\$?\d+", re.I)
_NAME = re.compile(r"[A-Za-z_\\][\w.\\]*")
_STRUCTURED = re.compile(r"([A-Za-z_\\][\w.\\]*)\[(.*)\]", re.S)
_BRACKETED = re.compile(r"\[((?:[^\[\]']|'.)*)\]", re.S)
_TABLE_ITEMS = frozenset({"#ALL", "#DATA", "#HEADERS", "#TOTALS"})


@functools.lru_cache(maxsize=8192)
def parse(formula: str) -> Node:
    """The syntax tree of a formula (with or without its leading ``=``); raises :class:`FormulaError`."""
    text = formula if formula.startswith("=") else "=" + formula
    try:
        tokens = [token for token in Tokenizer(text).items if token.type != Token.WSPACE]
    except TokenizerError as exc:
        raise FormulaError(f"{formula!r}: {exc}") from None
    parser = _Parser(tokens, formula)
    node = parser.expression(0)
    if parser.pos != len(tokens):
        parser.fail(f"unexpected {tokens[parser.pos].value!r}")
    return node


class _Parser:
    """Precedence climbing over the tokens of openpyxl's tokenizer (whitespace dropped)."""

    def __init__(self, tokens: list[Token], formula: str) -> None:
        self.tokens, self.formula, self.pos = tokens, formula, 0

    def fail(self, why: str) -> NoReturn:
        raise FormulaError(f"{self.formula!r}: {why}")

    def take(self) -> Token:
        if self.pos >= len(self.tokens):
            self.fail("the formula ends too early")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def at(self, kind: str, subtype: str | None = None) -> bool:
        token = self.tokens[self.pos] if self.pos < len(self.tokens) else None
        return token is not None and token.type == kind and (subtype is None or token.subtype == subtype)

    def expression(self, min_precedence: int) -> Node:
        left = self.prefix()
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            if token.type == Token.OP_POST and min_precedence <= _PERCENT:
                self.pos += 1
                left = Unary("%", left)
            elif token.type == Token.OP_IN and _INFIX.get(token.value, -1) >= min_precedence:
                self.pos += 1
                left = Binary(token.value, left, self.expression(_INFIX[token.value] + 1))
            elif token.type == Token.OP_IN and token.value not in _INFIX:
                self.fail(f"the operator {token.value!r} is not supported")
            else:
                return left
        return left

    def prefix(self) -> Node:
        token = self.take()
        if token.type == Token.OP_PRE:
            return Unary(token.value, self.expression(_PREFIX))
        if token.type == Token.OPERAND:
            return _operand(token, self.formula)
        if token.type == Token.PAREN and token.subtype == Token.OPEN:
            node = self.expression(0)
            if not self.at(Token.PAREN, Token.CLOSE):
                self.fail("a parenthesis is not closed (unions such as (A1,B1) are not supported)")
            self.pos += 1
            return node
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            return Call(token.value[:-1], self.arguments())
        self.fail(f"unexpected {token.value!r} (array constants are not supported)")

    def arguments(self) -> tuple[Node, ...]:
        args: list[Node] = []
        if self.at(Token.FUNC, Token.CLOSE):
            self.pos += 1
            return ()
        while True:
            at_end = self.at(Token.SEP, Token.ARG) or self.at(Token.FUNC, Token.CLOSE)
            args.append(Missing() if at_end else self.expression(0))
            token = self.take()
            if token.type == Token.FUNC and token.subtype == Token.CLOSE:
                return tuple(args)
            if not (token.type == Token.SEP and token.subtype == Token.ARG):
                self.fail(f"unexpected {token.value!r} in a function's arguments")


def _operand(token: Token, formula: str) -> Node:
    text = token.value
    if token.subtype == Token.NUMBER:
        return Literal(float(text))
    if token.subtype == Token.TEXT:
        return Literal(text[1:-1].replace('""', '"'))
    if token.subtype == Token.LOGICAL:
        return Literal(text.upper() == "TRUE")
    if token.subtype == Token.ERROR:
        return Literal(ExcelError(text.upper()))
    return _reference(text, formula)


def _reference(text: str, formula: str) -> Ref:
    match = _STRUCTURED.fullmatch(text)
    if match:
        return _structured(text, match[1], match[2].strip(), formula)
    sheet, ref = None, text
    if text.startswith("'"):
        end = 1
        while end < len(text) and (text[end] != "'" or text[end + 1 : end + 2] == "'"):
            end += 2 if text[end] == "'" else 1
        sheet, ref = text[1:end].replace("''", "'"), text[end + 2 :]
        ref = ref.replace(text[: end + 2], "")  # 'My Sheet'!A1:'My Sheet'!B2
    elif "!" in text:
        sheet, ref = text.split("!", 1)
        ref = ref.replace(sheet + "!", "")
    if _CELLS.fullmatch(ref):
        return Ref(text, "cells", sheet, bounds=range_boundaries(ref.replace("$", "").upper()))
    if _NAME.fullmatch(ref):
        return Ref(text, "name", sheet, name=ref)
    raise FormulaError(f"{formula!r}: cannot read the reference {text!r}")


def _structured(text: str, table: str, inner: str, formula: str) -> Ref:
    if "@" in inner or "#this row" in inner.lower():
        raise FormulaError(f"{formula!r}: this-row references such as {text!r} are not supported")
    if inner.startswith("["):
        parts = [part.strip() for part in _BRACKETED.findall(inner)]
        separators = _BRACKETED.sub("", inner)
        if separators.replace(",", "").replace(":", "").strip():
            raise FormulaError(f"{formula!r}: cannot read the structured reference {text!r}")
        span = ":" in separators
    else:
        parts, span = ([inner] if inner else []), False
    items = frozenset(part.upper() for part in parts if part.startswith("#"))
    columns = tuple(re.sub(r"'(.)", r"\1", part) for part in parts if not part.startswith("#"))
    if not items <= _TABLE_ITEMS or len(columns) > 2 or (len(columns) == 2 and not span):
        raise FormulaError(f"{formula!r}: cannot read the structured reference {text!r}")
    return Ref(text, "table", table=table, columns=columns, items=items or frozenset({"#DATA"}))


def _walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Unary):
        yield from _walk(node.operand)
    elif isinstance(node, Binary):
        yield from _walk(node.left)
        yield from _walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from _walk(arg)


def default_function_name(name: str) -> str:
    """A function name as the evaluator looks it up: upper case, without ``_xludf.``/``_xlfn.``/``KPI.`` and
    without the ``_xldudf_`` (+ ``KPI_``) an Office.js runtime stores (``_xldudf_KPI_ACV`` -> ``ACV``)."""
    name = name.strip().upper()
    for prefix in ("_XLUDF.", "_XLFN.", "_XLWS.", "KPI."):
        name = name.removeprefix(prefix)
    if name.startswith("_XLDUDF_"):
        name = name.removeprefix("_XLDUDF_").removeprefix("KPI_")
    return name


def functions_used(formula: str) -> set[str]:
    """Names of the functions a formula calls, normalised by :func:`default_function_name`."""
    return {default_function_name(n.name) for n in _walk(parse(formula)) if isinstance(n, Call)}


def references_used(formula: str) -> set[str]:
    """Cell and range references, defined names and structured references, as written."""
    return {node.text for node in _walk(parse(formula)) if isinstance(node, Ref)}


def structured_references(formula: str) -> set[tuple[str, str]]:
    """``(table, column)`` of each structured reference as written; column "" for a whole table."""
    refs = (node for node in _walk(parse(formula)) if isinstance(node, Ref) and node.kind == "table")
    return {(ref.table, column) for ref in refs for column in ref.columns or ("",)}


def criteria_literals(formula: str) -> set[tuple[str, str, str]]:
    """``(table, column, text)`` of each criteria pair written as a structured reference followed by a text
    literal (``Targets[Scope],"Company"``), in any function call of the formula."""
    found = set()
    for node in _walk(parse(formula)):
        if not isinstance(node, Call):
            continue
        for ref, literal in itertools.pairwise(node.args):
            if (
                isinstance(ref, Ref)
                and ref.kind == "table"
                and len(ref.columns) == 1
                and isinstance(literal, Literal)
                and isinstance(literal.value, str)
            ):
                found.add((ref.table, ref.columns[0], literal.value))
    return found


def number_literals(formula: str) -> list[float]:
    """The number literals of a formula in order of appearance (``-2`` is the literal 2, negated)."""
    return [n.value for n in _walk(parse(formula)) if isinstance(n, Literal) and type(n.value) is float]


# ------------------------------------------------------------------------------------------------ values


class RangeValue:
    """The cells of a rectangular reference, row by row, formula cells evaluated."""

    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows

    @functools.cached_property
    def cells(self) -> list[Any]:
        return [cell for row in self.rows for cell in row]

    @functools.cached_property
    def plain_cells(self) -> list[Any]:
        """Cells with error values as their codes ("#N/A"), as the catalogue and criteria read them."""
        errors = any(isinstance(cell, ExcelError) for cell in self.cells)
        return [_plain(cell) for cell in self.cells] if errors else self.cells

    @functools.cached_property
    def plain_rows(self) -> list[list[Any]]:
        if self.plain_cells is self.cells:
            return self.rows
        return [[_plain(cell) for cell in row] for row in self.rows]

    def single(self) -> Any:
        if len(self.rows) == 1 and len(self.rows[0]) == 1:
            return self.rows[0][0]
        raise _Fail("#VALUE!", "a range of several cells where one value is expected")


def _plain(value: Any) -> Any:
    return value.code if isinstance(value, ExcelError) else value


def _scalar(value: Any) -> Any:
    return value.single() if isinstance(value, RangeValue) else value


def _serial(value: dt.date | dt.time | dt.timedelta) -> float:
    if isinstance(value, dt.date):
        return serial_from_datetime(value)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    return value.total_seconds() / 86400


_NUMERIC_TEXT = re.compile(r"[+-]?(\d{1,3}(,\d{3})+(\.\d*)?|\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%?")


def _number(value: Any) -> float:
    """A value in arithmetic: blank 0, TRUE 1, dates as serials, numeric text converted, else #VALUE!."""
    value = _scalar(value)
    if isinstance(value, bool | int | float | np.number):
        return float(value)
    if value is None:
        return 0.0
    if isinstance(value, ExcelError):
        raise _Fail(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return _serial(value)
    if isinstance(value, str):
        text = value.strip()
        if _NUMERIC_TEXT.fullmatch(text):  # "12", "1,000", "2.5E3", "50%"
            number = float(text.rstrip("%").replace(",", ""))
            return number / 100 if text.endswith("%") else number
        serial = parse_date_text(text)
        if serial is not None:
            return serial
    raise _Fail("#VALUE!", f"{str(value)[:40]!r} is not a number")


def _text(value: Any) -> str:
    """A value in ``&``: blank "", TRUE "TRUE", numbers as Excel's General format writes them."""
    value = _scalar(value)
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, ExcelError):
        raise _Fail(value)
    return general_format(_number(value))


def general_format(number: float) -> str:
    """A number as Excel's General format writes it in text: up to 15 significant digits, no ``.0``."""
    return "0" if number == 0 else f"{number:.15G}"


def _logical(value: Any) -> bool:
    value = _scalar(value)
    if isinstance(value, str):
        if value.strip().upper() in ("TRUE", "FALSE"):
            return value.strip().upper() == "TRUE"
        raise _Fail("#VALUE!", f"{value[:40]!r} is not TRUE or FALSE")
    return _number(value) != 0


_COMPARE = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _compare(op: str, left: Any, right: Any) -> bool:
    """Excel's comparison: numbers < text < TRUE/FALSE, text case-insensitive, a blank as 0, "" or FALSE."""
    a, b = _comparable(left), _comparable(right)
    a = _blank_like(b) if a is None else a
    b = _blank_like(a) if b is None else b
    key_a, key_b = _order_key(a), _order_key(b)
    if key_a[0] == key_b[0] == 0 and abs(a - b) <= max(abs(a), abs(b)) * 2.0**-48:
        key_a = key_b  # equal up to the last bits, as spreadsheets compare: 0.1 + 0.2 = 0.3 is TRUE
    return _COMPARE[op]((key_a > key_b) - (key_a < key_b), 0)


def _comparable(value: Any) -> Any:
    value = _scalar(value)
    if isinstance(value, ExcelError):
        raise _Fail(value)
    return value if value is None or isinstance(value, str | bool) else _number(value)  # dates as serials


def _blank_like(other: Any) -> Any:
    return "" if isinstance(other, str) else False if isinstance(other, bool) else 0.0


def _order_key(value: float | str | bool) -> tuple[int, Any]:
    if isinstance(value, bool):
        return 2, value
    return (1, value.lower()) if isinstance(value, str) else (0, value)


_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def _arithmetic(op: str, left: Any, right: Any) -> float:
    x, y = _number(left), _number(right)
    if op == "/" and y == 0:
        raise _Fail("#DIV/0!", "division by zero")
    if op == "^":
        if x == 0 and y <= 0:
            raise _Fail("#NUM!" if y == 0 else "#DIV/0!", "0 to the power of 0 or less")
        if x < 0 and y != math.floor(y):
            raise _Fail("#NUM!", "a negative number to a fractional power")
        try:
            result = math.pow(x, y)
        except OverflowError:
            raise _Fail("#NUM!", "the result is too large") from None
    else:
        result = _ARITHMETIC[op](x, y)
    if not math.isfinite(result):
        raise _Fail("#NUM!", "the result is too large")
    return result


def _cell_result(value: Any) -> Any:
    """A formula's final value as a cell shows it: a blank is 0, a date its serial, numbers floats."""
    value = _scalar(value)
    if value is None:
        return 0.0
    if isinstance(value, str | bool | ExcelError):
        return value
    number = _number(value)
    return 0.0 if number == 0 else number


def _spilled(value: Any) -> Any:
    """A cell of a spilled table as the sheet shows it: as :func:`_cell_result`, but empty text stays empty
    (a cohort month not reached yet)."""
    return value if value == "" else _cell_result(value)


# --------------------------------------------------------------------------------------------- evaluator


class WorkbookEvaluator:
    """Evaluates the formula cells of an openpyxl workbook (not read-only); values are memoised.

    ``functions`` maps Excel names to callables (default: every catalogue function); ``function_name``
    turns a name as written in the file into a key of ``functions`` or a built-in (default:
    :func:`default_function_name`). The workbook must not change while the evaluator is in use.
    """

    def __init__(
        self,
        workbook: openpyxl.Workbook,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        function_name: Callable[[str], str] | None = None,
    ) -> None:
        self.workbook = workbook
        catalogue = functions if functions is not None else {entry.name: entry.func for entry in udfs.catalog()}
        self.functions = {name.upper(): func for name, func in catalogue.items()}
        self.function_name = function_name or default_function_name
        self._sheets = {ws.title.upper(): ws for ws in workbook.worksheets}
        self._tables = {
            name.upper(): (ws, table)
            for ws in workbook.worksheets
            for table in ws.tables.values()
            for name in {table.name, table.displayName} - {None}
        }
        self._names = {name.upper(): defined for name, defined in workbook.defined_names.items()}
        self._values: dict[tuple[str, int, int], Any] = {}
        self._pending: set[tuple[str, ...]] = set()
        self._ranges: dict[tuple[str, tuple[int, int, int, int]], RangeValue] = {}
        self._name_values: dict[tuple[str, str], Any] = {}
        self._table_headers: dict[str, dict[str, int]] = {}
        self._masks: dict[tuple[int, type, Any], tuple[RangeValue, np.ndarray]] = {}
        self._function_keys: dict[str, str] = {}
        self._spills: dict[tuple[str, int, int], list[list[Any]]] = {}

    # ------------------------------------------------------------------------------------ public API

    def value(self, sheet: str, coordinate: str) -> Any:
        """A cell's value: stored as it is, or its formula's result (float/str/bool/ExcelError).

        Raises KeyError for an unknown sheet and :class:`FormulaError` for a formula it cannot evaluate.
        """
        row, column = coordinate_to_tuple(coordinate.replace("$", "").upper())
        return self._settle(self._worksheet(sheet), row, column)

    def spill(self, sheet: str, coordinate: str) -> list[list[Any]] | None:
        """The whole table an array formula cell returns (rows of cell values, the anchor's value first), or
        None when the cell holds no array formula or its result is a single value."""
        ws = self._worksheet(sheet)
        row, column = coordinate_to_tuple(coordinate.replace("$", "").upper())
        self._settle(ws, row, column)
        return self._spills.get((ws.title, row, column))

    def evaluate(self, sheet: str, formula: str) -> Any:
        """The result of ``formula`` as if it were written in a cell of ``sheet`` (raises like :meth:`value`)."""
        title = self._worksheet(sheet).title
        while True:
            try:
                return self._formula_value(title, formula)
            except _TooDeep as deep:
                self._settle(*deep.where)

    def all_formula_values(self) -> dict[tuple[str, str], Any]:
        """Every formula cell's value: ``{(sheet, "B5"): value}``, sheet by sheet, row by row."""
        result = {}
        for ws in self.workbook.worksheets:
            for row, column in sorted(ws._cells):  # _cells: iter_rows() would add blank cells to the sheet
                if ws._cells[row, column].data_type == "f":
                    result[ws.title, f"{get_column_letter(column)}{row}"] = self._settle(ws, row, column)
        return result

    def _settle(self, ws: Any, row: int, column: int) -> Any:
        """A cell's value; a chain of formula cells deeper than _MAX_DEPTH is evaluated from its far end."""
        stack = [(ws, row, column)]
        while True:
            try:
                value = self._cell(*stack[-1])
            except _TooDeep as deep:
                stack.append(deep.where)
                continue
            stack.pop()
            if not stack:
                return value

    def _worksheet(self, name: str) -> Any:
        if name.upper() not in self._sheets:
            raise KeyError(f"no sheet named {name!r}")
        return self._sheets[name.upper()]

    def _formula_value(self, sheet: str, formula: str) -> Any:
        try:
            return _cell_result(self._eval(parse(formula), sheet))
        except _Fail as failure:
            return failure.error

    # ----------------------------------------------------------------------------------------- cells

    def _sheet(self, name: str) -> Any:
        ws = self._sheets.get(name.upper())
        if ws is None:
            raise _Fail("#REF!", f"no sheet named {name!r}")
        return ws

    def _cell(self, ws: Any, row: int, column: int) -> Any:
        cell = ws._cells.get((row, column))
        if cell is None or cell.value is None:
            return None
        if cell.data_type == "e":
            return ExcelError(str(cell.value).upper())
        if cell.data_type in ("s", "inlineStr"):
            return str(cell.value)  # text (rich text too), even when it starts with "="
        if cell.data_type != "f":
            return cell.value
        key = (ws.title, row, column)
        if key not in self._values:
            where = f"{ws.title}!{cell.coordinate}"
            if key in self._pending:
                raise FormulaError(f"circular reference through {where}")
            if len(self._pending) >= _MAX_DEPTH:
                raise _TooDeep((ws, row, column))
            text = getattr(cell.value, "text", cell.value)  # an ArrayFormula keeps its formula in .text
            if not isinstance(text, str):
                raise FormulaError(f"{where}: {type(cell.value).__name__} formulas are not supported")
            self._pending.add(key)
            try:
                if text is cell.value:
                    self._values[key] = self._formula_value(ws.title, text)
                else:
                    self._values[key] = self._array_formula_value(key, text)
            finally:
                self._pending.discard(key)
        return self._values[key]

    def _array_formula_value(self, key: tuple[str, int, int], formula: str) -> Any:
        """An array formula's anchor value; a table result is kept whole in ``_spills``."""
        try:
            result = self._eval(parse(formula), key[0])
        except _Fail as failure:
            return failure.error
        if isinstance(result, RangeValue) and len(result.cells) > 1:
            table = [[_spilled(cell) for cell in row] for row in result.rows]
            self._spills[key] = table
            return table[0][0]
        return _cell_result(result)

    def _read(self, ws: Any, bounds: tuple[int | None, ...]) -> RangeValue:
        min_col, min_row, max_col, max_row = bounds
        area = (min_col or 1, min_row or 1, max_col or ws.max_column, max_row or ws.max_row)
        key = (ws.title, area)
        if key not in self._ranges:
            rows = range(area[1], area[3] + 1)
            self._ranges[key] = RangeValue([[self._cell(ws, r, c) for c in range(area[0], area[2] + 1)] for r in rows])
        return self._ranges[key]

    # ------------------------------------------------------------------------------------ references

    def _reference(self, ref: Ref, sheet: str) -> Any:
        if ref.kind == "cells":
            return self._read(self._sheet(ref.sheet or sheet), ref.bounds)
        if ref.kind == "table":
            return self._table(ref.table, ref.columns, ref.items)
        return self._name(ref.name, ref.sheet or sheet, qualified=ref.sheet is not None)

    def _table(self, name: str, columns: tuple[str, ...], items: frozenset[str]) -> RangeValue:
        if name.upper() not in self._tables:
            raise _Fail("#REF!", f"no table named {name!r}")
        ws, table = self._tables[name.upper()]
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        headers = self._headers(ws, table)
        try:
            picked = sorted(headers[column.upper()] for column in columns) or [0, len(headers) - 1]
        except KeyError:
            raise _Fail("#REF!", f"table {name} has no column {' or '.join(columns)}") from None
        header_rows = 1 if table.headerRowCount is None else table.headerRowCount
        totals = table.totalsRowCount or 0
        parts = {  # first and last sheet row of each part of the table
            "#HEADERS": (min_row, min_row + header_rows - 1),
            "#DATA": (min_row + header_rows, max_row - totals),
            "#TOTALS": (max_row - totals + 1, max_row),
            "#ALL": (min_row, max_row),
        }
        spans = sorted(parts[item] for item in items)
        if any(first > last for first, last in spans) or any(a[1] + 1 < b[0] for a, b in itertools.pairwise(spans)):
            raise _Fail("#REF!", f"table {name} has no {' and '.join(sorted(items))} rows to refer to")
        first_row, last_row = spans[0][0], max(last for _, last in spans)
        return self._read(ws, (min_col + picked[0], first_row, min_col + picked[-1], last_row))

    def _headers(self, ws: Any, table: Any) -> dict[str, int]:
        """Column names of a table, upper-cased, to their position."""
        if table.name not in self._table_headers:
            min_col, min_row, max_col, _ = range_boundaries(table.ref)
            names = [column.name for column in table.tableColumns]
            if len(names) != max_col - min_col + 1:  # columns are only filled in when the file is saved
                header = table.headerRowCount is None or table.headerRowCount > 0
                names = [
                    str(self._cell(ws, min_row, c)) if header else f"Column{c - min_col + 1}"
                    for c in range(min_col, max_col + 1)
                ]
            self._table_headers[table.name] = {str(n).upper(): i for i, n in enumerate(names)}
        return self._table_headers[table.name]

    def _name(self, name: str, sheet: str, *, qualified: bool) -> Any:
        ws = self._sheet(sheet)
        scoped = {key.upper(): defined for key, defined in ws.defined_names.items()}
        if name.upper() in scoped:
            key, defined = (ws.title, name.upper()), scoped[name.upper()]
        elif not qualified and name.upper() in self._names:
            key, defined = ("", name.upper()), self._names[name.upper()]
        elif not qualified and name.upper() in self._tables:
            return self._table(name, (), frozenset({"#DATA"}))
        else:
            raise _Fail("#NAME?", f"no defined name {name!r}")
        if key not in self._name_values:
            if ("name", *key) in self._pending:
                raise FormulaError(f"the defined name {name} refers to itself")
            self._pending.add(("name", *key))
            try:
                self._name_values[key] = self._eval(parse("=" + defined.attr_text), ws.title)
            finally:
                self._pending.discard(("name", *key))
        return self._name_values[key]

    def _span(self, node: Binary, sheet: str) -> RangeValue:
        """``A1:B5`` written as two references joined by ``:``: the rectangle around both."""
        ends = [node.left, node.right]
        if not all(isinstance(end, Ref) and end.kind == "cells" and None not in end.bounds for end in ends):
            raise _Fail("#VALUE!", "the range operator ':' needs two cell references")
        ws = self._sheet(ends[0].sheet or sheet)
        left, right = ends[0].bounds, ends[1].bounds
        bounds = (min(left[0], right[0]), min(left[1], right[1]), max(left[2], right[2]), max(left[3], right[3]))
        return self._read(ws, bounds)

    # ----------------------------------------------------------------------------------- evaluation

    def _eval(self, node: Node, sheet: str) -> Any:
        """A node's value: a scalar, a RangeValue or an ExcelError (errors are returned, not raised)."""
        try:
            match node:
                case Literal(value=value):
                    return value
                case Missing():
                    return None
                case Ref():
                    return self._reference(node, sheet)
                case Unary(op="+", operand=operand):
                    return self._eval(operand, sheet)
                case Unary(op=op, operand=operand):
                    number = _number(self._eval(operand, sheet))
                    return -number if op == "-" else number / 100
                case Binary(op=":"):
                    return self._span(node, sheet)
                case Binary(op=op, left=left, right=right):
                    left, right = self._eval(left, sheet), self._eval(right, sheet)
                    if op == "&":
                        return _text(left) + _text(right)
                    if op in _COMPARE:
                        return _compare(op, left, right)
                    return _arithmetic(op, left, right)
                case Call():
                    return self._call(node, sheet)
        except _Fail as failure:
            return failure.error
        raise TypeError(f"not a formula node: {node!r}")

    def _call(self, node: Call, sheet: str) -> Any:
        if node.name not in self._function_keys:
            self._function_keys[node.name] = self.function_name(node.name).upper()
        name, args = self._function_keys[node.name], node.args
        if name in _LAZY or name in _EAGER:
            least, most = _LAZY[name] if name in _LAZY else _EAGER[name][:2]
            if not least <= len(args) <= most:
                raise _Fail("#VALUE!", f"{name} takes {least} to {most} arguments, not {len(args)}")
            if name not in _LAZY:
                return _EAGER[name][2](self, [self._eval(arg, sheet) for arg in args])
            if name == "IF":
                chosen = 1 if _logical(self._eval(args[0], sheet)) else 2
                return self._eval_argument(args[chosen], sheet) if chosen < len(args) else False
            value = _error_or_scalar(self._eval(args[0], sheet))
            if isinstance(value, ExcelError) and (name == "IFERROR" or value.code == "#N/A"):
                return self._eval_argument(args[1], sheet)
            return value
        if name not in self.functions:
            raise _Fail("#NAME?", f"unknown function {node.name}")
        values = [self._eval(arg, sheet) for arg in args]
        try:
            result = self.functions[name](*(v.plain_rows if isinstance(v, RangeValue) else _plain(v) for v in values))
        except udfs.KPIError as error:
            return ExcelError(error.code, error.message)
        if isinstance(result, list | tuple | np.ndarray):  # a table of results
            return RangeValue([list(row) for row in result])
        return result

    def _eval_argument(self, node: Node, sheet: str) -> Any:
        """An IF/IFERROR result argument; one left out, as in ``IF(A1,,1)``, is 0."""
        return 0.0 if isinstance(node, Missing) else self._eval(node, sheet)

    def _selected(self, pairs: list[Any]) -> np.ndarray:
        """Which cells ``criteria_range1, criterion1, ...`` select, each mask computed once per range."""
        if len(pairs) % 2 or not pairs:
            raise _Fail("#VALUE!", "criteria come in pairs (criteria_range, criterion)")
        selected = None
        for number, (cells, criterion) in enumerate(zip(pairs[::2], pairs[1::2], strict=True), 1):
            cells = _range(cells)
            if selected is not None and len(cells.cells) != len(selected):
                raise _Fail("#VALUE!", f"criteria_range{number} is not the size of the other ranges")
            criterion = _scalar(criterion)
            if isinstance(criterion, ExcelError):
                raise _Fail(criterion)
            key = (id(cells), type(criterion), criterion)
            if key not in self._masks:
                try:
                    self._masks[key] = (cells, Criterion(criterion, f"criterion{number}").mask(cells.plain_cells))
                except udfs.KPIError as error:
                    raise _Fail(error.code, error.message) from None
            mask = self._masks[key][1]
            selected = mask if selected is None else selected & mask
        return selected


# ---------------------------------------------------------------------------------------------- built-ins


def _numbers(args: list[Any]) -> list[float]:
    """Numbers of SUM-like arguments: a range gives its numbers and dates (text, TRUE/FALSE and blanks
    ignored), a value typed as an argument is converted (TRUE is 1, "3" is 3); an error propagates."""
    numbers = []
    for arg in args:
        if not isinstance(arg, RangeValue):
            numbers.extend([] if arg is None else [_number(arg)])
            continue
        for cell in arg.cells:
            if type(cell) is float or type(cell) is int:
                numbers.append(float(cell))
            elif isinstance(cell, ExcelError):
                raise _Fail(cell)
            elif isinstance(cell, dt.date | dt.time):
                numbers.append(_serial(cell))
    return numbers


def _total(numbers: list[float], *, mean: bool = False) -> float:
    if mean and not numbers:
        raise _Fail("#DIV/0!", "no numbers to average")
    result = math.fsum(numbers) / (len(numbers) if mean else 1)
    if not math.isfinite(result):
        raise _Fail("#NUM!", "the result is too large")
    return result


def _median(numbers: list[float]) -> float:
    if not numbers:
        raise _Fail("#NUM!", "MEDIAN has no numbers")
    return float(statistics.median(numbers))


def _cells(value: Any) -> list[Any]:
    return value.cells if isinstance(value, RangeValue) else [value]


def _range(value: Any) -> RangeValue:
    if isinstance(value, RangeValue):
        return value
    raise _Fail(value if isinstance(value, ExcelError) else ExcelError("#VALUE!", "a value where a range is expected"))


def _error_or_scalar(value: Any) -> Any:
    try:
        return _scalar(value)
    except _Fail as failure:
        return failure.error


def _is_number(value: Any) -> bool:
    value = _error_or_scalar(value)
    return isinstance(value, int | float | dt.date | dt.time | np.number) and not isinstance(value, bool)


def _count(args: list[Any]) -> float:
    """COUNT: numbers and dates in ranges; typed arguments that read as numbers ("2", TRUE)."""
    count = 0
    for arg in args:
        if isinstance(arg, RangeValue):
            count += sum(map(_is_number, arg.cells))
        elif arg is not None and not isinstance(arg, ExcelError):
            try:
                _number(arg)
            except _Fail:
                continue
            count += 1
    return float(count)


def _logicals(args: list[Any]) -> list[bool]:
    """Truth values of AND/OR arguments: a range gives its TRUE/FALSE and numbers (text ignored)."""
    found = []
    for arg in args:
        if isinstance(arg, RangeValue):
            for cell in arg.cells:
                if isinstance(cell, ExcelError):
                    raise _Fail(cell)
                if isinstance(cell, bool | int | float | dt.date):
                    found.append(_number(cell) != 0)
        elif arg is not None:
            found.append(_logical(arg))
    if not found:
        raise _Fail("#VALUE!", "no TRUE/FALSE values to combine")
    return found


def _round(number: float, digits: int) -> float:
    """Half away from zero on the decimal digits Excel shows (ROUND(1.005, 2) is 1.01)."""
    if digits > 15 or number == 0:
        return number
    with decimal.localcontext() as context:
        context.prec = 400
        scaled = decimal.Decimal(repr(number)).scaleb(digits)
        return float(scaled.quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP).scaleb(-digits))


def _selected_numbers(ev: WorkbookEvaluator, values: Any, pairs: list[Any]) -> list[float]:
    """Numbers (and dates) of ``values`` in the cells the criteria select; an error there propagates."""
    selected, cells = ev._selected(pairs), _range(values).cells
    if len(cells) != len(selected):
        raise _Fail("#VALUE!", "the range to add up is not the size of the criteria ranges")
    return _numbers([RangeValue([[cells[i] for i in np.flatnonzero(selected)]])])


def _date_serial(value: Any) -> int:
    """A date argument as a whole serial number; TRUE/FALSE is #VALUE!, outside Excel's dates #NUM!."""
    if isinstance(_scalar(value), bool):
        raise _Fail("#VALUE!", "TRUE/FALSE is not a date")
    serial = math.floor(_number(value))
    if not 0 <= serial < _LAST_SERIAL:
        raise _Fail("#NUM!", f"{serial} is not a date Excel can show")
    return serial


def _add_months(value: Any, months: Any, *, end_of_month: bool) -> float:
    """EDATE (the day kept, clamped to the month's last) and EOMONTH (the month's last day)."""
    day = datetime_from_serial(_date_serial(value)).date()
    year, month = divmod(day.year * 12 + day.month - 1 + math.trunc(_number(months)), 12)
    if not 1900 <= year <= 9999:
        raise _Fail("#NUM!", "the date is outside Excel's dates")
    last = calendar.monthrange(year, month + 1)[1]
    return serial_from_datetime(dt.date(year, month + 1, last if end_of_month else min(day.day, last)))


def _year_month_day(value: Any) -> tuple[int, int, int]:
    serial = _date_serial(value)
    if serial in (0, 60):  # Excel's 0 January 1900 and the 29 February 1900 that never was
        return (1900, 1, 0) if serial == 0 else (1900, 2, 29)
    day = datetime_from_serial(serial)
    return day.year, day.month, day.day


def _date(year: Any, month: Any, day: Any) -> float:
    """Years 0-1899 count from 1900; months and days roll over (DATE(2024, 14, 0) is 31 Jan 2025)."""
    year, month, day = (math.trunc(_number(arg)) for arg in (year, month, day))
    if not 0 <= year <= 9999:
        raise _Fail("#NUM!", f"{year} is not a year Excel can show")
    year, month = divmod((year + 1900 if year < 1900 else year) * 12 + month - 1, 12)
    serial = serial_from_datetime(dt.date(year, month + 1, 1)) + day - 1 if 1899 <= year <= 9999 else -1
    if not 0 <= serial < _LAST_SERIAL:
        raise _Fail("#NUM!", "the date is outside Excel's dates")
    return serial


_Builtin = Callable[["WorkbookEvaluator", list[Any]], Any]
_ANY = 255  # Excel's most arguments

#: name: (fewest arguments, most arguments, implementation taking the evaluator and evaluated arguments)
_EAGER: dict[str, tuple[int, int, _Builtin]] = {
    "SUM": (1, _ANY, lambda ev, a: _total(_numbers(a))),
    "AVERAGE": (1, _ANY, lambda ev, a: _total(_numbers(a), mean=True)),
    "MIN": (1, _ANY, lambda ev, a: min(_numbers(a), default=0.0)),
    "MAX": (1, _ANY, lambda ev, a: max(_numbers(a), default=0.0)),
    "MEDIAN": (1, _ANY, lambda ev, a: _median(_numbers(a))),
    "COUNT": (1, _ANY, lambda ev, a: _count(a)),
    "COUNTA": (1, _ANY, lambda ev, a: float(sum(c is not None for x in a for c in _cells(x)))),
    "COUNTBLANK": (1, 1, lambda ev, a: float(sum(c is None or c == "" for c in _range(a[0]).cells))),
    "COUNTIFS": (2, _ANY - 1, lambda ev, a: float(np.count_nonzero(ev._selected(a)))),
    "COUNTIF": (2, 2, lambda ev, a: float(np.count_nonzero(ev._selected(a)))),
    "SUMIFS": (3, _ANY, lambda ev, a: _total(_selected_numbers(ev, a[0], a[1:]))),
    "SUMIF": (2, 3, lambda ev, a: _total(_selected_numbers(ev, a[2] if len(a) == 3 else a[0], a[:2]))),
    "AVERAGEIFS": (3, _ANY, lambda ev, a: _total(_selected_numbers(ev, a[0], a[1:]), mean=True)),
    "ISNUMBER": (1, 1, lambda ev, a: _is_number(a[0])),
    "ISBLANK": (1, 1, lambda ev, a: _error_or_scalar(a[0]) is None),
    "ISERROR": (1, 1, lambda ev, a: isinstance(_error_or_scalar(a[0]), ExcelError)),
    "AND": (1, _ANY, lambda ev, a: all(_logicals(a))),
    "OR": (1, _ANY, lambda ev, a: any(_logicals(a))),
    "NOT": (1, 1, lambda ev, a: not _logical(a[0])),
    "TRUE": (0, 0, lambda ev, a: True),  # Excel's TRUE() and FALSE(), which LibreOffice writes for TRUE
    "FALSE": (0, 0, lambda ev, a: False),
    "DATE": (3, 3, lambda ev, a: _date(*a)),
    "EDATE": (2, 2, lambda ev, a: _add_months(*a, end_of_month=False)),
    "EOMONTH": (2, 2, lambda ev, a: _add_months(*a, end_of_month=True)),
    "YEAR": (1, 1, lambda ev, a: float(_year_month_day(a[0])[0])),
    "MONTH": (1, 1, lambda ev, a: float(_year_month_day(a[0])[1])),
    "DAY": (1, 1, lambda ev, a: float(_year_month_day(a[0])[2])),
    "ABS": (1, 1, lambda ev, a: abs(_number(a[0]))),
    "ROUND": (2, 2, lambda ev, a: _round(_number(a[0]), math.trunc(_number(a[1])))),
    "NA": (0, 0, lambda ev, a: ExcelError("#N/A", "NA()")),
}
_LAZY = {"IF": (2, 3), "IFERROR": (2, 2), "IFNA": (2, 2)}  # arguments evaluated only when needed

#: The Excel functions the evaluator implements itself (the rest come from the KPI catalogue).
BUILTINS: frozenset[str] = frozenset(_EAGER) | frozenset(_LAZY)


# ------------------------------------------------------------------------------ tables read from columns


class ColumnEvaluator(WorkbookEvaluator):
    """A :class:`WorkbookEvaluator` that reads the data tables from column lists instead of sheet cells
    (the fill's evaluator: the data rows are never put into the openpyxl workbook).

    ``columns``: sheet title -> one list of values per table column (the table starts at A1, header in
    row 1, data from row 2), as the fill gives them. The data sheets of the workbook hold only
    their header row; everything else is read from the workbook as usual.

    Two shortcuts keep a 100,000-row table fast, with the same results on data that fits the data model
    (the fill's tests compare every value with the plain evaluator on the saved file):

    - a catalogue function's range arguments are handed over as flat lists, not as rows of one cell (every
      argument kind but ``choice`` flattens its range first);
    - when it has criteria pairs, the rows they select are picked once with the evaluator's cached masks
      (as ``COUNTIFS`` does) and the function gets only those rows, without the criteria, instead of
      building the same masks again in every call.
    """

    def __init__(self, workbook: openpyxl.Workbook, columns: Mapping[str, list[list[Any]]], **options: Any) -> None:
        super().__init__(workbook, **options)
        self._columns = {title: cols for title, cols in columns.items()}
        self._entries: dict[str, Any] = {}
        self._objects: dict[int, tuple[Any, np.ndarray]] = {}

    def _cell(self, ws: Any, row: int, column: int) -> Any:
        columns = self._columns.get(ws.title)
        if columns is None or row == 1:
            return super()._cell(ws, row, column)
        if column > len(columns) or row - 2 >= len(columns[column - 1]):
            return None
        return columns[column - 1][row - 2]

    def _read(self, ws: Any, bounds: tuple[int | None, ...]) -> Any:
        columns = self._columns.get(ws.title)
        if columns is None:
            return super()._read(ws, bounds)
        count = len(columns[0]) if columns else 0
        min_col, min_row, max_col, max_row = bounds
        area = (min_col or 1, min_row or 1, max_col or len(columns), max_row or count + 1)
        key = (ws.title, area)
        if key not in self._ranges:
            first_col, first_row, last_col, last_row = area
            header: list[Any] = []
            if first_row == 1:
                header = [super(ColumnEvaluator, self)._cell(ws, 1, c) for c in range(first_col, last_col + 1)]
                first_row = 2
            height = max(last_row - first_row + 1, 0)
            picked = []
            for c in range(first_col, last_col + 1):
                values = _slice(columns[c - 1], first_row - 2, last_row - 1) if c <= len(columns) else []
                picked.append(values if len(values) == height else values + [None] * (height - len(values)))
            if len(picked) == 1:
                cells = header + picked[0] if header else picked[0]
            else:
                cells = header + [value for row in zip(*picked, strict=True) for value in row]
            self._ranges[key] = _ColumnRange(cells, len(picked))
        return self._ranges[key]

    def _call(self, node: Any, sheet: str) -> Any:
        name = self._function_keys.get(node.name) or self.function_name(node.name).upper()
        self._function_keys[node.name] = name
        if name in _LAZY or name in _EAGER or name not in self.functions:
            return super()._call(node, sheet)
        entry = self._entries.get(name)
        if entry is None:
            try:
                entry = self._entries[name] = udfs.get(name)
            except KeyError:
                return super()._call(node, sheet)
        values = [self._eval(arg, sheet) for arg in node.args]
        params = entry.params
        arguments = [
            (value.plain_rows if index < len(params) and params[index].kind == "choice" else value.plain_cells)
            if isinstance(value, RangeValue)
            else _plain(value)
            for index, value in enumerate(values)
        ]
        criteria = values[len(params) :]
        if criteria and entry.criteria and len(criteria) % 2 == 0:
            selected = self._select(values[: len(params)], params, criteria)
            if selected is not None:
                arguments = arguments[: len(params)]
                for index, value in selected.items():
                    arguments[index] = value
        try:
            result = self.functions[name](*arguments)
        except udfs.KPIError as error:
            return ExcelError(error.code, error.message)
        if isinstance(result, list | tuple | np.ndarray):  # a table of results
            return RangeValue([list(row) for row in result])
        return result

    def _select(self, values: list[Any], params: Sequence[Any], criteria: list[Any]) -> dict[int, list[Any]] | None:
        """The row arguments narrowed to the rows the criteria select, or None to let the function do it."""
        rows = [i for i, p in enumerate(params) if p.is_rows and i < len(values)]
        if not rows or any(not isinstance(values[i], RangeValue) for i in rows):
            return None
        try:
            mask = self._selected(criteria)
        except _Fail:
            return None
        if any(len(values[i].cells) != len(mask) for i in rows):
            return None
        return {i: self._objects_of(values[i])[mask].tolist() for i in rows}

    def _objects_of(self, value: Any) -> np.ndarray:
        cached = self._objects.get(id(value))
        if cached is None or cached[0] is not value:
            array = np.empty(len(value.plain_cells), dtype=object)
            array[:] = value.plain_cells
            cached = self._objects[id(value)] = (value, array)
        return cached[1]


class _ColumnRange(RangeValue):
    """A range read from table columns: its cells as one flat list (row by row); rows made on demand."""

    def __init__(self, cells: list[Any], width: int) -> None:  # noqa: D107 - RangeValue's rows come later
        self._flat, self._width = cells, max(width, 1)

    @functools.cached_property
    def cells(self) -> list[Any]:
        return self._flat

    @functools.cached_property
    def rows(self) -> list[list[Any]]:  # type: ignore[override]
        width = self._width
        return [self._flat[i : i + width] for i in range(0, len(self._flat), width)]


def _slice(values: list[Any], start: int, stop: int) -> list[Any]:
    return values[start:stop] if start > 0 or stop < len(values) else values
