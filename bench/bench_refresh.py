"""Refresh benchmark: ``kpi refresh`` against a fresh fill of the same data, measured in the same run.

A refresh must take at most 1.5x a fresh fill (``fill_file`` into a new file) of the same data. Each case
fills a workbook, refreshes it with the same data (a backup is written, as the command does) and prints
both times and the ratio refresh / fill. The fill runs once before timing so that its template is loaded
(the fill keeps it in memory; a refresh reads its workbook every time, which is counted).

1. Every team's workbook from the bundled sample data (one row per team, and the total).
2. One sales workbook with 100,000 deals (``bench_fill.synthetic_data``).
3. Case 2 after a person added a calculated column (``=[@Amount]*2``) to the Deals table.

    python bench/bench_refresh.py [--repeat N] [--case 1 2 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import openpyxl  # noqa: E402
from bench_fill import synthetic_data  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.worksheet.table import TableFormula  # noqa: E402

from workbook_templates import builder, sample_data  # noqa: E402
from workbook_templates.fill import refresh, sources, write  # noqa: E402
from workbook_templates.spec import TEAM_ORDER, load  # noqa: E402


def best(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(
    team: str, data: Mapping[str, pd.DataFrame], folder: Path, repeat: int, edit: Callable[[Path], None] | None = None
) -> tuple[float, float]:
    """(fill seconds, refresh seconds) for one workbook, the best of ``repeat``."""
    template = builder.template_path(team)
    filled = folder / f"{team}.xlsx"
    write.fill_file(template, data, filled)  # loads the template once, as a batch fill does
    fill = best(lambda: write.fill_file(template, data, folder / f"{team}-fresh.xlsx"), repeat)
    if edit is not None:
        edit(filled)
    work = folder / f"{team}-refreshed.xlsx"

    def one_refresh() -> None:
        shutil.copyfile(filled, work)
        result = refresh.refresh(work, data)
        result.backup.unlink()

    started = time.perf_counter()
    shutil.copyfile(filled, work)
    copy_time = time.perf_counter() - started
    return fill, best(one_refresh, repeat) - copy_time


def add_calculated_column(path: Path) -> None:
    workbook = openpyxl.load_workbook(path)
    ws = workbook["Deals"]
    table = ws.tables["Deals"]
    last, column = ws.max_row, ws.max_column + 1
    letter = get_column_letter(column)
    ws.cell(1, column, "Double")
    for row in range(2, last + 1):
        ws.cell(row, column, "=Deals[[#This Row],[Amount]]*2")
    table.ref = table.autoFilter.ref = f"A1:{letter}{last}"
    table.tableColumns = []
    table._initialise_columns()
    table.tableColumns[-1].calculatedColumnFormula = TableFormula(attr_text="Deals[[#This Row],[Amount]]*2")
    workbook.save(path)


def report(label: str, fill: float, refreshed: float) -> None:
    print(f"{label:<34} fill {fill:7.2f} s   refresh {refreshed:7.2f} s   refresh/fill {refreshed / fill:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--case", type=int, nargs="*", default=[1, 2, 3])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if 1 in args.case:
            csvs = folder / "sample"
            sample_data.write_csv(csvs)
            frames = sources.load(sorted(csvs.glob("*.csv"))).frames
            total_fill = total_refresh = 0.0
            for team in TEAM_ORDER:
                own = {name: frames[name] for name in load(team).tables if name in frames}
                fill, refreshed = measure(team, own, folder, args.repeat)
                report(f"1. {team} (sample data)", fill, refreshed)
                total_fill, total_refresh = total_fill + fill, total_refresh + refreshed
            report("1. every team (total)", total_fill, total_refresh)
        if 2 in args.case or 3 in args.case:
            big = synthetic_data()
            if 2 in args.case:
                report("2. sales, 100,000 deals", *measure("sales", big, folder / "", args.repeat))
            if 3 in args.case:
                fill, refreshed = measure("sales", big, folder, args.repeat, edit=add_calculated_column)
                report("3. sales, 100,000 deals + calc col", fill, refreshed)


if __name__ == "__main__":
    main()
