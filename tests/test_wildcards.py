"""Excel wildcard criteria (``*``, ``?``, ``~``), matched without backtracking.

The rules are COUNTIFS': ``*`` any run of characters (none included), ``?`` exactly one character, ``~`` makes
the next character literal, case-insensitive, and the pattern must match the whole cell. Expected values are
worked by hand from those rules. The work bound is checked deterministically: ``Wildcard.scanned`` adds up, for
every search the matcher makes, the text span handed to it times the segment's length (a search of a pattern
with no repetition cannot compare more characters than that).
"""

import time

import pytest

import udfs
from udfs.criteria import Criterion, Wildcard


@pytest.mark.parametrize(
    ("pattern", "text", "hit"),
    [
        ("a*", "Alice", True),
        ("a*", "Bob", False),
        ("*ice", "ALICE", True),
        ("*", "", True),
        ("*", "anything", True),
        ("?ob", "Bob", True),
        ("?ob", "Boob", False),  # ? is exactly one character
        ("a?c", "abbc", False),
        ("ab", "abc", False),  # no star: the whole cell must match
        ("*ab*ab*", "xxabyyabzz", True),
        ("*ab*ab*", "aba", False),  # the two runs cannot share characters
        ("a*a", "a", False),  # the first and last run cannot overlap either
        ("a*a", "aa", True),
        ("?*?", "a", False),
        ("?*?", "ab", True),
        ("~*", "*", True),
        ("~*", "a", False),
        ("a~?", "a?", True),
        ("a~?", "ab", False),
        ("~~", "~", True),
        ("50~%*", "50% off", True),
        ("é*", "École", True),  # case-insensitive beyond ASCII
        ("*straße", "Hauptstraße", True),
        ("North*", "North", True),  # * matches nothing too
        ("*berry*", "berry", True),
        ("SKU-???", "SKU-12", False),
        ("SKU-???", "sku-a4b", True),
        ("AB??-*", "ABxy-123", True),
    ],
)
def test_excel_wildcard_rules(pattern, text, hit):
    assert Wildcard(pattern).matches(text) is hit


def test_criteria_use_the_rules_and_keep_whole_cell_matching():
    cells = ["Alice", "alice", "Bob", "a*b", "axb", None, 42]
    assert Criterion("a~*b", "c").mask(cells).tolist() == [False, False, False, True, False, False, False]
    assert Criterion("<>a*", "c").mask(cells).tolist() == [False, False, True, False, False, True, True]


WORST_CASES = [
    ("*a" * 12 + "*b", "a"),  # the issue's case: 12 stars before a b that never comes
    ("*a" * 12 + "*b*", "a"),  # the b is searched for in the middle of the text
    ("*" + "a?" * 6 + "b*", "a"),  # a segment with ? slides over every position
    ("*aab*", "a"),
    ("?" * 5 + "*" + "?" * 5, "ab"),
]


@pytest.mark.parametrize(("pattern", "unit"), WORST_CASES)
def test_work_is_bounded_by_text_times_pattern(pattern, unit):
    matcher = Wildcard(pattern)
    for size in (40, 400, 4000, 40_000):
        matcher.scanned = 0
        matcher.matches(unit * size)
        assert matcher.scanned <= (len(unit) * size + len(pattern)) * len(pattern)


@pytest.mark.parametrize(("pattern", "unit"), WORST_CASES)
def test_work_grows_linearly_with_the_text(pattern, unit):
    work = []
    for size in (1000, 10_000, 100_000):
        matcher = Wildcard(pattern)
        matcher.matches(unit * size)
        work.append(matcher.scanned)
    # ten times the text, at most ten times the work (plus the constant of the pattern itself)
    assert work[1] <= 10 * work[0] + len(pattern) ** 2
    assert work[2] <= 10 * work[1] + len(pattern) ** 2


def test_the_issue_case_finishes_at_once():
    # with a regular expression built from ".*" this ran for over a minute
    started = time.perf_counter()
    with pytest.raises(udfs.KPIError) as caught:
        udfs.SALES_VOLUME([1], ["a" * 40], "*a" * 12 + "*b")
    assert caught.value.code == "#N/A"  # no row is selected: nothing to sum
    assert udfs.SALES_VOLUME([1, 2], ["a" * 40 + "b", "a" * 40], "*a" * 12 + "*b") == 1
    # a generous bound: the same pattern over a thousand times longer text still takes a blink
    assert udfs.SALES_VOLUME([5], ["a" * 50_000 + "b"], "*a" * 12 + "*b*") == 5
    assert time.perf_counter() - started < 5
