"""The batch-fill commands of ``kpi``: ``sample-data``, ``fill``, ``refresh`` and ``demo``.

``app`` is a :class:`typer.Typer`; ``kpi/cli.py`` adds its commands to the ``kpi`` command. Exit status: 0 when
every workbook was written (or kept: already filled from the same inputs), 1 when the data has bad rows, a
workbook failed or was refused (it holds a fill of other inputs) or a refresh was refused, 2 for a wrong
command line.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kpi.options import choice, jobs_option, jobs_or_default, out_folder, out_option, step, team_name, usage_error

from .. import sample_data
from ..builder import RUNTIMES, currency_format
from ..messages import LANGUAGES
from ..spec import TEAM_ORDER
from ..spec import load as load_spec
from . import batch, exports, refresh, sources
from .check import LimitError, PeopleError
from .files import FolderInUse, FolderLock, describe
from .split import SPLITS
from .write import FillResult

app = typer.Typer(help="Fill the team workbooks from CRM exports.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
DEBUG_VARIABLE = "KPI_DEBUG"  # set it to see the traceback of an unexpected error


def one_line_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Every error reaches the user as one line: a disk or permission problem names the file and the
    cause, a folder in use says so, an unexpected error its type and message (the traceback only with
    KPI_DEBUG=1). Exit status 1."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except (typer.Exit, typer.Abort, click.exceptions.ClickException):
            raise
        except KeyboardInterrupt:
            err.print("[red]Interrupted.[/] Workbooks already written are complete; run again to finish the rest.")
            raise typer.Exit(130) from None
        except FolderInUse as busy:
            err.print(f"[red]Not started:[/] {busy}", soft_wrap=True)
            raise typer.Exit(1) from None
        except OSError as error:
            err.print(f"[red]Error:[/] {describe(error)}. Nothing was left half-written.", soft_wrap=True)
            raise typer.Exit(1) from None
        except Exception as error:
            if os.environ.get(DEBUG_VARIABLE):
                raise
            err.print(
                f"[red]Unexpected error:[/] {type(error).__name__}: {error} (set {DEBUG_VARIABLE}=1 for details)",
                soft_wrap=True,
            )
            raise typer.Exit(1) from None

    return guarded


DATA_HELP = (
    "A data file (CSV, XLSX, XLS, Parquet) or a folder of them; repeat --data or list more paths after it. "
    "A file named like a table (Deals.csv) holds that table; an .xlsx may hold several on sheets named like them."
)
PERIOD_HELP = "Reporting period START END (ISO dates, e.g. 2025-10-01 2025-12-31); default: the template's."
PRESET_HELP = f"Read a CRM export with a bundled column preset: {', '.join(sources.preset_names())}."
MAPPING_HELP = "A TOML mapping file for any other export's columns (format: workbook_templates/fill/presets/*.toml)."
ENCODING_HELP = (
    "The text encoding of the CSV files (utf-8, gb18030, big5, utf-16, cp1252, ...); default: found from each file."
)
DECIMAL_HELP = "The decimal separator of numbers in the CSV files: '.' or ','; default: found from each file."
SKIP_HELP = "Leave out rows that cannot be read (listed in the summary and a 'Skipped rows' sheet) instead of stopping."


DataOption = Annotated[list[Path], typer.Option("--data", "-d", help=DATA_HELP)]
MoreData = Annotated[list[Path] | None, typer.Argument(metavar="PATH", help="More data paths (after --data).")]
PeriodOption = Annotated[tuple[str, str] | None, typer.Option("--period", metavar="START END", help=PERIOD_HELP)]
PresetOption = Annotated[str | None, typer.Option("--preset", help=PRESET_HELP)]
MappingOption = Annotated[
    Path | None, typer.Option("--mapping", metavar="FILE", exists=True, dir_okay=False, help=MAPPING_HELP)
]
LangOption = Annotated[str, typer.Option("--lang", metavar="|".join(LANGUAGES), help="Workbook language.")]
SkipOption = Annotated[bool, typer.Option("--skip-bad-rows", help=SKIP_HELP)]
RUNTIME_HELP = (
    "The Excel add-in the workbook is for: classic (xlwings with VBA, Windows), lite (xlwings Lite) or server "
    "(xlwings Server); catalogue calls are stored the way that add-in's Excel stores them. "
    "Default: $KPI_RUNTIME, else classic (refresh: the workbook's own)."
)
RuntimeOption = Annotated[str | None, typer.Option("--runtime", metavar="classic|lite|server", help=RUNTIME_HELP)]
JobsOption = Annotated[int | None, jobs_option()]
OldOutArgument = Annotated[Path | None, typer.Argument(hidden=True, metavar="", show_default=False)]
EncodingOption = Annotated[str | None, typer.Option("--encoding", help=ENCODING_HELP)]
DecimalOption = Annotated[str | None, typer.Option("--decimal", help=DECIMAL_HELP)]
CURRENCY_HELP = (
    "Show money in this currency, an ISO 4217 code (EUR, USD, CNY, TWD, ...): KPI values and targets, "
    "scorecard, trend and data columns. Default: the template's format (no currency symbol)."
)
CurrencyOption = Annotated[str | None, typer.Option("--currency", metavar="CODE", help=CURRENCY_HELP)]


@app.command("sample-data")
@one_line_errors
def sample_data_command(
    out: Annotated[Path, out_option("Folder to write <Table>.csv files into (created if missing).")] = Path(
        "sample-data"
    ),
    directory: OldOutArgument = None,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = 2024,
) -> None:
    """Write the bundled sample dataset (a B2B SaaS company, 2024-2025) as one CSV file per table."""
    directory = out_folder(directory or out)
    with step("Generating the sample data"):
        paths = sample_data.write_csv(directory, seed)
    table = Table(title=f"Sample data in {directory}")
    table.add_column("Table")
    table.add_column("Rows", justify="right")
    table.add_column("File", overflow="fold")
    for path in paths:
        rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
        table.add_row(path.stem, f"{rows:,}", str(path))
    console.print(table)


@app.command()
@one_line_errors
def fill(
    team: Annotated[str, typer.Argument(metavar="TEAM", help=f"A team ({', '.join(TEAM_ORDER)}) or all.")],
    data: DataOption,
    out: Annotated[Path, out_option("Folder for the workbooks (created if missing).")],
    more_data: MoreData = None,
    split: Annotated[
        str | None, typer.Option("--split", metavar="owner|team|region", help="One workbook per value.")
    ] = None,
    period: PeriodOption = None,
    preset: PresetOption = None,
    mapping: MappingOption = None,
    lang: LangOption = "en",
    runtime: RuntimeOption = None,
    jobs: JobsOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite workbooks that exist, even those filled from other inputs.")
    ] = False,
    skip_bad_rows: SkipOption = False,
    encoding: EncodingOption = None,
    decimal: DecimalOption = None,
    currency: CurrencyOption = None,
) -> None:
    """Fill team workbooks from data files: OUT/<team>.xlsx, or OUT/<team>/<value>.xlsx with --split.

    Each workbook is written to a temporary file and renamed into place when complete. \
A workbook that already exists is kept when it was filled from the same inputs (data, period, language, \
template, split: a run that was interrupted completes what is missing); one filled from other inputs is \
refused, naming the difference, unless --force. \
Rows that cannot be read stop the fill and are listed (also in OUT/bad-rows.csv) unless --skip-bad-rows.
    """
    teams = _checked(lambda: batch.teams_for(team_name(team)))
    split = split if split is None else choice(split, SPLITS, "--split")
    lang = choice(lang, LANGUAGES, "--lang")
    runtime = _runtime(runtime, "classic")
    currency = _currency(currency)
    out_folder(out)
    period_range = _period(period)
    options = _read_options(encoding, decimal)
    with tempfile.TemporaryDirectory(prefix="kpi-fill-") as spill_dir:  # big tables, split per workbook
        paths = [*data, *(more_data or [])]
        loaded = _load(paths, preset, mapping, skip_bad_rows, out / "bad-rows.csv", options, Path(spill_dir))
        try:
            jobs_list = _checked(
                lambda: batch.plan(
                    teams,
                    loaded.frames,
                    out,
                    lang=lang,
                    split=split,
                    period=period_range,
                    skipped=loaded.skipped,
                    runtime=runtime,
                    currency=currency,
                )
            )
        except (LimitError, PeopleError) as error:
            err.print(f"[red]Error:[/] {error}", soft_wrap=True)
            raise typer.Exit(1) from None
        results = _run(jobs_list, jobs_or_default(jobs), force)
    _summary(results, [*loaded.notes, *_absent_notes(teams, loaded.absent)], loaded.skipped)
    _coverage(jobs_list)
    _exit(results)


@app.command("refresh")
@one_line_errors
def refresh_command(
    workbook: Annotated[
        Path, typer.Argument(metavar="WORKBOOK", help="The workbook to refresh (.xlsx, or .xlsm with VBA).")
    ],
    data: DataOption,
    more_data: MoreData = None,
    period: PeriodOption = None,
    preset: PresetOption = None,
    mapping: MappingOption = None,
    runtime: RuntimeOption = None,
    force: Annotated[bool, typer.Option("--force", help="Refresh even if it loses parts openpyxl drops.")] = False,
    skip_bad_rows: SkipOption = False,
    encoding: EncodingOption = None,
    decimal: DecimalOption = None,
) -> None:
    """Replace the data-table rows of a workbook (which a person may have edited) with new data.

    Sheets, formulas, formats, charts, rich text and calculated columns a person added are kept, and so are \
the VBA code of an .xlsm (classic xlwings) and the add-in parts of an xlwings Lite or Server workbook; \
a backup NAME.backup-YYYYmmdd-HHMMSS.xlsx is written first. \
A workbook with other parts openpyxl would drop (sparklines, shapes, pictures in cells, \
Excel 2010 formatting extensions) is refused, naming them, unless --force.
    """
    runtime = _runtime(runtime, None)
    period_range = _period(period)
    if not workbook.exists():  # before reading the data, which may take a while
        err.print(f"[red]Not refreshed:[/] {workbook}: no such workbook", soft_wrap=True)
        raise typer.Exit(1)
    options = _read_options(encoding, decimal)
    report = workbook.with_name(workbook.stem + ".bad-rows.csv")
    loaded = _load([*data, *(more_data or [])], preset, mapping, skip_bad_rows, report, options)
    labels = {
        "load": f"Loading {workbook.name}",
        "rows": "Replacing the table rows",
        "recalculate": "Recalculating the formulas",
        "save": "Saving (backup first)",
    }
    try:
        with FolderLock([workbook.resolve().parent]), console.status(f"Refreshing {workbook}...") as status:
            steps = _Steps(labels, status)
            result = refresh.refresh(
                workbook,
                loaded.frames,
                period=period_range,
                skipped=loaded.skipped,
                force=force,
                runtime=runtime,
                progress=steps.start,
            )
            steps.start("")
    except refresh.RefreshError as error:
        err.print(f"[red]Not refreshed:[/] {error}", soft_wrap=True)
        raise typer.Exit(1) from None
    except ValueError as error:  # the new rows do not fit the workbook (a table would grow over cells)
        err.print(f"[red]Not refreshed:[/] {error}. Nothing was changed.", soft_wrap=True)
        raise typer.Exit(1) from None
    except refresh.RefreshRefused as refused:
        err.print(f"[red]Not refreshed:[/] {refused.path} holds what openpyxl would drop:", soft_wrap=True)
        for item in refused.lost:
            err.print(f"  • {item}", soft_wrap=True)
        err.print("Nothing was changed. Use --force to refresh anyway (those parts are then lost).")
        raise typer.Exit(1) from None
    except OSError as error:
        err.print(f"[red]Not refreshed:[/] {workbook}: {error.strerror or error}. Nothing was changed.", soft_wrap=True)
        raise typer.Exit(1) from None
    table = Table(title=f"Refreshed {result.path}")
    for column in ("Table", "Rows"):
        table.add_column(column, justify="right" if column == "Rows" else "left")
    for name, rows in result.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    console.print(
        f"KPI cells: {result.kpi_cells}, errors: {result.kpi_errors}, cached values: {result.cached}, "
        f"runtime: {result.runtime or 'not set'}, {result.seconds:.1f} s. Backup of the original: {result.backup}",
        soft_wrap=True,
    )
    if result.kept_parts:
        console.print(f"Kept unchanged: {', '.join(result.kept_parts)}", soft_wrap=True)
    for note in [*loaded.notes, *_absent_notes(list(TEAM_ORDER), loaded.absent), *result.notes]:
        console.print(f"[yellow]Note:[/] {note}", soft_wrap=True)
    _print_skipped(loaded.skipped)


@app.command()
@one_line_errors
def demo(
    out: Annotated[Path, out_option("Folder for the workbooks (created if missing).")] = Path("kpi-demo"),
    old_out: OldOutArgument = None,
    lang: LangOption = "en",
    runtime: RuntimeOption = None,
    jobs: JobsOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite workbooks that already exist.")] = False,
    currency: CurrencyOption = None,
) -> None:
    """Fill every team's workbook from the bundled sample data: OUT/<team>.xlsx, numbers visible on open."""
    lang = choice(lang, LANGUAGES, "--lang")
    runtime = _runtime(runtime, "classic")
    currency = _currency(currency)
    out = out_folder(old_out or out)
    with step("Generating the sample data"):
        frames = sample_data.generate()
    jobs_list = batch.plan(list(TEAM_ORDER), frames, out, lang=lang, runtime=runtime, currency=currency)
    results = _run(jobs_list, jobs_or_default(jobs), force)
    _summary(results, [], [])
    written = [r for r in results if r.status in ("written", "kept")]
    if written:
        console.print(f"Open {out.resolve()} and any workbook in it: every KPI shows its value.")
    _exit(results)


# ------------------------------------------------------------------------------------------- helpers


class _Steps:
    """Status lines for the steps of a long command: the running step in the spinner, each finished one
    printed with its time."""

    def __init__(self, labels: dict[str, str], status: Any) -> None:
        self.labels, self.status = labels, status
        self.step, self.at = "", time.perf_counter()

    def start(self, step: str) -> None:
        if self.step:
            console.print(f"  {self.labels[self.step]}: {time.perf_counter() - self.at:.1f} s")
        self.step, self.at = step, time.perf_counter()
        if step:
            self.status.update(f"{self.labels[step]}...")


def _usage(message: str) -> None:
    usage_error(message)


def _runtime(runtime: str | None, default: str | None) -> str | None:
    """The runtime asked for: the option, else $KPI_RUNTIME, else ``default``; a usage error if unknown."""
    chosen = runtime or os.environ.get("KPI_RUNTIME") or default
    if chosen is not None and chosen.lower() not in RUNTIMES:
        _usage(f"--runtime must be one of {', '.join(RUNTIMES)}, not {chosen!r}")
    return chosen.lower() if chosen else None


def _checked(action):  # noqa: ANN001, ANN202 - a thunk; its value
    try:
        return action()
    except (LimitError, PeopleError):
        raise
    except (ValueError, FileNotFoundError, KeyError) as error:
        _usage(str(error).strip("'\""))


def _currency(currency: str | None) -> str | None:
    """``--currency`` as an upper-case ISO 4217 code (None when not given); a wrong one is a usage error."""
    if currency is None:
        return None
    try:
        currency_format(currency)
    except ValueError as error:
        usage_error(f"--currency: {error}")
    return currency.strip().upper()


def _period(period: tuple[str, str] | None) -> tuple[dt.date, dt.date] | None:
    if not period or period[0] is None:
        return None
    try:
        start, end = (dt.date.fromisoformat(p) for p in period)
    except ValueError:
        _usage(f"--period takes two ISO dates (2025-10-01 2025-12-31), not {' '.join(period)}")
    if end < start:
        _usage(f"--period ends ({end}) before it starts ({start})")
    return start, end


def _read_options(encoding: str | None, decimal: str | None) -> exports.ReadOptions:
    try:
        return exports.ReadOptions(encoding=encoding, decimal=decimal)
    except exports.ExportError as error:
        _usage(str(error))
        raise  # not reached: _usage exits


def _load(
    paths: Sequence[Path],
    preset: str | None,
    mapping: Path | None,
    skip: bool,
    report: Path,
    options: exports.ReadOptions | None = None,
    spill_dir: Path | None = None,
) -> sources.Loaded:
    if preset and mapping:
        _usage("use --preset or --mapping, not both (copy a preset file to change it)")
    try:
        column_map = sources.preset(preset) if preset else sources.load_mapping(mapping) if mapping else None
        with console.status("Reading the data...") as status:

            def progress(table: str, rows: int) -> None:
                status.update(f"Reading the data: {table}, {rows:,} rows read and checked...")

            return sources.load(
                paths, column_map, skip_bad_rows=skip, options=options, spill_dir=spill_dir, progress=progress
            )
    except sources.SourceError as error:
        err.print(f"[red]Error:[/] {error}")
        raise typer.Exit(1) from None
    except sources.BadData as bad:
        report.parent.mkdir(parents=True, exist_ok=True)
        sources.write_report(bad.bad, report)
        _print_bad(bad.bad, "Rows that cannot be read")
        if bad.fatal:
            err.print(
                "[red]No workbook was written:[/] a column is missing or named twice (see above); "
                "fix the file or mapping."
            )
        else:
            err.print("[red]No workbook was written.[/] Fix these rows, or pass --skip-bad-rows to leave them out.")
        err.print(f"The full list: {report}")
        raise typer.Exit(1) from None


def _print_bad(bad: Sequence[sources.BadRow], title: str, limit: int = 30) -> None:
    table = Table(title=f"{title} ({len(bad)})")
    for column in ("File", "Row", "Column", "Value", "Problem"):
        table.add_column(column, overflow="fold", justify="right" if column == "Row" else "left")
    for item in bad[:limit]:
        table.add_row(item.file, str(item.row), item.column, item.value[:40], item.problem)
    if len(bad) > limit:
        table.add_row("…", "", "", "", f"and {len(bad) - limit} more")
    err.print(table)


def _print_skipped(skipped: Sequence[sources.BadRow]) -> None:
    if skipped:
        rows = len({(s.file, s.row) for s in skipped})
        console.print(
            f"[yellow]{rows} rows were left out (--skip-bad-rows); "
            "each workbook lists them on a 'Skipped rows' sheet.[/]"
        )
        _print_bad(skipped, "Skipped rows", limit=20)


def _run(jobs: Sequence[batch.Job], processes: int, force: bool) -> list[FillResult]:
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False, disable=not jobs) as progress:
        task = progress.add_task("Filling workbooks", total=len(jobs))

        def advance(result: FillResult) -> None:
            progress.update(task, advance=1, description=f"Filling workbooks ({result.path.name})")

        results = batch.run(jobs, processes=processes, force=force, progress=advance)
        progress.update(task, description="Filled workbooks")
    console.print(f"{len(jobs)} workbooks in {time.perf_counter() - started:.1f} s with {processes} process(es).")
    return results


def _absent_notes(teams: Sequence[str], absent: dict[str, list[str]]) -> list[str]:
    """A note for each column no export has that a KPI of ``teams`` needs: blank, never made up, so #N/A."""
    notes = []
    for table, columns in absent.items():
        for column in columns:
            reference = f"{table}[{column}]"
            metrics = [kpi.metric for team in teams for kpi in load_spec(team).kpis if reference in kpi.formula]
            if metrics:
                notes.append(
                    f"{table}: the data has no {column} column; it is left blank (not made up), "
                    f"so {', '.join(dict.fromkeys(metrics))} show #N/A"
                )
    return notes


def _summary(results: Sequence[FillResult], notes: Sequence[str], skipped: Sequence[sources.BadRow]) -> None:
    split = any(r.split_value for r in results)
    table = Table(title="Workbooks")
    for column in ("Team", *(["Split"] if split else []), "Rows written", "KPI cells", "Errors", "Seconds", "Path"):
        justify = "right" if column in ("KPI cells", "Errors", "Seconds") else "left"
        table.add_column(column, overflow="fold", justify=justify)
    for result in results[:200]:
        first = [result.team, *([result.split_value or ""] if split else [])]
        if result.status == "written":
            rows = "\n".join(f"{name} {count:,}" for name, count in result.rows.items())
            numbers = [str(result.kpi_cells), str(result.kpi_errors), f"{result.seconds:.2f}"]
            table.add_row(*first, rows, *numbers, _shown_path(result.path))
        else:
            colour = "yellow" if result.status == "kept" else "red"  # refused and failed in red
            table.add_row(*first, f"[{colour}]{result.status}[/]", "", "", "", _shown_path(result.path))
    if len(results) > 200:
        table.add_row("…", *([""] if split else []), f"and {len(results) - 200} more", "", "", "", "")
    console.print(table)
    for result in results:
        if result.status in ("failed", "refused"):
            console.print(f"[red]{result.status.capitalize()}:[/] {result.path}: {result.message}", soft_wrap=True)
    counts = {s: sum(r.status == s for r in results) for s in ("written", "kept", "refused", "failed")}
    console.print(
        f"Written: {counts['written']}, kept (same inputs): {counts['kept']}, refused (other inputs): "
        f"{counts['refused']}, failed: {counts['failed']}.",
        soft_wrap=True,
    )
    if counts["kept"]:
        console.print("Kept workbooks were already filled from the same inputs.", soft_wrap=True)
    if counts["refused"]:
        console.print(
            "[red]Refused workbooks hold a fill of other inputs (data, period, language, ...):[/] pass --force to "
            "replace them, or --out another folder.",
            soft_wrap=True,
        )
    console.print(
        "KPI cells: KPIs showing a number; errors: KPIs with nothing to compute (#N/A: no rows in the period).",
        soft_wrap=True,
    )
    for note in dict.fromkeys(notes):
        console.print(f"[yellow]Note:[/] {note}", soft_wrap=True)
    _print_skipped(skipped)


def _coverage(jobs: Sequence[batch.Job]) -> None:
    """Per team: the tables it needs that were not given, the tables a split could not divide, and how
    many KPIs show #N/A because of them."""
    by_team: dict[str, list[batch.Job]] = {}
    for job in jobs:
        by_team.setdefault(job.team, []).append(job)
    for team, team_jobs in by_team.items():
        cover = team_jobs[0].coverage
        if cover is None:
            continue
        kpis = len(load_spec(team).kpis)
        missing_kpis = max(sum(g.reason == "missing" for g in j.gaps.kpis.values()) for j in team_jobs)
        if cover.missing:
            console.print(
                f"[yellow]Not given for {team}:[/] {', '.join(cover.missing)}; {missing_kpis} of {kpis} KPIs "
                "show #N/A (the About sheet and the KPI notes say why).",
                soft_wrap=True,
            )
        if cover.outside:
            counts = ", ".join(f"{table} {rows:,}" for table, rows in cover.outside.items())
            console.print(
                f"[yellow]Rows in no {team} workbook[/] (their {cover.split} is not known in Reps, or gets no "
                f"workbook, such as people not on the scorecard): {counts}.",
                soft_wrap=True,
            )
        left_out = {table for j in team_jobs if j.coverage for table in j.coverage.left_out}
        split_kpis = max(sum(g.reason != "missing" for g in j.gaps.kpis.values()) for j in team_jobs)
        if cover.split and split_kpis:
            tables = {g.table for j in team_jobs for g in j.gaps.kpis.values() if g.reason != "missing"}
            console.print(
                f"[yellow]Company-level, not divided by {cover.split} for {team}:[/] "
                f"{', '.join(sorted(left_out | tables))}; {split_kpis} of {kpis} KPIs show #N/A in each "
                f"{cover.split}'s workbook (the KPI notes say why).",
                soft_wrap=True,
            )


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _exit(results: Sequence[FillResult]) -> None:
    if any(r.status in ("failed", "refused") for r in results):
        raise typer.Exit(1)


if __name__ == "__main__":
    app(sys.argv[1:])
