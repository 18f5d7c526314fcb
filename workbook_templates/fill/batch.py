"""Batch fill: the jobs behind ``kpi fill`` and ``kpi demo``.

A fill is a list of :class:`Job` (one output workbook each: a team, optionally one value of a split, see
:mod:`.split`), run in this process or spread over processes (:func:`run`). Each output is written to
``<name>.partial`` beside it and renamed into place when complete, so an output either exists whole or not at
all. An output that already exists and is complete is kept (run again after an interruption and only what is
missing is done); ``force`` overwrites it. Leftover ``.partial`` files of an interrupted run are replaced.
File names of split values are made safe (:func:`safe_names`).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import functools
import hashlib
import importlib.metadata
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import builder
from ..messages import messages
from ..spec import TEAM_ORDER, TeamSpec, load
from .cached_values import sheet_parts, unescape
from .check import check_limits, check_people, check_text
from .files import FolderLock, describe, leftovers
from .sources import BadRow
from .spill import SpilledTable, materialize
from .split import Coverage, Gaps, coverage, gaps, split_data, split_values
from .write import FillResult, Marks, fill_file

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
    coverage: Coverage | None = None
    gaps: Gaps = field(default_factory=Gaps)
    marks: Marks = field(default_factory=Marks)
    currency: str | None = None  # ISO 4217 code the money is shown in; None: the template's format


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
    runtime: str = "classic",
    currency: str | None = None,
) -> list[Job]:
    """The jobs of a fill: ``OUT/<team>.xlsx``, or ``OUT/<team>/<value>.xlsx`` per split value. Each job
    knows what its workbook covers (:class:`Coverage`), which KPIs it cannot show (:class:`Gaps`) and the
    fingerprint of its inputs. Raises :class:`PeopleError` or :class:`LimitError` (see :mod:`.check`)
    before any workbook is written."""
    out_dir = Path(out_dir)
    check_people(data)
    check_text(data)
    jobs = []
    specs = {team: load(team) for team in teams}
    for team in teams:
        spec = specs[team]
        template = builder.template_path(team, lang, runtime, root=template_root)
        if not template.exists():
            raise FileNotFoundError(f"no {lang} {runtime} template for {team}: {template}")
        own = {name: data[name] for name in spec.tables if name in data}
        bad = [row for row in skipped if row.table in spec.tables]
        if split is None:
            cover = coverage(spec, list(own))
            jobs.append(Job(team, template, out_dir / f"{team}.xlsx", own, None, period, bad, cover, gaps(spec, cover)))
            continue
        start = period[0] if period else builder.DEFAULT_PERIOD[0]
        values = split_values(spec, own, split, start, context=data)
        names = safe_names(values)
        parts = split_data(own, split, values, context=data)
        for value, frames in parts.frames.items():
            destination = out_dir / team / f"{names[value]}.xlsx"
            cover = coverage(spec, list(own), split, value, parts.left_out, parts.outside)
            jobs.append(Job(team, template, destination, frames, value, period, bad, cover, gaps(spec, cover)))
    check_limits(((job.destination, job.data) for job in jobs), split)
    for job in jobs:
        job.currency = currency
        job.marks = marks_for(specs[job.team], job, lang)
        job.marks.properties = fingerprint(job)
    return jobs


def marks_for(spec: TeamSpec, job: Job, lang: str) -> Marks:
    """What the job's workbook says besides its data, in its language: what it covers (About sheet), why a
    KPI has no value, which targets are not the split's own."""
    msg = messages(lang)
    cover = job.coverage or coverage(spec, list(job.data))
    split_name = msg[f"fill.split_{cover.split}"] if cover.split else ""
    about = [msg["fill.covers_heading"]]
    if cover.split is None:
        about.append(msg["fill.covers_all"])
    else:
        line = msg["fill.covers_split"].format(split=split_name, value=cover.value)
        about.append(line[:1].upper() + line[1:])
    if cover.missing:
        about.append(msg["fill.covers_missing"].format(tables=", ".join(cover.missing)))
    if cover.left_out:
        about.append(msg["fill.covers_left_out"].format(split=split_name, tables=", ".join(cover.left_out)))
    no_value = {
        key: msg[f"fill.reason.{gap.reason}"].format(table=gap.table, split=split_name)
        for key, gap in job.gaps.kpis.items()
    }
    targets: dict[str, tuple[str | None, str]] = {
        key: (None, msg["fill.reason.team_target"].format(split=split_name)) for key in job.gaps.no_target
    }
    for key, formula in job.gaps.own_target.items():
        targets[key] = (formula, msg["fill.reason.own_target"].format(split=split_name))
    return Marks(about=about, no_value=no_value, targets=targets)


# ------------------------------------------------------------------------------------------ fingerprint

#: The inputs a workbook was filled from, each a custom document property (Excel: File > Info >
#: Properties > Advanced > Custom): the rows of every table (a digest of the data as read, after the
#: mapping and the split), the period, the split value, the template (a digest of its file) and the fill's
#: version. Language and runtime are the template's own properties (KpiLanguage, KpiRuntime).
FINGERPRINT = {
    "KpiInputData": "the data (the rows read from the files)",
    "KpiInputPeriod": "the period",
    "KpiInputSplit": "the split",
    "KpiInputTemplate": "the template",
    "KpiInputVersion": "the fill's version",
    "KpiInputCurrency": "the currency",
    "KpiLanguage": "the language",
    "KpiRuntime": "the runtime",
    "KpiTeam": "the team",
}
_PROPERTY = re.compile(r'<property\b[^>]*\bname="([^"]+)"[^>]*>\s*<vt:lpwstr>([^<]*)</vt:lpwstr>', re.S)


def data_digest(frames: Mapping[str, pd.DataFrame], skipped: Sequence[BadRow] = ()) -> str:
    """A digest of the rows of every table (values, column names, order) and of the rows left out."""
    digest = hashlib.sha256()
    for name in sorted(frames):
        frame = frames[name]
        if isinstance(frame, SpilledTable):  # a workbook's own partition of a big table, read one at a time
            frame = frame.to_pandas()
        digest.update(f"{name}:{len(frame)}:{','.join(map(str, frame.columns))};".encode())
        if len(frame):
            digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    for bad in skipped:
        digest.update(f"{bad.file}:{bad.row}:{bad.column};".encode())
    return digest.hexdigest()[:20]


@functools.cache
def _template_digest(path: str, stamp: tuple[int, int]) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:20]


def fingerprint(job: Job) -> dict[str, str]:
    """The custom properties that record ``job``'s inputs (see :data:`FINGERPRINT`)."""
    start, end = job.period or builder.DEFAULT_PERIOD
    status = job.template.stat()
    split = "" if job.split_value is None or job.coverage is None else f"{job.coverage.split}={job.split_value}"
    if len(split) > 200:  # Excel shows custom properties up to 255 characters
        split = f"{split[:180]}~{hashlib.sha256(split.encode()).hexdigest()[:12]}"
    return {
        "KpiInputData": data_digest(job.data, job.skipped),
        "KpiInputPeriod": f"{start.isoformat()} {end.isoformat()}",
        "KpiInputSplit": split or "none",
        "KpiInputTemplate": _template_digest(str(job.template.resolve()), (status.st_mtime_ns, status.st_size)),
        "KpiInputVersion": _version(),
        "KpiInputCurrency": job.currency or "template",
    }


@functools.cache
def _version() -> str:
    try:
        return importlib.metadata.version("gtm-kpi-addin")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def read_properties(path: str | Path) -> dict[str, str]:
    """The text custom document properties of an .xlsx (empty when it has none or is not a package)."""
    try:
        with zipfile.ZipFile(path) as package:
            custom = package.read("docProps/custom.xml").decode("utf-8")
    except (OSError, zipfile.BadZipFile, KeyError):
        return {}
    return {name: unescape(value) for name, value in _PROPERTY.findall(custom)}


def differences(path: str | Path, job: Job) -> list[str]:
    """What differs between the inputs ``path`` was filled from and ``job``'s (empty: the same)."""
    stored = read_properties(path)
    wanted = {**(job.marks.properties or fingerprint(job)), **_template_properties(job.template)}
    found = []
    for name, label in FINGERPRINT.items():
        if stored.get(name) == wanted.get(name):
            continue
        if name == "KpiInputPeriod" and stored.get(name):
            before, now = (text.replace(" ", " to ") for text in (stored[name], wanted[name]))
            found.append(f"the period ({before}, now {now})")
        elif name in ("KpiLanguage", "KpiRuntime", "KpiInputSplit") and stored.get(name):
            found.append(f"{label} ({stored[name]}, now {wanted[name]})")
        elif name == "KpiInputData" and not stored.get(name):
            found.append("no record of its inputs (filled by an older version)")
            break
        else:
            found.append(label)
    return found


@functools.cache
def _template_properties(template: Path) -> dict[str, str]:
    return {k: v for k, v in read_properties(template).items() if k in FINGERPRINT}


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
            materialize(job.data),  # a table kept on disk: this workbook's own rows, read here
            job.destination,
            period_range=job.period,
            skipped=job.skipped,
            split_value=job.split_value,
            marks=job.marks,
            currency=job.currency,
        )
    except OSError as error:  # a full disk, no permission: reported in the summary, the other workbooks go on
        return FillResult(job.destination, job.team, "", job.split_value, status="failed", message=describe(error))
    except Exception as error:
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

    An existing output filled from the same inputs (its fingerprint matches, see :data:`FINGERPRINT`) is
    kept (status "kept": a run that was interrupted completes what is missing); one filled from other inputs
    is not overwritten (status "refused", naming the difference) and an existing file that is not a
    complete workbook is not either (status "failed"), unless ``force``. Results come back in the order of
    ``jobs``. Each folder written is locked for the run: another run into it raises :class:`FolderInUse`.
    """
    with FolderLock([job.destination.parent for job in jobs]):
        return _run_locked(jobs, processes, force, progress)


def _run_locked(
    jobs: Sequence[Job], processes: int, force: bool, progress: Callable[[FillResult], None] | None
) -> list[FillResult]:
    results: dict[int, FillResult] = {}
    todo = []
    for index, job in enumerate(jobs):
        for leftover in leftovers(job.destination):  # an interrupted run's (the folder's lock is ours)
            leftover.unlink(missing_ok=True)
        if job.destination.exists() and not force:
            result = FillResult(job.destination, job.team, "", job.split_value)
            if not is_complete(job.destination):
                result.status = "failed"
                result.message = "exists but is not a complete KPI workbook; not overwritten (--force)"
            elif changed := differences(job.destination, job):
                result.status = "refused"
                result.message = f"filled from other inputs: {', '.join(changed)}; not overwritten (--force)"
            else:
                result.status, result.message = "kept", "filled from the same inputs already"
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
    "FINGERPRINT",
    "Job",
    "MAX_NAME_BYTES",
    "data_digest",
    "differences",
    "fingerprint",
    "read_properties",
    "default_processes",
    "is_complete",
    "plan",
    "run",
    "run_job",
    "safe_name",
    "safe_names",
    "teams_for",
]
