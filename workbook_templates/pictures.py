"""Pictures of the team templates for the README: filled with the sample data, computed by LibreOffice.

``python -m workbook_templates.pictures [DIR]`` writes ``DIR/<team>.png`` (default ``docs/img``): the KPI
sheet of each team's English template, filled with the bundled sample data, recalculated in headless
LibreOffice through the catalogue bridge, printed to PDF and rasterised with ``pdftoppm`` (Debian packages
``libreoffice-calc``, ``libreoffice-script-provider-python``, ``python3-uno``, ``poppler-utils``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl.worksheet.properties import PageSetupProperties

from addin.libreoffice import calc

from . import builder, sample_data, spec
from .fill import write
from .messages import messages

PICTURE_DIR = Path(__file__).resolve().parent.parent / "docs" / "img"
RESOLUTION = 110  # dots per inch: readable in a README, small in the repository


def render(team: str, out_dir: Path, frames: dict, lang: str = "en") -> Path:
    """Render one team's KPI sheet to ``out_dir/<team>.png``."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm is missing: apt-get install poppler-utils")
    workbook = builder.build(team, lang)
    write.fill(workbook, frames)
    kpi_title = messages(lang)["sheet.kpis"]
    for ws in workbook.worksheets:
        if ws.title != kpi_title:
            ws.sheet_state = "hidden"  # PDF export prints the visible sheets only
    kpis = workbook[kpi_title]
    kpis.page_setup.orientation = "landscape"
    kpis.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    kpis.page_setup.fitToWidth, kpis.page_setup.fitToHeight = 1, 0
    kpis.print_area = f"A1:F{kpis.max_row}"  # metric to benchmark; the definitions stay on screen
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / f"{team}.xlsx"
        workbook.save(source)
        pdf = calc.session().recalculate(source, Path(scratch) / "pdf", fmt="pdf")
        stem = out_dir / team
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
            check=True,
        )
    return stem.with_suffix(".png")


def main() -> None:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else PICTURE_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = sample_data.generate()
    for team in spec.TEAM_ORDER:
        print(render(team, out_dir, frames))


if __name__ == "__main__":
    main()
