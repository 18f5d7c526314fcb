"""Team template specs: one reviewable TOML file per team in ``workbook_templates/specs/``.

A spec says which data tables the workbook holds, which KPIs its KPI sheet shows (each an Excel formula
over those tables and the Inputs sheet), their targets, and which KPIs also go on the per-person
scorecard and the monthly trend sheet. Formulas use these names and placeholders:

- ``PeriodStart``, ``PeriodEnd`` (inclusive) and ``PeriodUntil`` (the day after): defined names of the
  Inputs sheet (the reporting period); date-time columns compare with ``"<"&PeriodUntil``. On the trend
  sheet they become the row's month start, month end and next month start.
- ``Trend_<key>``: the trend sheet's column of a trend KPI, month by month (``QUOTA_STREAK(Trend_quota_attainment)``).
- ``[[input_list]]``: a column of inputs named as one range (holidays, stage probabilities), see
  :class:`InputList`.
- ``[[table_sheet]]``: a sheet with one formula whose table result spills (the MRR movements waterfall,
  cohort retention), see :class:`TableSheet`.
- ``{by:Deals[Owner]}``: where a scorecard narrows the KPI to one person. It disappears on the KPI and
  trend sheets and becomes ``,Deals[Owner],$A5`` (a criteria pair) on the scorecard.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from openpyxl.formula.tokenizer import Tokenizer

import udfs
from udfs.registry import NUMBER_FORMATS

SPEC_DIR = Path(__file__).resolve().parent / "specs"
TEAM_ORDER = (
    "sales",
    "inside_sales",
    "marketing",
    "enablement",
    "presales",
    "customer_success",
    "support",
    "leadership",
)
BY_PLACEHOLDER = re.compile(r"\{by:([A-Za-z][A-Za-z0-9]*\[[A-Za-z][A-Za-z0-9]*\])\}")
PERIOD_NAMES = ("PeriodStart", "PeriodEnd", "PeriodUntil")
WHOLE_UNIT = "whole"  # a count of things (tickets, leads): shown without decimals
WHOLE_NUMBER_FORMAT = "#,##0"


@dataclass(frozen=True, eq=False)
class Kpi:
    """One row of the KPI sheet."""

    key: str
    metric: str  # the catalogue metric it shows, in METRICS.md's wording
    formula: str
    better: str = "higher"  # "higher" or "lower": which way is on track
    target: float | None = None
    benchmark: str = ""
    scorecard: bool = False
    trend: bool = False
    unit: str = ""  # overrides the unit of the formula's catalogue function; "whole" for counts of things

    @cached_property
    def function(self) -> udfs.Metric:
        """The catalogue function that computes this KPI: the first one in its formula."""
        for token in Tokenizer(self.formula_for()).items:
            if token.type == "FUNC" and token.subtype == "OPEN" and token.value[:-1].upper() in udfs.__all__:
                return udfs.get(token.value[:-1])
        raise ValueError(f"{self.key}: no catalogue function in {self.formula!r}")

    @property
    def number_format(self) -> str:
        """The Excel number format of its value: the spec's unit, else the function's."""
        if self.unit == WHOLE_UNIT:
            return WHOLE_NUMBER_FORMAT
        return NUMBER_FORMATS[self.unit or self.function.unit]

    def formula_for(self, *, by: str = "", period: tuple[str, str, str] | None = None) -> str:
        """The formula with its placeholders filled: ``by`` is the scorecard's person cell (``$A5``)."""
        formula = BY_PLACEHOLDER.sub(lambda m: f",{m.group(1)},{by}" if by else "", self.formula)
        if period is not None:
            for name, replacement in zip(PERIOD_NAMES, period, strict=True):
                formula = re.sub(rf"\b{name}\b", replacement, formula)
        return formula


@dataclass(frozen=True)
class Input:
    """A named input cell on the Inputs sheet besides the period and the targets."""

    name: str
    value: float | str | dt.date
    unit: str = ""


@dataclass(frozen=True)
class Calculation:
    """A calculated cell on the Inputs sheet derived from inputs (``PriorStart``, ``PeriodYears``)."""

    name: str
    formula: str
    unit: str = ""


@dataclass(frozen=True)
class Scorecard:
    """Which people get a scorecard row: rows of ``table`` whose ``filters`` all match, named by ``name_column``.

    ``left_column`` (e.g. ``ExitDate``) leaves out people who left before the reporting period.
    """

    table: str
    name_column: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    left_column: str = ""


@dataclass(frozen=True)
class InputList:
    """A column of inputs on the Inputs sheet, named as one range (``Holidays``, ``StageProbabilities``).

    ``labels`` (inputs too, e.g. the deal stages the values belong to) go in column A; ``values`` in column
    B, followed by blank input cells up to ``rows``. ``calculated`` is a formula written for every row in
    column C, ``{label}`` standing for that row's label cell; its cells are the range ``calculated_name``.
    """

    name: str
    values: list[float | str | dt.date] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    rows: int = 0
    unit: str = ""
    calculated_name: str = ""
    calculated: str = ""
    calculated_unit: str = ""

    @property
    def size(self) -> int:
        return max(self.rows, len(self.values), len(self.labels))


@dataclass(frozen=True)
class TableSheet:
    """A sheet showing one catalogue table (MRR_MOVEMENTS, COHORT_RETENTION) spilled from one formula.

    ``format`` is the number format of the table's body (its first column holds months); ``columns`` and
    ``rows`` the area kept free and formatted for the table to spill into; ``chart`` draws the ``movements``
    charts; ``heatmap`` colours the body with a red-amber-green colour scale at these three values.
    """

    key: str
    formula: str
    format: str = "#,##0"
    columns: int = 8
    rows: int = 61
    chart: str = ""
    heatmap: tuple[float, ...] = ()


@dataclass(frozen=True)
class TeamSpec:
    """A whole team template."""

    team: str
    tables: tuple[str, ...]
    kpis: tuple[Kpi, ...]
    inputs: tuple[Input, ...] = ()
    calculations: tuple[Calculation, ...] = ()
    scorecard: Scorecard | None = None
    trend_chart: tuple[str, ...] = ()  # KPI keys drawn on the trend chart
    table_sheets: tuple[TableSheet, ...] = ()
    input_lists: tuple[InputList, ...] = ()

    @property
    def scorecard_kpis(self) -> tuple[Kpi, ...]:
        return tuple(k for k in self.kpis if k.scorecard)

    @property
    def trend_kpis(self) -> tuple[Kpi, ...]:
        return tuple(k for k in self.kpis if k.trend)


def load(team: str) -> TeamSpec:
    """Read and check ``specs/<team>.toml``."""
    path = SPEC_DIR / f"{team}.toml"
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    try:
        spec = TeamSpec(
            team=raw["team"],
            tables=tuple(raw["tables"]),
            kpis=tuple(Kpi(**item) for item in raw["kpi"]),
            inputs=tuple(Input(**item) for item in raw.get("input", [])),
            calculations=tuple(Calculation(**item) for item in raw.get("calculation", [])),
            scorecard=Scorecard(**raw["scorecard"]) if "scorecard" in raw else None,
            trend_chart=tuple(raw.get("trend_chart", ())),
            table_sheets=tuple(TableSheet(**item) for item in raw.get("table_sheet", [])),
            input_lists=tuple(InputList(**item) for item in raw.get("input_list", [])),
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"{path.name}: {error}") from error
    _check(spec, path.name)
    return spec


def load_all() -> list[TeamSpec]:
    """Every team's spec, in the catalogue's team order."""
    return [load(team) for team in TEAM_ORDER]


def _check(spec: TeamSpec, where: str) -> None:
    if spec.team not in TEAM_ORDER:
        raise ValueError(f"{where}: unknown team {spec.team!r}")
    keys = [k.key for k in spec.kpis]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ValueError(f"{where}: KPI keys used twice: {sorted(duplicates)}")
    for kpi in spec.kpis:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", kpi.key):
            raise ValueError(f"{where}: KPI key {kpi.key!r} must be lower_snake_case")
        if kpi.unit and kpi.unit != WHOLE_UNIT and kpi.unit not in NUMBER_FORMATS:
            raise ValueError(f"{where}: {kpi.key}: unknown unit {kpi.unit!r}")
        if kpi.better not in ("higher", "lower"):
            raise ValueError(f"{where}: {kpi.key}: better must be 'higher' or 'lower'")
        if not kpi.formula.startswith("="):
            raise ValueError(f"{where}: {kpi.key}: a formula starts with '='")
        if kpi.scorecard and not BY_PLACEHOLDER.search(kpi.formula):
            raise ValueError(f"{where}: {kpi.key}: a scorecard KPI needs a {{by:Table[Column]}} placeholder")
    calculated = {c.name for c in spec.calculations}
    for kpi in spec.trend_kpis:
        used = calculated & set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", kpi.formula))
        if used:
            raise ValueError(f"{where}: {kpi.key}: a trend KPI cannot use the period calculations {sorted(used)}")
    for listed in spec.input_lists:
        if bool(listed.calculated) != bool(listed.calculated_name):
            raise ValueError(f"{where}: input list {listed.name}: calculated and calculated_name go together")
        if listed.labels and len(listed.labels) != len(listed.values):
            raise ValueError(f"{where}: input list {listed.name}: one value per label")
    for sheet in spec.table_sheets:
        if not sheet.formula.startswith("="):
            raise ValueError(f"{where}: table sheet {sheet.key}: a formula starts with '='")
        if sheet.heatmap and (len(sheet.heatmap) != 3 or list(sheet.heatmap) != sorted(sheet.heatmap)):
            raise ValueError(f"{where}: table sheet {sheet.key}: heatmap is three rising values (red, amber, green)")
        if sheet.chart not in ("", "movements"):
            raise ValueError(f"{where}: table sheet {sheet.key}: chart must be 'movements' or left out")
    unknown_chart = set(spec.trend_chart) - {k.key for k in spec.trend_kpis}
    if unknown_chart:
        raise ValueError(f"{where}: trend_chart names KPIs not on the trend sheet: {sorted(unknown_chart)}")
