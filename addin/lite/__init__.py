"""xlwings Lite: a self-contained ``main.py`` + ``requirements.txt`` for the Lite editor (``kpi addin lite``)."""

from .bundle import build_main, package_sources, requirements, write_bundle

__all__ = ["build_main", "package_sources", "requirements", "write_bundle"]
