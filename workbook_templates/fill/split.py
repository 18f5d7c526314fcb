"""What each workbook covers: one per owner, team or region (``--split``), and which KPIs it can show.

The data model declares how each table splits (:class:`workbook_templates.data_model.Split`): by the person
a row belongs to (and through the Reps table that person's team and region), by a team or region column of
its own, by its customer, or not at all (company-level: Finance, Campaigns, ...). :func:`split_data` gives
each split value only its own rows; a table that cannot be divided is left empty in a split workbook, never
copied whole, so no company figure stands in a region's row.

:func:`coverage` says what a workbook covers: the split value, the tables the team needs but the user did
not give, the tables left out as company-level. :func:`gaps` turns that into the KPIs the workbook cannot
show (each with its reason, shown as ``#N/A`` and a note) and the targets that do not apply to a part of the
team (a team total's target, such as bookings of 3.5 million, is not a region's target).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import data_model
from ..data_model import SPLIT_KINDS
from ..formulas import criteria_literals, references_used, structured_references
from ..spec import Kpi, TeamSpec
from .spill import SpilledTable

SPLITS = SPLIT_KINDS

#: Catalogue functions whose value is a total over the rows (a sum or a count): the team's target of such a
#: KPI is the whole team's, so a workbook of one owner, team or region has no target for it (unless
#: :data:`OWN_TARGETS` gives its own).
TOTAL_FUNCTIONS = frozenset(
    {
        "SALES_VOLUME",
        "COUNT_IN_PERIOD",
        "SUM_IN_PERIOD",
        "NET_NEW_REVENUE",
        "NET_REVENUE",
        "DISTINCT_COUNT",
        "PRESALES_ASSISTED_WINS",
        "OPEN_TICKETS",
        "CASH_FLOW",
        "TRAILING_GROWTH",
        "GROWTH_CEILING",
        "SALES_VELOCITY",
    }
)

#: KPIs whose target in a split workbook is the split's own: the sum of its reps' Targets rows of this
#: metric in the period (a rep's quota, a region's reps' quotas).
OWN_TARGETS: dict[tuple[str, str], str] = {
    ("sales", "bookings"): "Bookings",
    ("inside_sales", "sqls_handed"): "SQLs",
}

#: Reasons a table is not divided in a split workbook (keys of the ``fill.note`` messages).
COMPANY, NEEDS_REPS, NEEDS_CUSTOMERS = "company", "needs_reps", "needs_customers"
#: Reasons a KPI has no value.
MISSING = "missing"


# ---------------------------------------------------------------------------------------- rows of a split


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


def _owners(data: Mapping[str, pd.DataFrame], split: str) -> dict[str, str] | None:
    """Each person's split value: themselves for ``owner``, else their team or region in Reps (None
    without a Reps table)."""
    reps = data.get("Reps")
    if split == "owner":
        return {}
    if reps is None:
        return None
    column = data_model.TABLES["Reps"].split.own[split]  # type: ignore[union-attr]
    known = pd.DataFrame({"Rep": reps["Rep"], column: reps[column]}).dropna()  # a frame or a SpilledTable
    return dict(zip(known["Rep"].astype(str), known[column].astype(str), strict=True))


def _person_values(persons: pd.Series, owners: dict[str, str]) -> pd.Series:
    text = persons.astype("string")
    return text if not owners else text.map(owners).astype("string")


def row_assigner(table: str, split: str, data: Mapping[str, pd.DataFrame]) -> Callable[[pd.DataFrame], pd.Series] | str:
    """How the rows of ``table`` get their split value: a function of a frame of its rows (any of them, a
    batch at a time: each row's value depends on that row and ``data``'s Reps and Customers only), or the
    reason the table cannot be divided: :data:`COMPANY`, :data:`NEEDS_REPS`, :data:`NEEDS_CUSTOMERS`."""
    rule = data_model.TABLES[table].split
    if rule is None:
        return COMPANY
    if split in rule.own:
        column = rule.own[split]

        def own(frame: pd.DataFrame) -> pd.Series:
            values = frame[column].astype("string")
            return values.where(values.notna() & (values != ""))

        return own
    owners = _owners(data, split)
    if rule.person and owners is not None:
        person, scope_column = rule.person, rule.scope

        def of_person(frame: pd.DataFrame) -> pd.Series:
            values = _person_values(frame[person], owners)
            if scope_column:
                scope = frame[scope_column].astype("string")
                own_team = (scope == "Team") & (split == "team")
                values = values.where(scope == "Rep").mask(own_team, frame[person].astype("string"))
            return values

        return of_person
    if rule.customer:
        customers = data.get("Customers")
        if customers is None or table == "Customers":
            return NEEDS_CUSTOMERS
        of_customer = row_values("Customers", customers, split, data)
        if isinstance(of_customer, str):
            return of_customer
        lookup = dict(zip(customers["Customer"].astype(str), of_customer, strict=True))
        return lambda frame: frame["Customer"].astype(str).map(lookup).astype("string")
    return NEEDS_REPS


def key_columns(table: str) -> list[str]:
    """The columns of ``table`` that :func:`row_assigner`'s function reads."""
    rule = data_model.TABLES[table].split
    if rule is None:
        return []
    names = [*rule.own.values(), rule.person, rule.scope, "Customer" if rule.customer else ""]
    return list(dict.fromkeys(name for name in names if name))


def row_values(table: str, frame: pd.DataFrame, split: str, data: Mapping[str, pd.DataFrame]) -> pd.Series | str:
    """The split value of each row of ``table`` (``<NA>`` for a row that belongs to no split value), or
    the reason the table cannot be divided: :data:`COMPANY`, :data:`NEEDS_REPS`, :data:`NEEDS_CUSTOMERS`."""
    assign = row_assigner(table, split, data)
    return assign if isinstance(assign, str) else assign(frame)


def split_values(
    spec: TeamSpec,
    data: Mapping[str, pd.DataFrame],
    split: str,
    period_start: dt.date,
    context: Mapping[str, pd.DataFrame] | None = None,
) -> list[str]:
    """The values a team's workbooks are split by: for ``owner``, the scorecard's people when the team has
    a scorecard; otherwise the distinct values of the team's first table (Reps last) that can be divided.
    ``context``: every table given, where owners and customers are looked up (default ``data``)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    if split == "owner" and spec.scorecard is not None and spec.scorecard.table in data:
        return scorecard_people(spec, data, period_start)
    for table in sorted((t for t in spec.tables if t in data), key=lambda t: t == "Reps"):
        values = row_values(table, data[table], split, context or data)
        if not isinstance(values, str):
            return sorted(str(v) for v in values.dropna().unique())
    raise ValueError(f"the {spec.team} workbook has no table that can be divided by {split}")


@dataclass
class Parts:
    """The rows of each split value, the tables that could not be divided (table -> reason) and, per table,
    how many rows are in no part (their owner, team or region is unknown or gets no workbook)."""

    frames: dict[str, dict[str, pd.DataFrame]]
    left_out: dict[str, str] = field(default_factory=dict)
    outside: dict[str, int] = field(default_factory=dict)


def split_data(
    data: Mapping[str, pd.DataFrame],
    split: str,
    values: Sequence[str],
    context: Mapping[str, pd.DataFrame] | None = None,
    spill_dir: Path | None = None,
) -> Parts:
    """``{value: {table: rows of that value}}``, each table grouped once; a table that cannot be divided
    is empty in every part and named in ``left_out`` with its reason. ``context``: every table given, where
    owners and customers are looked up (default ``data``). A table kept on disk (:class:`.spill.SpilledTable`)
    is streamed, by the same rules, into one partition per value under ``spill_dir`` (default: beside it)."""
    frames: dict[str, dict[str, pd.DataFrame]] = {value: {} for value in values}
    left_out: dict[str, str] = {}
    outside: dict[str, int] = {}
    for table, frame in data.items():
        assign = row_assigner(table, split, context or data)
        if isinstance(assign, str):
            left_out[table] = assign
            empty = frame.empty_frame() if isinstance(frame, SpilledTable) else frame.iloc[0:0]
            for value in values:
                frames[value][table] = empty
            continue
        if isinstance(frame, SpilledTable):
            folder = (spill_dir or frame.path.parent) / f"{table}-by-{split}-{uuid.uuid4().hex[:8]}"
            for value, part in frame.partition(assign, values, folder, key_columns(table)).items():
                frames[value][table] = part
        else:
            groups = {str(key): group for key, group in frame.groupby(assign(frame), sort=False, dropna=True)}
            for value in values:
                frames[value][table] = groups.get(value, frame.iloc[0:0])
        placed = sum(len(frames[value][table]) for value in values)
        rule = data_model.TABLES[table].split
        belonging = len(frame)
        if rule is not None and rule.scope:  # Company and Source rows belong to no split by design
            kept = ["Rep", "Team"] if split == "team" else ["Rep"]
            belonging = int(frame[rule.scope].isin(kept).sum())
        if belonging > placed:
            outside[table] = belonging - placed
    return Parts(frames, left_out, outside)


# ------------------------------------------------------------------------------------------ coverage


@dataclass(frozen=True)
class Coverage:
    """What one workbook covers."""

    team: str
    split: str | None = None
    value: str | None = None
    missing: tuple[str, ...] = ()  # tables the team needs that were not given
    left_out: dict[str, str] = field(default_factory=dict)  # tables not divided by the split -> reason
    outside: dict[str, int] = field(default_factory=dict)  # table -> rows in no workbook of the split


def coverage(
    spec: TeamSpec,
    given: Sequence[str],
    split: str | None = None,
    value: str | None = None,
    left_out: Mapping[str, str] | None = None,
    outside: Mapping[str, int] | None = None,
) -> Coverage:
    missing = tuple(t for t in spec.tables if t not in given)
    kept = {t: r for t, r in (left_out or {}).items() if t in spec.tables and t not in missing}
    return Coverage(spec.team, split, value, missing, kept, dict(outside or {}))


@dataclass(frozen=True)
class Gap:
    """Why a KPI shows no value: ``reason`` (:data:`MISSING`, :data:`COMPANY`, ...) and the table."""

    reason: str
    table: str


@dataclass
class Gaps:
    """The KPIs a workbook cannot show and the targets that are not the split's."""

    kpis: dict[str, Gap] = field(default_factory=dict)
    no_target: list[str] = field(default_factory=list)  # KPI keys: the team's total target does not apply
    own_target: dict[str, str] = field(default_factory=dict)  # KPI key -> formula of the split's own target


def kpi_tables(spec: TeamSpec) -> dict[str, set[str]]:
    """The data tables each KPI reads, directly or through a trend column (``Trend_<key>``)."""
    direct = {kpi.key: {table for table, _ in structured_references(kpi.formula_for())} for kpi in spec.kpis}
    trends = {kpi.key: _trend_keys(kpi) for kpi in spec.kpis}
    result: dict[str, set[str]] = {}

    def tables_of(key: str, seen: frozenset[str] = frozenset()) -> set[str]:
        found = set(direct[key])
        for other in trends[key] - seen - {key}:
            found |= tables_of(other, seen | {key}) if other in direct else set()
        return found

    for kpi in spec.kpis:
        result[kpi.key] = tables_of(kpi.key)
    return result


def _trend_keys(kpi: Kpi) -> set[str]:
    return {ref.removeprefix("Trend_") for ref in references_used(kpi.formula_for()) if ref.startswith("Trend_")}


def _scopes(spec: TeamSpec) -> dict[str, dict[str, set[str] | None]]:
    """For each KPI, the scopes it reads of each scoped table (None: every scope, no criterion on it)."""
    scoped = {name: t.split.scope for name, t in data_model.TABLES.items() if t.split and t.split.scope}
    result: dict[str, dict[str, set[str] | None]] = {}
    for kpi in spec.kpis:
        formula = kpi.formula_for()
        used = {table for table, _ in structured_references(formula)}
        literals = criteria_literals(formula)
        result[kpi.key] = {
            table: {text for t, column, text in literals if t == table and column == scope} or None
            for table, scope in scoped.items()
            if table in used
        }
    return result


def gaps(spec: TeamSpec, cover: Coverage) -> Gaps:
    """The KPIs ``cover``'s workbook cannot show, and the targets that are not its own."""
    result = Gaps()
    tables = kpi_tables(spec)
    scopes = _scopes(spec)
    kept_scopes = {"Rep"} | ({"Team"} if cover.split == "team" else set())
    unavailable: dict[str, Gap] = {}
    for kpi in spec.kpis:
        for table in sorted(tables[kpi.key]):
            if table in cover.missing:
                unavailable[kpi.key] = Gap(MISSING, table)
                break
            if cover.split is None:
                continue
            if table in cover.left_out:
                unavailable[kpi.key] = Gap(cover.left_out[table], table)
                break
            read = scopes[kpi.key].get(table, set())
            if read is None or not read <= kept_scopes:
                unavailable[kpi.key] = Gap(COMPANY, table)
                break
    for kpi in spec.kpis:  # a KPI reading another's trend column has no value when that one has none
        if kpi.key not in unavailable:
            for other in _trend_keys(kpi):
                if other in unavailable:
                    unavailable[kpi.key] = unavailable[other]
    result.kpis = {kpi.key: unavailable[kpi.key] for kpi in spec.kpis if kpi.key in unavailable}
    if cover.split is not None:
        for kpi in spec.kpis:
            if kpi.target is None or kpi.key in result.kpis or kpi.function.name not in TOTAL_FUNCTIONS:
                continue
            metric = OWN_TARGETS.get((spec.team, kpi.key))
            if metric and "Targets" in spec.tables and "Targets" not in cover.missing:
                result.own_target[kpi.key] = (
                    f'=SUMIFS(Targets[Target],Targets[Metric],"{metric}",Targets[Scope],"Rep",'
                    'Targets[Month],">="&PeriodStart,Targets[Month],"<="&PeriodEnd)'
                )
            else:
                result.no_target.append(kpi.key)
    return result


__all__ = [
    "COMPANY",
    "MISSING",
    "NEEDS_CUSTOMERS",
    "NEEDS_REPS",
    "OWN_TARGETS",
    "SPLITS",
    "TOTAL_FUNCTIONS",
    "Coverage",
    "Gap",
    "Gaps",
    "Parts",
    "coverage",
    "gaps",
    "key_columns",
    "kpi_tables",
    "row_assigner",
    "row_values",
    "scorecard_people",
    "split_data",
    "split_values",
]
