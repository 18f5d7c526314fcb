"""Excel error values as Python exceptions.

Every catalogue function raises :class:`KPIError` (or a subclass) and nothing else. Its ``code`` is the
Excel error value the cell shows; its message names the argument and says what is wrong.
"""

from __future__ import annotations

#: Every error value Excel can put in a cell; an input holding one of them propagates it.
EXCEL_ERROR_VALUES = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)


class KPIError(Exception):
    """A KPI cannot be computed from these inputs; ``code`` is the Excel error value to show."""

    code = "#VALUE!"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code} {self.message}"


class DivisionByZero(KPIError):
    """The denominator of a rate or average is zero (``#DIV/0!``)."""

    code = "#DIV/0!"


class InvalidValue(KPIError):
    """Wrong type, unreadable text or date, or paired ranges of different lengths (``#VALUE!``)."""

    code = "#VALUE!"


class OutOfDomain(KPIError):
    """A value outside what the metric allows: a negative count, a rate above 1, NPS above 10 (``#NUM!``)."""

    code = "#NUM!"


class NothingToCompute(KPIError):
    """An empty range, or no row left after blanks and criteria (``#N/A``)."""

    code = "#N/A"


class PropagatedError(KPIError):
    """An input cell already holds an Excel error value; the result shows the same error."""


def error_code_of(value: object) -> str | None:
    """The Excel error value ``value`` stands for, or None (``"#n/a"`` counts, as Excel ignores case)."""
    if isinstance(value, str) and value[:1] == "#":
        code = value.strip().upper()
        if code in EXCEL_ERROR_VALUES:
            return code
    return None
