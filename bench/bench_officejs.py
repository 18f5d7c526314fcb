"""Office.js custom functions over big ranges: the adapter beside xlwings' default conversion.

Run: ``python bench/bench_officejs.py [--full] [--rows N ...]``.

Every figure goes through ``xlwings.server.custom_functions_call`` with the payload Office.js sends (a
column is a list of one-cell rows, dates are serial numbers, blanks are ``None``): the path of xlwings
Server and, in Pyodide, of xlwings Lite. Two implementations of the same catalogue function are timed:

* **adapter**: ``udfs.excel``'s wrapper (arguments taken raw, normalised once by ``from_officejs``);
* **xlwings default**: a pass-through decorated with plain ``@func``, i.e. xlwings' default argument
  conversion, which tries to import ``pyodide.ffi`` once per cell. Measured in the same run.

The adapter is the best of 3 runs; the default conversion is slow, so it runs once, and by default only
at 100,000 rows: its figure for larger ranges is then that time scaled by the row count and marked "est".
``--full`` measures it at every size (about 10 minutes per million cells on a 2-core machine).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import random
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("XLWINGS_ON_SERVER", "true")  # bind xlwings to Office.js (before its first import)
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xlwings.server import custom_functions_call, func  # noqa: E402

import udfs  # noqa: E402
import udfs.excel as excel  # noqa: E402

TARGETS = {100_000: 0.2, 1_000_000: 2.0}  # seconds, from the issue
BASELINE_ROWS = 100_000


def default_conversion_module(names: list[str]) -> types.ModuleType:
    """The same catalogue functions behind xlwings' default argument conversion (plain ``@func``)."""
    module = types.ModuleType("xlwings_default")
    for name in names:
        metric = udfs.get(name)

        def passthrough(*args: Any, _metric: Any = metric) -> Any:
            return _metric.func(*args)

        parameters = [inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in metric.params]
        if metric.criteria:
            parameters.append(inspect.Parameter("criteria", inspect.Parameter.VAR_POSITIONAL))
        passthrough.__name__ = name
        passthrough.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        setattr(module, name, func(passthrough))
    return module


def call(module: types.ModuleType, name: str, args: list[Any]) -> Any:
    data = {"func_name": name, "args": args, "version": "0.37.8", "client": "Office.js", "runtime": "1.4"}
    return asyncio.run(custom_functions_call(data, module))


def timed(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def payloads(rows: int) -> dict[str, tuple[str, list[Any]]]:
    """Office.js payloads: one column per range, serial dates, 30 % of deals still open (blank close)."""
    rng = random.Random(2024)
    scores = [[float(rng.randint(0, 10))] for _ in range(rows)]
    created = [[45292.0 + rng.random() * 700] for _ in range(rows)]
    closed = [[c[0] + rng.random() * 120] if rng.random() < 0.7 else [None] for c in created]
    owners = [[rng.choice(["Alice", "Bob", "Carol", "Dan", "Eve", "Frank"])] for _ in range(rows)]
    return {
        "NPS(scores)": ("NPS", [scores, []]),
        "SALES_CYCLE_LENGTH(created, closed)": ("SALES_CYCLE_LENGTH", [created, closed, []]),
        '... with criteria (owners, "Alice")': ("SALES_CYCLE_LENGTH", [created, closed, [owners, "Alice"]]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--full", action="store_true", help="measure xlwings' default conversion at every size")
    options = parser.parse_args()

    default_module = default_conversion_module(["NPS", "SALES_CYCLE_LENGTH"])
    baseline: dict[str, float] = {}
    header = f"{'case':40} {'rows':>10} {'adapter s':>10} {'xlwings default s':>18} {'speed-up':>9} {'target':>7}"
    print(header)
    print("-" * len(header))
    failed = False
    for rows in sorted(options.rows):
        for case, (name, args) in payloads(rows).items():
            fast, result = timed(lambda name=name, args=args: call(excel, name, args), 3)
            if options.full or rows == BASELINE_ROWS or case not in baseline:
                slow, slow_result = timed(lambda name=name, args=args: call(default_module, name, args), 1)
                assert slow_result == result, (case, slow_result, result)
                baseline[case] = slow / rows
                estimated = ""
            else:
                slow, estimated = baseline[case] * rows, " est"
            target = TARGETS.get(rows)
            verdict = "" if target is None else ("ok" if fast < target else "SLOW")
            failed |= verdict == "SLOW"
            shown_target = f"<{target:g} s" if target else ""
            print(
                f"{case:40} {rows:>10,} {fast:>10.3f} {slow:>14.2f}{estimated:>4} {slow / fast:>8.0f}x "
                f"{shown_target:>7} {verdict}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
