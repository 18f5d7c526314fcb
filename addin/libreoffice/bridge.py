"""Bridge the KPI catalogue into LibreOffice Calc: cells call ``=ACV(380000;20000;3)`` like in Excel.

How it works (see README.md beside this file for what was verified and why):

* Calc resolves an unknown function name in a formula (also one read from .xlsx) to a Basic *Function*
  of the same name, case-insensitively, in the *Standard* library of the user profile (or of the
  document). :func:`basic_module` generates one Basic wrapper per catalogue entry.
* Each wrapper forwards to ``kpi_call`` in a Python script of the user profile through the script
  provider (``vnd.sun.star.script:...?language=Python&location=user``); :func:`python_script` generates
  that script from ``dispatcher.py``, which calls the catalogue and turns ``KPIError`` into a Calc error.
* :func:`install` writes both into a LibreOffice user profile. Run it while LibreOffice is closed.

Command line: ``python addin/libreoffice/bridge.py [--profile DIR]`` with the virtual environment's
Python (its site-packages is the default one put on LibreOffice's ``sys.path``).

No LibreOffice module is imported here: this runs under any Python.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent.parent
DISPATCHER = HERE / "dispatcher.py"

LIBRARY = "Standard"  # the only user library Calc searches without it being loaded first
MODULE = "GtmKpiBridge"
SCRIPT_FILE = "gtm_kpi_bridge.py"
SCRIPT_FUNCTION = "kpi_call"
OMITTED = "<<omitted>>"  # must match dispatcher.OMITTED

_BASIC_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_CELL_REFERENCE = re.compile(r"^([A-Za-z]{1,3})([0-9]+)$")
_XML_ENTITIES = {'"': "&quot;", "'": "&apos;"}
_XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
_DOCTYPE = '<!DOCTYPE {root} PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "{dtd}">\n'
_LIBRARY_NS = 'xmlns:library="http://openoffice.org/2000/library"'


@dataclass(frozen=True)
class Signature:
    """What the Basic wrapper of one catalogue entry needs: its name, fixed arguments, and criteria."""

    name: str
    params: tuple[str, ...]
    varargs: str | None


@dataclass
class InstallReport:
    """What :func:`install` wrote, and the catalogue names it could not expose."""

    profile_dir: Path
    basic_module: Path
    python_script: Path
    functions: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------- entries


def signature_of(entry: Any) -> Signature:
    """Name, fixed parameter names and the varargs name of a catalogue entry.

    Accepts ``udfs.Metric`` (``params`` of ``Param`` objects, ``criteria`` flag) as well as simpler
    entries (``params`` as names, a trailing ``*criteria`` or a ``varargs`` flag); falls back to the
    signature of ``entry.func``.
    """
    listed = [p if isinstance(p, str) else p.name for p in getattr(entry, "params", ()) or ()]
    names = [n for n in listed if not n.startswith("*")]
    starred = [n.lstrip("*") for n in listed if n.startswith("*")]
    varargs = getattr(entry, "varargs", getattr(entry, "criteria", None))
    declared = _python_parameters(getattr(entry, "func", None))
    if declared is not None:
        fixed, star_name = declared
        names = names or fixed
        if star_name is not None:
            starred = starred or [star_name]
            varargs = True if varargs is None else varargs
            if names and names[-1] == star_name:
                names = names[:-1]  # entries that list the varargs name among the params
    vararg_name = (starred[0] if starred else "criteria") if varargs or (varargs is None and starred) else None
    return Signature(entry.name, tuple(names), vararg_name)


def _python_parameters(func: Any) -> tuple[list[str], str | None] | None:
    if func is None:
        return None
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return None
    fixed = [p.name for p in parameters if p.kind is not inspect.Parameter.VAR_POSITIONAL]
    star = [p.name for p in parameters if p.kind is inspect.Parameter.VAR_POSITIONAL]
    return fixed, (star[0] if star else None)


def unsupported_reason(name: str) -> str | None:
    """Why a catalogue name cannot become a Basic function called from a cell, or None."""
    if not _BASIC_NAME.match(name):
        return "not a Basic identifier (letters, digits and _ only, starting with a letter)"
    reference = _CELL_REFERENCE.match(name)
    if reference and _column_number(reference.group(1)) <= 16384 and int(reference.group(2)) <= 1048576:
        return "reads as a cell reference in Calc and Excel"
    return None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


# ------------------------------------------------------------------------------------------------ Basic


def script_uri(location: str = "user", script_file: str = SCRIPT_FILE) -> str:
    """The script provider URI of the dispatcher (``location`` is ``user`` or ``share``)."""
    return f"vnd.sun.star.script:{script_file}${SCRIPT_FUNCTION}?language=Python&location={location}"


def basic_module(entries: Iterable[Any], *, location: str = "user", script_file: str = SCRIPT_FILE) -> str:
    """Basic source with one ``Function`` per catalogue entry, forwarding to the Python dispatcher.

    Every argument is ``Optional`` (Calc calls with however many the cell gives; a left-out one is sent
    as ``OMITTED`` so Python applies its default) and criteria pairs are a ``ParamArray``, which needs
    ``Option Compatible``. Names that cannot be Basic functions are left out with a comment.
    """
    lines = [
        "REM Generated by addin/libreoffice/bridge.py from udfs.catalog(): do not edit, run install() again.",
        "Option Explicit",
        "Option Compatible",
        "",
        f'Private Const KPI_SCRIPT_URI As String = "{script_uri(location, script_file)}"',
        f'Private Const KPI_OMITTED As String = "{OMITTED}"',
        "Private oKpiScript As Object",
        "",
        "Private Function KpiArg(Optional vValue As Variant) As Variant",
        "    If IsMissing(vValue) Then",
        "        KpiArg = KPI_OMITTED",
        "    Else",
        "        KpiArg = vValue",
        "    End If",
        "End Function",
        "",
        "REM Python turns every KPI failure into a Calc error value; this handler only runs when the",
        "REM Python script itself cannot be reached, and shows why as text (Basic cannot return an error).",
        "Private Function KpiCall(sName As String, aArgs As Variant, aRest As Variant) As Variant",
        "    On Error GoTo Failed",
        "    Dim aOutIndex(), aOut(), vResult As Variant",
        "    If IsNull(oKpiScript) Then",
        "        Dim oFactory As Object",
        '        oFactory = createUnoService("com.sun.star.script.provider.MasterScriptProviderFactory")',
        '        oKpiScript = oFactory.createScriptProvider("").getScript(KPI_SCRIPT_URI)',
        "    End If",
        "    vResult = oKpiScript.invoke(Array(sName, aArgs, aRest), aOutIndex, aOut)",
        "    If IsArray(vResult) Then vResult = KpiTable(vResult)",
        "    KpiCall = vResult",
        "    Exit Function",
        "Failed:",
        "    oKpiScript = Nothing",
        '    KpiCall = "#NAME? KPI bridge unreachable: " & Left(Join(Split(Error$, Chr(10)), " "), 300)',
        "End Function",
        "",
        "REM Python sends a table as rows of cells; Calc makes a matrix only of a two-dimensional array.",
        "Private Function KpiTable(aRows As Variant) As Variant",
        "    Dim nRows As Long, nColumns As Long, i As Long, j As Long, aRow As Variant",
        "    nRows = UBound(aRows) - LBound(aRows) + 1",
        "    nColumns = UBound(aRows(LBound(aRows))) - LBound(aRows(LBound(aRows))) + 1",
        "    Dim aTable()",
        "    ReDim aTable(1 To nRows, 1 To nColumns)",
        "    For i = 1 To nRows",
        "        aRow = aRows(LBound(aRows) + i - 1)",
        "        For j = 1 To nColumns",
        "            aTable(i, j) = aRow(LBound(aRow) + j - 1)",
        "        Next j",
        "    Next i",
        "    KpiTable = aTable",
        "End Function",
    ]
    for entry in entries:
        signature = signature_of(entry)
        reason = unsupported_reason(signature.name)
        if reason is None:
            lines += ["", *_basic_function(signature)]
        else:
            lines += ["", f"REM {signature.name} left out: {reason}"]
    return "\n".join(lines) + "\n"


def _basic_function(signature: Signature) -> list[str]:
    name = signature.name
    params = [f"Optional p_{param}" for param in signature.params]
    forwarded = f"Array({', '.join(f'KpiArg(p_{param})' for param in signature.params)})"
    if not signature.varargs:
        return [
            f"Function {name}({', '.join(params)})",
            f'    {name} = KpiCall("{name}", {forwarded}, Array())',
            "End Function",
        ]
    params.append(f"ParamArray p_{signature.varargs}()")
    call = f'KpiCall("{name}", {forwarded}, p_{signature.varargs})'
    if not signature.params:
        return [f"Function {name}({', '.join(params)})", f"    {name} = {call}", "End Function"]
    # Touching a ParamArray (even IsMissing) raises error 449 when an Optional before it is missing; the
    # last fixed argument missing means no criteria were given, since Calc passes arguments in order.
    return [
        f"Function {name}({', '.join(params)})",
        f"    If IsMissing(p_{signature.params[-1]}) Then",
        f'        {name} = KpiCall("{name}", {forwarded}, Array())',
        "    Else",
        f"        {name} = {call}",
        "    End If",
        "End Function",
    ]


def module_xml(name: str, source: str) -> str:
    """A Basic module as LibreOffice stores it (``<name>.xba``)."""
    return (
        _XML_HEADER
        + _DOCTYPE.format(root="script:module", dtd="module.dtd")
        + '<script:module xmlns:script="http://openoffice.org/2000/script" '
        + f'script:name={quoteattr(name)} script:language="StarBasic">'
        + escape(source, _XML_ENTITIES)
        + "</script:module>\n"
    )


# ----------------------------------------------------------------------------------------------- Python


def python_script(
    project_root: str | Path = PROJECT_ROOT,
    site_packages: Sequence[str | Path] = (),
    *,
    udf_module: str = "udfs",
    venv_python: tuple[int, int] | None = None,
) -> str:
    """The dispatcher script for ``user/Scripts/python/``: ``dispatcher.py`` plus the paths to use."""
    paths = [str(Path(project_root).resolve()), *(str(Path(p).resolve()) for p in site_packages)]
    python = tuple(venv_python) if venv_python else None
    return (
        DISPATCHER.read_text(encoding="utf-8")
        + "\n\n# Written by addin/libreoffice/bridge.py install().\n"
        + f"SYS_PATHS = {paths!r}\n"
        + f"UDF_MODULE = {udf_module!r}\n"
        + f"VENV_PYTHON = {python!r}\n"
    )


# ---------------------------------------------------------------------------------------------- install


def default_profile_dir() -> Path:
    """The LibreOffice user profile of this user (the folder holding ``user/``)."""
    if sys.platform == "win32":
        return Path(os.environ["APPDATA"]) / "LibreOffice" / "4"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "LibreOffice" / "4"
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "libreoffice" / "4"


def install(
    profile_dir: str | Path | None = None,
    venv_site_packages: str | Path | Sequence[str | Path] | None = None,
    project_root: str | Path | None = None,
    *,
    entries: Iterable[Any] | None = None,
    udf_module: str = "udfs",
) -> InstallReport:
    """Write the Basic module into the profile's Standard library and the dispatcher into its scripts.

    ``profile_dir`` is the folder that holds ``user/`` (default: this user's LibreOffice profile; a fresh
    folder works too, LibreOffice completes it on first start). ``venv_site_packages`` defaults to the
    site-packages of the running Python, ``project_root`` to this repository, ``entries`` to the catalogue
    of ``udf_module`` imported from ``project_root``. Idempotent; LibreOffice must not be running.
    """
    profile = Path(profile_dir) if profile_dir is not None else default_profile_dir()
    root = Path(project_root) if project_root is not None else PROJECT_ROOT
    if venv_site_packages is None:
        site_packages: list[str | Path] = [sysconfig.get_paths()["purelib"]]
    elif isinstance(venv_site_packages, str | Path):
        site_packages = [venv_site_packages]
    else:
        site_packages = list(venv_site_packages)
    if entries is None:
        entries = _catalog(root, udf_module)
    entries = list(entries)

    user = profile / "user"
    if not (user / "registrymodifications.xcu").exists():
        initialize_profile(profile)
    library = user / "basic" / LIBRARY
    _ensure_standard_library(user / "basic")
    module_path = library / f"{MODULE}.xba"
    module_path.write_text(module_xml(MODULE, basic_module(entries)), encoding="utf-8")
    _register_module(library / "script.xlb", MODULE)

    scripts = user / "Scripts" / "python"
    scripts.mkdir(parents=True, exist_ok=True)
    script_path = scripts / SCRIPT_FILE
    script_path.write_text(
        python_script(root, site_packages, udf_module=udf_module, venv_python=_python_of(site_packages)),
        encoding="utf-8",
    )
    report = InstallReport(profile, module_path, script_path)
    for entry in entries:
        name = signature_of(entry).name
        reason = unsupported_reason(name)
        if reason is None:
            report.functions.append(name)
        else:
            report.skipped[name] = reason
    return report


def initialize_profile(profile_dir: str | Path, soffice: str | None = None, timeout: float = 120) -> None:
    """Let LibreOffice create a profile before anything is written into it.

    On its first start with a profile LibreOffice copies its presets over ``user/basic``, which would drop
    the module from the Standard library's index; so a fresh profile is started once, headless, first.
    """
    executable = soffice or shutil.which("soffice") or shutil.which("libreoffice")
    if executable is None:
        raise FileNotFoundError(f"{profile_dir} is a new LibreOffice profile: start LibreOffice once, then install")
    subprocess.run(
        [
            executable,
            "--headless",
            "--norestore",
            "--terminate_after_init",
            f"-env:UserInstallation={Path(profile_dir).resolve().as_uri()}",
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        check=True,
    )


def _catalog(project_root: Path, udf_module: str) -> list[Any]:
    if str(project_root) not in sys.path:
        sys.path.insert(0, str(project_root))
    return list(importlib.import_module(udf_module).catalog())


def _python_of(site_packages: Sequence[str | Path]) -> tuple[int, int] | None:
    """(major, minor) from a ``lib/pythonX.Y/site-packages`` path, or None."""
    for path in site_packages:
        match = re.search(r"python(\d+)\.(\d+)", str(path))
        if match:
            return int(match.group(1)), int(match.group(2))
    return None


def _ensure_standard_library(basic: Path) -> None:
    """Create ``user/basic`` with an empty Standard library when the profile has none yet."""
    library = basic / LIBRARY
    library.mkdir(parents=True, exist_ok=True)
    for container in ("script.xlc", "dialog.xlc"):
        path = basic / container
        if not path.exists():
            path.write_text(
                _XML_HEADER
                + _DOCTYPE.format(root="library:libraries", dtd="libraries.dtd")
                + f'<library:libraries {_LIBRARY_NS} xmlns:xlink="http://www.w3.org/1999/xlink">\n'
                + f' <library:library library:name="{LIBRARY}" library:link="false"/>\n'
                + "</library:libraries>\n",
                encoding="utf-8",
            )
    for index in ("script.xlb", "dialog.xlb"):
        path = library / index
        if not path.exists():
            path.write_text(
                _XML_HEADER
                + _DOCTYPE.format(root="library:library", dtd="library.dtd")
                + f'<library:library {_LIBRARY_NS} library:name="{LIBRARY}" '
                + 'library:readonly="false" library:passwordprotected="false">\n'
                + "</library:library>\n",
                encoding="utf-8",
            )


def _register_module(script_xlb: Path, module: str) -> None:
    """Add ``<library:element library:name=module/>`` to the library index unless it is there."""
    text = script_xlb.read_text(encoding="utf-8")
    if re.search(rf'library:element\s+library:name="{re.escape(module)}"', text):
        return
    element = f' <library:element library:name="{module}"/>\n'
    if "</library:library>" in text:
        text = text.replace("</library:library>", element + "</library:library>", 1)
    else:  # a self-closed <library:library .../> of an empty library
        text = re.sub(r"<library:library([^>]*?)\s*/>", rf"<library:library\1>\n{element}</library:library>", text)
    script_xlb.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Install the KPI functions into LibreOffice Calc.")
    parser.add_argument("--profile", type=Path, help="LibreOffice profile folder (holding user/)")
    parser.add_argument("--site-packages", type=Path, action="append", help="site-packages to put on sys.path")
    parser.add_argument("--project-root", type=Path, help="folder holding the udfs package")
    options = parser.parse_args(argv)
    report = install(options.profile, options.site_packages, options.project_root)
    print(f"Installed {len(report.functions)} functions into {report.profile_dir}")
    print(f"  Basic:  {report.basic_module}\n  Python: {report.python_script}")
    for name, reason in report.skipped.items():
        print(f"  skipped {name}: {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
