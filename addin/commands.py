"""``kpi addin ...``: set up each Excel runtime (the lead wires :data:`app` into the ``kpi`` command).

* ``kpi addin install``  classic xlwings on Windows: install the xlwings add-in, point it at ``udfs.excel``
* ``kpi addin conf``    the same settings as an ``xlwings.conf`` beside a workbook (``--out`` its folder)
* ``kpi addin lite``     write the xlwings Lite bundle (``main.py`` + ``requirements.txt``, ``--out`` their folder)
* ``kpi addin server``   start xlwings Server on localhost (functions ``=KPI.ACV(...)``)
* ``kpi addin names``    how each function is typed and stored in a workbook, per runtime
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kpi.options import choice, out_folder, out_option, step

from . import classic

app = typer.Typer(
    help="Set up the Excel add-in: classic xlwings, xlwings Lite or xlwings Server.", no_args_is_help=True
)
console = Console()
LITE_DIR = Path("kpi-lite")
HERE = Path(".")

Interpreter = Annotated[str, typer.Option(help="Python the add-in runs (default: this one).")]
PythonPath = Annotated[str | None, typer.Option(help="Folder holding the udfs package (default: this project).")]

LICENSE_HELP = (
    "xlwings Server is part of xlwings PRO: free for non-commercial use (pass --noncommercial), "
    "commercial use needs a paid xlwings licence key (--license-key or XLWINGS_LICENSE_KEY). "
    "xlwings Lite is free for any use: see `kpi addin lite`."
)


@app.command()
def install(
    interpreter: Interpreter = "",
    pythonpath: PythonPath = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            dir_okay=False,
            help="Config file to update (default: the xlwings user config).",
        ),
    ] = None,
    conf: Annotated[Path | None, typer.Option("--conf", hidden=True, dir_okay=False)] = None,
    skip_addin: Annotated[
        bool, typer.Option("--skip-addin", help="Only write the configuration (add-in already installed).")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be done, change nothing.")] = False,
) -> None:
    """Classic xlwings (Windows): run `xlwings addin install`, then set UDF Modules to udfs.excel."""
    target = out or conf or classic.user_conf_path()
    settings = classic.conf_settings(interpreter or None, pythonpath)
    if dry_run:
        if not skip_addin:
            console.print("would run: " + " ".join(classic.addin_install_command()), soft_wrap=True, markup=False)
        console.print(f"would write to {target}:", soft_wrap=True, markup=False)
        console.print(classic.format_conf(settings), markup=False, end="", soft_wrap=True)
        return
    if not sys.platform.startswith("win") and not skip_addin:
        console.print(
            "Classic xlwings functions need Windows Excel. On a Mac or Excel on the web use xlwings Lite: "
            "`kpi addin lite`. (--skip-addin writes the configuration anyway.)"
        )
        raise typer.Exit(1)
    try:
        path, settings = classic.install(target, interpreter or None, pythonpath, skip_addin=skip_addin)
    except RuntimeError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Wrote {path}:")
    console.print(classic.format_conf(settings), markup=False, end="")
    console.print(
        "Next, in Excel: open a macro-enabled workbook (.xlsm) that references xlwings (VBA editor > Tools > "
        "References > xlwings), allow 'Trust access to the VBA project object model' (Trust Center > Macro "
        "Settings), then click xlwings > Import Functions. =ACV(380000,20000,3) gives 120000."
    )


@app.command("conf")
def conf_file(
    out: Annotated[Path, out_option("Folder of the workbook (created if missing).")] = HERE,
    directory: Annotated[Path | None, typer.Argument(hidden=True, metavar="", show_default=False)] = None,
    interpreter: Interpreter = "",
    pythonpath: PythonPath = None,
) -> None:
    """Write an xlwings.conf beside a workbook (overrides the user config for workbooks in that folder)."""
    folder = out_folder(directory or out)
    path = classic.write_conf(folder / "xlwings.conf", classic.conf_settings(interpreter or None, pythonpath))
    console.print(f"Wrote {path}")


@app.command()
def lite(
    out: Annotated[Path, out_option("Folder for main.py and requirements.txt (created if missing).")] = LITE_DIR,
    output: Annotated[Path | None, typer.Option("--output", hidden=True)] = None,
) -> None:
    """xlwings Lite (Windows, macOS, Excel on the web): write the self-contained main.py and requirements.txt."""
    from .lite import write_bundle

    folder = out_folder(output or out)
    with step("Writing the xlwings Lite bundle"):
        main, reqs = write_bundle(folder)
    console.print(f"Wrote {main} ({main.stat().st_size // 1024} KB) and {reqs}.")
    console.print(
        "In Excel: Home > Add-ins > search 'xlwings Lite' > Add. In the Lite editor, replace main.py with the "
        "contents of main.py, add the lines of requirements.txt to its requirements.txt tab, then type "
        "=ACV(380000,20000,3) in a cell."
    )


@app.command()
def server(
    host: Annotated[str, typer.Option(help="Address to listen on (keep localhost unless you deploy).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    license_key: Annotated[str, typer.Option(help="xlwings licence key (default: XLWINGS_LICENSE_KEY).")] = "",
    noncommercial: Annotated[
        bool, typer.Option("--noncommercial", help="Use the free non-commercial licence key.")
    ] = False,
) -> None:
    """xlwings Server: serve the add-in manifest and the KPI.* functions on https://localhost:8000."""
    from .server import PROJECT_DIR, run, ssl_files

    key = "noncommercial" if noncommercial else license_key or os.environ.get("XLWINGS_LICENSE_KEY", "")
    if not key:
        console.print(LICENSE_HELP)
        raise typer.Exit(1)
    if ssl_files() is None:
        console.print(
            f"No certificate in {PROJECT_DIR / 'certs'}: Excel only loads add-ins over HTTPS. Create one with "
            "mkcert (https://github.com/FiloSottile/mkcert): `mkcert -install`, then in that folder "
            "`mkcert localhost 127.0.0.1 ::1`. Starting on plain HTTP for now."
        )
    scheme = "https" if ssl_files() else "http"
    console.print(f"Manifest for Excel: {scheme}://{host}:{port}/manifest  (Ctrl+C stops the server)")
    raise typer.Exit(run(host, port, key))


@app.command()
def names(
    runtime: Annotated[
        str, typer.Option(metavar="classic|lite|server", help="Only this runtime (default: all three).")
    ] = "",
) -> None:
    """How each function is typed in Excel and stored in a workbook, per runtime."""
    import udfs
    from udfs.excel import NAMESPACE, RUNTIMES, formula_name, typed_name

    shown = [choice(runtime, RUNTIMES, "--runtime")] if runtime else list(RUNTIMES)
    table = Table()
    table.add_column("Function")
    for name in shown:
        table.add_column(f"{name}: typed")
        table.add_column(f"{name}: stored in .xlsx")
    for entry in udfs.catalog():
        row = [entry.name]
        for name in shown:
            typed = typed_name(entry.name, name)
            row += [f"{NAMESPACE}.{typed}" if name == "server" else typed, formula_name(entry.name, name)]
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    app()
