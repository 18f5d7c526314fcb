"""Marketing functions: expected values worked by hand (arithmetic in the comments) and the error codes."""

import pytest
from support import error_code as code

import udfs


def approx(value):
    return pytest.approx(value, rel=1e-9)


def test_lead_velocity_rate():
    assert udfs.LEAD_VELOCITY_RATE(120, 100) == approx(0.2)  # (120 − 100) / 100
    assert udfs.LEAD_VELOCITY_RATE(80, 100) == approx(-0.2)  # (80 − 100) / 100
    assert udfs.LEAD_VELOCITY_RATE([50, 70], [60, None, 40]) == approx(0.2)  # ranges summed: 120 vs 100
    assert code(udfs.LEAD_VELOCITY_RATE, 120, 0) == "#DIV/0!"
    assert code(udfs.LEAD_VELOCITY_RATE, "abc", 100) == "#VALUE!"
    assert code(udfs.LEAD_VELOCITY_RATE, -1, 100) == "#NUM!"


def test_conversion_rate():
    assert udfs.CONVERSION_RATE(30, 120) == approx(0.25)  # 30 MQL→SQL of 120 MQLs
    assert udfs.CONVERSION_RATE(120, 120) == 1.0
    assert code(udfs.CONVERSION_RATE, 0, 0) == "#DIV/0!"
    assert code(udfs.CONVERSION_RATE, 5, 0) == "#DIV/0!"  # the zero denominator wins over converted > total
    assert code(udfs.CONVERSION_RATE, 121, 120) == "#NUM!"  # a conversion rate cannot pass 100 %
    assert code(udfs.CONVERSION_RATE, "abc", 120) == "#VALUE!"
    assert code(udfs.CONVERSION_RATE, 30, "abc") == "#VALUE!"


def test_cost_per_lead():
    assert udfs.COST_PER_LEAD(5000, 250) == approx(20)  # 5,000 / 250
    assert udfs.COST_PER_LEAD([2000, 3000], 250) == approx(20)
    assert code(udfs.COST_PER_LEAD, 5000, 0) == "#DIV/0!"
    assert code(udfs.COST_PER_LEAD, -5000, 250) == "#NUM!"
    assert code(udfs.COST_PER_LEAD, "abc", 250) == "#VALUE!"


def test_cac():
    assert udfs.CAC(200000, 20) == approx(10000)  # 200,000 / 20
    assert code(udfs.CAC, 200000, 0) == "#DIV/0!"
    assert code(udfs.CAC, 200000, "abc") == "#VALUE!"
    assert code(udfs.CAC, 200000, -2) == "#NUM!"


def test_cac_payback():
    assert udfs.CAC_PAYBACK(12000, 1000, 0.8) == approx(15)  # 12,000 / (1,000 × 0.8)
    assert udfs.CAC_PAYBACK(12000, 1000) == approx(12)  # gross margin defaults to 1
    assert udfs.CAC_PAYBACK(12000, 1000, None) == approx(12)  # a blank optional argument takes its default
    assert code(udfs.CAC_PAYBACK, 12000, 0) == "#DIV/0!"
    assert code(udfs.CAC_PAYBACK, 12000, 1000, 0) == "#DIV/0!"
    assert code(udfs.CAC_PAYBACK, 12000, 1000, 1.2) == "#NUM!"  # a margin is a fraction
    assert code(udfs.CAC_PAYBACK, "abc", 1000) == "#VALUE!"


def test_content_roi():
    assert udfs.CONTENT_ROI(50000, 10000) == approx(5)  # 50,000 / 10,000
    assert udfs.CONTENT_ROI(-5000, 10000) == approx(-0.5)  # a negative attributed return is allowed
    assert code(udfs.CONTENT_ROI, 50000, 0) == "#DIV/0!"
    assert code(udfs.CONTENT_ROI, 50000, "abc") == "#VALUE!"
    assert code(udfs.CONTENT_ROI, 50000, -1) == "#NUM!"


def test_touches_per_lead():
    assert udfs.TOUCHES_PER_LEAD(1200, 150) == approx(8)  # 1,200 / 150
    assert udfs.TOUCHES_PER_LEAD([3, 5, None, 4], 3) == approx(4)  # Leads[Touches] summed: 12 / 3
    assert code(udfs.TOUCHES_PER_LEAD, 1200, 0) == "#DIV/0!"
    assert code(udfs.TOUCHES_PER_LEAD, "abc", 150) == "#VALUE!"
    assert code(udfs.TOUCHES_PER_LEAD, -1, 150) == "#NUM!"
    assert code(udfs.TOUCHES_PER_LEAD, [None], 150) == "#N/A"


def test_click_through_rate():
    assert udfs.CLICK_THROUGH_RATE(45, 1500) == approx(0.03)  # 45 / 1,500
    assert udfs.CLICK_THROUGH_RATE([20, 25], [500, 1000]) == approx(0.03)  # 45 / 1,500 over two campaigns
    assert code(udfs.CLICK_THROUGH_RATE, 45, 0) == "#DIV/0!"
    assert code(udfs.CLICK_THROUGH_RATE, 1501, 1500) == "#NUM!"  # more clicks than impressions
    assert code(udfs.CLICK_THROUGH_RATE, "abc", 1500) == "#VALUE!"


def test_engagement_rate():
    assert udfs.ENGAGEMENT_RATE(240, 8000) == approx(0.03)  # 240 / 8,000
    assert udfs.ENGAGEMENT_RATE(300, 200) == approx(1.5)  # engaged followers can engage many times
    assert code(udfs.ENGAGEMENT_RATE, 240, 0) == "#DIV/0!"
    assert code(udfs.ENGAGEMENT_RATE, 240, "abc") == "#VALUE!"
    assert code(udfs.ENGAGEMENT_RATE, -240, 8000) == "#NUM!"


def test_wrong_argument_count():
    assert code(udfs.CLICK_THROUGH_RATE, 1, 2, 3) == "#VALUE!"
    assert code(udfs.COST_PER_LEAD, 5000) == "#VALUE!"
