"""``kpi templates ...``: build the team templates from their specs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kpi.options import choice, out_folder, out_option, step, team_name

from . import builder, spec
from .messages import LANGUAGES

app = typer.Typer(help="Build the team template workbooks from their specs.", no_args_is_help=True)
console = Console()


@app.command()
def build(
    team: Annotated[str, typer.Argument(metavar="TEAM", help=f"A team ({', '.join(spec.TEAM_ORDER)}) or all.")] = "all",
    out: Annotated[Path, out_option("Folder for the templates (created if missing).")] = Path("templates"),
    lang: Annotated[str, typer.Option(metavar="|".join(LANGUAGES), help="Language.")] = "en",
    runtime: Annotated[
        str,
        typer.Option(
            metavar="|".join(builder.RUNTIMES),
            help="classic (=ACV), lite (=ACV) or server (=KPI.ACV): see docs/EXCEL_RUNTIMES.md.",
        ),
    ] = "classic",
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Write empty team templates (tables with headers, formulas, inputs, charts) for a runtime and language."""
    key = team_name(team)
    teams = spec.TEAM_ORDER if key == "all" else (key,)
    lang = choice(lang, LANGUAGES, "--lang")
    runtime = choice(runtime, builder.RUNTIMES, "--runtime")
    out_folder(out)
    for name in teams:
        path = builder.template_path(name, lang, runtime, out)
        if path.exists() and not force:
            console.print(f"[yellow]kept[/] {path} (exists; --force replaces it)")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with step(f"Building {name}"):
            builder.save(builder.build(name, lang, runtime), path)
        console.print(f"wrote {path}")
