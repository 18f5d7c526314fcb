"""Python side of the Pyodide harness: load the Lite bundle as xlwings Lite does and time custom functions.

Imported inside Pyodide by run_lite.mjs (copied into the Emscripten file system).  Nothing here runs on
CPython.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
import time
import types
from typing import Any

os.environ["XLWINGS_ON_SERVER"] = "true"  # bind xlwings.func/arg to the Office.js custom functions
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

XLWINGS_VERSION = "0.37.8"
MODULES: dict[str, types.ModuleType] = {}


def install_jsnull_shim() -> str:
    """Pyodide 0.27.x has no ``pyodide.ffi.JsNull``; give it one so that ``from pyodide.ffi import JsNull``
    succeeds, as it does in Pyodide >= 0.28 (used only for the labelled '0.28+ emulation' run)."""
    import pyodide.ffi as ffi

    if hasattr(ffi, "JsNull"):
        return "native"

    class JsNull:  # noqa: D401 - a stand-in with the same role: JavaScript null
        __slots__ = ()

        def __repr__(self) -> str:
            return "jsnull"

        def __bool__(self) -> bool:
            return False

    ffi.JsNull = JsNull
    ffi.jsnull = JsNull()
    return "shim"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def import_module(name: str) -> float:
    start = time.perf_counter()
    __import__(name)
    return time.perf_counter() - start


def load_main(source: str, name: str = "main") -> float:
    """main.py as xlwings Lite loads it: the source executed as a fresh module called ``main``."""
    start = time.perf_counter()
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(source, module.__dict__)
    sys.modules[name] = module
    MODULES[name] = module
    return time.perf_counter() - start


def meta(name: str = "main") -> dict:
    from xlwings.server import custom_functions_meta

    start = time.perf_counter()
    result = custom_functions_meta(MODULES[name])
    elapsed = time.perf_counter() - start
    ids = [f["id"] for f in result["functions"]]
    acv = next(f for f in result["functions"] if f["id"] == "ACV")
    return {
        "seconds": elapsed,
        "count": len(ids),
        "unique": len(set(ids)) == len(ids),
        "ids": ids,
        "ACV": acv,
        "functions": result["functions"],
    }


def build_default_module(names: list[str]) -> float:
    """The same catalogue functions behind xlwings' default argument conversion: a pass-through decorated
    with plain ``@func`` (bench/bench_officejs.py's ``default_conversion_module``)."""
    from xlwings.server import func

    import udfs

    start = time.perf_counter()
    module = types.ModuleType("xlwings_default")
    for name in names:
        metric = udfs.get(name)

        def passthrough(*args: Any, _metric: Any = metric) -> Any:
            return _metric.func(*args)

        parameters = [inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in metric.params]
        if metric.criteria:
            parameters.append(inspect.Parameter("criteria", inspect.Parameter.VAR_POSITIONAL))
        passthrough.__name__ = name
        passthrough.__signature__ = inspect.Signature(parameters)
        setattr(module, name, func(passthrough))
    MODULES["default"] = module
    return time.perf_counter() - start


def build_pure_modules() -> None:
    """numpy-free NPS and sales cycle, once with xlwings' default conversion and once with ``convert="raw"`` plus a flat
    list copy (what the bundle's adapter does before numpy), so the conversion cost alone can be compared
    on a Pyodide that has no numpy (314.0.8 here) and on 0.27.7 alike."""
    from xlwings.server import arg, func

    def nps(values):
        n = p = d = 0
        for v in values:
            if v is None or type(v) not in (int, float):
                continue
            n += 1
            p += v >= 9
            d += v <= 6
        return 100.0 * (p - d) / n

    @func
    def NPS_PY(scores):
        return nps(scores)

    @func
    @arg("scores", "raw")
    def NPS_PY_RAW(scores):
        if scores and type(scores[0]) is list:
            scores = [row[0] for row in scores]
        return nps(scores)

    def cycle(created, closed):
        total, n = 0.0, 0
        for c, d in zip(created, closed, strict=True):
            if type(d) in (int, float) and type(c) in (int, float):
                total += d - c
                n += 1
        return total / n

    def flat(column):
        return [row[0] for row in column] if column and type(column[0]) is list else column

    @func
    def CYCLE_PY(created, closed):
        return cycle(created, closed)

    @func
    @arg("created", "raw")
    @arg("closed", "raw")
    def CYCLE_PY_RAW(created, closed):
        return cycle(flat(created), flat(closed))

    module = types.ModuleType("pure")
    for f in (NPS_PY, NPS_PY_RAW, CYCLE_PY, CYCLE_PY_RAW):
        setattr(module, f.__name__, f)
    MODULES["pure"] = module


def _nulls_to_jsnull(value):
    """Emulate Pyodide >= 0.28's to_py(): JavaScript null cells become ``jsnull`` instead of None."""
    import pyodide.ffi as ffi

    if isinstance(value, list):
        return [_nulls_to_jsnull(v) for v in value]
    return ffi.jsnull if value is None else value


async def call(module_name: str, js_data, emulate_jsnull: bool = False) -> dict:
    """One custom function call the way the Pyodide runtime makes it.

    Mirrors ``custom_functions_call`` of xlwings-server 1.20.0's ``wasm/wasm_runtime.py`` (the Wasm runtime
    that xlwings Lite is built on): ``data = data.to_py()``; the caller from ``caller_address``;
    ``await xlwings.server.custom_functions_call(data, module=..., typehint_to_value={Caller: caller})``; an
    exception becomes ``{"error": str(e), "details": traceback}`` (custom-functions-code.js then throws
    ``CustomFunctions.Error(invalidValue, error)``, i.e. #VALUE! with the message); the result goes back
    with ``to_js(result, dict_converter=js.Object.fromEntries)``.  Returns the timings of each step."""
    import traceback

    import js
    import xlwings as xw
    from pyodide.ffi import to_js
    from xlwings.server import Caller, caller_from_address, custom_functions_call

    t0 = time.perf_counter()
    data = js_data.to_py()
    t1 = time.perf_counter()
    if emulate_jsnull:
        data["args"] = _nulls_to_jsnull(data["args"])
    t2 = time.perf_counter()
    out: dict[str, Any] = {}
    try:
        caller = caller_from_address(data.get("caller_address"))
    except xw.XlwingsError:
        caller = None
    try:
        result = await custom_functions_call(data, module=MODULES[module_name], typehint_to_value={Caller: caller})
        out["result"] = result
    except Exception as error:
        result = {"error": str(error), "details": traceback.format_exc()}
        out["raised"] = type(error).__name__
        out["message"] = str(error)
    t3 = time.perf_counter()
    js_result = to_js(result, dict_converter=js.Object.fromEntries)
    t4 = time.perf_counter()
    out.update(to_py_s=t1 - t0, call_s=t3 - t2, to_js_s=t4 - t3, js_result_type=type(js_result).__name__)
    return out


def environment() -> dict:
    import platform

    info = {"python": sys.version.split()[0], "platform": sys.platform, "machine": platform.machine()}
    try:
        import pyodide

        info["pyodide"] = pyodide.__version__
    except Exception:  # pragma: no cover
        pass
    for name in ("numpy", "xlwings"):
        mod = sys.modules.get(name)
        info[name] = getattr(mod, "__version__", None) if mod else None
    try:
        import xlwings.xlwingslib  # noqa: F401

        info["xlwingslib"] = True
    except Exception as error:
        info["xlwingslib"] = f"not loaded ({type(error).__name__})"
    try:
        from pyodide.ffi import JsNull  # noqa: F401

        info["pyodide.ffi.JsNull"] = "importable"
    except ImportError:
        info["pyodide.ffi.JsNull"] = "ImportError"
    return info
