"""Recalculate .xlsx workbooks in headless LibreOffice with the KPI bridge, and read the results back.

    from addin.libreoffice.calc import formula_values, recalculate
    out = recalculate("deals.xlsx", tmp_path)      # a recalculated copy, tmp_path / "deals.xlsx"
    formula_values(out)["Sheet1"]["B2"]          # 120000.0, or CellError("#DIV/0!")

One LibreOffice process serves every call (starting it takes about a second and a half): it runs with a
private profile in a temporary folder where the bridge is installed, listens on a named pipe, and is
driven by ``uno_worker.py`` under LibreOffice's own Python, the one that can ``import uno``. Each workbook
is loaded hidden, hard-recalculated (``calculateAll``; ``soffice --convert-to`` keeps the cached values of
an .xlsx instead) and stored as a copy. The process is closed at interpreter exit, or by
:func:`shutdown` or ``with LibreOffice() as office``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent.parent  # addin/libreoffice -> the project
WORKER = HERE / "uno_worker.py"
FILTERS = {"xlsx": "Calc MS Excel 2007 XML", "ods": "calc8", "pdf": "calc_pdf_Export"}
#: Pythons that may have the ``uno`` module: $LIBREOFFICE_PYTHON, Debian's, the one bundled on Windows/macOS.
PYTHON_CANDIDATES = (
    "/usr/bin/python3",
    "/usr/lib/libreoffice/program/python",
    "/Applications/LibreOffice.app/Contents/Resources/python",
    r"C:\Program Files\LibreOffice\program\python.exe",
)


class CellError(str):
    """An error value computed in a cell, e.g. ``CellError("#DIV/0!")``; equal to its text."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"CellError({str(self)!r})"


class LibreOfficeError(RuntimeError):
    """LibreOffice could not be started, or failed on a workbook."""


def soffice_path() -> str | None:
    """The LibreOffice executable ($SOFFICE, or soffice/libreoffice on PATH), or None if not installed."""
    return os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def uno_python() -> str:
    """A Python that can ``import uno`` (LibreOffice's own)."""
    candidates = [os.environ.get("LIBREOFFICE_PYTHON", ""), *PYTHON_CANDIDATES]
    for candidate in filter(None, candidates):
        if Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True, check=False)
            if probe.returncode == 0:
                return candidate
    raise LibreOfficeError("no Python with the uno module: install python3-uno or set LIBREOFFICE_PYTHON")


class LibreOffice:
    """One headless LibreOffice with the KPI bridge in a private profile, serving recalculations."""

    def __init__(
        self, profile_dir: str | Path | None = None, *, startup_timeout: float = 60.0, request_timeout: float = 600.0
    ) -> None:
        self._own_profile = profile_dir is None
        self.profile_dir = Path(profile_dir or tempfile.mkdtemp(prefix="gtm-kpi-lo-"))
        self.startup_timeout = startup_timeout
        self.request_timeout = request_timeout
        self.startup_seconds: float | None = None
        self.last_timing: dict[str, float] = {}
        self.last_reparsed = 0  # #NAME? formulas set again after loading (Basic not found at import)
        self._soffice: subprocess.Popen[bytes] | None = None
        self._worker: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> LibreOffice:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.poll() is None

    def start(self) -> None:
        """Install the bridge into the profile, start soffice and the UNO worker (no-op when running)."""
        if self.running:
            return
        soffice = soffice_path()
        if soffice is None:
            raise LibreOfficeError("LibreOffice is not installed (no soffice on PATH)")
        started = time.monotonic()
        install_bridge(self.profile_dir)
        pipe = f"gtm_kpi_{uuid.uuid4().hex[:12]}"
        self._soffice = subprocess.Popen(
            [
                soffice,
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                f"-env:UserInstallation={self.profile_dir.resolve().as_uri()}",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=None,  # the bridge's Python tracebacks go here
            # soffice is a launcher whose child is soffice.bin: a process group lets _stop end both
            start_new_session=sys.platform != "win32",
        )
        self._worker = subprocess.Popen(
            [uno_python(), str(WORKER), pipe, str(self.startup_timeout)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._read_answer()
        self.startup_seconds = time.monotonic() - started

    def recalculate(self, xlsx_path: str | Path, out_dir: str | Path, fmt: str = "xlsx") -> Path:
        """Load ``xlsx_path``, hard-recalculate, save ``out_dir/<stem>.<fmt>``; return that path."""
        return self.recalculate_with_values(xlsx_path, out_dir, fmt)[0]

    def recalculate_with_values(
        self, xlsx_path: str | Path, out_dir: str | Path, fmt: str = "xlsx"
    ) -> tuple[Path, dict[str, dict[str, Any]]]:
        """:meth:`recalculate`, plus every formula cell's value as Calc holds it (no file round trip)."""
        source = Path(xlsx_path).resolve()
        target = Path(out_dir).resolve() / f"{source.stem}.{fmt}"
        if target == source:
            raise ValueError(f"{target} would overwrite the workbook; pick another out_dir")
        target.parent.mkdir(parents=True, exist_ok=True)
        answer = self._request({"op": "recalc", "src": str(source), "dst": str(target), "filter": FILTERS[fmt]})
        values = {
            sheet: {cell: _decoded(value) for cell, value in cells.items()} for sheet, cells in answer["values"].items()
        }
        self.last_timing = answer["seconds"]
        self.last_reparsed = answer["reparsed"]
        return target, values

    def builtin_functions(self) -> set[str]:
        """Names of Calc's built-in functions (a catalogue name among them never reaches Basic)."""
        return {name.upper() for name in self._request({"op": "functions"})["names"]}

    def close(self) -> None:
        """Close LibreOffice and the worker; remove the private profile if this object made it."""
        with self._lock:
            self._stop()
        if self._own_profile:
            shutil.rmtree(self.profile_dir, ignore_errors=True)

    def _stop(self) -> None:
        worker, soffice = self._worker, self._soffice
        self._worker = self._soffice = None
        if worker is not None and worker.poll() is None and worker.stdin is not None:
            try:
                worker.stdin.write(json.dumps({"op": "quit"}) + "\n")
                worker.stdin.flush()
                worker.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                worker.kill()
        for process in (soffice, worker):
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if soffice is not None and sys.platform != "win32":
            with contextlib.suppress(ProcessLookupError):  # soffice.bin left behind by a killed launcher
                os.killpg(soffice.pid, signal.SIGKILL)

    def _request(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if not self.running:
                self.start()
            assert self._worker is not None and self._worker.stdin is not None
            self._worker.stdin.write(json.dumps(request) + "\n")
            self._worker.stdin.flush()
            return self._read_answer()

    def _read_answer(self) -> dict[str, Any]:
        """The worker's next answer; on a dead or hung LibreOffice, stop both so the next call restarts."""
        assert self._worker is not None and self._worker.stdout is not None
        stdout = self._worker.stdout
        if sys.platform != "win32" and not select.select([stdout], [], [], self.request_timeout)[0]:
            self._stop()
            raise LibreOfficeError(f"LibreOffice did not answer within {self.request_timeout:.0f} s")
        line = stdout.readline()
        if not line:
            code = self._worker.wait()
            self._stop()
            raise LibreOfficeError(f"the UNO worker ended (exit code {code}); LibreOffice's stderr says why")
        answer = json.loads(line)
        if not answer.get("ok"):
            if self._soffice is not None and self._soffice.poll() is not None:
                self._stop()  # LibreOffice crashed on this workbook
            raise LibreOfficeError(answer.get("error", "unknown error"))
        return answer


def install_bridge(profile_dir: Path) -> Any:
    """Install the bridge (``addin/libreoffice/bridge.py``) into a profile, using this repository's udfs."""
    sys.path.insert(0, str(PROJECT_ROOT))
    try:
        from addin.libreoffice import bridge
    finally:
        sys.path.remove(str(PROJECT_ROOT))
    return bridge.install(profile_dir, project_root=PROJECT_ROOT)


def _decoded(value: Any) -> Any:
    if isinstance(value, dict) and "error" in value:
        return CellError(value["error"])
    return value


# ------------------------------------------------------------------------------------- shared session

_shared: LibreOffice | None = None


def session() -> LibreOffice:
    """The process-wide LibreOffice, started on first use and closed at exit."""
    global _shared
    if _shared is None:
        _shared = LibreOffice()
        atexit.register(shutdown)
    _shared.start()
    return _shared


def shutdown() -> None:
    """Close the shared LibreOffice, if one was started."""
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None


def recalculate(xlsx_path: str | Path, out_dir: str | Path, fmt: str = "xlsx") -> Path:
    """Recalculate a workbook in the shared headless LibreOffice; return the saved copy (xlsx or ods)."""
    return session().recalculate(xlsx_path, out_dir, fmt)


def formula_values(recalculated: str | Path) -> dict[str, dict[str, Any]]:
    """Every formula cell's computed value, per sheet: ``{"Sheet1": {"B2": 120000.0}}``.

    Reads a copy saved by :func:`recalculate`: an .xlsx with openpyxl (formulas, then cached values), an
    .ods with python-calamine for values and LibreOffice's formula attributes. Error values come back as
    :class:`CellError`.
    """
    path = Path(recalculated)
    if path.suffix.lower() == ".ods":
        return _ods_formula_values(path)
    import openpyxl

    formulas = openpyxl.load_workbook(path, data_only=False)
    values = openpyxl.load_workbook(path, data_only=True)
    result: dict[str, dict[str, Any]] = {}
    for sheet in formulas.worksheets:
        cached = values[sheet.title]
        cells: dict[str, Any] = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    value = cached[cell.coordinate]
                    cells[cell.coordinate] = CellError(value.value) if value.data_type == "e" else value.value
        result[sheet.title] = cells
    return result


_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}


def _ods_formula_values(path: Path) -> dict[str, dict[str, Any]]:
    """Formula cells of an .ods, from its content.xml (ODF keeps the computed value beside the formula)."""
    import datetime as dt
    import zipfile
    from xml.etree import ElementTree

    def attribute(element: ElementTree.Element, prefix: str, name: str, default: str | None = None) -> str | None:
        return element.get(f"{{{_ODS[prefix]}}}{name}", default)

    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    cell_tags = {f"{{{_ODS['table']}}}table-cell", f"{{{_ODS['table']}}}covered-table-cell"}
    result: dict[str, dict[str, Any]] = {}
    for sheet in root.iter(f"{{{_ODS['table']}}}table"):
        cells: dict[str, Any] = {}
        row_index = 0
        for row in sheet.iter(f"{{{_ODS['table']}}}table-row"):
            column = 0
            for cell in row:
                if cell.tag not in cell_tags:
                    continue
                if attribute(cell, "table", "formula") is not None:
                    shown = "".join(cell.itertext())
                    kind = attribute(cell, "calcext", "value-type") or attribute(cell, "office", "value-type")
                    value: Any
                    if kind == "error":
                        value = CellError(shown)
                    elif kind in ("float", "percentage", "currency"):
                        value = float(attribute(cell, "office", "value", "nan") or "nan")
                    elif kind == "date":
                        value = dt.datetime.fromisoformat(attribute(cell, "office", "date-value", "") or "")
                    elif kind == "boolean":
                        value = attribute(cell, "office", "boolean-value") == "true"
                    else:
                        value = attribute(cell, "office", "string-value", shown)
                    cells[f"{_column_letters(column)}{row_index + 1}"] = value
                column += int(attribute(cell, "table", "number-columns-repeated", "1") or "1")
            row_index += int(attribute(row, "table", "number-rows-repeated", "1") or "1")
        result[attribute(sheet, "table", "name", "") or ""] = cells
    return result


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
