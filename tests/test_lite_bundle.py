"""The xlwings Lite bundle: a self-contained ``main.py`` + ``requirements.txt``.

Two proofs. In a fresh virtual environment holding nothing but the bundle's requirements (numpy; no
xlwings, no checkout of this project on the path), ``main.py`` imports the embedded ``udfs``, defines every
catalogue function and computes every worked example. And, in an interpreter bound to xlwings' Office.js
runtime, ``main.py`` loaded the way xlwings Lite loads it (source executed as module ``main``, twice)
registers every function once and answers ``custom_functions_call``.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path
from typing import Any

import pytest
from support import SPILL_COHORTS, SPILL_CUSTOMERS, SPILL_MONTHS, SPILL_MRR, SPILL_WATERFALL, run_in_fresh_interpreter

import udfs
from addin.lite import build_main, package_sources, requirements, write_bundle
from udfs import coerce
from udfs.excel import typed_name

ROOT = Path(__file__).resolve().parent.parent
INNER = os.environ.get("KPI_TEST_RUNTIME") == "lite"

DRIVER = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[1])  # only the bundle's folder: -I keeps the checkout and site paths out
    import main
    import udfs
    from udfs.excel import typed_name
    results = {}
    for metric in udfs.catalog():
        wrapper = getattr(main, typed_name(metric.name, "lite"))
        try:
            value = wrapper(*metric.example.args)
        except Exception as error:
            value = {"raised": type(error).__name__, "message": str(error)}
        results[metric.name] = value
    print(json.dumps({
        "functions": sorted(name for name, value in vars(main).items() if callable(value) and name.isupper()),
        "results": results,
        "udfs_file": udfs.__file__,
        "xlwings_loaded": "xlwings" in sys.modules,
        "third_party": sorted({m.split(".")[0] for m in sys.modules} & {"numpy", "pandas", "xlwings", "scipy"}),
    }))
    """
)


def expected(metric: udfs.Metric) -> Any:
    """The plain function on its example; an error as the code Office.js would show (returned, not raised)."""
    try:
        return metric.func(*metric.example.args)
    except udfs.KPIError as error:
        return error.code


def same(got: Any, want: Any) -> bool:
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(got, float | int) and isinstance(want, float | int) and not isinstance(got, bool):
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    return got == want


def test_requirements_are_numpy_only() -> None:
    """xlwings is provided by xlwings Lite; an optional import (pywin32, pyodide) is not a requirement."""
    assert requirements(package_sources()) == ["numpy"]


def test_bundle_is_reproducible_and_carries_every_module(tmp_path: Path) -> None:
    main, reqs = write_bundle(tmp_path)
    assert main.read_text() == build_main()
    assert "numpy" in reqs.read_text().split()
    assert all(len(line) <= 120 for line in main.read_text().splitlines())
    modules = set(package_sources())
    assert {"udfs/__init__.py", "udfs/registry.py", "udfs/excel.py"} <= modules
    assert not any("__pycache__" in name for name in modules)


def test_lite_command_writes_the_bundle(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from addin.commands import app

    result = CliRunner().invoke(app, ["lite", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "main.py").read_text() == build_main()
    assert "numpy" in (tmp_path / "requirements.txt").read_text().split()


@pytest.mark.slow
def test_bundle_runs_in_a_fresh_venv_with_only_its_requirements(tmp_path: Path) -> None:
    bundle, env_dir = tmp_path / "bundle", tmp_path / "venv"
    write_bundle(bundle)
    venv.create(env_dir, with_pip=False, clear=True)
    python = env_dir / ("Scripts/python.exe" if sys.platform.startswith("win") else "bin/python")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-compile"]
    install = subprocess.run(
        [*pip, "-r", str(bundle / "requirements.txt")], capture_output=True, text=True, timeout=600
    )
    assert install.returncode == 0, install.stderr[-3000:]
    (tmp_path / "driver.py").write_text(DRIVER)
    run = subprocess.run(
        [str(python), "-I", str(tmp_path / "driver.py"), str(bundle)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])

    assert report["udfs_file"].startswith("<kpi-bundle"), "udfs must come from the bundle, not a checkout"
    assert not report["xlwings_loaded"] and report["third_party"] == ["numpy"]
    names = {typed_name(m.name, "lite") for m in udfs.catalog()}
    assert names <= set(report["functions"]), sorted(names - set(report["functions"]))
    for metric in udfs.catalog():
        got, want = report["results"][metric.name], expected(metric)
        assert same(got, want), (metric.name, got, want)
    assert report["results"]["ACV"] == 120000


@pytest.mark.slow
def test_lite_loading_registers_every_function() -> None:
    """Run the Office.js part in an interpreter bound to xlwings' Office.js runtime, as Lite is."""
    if INNER:
        pytest.skip("this is the inner run")
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial", KPI_EXCEL_RUNTIME="")
    env.update(KPI_TEST_RUNTIME="lite", PYTHONPATH=str(ROOT))
    run_in_fresh_interpreter(__file__, env, "Lite")


class LiteRuntimeTests:
    """Collected only in the inner run: main.py as xlwings Lite loads it (``create_module_from_string``)."""

    @staticmethod
    def load_main(source: str) -> Any:
        import importlib.util

        spec = importlib.util.spec_from_loader("main", loader=None)
        module = importlib.util.module_from_spec(spec)
        exec(source, module.__dict__)
        sys.modules["main"] = module
        return module

    def test_meta_and_calls(self) -> None:
        import asyncio

        from xlwings.server import custom_functions_call, custom_functions_meta

        source = build_main()
        self.load_main(source)
        main = self.load_main(source)  # xlwings Lite runs main.py again for the meta and the code
        assert sys.modules["udfs"].__file__.startswith("<kpi-bundle"), "udfs must come from the bundle"
        assert sum(getattr(finder, "kpi_bundle", False) for finder in sys.meta_path) == 1
        first = sys.modules["udfs"].__kpi_bundle__
        changed = package_sources()
        changed["udfs/__init__.py"] += "\n# a new version of the bundle\n"
        self.load_main(build_main(changed))  # a new main.py pasted into the same session replaces the old
        assert sys.modules["udfs"].__kpi_bundle__ != first
        assert sum(getattr(finder, "kpi_bundle", False) for finder in sys.meta_path) == 1
        main = self.load_main(source)
        meta = custom_functions_meta(main)
        ids = [f["id"] for f in meta["functions"]]
        assert sorted(ids) == sorted(typed_name(m.name, "lite") for m in udfs.catalog())
        assert len(set(ids)) == len(ids)
        for name in ids:  # Lite associates each Excel name with the module attribute of that name
            assert getattr(main, name).__xlfunc__["name"] == name
        data = {"func_name": "ACV", "args": [[[380000]], [[20000]], [[3]]], "client": "Office.js"}
        data.update(version="0.37.8", runtime="1.4")
        assert asyncio.run(custom_functions_call(data, main)) == [[120000.0]]
        data.update(func_name="WIN_RATE", args=[[[0]], [[0]]])
        assert asyncio.run(custom_functions_call(data, main)) == [[{"type": "Error", "errorType": "Div0"}]]
        # a table result comes back as the 2-D array that Excel spills (dates as serials, as Office.js sends)
        columns = [[[c] for c in SPILL_CUSTOMERS], [[coerce.parse_date_text(m)] for m in SPILL_MONTHS]]
        columns.append([[v] for v in SPILL_MRR])
        data.update(func_name="MRR_MOVEMENTS", args=[*columns, []])
        assert asyncio.run(custom_functions_call(data, main)) == SPILL_WATERFALL
        data.update(func_name="COHORT_RETENTION", args=[*columns, None])
        assert asyncio.run(custom_functions_call(data, main)) == SPILL_COHORTS


if INNER:
    TestLiteRuntime = LiteRuntimeTests
