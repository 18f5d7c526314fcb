"""The catalogue: every KPI function declared once, with the metadata everything else reads.

A metric is a plain function decorated with :func:`metric`. The decorator records its metadata (teams,
leading or lagging, unit, formula, seed, argument descriptions, ``method`` choices, a worked example) and
wraps it so that every argument is coerced by its declared kind before the body runs:

========== ===================================================== =====================================
kind       what the body receives                                 Excel input
========== ===================================================== =====================================
Amount     float: the number, or the sum of a range               a number or a range (summed)
Money      float >= 0, summed like Amount                         spend, revenue, prices
Count      float >= 0, summed like Amount                         a count or a range of counts
Number     float                                                  one number
Rate       float in [0, 1]                                        one fraction (47 % is 0.47)
Rows       float array, blanks as NaN                             a 1-D/2-D range of numbers
Dates      float array of Excel serials, blanks as NaN            a range of dates
Labels     list of raw cells                                      a range of text (statuses, types)
Flags      float array, 1.0 yes / 0.0 no, blanks as NaN           a range of TRUE/FALSE, Yes/No, 1/0
Date       float Excel serial                                     one date
DateList   float array of Excel serials, blanks as NaN            a range of dates not paired with rows
Time       float fraction of a day in [0, 1]                      one time of day (10:00, "10:00")
Text       the text (or number) as given                          one text cell (a weekend mask)
Choice     lower-case text, one of the choices                    a ``method``-style text
========== ===================================================== =====================================

Row arguments (rows, dates, labels, flags) of one function are paired: they must have the same length, and
the optional trailing ``*criteria`` pairs select which rows the body sees. An optional row argument whose
default is None may be left out: the body then receives None and the argument is not paired. The wrapper
also guarantees the contract: the result is a finite number (or a table of them, see :func:`metric`), and
nothing but :class:`~udfs.errors.KPIError` escapes.

The Excel adapter, the generated reference, the templates and the tests all read :func:`catalog`.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import coerce, schedule
from .calc import flags
from .criteria import criteria_mask
from .errors import InvalidValue, KPIError, NothingToCompute, OutOfDomain

TEAMS = {
    "sales": "Sales (account executives)",
    "inside_sales": "Inside sales (SDR/BDR)",
    "marketing": "Marketing",
    "enablement": "Sales enablement",
    "presales": "Presales (solutions engineers)",
    "customer_success": "Customer success",
    "support": "Customer support",
    "leadership": "Leadership, RevOps and finance",
}

#: Excel number format of each unit: rates as percentages, money without decimals, durations with one.
NUMBER_FORMATS = {
    "rate": "0.0%",
    "currency": "#,##0",
    "count": "#,##0.0",
    "days": "0.0",
    "hours": "0.0",
    "weeks": "0.0",
    "months": "0.0",
    "score": "0.00",
    "nps": "0",
    "multiple": '0.00"x"',
    "table": "General",
}
LEADING, LAGGING = "leading", "lagging"
ROW_KINDS = frozenset({"rows", "dates", "labels", "flags"})


@dataclass(frozen=True)
class Param:
    """One argument: its kind (how Excel input is coerced) and what a manager should put there."""

    kind: str
    description: str
    choices: tuple[str, ...] = ()
    name: str = ""
    default: Any = inspect.Parameter.empty

    @property
    def optional(self) -> bool:
        return self.default is not inspect.Parameter.empty

    @property
    def is_rows(self) -> bool:
        return self.kind in ROW_KINDS


def Amount(description: str) -> Param:  # noqa: N802 - reads like a type in declarations
    """A number or a range summed over its numeric cells (money, volumes)."""
    return Param("amount", description)


def Money(description: str) -> Param:  # noqa: N802
    """A non-negative amount of money or a range of them, summed (spend, revenue, prices)."""
    return Param("money", description)


def Count(description: str) -> Param:  # noqa: N802
    """A non-negative number or range of numbers, summed (customers, deals, reps)."""
    return Param("count", description)


def Number(description: str) -> Param:  # noqa: N802
    """One number."""
    return Param("number", description)


def Rate(description: str) -> Param:  # noqa: N802
    """One fraction between 0 and 1."""
    return Param("rate", description)


def Rows(description: str) -> Param:  # noqa: N802
    """A range of numbers, one per row."""
    return Param("rows", description)


def Dates(description: str) -> Param:  # noqa: N802
    """A range of dates, one per row."""
    return Param("dates", description)


def Labels(description: str) -> Param:  # noqa: N802
    """A range of text cells, one per row."""
    return Param("labels", description)


def Flags(description: str) -> Param:  # noqa: N802
    """A range of yes/no cells, one per row (TRUE/FALSE, Yes/No, 1/0); blanks stay blank."""
    return Param("flags", description)


def Date(description: str) -> Param:  # noqa: N802
    """One date."""
    return Param("date", description)


def DateList(description: str) -> Param:  # noqa: N802
    """A range of dates that is not paired with the row arguments (holidays)."""
    return Param("datelist", description)


def Time(description: str) -> Param:  # noqa: N802
    """One time of day: an Excel time (10:00 is 10/24) or text such as "10:00"."""
    return Param("time", description)


def Text(description: str) -> Param:  # noqa: N802
    """One text argument checked by the function itself (a weekend mask such as "0000011")."""
    return Param("text", description)


def Choice(description: str, *choices: str) -> Param:  # noqa: N802
    """A text argument picking one of ``choices`` (the default comes from the signature)."""
    return Param("choice", description, tuple(choices))


@dataclass(frozen=True)
class Example:
    """A worked example: arguments, the expected result, and where it comes from."""

    args: tuple[Any, ...]
    result: Any
    source: str = ""


@dataclass(frozen=True)
class Metric:
    """One catalogue entry."""

    name: str
    func: Callable[..., Any]
    summary: str
    description: str
    formula: str
    teams: tuple[str, ...]
    indicator: str
    unit: str
    seed: str
    params: tuple[Param, ...]
    criteria: bool
    metrics: tuple[str, ...]
    example: Example | None
    methods: dict[str, str] = field(default_factory=dict)
    benchmark: str = ""
    returns_table: bool = False
    source: str = ""

    @property
    def number_format(self) -> str:
        return NUMBER_FORMATS[self.unit]

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]

    def signature_text(self) -> str:
        """``NAME(a, [b], [criteria_range1, criterion1, ...])`` as Excel's wizard would show it."""
        shown = [f"[{p.name}]" if p.optional else p.name for p in self.params]
        if self.criteria:
            shown.append("[criteria_range1, criterion1, ...]")
        return f"{self.name}({', '.join(shown)})"


_REGISTRY: dict[str, Metric] = {}


def catalog() -> list[Metric]:
    """Every catalogue function with its metadata, in declaration order."""
    return list(_REGISTRY.values())


def get(name: str) -> Metric:
    """The catalogue entry of an Excel function name (case-insensitive)."""
    try:
        return _REGISTRY[name.upper()]
    except KeyError:
        raise KeyError(f"{name!r} is not a catalogue function") from None


def metric(
    *,
    teams: tuple[str, ...] | list[str],
    indicator: str,
    unit: str,
    formula: str,
    seed: str,
    args: dict[str, Param],
    metrics: tuple[str, ...] | list[str] = (),
    example: Example | None = None,
    methods: dict[str, str] | None = None,
    benchmark: str = "",
    returns_table: bool = False,
    source: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a catalogue function; see the module docstring for the argument kinds.

    ``seed`` is the seed article the metric comes from; ``source`` names the published definition it
    follows where that is not the seed (a vendor's or practitioner's documentation).
    ``returns_table=True`` declares a table result: a list of rows, header row first, each cell a number
    or a text (``""`` for a cell left empty), which spills in Excel.
    """

    def declare(body: Callable[..., Any]) -> Callable[..., Any]:
        name = body.__name__
        signature = inspect.signature(body)
        params, criteria = _params_from_signature(name, signature, args)
        _check_declaration(name, teams, indicator, unit, params, methods or {})
        description = inspect.cleandoc(body.__doc__ or "")
        if not description:
            raise TypeError(f"{name}: a catalogue function needs a docstring")
        summary = description.split("\n\n")[0].replace("\n", " ")

        # An optional range as the only optional argument before *criteria may be left out without an
        # empty slot: criteria come in pairs, so an even number of arguments after the required ones means
        # it was (the calls written before it existed keep working).
        optional = [p for p in params if p.optional]
        optional_range = criteria and len(optional) == 1 and optional[0] is params[-1] and optional[0].is_rows
        required = len(params) - 1

        @functools.wraps(body)
        def excel_function(*call_args: Any, **call_kwargs: Any) -> Any:
            if optional_range and len(call_args) > required + 1 and (len(call_args) - required) % 2 == 0:
                call_args = (*call_args[:required], None, *call_args[required:])
            try:
                bound = signature.bind(*call_args, **call_kwargs)
            except TypeError as exc:
                raise InvalidValue(f"{name}: {exc}") from None
            return _call(body, name, params, bound.arguments, returns_table)

        entry = Metric(
            name=name,
            func=excel_function,
            summary=summary,
            description=description,
            formula=formula,
            teams=tuple(teams),
            indicator=indicator,
            unit=unit,
            seed=seed,
            params=params,
            criteria=criteria,
            metrics=tuple(metrics),
            example=example,
            methods=dict(methods or {}),
            benchmark=benchmark,
            returns_table=returns_table,
            source=source,
        )
        if name in _REGISTRY:
            raise TypeError(f"{name} is declared twice")
        _REGISTRY[name] = entry
        excel_function.metric = entry  # type: ignore[attr-defined]
        return excel_function

    return declare


def _params_from_signature(
    name: str, signature: inspect.Signature, declared: dict[str, Param]
) -> tuple[tuple[Param, ...], bool]:
    params, criteria = [], False
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            if parameter.name != "criteria":
                raise TypeError(f"{name}: the only *args allowed is *criteria")
            criteria = True
            continue
        if parameter.name not in declared:
            raise TypeError(f"{name}: argument {parameter.name!r} has no declared kind and description")
        spec = declared[parameter.name]
        params.append(Param(spec.kind, spec.description, spec.choices, parameter.name, parameter.default))
    extra = set(declared) - {p.name for p in params}
    if extra:
        raise TypeError(f"{name}: declared arguments not in the signature: {sorted(extra)}")
    return tuple(params), criteria


def _check_declaration(
    name: str, teams: Any, indicator: str, unit: str, params: tuple[Param, ...], methods: dict[str, str]
) -> None:
    if name != name.upper():
        raise TypeError(f"{name}: Excel names are UPPER_SNAKE case")
    unknown = set(teams) - set(TEAMS)
    if unknown or not teams:
        raise TypeError(f"{name}: unknown teams {sorted(unknown)}")
    if indicator not in (LEADING, LAGGING):
        raise TypeError(f"{name}: indicator must be leading or lagging")
    if unit not in NUMBER_FORMATS:
        raise TypeError(f"{name}: unknown unit {unit!r}")
    for param in params:
        if param.kind != "choice":
            continue
        if (param.optional and param.default not in param.choices) or set(param.choices) != set(methods):
            raise TypeError(f"{name}: {param.name} needs a default among its choices and a text per method")


# ----------------------------------------------------------------------------------------------- calls

_COERCE_SCALAR: dict[str, Callable[[Any, str], Any]] = {
    "amount": coerce.total,
    "money": coerce.total,
    "count": coerce.total,
    "number": coerce.single_number,
    "rate": coerce.single_number,
    "rows": coerce.number_array,
    "dates": coerce.date_array,
    "labels": coerce.labels,
    "flags": lambda value, name: flags(coerce.labels(value, name), name),
    "date": coerce.single_date,
    "datelist": coerce.date_array,
    "time": schedule.time_of_day,
    "text": schedule.single_text,
}


def _coerce(param: Param, value: Any) -> Any:
    if value is None and param.optional and param.default is None:
        return None  # an optional range left out (holidays, returning customers): the body decides
    if param.kind == "choice":
        if not param.optional and _blank_argument(value):
            raise NothingToCompute(f"{param.name} is blank; give one of {', '.join(param.choices)}")
        return coerce.choice(value, param.name, param.choices, param.default)
    if param.optional and not param.is_rows and _blank_argument(value):
        value = param.default  # an optional argument left blank takes its default, as in Excel
    if value is None and not param.is_rows:
        raise NothingToCompute(f"{param.name} is blank")
    result = _COERCE_SCALAR[param.kind](value, param.name)
    if param.kind in ("count", "money") and result < 0:
        what = "a count" if param.kind == "count" else "this amount"
        raise OutOfDomain(f"{param.name} is {result:g}; {what} cannot be negative")
    if param.kind == "rate" and not 0 <= result <= 1:
        raise OutOfDomain(f"{param.name} is {result:g}; a rate is a fraction between 0 and 1 (47 % is 0.47)")
    return result


def _coerce_explained(param: Param, value: Any, params: tuple[Param, ...]) -> Any:
    """:func:`_coerce`, saying so when a criteria range landed in an optional argument before the criteria."""
    try:
        return _coerce(param, value)
    except InvalidValue as error:
        if param.optional and isinstance(value, list | tuple) and len(value) > 1:
            later = [p.name for p in params[params.index(param) :] if p.optional]
            error.message += (
                f". Criteria pairs come after the optional arguments: give {', '.join(later)} first,"
                " or leave them empty (=F(range, , criteria_range, criterion))"
            )
            error.args = (error.message,)
        raise


def _blank_argument(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return all(_blank_argument(v) for v in value) if len(value) == 1 else False
    return isinstance(value, str | type(None)) and coerce.is_blank(value)


def _call(
    body: Callable[..., Any], name: str, params: tuple[Param, ...], arguments: dict[str, Any], returns_table: bool
) -> Any:
    try:
        values = {p.name: _coerce_explained(p, arguments.get(p.name, p.default), params) for p in params}
        _select_rows(params, values, arguments.get("criteria", ()))
        with np.errstate(all="ignore"):
            result = body(*values.values())
        return _checked_table(name, result) if returns_table else _checked_number(name, result)
    except KPIError:
        raise
    except Exception as exc:  # the contract: a cell shows an Excel error, never a traceback
        raise InvalidValue(f"{name} cannot use these inputs ({type(exc).__name__}: {exc})") from None


def _select_rows(params: tuple[Param, ...], values: dict[str, Any], criteria: tuple[Any, ...]) -> None:
    """Check that paired row arguments align, then keep only the rows the criteria select."""
    rows = [p for p in params if p.is_rows and values[p.name] is not None]
    if not rows:
        if criteria:
            raise InvalidValue("this function takes no criteria")
        return
    length = len(values[rows[0].name])
    for param in rows[1:]:
        if len(values[param.name]) != length:
            raise InvalidValue(
                f"{param.name} has {len(values[param.name])} cells but {rows[0].name} has {length}; "
                "paired ranges must match"
            )
    mask = criteria_mask(criteria, length)
    if mask is None:
        return
    for param in rows:
        column = values[param.name]
        values[param.name] = (
            column[mask] if isinstance(column, np.ndarray) else [c for c, m in zip(column, mask, strict=True) if m]
        )


def _checked_number(name: str, result: Any) -> float:
    if isinstance(result, bool) or not isinstance(result, int | float | np.floating | np.integer):
        raise TypeError(f"{name} returned {type(result).__name__}, not a number")
    result = float(result)
    if math.isnan(result) or math.isinf(result):
        raise OutOfDomain(f"{name}: the result is not a finite number; check the inputs' magnitudes")
    return result


def _checked_table(name: str, table: Any) -> list[list[Any]]:
    rows = [list(row) for row in table]
    for row in rows:
        for i, cell in enumerate(row):
            if not isinstance(cell, str):
                row[i] = _checked_number(name, cell)
    if not rows:
        raise NothingToCompute(f"{name}: no rows to show")
    if len({len(row) for row in rows}) != 1:  # a spill range is a rectangle
        raise TypeError(f"{name} returned rows of different lengths")
    return rows
