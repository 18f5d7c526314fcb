"""``kpi libreoffice ...``: the catalogue in LibreOffice Calc, and headless recalculation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kpi.options import failure, out_folder, out_option, step

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
    try:
        with step("Installing the functions into LibreOffice"):
            report = bridge.install(profile)
    except (FileNotFoundError, RuntimeError) as error:
        failure(str(error))
    console.print(f"Installed {len(report.functions)} functions into {report.basic_module.parent}")
    for name, reason in report.skipped.items():
        console.print(f"  not available in Calc: {name} ({reason})")
    console.print("Start LibreOffice Calc and type =ACV(380000;20000;3) in a cell: it shows 120000.")


@app.command()
def recalc(
    workbook: Annotated[
        Path, typer.Argument(metavar="WORKBOOK", help="The .xlsx to recalculate.", exists=True, dir_okay=False)
    ],
    out: Annotated[Path, out_option("Folder for the recalculated copy (created if missing).")] = Path("recalculated"),
) -> None:
    """Recalculate a workbook in headless LibreOffice with the KPI functions; the original is not touched."""
    from . import calc

    out_folder(out)
    try:
        with step(f"Recalculating {workbook.name} in LibreOffice"):
            copy = calc.recalculate(workbook, out)
    except (calc.LibreOfficeError, ValueError) as error:
        failure(f"{workbook}: {error}")
    console.print(f"Recalculated copy: {copy}")
