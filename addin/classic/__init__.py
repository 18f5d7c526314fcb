"""Classic xlwings (Windows Excel with a local Python): configuration and installation.

The xlwings Excel add-in reads its settings from ``xlwings.conf`` files: a sheet named ``xlwings.conf`` in
the workbook, then an ``xlwings.conf`` file beside the workbook, then the user file
(``%USERPROFILE%\\.xlwings\\xlwings.conf``; ``~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf`` on
macOS). Each line is ``"KEY","value"``. This project needs three keys:

* ``UDF MODULES`` = ``udfs.excel``: the module *Import Functions* turns into VBA wrappers
  (``xlwings.conf`` beside this file holds exactly that line);
* ``INTERPRETER_WIN``: the Python that has this project and xlwings installed;
* ``PYTHONPATH``: the project directory, so that ``udfs`` imports even without ``pip install``.

:func:`install` runs ``xlwings addin install`` (which copies the add-in into Excel's XLSTART folder and
writes a first user config) and then merges these keys into the user config, keeping the other settings.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

#: The shipped configuration: a valid ``xlwings.conf`` on its own (copy it beside a workbook).
CONF_TEMPLATE = Path(__file__).with_name("xlwings.conf")
#: The directory that holds the ``udfs`` package.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
UDF_MODULE = "udfs.excel"


def user_conf_path() -> Path:
    """Where the xlwings add-in reads the user configuration on this OS (as ``xlwings.USER_CONFIG_FILE``)."""
    if sys.platform.startswith("darwin"):
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return Path.home() / ".xlwings" / "xlwings.conf"


def parse_conf(text: str) -> dict[str, str]:
    """``{"KEY": "value"}`` from the lines of an ``xlwings.conf`` (keys upper-cased, as the add-in wants)."""
    settings = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith('"') or '","' not in line:
            continue
        key, _, value = line[1:].partition('","')
        settings[key.upper()] = value[:-1] if value.endswith('"') else value
    return settings


def format_conf(settings: dict[str, str]) -> str:
    """The ``xlwings.conf`` text of ``settings``."""
    return "".join(f'"{key}","{value}"\n' for key, value in settings.items())


def conf_settings(interpreter: str | None = None, pythonpath: str | None = None) -> dict[str, str]:
    """The settings this project needs: the shipped template plus the interpreter and project path."""
    settings = parse_conf(CONF_TEMPLATE.read_text(encoding="utf-8"))
    interpreter = interpreter or default_interpreter()
    settings["INTERPRETER_MAC" if sys.platform.startswith("darwin") else "INTERPRETER_WIN"] = interpreter
    settings["PYTHONPATH"] = pythonpath if pythonpath is not None else str(PROJECT_ROOT)
    return settings


def default_interpreter() -> str:
    """This Python, as ``pythonw.exe`` on Windows when there is one (no console window flashes up)."""
    executable = Path(sys.executable)
    windowless = executable.with_name("pythonw.exe")
    return str(windowless if sys.platform.startswith("win") and windowless.exists() else executable)


def merge_conf(existing: str, updates: dict[str, str]) -> str:
    """``existing`` config text with ``updates`` set; every other setting is kept as it was."""
    settings = parse_conf(existing)
    settings.update(updates)
    return format_conf(settings)


def write_conf(path: Path, updates: dict[str, str]) -> Path:
    """Merge ``updates`` into the config file at ``path`` (created with its folder if missing)."""
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(merge_conf(existing, updates), encoding="utf-8")
    return path


def addin_install_command() -> list[str]:
    """``xlwings addin install``, run with this Python so that the matching xlwings is used."""
    return [sys.executable, "-m", "xlwings.cli", "addin", "install"]


def install(
    conf_path: Path | None = None,
    interpreter: str | None = None,
    pythonpath: str | None = None,
    skip_addin: bool = False,
    run: Callable[[Sequence[str]], int] | None = None,
) -> tuple[Path, dict[str, str]]:
    """Install the xlwings add-in (unless ``skip_addin``) and point its user config at ``udfs.excel``.

    Returns the config file written and the settings merged into it. ``run`` executes a command and
    returns its exit code (default: :func:`subprocess.call`); a failure raises ``RuntimeError``.
    """
    if not skip_addin:
        code = (run or subprocess.call)(addin_install_command())
        if code != 0:
            raise RuntimeError(f"'xlwings addin install' failed with exit code {code}")
    settings = conf_settings(interpreter, pythonpath)
    return write_conf(conf_path or user_conf_path(), settings), settings
