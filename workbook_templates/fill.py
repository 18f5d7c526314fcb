"""Filling a team template with data: rows into its Excel tables, people into its scorecard.

The template's tables, formulas, formats and charts stay as they are; each table's range is resized to
its new rows. Every value goes through :func:`workbook_templates.cells.write_value`, so CRM text that
looks like a formula lands as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, range_boundaries

from . import data_model
from .builder import FIRST_ROW, TemplateBuilder
from .cells import write_value
from .spec import TeamSpec, load


def template_info(workbook: Workbook) -> dict[str, str]:
    """The team, language and runtime a template was built for (its custom document properties)."""
    info = {prop.name: prop.value for prop in workbook.custom_doc_props.props}
    missing = {"KpiTeam", "KpiLanguage", "KpiRuntime"} - set(info)
    if missing:
        raise ValueError(f"not a KPI template: the workbook has no {', '.join(sorted(missing))} property")
    return info


def write_table(workbook: Workbook, table_name: str, frame: pd.DataFrame) -> int:
    """Replace the rows of Excel table ``table_name`` with ``frame`` (columns in the data model's order)."""
    table = data_model.TABLES[table_name]
    ws = workbook[table_name]
    excel_table = ws.tables[table_name]
    min_col, min_row, max_col, max_row = range_boundaries(excel_table.ref)
    missing = [c.name for c in table.columns if c.name not in frame.columns]
    if missing:
        raise ValueError(f"{table_name}: missing columns {', '.join(missing)}")
    if max_row > min_row:
        ws.delete_rows(min_row + 1, max_row - min_row)
    columns = [c.name for c in table.columns]
    for offset, row in enumerate(frame[columns].itertuples(index=False, name=None), start=min_row + 1):
        for column, value in enumerate(row, start=min_col):
            write_value(ws.cell(row=offset, column=column), value)
    rows = len(frame)
    excel_table.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{min_row + max(rows, 1)}"
    return rows


def scorecard_people(spec: TeamSpec, data: Mapping[str, pd.DataFrame], period_start: dt.date) -> list[str]:
    """The people who get a scorecard row: rows of the scorecard table matching its filters, sorted;
    people who left before ``period_start`` are left out."""
    if spec.scorecard is None or spec.scorecard.table not in data:
        return []
    frame = data[spec.scorecard.table]
    for column, allowed in spec.scorecard.filters.items():
        frame = frame[frame[column].isin(allowed)]
    if spec.scorecard.left_column:
        left = pd.to_datetime(frame[spec.scorecard.left_column])
        frame = frame[left.isna() | (left >= pd.Timestamp(period_start))]
    return sorted(str(name) for name in frame[spec.scorecard.name_column].dropna().unique())


def period(workbook: Workbook) -> tuple[dt.date, dt.date]:
    """The reporting period set on the Inputs sheet."""
    start, end = (_input_cell(workbook, name).value for name in ("PeriodStart", "PeriodEnd"))
    return _as_date(start), _as_date(end)


def _as_date(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[return-value]


def _input_cell(workbook: Workbook, name: str):  # noqa: ANN202 - an openpyxl cell
    sheet, coordinate = next(workbook.defined_names[name].destinations)
    return workbook[sheet][coordinate.replace("$", "")]


def set_period(workbook: Workbook, start: dt.date, end: dt.date) -> None:
    """Set the reporting period on the Inputs sheet."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    for name, value in (("PeriodStart", start), ("PeriodEnd", end)):
        _input_cell(workbook, name).value = value


def fill(workbook: Workbook, data: Mapping[str, pd.DataFrame], spec: TeamSpec | None = None) -> Workbook:
    """Fill every data table of a template with ``data`` and write its scorecard rows."""
    info = template_info(workbook)
    spec = spec or load(info["KpiTeam"])
    for name in spec.tables:
        if name in data:
            write_table(workbook, name, data[name])
    people = scorecard_people(spec, data, period(workbook)[0])
    if people:
        TemplateBuilder(spec, info["KpiLanguage"], info["KpiRuntime"], workbook).fill_scorecard(people)
    return workbook


__all__ = ["FIRST_ROW", "fill", "period", "scorecard_people", "set_period", "template_info", "write_table"]
