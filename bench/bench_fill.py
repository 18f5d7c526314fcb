"""Batch-fill benchmark: ``kpi fill`` against the bare openpyxl floor, measured in the same run.

The floor is what any fill has to do at least with openpyxl: load the template, write the rows cell by cell
(values already converted to plain Python, outside the timing) and save. The fill does more: it writes
the scorecard, evaluates every formula and stores the values as cached values, restores dynamic-array
markers and writes atomically. Cases (the issue's targets on the 2-core CI machine):

1. 100 sales workbooks of 1,000 deals each (``--split owner`` over 100 reps), ``--jobs 2``: < 15 s.
2. One sales workbook with 100,000 deals: < 25 s.
3. ``kpi demo``: every team's workbook from the bundled sample data, ``--jobs 2``.
4. Case 1 end to end, as a person runs it: ``kpi fill sales --data DIR --split owner --jobs 2`` in a fresh
   process, reading the 100,000 deals from CSV files and checking every value (no floor: openpyxl has no
   CSV reader; the time is the whole command, Python's start included).

Each case runs ``--repeat`` times (default 1; the best is kept); the ratio is fill / floor.

    python bench/bench_fill.py [--repeat N] [--case 1 2 3]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from openpyxl.utils import get_column_letter, range_boundaries  # noqa: E402

from workbook_templates import builder, data_model, sample_data  # noqa: E402
from workbook_templates.fill import batch  # noqa: E402
from workbook_templates.fill.cells import plain_value  # noqa: E402

REPS = 100
DEALS_PER_REP = 1_000


def synthetic_data(reps: int = REPS, deals_per_rep: int = DEALS_PER_REP) -> dict[str, pd.DataFrame]:
    """The sample data with ``reps`` account executives owning ``deals_per_rep`` deals each."""
    sample = sample_data.generate()
    names = [f"Rep {i:03d}" for i in range(1, reps + 1)]
    ae = sample["Reps"][sample["Reps"]["Role"] == "AE"].iloc[0]
    reps_frame = pd.DataFrame([ae] * reps).reset_index(drop=True)
    reps_frame["Rep"] = names
    reps_frame["ExitDate"] = pd.NaT
    deals = sample["Deals"]
    index = np.resize(np.arange(len(deals)), reps * deals_per_rep)
    big = deals.iloc[index].reset_index(drop=True)
    big["DealId"] = [f"D-{i:07d}" for i in range(1, len(big) + 1)]
    big["Owner"] = np.repeat(names, deals_per_rep)
    months = pd.date_range("2024-01-01", "2025-12-01", freq="MS")
    targets = pd.DataFrame(
        {
            "Month": np.tile(months, reps),
            "Scope": "Rep",
            "Owner": np.repeat(names, len(months)),
            "Metric": "Bookings",
            "Target": 100_000.0,
            "Weight": 0.7,
        }
    )
    company = sample["Targets"][sample["Targets"]["Scope"] != "Rep"]
    targets = pd.concat([company, targets], ignore_index=True)
    return {"Deals": big, "Reps": reps_frame, "Targets": targets, "Subscriptions": sample["Subscriptions"]}


# ------------------------------------------------------------------------------------------- floor


def plain_rows(data: Mapping[str, pd.DataFrame]) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows as plain Python values, as openpyxl takes them (prepared outside the timing)."""
    rows = {}
    for name, frame in data.items():
        columns = data_model.column_names(name)
        rows[name] = [tuple(map(plain_value, row)) for row in frame[columns].itertuples(index=False, name=None)]
    return rows


def floor_fill(template: Path, rows: Mapping[str, list[tuple[Any, ...]]], destination: Path) -> float:
    """openpyxl: load the template, write the rows cell by cell, resize the tables, save."""
    started = time.perf_counter()
    workbook = openpyxl.load_workbook(template)
    for name, table_rows in rows.items():
        ws = workbook[name]
        table = ws.tables[name]
        min_col, min_row, max_col, _ = range_boundaries(table.ref)
        for offset, row in enumerate(table_rows, start=min_row + 1):
            for column, value in enumerate(row, start=min_col):
                ws.cell(row=offset, column=column, value=value)
        table.ref = f"A1:{get_column_letter(max_col)}{min_row + max(len(table_rows), 1)}"
    workbook.save(destination)
    return time.perf_counter() - started


def _floor_job(arguments: tuple[Path, dict[str, list[tuple[Any, ...]]], Path]) -> float:
    return floor_fill(*arguments)


def floor_batch(jobs: Sequence[batch.Job], processes: int) -> float:
    prepared = [(job.template, plain_rows(job.data), job.destination.with_suffix(".floor.xlsx")) for job in jobs]
    for _, _, destination in prepared:
        destination.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if processes <= 1:
        for item in prepared:
            _floor_job(item)
    else:
        with concurrent.futures.ProcessPoolExecutor(processes) as pool:
            list(pool.map(_floor_job, prepared, chunksize=1))
    return time.perf_counter() - started


def fill_batch(jobs: Sequence[batch.Job], processes: int) -> float:
    started = time.perf_counter()
    results = batch.run(jobs, processes=processes, force=True)
    failed = [r for r in results if r.status != "written"]
    if failed:
        raise RuntimeError(f"{len(failed)} workbooks failed: {failed[0].message}")
    return time.perf_counter() - started


# ------------------------------------------------------------------------------------------- cases


def best(repeat: int, measure: Callable[[], float]) -> float:
    return min(measure() for _ in range(repeat))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--case", type=int, nargs="*", default=[1, 2, 3, 4])
    parser.add_argument("--jobs", type=int, default=2)
    options = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-fill-"))
    rows: list[tuple[str, float, float, str]] = []
    try:
        data = synthetic_data()
        template = builder.template_path("sales")
        if 1 in options.case:
            jobs = batch.plan(["sales"], data, work / "case1", split="owner")
            assert len(jobs) == REPS and all(len(j.data["Deals"]) == DEALS_PER_REP for j in jobs)
            floor = best(options.repeat, lambda: floor_batch(jobs, options.jobs))
            ours = best(options.repeat, lambda: fill_batch(jobs, options.jobs))
            rows.append((f"{REPS} workbooks x {DEALS_PER_REP:,} deals, --jobs {options.jobs}", ours, floor, "< 15 s"))
        if 2 in options.case:
            jobs = batch.plan(["sales"], data, work / "case2")
            assert len(jobs[0].data["Deals"]) == REPS * DEALS_PER_REP
            floor = best(options.repeat, lambda: floor_batch(jobs, 1))
            ours = best(options.repeat, lambda: fill_batch(jobs, 1))
            rows.append((f"1 workbook x {REPS * DEALS_PER_REP:,} deals", ours, floor, "< 25 s"))
        if 3 in options.case:
            frames = sample_data.generate()
            from workbook_templates.spec import TEAM_ORDER

            jobs = batch.plan(list(TEAM_ORDER), frames, work / "case3")
            floor = best(options.repeat, lambda: floor_batch(jobs, options.jobs))
            ours = best(options.repeat, lambda: fill_batch(jobs, options.jobs))
            rows.append((f"kpi demo: 8 team workbooks, sample data, --jobs {options.jobs}", ours, floor, ""))
        if 4 in options.case:
            csv_dir = work / "csv"
            sample_data.write_csv(csv_dir, frames=data)
            command = [sys.executable, "-m", "workbook_templates.fill.commands", "fill", "sales"]
            command += ["--data", str(csv_dir)]
            command += ["--out", str(work / "case4"), "--split", "owner", "--jobs", str(options.jobs), "--force"]

            def end_to_end() -> float:
                started = time.perf_counter()
                subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
                return time.perf_counter() - started

            seconds = best(options.repeat, end_to_end)
            rows.append((f"the same from CSV files, whole `kpi fill` command, --jobs {options.jobs}", seconds, 0.0, ""))
        del template
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n| Case | Fill (s) | openpyxl floor (s) | Ratio | Target |\n|---|---|---|---|---|")
    for case, ours, floor, target in rows:
        if floor:
            print(f"| {case} | {ours:.2f} | {floor:.2f} | {ours / floor:.2f}x | {target} |")
        else:
            print(f"| {case} | {ours:.2f} | | | {target} |")


if __name__ == "__main__":
    main()
