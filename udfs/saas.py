"""Revenue movements, cohorts and board metrics: the SaaS analytics most teams and investors ask for.

The MRR functions read subscription rows as CRMs and billing systems export them: one row per customer and
month with that month's MRR. They follow ChartMogul's and dbt's mrr-playbook movement rules, so the
waterfall here matches what those tools show. The board metrics (quick ratio, rule of 40, burn, runway,
burn multiple, CAGR, DSO, discounted LTV) are one-line formulas with the guards a finance lead expects.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import numpy as np

from .calc import divide, durations, require_range
from .coerce import is_blank, serial_from_datetime
from .errors import InvalidValue, NothingToCompute, OutOfDomain
from .registry import (
    LAGGING,
    LEADING,
    Amount,
    Choice,
    Date,
    DateList,
    Dates,
    Example,
    Labels,
    Money,
    Number,
    Rate,
    Rows,
    Text,
    Time,
    metric,
)
from .schedule import business_seconds, weekend_mask

#: The header row of :func:`MRR_MOVEMENTS`; each later row holds one month, oldest first.
MOVEMENT_HEADER = ("Month", "Starting MRR", "New", "Expansion", "Reactivation", "Contraction", "Churn", "Ending MRR")
#: ``movement`` choices of :func:`MRR_MOVEMENT`, in the order of the table's columns after Month.
MOVEMENTS = ("starting", "new", "expansion", "reactivation", "contraction", "churn", "ending")
#: The first cell of :func:`COHORT_RETENTION`'s header row; the others are the months since the cohort's start.
COHORT_HEADER = "Cohort"
#: The longest span a movements or cohort table covers: a mistyped year would otherwise make a huge table.
MAX_MONTHS = 1200
_MONTH_ZERO = np.datetime64("1970-01", "M")
_CHATMOGUL = "ChartMogul MRR movements; dbt-labs mrr-playbook"

# ---------------------------------------------------------------------------------------- MRR rows


class _CustomerMonths:
    """Subscription rows summed per customer and month, sorted by customer then month.

    ``customer`` (int codes), ``month`` (months since 1970-01) and ``mrr`` are parallel arrays with one
    entry per distinct (customer, month); months without a row are months at 0.
    """

    def __init__(self, customers: list[Any], months: np.ndarray, mrr: np.ndarray) -> None:
        codes = _customer_codes(customers)  # -1 for a blank customer
        present_customer = codes >= 0
        present_month, present_mrr = ~np.isnan(months), ~np.isnan(mrr)
        used = present_customer | present_month | present_mrr  # a row whose cells are all blank is skipped
        for mask, name in ((present_customer, "customers"), (present_month, "months")):
            missing = np.flatnonzero(used & ~mask)
            if missing.size:
                raise InvalidValue(
                    f"{name} is blank in row {missing[0] + 1} of the selected rows, which has other cells filled"
                )
        if not used.any():
            raise NothingToCompute("no subscription row to use (the ranges are empty, blank, or filtered out)")
        values = np.where(present_mrr, mrr, 0.0)[used]
        negative = np.flatnonzero(values < 0)
        if negative.size:
            raise OutOfDomain(f"mrr holds {values[negative[0]]:g}; MRR cannot be negative")
        month = month_numbers(months[used])
        self.first, self.last = int(month.min()), int(month.max())
        if self.last - self.first + 1 > MAX_MONTHS:
            raise OutOfDomain(
                f"months run from {_month_text(self.first)} to {_month_text(self.last)}, more than {MAX_MONTHS}"
                " months; check for a mistyped year"
            )
        # one entry per (customer, month), sorted by customer then month: a single int64 key sorts fastest
        # (int64 for the key; numpy's index type np.intp for the rest, which is 32-bit in Pyodide)
        keys, index = np.unique(codes[used].astype(np.int64) * self.span + (month - self.first), return_inverse=True)
        self.customer = (keys // self.span).astype(np.intp)
        self.month = (keys % self.span + self.first).astype(np.intp)
        self.mrr = np.bincount(index.ravel(), weights=values, minlength=keys.size)
        if not np.isfinite(self.mrr).all():
            raise OutOfDomain("mrr adds up to more than Excel can hold")

    @property
    def span(self) -> int:
        return self.last - self.first + 1

    def previous(self) -> np.ndarray:
        """Each entry's MRR in the month before (0 when that month has no row)."""
        before = np.zeros_like(self.mrr)
        follows = (self.customer[1:] == self.customer[:-1]) & (self.month[1:] == self.month[:-1] + 1)
        before[1:][follows] = self.mrr[:-1][follows]
        return before

    def paid_before(self) -> np.ndarray:
        """Whether the customer had MRR > 0 in any month before each entry's month."""
        paid = (self.mrr > 0).astype(np.int64)
        running = np.cumsum(paid) - paid  # paid months before this entry, over all customers
        starts = np.r_[0, np.flatnonzero(self.customer[1:] != self.customer[:-1]) + 1]
        counts = np.diff(np.r_[starts, self.customer.size]).astype(np.intp)
        return (running - np.repeat(running[starts], counts)) > 0

    def first_paid_month(self) -> np.ndarray:
        """Each entry's customer's first month with MRR > 0 (-1 for a customer who never paid)."""
        first = np.full(int(self.customer.max()) + 1, np.iinfo(np.int64).max)
        paid = self.mrr > 0
        np.minimum.at(first, self.customer[paid], self.month[paid])
        result = first[self.customer]
        return np.where(result == np.iinfo(np.int64).max, -1, result)


def _customer_key(cell: Any) -> Any:
    """Customer ids that COUNTIFS treats as equal share a key: text case-insensitively, numbers by value."""
    if isinstance(cell, str):
        return ("text", cell.strip().casefold())
    if isinstance(cell, bool):
        return ("bool", cell)
    if isinstance(cell, int | float | np.integer | np.floating):
        return ("number", float(cell))
    return ("other", str(cell))


def _customer_codes(customers: list[Any]) -> np.ndarray:
    """An int code per row, equal for equal customer keys, -1 for a blank cell; each distinct cell read once."""
    try:
        distinct = set(customers)
    except TypeError:  # an unhashable cell
        raise InvalidValue("customers holds a cell that is not a value (a nested range?)") from None
    by_key: dict[Any, int] = {}
    code_of = {cell: -1 if is_blank(cell) else by_key.setdefault(_customer_key(cell), len(by_key)) for cell in distinct}
    return np.fromiter(map(code_of.__getitem__, customers), np.int64, len(customers))


def month_numbers(serials: np.ndarray) -> np.ndarray:
    """Months since January 1970 of Excel serial dates (any day in a month gives that month)."""
    days = np.floor(serials).astype(np.int64)
    days = np.where(days < 61, days + 1, days)  # Excel's fake 29 Feb 1900 is serial 60
    dates = np.datetime64("1899-12-30", "D") + days.astype("timedelta64[D]")
    return (dates.astype("datetime64[M]") - _MONTH_ZERO).astype(np.int64)


def month_serial(month: int) -> float:
    """The Excel serial of the first day of a month numbered by :func:`month_numbers`."""
    return serial_from_datetime(dt.date(1970 + month // 12, month % 12 + 1, 1))


def _month_text(month: int) -> str:
    return f"{1970 + month // 12:04d}-{month % 12 + 1:02d}"


def _movement_columns(rows: _CustomerMonths) -> dict[str, np.ndarray]:
    """Each movement summed per month of the span (ChartMogul / dbt mrr-playbook rules)."""
    mrr, before, returning = rows.mrr, rows.previous(), rows.paid_before()
    offset = rows.month - rows.first

    def per_month(amounts: np.ndarray, where: np.ndarray, months: np.ndarray | None = None) -> np.ndarray:
        at = offset if months is None else months
        summed = np.bincount(at[where].astype(np.intp), weights=amounts[where], minlength=rows.span)
        return summed[: rows.span].astype(np.float64)  # bincount of nothing is an int array

    started = (mrr > 0) & (before == 0)
    columns = {
        "new": per_month(mrr, started & ~returning),
        "expansion": per_month(mrr - before, (before > 0) & (mrr > before)),
        "reactivation": per_month(mrr, started & returning),
        "contraction": per_month(before - mrr, (before > 0) & (mrr > 0) & (mrr < before)),
    }
    churn = per_month(before, (before > 0) & (mrr == 0))
    # a customer with MRR whose next month has no row churns in that next month (if it is in the span)
    following = np.r_[(rows.customer[1:] == rows.customer[:-1]) & (rows.month[1:] == rows.month[:-1] + 1), False]
    lapsed = (mrr > 0) & ~following & (offset + 1 < rows.span)
    churn += per_month(mrr, lapsed, offset + 1)
    columns["churn"] = churn
    columns["ending"] = np.bincount(offset.astype(np.intp), weights=mrr, minlength=rows.span).astype(np.float64)
    columns["starting"] = np.r_[0.0, columns["ending"][:-1]]
    return columns


def _movements(customers: list[Any], months: np.ndarray, mrr: np.ndarray) -> tuple[int, int, dict[str, np.ndarray]]:
    """The first month, the number of months and the movement columns of these rows.

    A sheet that shows the waterfall cell by cell (``MRR_MOVEMENT`` per month and movement) hands over the
    same rows every time: the last few results are kept, keyed by the rows' exact contents.
    """
    try:
        return _cached_movements(tuple(customers), months.tobytes(), mrr.tobytes())
    except TypeError:  # an unhashable cell: no caching, the same checks
        return _movements_of(customers, months, mrr)


@functools.lru_cache(maxsize=4)
def _cached_movements(customers: tuple[Any, ...], months: bytes, mrr: bytes) -> tuple[int, int, dict[str, np.ndarray]]:
    return _movements_of(list(customers), np.frombuffer(months), np.frombuffer(mrr))


def _movements_of(customers: list[Any], months: np.ndarray, mrr: np.ndarray) -> tuple[int, int, dict[str, np.ndarray]]:
    rows = _CustomerMonths(customers, months, mrr)
    columns = _movement_columns(rows)
    for column in columns.values():
        column.setflags(write=False)  # shared by the cached calls
    return rows.first, rows.span, columns


_MRR_ROW_ARGS = {
    "customers": Labels("Customer id or name of each subscription row (one row per customer and month)."),
    "months": Dates("Month of each row: any date in the month (2024-03-01 and 2024-03-31 are both March 2024)."),
    "mrr": Rows("MRR of that customer in that month; blank counts as 0 (no subscription)."),
}
_MRR_EXAMPLE_ROWS = (
    ["A", "A", "A", "B", "B", "C", "C"],
    ["2024-01-31", "2024-02-29", "2024-03-31", "2024-01-15", "2024-03-01", "2024-02-10", "2024-03-10"],
    [100, 100, 150, 200, 120, 50, 30],
)


@metric(
    teams=["leadership", "customer_success"],
    indicator=LAGGING,
    unit="table",
    seed="002",
    source=_CHATMOGUL,
    formula=(
        "per month: New = MRR of customers paying for the first time; Expansion = rises; Reactivation = MRR of"
        " returning customers; Contraction = falls to > 0; Churn = MRR of the month before a month at 0;"
        " Starting + New + Expansion + Reactivation − Contraction − Churn = Ending"
    ),
    args=_MRR_ROW_ARGS,
    metrics=["MRR movements", "net new revenue", "expansion revenue", "organizational attainment"],
    example=Example(
        _MRR_EXAMPLE_ROWS,
        [
            list(MOVEMENT_HEADER),
            [45292, 0, 300, 0, 0, 0, 0, 300],
            [45323, 300, 50, 0, 0, 0, 200, 150],
            [45352, 150, 0, 50, 120, 20, 0, 300],
        ],
        "by hand: Jan A and B new; Feb B churns 200, C new 50; Mar A expands 50, B returns 120, C contracts 20;"
        " Month 45292 is 1 Jan 2024",
    ),
    returns_table=True,
)
def MRR_MOVEMENTS(customers, months, mrr, *criteria):
    """The MRR movements waterfall: one row per month with starting MRR, new, expansion, reactivation,
    contraction, churn and ending MRR.

    Input: one row per customer and month with that month's MRR (rows of one customer and month are
    added up; a month without a row is a month at 0). A customer's first month with MRR > 0 is New; MRR > 0
    after a month at 0, later than its first month, is Reactivation; a rise is Expansion; a fall to a value
    above 0 is Contraction; the first month at 0 after a month above 0 is Churn (a subscription that ends on
    31 May churns in June). The table spills: a header row, then the months from the first to the last
    in the data, oldest first, the Month column as the date of the month's first day. The first month's
    New holds every customer already paying then, so give the rows from the first subscription on, and use
    criteria to pick customers (segment, owner), not months: cut the waterfall's months from the spilled table.
    """
    first, span, columns = _movements(customers, months, mrr)
    table: list[list[Any]] = [list(MOVEMENT_HEADER)]
    for index in range(span):
        table.append([month_serial(first + index), *(float(columns[name][index]) for name in MOVEMENTS)])
    return table


_MOVEMENT_TEXT = {
    "starting": "MRR at the end of the month before",
    "new": "MRR of customers paying for the first time",
    "expansion": "MRR added by customers paying more than the month before",
    "reactivation": "MRR of former customers who came back",
    "contraction": "MRR lost by customers paying less, but more than 0",
    "churn": "MRR lost by customers who stopped paying",
    "ending": "MRR at the end of the month",
}


@metric(
    teams=["leadership", "customer_success", "sales"],
    indicator=LAGGING,
    unit="currency",
    seed="002",
    source=_CHATMOGUL,
    formula="the movement's column of MRR_MOVEMENTS in the row of month",
    args={
        **_MRR_ROW_ARGS,
        "movement": Choice(
            "Which figure: starting, new, expansion, reactivation, contraction, churn or ending.", *MOVEMENTS
        ),
        "month": Date("Any date in the month wanted."),
    },
    methods=_MOVEMENT_TEXT,
    metrics=["MRR movements", "new MRR", "reactivation MRR", "churned MRR", "net new revenue"],
    example=Example((*_MRR_EXAMPLE_ROWS, "reactivation", "2024-03-15"), 120, "by hand: B returns in March with 120"),
)
def MRR_MOVEMENT(customers, months, mrr, movement, month):
    """One figure of the MRR movements waterfall: a movement (new, expansion, reactivation, contraction,
    churn, starting or ending MRR) in one month.

    Same rules and input as MRR_MOVEMENTS. A month before the first or after the last month of the rows is
    #N/A: there is no data for it.
    """
    first, span, columns = _movements(customers, months, mrr)
    wanted = int(month_numbers(np.array([month]))[0])
    if not first <= wanted < first + span:
        raise NothingToCompute(
            f"month {_month_text(wanted)} is outside the rows' months ({_month_text(first)} to"
            f" {_month_text(first + span - 1)})"
        )
    return float(columns[movement][wanted - first])


_COHORT_METHODS = {
    "logo": "share of the cohort's customers with MRR > 0 (default)",
    "revenue": "the cohort's MRR over its MRR in its first month",
}


@metric(
    teams=["customer_success", "leadership"],
    indicator=LAGGING,
    unit="table",
    seed="001",
    source="ChartMogul cohort analysis; Baremetrics cohorts",
    formula=(
        "cohort = month of a customer's first MRR > 0; logo: customers with MRR > 0 in month k / cohort"
        " customers; revenue: cohort MRR in month k / cohort MRR in month 0"
    ),
    args={
        **_MRR_ROW_ARGS,
        "method": Choice("logo (default) or revenue.", *_COHORT_METHODS),
    },
    methods=_COHORT_METHODS,
    metrics=["cohort retention", "retention rate", "NRR", "logo retention"],
    example=Example(
        _MRR_EXAMPLE_ROWS,
        [[COHORT_HEADER, 0, 1, 2], [45292, 1, 0.5, 1], [45323, 1, 1, ""]],
        "by hand: January cohort A and B, only A pays in February, both in March; February cohort C",
    ),
    returns_table=True,
)
def COHORT_RETENTION(customers, months, mrr, method="logo"):
    """Cohort retention matrix: one row per cohort (the month of each customer's first MRR), one column per
    month since then.

    ``logo`` gives the share of the cohort's customers paying (MRR > 0) in each month since its start;
    ``revenue`` gives the cohort's MRR over its first month's MRR (above 100 % means expansion outgrew
    churn). Same input as MRR_MOVEMENTS. The header row is Cohort, 0, 1, 2, …; the Cohort column is the
    date of the cohort month's first day; months after the last month of the data are empty cells.
    Returning customers count for their first cohort.
    """
    rows = _CustomerMonths(customers, months, mrr)
    first_paid = rows.first_paid_month()
    paying = (rows.mrr > 0) & (first_paid >= 0)
    if not paying.any():
        raise NothingToCompute("no customer has an MRR above 0: there is no cohort")
    cohorts = np.unique(first_paid[paying])
    cohort_row = np.searchsorted(cohorts, first_paid[paying]).astype(np.intp)
    age = (rows.month[paying] - first_paid[paying]).astype(np.intp)
    shape = (cohorts.size, rows.span)
    flat = np.ravel_multi_index((cohort_row, age), shape)
    if method == "revenue":
        retained = np.bincount(flat, weights=rows.mrr[paying], minlength=shape[0] * shape[1]).reshape(shape)
    else:
        retained = np.bincount(flat, minlength=shape[0] * shape[1]).reshape(shape).astype(float)
    base = retained[:, 0]
    table: list[list[Any]] = [[COHORT_HEADER, *map(float, range(rows.span))]]
    for index, cohort in enumerate(cohorts):
        observed = rows.last - int(cohort) + 1  # months of data since the cohort started
        shares = [float(v) for v in retained[index, :observed] / base[index]]
        table.append([month_serial(int(cohort)), *shares, *[""] * (rows.span - observed)])
    return table


# ------------------------------------------------------------------------------------ board metrics


@metric(
    teams=["leadership", "customer_success"],
    indicator=LAGGING,
    unit="multiple",
    seed="000",
    source="Mamoon Hamid (Social Capital) SaaS quick ratio; ChartMogul",
    formula="(new + expansion + reactivation) / (churned + contraction)",
    args={
        "new": Money("New MRR in the period."),
        "expansion": Money("Expansion MRR in the period."),
        "churned": Money("Churned MRR in the period."),
        "contraction": Money("Contraction MRR in the period; default 0."),
        "reactivation": Money("Reactivation MRR in the period; default 0."),
    },
    metrics=["quick ratio", "SaaS quick ratio"],
    example=Example((500, 200, 100, 75), 4.0, "by hand: (500 + 200) / (100 + 75)"),
    benchmark="above 4 is efficient growth (Social Capital)",
)
def QUICK_RATIO(new, expansion, churned, contraction=0, reactivation=0):
    """SaaS quick ratio: MRR gained (new, expansion, reactivation) per unit of MRR lost (churn, contraction)."""
    return divide(new + expansion + reactivation, churned + contraction, "churned + contraction")


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    source="Brad Feld, The Rule of 40% for a Healthy SaaS Company",
    formula="growth_rate + profit_margin",
    args={
        "growth_rate": Number("Revenue growth rate over the year, as a fraction (25 % is 0.25)."),
        "profit_margin": Number("Profit margin (EBITDA or free-cash-flow margin), as a fraction (20 % is 0.2)."),
    },
    metrics=["rule of 40"],
    example=Example((0.25, 0.20), 0.45, "by hand: 0.25 + 0.20"),
    benchmark="healthy at 40 % or more",
)
def RULE_OF_40(growth_rate, profit_margin):
    """Rule of 40: revenue growth rate plus profit margin; a healthy SaaS company scores at least 40 %."""
    if growth_rate < -1:
        raise OutOfDomain(f"growth_rate is {growth_rate:g}; revenue cannot fall by more than 100 %")
    if profit_margin > 1:
        raise OutOfDomain(
            f"profit_margin is {profit_margin:g}; a margin cannot exceed 100 %: give fractions (20 % is 0.2)"
        )
    return growth_rate + profit_margin


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    source="cash burn rate as venture investors define it",
    formula="(cash_start − cash_end) / months",
    args={
        "cash_start": Amount("Cash balance at the start of the period."),
        "cash_end": Amount("Cash balance at the end of the period."),
        "months": Number("Length of the period in months; default 1."),
    },
    metrics=["burn rate", "cash flow"],
    example=Example((100000, 70000, 6), 5000, "by hand: (100,000 − 70,000) / 6"),
)
def BURN_RATE(cash_start, cash_end, months=1):
    """Net burn rate: cash spent per month over the period; negative when the period added cash."""
    if months < 0:
        raise OutOfDomain(f"months is {months:g}; a period cannot be negative in length")
    return divide(cash_start - cash_end, months, "months")


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="months",
    seed="000",
    source="cash runway as venture investors define it",
    formula="cash / monthly_burn",
    args={
        "cash": Money("Cash in the bank now."),
        "monthly_burn": Amount("Net cash burned per month (BURN_RATE)."),
    },
    metrics=["runway", "cash flow"],
    example=Example((100000, 5000), 20, "by hand: 100,000 / 5,000"),
)
def RUNWAY(cash, monthly_burn):
    """Months of cash left at the current burn: cash / monthly burn. A burn of 0 or less is #NUM! (not burning cash)."""
    if monthly_burn <= 0:
        raise OutOfDomain(
            f"monthly_burn is {monthly_burn:g}: the company is not burning cash, so the runway is not limited"
        )
    return cash / monthly_burn


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="multiple",
    seed="000",
    source="David Sacks, The Burn Multiple (Craft Ventures)",
    formula="net_burn / net_new_arr",
    args={
        "net_burn": Amount("Net cash burned in the period."),
        "net_new_arr": Amount("Net new ARR added in the same period."),
    },
    metrics=["burn multiple", "cash flow"],
    example=Example((3000000, 2000000), 1.5, "by hand: 3,000,000 / 2,000,000"),
    benchmark="below 1 is amazing, 1–1.5 great, above 2 suspect (Craft Ventures)",
)
def BURN_MULTIPLE(net_burn, net_new_arr):
    """Burn multiple: cash burned per unit of net new ARR over the same period; lower is more efficient.

    A negative result means the period generated cash. Net new ARR of 0 is #DIV/0!; shrinking ARR is #NUM!.
    """
    if net_new_arr < 0:
        raise OutOfDomain(f"net_new_arr is {net_new_arr:g}: ARR shrank, so the burn multiple has no meaning")
    return divide(net_burn, net_new_arr, "net_new_arr")


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="rate",
    seed="000",
    source="compound annual growth rate; Excel's RRI",
    formula="(value_end / value_start)^(1 / years) − 1",
    args={
        "value_start": Money("Value at the start (revenue, ARR, customers)."),
        "value_end": Money("Value at the end."),
        "years": Number("Years between the two values (18 months is 1.5)."),
    },
    metrics=["CAGR", "trailing growth", "growth rate"],
    example=Example((100, 121, 2), 0.1, "by hand: (121 / 100)^(1/2) − 1 = 1.1 − 1"),
)
def CAGR(value_start, value_end, years):
    """Compound annual growth rate: the constant yearly rate that turns the start value into the end value.

    Same as Excel's RRI(years, value_start, value_end).
    """
    if years <= 0:
        raise OutOfDomain(f"years is {years:g}; it must be positive")
    return divide(value_end, value_start, "value_start") ** (1 / years) - 1


@metric(
    teams=["leadership"],
    indicator=LAGGING,
    unit="days",
    seed="000",
    source="days sales outstanding, as finance teams define it",
    formula="receivables / credit_sales × days",
    args={
        "receivables": Money("Accounts receivable at the end of the period."),
        "credit_sales": Money("Sales on credit (invoiced revenue) in the period."),
        "days": Number("Days in the period; default 365 (a year)."),
    },
    metrics=["DSO", "days sales outstanding", "cash flow"],
    example=Example((50000, 500000), 36.5, "by hand: 50,000 / 500,000 × 365"),
)
def DSO(receivables, credit_sales, days=365):
    """Days sales outstanding: how many days of credit sales are waiting to be collected."""
    if days <= 0:
        raise OutOfDomain(f"days is {days:g}; the period must have a positive length")
    return divide(receivables, credit_sales, "credit_sales") * days


@metric(
    teams=["leadership", "customer_success"],
    indicator=LAGGING,
    unit="currency",
    seed="000",
    source="discounted customer lifetime value (Gupta & Lehmann)",
    formula="arpa × gross_margin / (churn_rate + discount_rate)",
    args={
        "arpa": Money("Average revenue per account per period (month or year)."),
        "churn_rate": Rate("Customer churn rate per the same period, as a fraction."),
        "discount_rate": Rate("Discount rate (cost of capital) per the same period, as a fraction."),
        "gross_margin": Rate("Gross margin as a fraction; default 1 (revenue LTV)."),
    },
    metrics=["LTV", "discounted lifetime value", "CLV"],
    example=Example((100, 0.05, 0.10, 0.70), 100 * 0.7 / 0.15, "by hand: 100 × 0.70 / (0.05 + 0.10) ≈ 466.67"),
)
def DISCOUNTED_LTV(arpa, churn_rate, discount_rate, gross_margin=1):
    """Lifetime value with future margins discounted: ARPA × gross margin / (churn rate + discount rate).

    All rates per the same period as ARPA (monthly ARPA with monthly churn and a monthly discount rate).
    """
    return divide(arpa * gross_margin, churn_rate + discount_rate, "churn_rate + discount_rate")


@metric(
    teams=["sales", "leadership"],
    indicator=LEADING,
    unit="currency",
    seed="003",
    source="weighted pipeline (Salesforce expected revenue)",
    formula="Σ amount × probability over rows with both",
    args={
        "amounts": Rows("Amount of each open deal."),
        "probabilities": Rows("Win probability of each deal, as a fraction 0–1 (its stage's probability)."),
    },
    metrics=["weighted pipeline", "pipeline coverage", "sales forecast"],
    example=Example(([10000, 20000, 5000], [0.2, 0.5, 1]), 17000, "by hand: 2,000 + 10,000 + 5,000"),
)
def WEIGHTED_PIPELINE(amounts, probabilities, *criteria):
    """Weighted pipeline: each selected deal's amount times its win probability, added up.

    Rows missing the amount or the probability are skipped; a probability outside 0–1 is #NUM!.
    """
    both = ~(np.isnan(amounts) | np.isnan(probabilities))
    if not both.any():
        raise NothingToCompute("no row has both an amount and a probability")
    amount, probability = amounts[both], probabilities[both]
    if (probability > 1).any():
        raise OutOfDomain(
            f"probabilities holds {probability[probability > 1][0]:g}; give fractions (50 % is 0.5), 0 to 1"
        )
    require_range(probability, 0, 1, "probabilities")
    if (amount < 0).any():
        raise OutOfDomain(f"amounts holds {amount[amount < 0][0]:g}; a deal amount cannot be negative")
    return float(amount @ probability)


@metric(
    teams=["support", "customer_success"],
    indicator=LEADING,
    unit="hours",
    seed="000",
    source="ERPNext and Chatwoot service-level agreements; Excel's NETWORKDAYS.INTL",
    formula="mean over rows of working hours between start and end (day_start–day_end on working days)",
    args={
        "start": Dates("Date and time each ticket (or request) was created."),
        "end": Dates("Date and time it was answered or resolved; blank if not yet."),
        "day_start": Time('Start of the working day: an Excel time (10:00) or text "10:00".'),
        "day_end": Time('End of the working day: an Excel time (18:00) or text "18:00".'),
        "weekend": Text(
            "Weekend days as in NETWORKDAYS.INTL: seven 0/1 characters, Monday first, 1 = day off; default"
            ' "0000011" (Saturday and Sunday), or a weekend number (1 = Sat–Sun, 11 = Sunday only).'
        ),
        "holidays": DateList("Dates that are not working days (public holidays); optional."),
    },
    metrics=["average response time", "time to first response", "average resolution time"],
    example=Example(
        (["2024-01-01T06:00", "2024-01-05T17:00"], ["2024-01-04T20:00", "2024-01-08T11:00"], "10:00", "18:00"),
        17,
        "by hand: Monday 06:00 to Thursday 20:00 is 4 × 8 = 32 working hours; Friday 17:00 to Monday 11:00 is 2",
    ),
)
def AVG_BUSINESS_HOURS(start, end, day_start, day_end, weekend="0000011", holidays=None, *criteria):
    """Average working hours between paired date-times (ticket created to answered), counting only the
    working day's hours on working days.

    Only the time between day_start and day_end counts, on days that are neither weekend days nor
    holidays: a ticket created Monday 06:00 and answered Thursday 20:00 on a Monday–Friday 10:00–18:00
    schedule took 32 working hours. Each time is taken to the second. Rows missing either date are skipped;
    an end before its start is #NUM!.
    """
    if day_end <= day_start:
        raise OutOfDomain("day_end must be later than day_start (overnight shifts are not supported)")
    mask = weekend_mask(weekend, "weekend")
    durations(start, end, "working hours", "end")  # #N/A without a complete row, #NUM! for an end before its start
    both = ~(np.isnan(start) | np.isnan(end))
    seconds = business_seconds(start[both], end[both], day_start, day_end, mask, holidays)
    return float(seconds.mean() / 3600)
