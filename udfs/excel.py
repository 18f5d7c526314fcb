"""Every catalogue function as an Excel custom function, for both xlwings runtimes.

Nothing here is written per function: :func:`build` walks :func:`udfs.catalog` and makes one fresh wrapper
per entry, then decorates that wrapper (never the plain catalogue function, which stays untouched: the two
xlwings decorator sets both write ``__xlfunc__`` and would clash on one function object).

Two runtimes, one registry:

* **classic** (``xlwings.udfs``; Windows Excel with a local Python): the xlwings add-in's *Import Functions*
  reads this module (``UDF Modules = udfs.excel``) and writes one VBA wrapper per function. Ranges arrive
  as Python values (dates as ``datetime``, error cells as ``"#N/A"`` text thanks to ``err_to_str``).
  A :class:`~udfs.errors.KPIError` becomes a real error value (a COM ``VT_ERROR`` variant); VBA cannot carry
  a message with it.
* **officejs** (``xlwings.pro.udfs_officejs``; xlwings Lite and xlwings Server, on Windows, macOS and the
  web): arguments are taken raw (``convert="raw"``) and normalised once by :func:`from_officejs`, which is
  what lets a 1,000,000-row column through in a fraction of a second (xlwings' default conversion tries to
  import ``pyodide.ffi`` once per cell). ``#VALUE!`` is raised as an :class:`ExcelMessage`, which Excel shows
  as ``#VALUE!`` with the message on hover; ``#DIV/0!``, ``#NUM!``, ``#N/A`` and ``#NULL!`` come back as
  error values (xlwings can attach a message to ``#VALUE!`` only; Office.js allows none on ``#DIV/0!``).

The runtime is whichever one ``xlwings.func`` is bound to when this module is imported (set
``KPI_EXCEL_RUNTIME`` to ``classic``, ``officejs`` or ``none`` to force it). The wrappers are module
attributes (``udfs.excel.ACV``) and are also collected in :data:`FUNCTIONS`. The core package
(``udfs/__init__.py``) never imports this module.

:func:`formula_name` tells the template builder how each runtime's function names are stored in an .xlsx
file; ``docs/EXCEL_RUNTIMES.md`` explains why.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Annotated, Any, Literal

from .errors import KPIError
from .registry import Metric, Param, catalog

logger = logging.getLogger(__name__)

#: Office.js namespace of the xlwings Server add-in (its manifest's ``Functions.Namespace``): ``=KPI.ACV()``.
NAMESPACE = "KPI"
#: The runtimes :func:`formula_name` knows, as the template builder names them.
RUNTIMES = ("classic", "lite", "server")
#: Function-wizard category of the classic VBA wrappers.
CATEGORY = "KPI"
#: Excel's limit for a function or argument description in the function wizard (``MacroOptions``).
DESCRIPTION_LIMIT = 255
#: Environment variable that forces the runtime this module decorates for (``classic``/``officejs``/``none``).
RUNTIME_ENV = "KPI_EXCEL_RUNTIME"
#: Name of the classic ``ParamArray`` when optional arguments precede the criteria (VBA cannot mix them).
CLASSIC_REST = "options_and_criteria"

_P = inspect.Parameter


# ------------------------------------------------------------------------------------- names and docs

#: Excel's own worksheet functions whose names an UPPER_SNAKE catalogue name could take (no dots).
_EXCEL_BUILTIN_NAMES = """
ABS ACCRINT ACCRINTM ACOS ACOSH ACOT ACOTH ADDRESS AGGREGATE AMORDEGRC AMORLINC AND ARABIC AREAS ARRAYTOTEXT ASC
ASIN ASINH ATAN ATAN2 ATANH AVEDEV AVERAGE AVERAGEA AVERAGEIF AVERAGEIFS BAHTTEXT BASE BESSELI BESSELJ BESSELK
BESSELY BETADIST BETAINV BIN2DEC BIN2HEX BIN2OCT BINOMDIST BITAND BITLSHIFT BITOR BITRSHIFT BITXOR BYCOL BYROW
CEILING CELL CHAR CHIDIST CHIINV CHITEST CHOOSE CHOOSECOLS CHOOSEROWS CLEAN CODE COLUMN COLUMNS COMBIN COMBINA
COMPLEX CONCAT CONCATENATE CONFIDENCE CONVERT COPILOT CORREL COS COSH COT COTH COUNT COUNTA COUNTBLANK COUNTIF
COUNTIFS COUPDAYBS COUPDAYS COUPDAYSNC COUPNCD COUPNUM COUPPCD COVAR CRITBINOM CSC CSCH CUBEKPIMEMBER CUBEMEMBER
CUBEMEMBERPROPERTY CUBERANKEDMEMBER CUBESET CUBESETCOUNT CUBEVALUE CUMIPMT CUMPRINC DATE DATEDIF DATEVALUE
DAVERAGE DAY DAYS DAYS360 DB DBCS DCOUNT DCOUNTA DDB DEC2BIN DEC2HEX DEC2OCT DECIMAL DEGREES DELTA
DETECTLANGUAGE DEVSQ DGET DISC DMAX DMIN DOLLAR DOLLARDE DOLLARFR DPRODUCT DROP DSTDEV DSTDEVP DSUM DURATION
DVAR DVARP EDATE EFFECT ENCODEURL EOMONTH ERF ERFC EVEN EXACT EXP EXPAND EXPONDIST FACT FACTDOUBLE FALSE FDIST
FIELDVALUE FILTER FILTERXML FIND FINDB FINV FISHER FISHERINV FIXED FLOOR FORECAST FORMULATEXT FREQUENCY FTEST FV
FVSCHEDULE GAMMA GAMMADIST GAMMAINV GAMMALN GAUSS GCD GEOMEAN GESTEP GETPIVOTDATA GROUPBY GROWTH HARMEAN HEX2BIN
HEX2DEC HEX2OCT HLOOKUP HOUR HSTACK HYPERLINK HYPGEOMDIST IF IFERROR IFNA IFS IMABS IMAGE IMAGINARY IMARGUMENT
IMCONJUGATE IMCOS IMCOSH IMCOT IMCSC IMCSCH IMDIV IMEXP IMLN IMLOG10 IMLOG2 IMPOWER IMPRODUCT IMREAL IMSEC
IMSECH IMSIN IMSINH IMSQRT IMSUB IMSUM IMTAN INDEX INDIRECT INFO INT INTERCEPT INTRATE IPMT IRR ISBLANK ISERR
ISERROR ISEVEN ISFORMULA ISLOGICAL ISNA ISNONTEXT ISNUMBER ISODD ISOMITTED ISOWEEKNUM ISPMT ISREF ISTEXT JIS
KURT LAMBDA LARGE LCM LEFT LEFTB LEN LENB LET LINEST LN LOG LOG10 LOGEST LOGINV LOGNORMDIST LOOKUP LOWER
MAKEARRAY MAP MATCH MAX MAXA MAXIFS MDETERM MDURATION MEDIAN MID MIDB MIN MINA MINIFS MINUTE MINVERSE MIRR MMULT
MOD MODE MONTH MROUND MULTINOMIAL MUNIT N NA NEGBINOMDIST NETWORKDAYS NOMINAL NORMDIST NORMINV NORMSDIST
NORMSINV NOT NOW NPER NPV NUMBERVALUE OCT2BIN OCT2DEC OCT2HEX ODD ODDFPRICE ODDFYIELD ODDLPRICE ODDLYIELD OFFSET
OR PDURATION PEARSON PERCENTILE PERCENTOF PERCENTRANK PERMUT PERMUTATIONA PHI PHONETIC PI PIVOTBY PMT POISSON
POWER PPMT PRICE PRICEDISC PRICEMAT PROB PRODUCT PROPER PV PY QUARTILE QUOTIENT RADIANS RAND RANDARRAY
RANDBETWEEN RANK RATE RECEIVED REDUCE REGEXEXTRACT REGEXREPLACE REGEXTEST REPLACE REPLACEB REPT RIGHT RIGHTB
ROMAN ROUND ROUNDDOWN ROUNDUP ROW ROWS RRI RSQ RTD SCAN SEARCH SEARCHB SEC SECH SECOND SEQUENCE SERIESSUM SHEET
SHEETS SIGN SIN SINGLE SINH SKEW SLN SLOPE SMALL SORT SORTBY SQRT SQRTPI STANDARDIZE STDEV STDEVA STDEVP STDEVPA
STEYX STOCKHISTORY SUBSTITUTE SUBTOTAL SUM SUMIF SUMIFS SUMPRODUCT SUMSQ SUMX2MY2 SUMX2PY2 SUMXMY2 SWITCH SYD T
TAKE TAN TANH TBILLEQ TBILLPRICE TBILLYIELD TDIST TEXT TEXTAFTER TEXTBEFORE TEXTJOIN TEXTSPLIT TIME TIMEVALUE
TINV TOCOL TODAY TOROW TRANSLATE TRANSPOSE TREND TRIM TRIMMEAN TRIMRANGE TRUE TRUNC TTEST TYPE UNICHAR UNICODE
UNIQUE UPPER VALUE VALUETOTEXT VAR VARA VARP VARPA VDB VLOOKUP VSTACK WEBSERVICE WEEKDAY WEEKNUM WEIBULL WORKDAY
WRAPCOLS WRAPROWS XIRR XLOOKUP XMATCH XNPV XOR YEAR YEARFRAC YIELD YIELDDISC YIELDMAT ZTEST
"""
EXCEL_BUILTINS = frozenset(_EXCEL_BUILTIN_NAMES.split())


def typed_name(name: str, runtime: str) -> str:
    """The name a person types in ``runtime``, namespace left out: ``ACV``, or ``KPI_RATE`` for ``RATE``.

    Excel's own functions win over an add-in's of the same name, so where a catalogue name is also an Excel
    function (:data:`EXCEL_BUILTINS`), classic and Lite register it as ``KPI_<NAME>``. xlwings Server puts
    every function in the ``KPI`` namespace (``=KPI.RATE``), where no clash is possible.
    """
    if runtime not in RUNTIMES:
        raise ValueError(f"runtime must be one of {', '.join(RUNTIMES)}, not {runtime!r}")
    name = name.upper()
    if runtime != "server" and name in EXCEL_BUILTINS:
        return f"{NAMESPACE}_{name}"
    return name


def formula_name(excel_name: str, runtime: str) -> str:
    """The function name as an .xlsx file stores it, for formulas written by the template builder.

    =========== ====================== ===================== ==============================================
    runtime     typed in Excel         stored in the .xlsx   why
    =========== ====================== ===================== ==============================================
    ``classic`` ``=ACV(B2, B3, B4)``   ``ACV(B2,B3,B4)``     a VBA function of the workbook (.xlsm) itself
    ``lite``    ``=ACV(B2, B3, B4)``   ``_xldudf_ACV(...)``  an Office.js custom function, no namespace
    ``server``  ``=KPI.ACV(B2, ...)``  ``_xldudf_KPI_ACV(``  an Office.js custom function in namespace KPI
    =========== ====================== ===================== ==============================================

    Excel keeps an Office.js custom function in the file as ``_xldudf_`` followed by its full name with the
    dots turned into underscores, and shows it as ``=KPI.ACV(...)`` once the add-in that registers it is
    loaded. Names Excel already uses get a ``KPI_`` prefix in classic and Lite (:func:`typed_name`):
    ``formula_name("RATE", "classic") == "KPI_RATE"``. See docs/EXCEL_RUNTIMES.md.
    """
    name = typed_name(excel_name, runtime)
    if runtime == "classic":
        return name
    if runtime == "lite":
        return f"_xldudf_{name}"
    return f"_xldudf_{NAMESPACE}_{name}"


_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!e\.g\.)(?<!i\.e\.)(?<!vs\.)(?<!etc\.)\s+(?=[A-Z0-9(\"'])")


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    text = " ".join(text.replace("``", "").split())  # docstrings use reST literals: ``method``
    if len(text) <= limit:
        return text
    return text[: limit - 3].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def first_sentence(text: str) -> str:
    """The first sentence of ``text``, on one line, within Excel's 255 characters."""
    return shorten(_SENTENCE_END.split(" ".join(text.replace("``", "").split()), maxsplit=1)[0])


def excel_description(metric: Metric) -> str:
    """What the function wizard and Office.js autocomplete show: the first sentence of the docstring."""
    return first_sentence(metric.summary)


def argument_doc(metric: Metric, param: Param) -> str:
    """The argument's description, with its choices and default spelled out, within 255 characters."""
    text = " ".join(param.description.replace("``", "").split())
    if param.kind == "choice":  # classic has no dropdown: say what each choice computes
        meanings = "; ".join(f"{c}: {metric.methods[c]}" for c in param.choices if metric.methods.get(c))
        text = f"{text} {meanings}." if meanings else text
    if param.optional and "default" not in text.lower():
        text = f"{text} Optional; default {param.default}."
    return shorten(text)


CRITERIA_DOC = (
    'Optional pairs, as in COUNTIFS: a range with the same rows, then what to keep ("Alice", ">=100", '
    '"<>Lost", wildcards * and ?).'
)


def _classic_rest_doc(optional: Sequence[Param], metric: Metric) -> str:
    names = ", ".join(f"[{p.name}]" for p in optional)
    details = " ".join(f"{p.name}: {argument_doc(metric, p)}" for p in optional)
    return shorten(f"{names}, then optional criteria pairs (range, criterion) as in COUNTIFS. {details}")


# ---------------------------------------------------------------------------------- Office.js values

try:  # Pyodide >= 0.28 hands JavaScript null over as JsNull, not None
    from pyodide.ffi import JsNull as _JsNull  # type: ignore[import-not-found]
except ImportError:  # CPython (xlwings Server) and older Pyodide: null is None
    _JsNull = None

_PLAIN_TYPES = frozenset({float, int, str, bool, type(None)})
#: Office.js ``errorType`` → Excel error value, for error cells that arrive without a ``basicValue``.
_ERROR_TYPES = {
    "Div0": "#DIV/0!",
    "NotAvailable": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
    "Spill": "#SPILL!",
    "Calc": "#CALC!",
    "Field": "#FIELD!",
    "GettingData": "#GETTING_DATA",
    "Blocked": "#BLOCKED!",
    "Busy": "#BUSY!",
    "Connect": "#CONNECT!",
}


def from_officejs(value: Any) -> Any:
    """One argument as Office.js sends it, made plain: cells as numbers, text, bools or ``None``.

    A range (a list of rows) comes back as a flat list of its cells in row order, which is how the core
    reads every range and the fastest form for it. Dates are already serial numbers; blanks are ``None``
    (``JsNull`` in Pyodide); error cells and rich values arrive as dicts (``{"type": "Error",
    "basicValue": "#N/A", ...}``, ``{"type": "Double", "basicValue": 45000}``) and become their plain
    value, so an error in an input propagates. Only a range holding such a dict or ``JsNull`` is walked
    cell by cell in Python; the rest is a list copy and a type scan, both in C.
    """
    if type(value) is not list:
        return _cell(value)
    if value and type(value[0]) is list:
        if len(value[0]) == 1 and len(value[-1]) == 1:  # one column (Office.js ranges are rectangular)
            cells = [row[0] for row in value]
        else:
            cells = list(chain.from_iterable(value))
    else:
        cells = value
    if set(map(type, cells)) <= _PLAIN_TYPES:
        return cells
    return [_cell(cell) for cell in cells]


def _cell(value: Any) -> Any:
    if type(value) in _PLAIN_TYPES:
        return value
    if isinstance(value, dict):
        kind = value.get("type")
        if kind == "Error":
            return value.get("basicValue") or _ERROR_TYPES.get(value.get("errorType", ""), "#VALUE!")
        if "basicValue" in value:
            return value["basicValue"]
        if "text" in value:  # an entity (linked data type): its display text
            return value["text"]
        return value
    if _JsNull is not None and isinstance(value, _JsNull):
        return None
    return value


try:  # raised for #VALUE!: xlwings Server answers 400 with the text, Lite shows it; Excel puts it on hover
    from xlwings import XlwingsError as _MessageBase
except ImportError:  # the Lite bundle outside Excel: no xlwings, the functions stay plain Python
    _MessageBase = Exception  # type: ignore[assignment,misc]


class ExcelMessage(_MessageBase):  # type: ignore[misc,valid-type]
    """Raised by an Office.js wrapper: Excel shows ``#VALUE!`` and this message when you hover over the cell."""

    def __init__(self, message: str, code: str = "#VALUE!") -> None:
        super().__init__(message)
        self.code = code


#: Error values an Office.js function can return as a value (CustomFunctions.ErrorCode's output codes).
OFFICEJS_ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#NUM!", "#NULL!"})


def _message(name: str, error: KPIError) -> str:
    text = error.message
    return text if text.startswith(name) else f"{name}: {text}"


def officejs_function(metric: Metric, name: str | None = None) -> Callable[..., Any]:
    """A fresh, undecorated wrapper taking Office.js arguments, returning what Office.js shows.

    Returns a number, a table (list of rows) or an error value (``"#DIV/0!"``, turned into Excel's error
    by xlwings' result conversion); raises :class:`ExcelMessage` for ``#VALUE!`` so that the message
    reaches the cell. ``name`` is the Excel name (default: the catalogue name).
    """
    params = metric.params
    count = len(params)
    name = name or metric.name

    def call(*args: Any) -> Any:
        try:
            values = [_argument(param, from_officejs(value)) for param, value in zip(params, args, strict=False)]
            values += [param.default if param.optional else None for param in params[len(values) :]]
            criteria = _criteria([from_officejs(value) for value in args[count:]])
            return metric.func(*values, *criteria)
        except KPIError as error:
            if error.code in OFFICEJS_ERROR_VALUES:
                return error.code
            raise ExcelMessage(_message(name, error), error.code) from None
        except ExcelMessage:
            raise
        except Exception as error:  # a bug here must still not put a traceback in a cell
            logger.exception("%s failed", name)
            raise ExcelMessage(f"{name}: unexpected error ({type(error).__name__}); see the log") from None

    fixed = [
        _parameter(p.name, None if p.optional and not metric.criteria else _P.empty, _officejs_hint(metric, p))
        for p in params
    ]
    if metric.criteria:
        fixed.append(_P("criteria", _P.VAR_POSITIONAL))
    return _named(call, metric, name, fixed)


def _officejs_hint(metric: Metric, param: Param) -> Any:
    if param.kind != "choice":
        return _P.empty
    tooltips = {choice: shorten(text) for choice, text in metric.methods.items() if text}
    return Annotated[Literal[param.choices], {"doc": argument_doc(metric, param), "tooltips": tooltips}]


def officejs_functions(
    func: Callable[..., Any] | None = None, arg: Callable[..., Any] | None = None, runtime: str = "lite"
) -> dict[str, Callable[..., Any]]:
    """Every catalogue function decorated with the Office.js ``func``/``arg``, named for ``runtime``.

    ``runtime`` is ``"lite"`` (no namespace, clashing names prefixed) or ``"server"`` (namespace KPI).
    """
    if func is None or arg is None:
        from xlwings.pro.udfs_officejs import xlarg, xlfunc

        func, arg = func or xlfunc, arg or xlarg
    functions = {}
    for metric in catalog():
        wrapper = officejs_function(metric, typed_name(metric.name, runtime))
        for param in metric.params:
            wrapper = arg(param.name, "raw", doc=argument_doc(metric, param))(wrapper)
        if metric.criteria:
            wrapper = arg("criteria", "raw", doc=CRITERIA_DOC)(wrapper)
        wrapper = func(wrapper)  # last: xlwings' arg() re-applies func() with default options
        if metric.criteria and hasattr(wrapper, "__xlfunc__"):  # xlwings refuses defaults beside *args:
            # mark the optional arguments in its metadata directly
            for info, param in zip(wrapper.__xlfunc__["args"], metric.params, strict=False):
                if param.optional:
                    info["optional"] = None
        functions[wrapper.__name__] = wrapper
    return functions


# ------------------------------------------------------------------------------------------- classic

#: COM ``SCODE`` of each Excel error value, as Excel itself hands them to COM (``0x800A07D7`` is #DIV/0!).
COM_ERROR_CODES = {
    "#NULL!": -2146826288,
    "#DIV/0!": -2146826281,
    "#VALUE!": -2146826273,
    "#REF!": -2146826265,
    "#NAME?": -2146826259,
    "#NUM!": -2146826252,
    "#N/A": -2146826246,
}
_VT_ERROR = 10


def com_error(code: str) -> Any:
    """The COM error variant Excel shows as ``code`` (``#VALUE!`` for codes COM does not have).

    Outside Windows (no pywin32) the code itself is returned as text.
    """
    scode = COM_ERROR_CODES.get(code, COM_ERROR_CODES["#VALUE!"])
    try:
        from win32com.client import VARIANT
    except ImportError:
        return code
    return VARIANT(_VT_ERROR, scode)


def classic_function(metric: Metric) -> Callable[..., Any]:
    """A fresh, undecorated wrapper for classic xlwings (VBA): Python values in, a number or error out.

    VBA forbids ``Optional`` arguments beside a ``ParamArray``, so when a function has both optional
    arguments and criteria, the optional ones travel at the head of the ``ParamArray``
    (:data:`CLASSIC_REST`): ``=FORECAST_ACCURACY(F2:F9, A2:A9, "mape", Deals[Owner], "Alice")`` reads
    the same as in Office.js.
    """
    params = metric.params
    name = typed_name(metric.name, "classic")
    optional = [p for p in params if p.optional]
    mixed = metric.criteria and bool(optional)
    fixed_count = len(params) - len(optional) if mixed else len(params)

    def call(*args: Any) -> Any:
        values = list(args[:fixed_count])
        rest = list(args[fixed_count:])
        if mixed:
            values += rest[: len(optional)]
            rest = rest[len(optional) :]
        values += [None] * (len(params) - len(values))
        try:
            values = [_argument(param, value) for param, value in zip(params, values, strict=True)]
            return metric.func(*values, *_criteria(rest))
        except KPIError as error:
            return com_error(error.code)
        except Exception:  # a bug here must still not put a traceback in a cell
            logger.exception("%s failed", name)
            return com_error("#VALUE!")

    fixed = [_parameter(p.name, None if p.optional else _P.empty) for p in params[:fixed_count]]
    if mixed:
        fixed.append(_P(CLASSIC_REST, _P.VAR_POSITIONAL))
    elif metric.criteria:
        fixed.append(_P("criteria", _P.VAR_POSITIONAL))
    return _named(call, metric, name, fixed)


def classic_functions(func: Callable[..., Any] | None = None, arg: Callable[..., Any] | None = None) -> dict:
    """Every catalogue function decorated with classic xlwings' ``func``/``arg`` (VBA wrappers)."""
    if func is None or arg is None:
        from xlwings.udfs import xlarg, xlfunc

        func, arg = func or xlfunc, arg or xlarg
    functions = {}
    for metric in catalog():
        wrapper = classic_function(metric)
        for parameter in inspect.signature(wrapper).parameters.values():
            doc = _classic_doc(metric, parameter.name)
            wrapper = arg(parameter.name, err_to_str=True, doc=doc)(wrapper)
        functions[wrapper.__name__] = func(category=CATEGORY)(wrapper)
    return functions


def _classic_doc(metric: Metric, name: str) -> str:
    if name == "criteria":
        return CRITERIA_DOC
    if name == CLASSIC_REST:
        return _classic_rest_doc([p for p in metric.params if p.optional], metric)
    return argument_doc(metric, next(p for p in metric.params if p.name == name))


# -------------------------------------------------------------------------------------------- shared


def _argument(param: Param, value: Any) -> Any:
    """A blank optional argument takes its declared default (Excel sends a left-out argument as blank)."""
    if value is None and param.optional:
        return param.default
    return value


def _criteria(values: list[Any]) -> list[Any]:
    """Criteria pairs as given; a trailing left-out value (Office.js' empty repeating argument) is dropped."""
    if len(values) % 2 and values[-1] is None:
        values = values[:-1]
    return values


def _parameter(name: str, default: Any = _P.empty, annotation: Any = _P.empty) -> inspect.Parameter:
    return _P(name, _P.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation)


def _named(
    call: Callable[..., Any], metric: Metric, name: str, parameters: list[inspect.Parameter]
) -> Callable[..., Any]:
    """Give the wrapper the Excel name, the one-sentence description and the signature Excel should see."""
    call.__name__ = call.__qualname__ = name
    call.__doc__ = excel_description(metric)
    call.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    call.__annotations__ = {p.name: p.annotation for p in parameters if p.annotation is not _P.empty}
    call.metric = metric  # type: ignore[attr-defined]
    return call


def plain_functions() -> dict[str, Callable[..., Any]]:
    """Undecorated Office.js-style wrappers named as in Lite: what the Lite bundle exposes outside Excel."""
    wrappers = (officejs_function(metric, typed_name(metric.name, "lite")) for metric in catalog())
    return {wrapper.__name__: wrapper for wrapper in wrappers}


def detect_runtime() -> str | None:
    """``"classic"`` or ``"officejs"``: the runtime ``xlwings.func`` is bound to (None without one)."""
    forced = os.environ.get(RUNTIME_ENV, "").strip().lower()
    if forced:
        return None if forced == "none" else forced
    try:
        import xlwings
    except ImportError:
        return None
    bound = getattr(xlwings.func, "__module__", "")
    return {"xlwings.udfs": "classic", "xlwings.pro.udfs_officejs": "officejs"}.get(bound)


def build(
    runtime: str | None,
    func: Callable[..., Any] | None = None,
    arg: Callable[..., Any] | None = None,
    namespaced: bool = False,
) -> dict[str, Callable[..., Any]]:
    """One decorated wrapper per catalogue function for ``runtime`` (``"classic"``, ``"officejs"``, None).

    Keys are the Excel names (``KPI_RATE`` where Excel has a ``RATE``). ``namespaced=True`` names the
    Office.js functions for xlwings Server, whose manifest puts them all in the ``KPI`` namespace.
    """
    if runtime == "classic":
        return classic_functions(func, arg)
    if runtime == "officejs":
        return officejs_functions(func, arg, "server" if namespaced else "lite")
    if runtime is None:
        return plain_functions()
    raise ValueError(f"unknown runtime {runtime!r}: use classic, officejs or none")


#: The runtime this module was imported under, and its wrappers (also module attributes: ``udfs.excel.ACV``).
RUNTIME = detect_runtime()
FUNCTIONS = build(RUNTIME)

_clashes = set(FUNCTIONS) & set(globals())
if _clashes:
    raise RuntimeError(f"catalogue names clash with udfs.excel's own names: {sorted(_clashes)}")
globals().update(FUNCTIONS)
