"""Customer support functions: expected values worked by hand (arithmetic in the comments) and the error codes."""

import datetime as dt

import pytest
from support import error_code as code

import udfs


def approx(value):
    return pytest.approx(value, rel=1e-9)


# ------------------------------------------------------------------------------------------- NPS

SCORES = [10, 9, 8, 7, 6, 0, 10, 9, 3, 10]


def test_nps():
    # promoters 10, 9, 10, 9, 10 = 5; detractors 6, 0, 3 = 3; 100 × (5 − 3) / 10 = 20
    assert udfs.NPS(SCORES) == approx(20)
    assert udfs.NPS([9, 10]) == 100.0
    assert udfs.NPS([0, 6]) == -100.0
    assert udfs.NPS([10, None, 0, 8]) == 0.0  # blank skipped: (1 − 1) / 3
    assert udfs.NPS([[10, 9], [7, 8]]) == approx(50)  # a 2-D range: 2 promoters of 4


def test_nps_errors():
    assert code(udfs.NPS, [10, 11]) == "#NUM!"  # a score above 10
    assert code(udfs.NPS, [-1, 10]) == "#NUM!"
    assert code(udfs.NPS, []) == "#N/A"
    assert code(udfs.NPS, [None, ""]) == "#N/A"
    assert code(udfs.NPS, ["abc", 10]) == "#VALUE!"
    assert code(udfs.NPS, [10, "#N/A"]) == "#N/A"


def test_nps_criteria():
    segments = ["SMB", "SMB", "Enterprise", "Enterprise", "SMB", "SMB", "Enterprise", "smb", "Enterprise", "SMB"]
    # SMB rows: 10, 9, 6, 0, 9, 10 → promoters 4, detractors 2: 100 × 2 / 6
    assert udfs.NPS(SCORES, segments, "smb") == approx(100 / 3)
    dates = ["2024-02-15"] * 5 + ["2024-03-15"] * 5
    # answers from 1 Mar: 0, 10, 9, 3, 10 → promoters 3, detractors 2: 100 × 1 / 5 = 20
    assert udfs.NPS(SCORES, dates, ">=2024-03-01") == approx(20)
    assert code(udfs.NPS, SCORES, segments, "Mid-Market") == "#N/A"
    assert code(udfs.NPS, SCORES, segments[:9], "SMB") == "#VALUE!"


# ------------------------------------------------------------------------------------------- CSAT


def test_csat_methods():
    assert udfs.CSAT([5, 4, 3, 5, 1]) == approx(0.6)  # top2: 5, 4, 5 of 5 answers
    assert udfs.CSAT([5, 4, 3, 5, 1], 5, "mean") == approx(3.6)  # 18 / 5
    assert udfs.CSAT([5, 4, 3, 5, 1], 5, "MEAN") == approx(3.6)
    assert udfs.CSAT([10, 9, 8, 7], 10) == approx(0.5)  # 1–10 scale: top two boxes are 9 and 10
    assert udfs.CSAT([7, 6, 5, None], 7, "top2") == approx(2 / 3)  # blank skipped


def test_csat_errors():
    assert code(udfs.CSAT, [5, 6]) == "#NUM!"  # 6 on a 1–5 scale
    assert code(udfs.CSAT, [0, 5]) == "#NUM!"
    assert code(udfs.CSAT, [5, 4], 1) == "#NUM!"  # a one-point scale
    assert code(udfs.CSAT, [5, 4], 5, "median") == "#VALUE!"
    assert code(udfs.CSAT, ["abc"]) == "#VALUE!"
    assert code(udfs.CSAT, [5], "abc") == "#VALUE!"
    assert code(udfs.CSAT, []) == "#N/A"


def test_csat_criteria():
    agents = ["Alice", "Bob", "alice", "Bob", "ALICE"]
    # Alice: 5, 3, 1 → one satisfied of 3; blank scale_max and method take their defaults
    assert udfs.CSAT([5, 4, 3, 5, 1], None, None, agents, "alice") == approx(1 / 3)
    assert udfs.CSAT([5, 4, 3, 5, 1], 5, "mean", agents, "Bob") == approx(4.5)  # (4 + 5) / 2


# -------------------------------------------------------------------------------------------- CES


def test_ces():
    assert udfs.CES([5, 6, 7, 4]) == approx(5.5)  # 22 / 4
    types = ["Bug", "How-to", "Bug report", "Billing"]
    assert udfs.CES([5, 6, 7, 4], types, "Bug*") == approx(6)  # (5 + 7) / 2
    assert code(udfs.CES, [5, -1]) == "#NUM!"
    assert code(udfs.CES, []) == "#N/A"
    assert code(udfs.CES, ["abc"]) == "#VALUE!"
    assert code(udfs.CES, [5, 6], types, "Bug") == "#VALUE!"  # 2 scores, 4 criteria cells


# ------------------------------------------------------------------------------ response times

CREATED = ["2024-03-01T09:00", "2024-03-01T10:00", "2024-03-02T08:00"]
FIRST = ["2024-03-01T11:00", "2024-03-01T14:00", None]


def test_first_response_time():
    # 09:00 → 11:00 = 2 h, 10:00 → 14:00 = 4 h, the third is unanswered: (2 + 4) / 2 = 3 h
    assert udfs.FIRST_RESPONSE_TIME(CREATED, FIRST) == approx(3)
    as_datetimes = [dt.datetime(2024, 3, 1, 9)], [dt.datetime(2024, 3, 2, 9, 30)]
    assert udfs.FIRST_RESPONSE_TIME(*as_datetimes) == approx(24.5)  # a day and half an hour


def test_first_response_time_errors_and_criteria():
    channels = ["Email", "Chat", "Chat"]
    assert udfs.FIRST_RESPONSE_TIME(CREATED, FIRST, channels, "<>Email") == approx(4)
    assert code(udfs.FIRST_RESPONSE_TIME, ["2024-03-01T11:00"], ["2024-03-01T09:00"]) == "#NUM!"
    assert code(udfs.FIRST_RESPONSE_TIME, [], []) == "#N/A"
    assert code(udfs.FIRST_RESPONSE_TIME, CREATED, FIRST[:2]) == "#VALUE!"
    assert code(udfs.FIRST_RESPONSE_TIME, ["abc"] * 3, FIRST) == "#VALUE!"


def test_resolution_time():
    # 1 Mar → 2 Mar = 24 h, 2 Mar → 4 Mar = 48 h: (24 + 48) / 2 = 36 h; the open ticket is skipped
    created, resolved = ["2024-03-01", "2024-03-02", "2024-03-03"], ["2024-03-02", "2024-03-04", None]
    assert udfs.RESOLUTION_TIME(created, resolved) == approx(36)
    priorities = ["Urgent", "Low", "Urgent"]
    assert udfs.RESOLUTION_TIME(created, resolved, priorities, "urgent") == approx(24)
    assert code(udfs.RESOLUTION_TIME, ["2024-03-02"], ["2024-03-01"]) == "#NUM!"
    assert code(udfs.RESOLUTION_TIME, [None], [None]) == "#N/A"
    assert code(udfs.RESOLUTION_TIME, created, resolved[:2]) == "#VALUE!"
    assert code(udfs.RESOLUTION_TIME, created, ["abc"] * 3) == "#VALUE!"


# -------------------------------------------------------------------------------------- escalations


def test_escalation_rate():
    assert udfs.ESCALATION_RATE(12, 240) == approx(0.05)  # 12 / 240
    assert code(udfs.ESCALATION_RATE, 12, 0) == "#DIV/0!"
    assert code(udfs.ESCALATION_RATE, 241, 240) == "#NUM!"
    assert code(udfs.ESCALATION_RATE, "abc", 240) == "#VALUE!"


OPENED = ["2024-03-01T09:00", "2024-03-10T12:00", "2024-03-20T08:00", "2024-04-02"]
RESOLVED = ["2024-03-05", None, "2024-04-01T10:00", None]


def test_open_tickets():
    # at the end of 31 Mar: #1 resolved 5 Mar, #2 never resolved (open), #3 resolved in April (open),
    # #4 not created yet → 2
    assert udfs.OPEN_TICKETS(OPENED, RESOLVED, "2024-03-31") == 2
    assert udfs.OPEN_TICKETS(OPENED, RESOLVED, "2024-03-31T08:00") == 2  # the whole as_of day counts
    assert udfs.OPEN_TICKETS(OPENED, RESOLVED, "2024-04-01") == 1  # #3 resolved on 1 Apr; #4 comes on 2 Apr
    assert udfs.OPEN_TICKETS(OPENED, RESOLVED, "2024-04-02") == 2  # #2 and #4
    assert udfs.OPEN_TICKETS(OPENED, RESOLVED, "2024-02-01") == 0  # nothing created yet


def test_open_tickets_boundaries():
    # resolved at 23:00 on the as_of day: closed; created at midnight after it: not yet created
    assert udfs.OPEN_TICKETS(["2024-03-30", "2024-04-01T00:00"], ["2024-03-31T23:00", None], "2024-03-31") == 0
    # resolved at the first moment of the next day: still open at the end of as_of
    assert udfs.OPEN_TICKETS(["2024-03-30"], ["2024-04-01T00:00"], "2024-03-31") == 1
    # rows without a created date are skipped
    assert udfs.OPEN_TICKETS([None, "2024-03-30"], ["2024-03-01", None], "2024-03-31") == 1


def test_open_tickets_errors():
    assert code(udfs.OPEN_TICKETS, ["2024-03-10"], ["2024-03-01"], "2024-03-31") == "#NUM!"  # resolved first
    assert code(udfs.OPEN_TICKETS, [], [], "2024-03-31") == "#N/A"
    assert code(udfs.OPEN_TICKETS, [None], ["2024-03-01"], "2024-03-31") == "#N/A"
    assert code(udfs.OPEN_TICKETS, OPENED, RESOLVED[:3], "2024-03-31") == "#VALUE!"
    assert code(udfs.OPEN_TICKETS, ["abc"] * 4, RESOLVED, "2024-03-31") == "#VALUE!"
    assert code(udfs.OPEN_TICKETS, OPENED, RESOLVED, "someday") == "#VALUE!"


def test_open_escalations_with_criteria():
    escalated = [True, True, False, True]
    # escalated and open at the end of 31 Mar: only #2
    assert udfs.OPEN_TICKETS(OPENED, RESOLVED, "2024-03-31", escalated, True) == 1
    assert udfs.OPEN_TICKETS(OPENED, RESOLVED, "2024-03-31", escalated, "TRUE") == 1
    statuses = ["Resolved", "Open", "Resolved", "Open"]
    assert udfs.OPEN_TICKETS(OPENED, RESOLVED, "2024-04-02", statuses, "<>Resolved") == 2
    assert code(udfs.OPEN_TICKETS, OPENED, RESOLVED, "2024-03-31", statuses, "Closed") == "#N/A"


# -------------------------------------------------------------------------------------- BUG_SHARE


def test_bug_share():
    assert udfs.BUG_SHARE(["Bug", "How-to", "bug report", "Billing"]) == approx(0.5)  # 2 bugs of 4
    assert udfs.BUG_SHARE(["Bug", None, "", "How-to"]) == approx(0.5)  # blanks skipped: 1 of 2
    assert udfs.BUG_SHARE(["Debug question", "How-to"]) == 0.0  # must begin with "bug"


def test_bug_share_errors_and_criteria():
    assert code(udfs.BUG_SHARE, []) == "#N/A"
    assert code(udfs.BUG_SHARE, [None]) == "#N/A"
    assert code(udfs.BUG_SHARE, ["Bug", "#N/A"]) == "#N/A"
    products = ["Analytics", "Analytics", "Mobile App", "Analytics"]
    types = ["Bug", "How-to", "Bug", "Bug"]
    assert udfs.BUG_SHARE(types, products, "analytics") == approx(2 / 3)  # Analytics: Bug, How-to, Bug
    assert code(udfs.BUG_SHARE, types, products[:3], "Analytics") == "#VALUE!"
