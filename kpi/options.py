"""What every ``kpi`` command shares, so the commands feel like one tool.

* ``--out`` on every command that writes files (:func:`out_option`, checked by :func:`out_folder`);
* ``--jobs`` with one default everywhere: one process per CPU, at most :data:`MAX_JOBS` (:func:`jobs_or_default`);
* team, language, runtime and split names read case-insensitively (:func:`team_name`, :func:`choice`);
* a one-line ``Error: ...`` on stderr for every bad option value, never a traceback (:func:`usage_error`,
  :class:`KpiGroup`);
* step lines on stderr for work that takes more than a second (:func:`step`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from udfs.registry import TEAMS

err = Console(stderr=True)

#: ``--jobs`` default: one process per CPU, at most this many (more rarely helps: the work is disk and memory bound).
MAX_JOBS = 8
JOBS_HELP = f"Processes to spread the workbooks over (default: one per CPU, at most {MAX_JOBS})."
OUT_METAVAR = "FOLDER"


def out_option(help: str) -> Any:  # noqa: A002 - typer's own keyword
    """The ``--out``/``-o`` option of a command that writes files."""
    return typer.Option("--out", "-o", metavar=OUT_METAVAR, help=help)


def jobs_option() -> Any:
    """The ``--jobs``/``-j`` option: how many processes; the default is :func:`default_jobs`."""
    return typer.Option("--jobs", "-j", min=1, metavar="N", help=JOBS_HELP, show_default=False)


def default_jobs() -> int:
    """One process per CPU, at most :data:`MAX_JOBS`."""
    return max(1, min(os.cpu_count() or 1, MAX_JOBS))


def jobs_or_default(jobs: int | None) -> int:
    return jobs if jobs else default_jobs()


def usage_error(message: str) -> NoReturn:
    """A wrong command line: one line on stderr, exit status 2."""
    err.print(f"[red]Error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(2)


def failure(message: str) -> NoReturn:
    """The command could not do its work (a file, the disk, LibreOffice): one line on stderr, exit status 1."""
    err.print(f"[red]Error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(1)


def _key(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


def team_name(value: str, *, allow_all: bool = True, option: str = "TEAM") -> str:
    """A team key from what a person types: ``Sales``, ``SALES``, ``inside-sales``, ``Inside Sales`` all work."""
    key = _key(value)
    if key in TEAMS or (allow_all and key == "all"):
        return key
    usage_error(f"{option}: unknown team {value!r}; choose {'all or ' if allow_all else ''}one of {', '.join(TEAMS)}")


def choice(value: str, choices: Iterable[str], option: str) -> str:
    """``value`` as spelled in ``choices``, matched without regard to case, ``-`` or ``_``."""
    choices = list(choices)
    for known in choices:
        if _key(known) == _key(value):
            return known
    usage_error(f"{option} must be one of {', '.join(choices)}, not {value!r}")


def out_folder(path: Path, option: str = "--out") -> Path:
    """``path`` if a folder can be written there (it is created by the command that writes into it); otherwise
    a one-line error naming it, before any work is done and without creating anything."""
    if path.exists() and not path.is_dir():
        usage_error(f"{option} {path} is a file, not a folder")
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        usage_error(f"{option} {path}: {existing} is a file, not a folder")
    try:  # the only sure test: create (and remove) a folder there
        os.rmdir(tempfile.mkdtemp(prefix=".kpi-check-", dir=existing))
    except OSError as error:
        what = "write into the folder" if existing == path else "create the folder"
        usage_error(f"{option} {path}: cannot {what} ({error.strerror or error})")
    return path


def existing_file(path: Path, what: str) -> Path:
    """``path`` as an existing file; otherwise a one-line error naming it."""
    if not path.exists():
        usage_error(f"{what} {path} does not exist")
    if path.is_dir():
        usage_error(f"{what} {path} is a folder, not a file")
    return path


@contextlib.contextmanager
def step(label: str) -> Iterator[None]:
    """A step of a long command: a spinner while it runs (in a terminal), then ``label: 1.2 s`` on stderr."""
    started = time.perf_counter()
    with err.status(f"{label}..."):
        yield
    err.print(f"{label}: {time.perf_counter() - started:.1f} s", highlight=False)


class KpiGroup(TyperGroup):
    """The ``kpi`` command: plain flags shown without a type, usage errors and file-system errors as one line."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _plain_flags(self)

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)  # typer adds --install-completion and --show-completion late
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        return params

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        with _one_line_errors():
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with _one_line_errors():
            return super().invoke(ctx)


@contextlib.contextmanager
def _one_line_errors() -> Iterator[None]:
    from typer._click import exceptions

    try:
        yield
    except exceptions.NoArgsIsHelpError:
        raise
    except exceptions.UsageError as error:
        where = f" (see {error.ctx.command_path} --help)" if error.ctx is not None else ""
        err.print(f"[red]Error:[/] {escape(error.format_message())}{escape(where)}", soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as error:  # a file or folder the command could not read or write
        name = f"{error.filename}: " if error.filename else ""
        err.print(f"[red]Error:[/] {escape(name + (error.strerror or str(error)))}", soft_wrap=True)
        raise typer.Exit(1) from None


def _plain_flags(command: Any) -> None:
    """Show on/off flags (``--force``, ``--help``) without a ``<bool>`` type in the help of every command, and leave
    hidden (deprecated) arguments out of the usage lines."""
    from typer._click import Context

    params = list(command.params)
    with contextlib.suppress(Exception):
        params.append(command.get_help_option(Context(command)))
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
        if param.param_type_name == "argument" and getattr(param, "hidden", False):
            param.get_usage_pieces = lambda ctx: []  # a deprecated spelling: accepted, not shown
    for sub in getattr(command, "commands", {}).values():
        _plain_flags(sub)
