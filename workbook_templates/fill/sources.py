"""Reading CRM exports into the data model's tables, and saying exactly which rows could not be read.

Inputs: CSV (UTF-8 with or without BOM, or Windows-1252; comma or semicolon), XLSX (read with
python-calamine) and Parquet. ``--data`` takes files or folders; a file named like a table (``Deals.csv``,
``deals.xlsx``, ``Deals.parquet``) holds that table, an .xlsx may hold several tables on sheets named like
them, and a mapping's ``files`` patterns claim other files (a Salesforce report called ``report1699.csv``).

A mapping (:class:`TableMapping`) says which export column becomes which data-model column, how its dates
are written, which export values mean which category, what a column the export lacks is derived from or
defaults to. Two presets ship in ``presets/`` (``salesforce``, ``hubspot``); ``--mapping FILE`` reads the same
TOML format. Without a mapping a table's columns must be named as in ``docs/DATA_MODEL.md``.

Every value is checked against the data model: a required column missing from the file, a blank required
value, a date or number that does not parse, a category value that is not allowed, a number outside its
range, a duplicate key. Each problem is a :class:`BadRow` naming the file, the row as the file numbers it
(header = row 1, as a spreadsheet shows it), the column and the value. :func:`load` raises
:class:`BadData` listing them all, unless ``skip_bad_rows`` (then the rows are left out and returned).
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import io
import re
import tomllib
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import data_model

PRESET_DIR = Path(__file__).resolve().parent / "presets"
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq")
DERIVATIONS = ("status_from_stage", "close_date_only_when_closed", "referral_from_source")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class BadRow:
    """One value that could not be read: where it is and why."""

    file: str
    row: int  # as the file numbers it: the header is row 1
    table: str
    column: str  # the export's column name (the data model's when the column is missing)
    value: str
    problem: str

    def __str__(self) -> str:
        shown = f" {self.value!r}" if self.value != "" else ""
        return f"{self.file}, row {self.row}, column {self.column!r}:{shown} {self.problem}"


class BadData(Exception):
    """The data cannot be used as it is: ``bad`` lists every problem; ``fatal`` ones cannot be skipped."""

    def __init__(self, bad: Sequence[BadRow], fatal: bool = False) -> None:
        self.bad, self.fatal = list(bad), fatal
        noun = "problem" if len(self.bad) == 1 else "problems"
        super().__init__(f"{len(self.bad)} {noun} in the data; first: {self.bad[0] if self.bad else ''}")


class SourceError(Exception):
    """A file or mapping that cannot be read at all (unknown format, unreadable, ambiguous)."""


# ------------------------------------------------------------------------------------------- mappings


@dataclass(frozen=True)
class TableMapping:
    """How one export becomes one data-model table (all column names are the data model's on the left)."""

    table: str
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # model column -> export names, first found
    files: tuple[str, ...] = ()  # file name patterns this mapping claims (``*`` = any file of no other table)
    date_format: str | None = None  # strftime-style (``%m/%d/%Y``); None: ISO dates and date-times
    defaults: dict[str, Any] = field(default_factory=dict)  # where the export has no column, or a blank cell
    copy: dict[str, tuple[str, ...]] = field(default_factory=dict)  # model column -> other model columns
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # model column -> {export value: model value}
    derive: tuple[str, ...] = ()  # named derivations, see DERIVATIONS
    from_reps: tuple[str, ...] = ()  # columns looked up in Reps by the row's Owner (Team, Region)
    find_header: bool = False  # the header is the first row naming two of the mapped columns
    stop_at_blank_row: bool = False  # rows end at the first blank row (a report footer follows)

    def sources_for(self, column: str) -> tuple[str, ...]:
        """Export column names that may hold ``column``, the mapping's first, then the model's own name."""
        names = self.columns.get(column, ())
        return names if column in names else (*names, column)


@dataclass(frozen=True)
class MappingFile:
    """A preset or mapping file: one :class:`TableMapping` per table it describes."""

    name: str
    tables: dict[str, TableMapping]


def identity(table: str) -> TableMapping:
    """The mapping of a file whose columns are named as in the data model."""
    return TableMapping(table=table)


def preset(name: str) -> MappingFile:
    """A bundled preset: ``salesforce`` or ``hubspot``."""
    path = PRESET_DIR / f"{name.lower()}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in PRESET_DIR.glob("*.toml")))
        raise SourceError(f"no preset {name!r}; presets: {known}")
    return load_mapping(path)


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def load_mapping(path: str | Path) -> MappingFile:
    """Read a mapping file (the presets' TOML format); raises :class:`SourceError` naming what is wrong."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SourceError(f"{path}: {error}") from None
    tables = {}
    for table, section in raw.items():
        if not isinstance(section, dict):
            continue
        tables[table] = _table_mapping(table, section, str(path))
    if not tables:
        raise SourceError(f"{path}: no [Table] section (e.g. [Deals] with a [Deals.columns] table)")
    return MappingFile(name=str(raw.get("name", path.stem)), tables=tables)


def _names(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def _table_mapping(table: str, section: dict[str, Any], where: str) -> TableMapping:
    if table not in data_model.TABLES:
        raise SourceError(f"{where}: [{table}] is not a table of the data model ({', '.join(data_model.TABLES)})")
    model = data_model.TABLES[table]
    known = {
        "columns",
        "files",
        "date_format",
        "defaults",
        "copy",
        "values",
        "derive",
        "from_reps",
        "find_header",
        "stop_at_blank_row",
    }
    unknown = set(section) - known
    if unknown:
        raise SourceError(f"{where}: [{table}] has unknown keys {sorted(unknown)}; known: {sorted(known)}")
    mapping = TableMapping(
        table=table,
        columns={k: _names(v) for k, v in section.get("columns", {}).items()},
        files=_names(section.get("files", ())),
        date_format=section.get("date_format"),
        defaults=dict(section.get("defaults", {})),
        copy={k: _names(v) for k, v in section.get("copy", {}).items()},
        values={k: {str(a): str(b) for a, b in v.items()} for k, v in section.get("values", {}).items()},
        derive=_names(section.get("derive", ())),
        from_reps=_names(section.get("from_reps", ())),
        find_header=bool(section.get("find_header", False)),
        stop_at_blank_row=bool(section.get("stop_at_blank_row", False)),
    )
    named = [*mapping.columns, *mapping.defaults, *mapping.copy, *mapping.values, *mapping.from_reps]
    named += [c for sources in mapping.copy.values() for c in sources]
    wrong = sorted({c for c in named if c not in model.by_name})
    if wrong:
        raise SourceError(f"{where}: [{table}] names columns the table does not have: {wrong}")
    bad_derive = sorted(set(mapping.derive) - set(DERIVATIONS))
    if bad_derive:
        raise SourceError(f"{where}: [{table}] derive: unknown {bad_derive}; known: {list(DERIVATIONS)}")
    return mapping


# ------------------------------------------------------------------------------------------ raw files


@dataclass
class RawTable:
    """An export as read: its columns as written, values as the file holds them, source row numbers."""

    file: str  # shown in reports: the path, plus [sheet] for a workbook
    table: str
    frame: pd.DataFrame  # object columns named as in the file
    rows: np.ndarray  # the row number of each frame row in the file (header = 1)


def discover(paths: Iterable[str | Path], mapping: MappingFile | None = None) -> list[tuple[Path, str | None, str]]:
    """``(file, sheet, table)`` for every table found in ``paths`` (files or folders)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not p.name.startswith((".", "~$"))  # hidden files, Excel's lock files
                and not p.name.endswith("bad-rows.csv")  # a report of an earlier run
                and not _is_kpi_workbook(p)  # a workbook a fill wrote, when --out is inside the folder
            )
        elif path.is_file():
            files.append(path)
        else:
            raise SourceError(f"{path}: no such file or folder")
    by_name = {name.casefold(): name for name in data_model.TABLES}
    found: list[tuple[Path, str | None, str]] = []
    unclaimed: list[Path] = []
    for path in files:
        suffix = path.suffix.lower()
        if suffix not in SUFFIXES:
            raise SourceError(f"{path}: not a CSV, XLSX or Parquet file")
        if suffix in (".xlsx", ".xlsm"):
            sheets = _sheet_names(path)
            tables = [
                (sheet, by_name[sheet.strip().casefold()]) for sheet in sheets if sheet.strip().casefold() in by_name
            ]
            if tables and (len(tables) > 1 or path.stem.casefold() not in by_name):
                found += [(path, sheet, table) for sheet, table in tables]
                continue
        table = by_name.get(path.stem.strip().casefold())
        if table is not None:
            found.append((path, None, table))
        else:
            unclaimed.append(path)
    for path in unclaimed:
        claims = [m.table for m in (mapping.tables.values() if mapping else ()) if _claims(m, path.name)]
        if len(claims) != 1:
            why = (
                "several mappings claim it" if claims else "name it like a table (Deals.csv) or use --preset/--mapping"
            )
            raise SourceError(f"{path}: cannot tell which table it holds; {why}")
        found.append((path, None, claims[0]))
    return found


def _is_kpi_workbook(path: Path) -> bool:
    """A team workbook (it has the KpiTeam property): output, not input, when found in a data folder."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    try:
        with zipfile.ZipFile(path) as package:
            return b'name="KpiTeam"' in package.read("docProps/custom.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def _claims(mapping: TableMapping, file_name: str) -> bool:
    return any(fnmatch.fnmatch(file_name.casefold(), pattern.casefold()) for pattern in mapping.files)


def _sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types
        raise SourceError(f"{path}: cannot read the workbook ({error})") from None
    return list(workbook.sheet_names)


def read_rows(path: Path, sheet: str | None = None) -> list[list[Any]]:
    """Every row of a CSV file or a workbook sheet from row 1, values as the file holds them."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        target = workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)
        rows = target.to_python(skip_empty_area=False)
        return [list(row) for row in rows]
    text = _decode(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def read_raw(path: Path, sheet: str | None, mapping: TableMapping) -> RawTable:
    """A file as a :class:`RawTable`; the header is row 1 unless the mapping searches for it."""
    where = f"{path}[{sheet}]" if sheet else str(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            frame = pd.read_parquet(path)
        except Exception as error:  # pyarrow's error types vary
            raise SourceError(f"{path}: cannot read the Parquet file ({error})") from None
        frame = frame.astype(object).where(frame.notna(), None)
        frame.columns = [str(c) for c in frame.columns]
        return RawTable(where, mapping.table, frame, np.arange(2, len(frame) + 2))
    try:
        rows = read_rows(path, sheet)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SourceError(f"{where}: cannot read it ({error})") from None
    header = _header_row(rows, mapping) if mapping.find_header else 0
    if header >= len(rows):
        raise BadData([BadRow(where, 1, mapping.table, "", "", "the file has no header row")], fatal=True)
    names = [_header_text(v) for v in rows[header]]
    body, numbers = [], []
    width = len(names)
    for index in range(header + 1, len(rows)):
        row = rows[index]
        if _blank_row(row):
            if mapping.stop_at_blank_row:
                break
            continue
        body.append(row if len(row) == width else list(row[:width]) + [None] * (width - len(row)))
        numbers.append(index + 1)
    frame = pd.DataFrame(body, columns=_unique(names), dtype=object)
    return RawTable(where, mapping.table, frame, np.array(numbers, dtype=np.int64))


def _blank_row(row: list[Any]) -> bool:
    try:
        return not "".join(row).strip()  # a CSV row: text only
    except TypeError:  # a workbook row: numbers, dates, None
        return all(_blank(v) for v in row)


def _header_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}.{seen[name] - 1}")
    return result


def _header_row(rows: list[list[Any]], mapping: TableMapping) -> int:
    expected = {n.casefold() for c in data_model.TABLES[mapping.table].columns for n in mapping.sources_for(c.name)}
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if sum(_header_text(v).casefold() in expected for v in row) >= 2:
            return index
    return 0


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


# ------------------------------------------------------------------------------------------- parsing


@dataclass
class Loaded:
    """The tables read, the rows left out (with ``skip_bad_rows``) and notes for the summary."""

    frames: dict[str, pd.DataFrame]
    skipped: list[BadRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)  # table -> files read


def load(paths: Iterable[str | Path], mapping: MappingFile | None = None, *, skip_bad_rows: bool = False) -> Loaded:
    """Read every table in ``paths`` into data-model frames (see the module's docstring).

    Raises :class:`BadData` when a value cannot be read (unless ``skip_bad_rows``: then those rows are left
    out and listed in ``Loaded.skipped``) or a required column is missing (always), and
    :class:`SourceError` when a file cannot be read at all.
    """
    found = discover(paths, mapping)
    raws: dict[str, list[RawTable]] = {}
    for path, sheet, table in found:
        table_mapping = (mapping.tables.get(table) if mapping else None) or identity(table)
        raws.setdefault(table, []).append(read_raw(path, sheet, table_mapping))
    result = Loaded(frames={})
    problems: list[BadRow] = []
    fatal: list[BadRow] = []
    order = sorted(raws, key=lambda name: name != "Reps")  # Reps first: other tables look owners up in it
    for table in order:
        table_mapping = (mapping.tables.get(table) if mapping else None) or identity(table)
        parsed = []
        for raw in raws[table]:
            try:
                frame, bad, notes = parse(raw, table_mapping, reps=result.frames.get("Reps"))
            except BadData as error:
                fatal += error.bad
                continue
            parsed.append(frame)
            problems += bad
            result.notes += notes
            result.files.setdefault(table, []).append(raw.file)
        if not parsed:
            continue
        frame = pd.concat(parsed, ignore_index=True) if len(parsed) > 1 else parsed[0]
        duplicates = duplicate_keys(table, frame)
        problems += duplicates
        if skip_bad_rows:
            frame = _without(frame, problems)
        result.frames[table] = frame
    problems.sort(key=lambda bad: (bad.file, bad.row))  # as the files read, top to bottom
    if fatal:
        raise BadData(fatal, fatal=True)
    if problems and not skip_bad_rows:
        raise BadData(problems)
    result.skipped = problems
    for table, frame in result.frames.items():
        clean = frame.drop(columns=["_file", "_row"]).reset_index(drop=True)
        left = data_model.check_frame(table, clean)
        if left:  # a bug here, not in the data: every check above should have caught it
            raise SourceError(f"{table}: the data still does not fit the data model: {left}")
        result.frames[table] = clean
    return result


def _without(frame: pd.DataFrame, problems: list[BadRow]) -> pd.DataFrame:
    bad = {(p.file, p.row) for p in problems}
    if not bad:
        return frame
    keep = [(f, r) not in bad for f, r in zip(frame["_file"], frame["_row"], strict=True)]
    return frame[keep]


def parse(
    raw: RawTable, mapping: TableMapping, reps: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[BadRow], list[str]]:
    """One export as a data-model frame (plus ``_file`` and ``_row`` columns), its bad values, and notes.

    Raises :class:`BadData` (fatal) for a required column the export does not have and nothing provides.
    """
    model = data_model.TABLES[raw.table]
    headers = {name.strip().casefold(): name for name in raw.frame.columns}
    problems: list[BadRow] = []
    notes: list[str] = []
    out: dict[str, pd.Series] = {}
    source_of: dict[str, str] = {}
    for column in model.columns:
        source = next(
            (headers[n.casefold()] for n in mapping.sources_for(column.name) if n.casefold() in headers), None
        )
        if source is None:
            continue
        source_of[column.name] = source
        series = raw.frame[source]
        if column.name in mapping.defaults:
            series = series.where(~series.map(_blank), mapping.defaults[column.name])
        out[column.name], bad = parse_column(series, column, mapping, raw.rows)
        problems += [BadRow(raw.file, row, raw.table, source, _shown(value), why) for row, value, why in bad]
    frame = pd.DataFrame(out, index=raw.frame.index)
    problems += _derive(frame, mapping, reps, notes, raw)
    missing = []
    for column in model.columns:
        if column.name in frame.columns:
            continue
        if column.name in mapping.defaults:
            frame[column.name] = _typed_default(column, mapping.defaults[column.name], len(frame))
            notes.append(f"{raw.file}: no {column.name} column; every row set to {mapping.defaults[column.name]!r}")
        elif column.required:
            missing.append(column)
        else:
            frame[column.name] = _typed_default(column, None, len(frame))
    if missing:
        bad = [
            BadRow(
                raw.file,
                1,
                raw.table,
                c.name,
                "",
                f"missing required column (looked for {_looked_for(mapping, c.name)})",
            )
            for c in missing
        ]
        raise BadData(bad, fatal=True)
    frame = frame[[c.name for c in model.columns]]
    problems += _blank_required(frame, model, raw, source_of, {p.row for p in problems})
    frame["_file"] = raw.file
    frame["_row"] = raw.rows
    return frame.reset_index(drop=True), problems, notes


def _looked_for(mapping: TableMapping, column: str) -> str:
    return ", ".join(repr(n) for n in mapping.sources_for(column))


def _shown(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _typed_default(column: data_model.Column, value: Any, length: int) -> pd.Series:
    if column.type in ("date", "datetime"):
        return pd.Series(pd.to_datetime([value] * length), dtype="datetime64[ns]")
    if column.type in ("number", "money", "percent"):
        return pd.Series([np.nan if value is None else float(value)] * length, dtype="float64")
    if column.type == "integer":
        return pd.Series([value] * length, dtype="Int64")
    if column.type == "bool":
        return pd.Series([value] * length, dtype=object if value is None else bool)
    return pd.Series([value] * length, dtype=object)


def _blank_required(
    frame: pd.DataFrame, model: data_model.Table, raw: RawTable, source_of: Mapping[str, str], known: set[int]
) -> list[BadRow]:
    """Blank values of required columns; a derived column's blank is only reported on an otherwise good row."""
    problems = []
    for column in model.columns:
        if not column.required:
            continue
        blank = frame[column.name].isna().to_numpy()
        if not blank.any():
            continue
        source = source_of.get(column.name)
        for index in np.flatnonzero(blank):
            value = raw.frame[source].iloc[index] if source else None
            if source is not None and not _blank(value):
                continue  # reported already as unreadable
            if source is None and int(raw.rows[index]) in known:
                continue
            problems.append(
                BadRow(
                    raw.file,
                    int(raw.rows[index]),
                    raw.table,
                    source or column.name,
                    "",
                    "blank, but the column is required",
                )
            )
    return problems


_CURRENCY = re.compile(r"^[A-Z]{3}\s+|\s+[A-Z]{3}$|[$€£¥\s\u00a0\u202f']")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d*)?(?:[eE][+-]?\d+)?")
_NEGATIVE = re.compile(r"^\((.*)\)$")
_TRUE = {"true", "yes", "y", "1", "1.0", "x", "wahr", "是"}
_FALSE = {"false", "no", "n", "0", "0.0", "falsch", "否"}
_BOOLS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
_TIME_ZONE = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


def parse_column(
    series: pd.Series, column: data_model.Column, mapping: TableMapping, rows: np.ndarray
) -> tuple[pd.Series, list[tuple[int, Any, str]]]:
    """One export column in the data model's type, and ``(row, value, problem)`` for what does not parse.

    Columns of text (what CSV files hold) take vectorised paths; other values are judged one by one.
    """
    text_only = _is_text(series)
    if text_only:  # Arrow strings: strip, compare, match at C++ speed
        series = series.astype("string[pyarrow]")
    blank = _blanks(series, text_only)
    if column.type in ("date", "datetime"):
        parsed = _dates(series, blank, mapping.date_format)
        if column.type == "date":
            parsed = parsed.dt.normalize()
        fmt = mapping.date_format or "an ISO date (2025-12-31)"
        failed = parsed.isna().to_numpy() & ~blank
        problem = f"not a date in the format {_shown_format(fmt)}"
    elif column.type in ("number", "money", "percent", "integer"):
        parsed = _numbers(series, blank, percent=column.type == "percent", text_only=text_only)
        failed = parsed.isna().to_numpy() & ~blank
        problem = "not a number"
    elif column.type == "bool":
        parsed = _folded(series, text_only).map(_BOOLS) if text_only else series.map(_bool)
        parsed = parsed.astype(object).where(parsed.notna(), None)
        failed = parsed.isna().to_numpy() & ~blank
        problem = "not TRUE/FALSE (yes/no, 1/0)"
    elif column.type == "category":
        parsed, failed = _categories(series, blank, column, mapping.values.get(column.name, {}), text_only)
        problem = f"not one of {', '.join(column.allowed)}"
    else:
        parsed = series.astype(object) if text_only else series.map(_text)
        parsed = parsed.where(~blank, None)
        illegal = (
            series.str.contains(_ILLEGAL_XML.pattern, regex=True) if text_only else parsed.str.contains(_ILLEGAL_XML)
        )
        failed = illegal.fillna(False).to_numpy(dtype=bool)
        problem = "holds a control character a workbook cannot store"
    bad = [(int(rows[i]), _raw(series.iloc[i]), problem) for i in np.flatnonzero(failed)]
    if column.type in ("number", "money", "percent", "integer"):
        parsed, range_bad = _checked_range(parsed, column, series, rows, failed)
        bad += range_bad
    return parsed, bad


def _is_text(series: pd.Series) -> bool:
    """Whether every value is text (or missing): a CSV column."""
    return pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")


def _raw(value: Any) -> Any:
    return None if value is pd.NA else value


def _blanks(series: pd.Series, text_only: bool) -> np.ndarray:
    if not text_only:
        return series.map(_blank).to_numpy(dtype=bool)
    return series.str.strip().eq("").to_numpy(dtype=bool, na_value=True)


def _folded(series: pd.Series, text_only: bool) -> pd.Series:
    """Values stripped and lower-cased, for looking them up (keys are folded with :func:`_fold`)."""
    if text_only:
        return series.str.strip().str.lower().astype(object)
    return series.map(lambda v: None if _blank(v) else _fold(str(v)))


def _fold(text: str) -> str:
    return text.strip().lower()


def _shown_format(fmt: str) -> str:
    return (
        fmt.replace("%m", "MM")
        .replace("%d", "DD")
        .replace("%Y", "YYYY")
        .replace("%y", "YY")
        .replace("%H", "hh")
        .replace("%M", "mm")
        .replace("%S", "ss")
    )


def _dates(series: pd.Series, blank: np.ndarray, date_format: str | None) -> pd.Series:
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    values = series[~blank]
    if values.empty:
        return result
    if isinstance(values.dtype, pd.StringDtype):
        is_text = np.ones(len(values), dtype=bool)
    else:
        is_text = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    text = values[is_text].str.strip()
    if len(text):
        text = text.str.replace(_TIME_ZONE.pattern, "", regex=True)
        if date_format:
            parsed = pd.to_datetime(text, format=date_format, errors="coerce")
            if parsed.isna().any():  # the same day with a time (12/31/2025 9:41 AM): keep the day
                day_only = text.str.split(n=1).str[0]
                parsed = parsed.fillna(pd.to_datetime(day_only, format=date_format, errors="coerce"))
        else:
            parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
        result[text.index] = parsed.astype("datetime64[ns]")
    others = values[~is_text]
    if len(others):
        result[others.index] = pd.to_datetime(others.map(_date_value), errors="coerce").astype("datetime64[ns]")
    return result


def _date_value(value: Any) -> pd.Timestamp | Any:
    if isinstance(value, bool):
        return pd.NaT
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp | np.datetime64):
        stamp = pd.Timestamp(value)
        return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp
    if isinstance(value, int | float | np.number) and 1 <= float(value) < 2958466:  # an Excel serial number
        from udfs.coerce import datetime_from_serial

        return pd.Timestamp(datetime_from_serial(float(value))).round("us")
    return pd.NaT


def _numbers(series: pd.Series, blank: np.ndarray, *, percent: bool, text_only: bool = False) -> pd.Series:
    """Numbers; plain ones parse at C speed, the rest ("USD 1,200.00", "(300)", "12%") one by one."""

    def number(value: Any) -> float:
        if isinstance(value, bool) or value is None:
            return np.nan
        if isinstance(value, int | float | np.number):
            return float(value)
        if not isinstance(value, str):
            return np.nan
        text = value.strip()
        sign = 1.0
        negative = _NEGATIVE.match(text)
        if negative:
            text, sign = negative.group(1), -1.0
        scale = 1.0
        if text.endswith("%"):
            if not percent:
                return np.nan
            text, scale = text[:-1], 0.01
        text = _CURRENCY.sub("", text)
        if not _PLAIN_NUMBER.fullmatch(text):  # 1.234,56 is ambiguous: never guess
            return np.nan
        try:
            return sign * float(text.replace(",", "")) * scale
        except ValueError:
            return np.nan

    if text_only:
        values = pd.to_numeric(series.where(~blank), errors="coerce").astype("float64")
        slow = values.isna().to_numpy() & ~blank
        if slow.any():
            values[slow] = series[slow].astype(object).map(number).astype("float64")
    else:
        values = series.map(number).astype("float64")
    values[np.isinf(values.to_numpy())] = np.nan  # "inf", "1e999": no spreadsheet number, so a bad value
    values[blank] = np.nan
    return values


def _checked_range(
    parsed: pd.Series, column: data_model.Column, raw: pd.Series, rows: np.ndarray, failed: np.ndarray
) -> tuple[pd.Series, list[tuple[int, Any, str]]]:
    bad: list[tuple[int, Any, str]] = []
    values = parsed.to_numpy(dtype="float64")
    present = ~np.isnan(values)
    checks = []
    if column.type == "integer":
        checks.append((present & (values != np.round(values)), "not a whole number"))
    if column.minimum is not None:
        checks.append((present & (values < column.minimum), f"below the minimum {column.minimum:g}"))
    if column.maximum is not None:
        checks.append((present & (values > column.maximum), f"above the maximum {column.maximum:g}"))
    for mask, why in checks:
        bad += [(int(rows[i]), raw.iloc[i], why) for i in np.flatnonzero(mask & ~failed)]
    if column.type == "integer":
        whole = np.where(present & (values == np.round(values)), values, np.nan)
        parsed = pd.Series(pd.array(np.round(whole), dtype="Int64"), index=parsed.index)
        parsed[np.isnan(whole)] = pd.NA
    return parsed, bad


def _bool(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if _blank(value):
        return None
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _text(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id a spreadsheet stored as a number: 12345.0 -> "12345"
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.isoformat(sep=" ")
    return str(value)


def _categories(
    series: pd.Series, blank: np.ndarray, column: data_model.Column, values: Mapping[str, str], text_only: bool
) -> tuple[pd.Series, np.ndarray]:
    lookup = {_fold(allowed): allowed for allowed in column.allowed}
    lookup.update({_fold(source): lookup.get(_fold(target), target) for source, target in values.items()})

    parsed = _folded(series, text_only).map(lookup).astype(object)
    parsed = parsed.where(parsed.isin(column.allowed), None)
    failed = parsed.isna().to_numpy(dtype=bool) & ~blank
    return parsed, failed


# ------------------------------------------------------------------------------------------ deriving


def _derive(
    frame: pd.DataFrame, mapping: TableMapping, reps: pd.DataFrame | None, notes: list[str], raw: RawTable
) -> list[BadRow]:
    """Columns the export does not have: derivations, look-ups in Reps, copies of other columns; returns
    the rows whose owner is not in Reps when a column has to be looked up there."""
    problems: list[BadRow] = []
    if "status_from_stage" in mapping.derive and "Status" not in frame and "Stage" in frame:
        stage = frame["Stage"]
        frame["Status"] = np.where(stage == "Closed Won", "Won", np.where(stage == "Closed Lost", "Lost", "Open"))
        frame.loc[stage.isna(), "Status"] = None
    if "close_date_only_when_closed" in mapping.derive and {"CloseDate", "Status"} <= set(frame):
        if "ExpectedCloseDate" not in frame:
            frame["ExpectedCloseDate"] = frame["CloseDate"].copy()
        frame.loc[frame["Status"] == "Open", "CloseDate"] = pd.NaT
    if "referral_from_source" in mapping.derive and "Referral" not in frame and "Source" in frame:
        frame["Referral"] = (frame["Source"] == "Referral").astype(bool)
    if mapping.from_reps and "Owner" in frame:
        if reps is None or reps.empty:
            if any(c not in frame for c in mapping.from_reps):
                notes.append(f"{raw.file}: no Reps table given, so {', '.join(mapping.from_reps)} cannot be looked up")
        else:
            by_rep = reps.drop_duplicates("Rep").set_index("Rep")
            for column in mapping.from_reps:
                if column not in frame and column in by_rep:
                    looked_up = frame["Owner"].map(by_rep[column])
                    if column in mapping.defaults:
                        unknown_owners = int((looked_up.isna() & frame["Owner"].notna()).sum())
                        if unknown_owners:
                            notes.append(
                                f"{raw.file}: {unknown_owners} rows have an owner who is not in Reps; "
                                f"their {column} is set to {mapping.defaults[column]!r}"
                            )
                        looked_up = looked_up.fillna(mapping.defaults[column])
                    unknown = looked_up.isna().to_numpy() & frame["Owner"].notna().to_numpy()
                    problems += [
                        BadRow(
                            raw.file,
                            int(raw.rows[i]),
                            raw.table,
                            column,
                            str(frame["Owner"].iloc[i]),
                            f"the owner is not in the Reps table, so its {column} is unknown",
                        )
                        for i in np.flatnonzero(unknown)
                    ]
                    frame[column] = looked_up.astype(object).where(looked_up.notna(), None)
    for column, sources in mapping.copy.items():
        if column in frame:
            continue
        present = [s for s in sources if s in frame]
        if present:
            value = frame[present[0]].copy()
            for other in present[1:]:
                value = value.fillna(frame[other])
            frame[column] = value
    return problems


def duplicate_keys(table: str, frame: pd.DataFrame) -> list[BadRow]:
    """Rows whose key (``DealId``, ...) an earlier row already has."""
    key = list(data_model.TABLES[table].key)
    if not key or frame.empty or not set(key) <= set(frame.columns):
        return []
    duplicated = frame.duplicated(key, keep="first").to_numpy()
    if not duplicated.any():
        return []
    first = frame.drop_duplicates(key, keep="first").set_index(key)["_row"]
    problems = []
    for index in np.flatnonzero(duplicated):
        row = frame.iloc[index]
        values = tuple(row[k] for k in key)
        earlier = first.loc[values if len(key) > 1 else values[0]]
        problems.append(
            BadRow(
                str(row["_file"]),
                int(row["_row"]),
                table,
                ", ".join(key),
                ", ".join(_shown(v) for v in values),
                f"duplicate key (row {int(earlier)} has it too)",
            )
        )
    return problems


def write_report(bad: Sequence[BadRow], path: str | Path) -> Path:
    """The bad rows as a CSV file (file, row, table, column, value, problem)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "row", "table", "column", "value", "problem"])
        for item in bad:
            writer.writerow([item.file, item.row, item.table, item.column, item.value, item.problem])
    return path


__all__ = [
    "BadData",
    "BadRow",
    "Loaded",
    "MappingFile",
    "SourceError",
    "TableMapping",
    "discover",
    "load",
    "load_mapping",
    "parse",
    "preset",
    "preset_names",
    "write_report",
]
