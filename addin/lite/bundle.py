"""Generate the xlwings Lite bundle: one ``main.py`` that carries the ``udfs`` package, and its requirements.

xlwings Lite runs a single ``main.py`` (plus the packages of its ``requirements.txt``, installed from PyPI or
Pyodide's own repository) inside Excel. This project is not on PyPI, so ``main.py`` embeds the sources of
``udfs`` as a base64 zip and imports them from memory (see ``main_template.py``); then it registers every
catalogue function with Lite's ``func``/``arg`` decorators through :mod:`udfs.excel`.

``requirements.txt`` lists the third-party imports of ``udfs`` (today: numpy). xlwings itself is not listed:
xlwings Lite provides it (keep the xlwings line Lite puts in its requirements tab).
"""

from __future__ import annotations

import ast
import base64
import io
import sys
import textwrap
import zipfile
from pathlib import Path

import udfs

PACKAGE_DIR = Path(udfs.__file__).resolve().parent
TEMPLATE = Path(__file__).with_name("main_template.py")
#: Imports that are not requirements: the package itself and what Excel's Python already has.
PROVIDED = frozenset({"udfs", "xlwings", "pyodide", "js"})
#: Import name → PyPI/Pyodide distribution name, where they differ.
DISTRIBUTIONS = {"yaml": "pyyaml", "dateutil": "python-dateutil", "sklearn": "scikit-learn"}


def package_sources(package_dir: Path = PACKAGE_DIR) -> dict[str, str]:
    """``{"udfs/registry.py": source, ...}``: every module of the package, in a stable order."""
    root = package_dir.parent
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(package_dir.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def requirements(sources: dict[str, str]) -> list[str]:
    """Third-party distributions the sources import, at any level (an import guarded by
    ``except ImportError`` is optional and not listed; standard library and :data:`PROVIDED` excluded)."""
    names = set()
    for source in sources.values():
        tree = ast.parse(source)
        optional = {id(node) for guard in ast.walk(tree) if _catches_import_error(guard) for node in ast.walk(guard)}
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    third_party = names - set(sys.stdlib_module_names) - PROVIDED
    return sorted(DISTRIBUTIONS.get(name, name) for name in third_party)


def _catches_import_error(node: ast.AST) -> bool:
    if not isinstance(node, ast.Try):
        return False
    caught = set()
    for handler in node.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        caught.update(kind.id for kind in kinds if isinstance(kind, ast.Name))
    return bool(caught & {"ImportError", "ModuleNotFoundError"})


def _archive(sources: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for name, source in sources.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))  # reproducible bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, source)
    return buffer.getvalue()


def build_main(sources: dict[str, str] | None = None, version: str = "") -> str:
    """The text of ``main.py``: the template with the package embedded as wrapped base64 lines."""
    sources = package_sources() if sources is None else sources
    encoded = base64.b64encode(_archive(sources)).decode("ascii")
    lines = textwrap.wrap(encoded, 100)
    literal = "(\n" + "".join(f'    "{line}"\n' for line in lines) + ")"
    text = TEMPLATE.read_text(encoding="utf-8")
    text = text.replace('BUNDLE = "__BUNDLE__"', f"BUNDLE = {literal}", 1)
    return text.replace("__VERSION__", version or _version(), 1)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("gtm-kpi-addin")
    except Exception:  # running from a checkout that is not installed
        return "dev"


def write_bundle(out_dir: Path) -> tuple[Path, Path]:
    """Write ``main.py`` and ``requirements.txt`` for xlwings Lite into ``out_dir``; return both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = package_sources()
    main = out_dir / "main.py"
    main.write_text(build_main(sources), encoding="utf-8")
    reqs = out_dir / "requirements.txt"
    header = (
        "# KPI functions for xlwings Lite: add these lines to the requirements.txt tab of the Lite editor.\n"
        "# Keep the xlwings line that xlwings Lite put there: Lite provides xlwings itself.\n"
    )
    reqs.write_text(header + "".join(f"{name}\n" for name in requirements(sources)), encoding="utf-8")
    return main, reqs
