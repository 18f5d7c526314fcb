"""LibreOffice tests: skipped where soffice is not installed, except in CI, where that stops the run."""

from __future__ import annotations

import os

import pytest

from addin.libreoffice import calc


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    needs_calc = any(item.get_closest_marker("libreoffice") for item in items)
    if needs_calc and os.environ.get("CI") and calc.soffice_path() is None:
        raise pytest.UsageError("CI must install LibreOffice (see .ci/run): the LibreOffice tests cannot run")
