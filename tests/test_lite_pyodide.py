"""The xlwings Lite bundle in a real Pyodide 0.27.7 with numpy 2.0.2, under Node.js: what Excel's Lite add-in runs.

``tools/setup-runtimes.sh`` lays the runtime out in ``.runtime/pyodide`` from npm and PyPI (hash-checked; CI runs
it). The bundle is built from this checkout with ``kpi addin lite``; ``tools/pyodide/run_lite.mjs`` executes its
main.py the way xlwings Lite does, reads ``custom_functions_meta`` and calls functions through
``xlwings.server.custom_functions_call`` with the payload Office.js sends (columns as one-cell rows, serial
dates, blanks as null). Results at 100,000 rows are checked against values worked by hand from repeating
columns (tools/pyodide/payloads.mjs) and against plain-JavaScript computations of random columns.
Without Node.js or the runtime the test is skipped on a developer machine and stops the run in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import udfs
from addin.commands import app as addin_app

pytestmark = pytest.mark.slow  # the bundle in real Pyodide over 100,000 rows

ROOT = Path(__file__).resolve().parents[1]
PYODIDE = ROOT / ".runtime" / "pyodide"
ROWS = 100_000


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    ready = (PYODIDE / "dist-0.27.7" / "pyodide.mjs").exists() and shutil.which("node") is not None
    if not ready:
        if os.environ.get("CI"):
            pytest.fail("CI must lay out Pyodide (bash tools/setup-runtimes.sh, see .ci/run) and install Node.js")
        pytest.skip("Pyodide runtime not laid out here: run bash tools/setup-runtimes.sh")
    work = tmp_path_factory.mktemp("lite")
    result = CliRunner().invoke(addin_app, ["lite", "--out", str(work / "bundle")])
    assert result.exit_code == 0, result.output
    out = work / "results.json"
    run = subprocess.run(
        ["node", str(ROOT / "tools" / "pyodide" / "run_lite.mjs"), str(PYODIDE), "--bundle", str(work / "bundle")]
        + ["--rows", str(ROWS), "--default-rows", "", "--repeats", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    data["exit_code"], data["log"] = run.returncode, run.stdout[-5000:]
    return data


def test_the_runtime_is_the_one_xlwings_lite_ships(report: dict) -> None:
    env = report["environment"]
    assert (env["pyodide"], env["python"], env["platform"]) == ("0.27.7", "3.12.7", "emscripten")
    assert (env["numpy"], env["xlwings"]) == ("2.0.2", "0.37.8")


def test_metadata_for_every_catalogue_function(report: dict) -> None:
    functions = {f["id"]: f for f in report["meta_functions"]}
    assert len(functions) == len(report["meta_functions"]), "function ids must be unique"
    catalogue = {m.name: m for m in udfs.catalog()}
    assert set(functions) == set(catalogue)
    for name, metric in catalogue.items():
        meta = functions[name]
        assert meta["name"] == name and meta["description"], name
        params = meta["parameters"]
        declared = [p.name for p in metric.params] + (["criteria"] if metric.criteria else [])
        assert [p["name"] for p in params] == declared, name
        for param, spec in zip(params, metric.params, strict=False):
            assert param["description"], (name, param["name"])
            assert param.get("optional", False) == spec.optional, (name, param["name"])
            if spec.choices:
                assert param.get("customEnumId"), (name, param["name"])
        if metric.criteria:
            assert params[-1].get("repeating") is True, name


def test_small_calls_and_errors_as_excel_shows_them(report: dict) -> None:
    small = {c["case"]: c for c in report["cases"] if c.get("rows") is None and c["path"] == "bundle"}
    assert small["ACV(380000, 20000, 3)"]["value"] == 120000  # the seed article's example
    assert small["WIN_RATE(0, 0) -> #DIV/0!"]["value"] == {"type": "Error", "errorType": "Div0"}
    assert "'n/a', not a number" in small['ACV(380000, "n/a", 3) -> #VALUE! + message']["message"]
    assert small["NPS with an #N/A cell -> #N/A shows through"]["ok"]
    assert small["NPS([10, 9, 3]) with a blank cell"]["value"] == pytest.approx(100 / 3)


def test_right_results_at_100k_rows(report: dict) -> None:
    big = {c["case"]: c for c in report["cases"] if c.get("rows") == ROWS and c["path"] == "bundle"}
    # Worked by hand from the repeating columns (see HAND in tools/pyodide/payloads.mjs).
    assert big["hand: NPS(scores)"]["value"] == pytest.approx(20)
    assert big["hand: SALES_CYCLE_LENGTH(created, closed)"]["value"] == pytest.approx(40)
    assert big['hand: SALES_CYCLE_LENGTH(..., owners, "alice")']["value"] == pytest.approx(20)
    assert big['hand: SALES_CYCLE_LENGTH(..., owners, "Bob")']["value"] == pytest.approx(50)
    # Random columns, checked in plain JavaScript by the driver.
    for case in ("NPS(scores)", "SALES_CYCLE_LENGTH(created, closed)", 'SALES_CYCLE_LENGTH(..., owners, "Alice")'):
        assert big[case]["ok"], (case, big[case])
    wrong = [(c["case"], c.get("rows"), c.get("value"), c.get("message")) for c in report["cases"] if not c["ok"]]
    assert wrong == [] and report["all_ok"] and report["exit_code"] == 0, report["log"]
