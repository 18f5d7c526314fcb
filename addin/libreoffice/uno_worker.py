"""Recalculate workbooks in a running headless LibreOffice, driven over UNO.

Run by ``recalc.py`` with LibreOffice's Python (on Debian ``/usr/bin/python3`` with python3-uno), which
is the only Python that can ``import uno``; the test suite's virtual environment cannot. Only the standard
library and ``uno`` are used.

Protocol: one JSON request per line on stdin, one JSON answer per line on stdout.

* ``{"op": "recalc", "src": path, "dst": path, "filter": "Calc MS Excel 2007 XML"}`` loads ``src``
  hidden, re-parses formulas that show ``#NAME?``, hard-recalculates (``calculateAll``), stores a copy at
  ``dst`` and answers ``{"ok": true, "seconds": {...}, "values": {sheet: {cell: value}}}``, where an
  error value is ``{"error": "#DIV/0!"}``.
* ``{"op": "functions"}`` answers the names of Calc's built-in functions.
* ``{"op": "quit"}`` closes LibreOffice and ends the worker.

Usage: ``python3 uno_worker.py PIPE_NAME [TIMEOUT_SECONDS]``.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
import traceback
from typing import Any

import uno  # type: ignore[import-not-found]  # noqa: I001 - uno must come before the com.sun.star imports
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

FORMULA_CELLS = 16  # com.sun.star.sheet.CellFlags.FORMULA
ERROR_RESULTS = 4  # com.sun.star.sheet.FormulaResult.ERROR
NO_NAME = 525  # FormulaError::NoName, #NAME?
#: Calc's error numbers as the texts Excel shows (LibreOffice's own "Err:502" style for the others).
ERROR_TEXTS = {
    521: "#NULL!",
    532: "#DIV/0!",
    519: "#VALUE!",
    524: "#REF!",
    525: "#NAME?",
    503: "#NUM!",
    32767: "#N/A",
}


def prop(name: str, value: Any) -> Any:
    item = PropertyValue()
    item.Name = name
    item.Value = value
    return item


def connect(pipe: str, timeout: float) -> Any:
    """The Desktop of the LibreOffice listening on ``pipe``, retrying until it is up."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return context, context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def cell_name(column: int, row: int) -> str:
    """``A1``-style name of a zero-based column and row."""
    letters, number = "", column + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return f"{letters}{row + 1}"


def formula_values(sheet: Any) -> dict[str, Any]:
    """Every formula cell's value, read a block at a time (one UNO call per block, not per cell)."""
    values: dict[str, Any] = {}
    for block in sheet.queryContentCells(FORMULA_CELLS).getRangeAddresses():
        cells = sheet.getCellRangeByPosition(block.StartColumn, block.StartRow, block.EndColumn, block.EndRow)
        for row_offset, row in enumerate(cells.getDataArray()):
            for column_offset, value in enumerate(row):
                values[cell_name(block.StartColumn + column_offset, block.StartRow + row_offset)] = value
    for block in sheet.queryFormulaCells(ERROR_RESULTS).getRangeAddresses():
        for row in range(block.StartRow, block.EndRow + 1):
            for column in range(block.StartColumn, block.EndColumn + 1):
                error = sheet.getCellByPosition(column, row).getError()
                values[cell_name(column, row)] = {"error": ERROR_TEXTS.get(error, f"Err:{error}")}
    return values


def reparse_name_errors(document: Any) -> int:
    """Set the formula of every ``#NAME?`` cell again, so Basic functions are looked up anew."""
    count = 0
    for sheet in document.Sheets:
        for address in sheet.queryFormulaCells(ERROR_RESULTS).getRangeAddresses():
            for row in range(address.StartRow, address.EndRow + 1):
                for column in range(address.StartColumn, address.EndColumn + 1):
                    cell = sheet.getCellByPosition(column, row)
                    formula = cell.getFormula()
                    if cell.getError() == NO_NAME and not formula.startswith("{"):  # leave array formulas
                        cell.setFormula(formula)
                        count += 1
    return count


def recalc(desktop: Any, src: str, dst: str, filter_name: str) -> dict[str, Any]:
    started = time.monotonic()
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
    if document is None:
        raise RuntimeError(f"LibreOffice could not open {src}")
    try:
        loaded = time.monotonic()
        reparsed = reparse_name_errors(document)
        document.calculateAll()
        calculated = time.monotonic()
        values = {sheet.getName(): formula_values(sheet) for sheet in document.Sheets}
        read = time.monotonic()
        document.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", filter_name),))
        stored = time.monotonic()
    finally:
        document.close(True)
    return {
        "ok": True,
        "reparsed": reparsed,
        "values": values,
        "seconds": {
            "load": round(loaded - started, 4),
            "calculate": round(calculated - loaded, 4),
            "read": round(read - calculated, 4),
            "store": round(stored - read, 4),
        },
    }


def builtin_functions(context: Any) -> list[str]:
    descriptions = context.ServiceManager.createInstanceWithContext("com.sun.star.sheet.FunctionDescriptions", context)
    names = []
    for index in range(descriptions.getCount()):
        for item in descriptions.getByIndex(index):
            if item.Name == "Name":
                names.append(item.Value)
    return names


def main() -> int:
    pipe = sys.argv[1]
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    context, desktop = connect(pipe, timeout)
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["op"] == "recalc":
                answer = recalc(desktop, request["src"], request["dst"], request["filter"])
            elif request["op"] == "functions":
                answer = {"ok": True, "names": builtin_functions(context)}
            elif request["op"] == "quit":
                with contextlib.suppress(Exception):  # the bridge drops as LibreOffice exits
                    desktop.terminate()
                print(json.dumps({"ok": True}), flush=True)
                return 0
            else:
                answer = {"ok": False, "error": f"unknown op {request['op']!r}"}
        except Exception:  # noqa: BLE001 - report to the caller, keep serving
            answer = {"ok": False, "error": traceback.format_exc()}
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
