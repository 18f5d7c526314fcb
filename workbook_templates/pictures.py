"""Printouts of the team templates: filled with the sample data, computed and printed by LibreOffice.

``python -m workbook_templates.pictures [DIR]`` writes the README pictures ``DIR/<team>.png`` (default
``docs/img``): the first printed page of each team's English KPI sheet.
``python -m workbook_templates.pictures DIR --all`` writes every printed page of every manager sheet
(About, Inputs, KPIs, Scorecard, Trend) of every team in English and Simplified Chinese,
``DIR/<lang>/<team>-<sheet>-<page>.png``, for looking at the print layout.

Each workbook is built, filled with the bundled sample data, recalculated in headless LibreOffice through
the catalogue bridge and exported to PDF with the workbook's own print setup (print areas, fit to one
page wide, repeated header rows); the data sheets are hidden first, as a PDF export prints every visible
sheet. Pages are told apart by their footer, which names the sheet. Needs the Debian packages
``libreoffice-calc``, ``libreoffice-script-provider-python``, ``python3-uno`` and ``poppler-utils``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from addin.libreoffice import calc

from . import builder, sample_data, spec
from .fill import write
from .messages import messages

PICTURE_DIR = Path(__file__).resolve().parent.parent / "docs" / "img"
RESOLUTION = 110  # dots per inch: readable in a README, small in the repository


@dataclass(frozen=True)
class PrintedPage:
    """One page of a PDF printout: which sheet, its number within the sheet, its text and size in points."""

    sheet: str
    number: int
    text: str
    width: float
    height: float


def manager_sheets(lang: str, team: str | None = None) -> list[str]:
    """Titles of the printed (manager-facing) sheets of a template in ``lang``, in workbook order: the
    standard ones, then ``team``'s table sheets (MRR movements, cohorts) when a team is given."""
    return list(printed_sheet_keys(lang, team))


def printed_sheet_keys(lang: str, team: str | None = None) -> dict[str, str]:
    """Title -> key of every printed sheet (``kpis``, ``trend``, a table sheet's key such as ``cohorts_logo``)."""
    msg = messages(lang)
    keys = {msg[f"sheet.{key}"]: key for key in builder.PRINTED_SHEETS}
    for item in spec.load(team).table_sheets if team else ():
        keys[msg[f"table_sheet.{item.key}.sheet"]] = item.key
    return keys


def print_to_pdf(team: str, lang: str, out_dir: Path, frames: dict, currency: str | None = None) -> Path:
    """The team's template filled with ``frames``, its manager sheets computed and printed to one PDF."""
    for tool in ("pdftoppm", "pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing: apt-get install poppler-utils")
    workbook = builder.build(team, lang, currency=currency)
    write.fill(workbook, frames)
    printed = set(manager_sheets(lang, team))
    for ws in workbook.worksheets:
        if ws.title not in printed:
            ws.sheet_state = "hidden"  # PDF export prints every visible sheet
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / f"{team}-{lang}.xlsx"
        workbook.save(source)
        return calc.session().recalculate(source, out_dir, fmt="pdf")


def pages(pdf: Path, sheets: Iterable[str]) -> list[PrintedPage]:
    """Every page of ``pdf`` with the sheet its footer names ("Sheet · 2 / 3")."""
    sheets = list(sheets)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True, check=True)
    sizes = [
        line.split(":", 1)[1].split()[:3]
        for line in info.stdout.splitlines()
        if line.startswith("Page ") and " size:" in line
    ]
    found, counts = [], {}
    for number, (width, _, height) in enumerate(sizes, start=1):
        text = subprocess.run(
            ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        footer = [line for line in text.splitlines() if " · " in line]
        names = [s for s in sheets if footer and f"{s} · " in footer[-1]]
        sheet = names[0] if names else "?"
        counts[sheet] = counts.get(sheet, 0) + 1
        found.append(PrintedPage(sheet, counts[sheet], text, float(width), float(height)))
    return found


def rasterise(pdf: Path, page: int, stem: Path, resolution: int = RESOLUTION) -> Path:
    """Page ``page`` of ``pdf`` as ``stem.png``."""
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(resolution),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )
    return stem.with_suffix(".png")


def render(team: str, out_dir: Path, frames: dict, lang: str = "en") -> Path:
    """The README picture of a team: the first printed page of its KPI sheet, ``out_dir/<team>.png``."""
    with tempfile.TemporaryDirectory() as scratch:
        pdf = print_to_pdf(team, lang, Path(scratch), frames)
        kpis = messages(lang)["sheet.kpis"]
        first = next(i for i, page in enumerate(pages(pdf, manager_sheets(lang, team)), start=1) if page.sheet == kpis)
        return rasterise(pdf, first, out_dir / team)


def render_all(team: str, lang: str, out_dir: Path, frames: dict) -> list[Path]:
    """Every printed page of the team's manager sheets as ``out_dir/<team>-<sheet>-<page>.png``."""
    pdf = print_to_pdf(team, lang, out_dir, frames)
    keys = printed_sheet_keys(lang, team)
    written = []
    for index, page in enumerate(pages(pdf, keys), start=1):
        stem = out_dir / f"{team}-{keys.get(page.sheet, 'unknown')}-{page.number}"
        written.append(rasterise(pdf, index, stem, resolution=80))
    return written


def main() -> None:
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    out_dir = Path(arguments[0]) if arguments else PICTURE_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = sample_data.generate()
    teams = [a for a in arguments[1:] if a in spec.TEAM_ORDER] or list(spec.TEAM_ORDER)
    if "--all" in sys.argv:
        for lang in ("en", "zh-CN"):
            for team in teams:
                for path in render_all(team, lang, out_dir / lang, frames):
                    print(path)
        return
    for team in teams:
        print(render(team, out_dir, frames))


if __name__ == "__main__":
    main()
