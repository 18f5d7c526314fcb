"""Reading CRM exports into the data model's tables, and saying exactly which rows could not be read.

Inputs: CSV in any common encoding and dialect, XLSX/XLSM, XLS and Parquet, read in batches by
:mod:`.exports`. ``--data`` takes files or folders; a file named like a table (``Deals.csv``,
``deals.xlsx``, ``Deals.parquet``) holds that table, an .xlsx may hold several tables on sheets named like
them, and a mapping's ``files`` patterns claim other files (a Salesforce report called ``report1699.csv``).

A mapping (:class:`TableMapping`) says which export column becomes which data-model column, how its dates
are written, which export values mean which category, what a column the export lacks is derived from or
defaults to. Two presets ship in ``presets/`` (``salesforce``, ``hubspot``); ``--mapping FILE`` reads the same
TOML format. Without a mapping a table's columns must be named as in ``docs/DATA_MODEL.md``. Nothing is made
up: an optional column no export has stays blank and is listed in :attr:`Loaded.absent`.

Every value is checked against the data model: a required column missing from the file, two columns named
alike, a row with more or fewer fields than the header, a blank required value, a date or number that does
not parse, a number that is not finite, a date outside the calendar, text longer than a cell holds, a
category value that is not allowed, a number outside its range, a duplicate key. Each problem is a
:class:`BadRow` naming the file, the row as the file numbers it (header = row 1, as a spreadsheet shows
it), the column and the value. :func:`load` raises :class:`BadData` listing them all, unless
``skip_bad_rows`` (then the rows are left out and returned). A table too long to hold in memory is kept on
disk (:mod:`.spill`).
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import re
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import data_model
from . import exports, spill

PRESET_DIR = Path(__file__).resolve().parent / "presets"
SUFFIXES = exports.SUFFIXES
DERIVATIONS = ("status_from_stage", "close_date_only_when_closed", "referral_from_source")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HEADER_SEARCH_ROWS = exports.HEADER_SEARCH_ROWS


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
    """Rows of an export as read: columns as written, values as the file holds them, source row numbers."""

    file: str  # shown in reports: the path, plus [sheet] for a workbook
    table: str
    frame: pd.DataFrame  # columns named as in the file
    rows: np.ndarray  # the row number of each frame row in the file (header = 1)
    decimal: str = "."  # how the file writes decimals in text: "1.5" or "1,5"
    header_row: int = 1
    ragged: list[exports.Ragged] = field(default_factory=list)  # rows left out: more or fewer fields
    names: list[str] | None = None  # the header as written, per frame column (repeated names stay repeated)
    notes: list[str] = field(default_factory=list)  # how the file was read (an encoding found, decimal commas)

    def written(self, label: str) -> str:
        """A frame column's header as the file writes it."""
        if self.names is None:
            return str(label)
        return self.names[list(self.frame.columns).index(label)]


def discover(
    paths: Iterable[str | Path], mapping: MappingFile | None = None, notes: list[str] | None = None
) -> list[tuple[Path, str | None, str]]:
    """``(file, sheet, table)`` for every table found in ``paths`` (files or folders).

    A folder's files that are not data (a PDF, a Word file) are named in ``notes``; spreadsheets that cannot
    be read (.xlsb, .ods) are refused by name, never passed over.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            for item in sorted(path.iterdir()):
                if not item.is_file() or item.name.startswith((".", "~$")):  # hidden files, Excel's lock files
                    continue
                if item.name.endswith("bad-rows.csv") or _is_kpi_workbook(item):  # an earlier run's output
                    continue
                if item.suffix.lower() in SUFFIXES or item.suffix.lower() in exports.REFUSED_SUFFIXES:
                    files.append(item)
                elif notes is not None:
                    notes.append(f"{item}: not a data file (CSV, XLSX, XLS or Parquet); not read")
        elif path.is_file():
            files.append(path)
        else:
            raise SourceError(f"{path}: no such file or folder")
    by_name = {name.casefold(): name for name in data_model.TABLES}
    found: list[tuple[Path, str | None, str]] = []
    unclaimed: list[Path] = []
    for path in files:
        suffix = path.suffix.lower()
        if suffix in exports.REFUSED_SUFFIXES:
            raise SourceError(f"{path}: {exports.REFUSED_SUFFIXES[suffix]} cannot be read; save it as .xlsx or CSV")
        if suffix not in SUFFIXES:
            raise SourceError(f"{path}: not a CSV, XLSX, XLS or Parquet file")
        if suffix in exports.WORKBOOK_SUFFIXES:
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
    try:
        return exports.sheet_names(path)
    except exports.ExportError as error:
        raise SourceError(f"{path}: {error}") from None


def open_raw(
    path: Path, sheet: str | None, mapping: TableMapping, options: exports.ReadOptions | None = None
) -> tuple[exports.Export, str]:
    """A file opened for reading in batches, and its name in reports (``path[sheet]`` for a workbook sheet)."""
    where = f"{path}[{sheet}]" if sheet else str(path)
    find_header = (lambda rows: _header_row(rows, mapping)) if mapping.find_header else None
    try:
        export = exports.open_export(path, sheet, options, find_header, mapping.stop_at_blank_row)
    except exports.ExportError as error:
        raise SourceError(f"{where}: {error}") from None
    return export, where


def raw_batches(
    path: Path, sheet: str | None, mapping: TableMapping, options: exports.ReadOptions | None = None
) -> Iterator[RawTable]:
    """A file as :class:`RawTable` batches of rows (at least one, empty for a file without rows)."""
    export, where = open_raw(path, sheet, mapping, options)
    if not export.names:
        raise BadData([BadRow(where, 1, mapping.table, "", "", "the file has no header row")], fatal=True)
    empty = True
    try:
        for batch in export.batches():
            yield RawTable(
                where,
                mapping.table,
                batch.frame,
                batch.rows,
                export.decimal,
                export.header_row,
                batch.ragged,
                list(export.names),
                export.notes if empty else [],
            )
            empty = False
    except exports.ExportError as error:
        raise SourceError(f"{where}: {error}") from None
    if empty:
        frame = pd.DataFrame({name: [] for name in exports.unique_names(export.names)}, dtype=object)
        empty_rows = np.empty(0, np.int64)
        yield RawTable(
            where, mapping.table, frame, empty_rows, export.decimal, export.header_row, [], export.names, export.notes
        )


def _header_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


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

    frames: dict[str, pd.DataFrame | spill.SpilledTable]  # a SpilledTable: a big table kept on disk
    skipped: list[BadRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)  # table -> files read
    #: table -> optional columns no file of it has (left blank, never made up: KPIs using them show #N/A)
    absent: dict[str, list[str]] = field(default_factory=dict)


def load(
    paths: Iterable[str | Path],
    mapping: MappingFile | None = None,
    *,
    skip_bad_rows: bool = False,
    options: exports.ReadOptions | None = None,
    spill_dir: str | Path | None = None,
    spill_rows: int | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Loaded:
    """Read every table in ``paths`` into data-model frames (see the module's docstring).

    ``options`` fixes the CSV encoding or decimal separator (otherwise found from each file). Files are read
    and checked in batches; with ``spill_dir``, a table longer than ``spill_rows`` (default
    :data:`.spill.SPILL_ROWS`) is kept there on disk as a
    :class:`.spill.SpilledTable` instead of a frame, so memory stays bounded whatever the size of the files.
    ``progress(table, rows)`` is called after each batch with the rows of the table read so far.

    Raises :class:`BadData` when a value cannot be read (unless ``skip_bad_rows``: then those rows are left
    out and listed in ``Loaded.skipped``) or a required column is missing (always), and
    :class:`SourceError` when a file cannot be read at all.
    """
    result = Loaded(frames={})
    found = discover(paths, mapping, result.notes)
    problems: list[BadRow] = []
    fatal: list[BadRow] = []
    order = sorted({table for _, _, table in found}, key=lambda name: name != "Reps")  # Reps first: looked up
    for table in order:
        table_mapping = (mapping.tables.get(table) if mapping else None) or identity(table)
        limit = spill.SPILL_ROWS if spill_rows is None else spill_rows
        collected = _Collected(table, Path(spill_dir) if spill_dir is not None else None, limit)
        absent_in: list[set[str]] = []  # per file
        for path, sheet, _ in (item for item in found if item[2] == table):
            absent_in.append(set())
            try:
                for raw in raw_batches(path, sheet, table_mapping, options):
                    frame, bad, notes = parse(raw, table_mapping, result.frames.get("Reps"), absent_in[-1])
                    problems += bad
                    result.notes += [note for note in [*raw.notes, *notes] if note not in result.notes]
                    if fatal or (problems and not skip_bad_rows):
                        collected.add(frame, keep=False)  # nothing will be written: only problems are sought
                        continue
                    collected.add(_without(frame, bad) if skip_bad_rows else frame)
                    if progress is not None:
                        progress(table, collected.rows)
            except BadData as error:
                fatal += error.bad
                continue
            result.files.setdefault(table, []).append(raw.file)
        if not absent_in or fatal:
            continue
        absent = set.intersection(*absent_in)
        result.absent[table] = [c.name for c in data_model.TABLES[table].columns if c.name in absent]
        frame, duplicates = collected.finish(skip_bad_rows)
        problems += duplicates
        if frame is not None:
            result.frames[table] = frame
    if any(isinstance(frame, spill.SpilledTable) for frame in result.frames.values()):
        spill.release_memory()  # a big read leaves freed memory behind
    problems.sort(key=lambda bad: (bad.file, bad.row))  # as the files read, top to bottom
    if fatal:
        raise BadData(fatal, fatal=True)
    if problems and not skip_bad_rows:
        raise BadData(problems)
    result.skipped = problems
    return result


class _Collected:
    """The checked frames of one table: kept in memory, or written to disk once they pass ``spill_rows``.

    The key columns of every row are kept aside (small beside the rows), so duplicate keys are found over
    the whole table, even when the rows stopped being kept because the fill will stop on bad rows.
    """

    def __init__(self, table: str, spill_dir: Path | None, spill_rows: int) -> None:
        self.table, self.spill_dir, self.spill_rows = table, spill_dir, spill_rows
        self.key = list(data_model.TABLES[table].key)
        self.frames: list[pd.DataFrame] = []
        self.keys: list[pd.DataFrame] = []
        self.rows = 0  # rows read
        self.kept = 0  # rows kept (in memory or on disk)
        self.writer: spill.SpillWriter | None = None

    def add(self, frame: pd.DataFrame, *, keep: bool = True) -> None:
        """Add the rows of a batch, or with ``keep`` false only their keys."""
        self.rows += len(frame)
        if self.key:  # compact copies: Arrow text, the file as a category, never a view of the batch
            keys = pd.DataFrame(
                {
                    **{k: _compact(frame[k]) for k in self.key},
                    "_file": pd.Categorical(frame["_file"].to_numpy()),
                    "_row": frame["_row"].to_numpy(dtype=np.int64, copy=True),
                    "_seq": np.arange(self.kept, self.kept + len(frame)) if keep else np.full(len(frame), -1),
                }
            )
            self.keys.append(keys)
        if not keep:
            return
        self.kept += len(frame)
        if self.writer is None and self.spill_dir is not None and self.kept > self.spill_rows:
            self.spill_dir.mkdir(parents=True, exist_ok=True)
            self.writer = spill.SpillWriter(self.spill_dir / f"{self.table}.parquet", self.table)
            for kept in self.frames:
                self._write(kept)
            self.frames = []
        if self.writer is not None:
            self._write(frame)
        else:
            self.frames.append(frame)

    def _write(self, frame: pd.DataFrame) -> None:
        assert self.writer is not None
        if self.writer.rows == 0:  # the first batch proves the conversion; all go through the same code
            _checked(self.table, frame, keys=False)  # keys are compared over the whole table, in finish()
        self.writer.write(frame)  # with its bookkeeping columns: where each row came from

    def duplicates(self) -> tuple[list[BadRow], list[int]]:
        """Rows whose key an earlier row has, and their ``_seq`` numbers among the rows kept."""
        if not self.keys:
            return [], []
        keys = pd.concat(self.keys, ignore_index=True) if len(self.keys) > 1 else self.keys[0]
        duplicates = duplicate_keys(self.table, keys)
        if not duplicates:
            return [], []
        seqs = keys["_seq"][keys.duplicated(self.key, keep="first").to_numpy() & (keys["_seq"] >= 0).to_numpy()]
        return duplicates, seqs.tolist()

    def finish(self, skip_bad_rows: bool) -> tuple[pd.DataFrame | spill.SpilledTable | None, list[BadRow]]:
        """The table (duplicate keys left out when ``skip_bad_rows``; None when rows were not kept) and
        its duplicate keys."""
        duplicates, seqs = self.duplicates()
        if self.writer is not None:
            excluded = tuple(seqs) if skip_bad_rows else ()
            return self.writer.close(excluded), duplicates
        if not self.frames or self.kept < self.rows:
            return None, duplicates
        frame = pd.concat(self.frames, ignore_index=True) if len(self.frames) > 1 else self.frames[0]
        if skip_bad_rows:
            frame = _without(frame, duplicates)
        elif duplicates:  # the fill stops; the frame is not used
            return None, duplicates
        return _checked(self.table, frame), duplicates


def _compact(series: pd.Series) -> pd.Series:
    """A key column in little memory: text as Arrow strings, anything else as it is (copied)."""
    if series.dtype == object:
        return series.astype("string[pyarrow]").reset_index(drop=True)
    return series.reset_index(drop=True).copy()


def _checked(table: str, frame: pd.DataFrame, *, keys: bool = True) -> pd.DataFrame:
    """``frame`` without its bookkeeping columns, after making sure it fits the data model (its keys are
    unique unless ``keys`` is false: a batch of a table whose keys are compared as a whole)."""
    clean = frame.drop(columns=["_file", "_row"]).reset_index(drop=True)
    left = data_model.check_frame(table, clean)
    if not keys:
        left = [problem for problem in left if not problem.startswith(f"{table}: duplicate keys")]
    if left:  # a bug here, not in the data: every check above should have caught it
        raise SourceError(f"{table}: the data still does not fit the data model: {left}")
    return clean


def _without(frame: pd.DataFrame, problems: list[BadRow]) -> pd.DataFrame:
    bad = {(p.file, p.row) for p in problems}
    if not bad:
        return frame
    keep = [(f, r) not in bad for f, r in zip(frame["_file"], frame["_row"], strict=True)]
    return frame[keep]


def parse(
    raw: RawTable, mapping: TableMapping, reps: pd.DataFrame | None = None, absent: set[str] | None = None
) -> tuple[pd.DataFrame, list[BadRow], list[str]]:
    """One export as a data-model frame (plus ``_file`` and ``_row`` columns), its bad values, and notes.

    ``absent`` collects the optional columns the export does not have and nothing provides (left blank).

    Raises :class:`BadData` (fatal) for a required column the export does not have and nothing provides.
    """
    model = data_model.TABLES[raw.table]
    headers: dict[str, list[str]] = {}
    for name in raw.frame.columns:
        headers.setdefault(raw.written(name).strip().casefold(), []).append(name)
    problems: list[BadRow] = [_ragged_row(raw, ragged) for ragged in raw.ragged]
    notes: list[str] = []
    out: dict[str, pd.Series] = {}
    source_of: dict[str, str] = {}
    alike: list[BadRow] = []
    for column in model.columns:
        names = next((headers[k] for n in mapping.sources_for(column.name) if (k := n.casefold()) in headers), None)
        if names is None:
            continue
        if len(names) > 1:  # "Amount" and "amount": which one holds the data cannot be told
            shown = ", ".join(repr(raw.written(n)) for n in names)
            why = f"{len(names)} columns are named alike ({shown}); rename or remove all but the one for {column.name}"
            alike.append(BadRow(raw.file, raw.header_row, raw.table, raw.written(names[0]), "", why))
            continue
        source = names[0]
        source_of[column.name] = source
        series = raw.frame[source]
        if column.name in mapping.defaults:
            series = series.where(~series.map(_blank), mapping.defaults[column.name])
        out[column.name], bad = parse_column(series, column, mapping, raw.rows, decimal=raw.decimal)
        problems += [BadRow(raw.file, row, raw.table, source, _shown(value), why) for row, value, why in bad]
    if alike:
        raise BadData(alike, fatal=True)
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
            if absent is not None:
                absent.add(column.name)
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


def _ragged_row(raw: RawTable, ragged: exports.Ragged) -> BadRow:
    names = list(raw.frame.columns)
    column = raw.written(names[-1]) if names else ""
    if ragged.in_sheet:
        from openpyxl.utils import get_column_letter

        last, beyond = get_column_letter(max(ragged.expected, 1)), get_column_letter(ragged.fields)
        why = f"a value in column {beyond}, right of the table's last headed column {last}"
    elif ragged.fields > ragged.expected:
        why = (
            f"has {ragged.fields} fields, the header {ragged.expected}: an extra delimiter, "
            "or a value holding the delimiter without quotes"
        )
    else:
        why = f"has {ragged.fields} fields, the header {ragged.expected}: values are missing or run together"
    return BadRow(raw.file, ragged.row, raw.table, column, ragged.text[:200], why)


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


#: Excel's calendar starts on 1900-01-01; the fill's dates end on pandas' last day (Excel's on 9999-12-31).
FIRST_DATE = pd.Timestamp("1900-01-01")
LAST_DATE = pd.Timestamp.max.normalize()
MAX_CELL_TEXT = 32_767  # characters an Excel cell holds
_BEFORE_EXCEL = "before 1900-01-01, where Excel's calendar starts"
_PLACEHOLDER = (
    f"a placeholder date, not a real one (dates from 1900-01-01 to {LAST_DATE:%Y-%m-%d} are read; leave it blank)"
)
_YEAR = re.compile(r"(?<!\d)(\d{4,5})(?!\d)")
_CURRENCY = re.compile(r"^[A-Z]{3}\s+|\s+[A-Z]{3}$|[$€£¥\s\u00a0\u202f']")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d*)?(?:[eE][+-]?\d+)?")
_COMMA_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d*)(?:,\d*)?(?:[eE][+-]?\d+)?")
_NEGATIVE = re.compile(r"^\((.*)\)$")
_TRUE = {"true", "yes", "y", "1", "1.0", "x", "wahr", "是"}
_FALSE = {"false", "no", "n", "0", "0.0", "falsch", "否"}
_BOOLS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
_TIME_ZONE = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


def parse_column(
    series: pd.Series, column: data_model.Column, mapping: TableMapping, rows: np.ndarray, *, decimal: str = "."
) -> tuple[pd.Series, list[tuple[int, Any, str]]]:
    """One export column in the data model's type, and ``(row, value, problem)`` for what does not parse.

    Columns of text (what CSV files hold) take vectorised paths; other values are judged one by one.
    ``decimal`` is how text writes decimals (``1.5`` or ``1,5``). Besides values that do not parse:
    non-finite numbers (``inf``), text longer than an Excel cell holds, dates outside Excel's calendar.
    """
    outside: list[tuple[int, Any, str]] = []
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
        early = (parsed < FIRST_DATE).to_numpy(dtype=bool, na_value=False)
        out_of_range = np.zeros(len(series), dtype=bool)
        if failed.any():  # only values that did not parse can be past the calendar
            out_of_range[failed] = _placeholder_dates(series[failed])
        parsed = parsed.where(~early)
        failed = failed & ~out_of_range
        outside = [(int(rows[i]), _raw(series.iloc[i]), _BEFORE_EXCEL) for i in np.flatnonzero(early)]
        outside += [(int(rows[i]), _raw(series.iloc[i]), _PLACEHOLDER) for i in np.flatnonzero(out_of_range)]
    elif column.type in ("number", "money", "percent", "integer"):
        parsed = _numbers(series, blank, percent=column.type == "percent", text_only=text_only, decimal=decimal)
        failed = parsed.isna().to_numpy() & ~blank
        problem = "not a number" if decimal == "." else "not a number (decimal comma: 1.234,56)"
        infinite = np.isinf(parsed.to_numpy(dtype="float64"))
        outside = [(int(rows[i]), _raw(series.iloc[i]), "not a finite number") for i in np.flatnonzero(infinite)]
        parsed[infinite] = np.nan
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
        lengths = (series.str.len() if text_only else parsed.str.len()).to_numpy(dtype="float64", na_value=0)
        long = (lengths > MAX_CELL_TEXT) & ~failed
        too_long = "{:,} characters; an Excel cell holds " + f"{MAX_CELL_TEXT:,}"
        outside = [(int(rows[i]), _raw(series.iloc[i]), too_long.format(int(lengths[i]))) for i in np.flatnonzero(long)]
    bad = [(int(rows[i]), _raw(series.iloc[i]), problem) for i in np.flatnonzero(failed)] + outside
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
        result[text.index] = _in_calendar(parsed)
    others = values[~is_text]
    if len(others):
        result[others.index] = _in_calendar(pd.to_datetime(others.map(_date_value), errors="coerce"))
    return result


def _in_calendar(parsed: pd.Series) -> pd.Series:
    """Dates as nanosecond timestamps; those past them (9999-12-31, 0001-01-01) become NaT."""
    if parsed.dtype == "datetime64[ns]":
        return parsed
    inside = (parsed >= pd.Timestamp.min) & (parsed <= pd.Timestamp.max)
    return parsed.where(inside).astype("datetime64[ns]")


def _placeholder_dates(series: pd.Series) -> np.ndarray:
    """Which values are dates with a year no workbook date here can have (0001-01-01, 9999-12-31)."""

    def outside(value: Any) -> bool:
        if isinstance(value, dt.date):
            return not FIRST_DATE.year <= value.year <= LAST_DATE.year
        years = _YEAR.findall(value) if isinstance(value, str) else []
        return any(not FIRST_DATE.year <= int(y) <= LAST_DATE.year for y in years[:1])

    return series.astype(object).map(outside).to_numpy(dtype=bool)


def _date_value(value: Any) -> pd.Timestamp | Any:
    if isinstance(value, bool):
        return pd.NaT
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp | np.datetime64):
        try:
            stamp = pd.Timestamp(value)
        except (OverflowError, ValueError):  # 9999-12-31 and 0001-01-01 are past pandas' calendar
            return pd.NaT
        return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp
    if isinstance(value, int | float | np.number) and 1 <= float(value) < 2958466:  # an Excel serial number
        from udfs.coerce import datetime_from_serial

        try:
            return pd.Timestamp(datetime_from_serial(float(value))).round("us")
        except (OverflowError, ValueError):  # a serial past pandas' calendar
            return pd.NaT
    return pd.NaT


def _numbers(
    series: pd.Series, blank: np.ndarray, *, percent: bool, text_only: bool = False, decimal: str = "."
) -> pd.Series:
    """Numbers; plain ones parse at C speed, the rest ("USD 1,200.00", "(300)", "12%") one by one.

    With ``decimal=","`` text is read as ``1.234,56``: points group thousands, the comma is the decimal.
    """
    plain = _PLAIN_NUMBER if decimal == "." else _COMMA_NUMBER

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
        if not plain.fullmatch(text):  # 1.234,56 in a decimal-point file is ambiguous: never guess
            return np.nan
        if decimal == ",":
            text = text.replace(".", "").replace(",", ".")
        try:
            return sign * float(text.replace(",", "")) * scale
        except ValueError:
            return np.nan

    if text_only:
        text = series.where(~blank)
        if decimal == ",":  # only plain 1234,5 is fast; "1.5" there is ambiguous and left to the slow path
            text = text.where(~text.str.contains(".", regex=False).fillna(False)).str.replace(",", ".", regex=False)
        values = pd.to_numeric(text, errors="coerce").astype("float64")
        slow = values.isna().to_numpy() & ~blank
        if slow.any():
            values[slow] = series[slow].astype(object).map(number).astype("float64")
    else:
        values = series.map(number).astype("float64")
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
