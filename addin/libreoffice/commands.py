"""``kpi libreoffice ...``: the catalogue in LibreOffice Calc, and headless recalculation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import bridge

app = typer.Typer(help="Use the KPI functions in LibreOffice Calc.", no_args_is_help=True)
console = Console()


@app.command()
def install(
    profile: Annotated[
        Path | None, typer.Option(help="LibreOffice profile folder (default: this user's profile).")
    ] = None,
) -> None:
    """Make every catalogue function callable from Calc cells (close LibreOffice first)."""
    report = bridge.install(profile)
    console.print(f"Installed {len(report.functions)} functions into {report.basic_module.parent}")
    for name, reason in report.skipped.items():
        console.print(f"  not available in Calc: {name} ({reason})")
    console.print("Start LibreOffice Calc and type =ACV(380000;20000;3) in a cell: it shows 120000.")


@app.command()
def recalc(
    workbook: Annotated[Path, typer.Argument(help="The .xlsx to recalculate.", exists=True, dir_okay=False)],
    out: Annotated[Path, typer.Option(help="Folder for the recalculated copy.")] = Path("recalculated"),
) -> None:
    """Recalculate a workbook in headless LibreOffice with the KPI functions; the original is not touched."""
    from . import calc

    copy = calc.recalculate(workbook, out)
    console.print(f"Recalculated copy: {copy}")
