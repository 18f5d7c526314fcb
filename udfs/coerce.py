"""Turning what Excel, xlwings and pandas hand over into plain numbers.

A cell value arrives as a number, text, a bool, ``None`` (blank), a ``datetime``/``date`` (classic xlwings,
pandas), an Excel serial date (Office.js) or an error value such as ``"#N/A"``. A range arrives as a list,
a list of lists, a tuple of tuples (LibreOffice), a numpy array or a pandas object. This module turns each
into what the metric needs, once, with errors that name the argument.

Speed matters: Excel hands functions whole columns. Lists of plain numbers go through numpy in one call;
only ranges holding text, dates or errors are walked cell by cell.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import warnings
from collections.abc import Iterable
from numbers import Real
from typing import Any

import numpy as np

from .errors import InvalidValue, KPIError, NothingToCompute, OutOfDomain, PropagatedError, error_code_of

BLANK_TEXT = ""
_NUMERIC_TYPES = frozenset({float, int, np.float64, np.float32, np.int64, np.int32})
_FAST_TYPES = _NUMERIC_TYPES | {type(None)}
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_FIRST_REAL_SERIAL = 61  # 1900-03-01; Excel counts a 29 Feb 1900 that never was, as serial 60
_LAST_SERIAL = 2958466.0  # 10000-01-01: Excel's dates end with 9999-12-31
_SECONDS_PER_DAY = 86400.0
_MICROSECONDS_PER_DAY = _SECONDS_PER_DAY * 1e6
_MICROSECOND = dt.timedelta(microseconds=1)
_EPOCH_TICKS = int(np.datetime64(_EXCEL_EPOCH, "us").view(np.int64))
_NAT_TICKS = int(np.datetime64("NaT", "us").view(np.int64))
_NESTED_TYPES = (list, tuple, np.ndarray, dict, set)


def is_blank(value: Any) -> bool:
    """True for an empty cell: None, empty text, or NaN/NaT (pandas' blank)."""
    if value is None:
        return True
    if isinstance(value, str):
        return value == BLANK_TEXT
    if isinstance(value, float):
        return value != value
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return _is_pandas_missing(value)


def _is_pandas_missing(value: Any) -> bool:
    return type(value).__name__ in {"NaTType", "NAType"}


def raise_if_error(value: Any, name: str) -> None:
    """Raise the Excel error that ``value`` holds, naming the argument it came in."""
    code = error_code_of(value)
    if code is not None:
        raise PropagatedError(f"{name} holds the error value {code}", code)


# --------------------------------------------------------------------------------------------- ranges


def flatten(value: Any, name: str) -> list[Any]:
    """Cells of a scalar, 1-D or 2-D range in row order; deeper nesting is an error."""
    if isinstance(value, np.ndarray):
        if value.ndim > 2:
            raise InvalidValue(f"{name} must be a 1-D or 2-D range, not {value.ndim}-D")
        return value.ravel().tolist() if value.dtype.kind in "fiub" else list(value.ravel())
    if hasattr(value, "to_numpy") and hasattr(value, "shape"):  # pandas Series or DataFrame
        return flatten(value.to_numpy(), name)
    if isinstance(value, (list, tuple)):
        if not value:
            return []
        if isinstance(value[0], (list, tuple, np.ndarray)):
            if set(map(type, value)) <= {list, tuple}:  # a 2-D range: rows of cells
                return list(itertools.chain.from_iterable(value))
            return [cell for row in value for cell in _as_row(row, name)]
        return list(value)
    if isinstance(value, (set, frozenset, dict)):
        raise InvalidValue(f"{name} must be a value or a range, not a {type(value).__name__}")
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return flatten(list(value), name)
    return [value]


def _cells_to_read(value: Any, name: str) -> list[Any]:
    """:func:`flatten` for a reader that never changes the cells: a flat list is used as it is, not copied."""
    if type(value) is list and not (value and isinstance(value[0], (list, tuple, np.ndarray))):
        return value
    return flatten(value, name)


def _as_row(row: Any, name: str) -> Iterable[Any]:
    if isinstance(row, (list, tuple, np.ndarray)):
        return row
    return (row,)


def _reject_nested(cells: list[Any], name: str) -> None:
    for cell in cells:
        if isinstance(cell, (list, tuple, np.ndarray, dict, set)):
            raise InvalidValue(f"{name} must be a 1-D or 2-D range; it holds a nested {type(cell).__name__}")


#: Text Excel reads as a number in arithmetic (en-US, zh-CN, zh-TW): spaces around, a sign or accounting
#: parentheses, the currency symbol of those regions, thousands separators in groups of three, a decimal
#: point, an exponent, a trailing percent sign. ``1,5`` and ``1.234,56`` are not numbers there: never guessed.
_NUMBER_TEXT = re.compile(
    r"(?P<open>\()?\s*(?P<sign>[+-])?\s*(?P<currency>NT\$|\$|¥|￥)?\s*(?P<sign2>[+-])?\s*"
    r"(?P<mantissa>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)"
    r"(?:[eE](?P<exponent>[+-]?\d+))?\s*(?P<percent>%)?\s*(?P<close>\))?"
)


def number_from_text(text: str) -> float | None:
    """The number Excel reads in a text, as ``VALUE`` and arithmetic do, or None.

    ``"50%"`` is 0.5, ``"1,000"`` 1000, ``" 12 "`` 12, ``"$1,000"`` 1000 (VALUE's documented example),
    ``"(1,000)"`` −1000, ``"1.5E3"`` 1500. Dates and times in text are not numbers here (see
    :func:`parse_date_text`). The result is the nearest float to the decimal written: ``"0.7%"`` is 0.007.
    """
    match = _NUMBER_TEXT.fullmatch(text.strip())
    if match is None:
        return None
    parts = match.groupdict()
    signs = [parts["sign"], parts["sign2"]]
    if (parts["open"] is None) != (parts["close"] is None) or (parts["open"] and any(signs)) or all(signs):
        return None
    if parts["currency"] and parts["percent"]:
        return None
    exponent = int(parts["exponent"] or 0) - (2 if parts["percent"] else 0)
    number = float(f"{parts['mantissa'].replace(',', '')}e{exponent}")
    if not math.isfinite(number):
        return None
    negative = parts["open"] is not None or "-" in signs
    return -number if negative else number


def _cell_number(cell: Any, name: str, index: int | None) -> float:
    """One cell as a float (NaN for blank). Text Excel reads as a number counts as one; other text is an error."""
    where = name if index is None else f"{name} (cell {index + 1})"
    if cell is None:
        return math.nan
    if isinstance(cell, bool | np.bool_):
        raise InvalidValue(f"{where} is TRUE/FALSE where a number is expected")
    if isinstance(cell, Real):
        number = float(cell)
        if math.isinf(number):
            raise OutOfDomain(f"{where} is infinite")
        return number
    if isinstance(cell, str):
        raise_if_error(cell, where)
        if not cell.strip():
            return math.nan
        number = number_from_text(cell)
        if number is None:
            raise InvalidValue(
                f"{where} is the text {cell[:40]!r}, not a number (Excel reads 1,000.5, 50%, $1,000 and (1,000))"
            )
        return number
    if is_blank(cell):
        return math.nan
    if isinstance(cell, (dt.date, dt.datetime, np.datetime64)) or hasattr(cell, "to_pydatetime"):
        raise InvalidValue(f"{where} is a date where a number is expected")
    raise InvalidValue(f"{where} is a {type(cell).__name__} where a number is expected")


def number_array(value: Any, name: str) -> np.ndarray:
    """A range as a float array, blanks as NaN. Text, TRUE/FALSE and dates raise; errors propagate."""
    cells = _cells_to_read(value, name)
    kinds = set(map(type, cells))
    if kinds <= _FAST_TYPES:
        try:
            array = np.array(cells, dtype=np.float64)
        except OverflowError:
            raise OutOfDomain(f"{name} holds a number too large for Excel") from None
    else:
        if any(issubclass(k, _NESTED_TYPES) for k in kinds):
            _reject_nested(cells, name)
        array = np.fromiter((_cell_number(c, name, i) for i, c in enumerate(cells)), np.float64, len(cells))
    if np.isinf(array).any():
        raise OutOfDomain(f"{name} holds an infinite number")
    return array


def total(value: Any, name: str) -> float:
    """An aggregate argument: a number, or the sum of a range's numeric cells (blanks ignored, as SUM).

    A blank cell or a range with no number at all raises ``#N/A``: there is nothing to sum, and a silent
    zero would be a wrong KPI.
    """
    if type(value) in (float, int):
        number = float(value)
        if not math.isfinite(number):
            raise OutOfDomain(f"{name} is not a finite number")
        return number
    array = number_array(value, name)
    present = array[~np.isnan(array)]
    if present.size == 0:
        raise NothingToCompute(f"{name} is blank: there is no number to use")
    with np.errstate(over="ignore"):
        result = float(present.sum())
    if not math.isfinite(result):
        raise OutOfDomain(f"{name} adds up to more than Excel can hold")
    return result


def single_number(value: Any, name: str) -> float:
    """A scalar argument: one number (a one-cell range is fine)."""
    cells = flatten(value, name)
    if len(cells) != 1:
        raise InvalidValue(f"{name} must be a single number, not a range of {len(cells)} cells")
    number = _cell_number(cells[0], name, None)
    if math.isnan(number):
        raise NothingToCompute(f"{name} is blank")
    return number


# ---------------------------------------------------------------------------------------------- dates


def serial_from_datetime(value: dt.date | dt.datetime) -> float:
    """Excel serial number (1900 date system) of a date or datetime; the time of day is the fraction."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    serial = (value - _EXCEL_EPOCH) // _MICROSECOND / _MICROSECONDS_PER_DAY  # as numpy does for a column
    return serial - 1 if serial < _FIRST_REAL_SERIAL else serial


def serial_from_datetime64(value: np.datetime64, name: str) -> float:
    """Excel serial of a numpy timestamp; one beyond Python's dates (year 10000 on) is ``#NUM!``."""
    moment = value.astype("datetime64[us]").item()
    if not isinstance(moment, dt.datetime):
        raise OutOfDomain(f"{name} is {value}, outside Excel's dates (1900-01-01 to 9999-12-31)")
    return serial_from_datetime(moment)


def datetime_from_serial(serial: float) -> dt.datetime:
    """The datetime an Excel serial number stands for (serial 60, Excel's 29 Feb 1900, maps to 1 Mar)."""
    if serial < _FIRST_REAL_SERIAL:
        serial += 1
    return _EXCEL_EPOCH + dt.timedelta(days=serial)


_YEAR_FIRST_DATE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?"
)
_CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def parse_date_text(text: str) -> float | None:
    """Date or date-time text written year first as a serial, else None.

    ISO 8601 (``2024-03-31``, ``2024-03-31T14:05``, ``2024-03-31 14:05:00``), the same with ``/`` or ``.``
    and one-digit months or days (``2024/3/31``), and the Chinese ``2024年3月31日``. Day-first and month-first
    text (``31/01/2024``) reads differently by region, so it is never guessed.
    """
    text = text.strip()
    if len(text) < 8 or not text[:4].isdigit():
        return None
    if text[4] in "-/":
        try:
            return serial_from_datetime(dt.datetime.fromisoformat(text.replace("/", "-").replace("Z", "+00:00")))
        except ValueError:
            pass
    match = _YEAR_FIRST_DATE.fullmatch(text) or _CJK_DATE.fullmatch(text)
    if match is None:
        return None
    fields = [int(field) for field in match.groups() if field is not None]
    if len(fields) == 7:
        fields[6] = int(match.group(7).ljust(6, "0"))  # a fraction of a second, in microseconds
    try:
        return serial_from_datetime(dt.datetime(*fields))
    except ValueError:
        return None


_AMBIGUOUS_DATE = re.compile(
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:\s*[AaPp][Mm])?"
)


def looks_like_date(text: str) -> bool:
    """Whether text is written like a date (``31/01/2024``, ``01.31.24``, ``2024-13-01``), readable or not."""
    return _AMBIGUOUS_DATE.fullmatch(text.strip()) is not None


def _cell_serial(cell: Any, name: str, index: int | None, cache: dict[str, float]) -> float:
    where = name if index is None else f"{name} (cell {index + 1})"
    if cell is None:
        return math.nan
    if isinstance(cell, (bool, np.bool_)):
        raise InvalidValue(f"{where} is TRUE/FALSE where a date is expected")
    if isinstance(cell, dt.date):  # datetime and pandas Timestamp included
        if _is_pandas_missing(cell):
            return math.nan
        serial = serial_from_datetime(cell)
    elif isinstance(cell, np.datetime64):
        if np.isnat(cell):
            return math.nan
        serial = serial_from_datetime64(cell, where)
    elif isinstance(cell, Real):
        serial = float(cell)
        if math.isnan(serial):
            return math.nan
    elif isinstance(cell, str):
        raise_if_error(cell, where)
        if not cell.strip():
            return math.nan
        serial = cache.get(cell)
        if serial is None:
            serial = parse_date_text(cell)
            if serial is None:
                try:
                    serial = float(cell)
                except ValueError:
                    raise InvalidValue(f"{where} is {cell[:40]!r}, not a date (use ISO text: 2024-03-31)") from None
            cache[cell] = serial
    elif is_blank(cell):
        return math.nan
    else:
        raise InvalidValue(f"{where} is a {type(cell).__name__} where a date is expected")
    if not 0 <= serial < _LAST_SERIAL:
        raise OutOfDomain(f"{where} is {serial!r}, outside Excel's dates (1900-01-01 to 9999-12-31)")
    return serial


def date_array(value: Any, name: str) -> np.ndarray:
    """A range of dates as Excel serial numbers (float array, blanks as NaN).

    Serial numbers, ``date``/``datetime``/pandas timestamps and ISO text give identical serials.
    """
    if getattr(getattr(value, "dtype", None), "kind", "") == "M":  # numpy/pandas datetime column
        return _serials_from_datetime64(np.asarray(value).ravel().astype("datetime64[us]"))
    cells = _cells_to_read(value, name)
    serials = _serials_by_first_cells(cells, name)
    if serials is not None:
        pass
    elif (kinds := set(map(type, cells))) <= _FAST_TYPES:
        try:
            serials = np.array(cells, dtype=np.float64)
        except OverflowError:
            raise OutOfDomain(f"{name} holds a number too large to be a date") from None
    elif _all_dates(kinds):
        serials = _serials_from_python_dates(cells)
    elif kinds <= {str, type(None)}:
        serials = _serials_from_text(cells, name)
    else:
        if any(issubclass(k, _NESTED_TYPES) for k in kinds):
            _reject_nested(cells, name)
        serials = _serials_cell_by_cell(cells, name)
    if serials.size and (np.fmin.reduce(serials) < 0 or np.fmax.reduce(serials) >= _LAST_SERIAL):
        raise OutOfDomain(f"{name} holds a number outside Excel's dates (serial 0 to 2958465)")
    return serials


def _serials_from_datetime64(stamps: np.ndarray) -> np.ndarray:
    """Vectorised serials of naive timestamps (the classic xlwings and pandas case); NaT becomes NaN."""
    ticks = stamps.astype("datetime64[us]", copy=False).view(np.int64)
    serials = (ticks - _EPOCH_TICKS) / _MICROSECONDS_PER_DAY
    missing = ticks == _NAT_TICKS
    if missing.any():
        np.copyto(serials, np.nan, where=missing)
    early = serials < _FIRST_REAL_SERIAL  # Excel's fictitious 29 Feb 1900 shifts the serials before it
    if early.any():
        np.subtract(serials, 1, out=serials, where=early)
    return serials


#: Columns of mostly distinct Python datetimes at least this long convert in one call through pandas (when
#: installed: classic xlwings hands dates over as datetimes); shorter ones are not worth importing it for.
VECTORISED_DATES_FROM = 50_000
_DATE_OBJECTS_ONLY = "\x01%Y-%m-%d\x01"
_SAMPLE = 4096


def _python_date_serial(cell: Any) -> float:
    """Serial of one ``date``/``datetime``/``Timestamp`` cell (an aware one at its wall-clock time), NaN if blank."""
    if cell is None or _is_pandas_missing(cell):
        return math.nan
    if not isinstance(cell, dt.datetime):
        serial = float(cell.toordinal() - _EXCEL_EPOCH.toordinal())
    else:
        serial = (cell.replace(tzinfo=None) - _EXCEL_EPOCH) // _MICROSECOND / _MICROSECONDS_PER_DAY
    return serial - 1 if serial < _FIRST_REAL_SERIAL else serial


def _all_dates(kinds: set[type]) -> bool:
    return all(kind is type(None) or issubclass(kind, dt.date) for kind in kinds)


def _serials_by_first_cells(cells: list[Any], name: str) -> np.ndarray | None:
    """Serials of a column of datetimes, or of text whose values repeat, or None for other columns.

    Decided on the first cells, so that the types are not checked cell by cell: values that repeat (whole
    days) are converted and checked once per distinct value; distinct datetimes go to pandas in one call,
    which refuses anything but a date. Numbers and whatever is refused take the general path.
    """
    sample = cells[:_SAMPLE]
    kinds = set(map(type, sample))
    if kinds <= _FAST_TYPES:
        return None
    repeated = len(set(sample)) * 4 <= len(sample)
    if kinds <= {str, type(None)}:
        return _serials_cell_by_cell(cells, name) if repeated else None
    if not _all_dates(kinds):
        return None
    if not repeated:
        return _serials_vectorised(cells) if len(cells) >= VECTORISED_DATES_FROM else None
    try:
        serial_of = dict.fromkeys(cells)
    except TypeError:  # an unhashable cell further down
        return None
    if not _all_dates(set(map(type, serial_of))):
        return None
    return _serials_of_distinct_dates(cells, serial_of)


def _serials_of_distinct_dates(cells: list[Any], serial_of: dict[Any, Any]) -> np.ndarray:
    """Serials of date cells through a dictionary of their distinct values (filled here)."""
    if any(getattr(cell, "tzinfo", None) is not None for cell in serial_of):
        # equal instants in different zones share a key but not a wall-clock time: convert each cell
        return np.fromiter(map(_python_date_serial, cells), np.float64, len(cells))
    for cell in serial_of:
        serial_of[cell] = _python_date_serial(cell)
    return np.fromiter(map(serial_of.__getitem__, cells), np.float64, len(cells))


def _serials_from_python_dates(cells: list[Any]) -> np.ndarray:
    """Serials of ``date``/``datetime``/``Timestamp`` cells (classic xlwings, pandas), blanks as NaN.

    Real columns repeat their dates (two years are 730 days), so each distinct value is converted once. A long
    column of distinct timestamps converts in one vectorised call instead of a million Python ones.
    """
    sample = cells[:_SAMPLE]
    if len(cells) >= VECTORISED_DATES_FROM and len(set(sample)) * 4 > len(sample):
        serials = _serials_vectorised(cells)
        if serials is not None:
            return serials
    return _serials_of_distinct_dates(cells, dict.fromkeys(cells))


def _serials_vectorised(cells: list[Any]) -> np.ndarray | None:
    """Serials of datetime cells through ``pandas.DatetimeIndex``; None when pandas is missing or declines."""
    try:
        import pandas as pd
    except ImportError:  # Pyodide without pandas: the per-value path is still correct
        return None
    column = np.fromiter(cells, dtype=object, count=len(cells))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # A format no cell text has: pandas takes date objects as they are and refuses text, numbers and
            # booleans, which go to the general path. No cache: it would hash every distinct value first.
            index = pd.to_datetime(column, format=_DATE_OBJECTS_ONLY, cache=False)
    except (TypeError, ValueError, OverflowError):  # not all dates, mixed time zones, beyond pandas' range
        return None
    if index.tz is not None:  # aware datetimes count at their own wall-clock time: value by value
        return None
    return _serials_from_datetime64(index.to_numpy())


#: strptime formats of the ISO text a long column may be parsed with in one call, by the text's length.
_ISO_FORMATS = {10: "%Y-%m-%d", 16: "%Y-%m-%d{}%H:%M", 19: "%Y-%m-%d{}%H:%M:%S"}


def _serials_from_text(cells: list[Any], name: str) -> np.ndarray:
    """Serials of a column of text (and blanks); a long column of distinct ISO date-times in one pandas call.

    The format is read off the first text; any cell that does not fit it exactly (another form, an error
    value, a word) goes through the cell-by-cell path, which reads or rejects it as for a short column.
    """
    sample = cells[:_SAMPLE]
    first = next((c for c in sample if c), "")
    template = _ISO_FORMATS.get(len(first))
    if (
        len(cells) < VECTORISED_DATES_FROM
        or template is None
        or first[4:8:3] != "--"
        or len(set(sample)) * 4 <= len(sample)
    ):
        return _serials_cell_by_cell(cells, name)
    try:
        import pandas as pd
    except ImportError:
        return _serials_cell_by_cell(cells, name)
    column = np.fromiter(cells, dtype=object, count=len(cells))
    stamps = pd.to_datetime(column, format=template.format(first[10:11]), errors="coerce", cache=False).to_numpy()
    serials = _serials_from_datetime64(stamps.astype("datetime64[us]", copy=False))
    unread = np.flatnonzero(np.isnat(stamps))
    unread = unread[np.not_equal(column[unread], None)]
    cache: dict[str, float] = {}
    for index in unread.tolist():
        serials[index] = _cell_serial(cells[index], name, index, cache)
    return serials


def _serials_cell_by_cell(cells: list[Any], name: str) -> np.ndarray:
    """Serials of mixed cells, each distinct value converted once (dates repeat a lot in real data)."""
    cache: dict[str, float] = {}
    try:
        distinct = set(cells)
    except TypeError:  # an unhashable cell
        distinct = None
    if distinct is None or any(getattr(cell, "tzinfo", None) is not None for cell in distinct):
        # (equal instants in different zones would share a key but not a wall-clock time)
        return np.fromiter((_cell_serial(c, name, i, cache) for i, c in enumerate(cells)), np.float64, len(cells))
    serial_of = {}
    for cell in distinct:
        try:
            serial_of[cell] = _cell_serial(cell, name, None, cache)
        except KPIError as error:
            row = next(i for i, c in enumerate(cells) if c is cell or c == cell)
            error.message = error.message.replace(name, f"{name} (cell {row + 1})", 1)
            error.args = (error.message,)
            raise
    return np.fromiter(map(serial_of.__getitem__, cells), np.float64, len(cells))


def single_date(value: Any, name: str) -> float:
    """A scalar date argument as an Excel serial number."""
    cells = flatten(value, name)
    if len(cells) != 1:
        raise InvalidValue(f"{name} must be a single date, not a range of {len(cells)} cells")
    serial = _cell_serial(cells[0], name, None, {})
    if math.isnan(serial):
        raise NothingToCompute(f"{name} is blank")
    return serial


# ----------------------------------------------------------------------------------------------- text


def labels(value: Any, name: str) -> list[Any]:
    """A range of cells kept as they are (statuses, owners, types); an error value in it propagates."""
    cells = flatten(value, name)
    if not set(map(type, cells)) <= {str, float, int, type(None), bool}:
        _reject_nested(cells, name)
    try:
        distinct = set(cells)
    except TypeError:  # an unhashable cell: check them one by one
        distinct = cells
    for cell in distinct:
        raise_if_error(cell, name)
    return cells


def choice(value: Any, name: str, choices: tuple[str, ...], default: str) -> str:
    """A ``method``-style text argument, case-insensitive, checked against its choices."""
    if is_blank(value):
        return default
    if not isinstance(value, str):
        raise InvalidValue(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    raise_if_error(value, name)
    picked = value.strip().lower()
    if picked not in choices:
        raise InvalidValue(f"{name} must be one of {', '.join(choices)}; got {value[:40]!r}")
    return picked
