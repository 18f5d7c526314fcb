"""Small computations many metrics share, each raising the right Excel error."""

from __future__ import annotations

import numpy as np

from .errors import DivisionByZero, NothingToCompute, OutOfDomain

HOURS_PER_DAY = 24.0
#: Seconds in each duration unit; a duration result is whole seconds divided by one of these.
SECONDS_PER = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}


def divide(numerator: float, denominator: float, denominator_name: str) -> float:
    """``numerator / denominator``; a zero denominator is ``#DIV/0!`` naming what was zero."""
    if denominator == 0:
        raise DivisionByZero(f"{denominator_name} is zero")
    return numerator / denominator


def mean(values: np.ndarray, what: str) -> float:
    """Mean of the non-blank values; ``#N/A`` when none is left."""
    present = values[~np.isnan(values)]
    if present.size == 0:
        raise NothingToCompute(f"no {what} to average (the range is empty, blank, or filtered out)")
    return float(present.mean())


def present(values: np.ndarray, what: str) -> np.ndarray:
    """The non-blank values; ``#N/A`` when none is left."""
    kept = values[~np.isnan(values)]
    if kept.size == 0:
        raise NothingToCompute(f"no {what} to use (the range is empty, blank, or filtered out)")
    return kept


def whole_seconds(days: np.ndarray | float) -> np.ndarray:
    """Days (differences of Excel serials) as whole seconds.

    An Excel serial holds a time of day as a binary fraction: 9:00 is exact, 17:00 is not, and a difference of
    two serials carries about 1e-6 s of noise. Rounding each span to the second makes an 8-hour reply 8 hours.
    """
    return np.rint(np.asarray(days, dtype=np.float64) * SECONDS_PER["days"])


def span_seconds(starts: np.ndarray, ends: np.ndarray, what: str, end_name: str) -> np.ndarray:
    """Whole seconds from each start to its end, over rows that have both (a row missing either is skipped).

    An end before its start is ``#NUM!`` naming the row: a negative duration is a data error.
    """
    seconds = whole_seconds(ends - starts)  # NaN where either date is missing
    both = ~np.isnan(seconds)
    spans = seconds[both]
    if not spans.size:
        raise NothingToCompute(f"no row has both dates for {what}")
    if spans.min() < 0:
        row = int(np.flatnonzero(both)[np.flatnonzero(spans < 0)[0]]) + 1
        raise OutOfDomain(f"{end_name} is before its start date in row {row} of the selected rows")
    return spans


def durations(starts: np.ndarray, ends: np.ndarray, what: str, end_name: str) -> np.ndarray:
    """Days from each start to its end, each rounded to the second (see :func:`span_seconds`)."""
    return span_seconds(starts, ends, what, end_name) / SECONDS_PER["days"]


def mean_duration(seconds: np.ndarray, unit: str, count: int | None = None) -> float:
    """Mean of whole-second spans in ``unit`` (a key of :data:`SECONDS_PER`), rounded once.

    The sum of whole seconds is exact, so the result is the nearest float to the true mean: eight 8-hour
    replies average exactly 8 hours. ``count`` divides instead of the number of spans (gaps between n dates).
    """
    divisor = (seconds.size if count is None else count) * SECONDS_PER[unit]
    return float(np.sum(seconds) / divisor)


def average_span(starts: np.ndarray, ends: np.ndarray, what: str, end_name: str, unit: str = "days") -> float:
    """Average duration from each start to its end in ``unit``, each span rounded to the second."""
    return mean_duration(span_seconds(starts, ends, what, end_name), unit)


def require_range(values: np.ndarray, low: float, high: float, name: str) -> None:
    """``#NUM!`` when any non-blank value lies outside ``[low, high]``."""
    kept = values[~np.isnan(values)]
    if kept.size and (kept.min() < low or kept.max() > high):
        bad = kept[(kept < low) | (kept > high)][0]
        raise OutOfDomain(f"{name} holds {bad:g}, outside {low:g} to {high:g}")


def require_whole(values: np.ndarray, name: str, scale: str) -> None:
    """``#NUM!`` when any non-blank value is not a whole number (survey answers on a point scale)."""
    kept = values[~np.isnan(values)]
    fractional = kept[kept != np.round(kept)]
    if fractional.size:
        raise OutOfDomain(f"{name} holds {fractional[0]:g}; answers on {scale} are whole numbers")


_YES = frozenset({"true", "yes", "y", "1", "是"})
_NO = frozenset({"false", "no", "n", "0", "否"})


def flags(cells: list, name: str) -> np.ndarray:
    """Yes/no cells as 1.0/0.0, blanks as NaN: TRUE/FALSE, 1/0 and the text yes/no, y/n, true/false.

    Text is read case-insensitively; an error value propagates; anything else is ``#VALUE!`` naming ``name``.
    """
    from .coerce import is_blank, raise_if_error
    from .errors import InvalidValue

    def judge(cell: object) -> float:
        if is_blank(cell):
            return np.nan
        if isinstance(cell, str):
            raise_if_error(cell, name)
            text = cell.strip().casefold()
            if text in _YES or text in _NO:
                return float(text in _YES)
            if not text:
                return np.nan
        elif isinstance(cell, bool | np.bool_ | int | float | np.integer | np.floating) and cell in (0, 1):
            return float(cell)
        raise InvalidValue(f"{name} holds {cell!r}; use TRUE/FALSE, Yes/No or 1/0")

    verdicts: dict = {}
    return np.fromiter(
        (verdicts[c] if c in verdicts else verdicts.setdefault(c, judge(c)) for c in cells), np.float64, len(cells)
    )


def share(part: float, whole: float, part_name: str, whole_name: str) -> float:
    """``part / whole`` where part is a subset of whole: a zero whole is ``#DIV/0!``, a part above it ``#NUM!``."""
    if whole != 0 and part > whole:
        raise OutOfDomain(f"{part_name} ({part:g}) exceeds {whole_name} ({whole:g}); it is a subset of them")
    return divide(part, whole, whole_name)
