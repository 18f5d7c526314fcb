"""Python side of the LibreOffice bridge: the script that LibreOffice's Python script provider runs.

:func:`bridge.python_script` copies this file into the user profile (``user/Scripts/python/``) and appends
the paths it needs. Basic calls :func:`kpi_call` through the script provider with the function name, the
fixed arguments and the criteria pairs; this module calls the catalogue function and converts the result
into something Calc puts in a cell.

Errors: a Basic function cannot return an error value to Calc (``CVErr`` shows as the text "Error 2007"),
and an exception raised here becomes a Basic runtime error that Calc shows as an *empty string*. But a
double that is a NaN whose low 32 bits hold a Calc error number (how Calc encodes errors internally) is
shown by Calc as that error: ``#DIV/0!``, ``#VALUE!``, ``#NUM!``, ``#N/A``, a real error value that
``ISERROR`` sees, that propagates, and that Calc saves to .xlsx as ``t="e"``. So nothing is raised here:
every failure becomes such a NaN.

Only the standard library is imported at module level: the script provider loads this file before the
paths below are on ``sys.path``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import math
import os
import site
import struct
import sys
import traceback
from typing import Any

#: Written by ``bridge.python_script``: the project root and the virtual environment's site-packages.
SYS_PATHS: list[str] = []
#: The package whose ``catalog()`` lists the functions.
UDF_MODULE = "udfs"
#: The Python (major, minor) of the virtual environment; compiled packages need the same in LibreOffice.
VENV_PYTHON: tuple[int, int] | None = None
#: What Basic passes for an argument left out at the end of a call, so that its default is used.
OMITTED = "<<omitted>>"

#: Calc's internal error numbers (FormulaError in LibreOffice's formula/errorcodes.hxx).
CALC_ERROR_NUMBERS = {
    "#NULL!": 521,
    "#DIV/0!": 532,
    "#VALUE!": 519,
    "#REF!": 524,
    "#NAME?": 525,
    "#NUM!": 503,
    "#N/A": 32767,
}
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)

_functions: dict[str, tuple[Any, list[inspect.Parameter]]] | None = None


def calc_error(code: str) -> float:
    """The NaN that Calc shows as the error ``code`` (unknown codes, e.g. ``#SPILL!``, as ``#VALUE!``)."""
    number = CALC_ERROR_NUMBERS.get(code.upper(), CALC_ERROR_NUMBERS["#VALUE!"])
    return struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000000 | number))[0]


def _log(message: str) -> None:
    print(f"[gtm-kpi bridge] {message}", file=sys.stderr, flush=True)


def _load() -> dict[str, tuple[Any, list[inspect.Parameter]]]:
    """Put the project and the venv on ``sys.path`` (first), import the library, index its catalogue."""
    global _functions
    if _functions is None:
        if VENV_PYTHON and tuple(sys.version_info[:2]) != tuple(VENV_PYTHON):
            _log(f"LibreOffice runs Python {sys.version.split()[0]}, the venv is {VENV_PYTHON}: numpy may not load")
        before = list(sys.path)
        for path in SYS_PATHS:
            if os.path.isdir(path):
                site.addsitedir(path)  # also runs the venv's .pth files (editable installs)
        added = [p for p in sys.path if p not in before]
        sys.path[:] = added + before  # the venv wins over the system's dist-packages
        catalog = importlib.import_module(UDF_MODULE).catalog()
        _functions = {}
        for entry in catalog:
            parameters = list(inspect.signature(entry.func).parameters.values())
            fixed = [p for p in parameters if p.kind is not inspect.Parameter.VAR_POSITIONAL]
            _functions[entry.name.upper()] = (entry.func, fixed)
    return _functions


def from_calc(value: Any) -> Any:
    """A value as Basic passed it. A range is a tuple of row tuples, passed on as is (``udfs`` reads
    those; converting 60,000 cells one by one would cost 0.1 s); blank cells are None, text is str.
    Basic sends whole numbers as int: a single number becomes a float, as Excel would pass it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def to_calc(result: Any) -> Any:
    """A result as Calc shows it: a float, a str, a tuple of row tuples for a table, or an error NaN."""
    if result is None:
        return ""
    if isinstance(result, str):
        return result
    if isinstance(result, dt.datetime | dt.date):
        moment = result if isinstance(result, dt.datetime) else dt.datetime(result.year, result.month, result.day)
        return (moment.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86400.0
    if hasattr(result, "tolist") and not isinstance(result, float):  # numpy scalar or array
        return to_calc(result.tolist())
    if isinstance(result, list | tuple):
        rows = [list(row) if isinstance(row, list | tuple) else [row] for row in result] or [[""]]
        width = max(len(row) for row in rows) or 1
        return tuple(tuple(_cell(v) for v in row + [""] * (width - len(row))) for row in rows)
    return _cell(result)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return calc_error("#VALUE!")
    return number if math.isfinite(number) else calc_error("#NUM!")


def kpi_call(name: str, args: tuple[Any, ...] = (), rest: tuple[Any, ...] = ()) -> Any:
    """Called by the Basic wrappers: ``name(*args, *rest)``; never raises (see the module docstring)."""
    try:
        functions = _load()
    except Exception:  # noqa: BLE001 - a broken install must show in the cell, not stop Calc
        _log("cannot load the KPI library:\n" + traceback.format_exc())
        return calc_error("#NAME?")
    try:
        func, fixed = functions[name.upper()]
    except KeyError:
        _log(f"{name} is not in the catalogue")
        return calc_error("#NAME?")
    try:
        supplied = [i for i, value in enumerate(args) if value != OMITTED]
        positional = [
            from_calc(value) if value != OMITTED else _default(fixed, index)
            for index, value in enumerate(args[: supplied[-1] + 1] if supplied else ())
        ]
        criteria = [from_calc(v) for v in rest]
        return to_calc(func(*positional, *criteria))
    except Exception as exc:  # noqa: BLE001 - KPIError carries the cell's error, anything else is #VALUE!
        code = getattr(exc, "code", None)
        if not isinstance(code, str):
            _log(f"{name} failed:\n" + traceback.format_exc())
            code = "#VALUE!"
        return calc_error(code)


def _default(fixed: list[inspect.Parameter], index: int) -> Any:
    """The default of an argument left out before the last one given (None, a blank cell, if none)."""
    if index < len(fixed) and fixed[index].default is not inspect.Parameter.empty:
        return fixed[index].default
    return None


g_exportedScripts = (kpi_call,)  # noqa: N816 - the name LibreOffice's script provider looks for
