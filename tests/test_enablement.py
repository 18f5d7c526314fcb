"""Sales enablement functions: expected values worked by hand (arithmetic in the comments) and the error codes."""

import datetime as dt

import pytest
from support import error_code as code

import udfs


def approx(value):
    return pytest.approx(value, rel=1e-9)


# ------------------------------------------------------------------------------------ people counts


def test_turnover_rate():
    assert udfs.TURNOVER_RATE(3, 10, 10) == approx(0.3)  # seed 000: 3 / ((10 + 10) / 2)
    assert udfs.TURNOVER_RATE(3, 8, 12) == approx(0.3)  # 3 / 10
    assert udfs.TURNOVER_RATE(12, 8, 8) == approx(1.5)  # more leavers than the average headcount is possible
    assert code(udfs.TURNOVER_RATE, 1, 0, 0) == "#DIV/0!"
    assert code(udfs.TURNOVER_RATE, "abc", 10, 10) == "#VALUE!"
    assert code(udfs.TURNOVER_RATE, -1, 10, 10) == "#NUM!"


def test_rep_retention():
    assert udfs.REP_RETENTION(10, 3) == approx(0.7)  # (10 − 3) / 10
    assert udfs.REP_RETENTION(10, 0) == 1.0
    assert code(udfs.REP_RETENTION, 0, 0) == "#DIV/0!"
    assert code(udfs.REP_RETENTION, 10, 11) == "#NUM!"  # more departures than reps
    assert code(udfs.REP_RETENTION, 10, "abc") == "#VALUE!"


def test_referral_hire_rate():
    assert udfs.REFERRAL_HIRE_RATE(7, 20) == approx(0.35)  # 7 / 20, inside seed 000's 30–40 %
    assert code(udfs.REFERRAL_HIRE_RATE, 7, 0) == "#DIV/0!"
    assert code(udfs.REFERRAL_HIRE_RATE, 21, 20) == "#NUM!"
    assert code(udfs.REFERRAL_HIRE_RATE, "abc", 20) == "#VALUE!"
    assert udfs.get("REFERRAL_HIRE_RATE").benchmark


def test_attendance_rate():
    assert udfs.ATTENDANCE_RATE(18, 24) == approx(0.75)  # 18 / 24
    assert udfs.ATTENDANCE_RATE([5, 6, 7], [8, 8, 8]) == approx(0.75)  # 18 / 24 over three sessions
    assert code(udfs.ATTENDANCE_RATE, 0, 0) == "#DIV/0!"
    assert code(udfs.ATTENDANCE_RATE, 25, 24) == "#NUM!"
    assert code(udfs.ATTENDANCE_RATE, "abc", 24) == "#VALUE!"


def test_content_usage_rate():
    assert udfs.CONTENT_USAGE_RATE(30, 120) == approx(0.25)  # 30 / 120
    assert code(udfs.CONTENT_USAGE_RATE, 30, 0) == "#DIV/0!"
    assert code(udfs.CONTENT_USAGE_RATE, 130, 120) == "#NUM!"
    assert code(udfs.CONTENT_USAGE_RATE, 30, "abc") == "#VALUE!"


def test_coaching_hours_per_rep():
    assert udfs.COACHING_HOURS_PER_REP(36, 12) == approx(3)  # 36 / 12
    assert udfs.COACHING_HOURS_PER_REP([1.5, 0.5, None, 1], 2) == approx(1.5)  # 3 hours / 2 reps
    assert code(udfs.COACHING_HOURS_PER_REP, 36, 0) == "#DIV/0!"
    assert code(udfs.COACHING_HOURS_PER_REP, -1, 12) == "#NUM!"
    assert code(udfs.COACHING_HOURS_PER_REP, "abc", 12) == "#VALUE!"


def test_coaching_manager_share():
    assert udfs.COACHING_MANAGER_SHARE(3, 4) == approx(0.75)  # 3 / 4
    assert code(udfs.COACHING_MANAGER_SHARE, 3, 0) == "#DIV/0!"
    assert code(udfs.COACHING_MANAGER_SHARE, 5, 4) == "#NUM!"
    assert code(udfs.COACHING_MANAGER_SHARE, 3, "abc") == "#VALUE!"


def test_training_hours_per_rep():
    assert udfs.TRAINING_HOURS_PER_REP(96, 12) == approx(8)  # 96 / 12
    assert udfs.TRAINING_HOURS_PER_REP([2, 0, 4, None], 3) == approx(2)  # 6 / 3
    assert code(udfs.TRAINING_HOURS_PER_REP, 96, 0) == "#DIV/0!"
    assert code(udfs.TRAINING_HOURS_PER_REP, "abc", 12) == "#VALUE!"
    assert code(udfs.TRAINING_HOURS_PER_REP, 96, -12) == "#NUM!"


# --------------------------------------------------------------------------------------- durations


def test_ramp_time():
    # 8 Jan → 22 Jan = 14 days; 5 Feb → 4 Mar 2024 = 24 + 4 = 28 days: (14 + 28) / 2 = 21
    hires, contacts = ["2024-01-08", "2024-02-05"], ["2024-01-22", "2024-03-04"]
    assert udfs.RAMP_TIME(hires, contacts) == approx(21)
    # a rep without a first contact yet is skipped
    assert udfs.RAMP_TIME([*hires, "2024-03-01"], [*contacts, None]) == approx(21)
    as_dates = [dt.date(2024, 1, 8), dt.date(2024, 2, 5)], [dt.date(2024, 1, 22), dt.date(2024, 3, 4)]
    assert udfs.RAMP_TIME(*as_dates) == approx(21)


def test_ramp_time_errors():
    assert code(udfs.RAMP_TIME, ["2024-01-22"], ["2024-01-08"]) == "#NUM!"  # contact before the first day
    assert code(udfs.RAMP_TIME, [], []) == "#N/A"
    assert code(udfs.RAMP_TIME, ["2024-01-08"], [None]) == "#N/A"
    assert code(udfs.RAMP_TIME, ["2024-01-08", "2024-02-05"], ["2024-01-22"]) == "#VALUE!"
    assert code(udfs.RAMP_TIME, ["abc"], ["2024-01-22"]) == "#VALUE!"


def test_ramp_time_criteria():
    hires = ["2023-11-06", "2024-01-08", "2024-02-05"]
    contacts = ["2023-12-06", "2024-01-22", "2024-03-04"]
    # 2024 hires only: (14 + 28) / 2 = 21; the November hire (30 days) is left out
    assert udfs.RAMP_TIME(hires, contacts, hires, ">=2024-01-01") == approx(21)
    roles = ["AE", "SDR", "sdr"]
    assert udfs.RAMP_TIME(hires, contacts, roles, "SDR") == approx(21)
    assert code(udfs.RAMP_TIME, hires, contacts, roles, "SE") == "#N/A"


def test_time_to_productivity():
    # 1 Jan → 1 Apr = 31 + 29 + 31 = 91; 1 Feb → 1 Jun = 29 + 31 + 30 + 31 = 121: (91 + 121) / 2 = 106
    starts, productive = ["2024-01-01", "2024-02-01", "2024-03-01"], ["2024-04-01", "2024-06-01", None]
    assert udfs.TIME_TO_PRODUCTIVITY(starts, productive) == approx(106)
    teams = ["Enterprise", "Commercial", "Enterprise"]
    assert udfs.TIME_TO_PRODUCTIVITY(starts, productive, teams, "<>Commercial") == approx(91)
    assert code(udfs.TIME_TO_PRODUCTIVITY, ["2024-04-01"], ["2024-01-01"]) == "#NUM!"
    assert code(udfs.TIME_TO_PRODUCTIVITY, [], []) == "#N/A"
    assert code(udfs.TIME_TO_PRODUCTIVITY, starts, productive[:2]) == "#VALUE!"
    assert code(udfs.TIME_TO_PRODUCTIVITY, starts, ["abc"] * 3) == "#VALUE!"


def test_onboarding_duration():
    # 8 Jan → 5 Feb = 23 + 5 = 28; 15 Jan → 26 Feb = 16 + 26 = 42: (28 + 42) / 2 = 35
    starts, ends = ["2024-01-08", "2024-01-15"], ["2024-02-05", "2024-02-26"]
    assert udfs.ONBOARDING_DURATION(starts, ends) == approx(35)
    # the January cohort by a wildcard on a cohort label
    cohorts = ["2024-Jan-A", "2024-Feb-A"]
    assert udfs.ONBOARDING_DURATION(starts, ends, cohorts, "2024-Jan*") == approx(28)
    assert code(udfs.ONBOARDING_DURATION, ["2024-02-05"], ["2024-01-08"]) == "#NUM!"
    assert code(udfs.ONBOARDING_DURATION, [], []) == "#N/A"
    assert code(udfs.ONBOARDING_DURATION, starts, ends[:1]) == "#VALUE!"
    assert code(udfs.ONBOARDING_DURATION, starts, ["abc", "abc"]) == "#VALUE!"


def test_avg_content_age():
    # 31 Dec 2023 → 31 Mar 2024 = 31 + 29 + 31 = 91; 1 Mar → 31 Mar = 30: (91 + 30) / 2 = 60.5
    assert udfs.AVG_CONTENT_AGE(["2023-12-31", "2024-03-01"], "2024-03-31") == approx(60.5)
    # serials: 2024-03-01 is 45352, so 2024-03-31 is 45382: (45382 − 45352 + 45382 − 45372) / 2 = 20
    assert udfs.AVG_CONTENT_AGE([45352, 45372, None], 45382) == approx(20)


def test_avg_content_age_errors_and_criteria():
    created = ["2023-12-31", "2024-03-01", "2024-05-01"]
    assert code(udfs.AVG_CONTENT_AGE, created, "2024-03-31") == "#NUM!"  # May content did not exist yet
    assert udfs.AVG_CONTENT_AGE(created, "2024-03-31", created, "<=2024-03-31") == approx(60.5)
    types = ["Deck", "Battlecard", "Deck"]
    assert udfs.AVG_CONTENT_AGE(created[:2], "2024-03-31", types[:2], "Battle*") == approx(30)
    assert code(udfs.AVG_CONTENT_AGE, [], "2024-03-31") == "#N/A"
    assert code(udfs.AVG_CONTENT_AGE, ["abc"], "2024-03-31") == "#VALUE!"
    assert code(udfs.AVG_CONTENT_AGE, created, "someday") == "#VALUE!"


def test_review_cadence():
    # 15 Jan → 15 Apr = 31 + 29 + 31 = 91; 15 Apr → 15 Jul = 30 + 31 + 30 = 91: mean 91
    assert udfs.REVIEW_CADENCE(["2024-01-15", "2024-04-15", "2024-07-15"]) == approx(91)
    # any order, blanks (never reviewed) skipped: 1 Mar, 11 Mar, 31 Mar → (10 + 20) / 2 = 15
    assert udfs.REVIEW_CADENCE(["2024-03-31", None, "2024-03-01", "2024-03-11"]) == approx(15)


def test_review_cadence_errors_and_criteria():
    assert code(udfs.REVIEW_CADENCE, ["2024-01-15"]) == "#N/A"
    assert code(udfs.REVIEW_CADENCE, []) == "#N/A"
    assert code(udfs.REVIEW_CADENCE, ["abc", "2024-01-15"]) == "#VALUE!"
    dates = ["2024-01-15", "2024-02-01", "2024-04-15", "2024-07-15"]
    used = [True, False, True, True]
    assert udfs.REVIEW_CADENCE(dates, used, True) == approx(91)


def test_morale_score():
    assert udfs.MORALE_SCORE([7, 8, None, 6, 9]) == approx(7.5)  # (7 + 8 + 6 + 9) / 4
    reps = ["Alice", "Bob", "Carol", "alice", "Dan"]
    assert udfs.MORALE_SCORE([7, 8, None, 6, 9], reps, "ALICE") == approx(6.5)  # (7 + 6) / 2
    assert code(udfs.MORALE_SCORE, [7, -1]) == "#NUM!"
    assert code(udfs.MORALE_SCORE, []) == "#N/A"
    assert code(udfs.MORALE_SCORE, [None]) == "#N/A"
    assert code(udfs.MORALE_SCORE, ["abc"]) == "#VALUE!"
    assert code(udfs.MORALE_SCORE, [7, 8], reps, "Alice") == "#VALUE!"  # 2 scores, 5 criteria cells
