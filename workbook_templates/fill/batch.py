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
import hashlib
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
from ..spec import TEAM_ORDER, load
from .cached_values import partial_path, sheet_parts
from .sources import BadRow
from .spill import materialize
from .split import split_data, split_values
from .write import FillResult, fill_file

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
            materialize(job.data),  # a table kept on disk: this workbook's own rows, read here
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
    "Job",
    "MAX_NAME_BYTES",
    "default_processes",
    "is_complete",
    "plan",
    "run",
    "run_job",
    "safe_name",
    "safe_names",
    "teams_for",
]
