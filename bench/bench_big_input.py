"""Big-input benchmark: a multi-million-row Deals export split by owner, its time and peak memory.

Writes a Deals.csv of ``--rows`` rows (default 5,000,000; ``--reps`` account executives own equal shares)
with its Reps, Targets and Subscriptions, then runs the whole command as a person does,

    kpi fill sales --data DIR --split owner --jobs 2 --out OUT

in a fresh process, sampling the memory of that process and all its children every 0.2 s. The peak is the
largest sum of their proportional set sizes (a page shared by forked workers counted once in all); also
shown: the sum of resident sizes (shared pages counted in every process) and the largest single process
(the kernel's ``ru_maxrss``). Target from the issue: peak memory at most 2 GB. Then it checks the output (one workbook
per rep, their Deals tables adding up to every row) and measures the openpyxl floor in the same run: load
the sales template, write ``--floor-rows`` deal rows cell by cell, save (the least any openpyxl fill
costs), as rows per second beside the command's.

    python bench/bench_big_input.py [--rows N] [--reps N] [--jobs N] [--floor-rows N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_fill import floor_fill, plain_rows, synthetic_data  # noqa: E402
from workbook_templates import builder, data_model, sample_data  # noqa: E402

TEMPLATE_ROWS_PER_REP = 500  # distinct deal rows per rep, repeated with new ids up to --rows
GB = 1024**3


def write_export(directory: Path, rows: int, reps: int) -> Path:
    """Deals.csv of ``rows`` rows (written in chunks, never whole in memory) and the tables beside it."""
    data = synthetic_data(reps, TEMPLATE_ROWS_PER_REP)
    deals = data.pop("Deals")
    sample_data.write_csv(directory, frames=data)
    text = deals.copy()
    for column in data_model.TABLES["Deals"].columns:
        series = text[column.name]
        if column.type == "date":
            text[column.name] = series.dt.strftime("%Y-%m-%d")
        elif column.type == "integer":
            text[column.name] = series.astype("Int64").astype(str)
        text[column.name] = text[column.name].astype(object).where(text[column.name].notna(), "").astype(str)
    template = pa.Table.from_pandas(text, preserve_index=False)
    dealid = template.schema.get_field_index("DealId")
    path = directory / "Deals.csv"
    with pacsv.CSVWriter(path, template.schema) as writer:
        written = 0
        while written < rows:
            count = min(len(template), rows - written)
            ids = pa.array([f"D-{i:08d}" for i in range(written + 1, written + count + 1)])
            writer.write_table(template.slice(0, count).set_column(dealid, "DealId", ids))
            written += count
    return path


class TreeMemory:
    """Samples the memory of a process and its descendants: ``peak_pss`` is the largest sum of their
    proportional set sizes (a page shared by forked workers counted once in all), ``peak_rss`` the largest
    sum of resident sizes (shared pages counted in every process: an upper bound)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        import psutil

        self.process, self.interval = psutil.Process(pid), interval
        self.peak_pss = self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            pss = rss = 0
            try:
                for process in [self.process, *self.process.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):  # a worker that just ended
                        info = process.memory_full_info()
                        pss, rss = pss + info.pss, rss + info.rss
            except psutil.Error:
                break
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            time.sleep(self.interval)

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self._thread.join()
        return self.peak_pss, self.peak_rss


def deals_rows(workbook: Path) -> int:
    """Data rows of the Deals table of a filled workbook, from its table part (without loading the sheet)."""
    with zipfile.ZipFile(workbook) as package:
        for name in package.namelist():
            if name.startswith("xl/tables/") and name.endswith(".xml"):
                xml = package.read(name).decode("utf-8")
                if re.search(r'\bname="Deals"', xml):
                    ref = re.search(r'\bref="[A-Z]+(\d+):[A-Z]+(\d+)"', xml)
                    assert ref is not None
                    return int(ref.group(2)) - int(ref.group(1))
    raise AssertionError(f"{workbook}: no Deals table")


def floor_rows_per_second(rows: int, reps: int, work: Path) -> tuple[float, float]:
    """The openpyxl floor on one sales workbook of ``rows`` deals: rows per wall second, per CPU second."""
    data = synthetic_data(reps, max(1, rows // reps))
    prepared = plain_rows({"Deals": data["Deals"]})
    cpu = time.process_time()
    seconds = floor_fill(builder.template_path("sales"), prepared, work / "floor.xlsx")
    cpu = time.process_time() - cpu
    return len(prepared["Deals"]) / seconds, len(prepared["Deals"]) / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--floor-rows", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, help="write the export and workbooks here and keep them")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="bench-big-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        export = write_export(work / "data", options.rows, options.reps)
        size = export.stat().st_size
        print(f"Deals.csv: {options.rows:,} rows, {size / GB:.2f} GB, written in {time.perf_counter() - started:.0f} s")
        command = [sys.executable, "-m", "workbook_templates.fill.commands", "fill", "sales", "--data"]
        command += [str(work / "data"), "--out", str(work / "out"), "--split", "owner", "--jobs", str(options.jobs)]
        command += ["--force"]
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        memory = TreeMemory(process.pid)
        output, _ = process.communicate()
        seconds = time.perf_counter() - started
        peak, peak_rss = memory.stop()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        single = usage.ru_maxrss * 1024  # KiB on Linux
        cpu = usage.ru_utime + usage.ru_stime  # the fill and its workers (the bench's own work is in-process)
        if process.returncode != 0:
            print(output[-3000:])
            raise SystemExit(f"the fill failed with exit status {process.returncode}")
        workbooks = sorted((work / "out" / "sales").glob("*.xlsx"))
        written = sum(deals_rows(path) for path in workbooks)
        assert len(workbooks) == options.reps, f"{len(workbooks)} workbooks, expected {options.reps}"
        assert written == options.rows, f"{written:,} deal rows in the workbooks, expected {options.rows:,}"
        floor, floor_cpu = floor_rows_per_second(options.floor_rows, options.reps, work)
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    rate = options.rows / seconds
    filling = re.search(r"(\d+) workbooks in ([\d.]+) s", output)
    print()
    print(f"| {options.rows:,} deals, `--split owner` into {options.reps} workbooks, `--jobs {options.jobs}` | |")
    print("|---|---|")
    print(f"| whole command | {seconds:.0f} s wall, {cpu:.0f} s of CPU (the process tree's user + system time) |")
    if filling:
        fill_seconds = float(filling.group(2))
        print(f"| of which reading, checking and splitting the rows | {seconds - fill_seconds:.0f} s |")
        print(f"| of which filling the workbooks | {fill_seconds:.0f} s |")
    verdict = "met" if peak <= 2 * GB else "MISSED"
    print(f"| peak memory, process tree (sum of PSS) | {peak / GB:.2f} GB (target <= 2 GB: {verdict}) |")
    print(f"| peak memory, process tree (sum of RSS, shared pages counted per process) | {peak_rss / GB:.2f} GB |")
    print(f"| peak memory, largest single process | {single / GB:.2f} GB |")
    print(f"| rows per second, whole command | {rate:,.0f} (per CPU second: {options.rows / cpu:,.0f}) |")
    print(
        f"| openpyxl floor, one workbook of {options.floor_rows:,} deals | {floor:,.0f} rows/s "
        f"(per CPU second: {floor_cpu:,.0f}) |"
    )
    print(f"| ratio (command / floor) | {rate / floor:.2f}x (per CPU second: {options.rows / cpu / floor_cpu:.2f}x) |")
    print(f"| workbooks checked | {len(workbooks)}, {written:,} deal rows in all |")


if __name__ == "__main__":
    main()
