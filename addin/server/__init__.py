"""xlwings Server for the KPI add-in: this directory is the xlwings Server project directory.

It holds the ``custom_functions`` package (every catalogue function, namespace ``KPI``), an empty
``custom_scripts`` package, the settings (``pyproject.toml``, table ``[tool.xlwings_server]``) and
``certs/`` for the localhost certificate Office.js add-ins need (``mkcert localhost 127.0.0.1 ::1``).

:func:`run` starts it on localhost with uvicorn, as ``kpi addin server`` does. xlwings Server is part of
xlwings PRO: free for non-commercial use (licence key ``noncommercial``); commercial use needs a paid
xlwings licence. xlwings Lite, by contrast, is free for any use.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent
#: The directory holding the ``udfs`` package (the repository root).
ROOT = PROJECT_DIR.parents[1]
CERT_FILES = ("localhost+2-key.pem", "localhost+2.pem")  # the names `mkcert localhost 127.0.0.1 ::1` writes


def ssl_files() -> tuple[str, str] | None:
    """The (key, certificate) pair in ``certs/``, or None when there is none yet."""
    key, cert = (PROJECT_DIR / "certs" / name for name in CERT_FILES)
    return (str(key), str(cert)) if key.exists() and cert.exists() else None


def prepare_environment(license_key: str | None = None, environ: dict[str, str] | None = None) -> dict[str, str]:
    """Point xlwings Server at this project and make ``udfs`` importable (in ``environ``, default: this
    process, where it must happen before xlwings is first imported); returns the environment."""
    env = os.environ if environ is None else environ
    env["XLWINGS_PROJECT_DIR"] = str(PROJECT_DIR)
    env["XLWINGS_ON_SERVER"] = "true"
    if license_key:
        env["XLWINGS_LICENSE_KEY"] = license_key
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    if environ is None:
        for path in (str(ROOT), str(PROJECT_DIR)):
            if path not in sys.path:
                sys.path.insert(0, path)
    return env


def command(host: str = "127.0.0.1", port: int = 8000) -> list[str]:
    """The uvicorn command line that serves the add-in, over HTTPS when ``certs/`` has a pair."""
    args = [sys.executable, "-m", "uvicorn", "xlwings_server.main:main_app", "--host", host, "--port", str(port)]
    pair = ssl_files()
    if pair:
        args += ["--ssl-keyfile", pair[0], "--ssl-certfile", pair[1]]
    return args


def run(host: str = "127.0.0.1", port: int = 8000, license_key: str | None = None) -> int:
    """Serve the add-in (manifest, custom functions) on ``host:port`` until interrupted; returns the exit code.

    uvicorn runs in a fresh interpreter: xlwings binds its runtime when first imported, so a process that
    already imported it in another mode could not serve Office.js functions.
    """
    env = prepare_environment(license_key, dict(os.environ))
    try:
        return subprocess.call(command(host, port), env=env, cwd=PROJECT_DIR)
    except KeyboardInterrupt:
        return 0
