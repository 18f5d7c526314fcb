"""The ``kpi`` command as one tool: every command's help, the shared options and the errors a person sees.

* every command's ``--help``: no ``<bool>`` after a flag, no ``--no-...`` twin of a plain flag, no ``--output``,
  ``--out`` on every command that writes files, usage lines without empty or doubled brackets;
* one ``--jobs`` default (one process per CPU, at most 8) on every command that has the option;
* team names whatever their case or spelling (``SALES``, ``Inside-Sales``);
* a wrong option value gives one ``Error:`` line on stderr and exit status 2 (a file that cannot be used: 1),
  never a traceback, and writes nothing;
* step lines on stderr for the commands that take more than a second.
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from kpi.cli import app
from kpi.options import MAX_JOBS, default_jobs
from workbook_templates import builder, sample_data

#: The commands that write files, each with the option that says where.
WRITERS = {
    "sample-data",
    "fill",
    "demo",
    "addin install",
    "addin conf",
    "addin lite",
    "libreoffice recalc",
    "templates build",
}
#: Somewhere even root cannot create a folder (sysfs refuses new entries).
UNWRITABLE = Path("/sys/kpi-cli-test/out")


def kpi(*args: object) -> typer.testing.Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200", "KPI_RUNTIME": ""})


def command_paths() -> list[str]:
    """Every command of ``kpi``, as typed after ``kpi`` (``fill``, ``addin lite``, ...)."""
    paths = []

    def walk(command: object, prefix: str) -> None:
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            path = f"{prefix} {name}".strip()
            if getattr(sub, "commands", None):
                walk(sub, path)
            else:
                paths.append(path)

    walk(typer.main.get_command(app), "")
    return paths


def test_the_walk_finds_every_command() -> None:
    paths = set(command_paths())
    assert paths >= WRITERS
    assert {"refresh", "report", "functions", "addin server", "addin names", "libreoffice install"} <= paths


@pytest.mark.parametrize("path", ["", *command_paths()])
def test_help_is_readable_and_writers_take_out(path: str) -> None:
    result = kpi(*path.split(), "--help")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "<bool>" not in text
    assert "--output" not in text
    assert "--no-" not in text, "a plain on/off flag is declared as a --x/--no-x pair"
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert "[]" not in usage and "[[" not in usage, usage
    if path in WRITERS:
        assert "--out" in text, f"kpi {path} writes files but has no --out"


def test_one_jobs_default_everywhere() -> None:
    assert default_jobs() == max(1, min(os.cpu_count() or 1, MAX_JOBS))
    helps = {path: kpi(*path.split(), "--help").output for path in command_paths()}
    with_jobs = [path for path, text in helps.items() if "--jobs" in text]
    assert sorted(with_jobs) == ["demo", "fill"]
    for path in with_jobs:
        assert f"default: one per CPU, at most {MAX_JOBS}" in " ".join(helps[path].split()), path


# ------------------------------------------------------------------------------------- team names


def test_functions_reads_team_names_in_any_case() -> None:
    lower = kpi("functions", "--team", "inside_sales")
    assert lower.exit_code == 0 and "SDR_ROI" in lower.output
    for spelling in ("Inside-Sales", "INSIDE_SALES", "inside sales"):
        assert kpi("functions", "--team", spelling).output == lower.output, spelling
    assert "ACV(" not in lower.output  # a sales function: the filter did filter


def test_templates_build_reads_team_language_and_runtime_in_any_case(tmp_path: Path) -> None:
    result = kpi("templates", "build", "Inside-Sales", "--lang", "ZH-cn", "--runtime", "LITE", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    written = builder.template_path("inside_sales", "zh-CN", "lite", tmp_path)
    assert written.exists() and [p for p in tmp_path.rglob("*.xlsx")] == [written]
    assert "Building inside_sales:" in result.stderr  # a step line, with its time


def test_fill_reads_team_names_in_any_case(tmp_path: Path) -> None:
    frames = sample_data.generate()
    sample_data.write_csv(tmp_path / "data", frames={"Deals": frames["Deals"].head(60)})
    for spelling, out in (("SALES", "a"), ("Sales", "b")):
        result = kpi("fill", spelling, "--data", tmp_path / "data", "--out", tmp_path / out)
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in (tmp_path / out).glob("*.xlsx")) == ["sales.xlsx"]
    workbook = openpyxl.load_workbook(tmp_path / "a" / "sales.xlsx", read_only=True)
    assert workbook["Deals"].max_row == 61  # the header and the 60 rows given
    workbook.close()


# ------------------------------------------------------------------------------------ one-line errors


def _bad_cases(tmp: Path) -> list[tuple[list[object], str, int]]:
    data = tmp / "data"
    a_file = tmp / "a-file.txt"
    workbook = builder.template_path("sales")  # an existing workbook (the committed template)
    out = tmp / "out"
    fill = ["fill", "sales", "--data", data, "--out", out]
    return [
        ([*fill, "--period", "2025-13-01", "2025-12-31"], "--period takes two ISO dates", 2),
        ([*fill, "--period", "2025-12-31", "2025-01-01"], "ends (2025-01-01) before it starts", 2),
        ([*fill, "--period", "2025-10-01"], "'--period' requires 2 arguments", 2),
        (["fill", "marketeers", "--data", data, "--out", out], "unknown team 'marketeers'", 2),
        ([*fill, "--lang", "fr"], "--lang must be one of en, zh-CN, zh-TW, not 'fr'", 2),
        ([*fill, "--runtime", "excel"], "--runtime must be one of classic, lite, server", 2),
        ([*fill, "--split", "country"], "--split must be one of owner, team, region", 2),
        ([*fill, "--jobs", "0"], "--jobs", 2),
        ([*fill, "--jobs", "many"], "--jobs", 2),
        (["fill", "sales", "--out", out], "Missing option '--data'", 2),
        (["fill", "sales", "--data", tmp / "nowhere.csv", "--out", out], "nowhere.csv", 1),
        ([*fill, "--mapping", tmp / "nowhere.toml"], "nowhere.toml' does not exist", 2),
        ([*fill, "--mapping", data], "is a directory", 2),
        ([*fill, "--preset", "pipedrive"], "no preset 'pipedrive'", 1),
        (["fill", "sales", "--data", data, "--out", a_file], f"--out {a_file} is a file, not a folder", 2),
        (["fill", "sales", "--data", data, "--out", UNWRITABLE], f"--out {UNWRITABLE}: cannot create", 2),
        (["demo", "--out", a_file], "is a file, not a folder", 2),
        (["demo", "--lang", "de", "--out", out], "--lang must be one of", 2),
        (["demo", "--runtime", "excel", "--out", out], "--runtime must be one of", 2),
        (["refresh", tmp / "nowhere.xlsx", "--data", data], "no such workbook", 1),
        (["refresh", data, "--data", data], "is a folder", 1),
        (["refresh", workbook, "--data", data, "--period", "Q4", "2025"], "--period takes two ISO dates", 2),
        (["sample-data", "--out", a_file], "is a file, not a folder", 2),
        (["sample-data", "--out", UNWRITABLE], "cannot create", 2),
        (["templates", "build", "marketeers", "--out", out], "unknown team 'marketeers'", 2),
        (["templates", "build", "sales", "--lang", "de", "--out", out], "--lang must be one of", 2),
        (["templates", "build", "sales", "--runtime", "excel", "--out", out], "--runtime must be one of", 2),
        (["templates", "build", "sales", "--out", a_file], "is a file, not a folder", 2),
        (["functions", "--team", "marketeers"], "unknown team 'marketeers'", 2),
        (["addin", "names", "--runtime", "excel"], "--runtime must be one of classic, lite, server", 2),
        (["addin", "lite", "--out", a_file], "is a file, not a folder", 2),
        (["addin", "lite", "--out", UNWRITABLE], "cannot create", 2),
        (["addin", "conf", "--out", a_file], "is a file, not a folder", 2),
        (["addin", "install", "--dry-run", "--out", data], "is a directory", 2),
        (["libreoffice", "recalc", tmp / "nowhere.xlsx"], "nowhere.xlsx' does not exist", 2),
        (["libreoffice", "recalc", workbook, "--out", a_file], "is a file, not a folder", 2),
        (["nosuch"], "No such command 'nosuch'", 2),
    ]


def test_every_bad_option_value_gives_one_error_line(tmp_path: Path) -> None:
    frames = sample_data.generate()
    sample_data.write_csv(tmp_path / "data", frames={"Deals": frames["Deals"].head(20)})
    (tmp_path / "a-file.txt").write_text("not a folder")
    failures = []
    for args, expected, status in _bad_cases(tmp_path):
        result = kpi(*args)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        shown = " ".join(str(a) for a in args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            failures.append(f"kpi {shown}: {type(result.exception).__name__}: {result.exception}")
        elif result.exit_code != status or len(lines) != 1 or not lines[0].startswith(("Error: ", "Not refreshed: ")):
            failures.append(f"kpi {shown}: exit {result.exit_code}, stderr {lines!r}")
        elif expected not in lines[0]:
            failures.append(f"kpi {shown}: {lines[0]!r} does not say {expected!r}")
    assert not failures, "\n".join(failures)
    assert not (tmp_path / "out").exists(), "a refused command wrote files"


# ------------------------------------------------------------------------------------ --out and steps


def test_sample_data_writes_to_out_with_a_step_line(tmp_path: Path) -> None:
    result = kpi("sample-data", "--out", tmp_path / "data")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "Deals.csv").exists()
    assert "Generating the sample data:" in result.stderr


def test_addin_writers_take_out(tmp_path: Path) -> None:
    lite = kpi("addin", "lite", "--out", tmp_path / "lite")
    assert lite.exit_code == 0, lite.output
    assert (tmp_path / "lite" / "main.py").exists() and (tmp_path / "lite" / "requirements.txt").exists()
    assert "Writing the xlwings Lite bundle:" in lite.stderr
    conf = kpi("addin", "conf", "--out", tmp_path / "book")
    assert conf.exit_code == 0, conf.output
    assert "UDF MODULES" in (tmp_path / "book" / "xlwings.conf").read_text()
    dry = kpi("addin", "install", "--dry-run", "--out", tmp_path / "user.conf")
    assert dry.exit_code == 0 and f"would write to {tmp_path / 'user.conf'}" in " ".join(dry.output.split())


def test_deprecated_spellings_still_work(tmp_path: Path) -> None:
    """Scripts written for the earlier command lines keep working; the help shows only --out."""
    assert kpi("addin", "lite", "--output", tmp_path / "lite").exit_code == 0
    assert (tmp_path / "lite" / "main.py").exists()
    assert kpi("addin", "conf", tmp_path / "book").exit_code == 0
    assert (tmp_path / "book" / "xlwings.conf").exists()
    assert kpi("sample-data", tmp_path / "data").exit_code == 0
    assert (tmp_path / "data" / "Deals.csv").exists()


def test_report_prints_a_step_line() -> None:
    result = kpi("report")
    assert result.exit_code == 0, result.output
    assert "Computing the worked examples:" in result.stderr
    assert "Computing" not in result.stdout
