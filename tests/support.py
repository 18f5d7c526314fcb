"""Helpers several test modules share."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import udfs

ROOT = Path(__file__).resolve().parent.parent


def error_code(func: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """The Excel error code a call raises (the test fails if it raises nothing)."""
    with pytest.raises(udfs.KPIError) as caught:
        func(*args, **kwargs)
    return caught.value.code


def run_in_fresh_interpreter(test_file: str, env: dict[str, str], label: str) -> None:
    """Run a test module again in a new Python with environment ``env`` (xlwings binds its decorators at import)."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", test_file, "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    print(f"{label} run: {summary}")
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]
    assert re.search(r"\d+ passed", summary) and "failed" not in summary, summary
