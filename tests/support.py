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


# A small subscription table whose waterfall and cohorts are worked by hand, for the adapters' spill tests.
# A: Jan 100, Feb 150 (new, then expansion +50); B: Feb 80 (new); C: Jan 60, Mar 90 (new, churn Feb, back Mar).
SPILL_CUSTOMERS = ["A", "A", "B", "B", "C", "C"]
SPILL_MONTHS = ["2024-01-15", "2024-02-15", "2024-02-20", "2024-03-01", "2024-01-31", "2024-03-31"]
SPILL_MRR = [100.0, 150.0, 80.0, 80.0, 60.0, 90.0]
JAN_2024, FEB_2024, MAR_2024 = 45292.0, 45323.0, 45352.0
SPILL_WATERFALL = [
    ["Month", "Starting MRR", "New", "Expansion", "Reactivation", "Contraction", "Churn", "Ending MRR"],
    [JAN_2024, 0.0, 160.0, 0.0, 0.0, 0.0, 0.0, 160.0],  # A 100 + C 60 new
    [FEB_2024, 160.0, 80.0, 50.0, 0.0, 0.0, 60.0, 230.0],  # B new 80, A +50, C churns 60
    [MAR_2024, 230.0, 0.0, 0.0, 90.0, 0.0, 150.0, 170.0],  # C back with 90; A (no March row) churns 150
]
# logo cohorts: January {A, C}: Feb A only, Mar C only; February {B}: Mar B
SPILL_COHORTS = [["Cohort", 0.0, 1.0, 2.0], [JAN_2024, 1.0, 0.5, 0.5], [FEB_2024, 1.0, 1.0, ""]]
