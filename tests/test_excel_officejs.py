"""Every catalogue function through xlwings' Office.js code path (xlwings Lite and xlwings Server).

xlwings binds ``func``/``arg`` to its Office.js implementation only when ``XLWINGS_ON_SERVER=true`` is set
before its first import, so these tests run in a fresh interpreter: the one test collected in the normal
run (:func:`test_office_js_runtime`) starts ``pytest`` on this file again with that environment, where
the class :class:`OfficeJsTests` is collected. Payloads are what Office.js sends: 2-D lists, blanks as
``None``, dates as serial numbers, error cells as ``{"type": "Error", ...}``, left-out arguments as ``None``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from support import (
    FEB_2024,
    MAR_2024,
    SPILL_COHORTS,
    SPILL_CUSTOMERS,
    SPILL_MONTHS,
    SPILL_MRR,
    SPILL_WATERFALL,
    run_in_fresh_interpreter,
)

import udfs
from udfs import coerce
from udfs.registry import Metric

ROOT = Path(__file__).resolve().parent.parent
INNER = os.environ.get("KPI_TEST_RUNTIME") == "officejs"
CATALOG = udfs.catalog()
IDS = [m.name for m in CATALOG]
ERROR_TYPES = {"#DIV/0!": "Div0", "#N/A": "NotAvailable", "#NUM!": "Num", "#NULL!": "Null"}


@pytest.mark.slow
def test_office_js_runtime() -> None:
    """Run this file's Office.js tests in an interpreter where xlwings is bound to Office.js."""
    if INNER:
        pytest.skip("this is the inner run")
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    env.update(KPI_TEST_RUNTIME="officejs", PYTHONPATH=str(ROOT), KPI_EXCEL_RUNTIME="")
    run_in_fresh_interpreter(__file__, env, "Office.js")


# ------------------------------------------------------------------------------- payload helpers


def first_sentence(text: str) -> str:
    """Independent of udfs.excel: the docstring's first sentence, as a person would cut it."""
    flat = " ".join(text.split("\n\n")[0].replace("``", "").split())
    match = re.match(r"(.+?[.!?])(\s+[A-Z0-9(\"']|$)", flat)
    return match.group(1) if match else flat


def serial(value: Any) -> Any:
    """A date the way Office.js sends it: an Excel serial number."""
    if isinstance(value, dt.date):
        return coerce.serial_from_datetime(value)
    if isinstance(value, str):
        parsed = coerce.parse_date_text(value)
        return value if parsed is None else parsed
    return value


def to_officejs(value: Any, kind: str) -> Any:
    """An example argument as Office.js sends it: a column for a list, [[x]] for one cell, text for a choice."""
    cell = serial if kind in ("dates", "date") else (lambda v: v)
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], list | tuple):
            return [[cell(c) for c in row] for row in value]
        return [[cell(c)] for c in value]
    if kind == "choice":
        return value
    return [[cell(value)]]


def example_payload(metric: Metric, blank_rows: bool = False) -> list[Any]:
    """The metric's worked example as custom_functions_call args (left-out optionals as None)."""
    count = len(metric.params)
    given = list(metric.example.args[:count])
    payload = [to_officejs(value, p.kind) for value, p in zip(given, metric.params, strict=False)]
    payload += [None] * (count - len(payload))
    if blank_rows:  # a row whose cells are all blank is skipped: append one to every row range
        for index, param in enumerate(metric.params):
            if param.is_rows and isinstance(payload[index], list):
                payload[index] = payload[index] + [[None] * len(payload[index][0])]
    if metric.criteria:
        criteria = [to_officejs(value, "labels") for value in metric.example.args[count:]]
        if blank_rows and criteria:
            criteria = [c + [[None]] if i % 2 == 0 else c for i, c in enumerate(criteria)]
        payload.append(criteria)
    return payload


def expected(metric: Metric) -> Any:
    """The plain catalogue function on the example, as Office.js shows it."""
    try:
        result = metric.func(*metric.example.args)
    except udfs.KPIError as error:
        return error.code
    return result if isinstance(result, list) else [[result]]


def same(got: Any, want: Any) -> bool:
    """Equal, numbers within a relative 1e-9, through nested tables."""
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(got, float | int) and isinstance(want, float | int) and not isinstance(got, bool):
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    return got == want


def shown(result: Any) -> Any:
    """An Office.js result with error values written back as their codes."""
    codes = {v: k for k, v in ERROR_TYPES.items()}
    cell = result[0][0]
    if isinstance(cell, dict) and cell.get("type") == "Error":
        return codes[cell["errorType"]]
    return result


def single_cell_payload(metric: Metric, position: int, bad: Any) -> list[Any]:
    """The example with one argument replaced by the single cell ``bad``."""
    payload = example_payload(metric)
    payload[position] = [[bad]]
    return payload


def scalar_positions(metric: Metric) -> list[int]:
    """Arguments that read numbers or dates (not labels or a method choice), present in the example."""
    given = len(metric.example.args)
    return [i for i, p in enumerate(metric.params) if p.kind not in ("labels", "choice") and i < given]


# ------------------------------------------------------------------------- tests in the Office.js run


@pytest.fixture(scope="module")
def excel() -> Any:
    """The adapter module, imported under the Office.js runtime (inner run only)."""
    import udfs.excel as excel

    assert excel.RUNTIME == "officejs", "xlwings.func is not bound to Office.js"
    return excel


@pytest.fixture(scope="module")
def meta(excel: Any) -> dict:
    from xlwings.server import custom_functions_meta

    return custom_functions_meta(excel)


class OfficeJsTests:
    """Collected only in the inner run (see the module docstring)."""

    def call(self, excel: Any, metric: Metric, args: list[Any]) -> Any:
        from xlwings.server import custom_functions_call

        data = {
            "func_name": excel.typed_name(metric.name, "lite"),
            "args": args,
            "version": "0.37.8",
            "client": "Office.js",
            "runtime": "1.4",
            "culture_info_name": "en-US",
            "date_format": "m/d/yyyy",
        }
        return asyncio.run(custom_functions_call(data, excel))

    def test_core_functions_stay_plain(self, excel: Any) -> None:
        for metric in CATALOG:
            wrapper = getattr(excel, excel.typed_name(metric.name, "lite"))
            assert wrapper is not metric.func and hasattr(wrapper, "__xlfunc__")
            assert not hasattr(metric.func, "__xlfunc__"), f"{metric.name}: the catalogue function was decorated"

    def test_meta_lists_every_function_once(self, excel: Any, meta: dict) -> None:
        ids = [f["id"] for f in meta["functions"]]
        assert sorted(ids) == sorted(excel.typed_name(m.name, "lite") for m in CATALOG)
        assert len(ids) == len(set(ids)) == len(CATALOG)
        assert "RATE" not in ids, "a function named like an Excel built-in must be renamed"

    @pytest.mark.parametrize("metric", CATALOG, ids=IDS)
    def test_meta_describes_function_and_arguments(self, excel: Any, meta: dict, metric: Metric) -> None:
        entry = next(f for f in meta["functions"] if f["id"] == excel.typed_name(metric.name, "lite"))
        assert entry["description"] == first_sentence(metric.description)
        assert len(entry["description"]) <= 255
        assert entry["result"] == {"dimensionality": "matrix", "type": "any"}
        params = entry["parameters"]
        assert [p["name"] for p in params] == metric.param_names + (["criteria"] if metric.criteria else [])
        for param, declared in zip(params, metric.params, strict=False):
            own_words = " ".join(declared.description.replace("``", "").split())
            assert param["description"].startswith(own_words[:60].rsplit(" ", 1)[0])
            assert len(param["description"]) <= 255
            assert param.get("optional", False) == declared.optional, f"{declared.name} optional flag"
            if declared.kind == "choice":
                assert param["type"] == "string" and param["dimensionality"] == "scalar"
                enum = next(e for e in meta["enums"] if e["id"] == param["customEnumId"])
                assert [v["stringValue"] for v in enum["values"]] == list(declared.choices)
                assert all(v.get("tooltip") for v in enum["values"]), "every choice explains itself"
            else:
                assert param["dimensionality"] == "matrix" and param["type"] == "any"
        if metric.criteria:
            assert params[-1].get("repeating") is True and "COUNTIFS" in params[-1]["description"]

    @pytest.mark.parametrize("metric", CATALOG, ids=IDS)
    def test_example_gives_the_plain_result(self, excel: Any, metric: Metric) -> None:
        want = expected(metric)
        assert same(shown(self.call(excel, metric, example_payload(metric))), want)
        assert same(shown(self.call(excel, metric, example_payload(metric, blank_rows=True))), want)

    @pytest.mark.parametrize("metric", CATALOG, ids=IDS)
    def test_error_cell_in_an_input_propagates(self, excel: Any, metric: Metric) -> None:
        for position in scalar_positions(metric):
            for code, error_type in ERROR_TYPES.items():
                cell = {"type": "Error", "basicType": "Error", "basicValue": code, "errorType": error_type}
                result = self.call(excel, metric, single_cell_payload(metric, position, cell))
                assert result == [[{"type": "Error", "errorType": error_type}]], (metric.params[position].name, code)

    @pytest.mark.parametrize("metric", CATALOG, ids=IDS)
    def test_text_for_a_number_is_value_error_with_its_message(self, excel: Any, metric: Metric) -> None:
        from xlwings import XlwingsError

        for position in scalar_positions(metric):
            with pytest.raises(XlwingsError) as raised:
                self.call(excel, metric, single_cell_payload(metric, position, "not a number"))
            message = str(raised.value)
            assert raised.value.code == "#VALUE!"
            assert metric.params[position].name in message and "Traceback" not in message

    @pytest.mark.parametrize(
        ("name", "args", "code"),
        [
            ("WIN_RATE", [[[0]], [[0]]], "#DIV/0!"),
            ("NPS", [[[9], [11]], []], "#NUM!"),
            ("NPS", [[[None], [None]], []], "#N/A"),
            ("ACV", [[[{"type": "Error", "basicValue": "#NULL!", "errorType": "Null"}]], None, None], "#NULL!"),
        ],
    )
    def test_each_error_code_is_an_excel_error_value(self, excel: Any, name: str, args: list, code: str) -> None:
        result = self.call(excel, udfs.get(name), args)
        assert result == [[{"type": "Error", "errorType": ERROR_TYPES[code]}]]

    def test_value_error_message_reaches_the_cell(self, excel: Any) -> None:
        from xlwings import XlwingsError

        with pytest.raises(XlwingsError, match=r"^ACV: .*total_contract_value"):
            self.call(excel, udfs.get("ACV"), [[["abc"]], None, None])
        with pytest.raises(XlwingsError, match="paired ranges must match"):
            self.call(excel, udfs.get("SALES_CYCLE_LENGTH"), [[[45000], [45001]], [[45010]], []])
        with pytest.raises(XlwingsError, match="REF"):  # Office.js cannot return #REF!: #VALUE! says why
            cell = {"type": "Error", "basicValue": "#REF!", "errorType": "Ref"}
            self.call(excel, udfs.get("ACV"), [[[cell]], None, None])

    def test_payload_shapes(self, excel: Any) -> None:
        acv, cycle = udfs.get("ACV"), udfs.get("SALES_CYCLE_LENGTH")
        assert self.call(excel, acv, [380000, 20000, 3]) == [[120000.0]]  # scalars (xlwings unwraps [[x]])
        assert self.call(excel, acv, [[[380000]], None, [[3]]]) == [[380000 / 3]]  # left-out optional
        assert self.call(excel, acv, [[[300000, 80000]], [[20000]], [[3]]]) == [[120000.0]]  # a row range, summed
        created = [[45292.0, None], [45302.0, None]]  # 2-D: the second column blank
        closed = [[45322.0, None], [45342.0, None]]
        assert self.call(excel, cycle, [created, closed, []]) == [[35.0]]
        rich = [[{"type": "Double", "basicValue": 45292.0}], [{"type": "FormattedNumber", "basicValue": 45302.0}]]
        assert self.call(excel, cycle, [rich, [[45322.0], [45342.0]], []]) == [[35.0]]
        owners = [["Alice"], ["Bob"]]
        assert self.call(excel, cycle, [[[45292], [45302]], [[45322], [45342]], [owners, "bob"]]) == [[40.0]]
        assert self.call(excel, cycle, [[[45292], [45302]], [[45322], [45342]], [None]]) == [[35.0]]

    def test_pyodide_null_is_a_blank(self, excel: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        class JsNull:  # Pyodide >= 0.28 hands JavaScript null over as this sentinel
            pass

        monkeypatch.setattr(excel, "_JsNull", JsNull)
        assert excel.from_officejs([[1.0], [JsNull()], [3.0]]) == [1.0, None, 3.0]
        assert self.call(excel, udfs.get("NPS"), [[[10], [JsNull()], [0]], []]) == [[0.0]]

    def test_method_dropdown_value(self, excel: Any) -> None:
        roi = udfs.get("ROI")
        assert self.call(excel, roi, [[[775000]], [[1525000]], "ratio"]) == [[pytest.approx(775000 / 1525000)]]
        with pytest.raises(Exception, match="method"):
            self.call(excel, roi, [[[775000]], [[1525000]], "bogus"])

    def test_table_result_spills(self, excel: Any) -> None:
        tables = [m for m in CATALOG if m.returns_table]
        for metric in tables:
            result = self.call(excel, metric, example_payload(metric))
            assert isinstance(result, list) and all(isinstance(row, list) for row in result)

    def test_waterfall_and_cohorts_spill_as_2d_arrays(self, excel: Any, meta: dict) -> None:
        # Office.js sends each range as a list of rows and dates as serials; the result is a matrix that
        # Excel 365 spills from the formula's cell (every function's result is declared "matrix")
        customers = [[c] for c in SPILL_CUSTOMERS]
        months = [[serial(m)] for m in SPILL_MONTHS]
        mrr = [[v] for v in SPILL_MRR]
        waterfall = self.call(excel, udfs.get("MRR_MOVEMENTS"), [customers, months, mrr, []])
        assert waterfall == SPILL_WATERFALL
        cohorts = self.call(excel, udfs.get("COHORT_RETENTION"), [customers, months, mrr, None])
        assert cohorts == SPILL_COHORTS  # a month not reached yet is an empty text cell, not 0
        segment = [["x"], ["x"], ["y"], ["y"], ["x"], ["x"]]
        only_b = self.call(excel, udfs.get("MRR_MOVEMENTS"), [customers, months, mrr, [segment, "y"]])
        assert only_b == [
            SPILL_WATERFALL[0],
            [FEB_2024, 0.0, 80.0, 0, 0, 0, 0, 80.0],
            [MAR_2024, 80.0, 0, 0, 0, 0, 0, 80.0],
        ]
        for name in ("MRR_MOVEMENTS", "COHORT_RETENTION"):
            entry = next(f for f in meta["functions"] if f["id"] == name)
            assert entry["result"] == {"dimensionality": "matrix", "type": "any"}
        one = self.call(excel, udfs.get("MRR_MOVEMENT"), [customers, months, mrr, "reactivation", [[MAR_2024 + 5]]])
        assert one == [[90.0]]
        error = self.call(excel, udfs.get("MRR_MOVEMENTS"), [[[None]], [[None]], [[None]], []])
        assert shown(error) == "#N/A"

    def test_100k_row_range_is_fast(self, excel: Any) -> None:
        scores = [[float(i % 11)] for i in range(100_000)]
        nps = udfs.get("NPS")
        best = min(self._timed(excel, nps, [scores, []]) for _ in range(3))
        assert best < 0.2, f"100,000 rows took {best:.3f} s through custom_functions_call"

    def _timed(self, excel: Any, metric: Metric, args: list) -> float:
        start = time.perf_counter()
        self.call(excel, metric, args)
        return time.perf_counter() - start


if INNER:
    TestOfficeJs = OfficeJsTests
