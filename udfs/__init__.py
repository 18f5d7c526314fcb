"""Go-to-market KPI functions for Excel: ``udfs.ACV(380000, 20000, 3) == 120000``.

Every function is declared once in a team module and listed, with its metadata, by :func:`catalog`.
The core has no Excel dependency: it runs on any OS and in Pyodide (xlwings Lite).
"""

from __future__ import annotations

from . import (
    customer_success,
    enablement,
    finance,
    generic,
    inside_sales,
    marketing,
    presales,
    saas,
    sales,
    support,
)
from .errors import KPIError
from .registry import Metric, catalog, get

_TEAM_MODULES = (
    sales,
    inside_sales,
    marketing,
    enablement,
    presales,
    customer_success,
    support,
    finance,
    saas,
    generic,
)

globals().update({entry.name: entry.func for entry in catalog()})

__all__ = ["KPIError", "Metric", "catalog", "get", *(entry.name for entry in catalog())]
