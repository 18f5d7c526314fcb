"""Row functions over a million rows, as xlwings hands them over, beside the bare cost of numpy.

Run: ``python bench/bench_rows.py [rows]``. Prints each figure, the bare cost of turning the same Python
lists into numpy arrays (measured in the same run), their ratio, and the target from the issue. The
machine is shared and noisy, so each figure is the least CPU time of several runs. For the date cases the
baseline is the conversion floor: numpy reading the serial numbers the dates stand for.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import udfs  # noqa: E402
from udfs.coerce import datetime_from_serial  # noqa: E402


def best_of(run: Callable[[], object], repeats: int = 5) -> float:
    """Least CPU time of this process over ``repeats`` runs, in seconds.

    CPU time, not wall time: on a shared machine the wall clock also counts the waits for a free core, which
    swing a figure threefold from one minute to the next. Every case here runs on one thread.
    """
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def import_time(module: str, repeats: int = 5) -> float:
    """Seconds to import ``module`` in a fresh interpreter (best of ``repeats``)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    root = Path(__file__).resolve().parent.parent
    return min(
        float(subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True).stdout)
        for _ in range(repeats)
    )


def main(rows: int = 1_000_000) -> int:
    rng = random.Random(2024)
    created = [45292 + rng.random() * 700 for _ in range(rows)]
    closed = [c + rng.random() * 120 if rng.random() < 0.7 else None for c in created]
    owners = [rng.choice(["Alice", "Bob", "Carol", "Dan", "Eve", "Frank"]) for _ in range(rows)]
    scores = [float(rng.randint(0, 10)) for _ in range(rows)]
    created_2d, closed_2d = [[c] for c in created], [[c] for c in closed]
    created_dt = [datetime_from_serial(c) for c in created]
    closed_dt = [None if c is None else datetime_from_serial(c) for c in closed]
    created_days = [datetime_from_serial(int(c)) for c in created]
    closed_days = [None if c is None else datetime_from_serial(int(c)) for c in closed]
    created_iso_days = [d.date().isoformat() for d in created_days]
    closed_iso_days = [None if d is None else d.date().isoformat() for d in closed_days]
    created_iso = [d.isoformat(timespec="seconds") for d in created_dt]
    closed_iso = [None if d is None else d.isoformat(timespec="seconds") for d in closed_dt]

    def to_numpy(*columns: list) -> Callable[[], object]:
        return lambda: [np.array(column, dtype=np.float64) for column in columns]

    # (label, run, baseline, target in seconds, target as a ratio to the baseline)
    cases = [
        ("NPS(scores): numbers", lambda: udfs.NPS(scores), to_numpy(scores), 0.3, None),
        (
            "SALES_CYCLE_LENGTH: serial dates",
            lambda: udfs.SALES_CYCLE_LENGTH(created, closed),
            to_numpy(created, closed),
            0.3,
            3.0,
        ),
        (
            "SALES_CYCLE_LENGTH: + criteria pair",
            lambda: udfs.SALES_CYCLE_LENGTH(created, closed, owners, "alice"),
            to_numpy(created, closed),
            1.0,
            None,
        ),
        (
            "SALES_CYCLE_LENGTH: 2-D serial dates",
            lambda: udfs.SALES_CYCLE_LENGTH(created_2d, closed_2d),
            to_numpy(created_2d, closed_2d),
            None,
            3.0,
        ),
        (
            "SALES_CYCLE_LENGTH: datetimes, whole days",
            lambda: udfs.SALES_CYCLE_LENGTH(created_days, closed_days),
            to_numpy(created, closed),
            None,
            3.0,
        ),
        (
            "SALES_CYCLE_LENGTH: datetimes, all distinct",
            lambda: udfs.SALES_CYCLE_LENGTH(created_dt, closed_dt),
            to_numpy(created, closed),
            None,
            3.0,
        ),
        (
            "SALES_CYCLE_LENGTH: ISO text, whole days",
            lambda: udfs.SALES_CYCLE_LENGTH(created_iso_days, closed_iso_days),
            to_numpy(created, closed),
            None,
            3.0,
        ),
        (
            "SALES_CYCLE_LENGTH: ISO text, all distinct",
            lambda: udfs.SALES_CYCLE_LENGTH(created_iso, closed_iso),
            to_numpy(created, closed),
            None,
            None,
        ),
    ]
    print(f"{rows:,} rows as Python lists; least CPU time of 5; baseline = np.array() of the same lists in this run")
    print("(date cases: the baseline is np.array() of the serial-number lists, the conversion floor)\n")
    print(f"{'case':46s} {'seconds':>8s} {'baseline':>9s} {'ratio':>6s} {'target':>9s}  verdict")
    failures = 0
    for label, run, baseline, target, ratio_target in cases:
        seconds, bare = best_of(run), best_of(baseline)
        ratio = seconds / bare
        checks = [seconds < target] if target is not None else []
        checks += [ratio <= ratio_target] if ratio_target is not None else []
        verdict = "-" if not checks else ("ok" if all(checks) else "SLOW")
        failures += verdict == "SLOW"
        shown = " ".join(
            ([f"<{target:g}s"] if target is not None else []) + ([f"≤{ratio_target:g}x"] if ratio_target else [])
        )
        print(f"{label:46s} {seconds:8.3f} {bare:9.3f} {ratio:5.1f}x {shown or '-':>9s}  {verdict}")
    udfs_import, numpy_import = import_time("udfs"), import_time("numpy")
    verdict = "ok" if udfs_import < 0.3 else "SLOW"
    failures += verdict == "SLOW"
    print(
        f"{'import udfs (fresh interpreter)':46s} {udfs_import:8.3f} {numpy_import:9.3f} "
        f"{udfs_import / numpy_import:5.1f}x {'<0.3s':>9s}  {verdict}   (baseline: import numpy)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
