"""``kpi templates ...``: build the team templates from their specs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import builder, spec
from .messages import LANGUAGES

app = typer.Typer(help="Build the team template workbooks from their specs.", no_args_is_help=True)
console = Console()


@app.command()
def build(
    team: Annotated[str, typer.Argument(help=f"A team ({', '.join(spec.TEAM_ORDER)}) or 'all'.")] = "all",
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("templates"),
    lang: Annotated[str, typer.Option(help=f"Language: {', '.join(LANGUAGES)}.")] = "en",
    runtime: Annotated[
        str, typer.Option(help="classic (=ACV), lite (=ACV) or server (=KPI.ACV): see docs/EXCEL_RUNTIMES.md.")
    ] = "classic",
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
) -> None:
    """Write empty team templates (tables with headers, formulas, inputs, charts) for a runtime and language."""
    teams = spec.TEAM_ORDER if team == "all" else (team,)
    unknown = [t for t in teams if t not in spec.TEAM_ORDER]
    if unknown:
        raise typer.BadParameter(f"unknown team {unknown[0]!r}; choose from {', '.join(spec.TEAM_ORDER)} or all")
    for name in teams:
        path = builder.template_path(name, lang, runtime, out)
        if path.exists() and not force:
            console.print(f"[yellow]kept[/] {path} (exists; --force replaces it)")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        builder.save(builder.build(name, lang, runtime), path)
        console.print(f"wrote {path}")
