"""The ``kpi`` command line. Each sub-command lives with its domain; this module only wires them up."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

import udfs
from udfs.reference import example_formula
from udfs.registry import TEAMS

app = typer.Typer(help="Go-to-market KPI add-in for Excel: functions, templates and batch fill.", no_args_is_help=True)
console = Console()


def _add_groups() -> None:
    """Each domain owns its commands; this module only puts them under one `kpi` command."""
    from addin.commands import app as addin_app
    from addin.libreoffice.commands import app as libreoffice_app
    from workbook_templates.fill.commands import app as fill_app
    from workbook_templates.template_commands import app as templates_app

    app.registered_commands += fill_app.registered_commands  # sample-data, fill, refresh, demo
    app.add_typer(addin_app, name="addin")
    app.add_typer(libreoffice_app, name="libreoffice")
    app.add_typer(templates_app, name="templates")


_add_groups()


@app.command()
def report() -> None:
    """Print every function's worked example (the seed articles' numbers among them), computed now.

    Formulas are shown as in docs/FUNCTIONS.md.
    """
    table = Table(title=f"Go-to-market KPIs: {len(udfs.catalog())} functions, worked examples")
    for column in ("Team", "Formula in a cell", "Result", "Source"):
        table.add_column(column, overflow="fold")
    for entry in udfs.catalog():
        if entry.example is None:
            continue
        try:
            value = entry.func(*entry.example.args)
            shown = _format(value, entry.unit)
        except udfs.KPIError as error:
            shown = error.code
        table.add_row(TEAMS[entry.teams[0]], example_formula(entry), shown, entry.example.source)
    console.print(table)


def _format(value: object, unit: str) -> str:
    if isinstance(value, list):
        return "; ".join(" ".join(str(c) for c in row) for row in value)
    if unit == "rate":
        return f"{value:.1%}"
    if unit == "currency":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


@app.command()
def functions(team: str = typer.Option("", help="Only this team: " + ", ".join(TEAMS))) -> None:
    """List the catalogue functions with their signatures."""
    table = Table()
    for column in ("Function", "Unit", "L/G", "What it computes"):
        table.add_column(column, overflow="fold")
    for entry in udfs.catalog():
        if team and team not in entry.teams:
            continue
        table.add_row(entry.signature_text(), entry.unit, entry.indicator[0].upper(), entry.summary)
    console.print(table)


if __name__ == "__main__":
    app()
