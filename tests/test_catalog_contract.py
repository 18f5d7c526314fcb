"""What every catalogue function promises, checked over the whole registry.

Each team's test module checks its functions' numbers by hand; this module checks the shared contract:
complete metadata, the fixed signatures of METRICS.md, the declared worked examples, the error codes for
wrong types, empty and mismatched ranges, errors inside inputs, dates in any form, and criteria.
"""

import datetime as dt
import inspect
import math

import pytest

import udfs
from udfs.registry import NUMBER_FORMATS, TEAMS

ENTRIES = udfs.catalog()
IDS = [e.name for e in ENTRIES]
SEEDS = {"000", "001", "002", "003", "004"}
NUMERIC_KINDS = {"amount", "money", "count", "number", "rate"}

# The "Core functions with fixed signatures" table of METRICS.md: names, argument names, order, defaults.
FIXED_SIGNATURES = {
    "ACV": "total_contract_value, one_time_fees=0, contract_years=1",
    "TCV": "annual_recurring, contract_years, one_time_fees=0",
    "NET_SALES_EFFICIENCY": "new_revenue, churned_revenue, sm_spend, cs_spend=0",
    "MAGIC_NUMBER": "revenue_increase, prior_sm_spend, periods_per_year=4",
    "SALES_PRODUCTIVITY": "revenue, sellers",
    "WIN_RATE": "won, lost",
    "SALES_CYCLE_LENGTH": "created, closed, *criteria",
    "SALES_VELOCITY": "opportunities, avg_deal_size, win_rate, cycle_length",
    "LEAD_VELOCITY_RATE": "this_period, last_period",
    "CONVERSION_RATE": "converted, total",
    "COST_PER_LEAD": "spend, leads",
    "CAC": "acquisition_spend, new_customers",
    "CAC_PAYBACK": "cac, monthly_revenue_per_customer, gross_margin=1",
    "CLV": "revenue, cost_to_earn, customers",
    "LTV": "arpa, churn_rate, gross_margin=1",
    "CUSTOMER_LIFETIME": "churn_rate",
    "CHURN_RATE": "lost, customers_start, new_customers=0, method='start'",
    "REVENUE_CHURN_RATE": "churned, revenue_start, contraction=0, expansion=0, method='gross'",
    "RETENTION_RATE": "customers_end, new_customers, customers_start",
    "GRR": "revenue_start, churned, contraction=0",
    "NRR": "revenue_start, churned, contraction=0, expansion=0",
    "QUOTA_ATTAINMENT": "actual, quota, weight=1",
    "QUOTA_STREAK": "attainments, threshold=1, *criteria",
    "PIPELINE_COVERAGE": "pipeline, quota",
    "FORECAST_ACCURACY": "forecast, actual, method='absolute', *criteria",
    "GROWTH_CEILING": "new_mrr, churn_rate",
    "TRAILING_GROWTH": "current_ytd, prior_ytd, prior_full_year",
    "AVG_REVENUE_PER_UNIT": "revenue, units",
    "MARGINAL_REVENUE": "revenue_before, revenue_after, units_before, units_after",
    "GROSS_MARGIN": "revenue, cost_of_goods_sold",
    "NET_PROFIT_MARGIN": "revenue, total_expenses",
    "ROI": "gain, investment, method='net'",
    "CONTENT_ROI": "attributed_return, content_cost",
    "COST_OF_SALES_RATIO": "cost_of_sales, sales_volume",
    "DISCOUNT_RATE": "list_price, sale_price",
    "NPS": "scores, *criteria",
    "CSAT": "scores, scale_max=5, method='top2', *criteria",
    "CES": "scores, *criteria",
    "FIRST_RESPONSE_TIME": "created, first_response, *criteria",
    "RESOLUTION_TIME": "created, resolved, *criteria",
    "TURNOVER_RATE": "separations, headcount_start, headcount_end",
    "REP_RETENTION": "headcount_start, departures",
}

# The "Revenue movements, cohorts and board metrics" table of METRICS.md.
SAAS_SIGNATURES = {
    "MRR_MOVEMENTS": "customers, months, mrr, *criteria",
    "MRR_MOVEMENT": "customers, months, mrr, movement, month",
    "COHORT_RETENTION": "customers, months, mrr, method='logo'",
    "QUICK_RATIO": "new, expansion, churned, contraction=0, reactivation=0",
    "RULE_OF_40": "growth_rate, profit_margin",
    "BURN_RATE": "cash_start, cash_end, months=1",
    "RUNWAY": "cash, monthly_burn",
    "BURN_MULTIPLE": "net_burn, net_new_arr",
    "CAGR": "value_start, value_end, years",
    "DSO": "receivables, credit_sales, days=365",
    "DISCOUNTED_LTV": "arpa, churn_rate, discount_rate, gross_margin=1",
    "WEIGHTED_PIPELINE": "amounts, probabilities, *criteria",
    "AVG_BUSINESS_HOURS": "start, end, day_start, day_end, weekend='0000011', holidays=None, *criteria",
}
FIXED_SIGNATURES.update(SAAS_SIGNATURES)

# Seed examples of METRICS.md, exactly.
SEED_EXAMPLES = [
    ("ACV", (380000, 20000, 3), 120000),
    ("NET_SALES_EFFICIENCY", (10, 0, 1), 10),
    ("SALES_PRODUCTIVITY", (100000, 10), 10000),
    ("CLV", (100000, 20000, 10), 8000),
    ("TRAILING_GROWTH", (17, 10, 25), 32),
    ("AVG_REVENUE_PER_UNIT", (100000, 10), 10000),
    ("MARGINAL_REVENUE", (100000, 110000, 10, 20), 1000),
    # the second table's examples
    ("QUICK_RATIO", (500, 200, 100, 75), 4.0),
    ("RULE_OF_40", (0.25, 0.20), 0.45),
    ("BURN_RATE", (100000, 70000, 6), 5000),
    ("RUNWAY", (100000, 5000), 20),
    ("DSO", (50000, 500000), 36.5),
    ("AVG_BUSINESS_HOURS", (["2024-01-01T06:00"], ["2024-01-04T20:00"], "10:00", "18:00"), 32),
]


def call_code(func, *args):
    with pytest.raises(udfs.KPIError) as caught:
        func(*args)
    return caught.value.code


def example_args(entry):
    assert entry.example is not None, f"{entry.name} has no worked example"
    args = list(entry.example.args)
    return args + [p.default for p in entry.params[len(args) :]]


def test_catalogue_is_complete():
    assert len(ENTRIES) >= 80, f"only {len(ENTRIES)} functions"
    assert set(FIXED_SIGNATURES) <= set(IDS)
    for entry in ENTRIES:
        assert getattr(udfs, entry.name) is entry.func
        assert udfs.get(entry.name.lower()) is entry


@pytest.mark.parametrize("name", FIXED_SIGNATURES)
def test_fixed_signatures(name):
    signature = inspect.signature(getattr(udfs, name))
    assert str(signature).strip("()") == FIXED_SIGNATURES[name]


@pytest.mark.parametrize(("name", "args", "expected"), SEED_EXAMPLES)
def test_seed_examples_exactly(name, args, expected):
    assert getattr(udfs, name)(*args) == expected


def test_seed_roi_example():
    assert udfs.ROI(775000, 1525000, "ratio") == pytest.approx(0.508, abs=5e-4)


def test_second_table_rounded_example():
    assert round(udfs.DISCOUNTED_LTV(100, 0.05, 0.10, 0.70), 2) == 466.67


@pytest.mark.parametrize("name", SAAS_SIGNATURES)
def test_second_table_names_its_published_definition(name):
    assert udfs.get(name).source, f"{name} does not say which published definition it follows"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_metadata_is_complete(entry):
    assert entry.summary and len(entry.summary) <= 255 and entry.summary.endswith(".")
    assert entry.formula and entry.seed in SEEDS
    assert entry.teams and set(entry.teams) <= set(TEAMS)
    assert entry.indicator in ("leading", "lagging") and entry.unit in NUMBER_FORMATS
    assert entry.metrics, f"{entry.name} names no catalogue metric it serves"
    for param in entry.params:
        assert param.description.strip(), f"{entry.name}.{param.name} has no description"
        assert param.description.endswith("."), f"{entry.name}.{param.name}: end the description with a period"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_worked_example(entry):
    for param, value in zip(entry.params, entry.example.args, strict=False):
        assert not param.is_rows or isinstance(value, list), f"{entry.name}: give {param.name} as a list"
    result = entry.func(*entry.example.args)
    if entry.returns_table:
        assert result == entry.example.result
    else:
        assert result == pytest.approx(entry.example.result, rel=1e-9)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_method_is_accepted_and_unknown_ones_rejected(entry):
    choices = [p for p in entry.params if p.kind == "choice"]
    args = example_args(entry)
    for param in choices:
        index = entry.params.index(param)
        for method in param.choices:
            args[index] = method.upper()  # Excel users type in any case
            try:
                result = entry.func(*args)
            except udfs.KPIError:
                continue
            assert entry.returns_table or math.isfinite(result)
        args[index] = "no-such-method"
        assert call_code(entry.func, *args) == "#VALUE!"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_text_where_a_number_or_date_is_expected(entry):
    for index, param in enumerate(entry.params):
        args = example_args(entry)
        if param.kind in NUMERIC_KINDS:
            args[index] = "abc"
        elif param.kind in ("rows", "dates"):
            args[index] = ["abc"] * len(args[index])
        elif param.kind == "date":
            args[index] = "someday"
        else:
            continue
        assert call_code(entry.func, *args) == "#VALUE!", f"{entry.name}: text in {param.name}"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_error_values_inside_inputs_propagate(entry):
    for index, param in enumerate(entry.params):
        if param.kind == "choice":
            continue
        args = example_args(entry)
        if param.is_rows and args[index] is None:  # an optional range left out: give it the rows' length
            args[index] = [None] * _row_count(entry, args)
        args[index] = ["#N/A"] * len(args[index]) if param.is_rows else "#REF!"
        expected = "#N/A" if param.is_rows else "#REF!"
        assert call_code(entry.func, *args) == expected, f"{entry.name}: error in {param.name}"


def _row_count(entry, args):
    return len(next(args[i] for i, p in enumerate(entry.params) if p.is_rows and args[i] is not None))


ROW_ENTRIES = [e for e in ENTRIES if any(p.is_rows for p in e.params)]


@pytest.mark.parametrize("entry", ROW_ENTRIES, ids=[e.name for e in ROW_ENTRIES])
def test_empty_ranges_have_nothing_to_compute(entry):
    args = example_args(entry)
    for index, param in enumerate(entry.params):
        if param.is_rows:
            args[index] = []
    assert call_code(entry.func, *args) == "#N/A"


PAIRED = [e for e in ROW_ENTRIES if sum(p.is_rows for p in e.params) >= 2]


@pytest.mark.parametrize("entry", PAIRED, ids=[e.name for e in PAIRED])
def test_mismatched_row_ranges(entry):
    args = example_args(entry)
    last = max(i for i, p in enumerate(entry.params) if p.is_rows and args[i] is not None)
    args[last] = list(args[last]) + [args[last][0]]
    assert call_code(entry.func, *args) == "#VALUE!"


CRITERIA = [e for e in ENTRIES if e.criteria]


@pytest.mark.parametrize("entry", CRITERIA, ids=[e.name for e in CRITERIA])
def test_criteria_select_rows(entry):
    args = example_args(entry)
    rows = _row_count(entry, args)
    unfiltered = entry.func(*args)
    assert entry.func(*args, ["Alice"] * rows, "alice") == unfiltered
    assert entry.func(*args, list(range(rows)), ">=0", ["x"] * rows, "X") == unfiltered
    assert call_code(entry.func, *args, ["Bob"] * rows, "Alice") == "#N/A"
    assert call_code(entry.func, *args, ["Alice"] * (rows + 1), "Alice") == "#VALUE!"
    assert call_code(entry.func, *args, ["Alice"] * rows) == "#VALUE!"  # a range without its criterion


def _serial(text):
    """Excel serial of ISO text, by date arithmetic (1899-12-30 is day 0 for dates after Feb 1900)."""
    moment = dt.datetime.fromisoformat(text)
    delta = moment - dt.datetime(1899, 12, 30)
    return delta.days + delta.seconds / 86400


DATED = [e for e in ENTRIES if any(p.kind in ("dates", "date") for p in e.params)]


@pytest.mark.parametrize("entry", DATED, ids=[e.name for e in DATED])
def test_dates_as_serials_datetimes_and_text_agree(entry):
    iso_args = list(entry.example.args)
    forms = {"serial": _serial, "datetime": dt.datetime.fromisoformat, "text": str}
    results = {}
    for form, convert in forms.items():
        args = list(iso_args)
        for index, param in enumerate(entry.params[: len(args)]):
            if param.kind == "dates":
                args[index] = [convert(v) if isinstance(v, str) else v for v in args[index]]
            elif param.kind == "date" and isinstance(args[index], str):
                args[index] = convert(args[index])
        results[form] = entry.func(*args)
    if entry.returns_table:
        assert results["serial"] == results["text"] == results["datetime"]
    else:
        assert results["serial"] == pytest.approx(results["text"], rel=1e-9)
        assert results["datetime"] == pytest.approx(results["text"], rel=1e-9)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_wrong_argument_count(entry):
    assert call_code(entry.func) in ("#VALUE!", "#N/A") if any(not p.optional for p in entry.params) else True
    if not entry.criteria:
        too_many = example_args(entry) + [1] * 3
        assert call_code(entry.func, *too_many) == "#VALUE!"
