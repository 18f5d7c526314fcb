"""Working schedules: times of day, NETWORKDAYS.INTL weekend masks, and working time between date-times.

Excel has no business-hours function; support tools (ERPNext, Chatwoot, Zendesk) count only the hours of a
working day (say 10:00–18:00) on working days. :func:`business_seconds` does that for whole columns at once
with numpy's business-day calendar, so a million tickets cost a few vector operations, not a loop.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from numbers import Real
from typing import Any

import numpy as np

from .coerce import flatten, is_blank, raise_if_error
from .errors import InvalidValue, NothingToCompute, OutOfDomain

SECONDS_PER_DAY = 86400
#: NETWORKDAYS.INTL's weekend numbers: 1 = Saturday and Sunday … 7 = Friday and Saturday; 11–17 one day.
WEEKEND_CODES = {
    1: "0000011",
    2: "1000001",
    3: "1100000",
    4: "0110000",
    5: "0011000",
    6: "0001100",
    7: "0000110",
    11: "0000001",
    12: "1000000",
    13: "0100000",
    14: "0010000",
    15: "0001000",
    16: "0000100",
    17: "0000010",
}
_TIME_TEXT = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?\s*$")
_FIRST_REAL_SERIAL = 61  # Excel's serial 60 is its fake 29 Feb 1900
_EPOCH_DAY = np.datetime64("1899-12-30", "D")
_TIME_ZERO = dt.datetime(1899, 12, 30)  # a time cell's date as COM hands it over (24:00 is 31 Dec 1899)


def single_text(value: Any, name: str) -> Any:
    """One text (or number) cell as given; an error value propagates, a range is ``#VALUE!``."""
    cells = flatten(value, name)
    if len(cells) != 1:
        raise InvalidValue(f"{name} must be a single value, not a range of {len(cells)} cells")
    cell = cells[0]
    raise_if_error(cell, name)
    if is_blank(cell):
        raise NothingToCompute(f"{name} is blank")
    return cell


def time_of_day(value: Any, name: str) -> float:
    """A time of day as a fraction of a day: an Excel time (0.5 is noon), ``datetime.time`` or text "10:00".

    24:00 (1.0) is allowed as the end of a working day. A date-time with a date part is ``#NUM!``.
    """
    cells = flatten(value, name)
    if len(cells) != 1:
        raise InvalidValue(f"{name} must be a single time of day, not a range of {len(cells)} cells")
    cell = cells[0]
    if is_blank(cell):
        raise NothingToCompute(f"{name} is blank")
    if isinstance(cell, bool):
        raise InvalidValue(f"{name} is TRUE/FALSE where a time of day is expected")
    if isinstance(cell, dt.time):
        fraction = (cell.hour * 3600 + cell.minute * 60 + cell.second) / SECONDS_PER_DAY
    elif isinstance(cell, dt.datetime):  # classic xlwings hands a time cell over as 1899-12-30 10:00
        fraction = (cell.replace(tzinfo=None) - _TIME_ZERO).total_seconds() / SECONDS_PER_DAY
    elif isinstance(cell, Real):
        fraction = float(cell)
    elif isinstance(cell, str):
        raise_if_error(cell, name)
        fraction = _parse_time_text(cell, name)
    else:
        raise InvalidValue(f"{name} is a {type(cell).__name__} where a time of day is expected")
    if not math.isfinite(fraction) or not 0 <= fraction <= 1:
        raise OutOfDomain(f"{name} is {fraction:g}; a time of day is between 0 and 1 (10:00 is 10/24)")
    return fraction


def _parse_time_text(text: str, name: str) -> float:
    match = _TIME_TEXT.match(text)
    if match is None:
        try:
            return float(text)
        except ValueError:
            raise InvalidValue(f'{name} is {text[:40]!r}, not a time of day (write "10:00" or 10/24)') from None
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hours <= 12:
            raise InvalidValue(f"{name} is {text!r}: with AM/PM the hour is 1 to 12")
        hours = hours % 12 + (12 if match[4].lower() == "pm" else 0)
    if minutes > 59 or seconds > 59 or hours * 3600 + minutes * 60 + seconds > SECONDS_PER_DAY:
        raise InvalidValue(f"{name} is {text!r}, not a time of day")
    return (hours * 3600 + minutes * 60 + seconds) / SECONDS_PER_DAY


def weekend_mask(value: Any, name: str) -> str:
    """numpy's weekmask (1 = working day, Monday first) from NETWORKDAYS.INTL's ``weekend`` argument.

    ``weekend`` is a seven-character mask, Monday first, where 1 is a weekend day (``"0000011"`` is
    Saturday and Sunday), or one of the weekend numbers 1–7 and 11–17. Every day a weekend is ``#VALUE!``,
    as in Excel; a weekend number Excel does not know is ``#NUM!``.
    """
    if isinstance(value, str):
        mask = value.strip()
        if len(mask) != 7 or set(mask) - {"0", "1"}:
            raise InvalidValue(
                f'{name} is {value[:40]!r}; give seven 0/1 characters, Monday first, 1 for a weekend day ("0000011")'
            )
    elif isinstance(value, Real) and not isinstance(value, bool):
        if float(value) not in WEEKEND_CODES:  # Excel: #NUM! for a weekend number it does not know
            raise OutOfDomain(f"{name} is {value:g}; weekend numbers are 1–7 and 11–17, as in NETWORKDAYS.INTL")
        mask = WEEKEND_CODES[int(value)]
    else:
        raise InvalidValue(f'{name} must be a weekend mask such as "0000011" or a weekend number')
    if mask == "1111111":
        raise InvalidValue(f"{name} makes every day a weekend day")
    return "".join("0" if day == "1" else "1" for day in mask)


def _days(serials: np.ndarray) -> np.ndarray:
    """Whole Excel serial days as numpy dates (serials before 1 Mar 1900 skip Excel's fake 29 Feb)."""
    days = np.floor(serials).astype(np.int64)
    days = np.where(days < _FIRST_REAL_SERIAL, days + 1, days)
    return _EPOCH_DAY + days.astype("timedelta64[D]")


def business_seconds(
    starts: np.ndarray,
    ends: np.ndarray,
    day_start: float,
    day_end: float,
    weekmask: str,
    holidays: np.ndarray | None,
) -> np.ndarray:
    """Working seconds between each start and end (Excel serials), counting day_start–day_end on working days.

    Each moment is rounded to the second first, so spans carry no float noise. ``W(t)``, the working
    seconds from a fixed origin to ``t``, is (working days before t's day) × the working day's length plus
    the worked part of t's own day; the answer is ``W(end) − W(start)``.
    """
    start_seconds = np.round(starts * SECONDS_PER_DAY).astype(np.int64)
    end_seconds = np.round(ends * SECONDS_PER_DAY).astype(np.int64)
    open_at = round(day_start * SECONDS_PER_DAY)
    close_at = round(day_end * SECONDS_PER_DAY)
    days_off = [] if holidays is None else _days(holidays[~np.isnan(holidays)])
    calendar = np.busdaycalendar(weekmask=weekmask, holidays=days_off)
    start_days, end_days = _days(start_seconds // SECONDS_PER_DAY), _days(end_seconds // SECONDS_PER_DAY)
    whole_days = np.busday_count(start_days, end_days, busdaycal=calendar)

    def worked_today(seconds: np.ndarray, days: np.ndarray) -> np.ndarray:
        clock = seconds % SECONDS_PER_DAY
        worked = np.clip(clock - open_at, 0, close_at - open_at)
        return np.where(np.is_busday(days, busdaycal=calendar), worked, 0)

    return (
        whole_days * (close_at - open_at)
        + worked_today(end_seconds, end_days)
        - worked_today(start_seconds, start_days)
    )
