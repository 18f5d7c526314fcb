"""``COUNTIFS``-style criteria: which rows a ``criteria_range, criterion`` pair selects.

The syntax is Excel's: ``"Alice"`` (equal, case-insensitive), ``"<>Lost"``, ``">=100"``, ``"<2024-07-01"``,
wildcards ``*`` and ``?`` (``~`` escapes them), ``"="`` for blank cells, ``"<>"`` for non-blank ones, a
number, a date or TRUE/FALSE. Numeric comparisons see numbers, dates (as serials) and text that reads as
a number (``1,000``, ``50%``) or a year-first date; text comparisons see text only. A criterion written
like a day-first or month-first date (``">=31/01/2024"``) is ``#VALUE!``: its meaning depends on the
region. As in ``COUNTIFS``, a blank criterion cell means 0 and an error value in the criteria range never
matches.

Wildcards are matched by :class:`Wildcard` in at most ``len(text) × len(pattern)`` steps, never by a
backtracking regular expression, so no pattern can freeze a recalculation. Each distinct cell value is
judged once, so a column of a million owner names costs one dictionary look-up per row.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .coerce import (
    flatten,
    is_blank,
    looks_like_date,
    number_from_text,
    parse_date_text,
    raise_if_error,
    serial_from_datetime,
)
from .errors import InvalidValue, error_code_of

_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "<>": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}
_FAST_NUMERIC = frozenset({float, int, type(None), np.float64, np.int64})


def _as_number(cell: Any) -> float | None:
    """The number a cell stands for in a numeric comparison, or None if it is not numeric."""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, (int, float, np.floating, np.integer)):
        number = float(cell)
        return None if math.isnan(number) else number
    if isinstance(cell, dt.date):
        return serial_from_datetime(cell)
    if isinstance(cell, np.datetime64):
        moment = None if np.isnat(cell) else cell.astype("datetime64[us]").item()
        return serial_from_datetime(moment) if isinstance(moment, dt.datetime) else None
    if isinstance(cell, str):
        number = number_from_text(cell)
        return parse_date_text(cell) if number is None else number
    return None


def fold(text: str) -> str:
    """Text folded for a case-insensitive comparison, one character for one (so ``?`` still means one)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)  # e.g. "İ" lowers to two


_ANY = object()  # a ``?`` in a parsed pattern


class _Segment:
    """A run of a pattern between two ``*``: literal characters and ``?``; found without backtracking."""

    def __init__(self, tokens: list[Any]) -> None:
        self.length = len(tokens)
        self.literal = None if _ANY in tokens else "".join(tokens)
        # A ``?`` becomes ``.``: a pattern with no repetition, so a search costs at most length × span.
        self.regex = (
            None
            if self.literal is not None
            else re.compile("".join("." if t is _ANY else re.escape(t) for t in tokens), re.DOTALL)
        )

    def at(self, text: str, start: int) -> bool:
        if self.literal is not None:
            return text.startswith(self.literal, start)
        return self.regex.match(text, start, start + self.length) is not None

    def find(self, text: str, start: int, end: int) -> int:
        """Leftmost position ``>= start`` where the segment fits entirely before ``end``; -1 if none."""
        if self.literal is not None:
            return text.find(self.literal, start, end)
        found = self.regex.search(text, start, end)
        return -1 if found is None else found.start()


class Wildcard:
    """An Excel wildcard pattern: ``*`` any run of characters, ``?`` one character, ``~`` escapes the next.

    Matches a whole text, case-insensitively, as ``COUNTIFS`` does. The pattern is cut at each ``*`` into
    segments; the first must start the text, the last must end it, and each one between is placed at its
    leftmost fit after the previous one (leftmost is always safe, so nothing is ever retried). Each segment
    is searched once over a part of the text, so a match costs at most ``len(text) × len(pattern)``
    character comparisons, never the exponential backtracking of a regular expression built from ``.*``.
    ``scanned`` adds up that bound over the searches made, for tests and curious callers.
    """

    def __init__(self, pattern: str) -> None:
        runs: list[list[Any]] = [[]]
        chars = iter(pattern)
        for ch in chars:
            if ch == "~":
                runs[-1].extend(fold(next(chars, "~")))
            elif ch == "*":
                runs.append([])
            elif ch == "?":
                runs[-1].append(_ANY)
            else:
                runs[-1].extend(fold(ch))
        self.pattern = pattern
        self.starred = len(runs) > 1
        self.first, self.last = _Segment(runs[0]), _Segment(runs[-1])
        self.middle = [_Segment(run) for run in runs[1:-1] if run]
        self.scanned = 0

    def matches(self, text: str) -> bool:
        text = fold(text)
        size, first, last = len(text), self.first, self.last
        self.scanned += first.length + (last.length if self.starred else 0)
        if not self.starred:
            return size == first.length and first.at(text, 0)
        end = size - last.length  # the last segment occupies text[end:]
        if end < first.length or not first.at(text, 0) or not last.at(text, end):
            return False
        position = first.length
        for segment in self.middle:
            self.scanned += (end - position) * segment.length
            found = segment.find(text, position, end)
            if found < 0:
                return False
            position = found + segment.length
        return True


class Criterion:
    """One parsed criterion; ``matches(cell)`` judges a single cell, ``mask(cells)`` a whole range."""

    def __init__(self, criterion: Any, name: str) -> None:
        self.name = name
        self.number: float | None = None  # set when the comparison is numeric
        self.op = "="
        self.text: Callable[[str], bool] | None = None
        self.text_operand = ""
        self.boolean: bool | None = None
        self.blank_test: bool | None = None  # True: match blanks; False: match non-blanks
        self._parse(criterion)

    def _parse(self, criterion: Any) -> None:
        if isinstance(criterion, list | tuple | np.ndarray):
            cells = flatten(criterion, self.name)
            if len(cells) != 1:
                raise InvalidValue(f"{self.name} must be a single criterion, not a range of {len(cells)} cells")
            criterion = cells[0]
        if is_blank(criterion) and not isinstance(criterion, str):
            self.number = 0.0  # Excel reads an empty criterion cell as 0
            return
        if isinstance(criterion, bool | np.bool_):
            self.boolean = bool(criterion)
            return
        if isinstance(criterion, dt.date | np.datetime64):
            self.number = _as_number(criterion)
            return
        if isinstance(criterion, int | float | np.floating | np.integer):
            if not math.isfinite(float(criterion)):
                raise InvalidValue(f"{self.name} must be a finite number")
            self.number = float(criterion)
            return
        if not isinstance(criterion, str):
            raise InvalidValue(f"{self.name} must be text, a number or a date, not {type(criterion).__name__}")
        raise_if_error(criterion, self.name)
        text = criterion
        for symbol in (">=", "<=", "<>", ">", "<", "="):
            if text.startswith(symbol):
                self.op, text = symbol, text[len(symbol) :]
                break
        if text == "":
            if self.op in ("=", "<>"):
                self.blank_test = self.op == "="
            else:
                self.text = lambda _text: False
            return
        upper = text.strip().upper()
        if upper in ("TRUE", "FALSE") and self.op in ("=", "<>"):
            self.boolean = upper == "TRUE"
            return
        number = _as_number(text)
        if number is not None:
            self.number = number
            return
        if looks_like_date(text):
            raise InvalidValue(
                f"{self.name} holds the date {text.strip()[:40]!r}, which reads differently by region; write it "
                f'year first (2024-01-31) or build it from a date: ">="&DATE(2024,1,31)'
            )
        self.text_operand = fold(text)
        self.text = Wildcard(text).matches if self.op in ("=", "<>") else None

    def matches(self, cell: Any) -> bool:
        """Whether one cell meets the criterion, as ``COUNTIFS`` decides."""
        negate = self.op == "<>"
        if error_code_of(cell) is not None:
            return False
        if self.blank_test is not None:
            return is_blank(cell) == self.blank_test
        if self.boolean is not None:
            hit = isinstance(cell, bool | np.bool_) and bool(cell) == self.boolean
            return hit != negate
        if self.number is not None:
            value = _as_number(cell)
            if value is None:
                return negate
            return _OPERATORS[self.op](value, self.number)
        if not isinstance(cell, str):
            return negate
        if self.text is not None:
            return self.text(cell) != negate
        return _OPERATORS[self.op](fold(cell), self.text_operand)

    def mask(self, cells: Sequence[Any]) -> np.ndarray:
        """Boolean array: which cells meet the criterion."""
        if self.number is not None and set(map(type, cells)) <= _FAST_NUMERIC:
            values = np.array(cells, dtype=np.float64)
            with np.errstate(invalid="ignore"):
                if self.op == "<>":
                    return ~(values == self.number)
                return _OPERATORS[self.op](values, self.number)
        try:
            verdicts = {cell: self.matches(cell) for cell in set(cells)}
        except TypeError:  # an unhashable cell
            return np.fromiter(map(self.matches, cells), dtype=bool, count=len(cells))
        return np.fromiter(map(verdicts.__getitem__, cells), dtype=bool, count=len(cells))


def criteria_mask(pairs: Sequence[Any], rows: int) -> np.ndarray | None:
    """Rows selected by ``criteria_range1, criterion1, criteria_range2, criterion2, ...`` (None: all)."""
    if not pairs:
        return None
    if len(pairs) % 2:
        raise InvalidValue(
            f"criteria come in pairs (criteria_range, criterion); criteria_range{len(pairs) // 2 + 1} has no criterion"
        )
    selected = np.ones(rows, dtype=bool)
    for index in range(0, len(pairs), 2):
        number = index // 2 + 1
        cells = flatten(pairs[index], f"criteria_range{number}")
        if len(cells) != rows:
            raise InvalidValue(
                f"criteria_range{number} has {len(cells)} cells but the data ranges have {rows}; they must match"
            )
        selected &= Criterion(pairs[index + 1], f"criterion{number}").mask(cells)
    return selected
