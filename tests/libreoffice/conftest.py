"""LibreOffice tests: skipped where soffice is not installed, except in CI, where that is a failure."""

from __future__ import annotations

import os

import pytest

from addin.libreoffice import calc as recalc


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if recalc.soffice_path() is None and os.environ.get("CI"):
        for item in items:
            if item.get_closest_marker("libreoffice"):
                item.add_marker(pytest.mark.xfail(reason="CI must install LibreOffice", strict=True, run=False))
