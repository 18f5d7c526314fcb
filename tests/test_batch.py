"""Batch fill: splits, safe file names, keeping existing outputs, an interrupted run, the ``kpi`` commands.

The interrupted-run test starts ``kpi fill --split owner`` in a subprocess, kills it (SIGKILL, no clean-up)
as soon as the first workbook appears, then runs the same command again: every workbook must end up
complete and valid, the ones written before the kill kept as they were, no ``.partial`` file left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from workbook_templates import builder, sample_data
from workbook_templates.fill import batch, commands, split, write

PROJECT = Path(__file__).resolve().parents[1]
SALES_TABLES = ("Deals", "Reps", "Targets", "Subscriptions")


@cache
def frames() -> dict[str, pd.DataFrame]:
    return sample_data.generate()


def sales_csv(directory: Path) -> Path:
    sample_data.write_csv(directory, frames={name: frames()[name] for name in SALES_TABLES})
    return directory


def invoke(*args: str) -> object:
    return CliRunner().invoke(commands.app, [str(a) for a in args])


# ------------------------------------------------------------------------------------------ file names


def test_safe_names_are_safe_and_distinct() -> None:
    values = [
        "../../etc/passwd",
        "..",
        "CON",
        "aux.txt",
        "Lpt1",
        "a\x01b\nc",
        "x" * 300,
        "Ann/Lee",
        "Ann_Lee",
        "Zoë Martin",
        "zoë martin",
        "trailing dot.",
        " spaced ",
        'What?*:"<>|',
        "Daniel Kim",
    ]
    names = batch.safe_names(values)
    assert len(set(n.casefold() for n in names.values())) == len(values)  # distinct, even ignoring case
    for name in names.values():
        assert "/" not in name and "\\" not in name and not any(ord(c) < 32 for c in name), name
        assert not name.startswith(".") and not name.endswith((".", " ")), name
        assert name.split(".")[0].upper() not in {"CON", "AUX", "LPT1", "PRN", "NUL"}, name
        assert len(name.encode()) <= batch.MAX_NAME_BYTES + 9, name
        assert Path("out", name + ".xlsx").resolve().parent == Path("out").resolve(), name
    assert names["Daniel Kim"] == "Daniel Kim"  # a safe value is kept as it is
    assert names["Ann/Lee"] != names["Ann_Lee"]


def test_unsafe_owner_names_become_safe_files(tmp_path: Path) -> None:
    owners = ["../escape", "CON", "aux.txt", "tab\there", "n" * 250, "Ann/Lee", "Ann_Lee"]
    data = {name: frames()[name] for name in SALES_TABLES}
    ae = data["Reps"][data["Reps"]["Role"] == "AE"].iloc[0]
    data["Reps"] = pd.DataFrame([ae] * len(owners)).assign(Rep=owners, ExitDate=pd.NaT).reset_index(drop=True)
    deals = data["Deals"].head(len(owners) * 20).copy()
    deals["Owner"] = [owners[i % len(owners)] for i in range(len(deals))]
    data["Deals"] = deals
    jobs = batch.plan(["sales"], data, tmp_path / "out", split="owner")
    results = batch.run(jobs)
    assert [r.status for r in results] == ["written"] * len(owners)
    written = sorted((tmp_path / "out" / "sales").iterdir())
    assert len(written) == len(owners) and all(p.parent == tmp_path / "out" / "sales" for p in written)
    for result in results:
        book = openpyxl.load_workbook(result.path, read_only=True)
        owner_column = [c.value for c in next(book["Deals"].iter_rows(max_row=1))].index("Owner")
        seen = {row[owner_column] for row in book["Deals"].iter_rows(min_row=2, values_only=True)}
        assert seen == {result.split_value}


# -------------------------------------------------------------------------------------------- splits


def test_split_by_owner_gives_each_rep_only_their_rows(tmp_path: Path) -> None:
    data = {name: frames()[name] for name in SALES_TABLES}
    jobs = batch.plan(["sales"], data, tmp_path, split="owner")
    people = write.scorecard_people(builder_spec("sales"), data, builder.DEFAULT_PERIOD[0])
    assert [job.split_value for job in jobs] == people
    results = batch.run(jobs[:3])
    for job, result in zip(jobs[:3], results, strict=True):
        assert result.status == "written" and result.rows["Deals"] == (data["Deals"]["Owner"] == job.split_value).sum()
        workbook = openpyxl.load_workbook(result.path, data_only=True)
        scorecard = workbook["Scorecard"]
        assert scorecard.cell(builder.FIRST_ROW, 1).value == job.split_value
        assert scorecard.cell(builder.FIRST_ROW + 1, 1).value is None
        assert isinstance(scorecard.cell(builder.FIRST_ROW, 2).value, float | int | str)


def builder_spec(team: str):  # noqa: ANN201 - a TeamSpec
    from workbook_templates.spec import load

    return load(team)


@pytest.mark.parametrize("by,column", [("team", "Team"), ("region", "Region")])
def test_split_by_team_and_region(by: str, column: str) -> None:
    data = {name: frames()[name] for name in ("Deals", "Reps", "Customers", "Subscriptions", "Tickets")}
    values = sorted(data["Deals"][column].unique())
    parts = split.split_data(data, by, values)
    for value, own in parts.items():
        assert set(own["Deals"][column]) <= {value} and set(own["Reps"][column]) <= {value}
        if by == "region":
            kept = set(own["Customers"]["Customer"])
            assert set(own["Subscriptions"]["Customer"]) <= kept and set(own["Tickets"]["Customer"]) <= kept
    assert sum(len(own["Deals"]) for own in parts.values()) == len(data["Deals"])


# ---------------------------------------------------------------------------------- existing outputs


def test_existing_outputs_are_kept_unless_forced(tmp_path: Path) -> None:
    data = sales_csv(tmp_path / "data")
    out = tmp_path / "out"
    first = invoke("fill", "sales", "--data", data, "--out", out)
    assert first.exit_code == 0, first.output
    written = out / "sales.xlsx"
    stamp = written.stat().st_mtime_ns
    again = invoke("fill", "sales", "--data", data, "--out", out)
    assert again.exit_code == 0 and "kept" in again.output
    assert written.stat().st_mtime_ns == stamp
    forced = invoke("fill", "sales", "--data", data, "--out", out, "--force")
    assert forced.exit_code == 0 and written.stat().st_mtime_ns != stamp
    other = out / "sales.xlsx"
    other.write_text("a person's own file, not a workbook")
    refused = invoke("fill", "sales", "--data", data, "--out", out)
    assert refused.exit_code == 1 and "not overwritten" in refused.output
    assert other.read_text() == "a person's own file, not a workbook"


def test_interrupted_fill_completes_on_the_next_run(tmp_path: Path) -> None:
    data, out = sales_csv(tmp_path / "data"), tmp_path / "out"
    command = [sys.executable, "-m", "workbook_templates.fill.commands", "fill", "sales", "--data", str(data)]
    command += ["--out", str(out), "--split", "owner", "--jobs", "1"]
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "COLUMNS": "200"}
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while not list((out / "sales").glob("*.xlsx")) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    before = {p.name: p.read_bytes() for p in (out / "sales").glob("*.xlsx")}
    assert before, f"no workbook appeared before the kill: {process.stderr.read().decode()[-2000:]}"
    expected = len(batch.plan(["sales"], {n: frames()[n] for n in SALES_TABLES}, out, split="owner"))
    assert len(before) < expected, "the run finished before it was killed"
    assert all(batch.is_complete(out / "sales" / name) for name in before)  # never a half-written workbook
    rerun = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    after = sorted((out / "sales").iterdir())
    assert len(after) == expected and all(p.suffix == ".xlsx" for p in after), after  # no .partial left
    for path in after:
        assert batch.is_complete(path)
        workbook = openpyxl.load_workbook(path, data_only=True)
        assert isinstance(workbook["KPIs"].cell(builder.FIRST_ROW, 3).value, float | int)
    for name, content in before.items():
        assert (out / "sales" / name).read_bytes() == content  # kept, not redone
    assert f"kept (already complete): {len(before)}" in rerun.stdout.replace("\n", " ")


# ------------------------------------------------------------------------------------------ commands


def test_fill_stops_on_bad_rows_and_names_them(tmp_path: Path) -> None:
    data, out = sales_csv(tmp_path / "data"), tmp_path / "out"
    deals = pd.read_csv(data / "Deals.csv", dtype=str, keep_default_na=False)
    deals.loc[4, "CloseDate"] = "someday"  # file row 6
    deals.loc[9, "Stage"] = "Won-ish"  # file row 11
    deals.to_csv(data / "Deals.csv", index=False)
    result = invoke("fill", "sales", "--data", data, "--out", out)
    assert result.exit_code == 1
    report = pd.read_csv(out / "bad-rows.csv")
    assert report[["row", "column", "value"]].values.tolist() == [[6, "CloseDate", "someday"], [11, "Stage", "Won-ish"]]
    assert not (out / "sales.xlsx").exists()
    skipped = invoke("fill", "sales", "--data", data, "--out", out, "--skip-bad-rows")
    assert skipped.exit_code == 0, skipped.output
    workbook = openpyxl.load_workbook(out / "sales.xlsx")
    rows = [[c.value for c in row][:4] for row in workbook[write.SKIPPED_SHEET].iter_rows(min_row=2)]
    assert [r[1:4] for r in rows] == [[6, "Deals", "CloseDate"], [11, "Deals", "Stage"]]
    assert workbook["Deals"].tables["Deals"].ref == f"A1:AA{len(deals) - 2 + 1}"


def test_fill_with_the_salesforce_preset(tmp_path: Path) -> None:
    from tests.test_sources import SALESFORCE_FOOTER, SALESFORCE_HEADER, SALESFORCE_ROWS, write_csv

    data = tmp_path / "data"
    data.mkdir()
    write_csv(data / "report.csv", [SALESFORCE_HEADER, *SALESFORCE_ROWS, *SALESFORCE_FOOTER], quote_all=True)
    sample_data.write_csv(data, frames={"Reps": frames()["Reps"]})
    out = tmp_path / "out"
    result = invoke("fill", "sales", "--data", data, "--preset", "salesforce", "--out", out)
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(out / "sales.xlsx", data_only=True)
    assert workbook["Deals"].tables["Deals"].ref == "A1:AA5"
    assert "Segment" in result.output  # the defaults used are listed


def test_fill_period_and_language(tmp_path: Path) -> None:
    data, out = sales_csv(tmp_path / "data"), tmp_path / "out"
    result = invoke(
        "fill", "sales", "--data", data, "--out", out, "--lang", "zh-CN", "--period", "2025-01-01", "2025-06-30"
    )
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(out / "sales.xlsx")
    assert write.template_info(workbook)["KpiLanguage"] == "zh-CN"
    assert [d.isoformat() for d in write.period(workbook)] == ["2025-01-01", "2025-06-30"]
    assert batch.is_complete(out / "sales.xlsx")
    assert invoke("fill", "sales", "--data", data, "--out", out, "--period", "2025-06-30", "2025-01-01").exit_code == 2
    assert invoke("fill", "nobody", "--data", data, "--out", out).exit_code == 2


def test_sample_data_command(tmp_path: Path) -> None:
    result = invoke("sample-data", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "Deals.csv").exists() and "Deals" in result.output
