"""xlwings Server wired to the catalogue: FastAPI ``TestClient`` against its custom-function routes.

The app is ``xlwings_server.main`` with ``addin/server`` as its project directory (the
``custom_functions`` package and the ``[tool.xlwings_server]`` settings), as ``kpi addin server`` starts it.
It binds xlwings to Office.js at import, so it runs in a fresh interpreter (see :func:`test_server`).
Requires the ``xlwings-server`` package (and its ``httpx`` for the test client).
"""

from __future__ import annotations

import importlib.util
import math
import os
from pathlib import Path
from typing import Any

import pytest
from support import run_in_fresh_interpreter

import udfs

ROOT = Path(__file__).resolve().parent.parent
INNER = os.environ.get("KPI_TEST_RUNTIME") == "server"
CATALOG = udfs.catalog()


def test_server() -> None:
    """Run this file's server tests in a fresh interpreter, configured as `kpi addin server` does."""
    if INNER:
        pytest.skip("this is the inner run")
    if importlib.util.find_spec("xlwings_server") is None:
        pytest.skip("xlwings-server is not installed (pip install xlwings-server)")
    env = dict(os.environ, XLWINGS_LICENSE_KEY="noncommercial", KPI_TEST_RUNTIME="server", PYTHONPATH=str(ROOT))
    env.pop("KPI_EXCEL_RUNTIME", None)
    run_in_fresh_interpreter(__file__, env, "server")


def test_server_command_says_plainly_what_the_licence_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from addin.commands import app

    monkeypatch.delenv("XLWINGS_LICENSE_KEY", raising=False)
    result = CliRunner().invoke(app, ["server"])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "non-commercial" in text and "commercial use needs a paid xlwings licence" in text
    assert "xlwings Lite is free" in text


def test_server_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import addin.server as server

    env = server.prepare_environment("noncommercial", {"PYTHONPATH": "/elsewhere"})
    assert env["XLWINGS_PROJECT_DIR"] == str(server.PROJECT_DIR) and env["XLWINGS_ON_SERVER"] == "true"
    assert env["XLWINGS_LICENSE_KEY"] == "noncommercial" and env["PYTHONPATH"].startswith(str(ROOT))
    monkeypatch.setattr(server, "ssl_files", lambda: None)
    plain = server.command()
    assert plain[1:] == ["-m", "uvicorn", "xlwings_server.main:main_app", "--host", "127.0.0.1", "--port", "8000"]
    monkeypatch.setattr(server, "ssl_files", lambda: ("key.pem", "cert.pem"))
    assert server.command()[-4:] == ["--ssl-keyfile", "key.pem", "--ssl-certfile", "cert.pem"]


def test_server_settings() -> None:
    import tomllib

    from addin.server import PROJECT_DIR

    settings = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["tool"]["xlwings_server"]
    assert settings["functions_namespace"] == "KPI" and settings["environment"] == "prod"
    assert (PROJECT_DIR / "custom_functions" / "__init__.py").exists()
    assert (PROJECT_DIR / "custom_scripts" / "__init__.py").exists()


@pytest.fixture(scope="module")
def client() -> Any:
    """A test client of the app `kpi addin server` serves (inner run only)."""
    from addin.server import PROJECT_DIR, prepare_environment

    prepare_environment()
    from fastapi.testclient import TestClient
    from xlwings_server.config import settings
    from xlwings_server.main import main_app

    assert settings.project_dir == PROJECT_DIR
    return TestClient(main_app)


def body(name: str, args: list[Any]) -> dict[str, Any]:
    """A custom-functions-call request as xlwings' custom-functions-code.js posts it."""
    return {
        "client": "Office.js",
        "func_name": name,
        "args": args,
        "caller_address": "[Book1.xlsx]Sheet1!B2",
        "session_id": "test",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
        "version": "0.37.8",
        "runtime": "1.4",
    }


def officejs(value: Any, kind: str) -> Any:
    from udfs import coerce

    def cell(v: Any) -> Any:
        parsed = coerce.parse_date_text(v) if kind in ("dates", "date") and isinstance(v, str) else None
        return v if parsed is None else parsed

    if isinstance(value, list | tuple):
        if value and isinstance(value[0], list | tuple):
            return [[cell(c) for c in row] for row in value]
        return [[cell(c)] for c in value]
    return value if kind == "choice" else [[cell(value)]]


def same(got: Any, want: Any) -> bool:
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(got, float | int) and isinstance(want, float | int) and not isinstance(got, bool):
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    return got == want


class ServerTests:
    """Collected only in the inner run."""

    def test_meta_lists_every_function_once(self, client: Any) -> None:
        response = client.get("/xlwings/custom-functions-meta")
        assert response.status_code == 200
        functions = response.json()["functions"]
        assert sorted(f["id"] for f in functions) == sorted(m.name for m in CATALOG)  # RATE too: KPI.RATE
        assert all(f["name"] == f["id"] for f in functions), "the namespace comes from the manifest"

    def test_manifest_namespace_is_kpi(self, client: Any) -> None:
        manifest = client.get("/manifest").text
        assert '<bt:String id="Functions.Namespace" DefaultValue="KPI" />' in manifest
        assert "185d0a41-6683-4e55-9bd6-9f2c74cc5bc6" in manifest

    def test_code_associates_every_function(self, client: Any) -> None:
        code = client.get("/xlwings/custom-functions-code").text
        for metric in CATALOG:
            assert f'CustomFunctions.associate("{metric.name}", {metric.name});' in code

    def test_every_example_over_http(self, client: Any) -> None:
        for metric in CATALOG:
            count = len(metric.params)
            args = [officejs(v, p.kind) for v, p in zip(metric.example.args[:count], metric.params, strict=False)]
            args += [None] * (count - len(args))
            if metric.criteria:
                args.append([officejs(v, "labels") for v in metric.example.args[count:]])
            response = client.post("/xlwings/custom-functions-call", json=body(metric.name, args))
            assert response.status_code == 200, (metric.name, response.text)
            want = metric.func(*metric.example.args)
            assert same(response.json()["result"], want if isinstance(want, list) else [[want]]), metric.name

    def test_errors(self, client: Any) -> None:
        response = client.post("/xlwings/custom-functions-call", json=body("ACV", [[[380000]], [[20000]], [[3]]]))
        assert response.json() == {"result": [[120000.0]]}
        response = client.post("/xlwings/custom-functions-call", json=body("WIN_RATE", [[[0]], [[0]]]))
        assert response.json() == {"result": [[{"type": "Error", "errorType": "Div0"}]]}
        response = client.post("/xlwings/custom-functions-call", json=body("NPS", [[[11]], []]))
        assert response.json() == {"result": [[{"type": "Error", "errorType": "Num"}]]}
        # #VALUE!: a 400 whose text custom-functions-code.js throws as CustomFunctions.Error (hover message)
        response = client.post("/xlwings/custom-functions-call", json=body("ACV", [[["abc"]], None, None]))
        assert response.status_code == 400
        assert response.text.startswith("ACV: total_contract_value") and "Traceback" not in response.text


if INNER:
    TestServer = ServerTests
