"""Inside sales (SDR/BDR): every function of udfs/inside_sales.py against numbers worked by hand."""

import pytest
from support import error_code as code

import udfs


def approx(value):
    return pytest.approx(value, rel=1e-12)


def test_activities_per_rep():
    assert udfs.ACTIVITIES_PER_REP(1200, 4) == 300  # 1,200 calls / 4 SDRs
    assert udfs.ACTIVITIES_PER_REP([400, 350, None, 450], 4) == 300  # a range of per-day counts, summed
    assert udfs.ACTIVITIES_PER_REP(300, 2.5) == 120  # fractional FTEs
    assert code(udfs.ACTIVITIES_PER_REP, 1200, 0) == "#DIV/0!"
    assert code(udfs.ACTIVITIES_PER_REP, "abc", 4) == "#VALUE!"
    assert code(udfs.ACTIVITIES_PER_REP, 1200, -4) == "#NUM!"
    assert code(udfs.ACTIVITIES_PER_REP, [None, ""], 4) == "#N/A"


def test_meeting_rate():
    assert udfs.MEETING_RATE(18, 120) == approx(0.15)  # 18 / 120
    assert udfs.MEETING_RATE(0, 120) == 0
    assert code(udfs.MEETING_RATE, 0, 0) == "#DIV/0!"
    assert code(udfs.MEETING_RATE, 121, 120) == "#NUM!"
    assert code(udfs.MEETING_RATE, 18, "abc") == "#VALUE!"


def test_cadence_completion_rate():
    assert udfs.CADENCE_COMPLETION_RATE(45, 60) == approx(0.75)  # 45 / 60
    assert udfs.CADENCE_COMPLETION_RATE(60, 60) == 1
    assert code(udfs.CADENCE_COMPLETION_RATE, 0, 0) == "#DIV/0!"
    assert code(udfs.CADENCE_COMPLETION_RATE, 61, 60) == "#NUM!"
    assert code(udfs.CADENCE_COMPLETION_RATE, "abc", 60) == "#VALUE!"


def test_sdr_roi():
    assert udfs.SDR_ROI(480000, 120000) == 4  # seed 002's 4× target: 480,000 / 120,000
    assert udfs.SDR_ROI([200000, 100000], [60000, 60000]) == approx(2.5)  # 300,000 / 120,000
    assert code(udfs.SDR_ROI, 480000, 0) == "#DIV/0!"
    assert code(udfs.SDR_ROI, "abc", 120000) == "#VALUE!"
    assert code(udfs.SDR_ROI, 480000, -1) == "#NUM!"
    assert udfs.get("SDR_ROI").benchmark.startswith("4×")


def test_sql_handoff_rate():
    assert udfs.SQL_HANDOFF_RATE(32, 40) == approx(0.8)  # 32 / 40
    assert code(udfs.SQL_HANDOFF_RATE, 0, 0) == "#DIV/0!"
    assert code(udfs.SQL_HANDOFF_RATE, 41, 40) == "#NUM!"
    assert code(udfs.SQL_HANDOFF_RATE, 32, "abc") == "#VALUE!"
    assert code(udfs.SQL_HANDOFF_RATE, "#REF!", 40) == "#REF!"
