"""Refreshing a workbook a person has edited (``kpi refresh``).

:func:`refresh` replaces the data-table rows of the workbook, keeping everything openpyxl keeps; it refuses,
naming them, when the workbook holds parts openpyxl would drop.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import time
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from .. import data_model
from ..formulas import ExcelError, WorkbookEvaluator
from ..messages import messages
from .cached_values import METADATA_CONTENT_TYPE, finish, read_dynamic_arrays, sheet_parts
from .sources import BadRow
from .write import formula_values, kpi_sheet_values, set_period, template_info, write_skipped_rows, write_table

#: Parts openpyxl does not keep, by what a person would call them.
_DROPPED_PARTS = (
    ("xl/vbaProject.bin", "VBA or xlwings code (xl/vbaProject.bin)"),
    ("customXml/", "custom XML parts (xlwings Lite keeps its Python code and settings there)"),
    ("xl/webextensions/", "Office add-in data (xl/webextensions)"),
    ("xl/richData/", "pictures in cells (xl/richData)"),
    ("xl/threadedComments/", "threaded comments"),
    ("xl/slicers/", "slicers"),
    ("xl/timelines/", "timelines"),
    ("xl/embeddings/", "embedded objects"),
    ("xl/ctrlProps/", "form controls"),
    ("xl/activeX/", "ActiveX controls"),
)
_SHAPES = re.compile(r"<(?:xdr:)?(?:sp|grpSp|cxnSp)\b")
_SPARKLINES = re.compile(r"sparklineGroups?\b")


class RefreshRefused(Exception):
    """The workbook holds what a refresh would lose; ``lost`` names it."""

    def __init__(self, path: Path, lost: Sequence[str]) -> None:
        self.path, self.lost = path, list(lost)
        super().__init__(
            f"{path} holds what openpyxl would drop: {'; '.join(self.lost)}. Use --force to refresh anyway."
        )


def dropped_features(source: str | Path | io.BytesIO) -> list[str]:
    """What in an .xlsx openpyxl would not write back: code, sparklines, shapes, in-cell images, ..."""
    found: list[str] = []
    with zipfile.ZipFile(source) as package:
        names = package.namelist()
        for prefix, label in _DROPPED_PARTS:
            if any(name == prefix or name.startswith(prefix) for name in names):
                found.append(label)
        for sheet, part in sheet_parts(package).items():
            if part in names:
                xml = package.read(part).decode("utf-8", errors="replace")
                if _SPARKLINES.search(xml):
                    found.append(f"sparklines on sheet {sheet!r}")
        for name in names:
            if name.startswith("xl/drawings/") and name.endswith(".xml") and "/_rels/" not in name:
                xml = package.read(name).decode("utf-8", errors="replace")
                if _SHAPES.search(xml):
                    found.append(f"shapes or text boxes ({name})")
    return found


def _dropped_extensions(caught: Iterable[warnings.WarningMessage], known: Sequence[str]) -> list[str]:
    """The features openpyxl said it drops while loading (conditional-format or validation extensions, ...)."""
    found = []
    for warning in caught:
        text = str(warning.message)
        if "will be removed" not in text and "not supported" not in text:
            continue
        if "Sparkline" in text and any("sparklines" in k for k in known):
            continue
        found.append(f"{text.rstrip('.')} (openpyxl)")
    return list(dict.fromkeys(found))


def _content_types(source: str | Path | io.BytesIO) -> dict[str, int]:
    """How many parts of each content type a package holds (extension defaults included)."""
    with zipfile.ZipFile(source) as package:
        xml = package.read("[Content_Types].xml").decode("utf-8")
        names = [n for n in package.namelist() if not n.endswith("/")]
    overrides = dict(re.findall(r'<Override[^>]*PartName="/?([^"]+)"[^>]*ContentType="([^"]+)"', xml))
    overrides.update(
        {a: b for b, a in re.findall(r'<Override[^>]*ContentType="([^"]+)"[^>]*PartName="/?([^"]+)"', xml)}
    )
    defaults = {e.lower(): t for e, t in re.findall(r'<Default[^>]*Extension="([^"]+)"[^>]*ContentType="([^"]+)"', xml)}
    counts: dict[str, int] = {}
    for name in names:
        kind = overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1].lower())
        if kind and not name.startswith("docProps/"):
            counts[kind] = counts.get(kind, 0) + 1
    return counts


#: Parts openpyxl rewrites in another form or that Excel rebuilds: not a loss.
_REWRITTEN = (
    "sharedStrings+xml",  # openpyxl writes text inline
    "calcChain+xml",  # Excel rebuilds its calculation order
    "relationships+xml",
    "extended-properties+xml",
    "core-properties+xml",
    "custom-properties+xml",
)
#: Parts openpyxl drops that only matter for printing: noted, not refused.
_NOTED = {"printerSettings": "printer settings (page setup for printing) are not kept"}


def lost_parts(
    original: str | Path | io.BytesIO, rewritten: str | Path | io.BytesIO, restored: Iterable[str] = ()
) -> tuple[list[str], list[str]]:
    """What openpyxl dropped when it rewrote the package: ``(lost, notes)``. ``lost`` names each content type
    with fewer parts than before (``restored`` types are put back afterwards); ``notes`` the harmless ones."""
    before, after = _content_types(original), _content_types(rewritten)
    lost, notes = [], []
    for kind, count in before.items():
        missing = count - after.get(kind, 0)
        if missing <= 0 or kind in restored or kind.endswith(_REWRITTEN):
            continue
        noted = next((text for key, text in _NOTED.items() if key in kind), None)
        if noted:
            notes.append(noted)
        else:
            lost.append(f"{missing} part(s) of type {kind.rsplit('/', 1)[-1]}")
    return lost, notes


@dataclass
class RefreshResult:
    path: Path
    backup: Path
    rows: dict[str, int]
    kpi_cells: int
    kpi_errors: int
    cached: int
    seconds: float
    notes: list[str] = field(default_factory=list)


def backup_path(path: Path, now: dt.datetime | None = None) -> Path:
    """``name.backup-YYYYmmdd-HHMMSS.xlsx`` beside ``path`` (``-2``, ``-3`` if taken)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.backup-{stamp}-{number}{path.suffix}")
        number += 1
    return candidate


def refresh(
    path: str | Path,
    data: Mapping[str, pd.DataFrame],
    *,
    period: tuple[dt.date, dt.date] | None = None,
    skipped: Sequence[BadRow] = (),
    force: bool = False,
) -> RefreshResult:
    """Replace the rows of the workbook's data tables that ``data`` has, keep everything else.

    The original is copied to :func:`backup_path` first; the new file replaces it atomically. Raises
    :class:`RefreshRefused` when the workbook holds parts openpyxl would drop (unless ``force``).
    """
    started = time.perf_counter()
    path = Path(path)
    original = path.read_bytes()
    dropped = dropped_features(io.BytesIO(original))
    with warnings.catch_warnings(record=True) as caught:  # openpyxl warns of each extension it drops
        warnings.simplefilter("always")
        workbook = openpyxl.load_workbook(io.BytesIO(original))
    dropped += _dropped_extensions(caught, dropped)
    if dropped and not force:
        raise RefreshRefused(path, dropped)
    dynamic = read_dynamic_arrays(io.BytesIO(original))
    present = {name for ws in workbook.worksheets for name in ws.tables}
    rows: dict[str, int] = {}
    notes = [f"{name}: the workbook has no such table; not used" for name in data if name not in present]
    for name, frame in data.items():
        if name in present and name in data_model.TABLES:
            rows[name] = write_table(workbook, name, frame)
    if period is not None:
        set_period(workbook, *period)
    if skipped:
        write_skipped_rows(workbook, skipped)
    values = formula_values(WorkbookEvaluator(workbook), workbook)
    saved = io.BytesIO()
    workbook.save(saved)
    restored = [METADATA_CONTENT_TYPE] if dynamic.metadata is not None else []
    lost, harmless = lost_parts(io.BytesIO(original), saved, restored)
    if lost and not force:
        raise RefreshRefused(path, lost)
    notes += harmless
    backup = backup_path(path)
    shutil.copy2(path, backup)
    report = finish(saved, path, values=values, dynamic=dynamic)
    kpi_values: list[Any] = []
    try:
        kpi_values = kpi_sheet_values(values, messages(template_info(workbook)["KpiLanguage"])["sheet.kpis"])
    except (ValueError, KeyError):
        notes.append("not a KPI template workbook: no KPI sheet to summarise")
    return RefreshResult(
        path=path,
        backup=backup,
        rows=rows,
        kpi_cells=sum(isinstance(v, float) for v in kpi_values),
        kpi_errors=sum(isinstance(v, ExcelError) for v in kpi_values),
        cached=report.cached,
        seconds=time.perf_counter() - started,
        notes=notes,
    )


__all__ = ["RefreshRefused", "RefreshResult", "backup_path", "dropped_features", "lost_parts", "refresh"]
