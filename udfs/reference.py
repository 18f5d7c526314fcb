"""The function reference, ``docs/FUNCTIONS.md``, generated from the catalogue.

Regenerate with ``python -m udfs.reference``; a test fails when the committed file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .registry import TEAMS, Metric, catalog

REFERENCE_PATH = Path(__file__).resolve().parent.parent / "docs" / "FUNCTIONS.md"

_KIND_TEXT = {
    "amount": "number or range (summed)",
    "money": "amount ≥ 0, number or range (summed)",
    "count": "count ≥ 0, number or range (summed)",
    "number": "number",
    "rate": "fraction 0–1",
    "rows": "range of numbers",
    "dates": "range of dates",
    "labels": "range of text",
    "flags": "range of TRUE/FALSE",
    "date": "date",
    "datelist": "range of dates (not paired)",
    "time": "time of day",
    "text": "text",
    "choice": "text",
}


GENERIC_TITLE = "Generic functions (any team)"


def _is_generic(entry: Metric) -> bool:
    """Generic building blocks (``udfs/generic.py``) get their own section rather than their first team's."""
    return getattr(entry.func, "__wrapped__", entry.func).__module__ == "udfs.generic"


def excel_literal(value: object) -> str:
    """A value as it is typed in an Excel formula: ``"text"``, ``TRUE``, ``10000``, ``{1;"";3}`` for a column.

    A blank cell inside an array constant is written ``""`` (Excel's array constants have no blank; the
    functions treat an empty string as a blank cell)."""
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, list | tuple) for v in value):
            return "{" + ";".join(",".join(excel_literal(c) for c in row) for row in value) + "}"
        return "{" + ";".join(excel_literal(v) for v in value) + "}"
    if isinstance(value, float):
        return excel_number(value)
    return str(value)


def excel_number(value: float) -> str:
    """A number as Excel shows it in the General format: no trailing ``.0``, ``1E-05`` for tiny values."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}".upper()


def example_formula(entry: Metric) -> str:
    """The worked example as typed into an Excel cell: ``=ACV(380000, 20000, 3)``."""
    assert entry.example is not None
    shown = ", ".join(excel_literal(arg) for arg in entry.example.args)
    return f"={entry.name}({shown})"


def result_grid(value: object) -> list[list[str]] | None:
    """A table result (a list of rows) as the cells Excel spills it into; ``None`` for a single value."""
    if isinstance(value, list | tuple) and value and all(isinstance(row, list | tuple) for row in value):
        return [[_cell_text(cell) for cell in row] for row in value]
    return None


def _cell_text(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)


def _result_text(value: object) -> str:
    return _cell_text(value)


def _markdown_grid(grid: list[list[str]]) -> list[str]:
    """A spilled result as the block of cells it fills (a Markdown table with an empty header row)."""
    width = max(len(row) for row in grid)
    lines = ["|" + "   |" * width, "|" + "---|" * width]
    for row in grid:
        cells = [c.replace("|", "\\|") for c in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render_entry(entry: Metric) -> str:
    """One function's section."""
    lines = [f"### `{entry.signature_text()}`", "", entry.description, ""]
    lines.append(f"- **Formula:** {entry.formula}")
    lines.append(
        f"- **Unit:** {entry.unit} (number format `{entry.number_format}`) · **{entry.indicator.capitalize()}**"
        f" · **Teams:** {', '.join(TEAMS[t] for t in entry.teams)} · **Seed:** {entry.seed}"
    )
    if entry.metrics:
        lines.append(f"- **Catalogue metrics served:** {'; '.join(entry.metrics)}")
    if entry.source:
        lines.append(f"- **Published definition:** {entry.source}")
    if entry.benchmark:
        lines.append(f"- **Industry benchmark:** {entry.benchmark}")
    lines += ["", "| Argument | Kind | Default | Description |", "|---|---|---|---|"]
    for param in entry.params:
        default = ("empty" if param.default is None else excel_literal(param.default)) if param.optional else "required"
        kind = _KIND_TEXT[param.kind] + (f": {', '.join(param.choices)}" if param.choices else "")
        lines.append(f"| `{param.name}` | {kind} | {default} | {param.description} |")
    if entry.criteria:
        lines.append(
            "| `criteria_range1, criterion1, …` | pairs, as in COUNTIFS | none | Rows to include, "
            'e.g. `Deals[Owner], "Alice"` or `Deals[Amount], ">=10000"`. |'
        )
    if entry.methods:
        choice = next((p.name for p in entry.params if p.kind == "choice"), "method")
        lines += ["", f"Variants (`{choice}`):", ""]
        lines += [f"- `{name}`: {text}" for name, text in entry.methods.items()]
    if entry.example is not None:
        source = f" ({entry.example.source})" if entry.example.source else ""
        grid = result_grid(entry.example.result)
        if grid is None:
            lines += ["", f"Example: `{example_formula(entry)}` → **{_result_text(entry.example.result)}**{source}"]
        else:
            spills = "spills into the cells below and to the right"
            lines += ["", f"Example: `{example_formula(entry)}` {spills}{source}:", "", *_markdown_grid(grid)]
    return "\n".join(lines) + "\n"


def render_reference() -> str:
    """The whole reference: conventions, an index, then one section per team."""
    entries = catalog()
    out = [
        "# Function reference",
        "",
        "<!-- Generated by `python -m udfs.reference` from the catalogue in udfs/. Do not edit by hand. -->",
        "",
        f"{len(entries)} functions. Every function is callable from an Excel cell (`=ACV(B2, B3, B4)`) and from",
        "Python (`udfs.ACV(380000, 20000, 3)`). Conventions:",
        "",
        "- Rates come back as fractions (0.47 shows as 47 % with a percentage format); NPS is −100…100;",
        "  durations are days unless the function says hours or weeks; money is in the input's currency.",
        "- Durations are exact: each span is rounded to the second before averaging, so an 8-hour reply is",
        "  8 hours, not the 8.000000000058 that Excel's serial numbers would give.",
        "- Aggregate arguments take a number or a range, which is summed (blanks ignored). Text is read as",
        "  Excel's VALUE reads it (`50%` is 0.5, `1,000` and `$1,000` are 1000, `(1,000)` is −1000); other text,",
        "  such as `1,5`, is `#VALUE!`, never a silent zero or a guess.",
        "- Dates may be Excel dates, date-times or year-first text (`2024-03-31`, `2024/3/31`, `2024年3月31日`):",
        "  all give the same result. Day-first or month-first text (`31/01/2024`) is `#VALUE!`: its day depends",
        "  on the region.",
        "- Errors: zero denominator `#DIV/0!`; wrong type or ranges of different lengths `#VALUE!`; a value",
        "  outside its domain `#NUM!`; nothing to compute `#N/A`; an error inside an input propagates.",
        "- Functions marked with `[criteria_range1, criterion1, ...]` take COUNTIFS-style pairs to select rows:",
        '  `"Alice"`, `"<>Lost"`, `">=1,000"`, `">=2024-01-31"`, wildcards `*` `?` and `~` (matched in',
        "  linear time, whole cell, case-insensitive). A criterion written as a day-first date is `#VALUE!`.",
        "",
        "## Index",
        "",
    ]
    sections = [
        (title, [e for e in entries if e.teams[0] == team and not _is_generic(e)]) for team, title in TEAMS.items()
    ]
    sections.append((GENERIC_TITLE, [e for e in entries if _is_generic(e)]))
    for title, members in sections:
        if members:
            links = ", ".join(f"[{e.name}](#{e.name.lower()})" for e in members)
            out.append(f"- **{title}:** {links}")
    for title, primary in sections:
        if not primary:
            continue
        out += ["", f"## {title}", ""]
        for entry in primary:
            out += [f'<a id="{entry.name.lower()}"></a>', "", render_entry(entry)]
    return "\n".join(out).rstrip() + "\n"


def main() -> None:
    """Write ``docs/FUNCTIONS.md`` (or print it with ``-``)."""
    text = render_reference()
    if sys.argv[1:] == ["-"]:
        sys.stdout.write(text)
        return
    REFERENCE_PATH.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {REFERENCE_PATH} ({len(catalog())} functions)")


if __name__ == "__main__":
    main()
