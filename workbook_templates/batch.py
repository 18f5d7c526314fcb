"""Batch fill and refresh: the jobs behind ``kpi fill``, ``kpi demo`` and ``kpi refresh``.

A fill is a list of :class:`Job` (one output workbook each: a team, optionally one value of a split), run in
this process or spread over processes (:func:`run`). Each output is written to ``<name>.partial`` beside it
and renamed into place when complete, so an output either exists whole or not at all. An output that
already exists and is complete is kept (run again after an interruption and only what is missing is
done); ``force`` overwrites it. Leftover ``.partial`` files of an interrupted run are replaced.

``--split owner|team|region`` makes one workbook per value: each holds only that value's rows of the tables
that have the split's column (:data:`SPLIT_COLUMNS`), the tables keyed by customer follow the customers
kept, other tables are copied whole. File names are made safe (:func:`safe_names`).

:func:`refresh` replaces the data-table rows of a workbook a person has edited, keeping everything
openpyxl keeps; it refuses, naming them, when the workbook holds parts openpyxl would drop.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import io
import os
import re
import shutil
import time
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from . import builder, data_model
from .cached_values import METADATA_CONTENT_TYPE, finish, partial_path, read_dynamic_arrays, sheet_parts
from .fill import (
    FillResult,
    fill_file,
    formula_values,
    kpi_sheet_values,
    set_period,
    template_info,
    write_skipped_rows,
    write_table,
)
from .formulas import ExcelError, WorkbookEvaluator
from .messages import messages
from .sources import BadRow
from .spec import TEAM_ORDER, TeamSpec, load

SPLITS = ("owner", "team", "region")

#: For each split, the column of each table that holds the split's value; other tables are kept whole
#: (those keyed by Customer follow the Customers kept, see CUSTOMER_TABLES).
SPLIT_COLUMNS: dict[str, dict[str, str]] = {
    "owner": {
        "Reps": "Rep",
        "Deals": "Owner",
        "Leads": "Owner",
        "Activities": "Owner",
        "Targets": "Owner",
        "Forecasts": "Owner",
        "Customers": "CSM",
        "Subscriptions": "CSM",
        "Tickets": "Agent",
        "Training": "Rep",
        "Coaching": "Rep",
        "Surveys": "Rep",
    },
    "team": {"Reps": "Team", "Deals": "Team", "Activities": "Team"},
    "region": {"Reps": "Region", "Leads": "Region", "Deals": "Region", "Customers": "Region"},
}
CUSTOMER_TABLES = ("Subscriptions", "Tickets", "NpsResponses")

_RESERVED = {"CON", "PRN", "AUX", "NUL", "CLOCK$"} | {f"{p}{n}" for p in ("COM", "LPT") for n in "0123456789¹²³"}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
MAX_NAME_BYTES = 120  # well under 255 with the folder's ".partial" and a hash suffix


# ------------------------------------------------------------------------------------------ file names


def safe_name(value: str) -> str:
    """``value`` as a file name that is safe everywhere: no path separators or control characters, no
    leading/trailing dots or spaces, no Windows device name (``CON``, ``aux.txt``), at most
    :data:`MAX_NAME_BYTES` bytes of UTF-8. See :func:`safe_names` for keeping distinct values distinct."""
    text = unicodedata.normalize("NFC", str(value))
    text = _UNSAFE.sub("_", text)
    text = text.strip(" .")
    if not text or set(text) <= {"_", "."}:
        text = "_" + text if text else "_"
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = "_" + text
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        text = encoded[:MAX_NAME_BYTES].decode("utf-8", errors="ignore").rstrip(" .")
    return text


def safe_names(values: Iterable[str]) -> dict[str, str]:
    """Safe, distinct file names for ``values``: a value whose name had to change, or that clashes with
    another ignoring case (as Windows and macOS compare names), gets a short hash of the value appended."""
    values = list(dict.fromkeys(str(v) for v in values))
    base = {value: safe_name(value) for value in values}
    folded: dict[str, list[str]] = {}
    for value, name in base.items():
        folded.setdefault(name.casefold(), []).append(value)
    result = {}
    for value, name in base.items():
        if name != value or len(folded[name.casefold()]) > 1:
            digest = hashlib.sha1(value.encode("utf-8")).hexdigest()[:8]
            name = f"{name[: MAX_NAME_BYTES - 9]}~{digest}"
        result[value] = name
    return result


# -------------------------------------------------------------------------------------------- splits


def split_values(spec: TeamSpec, data: Mapping[str, pd.DataFrame], split: str, period_start: dt.date) -> list[str]:
    """The values a team's workbooks are split by: for ``owner``, the scorecard's people when the team has
    a scorecard; otherwise the distinct values of the split column in the team's first table that has it."""
    if split not in SPLIT_COLUMNS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    if split == "owner" and spec.scorecard is not None and spec.scorecard.table in data:
        from .fill import scorecard_people

        return scorecard_people(spec, data, period_start)
    for table in spec.tables:
        column = SPLIT_COLUMNS[split].get(table)
        if column and table in data:
            return sorted(str(v) for v in data[table][column].dropna().unique())
    raise ValueError(f"the {spec.team} workbook has no table with a column to split by {split}")


def split_data(
    data: Mapping[str, pd.DataFrame], split: str, values: Sequence[str]
) -> dict[str, dict[str, pd.DataFrame]]:
    """``{value: {table: rows of that value}}``, each table grouped once."""
    columns = SPLIT_COLUMNS[split]
    result: dict[str, dict[str, pd.DataFrame]] = {value: {} for value in values}
    for table, frame in data.items():
        column = columns.get(table)
        if column is None or column not in frame:
            continue
        groups = {str(key): group for key, group in frame.groupby(frame[column].astype(str), sort=False)}
        for value in values:
            result[value][table] = groups.get(value, frame.iloc[0:0])
    for value in values:
        own = result[value]
        customers = own.get("Customers")
        for table, frame in data.items():
            if table in own:
                continue
            if table in CUSTOMER_TABLES and customers is not None and "Customer" in frame:
                own[table] = frame[frame["Customer"].isin(customers["Customer"])]
            else:
                own[table] = frame
    return result


# ------------------------------------------------------------------------------------------------ jobs


@dataclass
class Job:
    """One output workbook."""

    team: str
    template: Path
    destination: Path
    data: dict[str, pd.DataFrame]
    split_value: str | None = None
    period: tuple[dt.date, dt.date] | None = None
    skipped: list[BadRow] = field(default_factory=list)


def plan(
    teams: Sequence[str],
    data: Mapping[str, pd.DataFrame],
    out_dir: str | Path,
    *,
    lang: str = "en",
    split: str | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    skipped: Sequence[BadRow] = (),
    template_root: Path = builder.BUILT_DIR,
) -> list[Job]:
    """The jobs of a fill: ``OUT/<team>.xlsx``, or ``OUT/<team>/<value>.xlsx`` per split value."""
    out_dir = Path(out_dir)
    jobs = []
    for team in teams:
        spec = load(team)
        template = builder.template_path(team, lang, root=template_root)
        if not template.exists():
            raise FileNotFoundError(f"no {lang} template for {team}: {template}")
        own = {name: data[name] for name in spec.tables if name in data}
        bad = [row for row in skipped if row.table in spec.tables]
        if split is None:
            jobs.append(Job(team, template, out_dir / f"{team}.xlsx", own, None, period, bad))
            continue
        start = period[0] if period else builder.DEFAULT_PERIOD[0]
        values = split_values(spec, own, split, start)
        names = safe_names(values)
        for value, frames in split_data(own, split, values).items():
            destination = out_dir / team / f"{names[value]}.xlsx"
            jobs.append(Job(team, template, destination, frames, value, period, bad))
    return jobs


def is_complete(path: str | Path) -> bool:
    """Whether ``path`` is a whole workbook written by a fill: a valid zip whose KPI sheet is present."""
    try:
        with zipfile.ZipFile(path) as package:
            custom = package.read("docProps/custom.xml").decode("utf-8")
            match = re.search(r'name="KpiLanguage"[^>]*>\s*<vt:lpwstr>([^<]*)<', custom)
            if match is None or "KpiTeam" not in custom:
                return False
            kpi_sheet = messages(match.group(1))["sheet.kpis"]
            part = sheet_parts(package).get(kpi_sheet)
            return part is not None and part in package.namelist()
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return False


def run_job(job: Job) -> FillResult:
    """Fill one workbook (in whichever process runs it); failures become a "failed" result."""
    try:
        return fill_file(
            job.template,
            job.data,
            job.destination,
            period_range=job.period,
            skipped=job.skipped,
            split_value=job.split_value,
        )
    except Exception as error:  # reported in the summary; the other workbooks go on
        return FillResult(
            job.destination, job.team, "", job.split_value, status="failed", message=f"{type(error).__name__}: {error}"
        )


def run(
    jobs: Sequence[Job],
    *,
    processes: int = 1,
    force: bool = False,
    progress: Callable[[FillResult], None] | None = None,
) -> list[FillResult]:
    """Run the jobs; ``processes`` > 1 spreads them over that many processes.

    A complete existing output is kept (status "kept") unless ``force``; an existing file that is not a
    complete workbook is never overwritten without ``force`` (status "failed"). Results come back in the
    order of ``jobs``.
    """
    results: dict[int, FillResult] = {}
    todo = []
    for index, job in enumerate(jobs):
        job.destination.parent.mkdir(parents=True, exist_ok=True)
        partial_path(job.destination).unlink(missing_ok=True)  # an interrupted run's leftover
        if job.destination.exists() and not force:
            if is_complete(job.destination):
                result = FillResult(
                    job.destination,
                    job.team,
                    "",
                    job.split_value,
                    status="kept",
                    message="exists and is complete (--force to overwrite)",
                )
            else:
                result = FillResult(
                    job.destination,
                    job.team,
                    "",
                    job.split_value,
                    status="failed",
                    message="exists but is not a complete KPI workbook; not overwritten (--force)",
                )
            results[index] = result
            if progress:
                progress(result)
            continue
        todo.append(index)
    if processes <= 1 or len(todo) <= 1:
        for index in todo:
            results[index] = run_job(jobs[index])
            if progress:
                progress(results[index])
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=processes) as pool:
            futures = {pool.submit(run_job, jobs[index]): index for index in _largest_first(jobs, todo)}
            try:
                for future in concurrent.futures.as_completed(futures):
                    index = futures[future]
                    results[index] = future.result()
                    if progress:
                        progress(results[index])
            except BaseException:  # Ctrl-C: let the running workbooks finish, start no more
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    return [results[index] for index in range(len(jobs))]


def _largest_first(jobs: Sequence[Job], indices: list[int]) -> list[int]:
    """Big workbooks first, so two processes finish together."""
    return sorted(indices, key=lambda i: -sum(len(f) * len(f.columns) for f in jobs[i].data.values()))


# --------------------------------------------------------------------------------------------- refresh


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


def teams_for(team: str) -> list[str]:
    """``all`` or one team key."""
    if team == "all":
        return list(TEAM_ORDER)
    if team not in TEAM_ORDER:
        raise ValueError(f"unknown team {team!r}; choose all or one of {', '.join(TEAM_ORDER)}")
    return [team]


def default_processes() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


__all__ = [
    "CUSTOMER_TABLES",
    "Job",
    "RefreshRefused",
    "RefreshResult",
    "SPLITS",
    "SPLIT_COLUMNS",
    "backup_path",
    "dropped_features",
    "is_complete",
    "lost_parts",
    "plan",
    "refresh",
    "run",
    "run_job",
    "safe_name",
    "safe_names",
    "split_data",
    "split_values",
    "teams_for",
]
