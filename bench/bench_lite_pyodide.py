"""xlwings Lite speed in real Pyodide 0.27.7 + numpy: the bundle beside xlwings' default conversion.

Run: ``bash tools/setup-runtimes.sh`` once, then ``python bench/bench_lite_pyodide.py [--rows N ...]
[--default-rows N ...]``.

The bundle (built from this checkout with ``kpi addin lite``) runs in Pyodide under Node.js
(``tools/pyodide/run_lite.mjs``): each call goes through ``xlwings.server.custom_functions_call`` with the
payload Office.js sends, converted with ``to_py()`` as the Lite runtime does. Timed in the same run:

* **bundle**: the catalogue function as the bundle registers it (arguments taken raw, converted once);
* **xlwings default**: the same function behind plain ``@func``, xlwings' default argument conversion.
  Pyodide 0.27.7 has no ``pyodide.ffi.JsNull``, and xlwings' conversion tries to import it once per cell;
  Pyodide >= 0.28 has it. Both are measured: "as shipped" (0.27.7 as it is) and ">= 0.28 semantics"
  (0.27.7 given a ``JsNull`` and null cells turned into it, what Pyodide >= 0.28 does natively).

The bundle is the best of 3 runs, xlwings' default one run (it is slow). "Bundle" and "xlwings default" time
the function call (``custom_functions_call``); ``to_py()``, Pyodide's conversion of the payload that every path
pays before the call, is printed beside it, and the last column compares the two paths with it included (the
faster of its two measurements for both: it is the same work on the same payload).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE = ROOT / ".runtime" / "pyodide"
CASES = ("NPS(scores)", "SALES_CYCLE_LENGTH(created, closed)", 'SALES_CYCLE_LENGTH(..., owners, "Alice")')


def run(work: Path, bundle: Path, rows: list[int], default_rows: list[int], shim: bool) -> dict:
    out = work / ("shim.json" if shim else "shipped.json")
    command = ["node", str(ROOT / "tools" / "pyodide" / "run_lite.mjs"), str(PYODIDE), "--bundle", str(bundle)]
    command += ["--rows", ",".join(map(str, rows)), "--default-rows", ",".join(map(str, default_rows))]
    command += ["--out", str(out)] + (["--jsnull-shim"] if shim else [])
    label = ">= 0.28 semantics" if shim else "as shipped"
    print(f"running Pyodide 0.27.7 ({label}) ...", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 or not out.exists():
        sys.exit(f"the Pyodide run failed ({label}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def by_case(report: dict) -> dict[tuple[str, int, str], dict]:
    return {(c["case"], c["rows"], c["path"]): c for c in report["cases"] if c.get("rows") is not None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--default-rows", type=int, nargs="*", default=[100_000], help="sizes for xlwings' default")
    args = parser.parse_args()
    if not (PYODIDE / "dist-0.27.7" / "pyodide.mjs").exists() or shutil.which("node") is None:
        sys.exit("needs Node.js and the Pyodide runtime: bash tools/setup-runtimes.sh")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        kpi = [sys.executable, "-m", "kpi", "addin", "lite", "--out", str(work / "bundle")]
        subprocess.run(kpi, check=True, capture_output=True, cwd=ROOT)
        shipped = run(work, work / "bundle", args.rows, args.default_rows, shim=False)
        shim = run(work, work / "bundle", args.rows, args.default_rows, shim=True)
    env = shipped["environment"]
    steps = shipped["steps"]
    print(
        f"Pyodide {env['pyodide']} (Python {env['python']}), numpy {env['numpy']}, xlwings {env['xlwings']}, "
        f"Node.js {shipped['node']}; all results correct: {shipped['all_ok'] and shim['all_ok']}"
    )
    print(
        f"start-up: boot {steps['boot_s']:.2f} s, numpy + micropip {steps['load_numpy_micropip_s']:.2f} s, "
        f"main.py {steps['main_py_first_exec_s']:.2f} s\n"
    )
    print(
        "| Case (Office.js payload) | Rows | Bundle | xlwings default, 0.27.7 as shipped | Ratio "
        "| xlwings default, >= 0.28 semantics | Ratio | `to_py()` of the payload | Ratio with `to_py()`, >= 0.28 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    a, b = by_case(shipped), by_case(shim)
    for rows in args.rows:
        for case in CASES:
            fast = a.get((case, rows, "bundle"))
            if fast is None:
                continue
            cells = [f"`{case}`", f"{rows:,}", f"{fast['call_s']:.3f} s"]
            whole = ""
            for report in (a, b):  # each ratio against the bundle's time in the same Node.js process
                slow, own = report.get((case, rows, "xlwings default")), report[(case, rows, "bundle")]
                if slow is None:
                    cells += ["not measured", ""]
                    continue
                cells += [f"{slow['call_s']:.2f} s", f"{slow['call_s'] / own['call_s']:.0f}×"]
                if report is b:  # what the user waits for: the payload's conversion, then the call
                    to_py = min(slow["to_py_s"], own["to_py_s"])  # the same conversion of the same payload
                    whole = f"{(slow['call_s'] + to_py) / (own['call_s'] + to_py):.1f}×"
            cells += [f"{fast['to_py_s']:.3f} s", whole]
            print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
