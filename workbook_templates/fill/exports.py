"""Reading export files as they really come, in batches of rows, without trusting what they claim.

CSV files: the encoding is taken from ``--encoding`` or found from the bytes (a byte-order mark, valid UTF-8,
else the charset-normalizer detector choosing among the encodings spreadsheet programs write: GB18030/GBK,
Big5, Windows-1252, ...); the delimiter (comma, semicolon, tab, bar) from the first lines (``csv.Sniffer``);
the decimal separator from ``--decimal`` or from the numbers in the file (a semicolon file whose numbers read
``1,5`` writes decimal commas, so ``1,500`` there is one and a half). The rows stream through pyarrow's CSV
reader in blocks, so a file of any size is read in bounded memory; a row with more or fewer fields than the
header is reported with the row number a spreadsheet shows for it (quoted line breaks do not count).

Workbooks: .xlsx/.xlsm stream through openpyxl's read-only reader, which visits only the cells the sheet
holds, so a stray cell at XFD1048576 costs one cell, not the 17 billion of its claimed range; .xls (at most
65,536 × 256 cells) is read with python-calamine. Parquet files are read in row groups.

Each batch is a :class:`Batch`: text or cell values under the header's names, the row number of each row,
and the problems found while reading (ragged rows). What the values mean is for :mod:`.sources` to judge.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

#: File suffixes read as CSV text, as workbooks, as Parquet.
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
PARQUET_SUFFIXES = (".parquet", ".pq")
SUFFIXES = (*CSV_SUFFIXES, *WORKBOOK_SUFFIXES, *PARQUET_SUFFIXES)
#: Spreadsheet formats that are refused by name (save them as .xlsx or CSV).
REFUSED_SUFFIXES = {".xlsb": "an Excel binary workbook", ".ods": "an OpenDocument spreadsheet", ".numbers": "Numbers"}

#: Encodings the detector chooses among when a file is neither UTF-8 nor UTF-16: what Excel and CRMs write
#: in the project's languages and Western Europe.
CANDIDATE_ENCODINGS = ("gb18030", "big5", "cp1252", "shift_jis", "euc_kr", "cp1250")
DELIMITERS = ",;\t|"
DECIMALS = (".", ",")
SAMPLE_BYTES = 1 << 20  # what the encoding, delimiter and decimal are judged from
BATCH_ROWS = 100_000  # rows per batch from workbooks and Parquet files
CSV_BLOCK_BYTES = 8 << 20  # bytes per block of the CSV reader (a batch is one block: some 40,000 rows)
HEADER_SEARCH_ROWS = 30

_COMMA_DECIMAL = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$")  # 1,5  1.234,56
_POINT_DECIMAL = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$")  # 1.5  1,234.56
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+$")  # 1,500: thousands, or one and a half
_GROUPED_POINT = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+$")  # 1.500


class ExportError(Exception):
    """A file that cannot be read at all; the message names the file and what to do."""


@dataclass(frozen=True)
class ReadOptions:
    """What the user said about the files (``--encoding``, ``--decimal``); None: found from each file."""

    encoding: str | None = None
    decimal: str | None = None

    def __post_init__(self) -> None:
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ExportError(f"--encoding {self.encoding!r}: not an encoding Python knows") from None
        if self.decimal is not None and self.decimal not in DECIMALS:
            raise ExportError(f"--decimal must be '.' or ',', not {self.decimal!r}")


@dataclass(frozen=True)
class Ragged:
    """A row whose field count is not the header's."""

    row: int
    fields: int  # fields in the row; in a sheet, the column number of its last value
    expected: int
    text: str
    in_sheet: bool = False  # a worksheet row: values right of the header's last column


@dataclass
class Batch:
    """Rows of one file: values as the file holds them under the header's names, and their row numbers."""

    frame: pd.DataFrame
    rows: Any  # numpy int64 array: the row number of each frame row (header = its own row, 1 when on top)
    ragged: list[Ragged] = field(default_factory=list)


@dataclass
class Export:
    """An opened file: where its header is, its columns, how its text is written, and its batches."""

    header_row: int  # as a spreadsheet numbers it
    names: list[str]  # the header's names as written (stripped)
    batches: Callable[[], Iterator[Batch]]
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str = "."
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------- encodings


def detect_encoding(data: bytes, *, complete: bool) -> str:
    """The encoding of CSV bytes: a byte-order mark, UTF-8 if they decode as it, else the detector's choice.

    ``complete`` says ``data`` is the whole file (otherwise a prefix, whose last character may be cut).
    Raises :class:`ExportError` when the detector finds no encoding that fits.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    even, odd = data[0:4000:2], data[1:4000:2]
    if len(odd) > 8 and odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"  # UTF-16 without a mark: ASCII text has every second byte zero
    if len(even) > 8 and even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    if best is None:
        raise ExportError("its encoding is not one this tool recognises; name it with --encoding (e.g. gb18030)")
    return str(best.encoding)


def _sample_text(path: Path, encoding: str) -> tuple[str, bool]:
    """The first :data:`SAMPLE_BYTES` of the file as text (whole lines) and whether that is the whole file."""
    with path.open("rb") as handle:
        data = handle.read(SAMPLE_BYTES + 1)
    complete = len(data) <= SAMPLE_BYTES
    text = codecs.getincrementaldecoder(encoding)(errors="strict").decode(data[:SAMPLE_BYTES], final=complete)
    if not complete and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text.lstrip("\ufeff"), complete


# ---------------------------------------------------------------------------------------- CSV dialect


def detect_delimiter(text: str) -> str:
    """The field delimiter of CSV text: ``csv.Sniffer`` on the first lines, else the most frequent candidate
    in the first line that has any."""
    lines = text.splitlines()[:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    for line in lines:
        counts = {d: line.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        if counts[best]:
            return best
    return ","


def detect_decimal(rows: Sequence[Sequence[str]], delimiter: str) -> str:
    """The decimal separator the numbers in ``rows`` are written with.

    In a comma-delimited file an unquoted decimal comma cannot occur: ``.``. Otherwise the numbers decide:
    ``1,5`` or ``1.234,56`` say comma, ``1.5`` or ``1,234.56`` say point; ``1,500`` and ``1.500`` are
    grouping under either and only count as weak evidence. With no evidence, a semicolon file (what Excel
    writes where the decimal separator is a comma) takes ``,``, any other ``.``.
    """
    if delimiter == ",":
        return "."
    comma = point = 0
    weak_comma = weak_point = 0  # 1,500 means a decimal comma unless commas group thousands
    for row in rows:
        for value in row:
            text = value.strip()
            if not text or len(text) > 30:
                continue
            if _COMMA_DECIMAL.match(text) and not _GROUPED_COMMA.match(text):
                comma += 1
            elif _POINT_DECIMAL.match(text) and not _GROUPED_POINT.match(text):
                point += 1
            elif _GROUPED_COMMA.match(text):
                weak_comma += 1
            elif _GROUPED_POINT.match(text):
                weak_point += 1
    if comma != point:
        return "," if comma > point else "."
    if weak_comma != weak_point:
        return "," if weak_comma > weak_point else "."
    return "," if delimiter == ";" else "."


def open_csv(
    path: Path,
    options: ReadOptions,
    find_header: Callable[[list[list[str]]], int] | None = None,
    stop_at_blank_row: bool = False,
) -> Export:
    """A CSV file's header and batches (see the module's docstring)."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES + 1)
    if not head.strip():
        return Export(1, [], lambda: iter(()), encoding=options.encoding)
    complete = len(head) <= SAMPLE_BYTES
    notes = []
    encoding = options.encoding or detect_encoding(head[:SAMPLE_BYTES], complete=complete)
    try:
        text, _ = _sample_text(path, encoding)
    except UnicodeDecodeError as error:
        hint = "" if options.encoding else "; name the right one with --encoding"
        raise ExportError(f"not readable as {encoding} (byte {error.start}){hint}") from None
    if options.encoding is None and encoding not in ("utf-8", "utf-8-sig"):
        notes.append(f"{path}: read as {encoding} (found from its bytes; --encoding to choose another)")
    delimiter = detect_delimiter(text)
    sample_rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header_index = find_header(sample_rows) if find_header else 0
    if header_index >= len(sample_rows):
        return Export(1, [], lambda: iter(()), encoding=encoding, delimiter=delimiter, notes=notes)
    names = [value.strip() for value in sample_rows[header_index]]
    decimal = options.decimal or detect_decimal(sample_rows[header_index + 1 :], delimiter)
    if options.decimal is None and decimal == ",":
        notes.append(f"{path}: numbers read with a decimal comma (1,5 = 1.5; --decimal . to change)")
    width = len(names)

    def batches() -> Iterator[Batch]:
        import numpy as np
        import pyarrow as pa
        import pyarrow.csv as pacsv

        ragged: list[Ragged] = []  # in row order; the reader may have read a block ahead
        blank_lines: list[int] = []  # rows holding nothing ("" alone): blank rows, not ragged ones

        def on_invalid(row: Any) -> str:
            number, text = int(row.number or 0), str(row.text)
            if not text.strip(f' "\t{delimiter}'):
                blank_lines.append(number)
            else:
                ragged.append(Ragged(number, int(row.actual_columns), width, text))
            return "skip"

        columns = [f"f{i}" for i in range(width)]
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=columns,
                skip_rows=header_index + 1,
                encoding=encoding,
                block_size=CSV_BLOCK_BYTES,
                use_threads=False,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        next_row = header_index + 2  # the first data row, as a spreadsheet numbers it
        reported = 0
        while True:
            try:
                record_batch = reader.read_next_batch()
            except StopIteration:
                break
            except (pa.ArrowInvalid, UnicodeDecodeError) as error:
                raise ExportError(f"cannot read it as {encoding} CSV ({error}); try --encoding") from None
            count = record_batch.num_rows
            # the rows the reader kept are those it did not pass over (ragged rows, blank lines)
            passed_over = np.array(sorted({r.row for r in ragged[reported:]} | set(blank_lines)), dtype=np.int64)
            passed_over = passed_over[passed_over >= next_row]
            span = np.arange(next_row, next_row + count + len(passed_over), dtype=np.int64)
            numbers = np.setdiff1d(span, passed_over, assume_unique=True)[:count]
            next_row = int(numbers[-1]) + 1 if count else next_row
            batch_ragged = [r for r in ragged[reported:] if r.row < next_row]
            reported += len(batch_ragged)
            blank = _blank_records(record_batch)
            end = _first_blank(numbers, blank, blank_lines) if stop_at_blank_row else None
            stop = end is not None and end < next_row
            if end is not None:  # a report's footer follows the first blank row
                batch_ragged = [r for r in batch_ragged if r.row < end]
                blank |= numbers > end
            frame = record_batch.to_pandas()
            frame.columns = unique_names(names)
            if blank.any():
                frame, numbers = frame[~blank].reset_index(drop=True), numbers[~blank]
            yield Batch(frame, numbers, batch_ragged)
            if stop:
                return
        end = _first_blank(np.empty(0, np.int64), np.empty(0, bool), blank_lines) if stop_at_blank_row else None
        trailing = [r for r in ragged[reported:] if end is None or r.row < end]
        if trailing:  # ragged rows after the last good row
            empty = pd.DataFrame({n: [] for n in unique_names(names)}, dtype=object)
            yield Batch(empty, np.empty(0, np.int64), trailing)

    return Export(header_index + 1, names, batches, encoding, delimiter, decimal, notes)


def _first_blank(numbers: Any, blank: Any, blank_lines: Sequence[int]) -> int | None:
    """The first blank row known so far: in this batch, or a blank line the reader passed over."""
    known = [*([int(numbers[blank.argmax()])] if blank.any() else []), *blank_lines]
    return min(known) if known else None


def _blank_records(record_batch: Any) -> Any:
    """Which rows of a batch of text columns are blank in every column."""
    import numpy as np
    import pyarrow.compute as pc

    blank = np.ones(record_batch.num_rows, dtype=bool)
    for column in record_batch.columns:
        blank &= pc.equal(pc.utf8_trim_whitespace(column), "").to_numpy(zero_copy_only=False)
    return blank


# ------------------------------------------------------------------------------------------ workbooks


def sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook, without reading their cells."""
    try:
        if path.suffix.lower() == ".xls":
            from python_calamine import CalamineWorkbook

            return list(CalamineWorkbook.from_path(str(path)).sheet_names)
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            return list(workbook.sheetnames)
        finally:
            workbook.close()
    except Exception as error:  # openpyxl and calamine raise their own error types
        raise ExportError(f"cannot read the workbook ({type(error).__name__}: {error})") from None


def _workbook_rows(path: Path, sheet: str | None) -> tuple[Iterator[tuple[Any, ...]], Callable[[], None]]:
    """The rows of a sheet from row 1 (an empty tuple for a row without cells) and a function closing it."""
    if path.suffix.lower() == ".xls":  # at most 65,536 x 256 cells: calamine's whole-range read is bounded
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        target = workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)
        return (tuple(row) for row in target.to_python(skip_empty_area=False)), workbook.close
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = workbook[sheet] if sheet else workbook.worksheets[0]
    ws.reset_dimensions()  # the claimed <dimension> is not trusted: only the cells present are read
    return ws.iter_rows(values_only=True), workbook.close


def open_workbook(
    path: Path,
    sheet: str | None,
    find_header: Callable[[list[list[Any]]], int] | None = None,
    stop_at_blank_row: bool = False,
) -> Export:
    """A workbook sheet's header and batches; values beyond the header's last column are ragged rows."""
    rows, close = _workbook_rows(path, sheet)
    head: list[tuple[Any, ...]] = []
    try:
        for row in rows:
            head.append(row)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except Exception as error:
        close()
        raise ExportError(f"cannot read the sheet ({type(error).__name__}: {error})") from None
    header_index = find_header([list(r) for r in head]) if find_header else 0
    if header_index >= len(head):
        close()
        return Export(1, [], lambda: iter(()))
    names = ["" if v is None else str(v).strip() for v in head[header_index]]
    while names and names[-1] == "":
        names.pop()  # empty header cells after the last named column
    width = len(names)

    def batches() -> Iterator[Batch]:
        import numpy as np

        body: list[list[Any]] = []
        numbers: list[int] = []
        ragged: list[Ragged] = []

        def batch() -> Batch:
            frame = pd.DataFrame(body, columns=unique_names(names), dtype=object)
            result = Batch(frame, np.array(numbers, dtype=np.int64), list(ragged))
            body.clear(), numbers.clear(), ragged.clear()
            return result

        def all_rows() -> Iterator[tuple[Any, ...]]:
            yield from head
            yield from rows

        try:
            for index, row in enumerate(all_rows()):
                if index <= header_index:
                    continue
                number = index + 1
                if all(_blank_cell(v) for v in row):
                    if stop_at_blank_row:  # a report's footer follows the first blank row
                        break
                    continue
                extra = [v for v in row[width:] if not _blank_cell(v)]
                if extra:
                    used = width + max(i for i, v in enumerate(row[width:]) if not _blank_cell(v)) + 1
                    ragged.append(Ragged(number, used, width, ", ".join(str(v) for v in extra)[:200], in_sheet=True))
                    continue
                cells = list(row[:width])
                body.append(cells + [None] * (width - len(cells)))
                numbers.append(number)
                if len(body) >= BATCH_ROWS:
                    yield batch()
            if body or ragged:
                yield batch()
        except ExportError:
            raise
        except Exception as error:  # a cell openpyxl cannot convert (a date-formatted cell holding a huge number)
            raise ExportError(f"cannot read the sheet ({type(error).__name__}: {error})") from None
        finally:
            close()

    return Export(header_index + 1, names, batches)


def _blank_cell(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -------------------------------------------------------------------------------------------- Parquet


def open_parquet(path: Path) -> Export:
    """A Parquet file's columns and batches (one per row group slice)."""
    import numpy as np
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow's error types vary
        raise ExportError(f"cannot read the Parquet file ({error})") from None
    names = [str(n) for n in parquet.schema_arrow.names]

    def batches() -> Iterator[Batch]:
        first = 2
        for record_batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            frame = record_batch.to_pandas()
            frame = frame.astype(object).where(frame.notna(), None)
            frame.columns = unique_names(names)
            yield Batch(frame, np.arange(first, first + len(frame), dtype=np.int64))
            first += len(frame)

    return Export(1, names, batches)


# ------------------------------------------------------------------------------------------------ all


def open_export(
    path: Path,
    sheet: str | None = None,
    options: ReadOptions | None = None,
    find_header: Callable[[list[list[Any]]], int] | None = None,
    stop_at_blank_row: bool = False,
) -> Export:
    """Any supported file as an :class:`Export`; raises :class:`ExportError` naming what is wrong."""
    options = options or ReadOptions()
    suffix = path.suffix.lower()
    try:
        if suffix in PARQUET_SUFFIXES:
            return open_parquet(path)
        if suffix in WORKBOOK_SUFFIXES:
            return open_workbook(path, sheet, find_header, stop_at_blank_row)
        if suffix in REFUSED_SUFFIXES:
            raise ExportError(f"{REFUSED_SUFFIXES[suffix]} cannot be read; save it as .xlsx or CSV")
        return open_csv(path, options, find_header, stop_at_blank_row)
    except OSError as error:
        raise ExportError(f"cannot open it ({error.strerror or error})") from None


def unique_names(names: Sequence[str]) -> list[str]:
    """Column labels for a frame: a repeated name gets ``.1``, ``.2`` (duplicates are judged elsewhere)."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}.{seen[name] - 1}")
    return result


__all__ = [
    "Batch",
    "CSV_SUFFIXES",
    "Export",
    "ExportError",
    "PARQUET_SUFFIXES",
    "REFUSED_SUFFIXES",
    "ReadOptions",
    "Ragged",
    "SUFFIXES",
    "WORKBOOK_SUFFIXES",
    "detect_decimal",
    "detect_delimiter",
    "detect_encoding",
    "open_export",
    "sheet_names",
    "unique_names",
]
