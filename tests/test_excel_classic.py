"""Every catalogue function through classic xlwings (``xlwings.udfs``: VBA wrappers, Windows Excel).

``xlwings.udfs`` imports pywin32 (``pythoncom``, ``pywintypes``, ``win32com``), which Linux lacks. The
inner run (see :func:`test_classic_runtime`) injects small stand-ins for those three modules before
xlwings is imported and binds the adapter to the classic decorators (``KPI_EXCEL_RUNTIME=classic``).
Then xlwings' own ``import_udfs`` writes the VBA module and registers the descriptions with
``Application.MacroOptions`` of a recording stand-in workbook, and every example goes through the
value conversion that ``call_udf`` applies (with a stand-in for the Windows engine's cell cleaning,
which needs ``ctypes.windll``).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from support import (
    JAN_2024,
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
INNER = os.environ.get("KPI_TEST_RUNTIME") == "classic"
CATALOG = udfs.catalog()
IDS = [m.name for m in CATALOG]
#: What COM hands Python for a left-out argument (DISP_E_PARAMNOTFOUND) and for error cells.
MISSING = -2147352572
COM_ERRORS = {
    "#NULL!": -2146826288,
    "#DIV/0!": -2146826281,
    "#VALUE!": -2146826273,
    "#REF!": -2146826265,
    "#NAME?": -2146826259,
    "#NUM!": -2146826252,
    "#N/A": -2146826246,
}


@pytest.mark.slow
def test_classic_runtime() -> None:
    """Run this file's classic tests in an interpreter with the pywin32 stand-ins in place."""
    if INNER:
        pytest.skip("this is the inner run")
    env = {k: v for k, v in os.environ.items() if k not in ("XLWINGS_LICENSE_KEY", "XLWINGS_ON_SERVER")}
    env.update(KPI_TEST_RUNTIME="classic", KPI_EXCEL_RUNTIME="classic", PYTHONPATH=str(ROOT))
    run_in_fresh_interpreter(__file__, env, "classic")


def test_no_function_is_typed_like_an_excel_builtin() -> None:
    """Excel's own function wins over a VBA one of the same name: such names get the KPI_ prefix."""
    from openpyxl.utils.formulas import FORMULAE

    from udfs.excel import EXCEL_BUILTINS, typed_name

    assert {name for name in FORMULAE if "." not in name} <= EXCEL_BUILTINS
    for metric in CATALOG:
        for runtime in ("classic", "lite"):
            typed = typed_name(metric.name, runtime)
            assert typed not in FORMULAE and typed not in EXCEL_BUILTINS, typed
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", typed) and len(typed) <= 128
            assert not re.fullmatch(r"[A-Z]{1,3}[0-9]+", typed), f"{typed} reads as a cell reference"


def test_formula_names_per_runtime() -> None:
    from udfs.excel import formula_name

    assert formula_name("ACV", "classic") == "ACV"
    assert formula_name("acv", "lite") == "_xldudf_ACV"
    assert formula_name("ACV", "server") == "_xldudf_KPI_ACV"
    assert formula_name("RATE", "classic") == "KPI_RATE"
    assert formula_name("RATE", "lite") == "_xldudf_KPI_RATE"
    assert formula_name("RATE", "server") == "_xldudf_KPI_RATE"
    with pytest.raises(ValueError, match="runtime"):
        formula_name("ACV", "officejs")


def test_install_runs_the_xlwings_installer_and_merges_the_user_config(tmp_path: Path) -> None:
    from addin import classic

    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"INTERPRETER_WIN","C:\\old\\python.exe"\n"SHOW CONSOLE","True"\n')
    commands: list[list[str]] = []
    path, settings = classic.install(conf, "C:\\py\\pythonw.exe", "C:\\kpi", run=lambda cmd: commands.append(cmd) or 0)
    assert commands == [[sys.executable, "-m", "xlwings.cli", "addin", "install"]]
    written = classic.parse_conf(path.read_text())
    assert written["UDF MODULES"] == "udfs.excel"
    assert written["PYTHONPATH"] == "C:\\kpi"
    assert written["SHOW CONSOLE"] == "True", "other settings are kept"
    interpreter_key = "INTERPRETER_MAC" if sys.platform.startswith("darwin") else "INTERPRETER_WIN"
    assert written[interpreter_key] == "C:\\py\\pythonw.exe"
    with pytest.raises(RuntimeError, match="exit code 3"):
        classic.install(conf, run=lambda cmd: 3)


def test_shipped_conf_points_at_the_adapter() -> None:
    from addin import classic

    assert classic.parse_conf(classic.CONF_TEMPLATE.read_text()) == {"UDF MODULES": "udfs.excel"}
    assert classic.PROJECT_ROOT == ROOT and (classic.PROJECT_ROOT / "udfs" / "excel.py").exists()


def test_addin_commands(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from addin.commands import app

    runner = CliRunner()
    dry = runner.invoke(app, ["install", "--dry-run", "--conf", str(tmp_path / "user.conf")])
    assert dry.exit_code == 0 and "xlwings.cli addin install" in dry.output and "udfs.excel" in dry.output
    assert not (tmp_path / "user.conf").exists()
    written = runner.invoke(app, ["conf", "--out", str(tmp_path)])
    assert written.exit_code == 0 and '"UDF MODULES","udfs.excel"' in (tmp_path / "xlwings.conf").read_text()
    names = runner.invoke(app, ["names", "--runtime", "server"])
    assert names.exit_code == 0 and "_xldudf_KPI_ACV" in names.output


# ----------------------------------------------------------------------------- pywin32 stand-ins


class Variant:
    """Stand-in for ``win32com.client.VARIANT``: what pywin32 turns into a typed COM variant."""

    def __init__(self, varianttype: int, value: Any) -> None:
        self.varianttype, self.value = varianttype, value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Variant) and (self.varianttype, self.value) == (other.varianttype, other.value)

    def __repr__(self) -> str:
        return f"VARIANT({self.varianttype}, {self.value})"


def install_pywin32_stubs() -> None:
    """Just enough of pywin32 for ``import xlwings.udfs`` and for the adapter's error variants."""

    def module(name: str, **attributes: Any) -> types.ModuleType:
        stub = types.ModuleType(name)
        stub.__dict__.update(attributes)
        sys.modules[name] = stub
        return stub

    module("pythoncom", CoInitialize=lambda: None, IID_IDispatch=object(), VT_ERROR=10)
    module("pywintypes", com_error=type("com_error", (Exception,), {}))
    win32com = module("win32com", __path__=[])
    win32com.client = module("win32com.client", Dispatch=lambda *args, **kwargs: None, VARIANT=Variant)


if INNER:  # before anything imports xlwings
    install_pywin32_stubs()


class WindowsCells:
    """Stand-in for ``xlwings._xlwindows.Engine``'s cell cleaning (the real one imports ctypes.windll)."""

    name = "excel"
    type = "desktop"

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):  # noqa: ANN001, ANN205
        def clean(value: Any) -> Any:
            if value in ("", None):
                return empty_as
            if isinstance(value, int) and not isinstance(value, bool) and value in COM_ERRORS.values():
                return next(code for code, number in COM_ERRORS.items() if number == value) if err_to_str else None
            return value

        return [[clean(cell) for cell in row] for row in data]

    @staticmethod
    def prepare_xl_data_element(x: Any, options: Any) -> Any:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return ""
        return x


class RecordingWorkbook:
    """What ``import_udfs`` talks to: records the imported VBA and the ``MacroOptions`` calls."""

    Name = "kpi.xlsm"

    def __init__(self) -> None:
        self.vba = ""
        self.macro_options: dict[str, dict[str, Any]] = {}
        workbook = self

        class Components:
            def __call__(self, name: str) -> str:
                return name

            def Remove(self, component: str) -> None:  # noqa: N802 - COM names
                pass

            def Import(self, path: str) -> None:  # noqa: N802
                workbook.vba = Path(path).read_text()

        class Application:
            Version = "16.0"

            def MacroOptions(self, macro: str, **options: Any) -> None:  # noqa: N802
                workbook.macro_options[macro.split("!")[-1]] = options

        self.VBProject = types.SimpleNamespace(VBComponents=Components())  # noqa: N815
        self.Application = Application()  # noqa: N815


# ------------------------------------------------------------------------------- classic helpers


def first_sentence(text: str) -> str:
    """Independent of udfs.excel: the docstring's first sentence, as a person would cut it."""
    flat = " ".join(text.split("\n\n")[0].replace("``", "").split())
    match = re.match(r"(.+?[.!?])(\s+[A-Z0-9(\"']|$)", flat)
    return match.group(1) if match else flat


def vba_arguments(metric: Metric) -> list[str]:
    """The VBA argument list the wrapper must have (VBA cannot mix Optional and ParamArray)."""
    optional = [p for p in metric.params if p.optional]
    if metric.criteria and optional:
        return [p.name for p in metric.params if not p.optional] + ["ParamArray options_and_criteria()"]
    names = [f"Optional {p.name}" if p.optional else p.name for p in metric.params]
    return names + (["ParamArray criteria()"] if metric.criteria else [])


def to_classic(value: Any, kind: str) -> Any:
    """An example argument as COM hands it over: ranges as tuples of row tuples, dates as datetimes."""

    def cell(v: Any) -> Any:
        if kind in ("dates", "date") and isinstance(v, str) and coerce.parse_date_text(v) is not None:
            return coerce.datetime_from_serial(coerce.parse_date_text(v))
        return v

    if isinstance(value, list | tuple):
        if value and isinstance(value[0], list | tuple):
            return tuple(tuple(cell(c) for c in row) for row in value)
        return tuple((cell(c),) for c in value)
    return cell(value)


def classic_args(metric: Metric) -> list[Any]:
    """The example's arguments in VBA order: left-out optionals are COM's 'missing' marker."""
    count = len(metric.params)
    given = list(metric.example.args[:count])
    values = [to_classic(v, p.kind) for v, p in zip(given, metric.params, strict=False)]
    values += [MISSING] * (count - len(values))
    criteria = [to_classic(v, "labels") for v in metric.example.args[count:]]
    return values + criteria


def same(got: Any, want: Any) -> bool:
    if isinstance(got, list | tuple) and isinstance(want, list | tuple):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(got, float | int) and isinstance(want, float | int) and not isinstance(got, bool):
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    return got == want


# --------------------------------------------------------------------------- tests in the classic run


@pytest.fixture(scope="module")
def excel() -> Any:
    """The adapter module under classic xlwings, with the stand-in engine registered (inner run only)."""
    import xlwings
    import xlwings.udfs

    import udfs.excel as excel

    assert excel.RUNTIME == "classic"
    assert "excel" not in [engine.name for engine in xlwings.engines]
    xlwings.engines.add(xlwings.main.Engine(impl=WindowsCells()))
    return excel


@pytest.fixture(scope="module")
def imported(excel: Any) -> RecordingWorkbook:
    """xlwings' own Import Functions run against the adapter module."""
    import xlwings.udfs

    workbook = RecordingWorkbook()
    xlwings.udfs.udf_modules["udfs.excel"] = {"module": excel, "filename": excel.__file__, "filetime": None}
    xlwings.udfs.import_udfs("udfs.excel", workbook)
    return workbook


def call_udf(excel: Any, name: str, args: list[Any]) -> Any:
    """``xlwings.udfs.call_udf`` and ``XLPython.CallUDF`` for values (their COM range read is left out)."""
    from xlwings import conversion

    func = getattr(excel, name)
    info = func.__xlfunc__
    values = []
    for index, arg in enumerate(args):
        arg_info = info["args"][min(index, len(info["args"]) - 1)]
        if isinstance(arg, int) and arg == MISSING:
            values.append(arg_info.get("optional", None))
        else:
            values.append(conversion.read(None, arg, arg_info["options"]))
    result = conversion.write(func(*values), None, info["ret"]["options"])
    if len(result) == 1 and len(result[0]) == 1:
        return result[0][0]
    return result[0] if len(result) == 1 else result


class ClassicTests:
    """Collected only in the inner run (see the module docstring)."""

    def test_core_functions_stay_plain(self, excel: Any) -> None:
        for metric in CATALOG:
            wrapper = getattr(excel, excel.typed_name(metric.name, "classic"))
            assert wrapper is not metric.func and "category" in wrapper.__xlfunc__
            assert not hasattr(metric.func, "__xlfunc__")

    def test_every_function_has_a_vba_wrapper_with_its_arguments(self, excel: Any, imported: RecordingWorkbook) -> None:
        declared = dict(re.findall(r"^Function (\w+)\((.*)\)$", imported.vba, flags=re.MULTILINE))
        assert len(declared) == len(CATALOG)
        for metric in CATALOG:
            name = excel.typed_name(metric.name, "classic")
            assert name in declared, f"no VBA wrapper for {name}"
            arguments = [a.strip() for a in declared[name].split(",")] if declared[name] else []
            assert arguments == vba_arguments(metric), name
            assert f'XLPy.CallUDF("udfs.excel", "{name}"' in imported.vba

    def test_wizard_description_is_the_first_sentence(self, excel: Any, imported: RecordingWorkbook) -> None:
        assert len(imported.macro_options) == len(CATALOG)
        for metric in CATALOG:
            options = imported.macro_options[excel.typed_name(metric.name, "classic")]
            assert options["Description"] == first_sentence(metric.description)
            assert len(options["Description"]) <= 255 and "``" not in options["Description"]
            assert options["Category"] == "KPI"
            docs = options["ArgumentDescriptions"]
            assert len(docs) == len(vba_arguments(metric)) and all(0 < len(doc) <= 255 for doc in docs)
            for doc, param in zip(docs, metric.params, strict=False):
                if param.kind == "choice":
                    assert all(choice in doc for choice in param.choices)

    @pytest.mark.parametrize("metric", CATALOG, ids=IDS)
    def test_example_gives_the_plain_result(self, excel: Any, metric: Metric) -> None:
        try:
            want: Any = metric.func(*metric.example.args)
        except udfs.KPIError as error:
            want = Variant(10, COM_ERRORS.get(error.code, COM_ERRORS["#VALUE!"]))
        got = call_udf(excel, excel.typed_name(metric.name, "classic"), classic_args(metric))
        assert same(got, want), (got, want)

    @pytest.mark.parametrize("metric", CATALOG, ids=IDS)
    def test_errors_are_excel_error_values(self, excel: Any, metric: Metric) -> None:
        name = excel.typed_name(metric.name, "classic")
        for position, param in enumerate(metric.params[: len(metric.example.args)]):
            if param.kind in ("labels", "choice"):
                continue
            for code, number in COM_ERRORS.items():  # an error cell in an input: the same error comes out
                args = classic_args(metric)
                args[position] = number
                assert call_udf(excel, name, args) == Variant(10, number), (param.name, code)
            args = classic_args(metric)
            args[position] = "not a number"
            assert call_udf(excel, name, args) == Variant(10, COM_ERRORS["#VALUE!"]), param.name

    @pytest.mark.parametrize(
        ("name", "args", "code"),
        [
            ("WIN_RATE", [0.0, 0.0], "#DIV/0!"),
            ("NPS", [((9.0,), (11.0,))], "#NUM!"),
            ("NPS", [((None,), (None,))], "#N/A"),
            ("ACV", ["abc", MISSING, MISSING], "#VALUE!"),
        ],
    )
    def test_each_error_code(self, excel: Any, name: str, args: list, code: str) -> None:
        assert call_udf(excel, name, args) == Variant(10, COM_ERRORS[code])

    def test_optional_arguments_and_criteria(self, excel: Any) -> None:
        assert call_udf(excel, "ACV", [380000.0, MISSING, 3.0]) == pytest.approx(380000 / 3)
        forecast, actual = ((100.0,), (110.0,), (90.0,)), ((100.0,), (100.0,), (100.0,))
        owners = (("a",), ("b",), ("b",))
        whole = call_udf(excel, "FORECAST_ACCURACY", [forecast, actual])
        assert whole == pytest.approx(1.0)
        mape_b = call_udf(excel, "FORECAST_ACCURACY", [forecast, actual, "mape", owners, "b"])
        assert mape_b == pytest.approx(0.1)
        default_b = call_udf(excel, "FORECAST_ACCURACY", [forecast, actual, MISSING, owners, "b"])
        assert default_b == pytest.approx(1.0)
        created = (
            (dt.datetime(2024, 1, 1),),
            (dt.datetime(2024, 1, 11),),
        )
        closed = ((dt.datetime(2024, 1, 31),), (dt.datetime(2024, 2, 20),))
        assert call_udf(excel, "SALES_CYCLE_LENGTH", [created, closed, (("x",), ("y",)), "y"]) == 40.0

    def test_table_result_is_a_2d_array(self, excel: Any) -> None:
        for metric in (m for m in CATALOG if m.returns_table):
            result = call_udf(excel, excel.typed_name(metric.name, "classic"), classic_args(metric))
            assert isinstance(result, list)

    def test_waterfall_and_cohorts_spill_as_native_dynamic_arrays(self, excel: Any) -> None:
        # COM hands ranges over as tuples of row tuples and date cells as datetimes; the 2-D result spills by
        # itself in Excel 365. xlwings' legacy expand="table" must stay off: its docs say not to use it where
        # Excel has native dynamic arrays (it would write over neighbouring cells as a CSE array instead).
        customers = to_classic(SPILL_CUSTOMERS, "labels")
        months = to_classic(SPILL_MONTHS, "dates")
        assert isinstance(months[0][0], dt.datetime)
        mrr = to_classic(SPILL_MRR, "rows")
        assert call_udf(excel, "MRR_MOVEMENTS", [customers, months, mrr]) == SPILL_WATERFALL
        assert call_udf(excel, "COHORT_RETENTION", [customers, months, mrr, MISSING]) == SPILL_COHORTS
        assert call_udf(excel, "COHORT_RETENTION", [customers, months, mrr, "revenue"])[1] == [
            JAN_2024,
            1.0,
            150 / 160,  # A 150 of the January cohort's 160
            90 / 160,  # C 90
        ]
        for name in ("MRR_MOVEMENTS", "COHORT_RETENTION", "VOLUME_BY"):
            assert not getattr(excel, name).__xlfunc__["ret"]["options"].get("expand"), name
        one = call_udf(excel, "MRR_MOVEMENT", [customers, months, mrr, "churn", dt.datetime(2024, 3, 9)])
        assert one == 150.0
        blank = ((None,),)
        assert call_udf(excel, "MRR_MOVEMENTS", [blank, blank, blank]) == Variant(10, COM_ERRORS["#N/A"])

    def test_business_hours_with_time_cells(self, excel: Any) -> None:
        # a time cell reaches Python as a datetime on Excel's day 0 (30 Dec 1899)
        start, end = ((dt.datetime(2024, 1, 1, 6),),), ((dt.datetime(2024, 1, 4, 20),),)
        ten, six = dt.datetime(1899, 12, 30, 10), dt.datetime(1899, 12, 30, 18)
        assert call_udf(excel, "AVG_BUSINESS_HOURS", [start, end, ten, six]) == 32.0
        holiday = ((dt.datetime(2024, 1, 2),),)
        assert call_udf(excel, "AVG_BUSINESS_HOURS", [start, end, ten, six, MISSING, holiday]) == 24.0


if INNER:
    TestClassic = ClassicTests
