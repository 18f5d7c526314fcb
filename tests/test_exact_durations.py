"""Durations are exact: each span is rounded to the second before averaging.

Excel hands times of day over as binary fractions of a serial: 9:00 is 45000 + 9/24, 17:00 is 45000 + 17/24,
and their difference is 0.33333333333575865 days, 8.000000000058 hours. A manager's ``=FIRST_RESPONSE_TIME(...)
<= 8`` must read TRUE for an 8-hour reply. Every expected value below is worked by hand from the clock times;
``1 / 3`` and ``22 / 21`` are Python's nearest floats to those fractions, which is what an exact mean rounds to.
"""

import datetime as dt

import numpy as np
import pytest

import udfs
from udfs.calc import mean_duration, span_seconds, whole_seconds

DAY = 45000  # 2023-03-15, a Wednesday
NINE, FIVE_PM = 9 / 24, 17 / 24  # what Excel stores for 9:00 and 17:00


def test_the_serials_really_carry_noise():
    # the premise of the whole file: without rounding these would not be exact
    assert (DAY + FIVE_PM) - (DAY + NINE) != 1 / 3
    assert ((DAY + FIVE_PM) - (DAY + NINE)) * 24 != 8


class TestHours:
    def test_first_response_of_an_eight_hour_reply_is_exactly_8(self):
        assert udfs.FIRST_RESPONSE_TIME([DAY + NINE], [DAY + FIVE_PM]) == 8
        assert udfs.FIRST_RESPONSE_TIME([DAY + NINE] * 3, [DAY + FIVE_PM] * 3) <= 8

    def test_resolution_of_32_hours(self):
        # Wednesday 9:00 to Thursday 17:00: 24 h + 8 h
        assert udfs.RESOLUTION_TIME([DAY + NINE], [DAY + 1 + FIVE_PM]) == 32

    def test_sixty_five_minutes_is_3900_seconds(self):
        created, resolved = np.array([DAY + 10 / 24]), np.array([DAY + 10 / 24 + 65 / 1440])
        assert span_seconds(created, resolved, "tickets", "resolved").tolist() == [3900.0]
        assert udfs.RESOLUTION_TIME(created.tolist(), resolved.tolist()) == 65 / 60

    def test_mean_of_two_replies(self):
        # 8 h and 1 h 05 min: (28800 + 3900) / 2 s = 16350 s = 4.541666... h
        created = [DAY + NINE, DAY + 10 / 24]
        replied = [DAY + FIVE_PM, DAY + 10 / 24 + 65 / 1440]
        assert udfs.FIRST_RESPONSE_TIME(created, replied) == 16350 / 3600

    def test_datetimes_and_iso_text_give_the_same_exact_hours(self):
        nine, five = dt.datetime(2023, 3, 15, 9), dt.datetime(2023, 3, 15, 17)
        assert udfs.FIRST_RESPONSE_TIME([nine], [five]) == 8
        assert udfs.FIRST_RESPONSE_TIME(["2023-03-15T09:00"], ["2023-03-15T17:00"]) == 8

    def test_each_span_is_rounded_to_the_second(self):
        # a reply 0.4 s after the 8-hour mark is an 8-hour reply; 0.6 s after it is 28801 s
        nine = dt.datetime(2023, 3, 15, 9)
        assert udfs.FIRST_RESPONSE_TIME([nine], [nine + dt.timedelta(hours=8, microseconds=400_000)]) == 8
        assert udfs.FIRST_RESPONSE_TIME([nine], [nine + dt.timedelta(hours=8, microseconds=600_000)]) == 28801 / 3600

    def test_noise_below_half_a_second_is_not_a_negative_duration(self):
        # the same moment written twice, once with float noise a few microseconds early
        assert udfs.FIRST_RESPONSE_TIME([DAY + NINE], [DAY + NINE - 1e-11]) == 0


class TestDays:
    start, end = [DAY + NINE], [DAY + FIVE_PM]  # 8 hours: one third of a day

    @pytest.mark.parametrize(
        "function",
        [
            udfs.AVG_DAYS_BETWEEN,
            udfs.SALES_CYCLE_LENGTH,
            udfs.TIME_TO_FIRST_QBR,
            udfs.TIME_TO_VALUE,
            udfs.RAMP_TIME,
            udfs.TIME_TO_PRODUCTIVITY,
            udfs.ONBOARDING_DURATION,
        ],
    )
    def test_span_functions_give_a_third_of_a_day(self, function):
        assert function(self.start, self.end) == 1 / 3

    @pytest.mark.parametrize("function", [udfs.AVG_DAYS_BETWEEN, udfs.SALES_CYCLE_LENGTH, udfs.ONBOARDING_DURATION])
    def test_seven_days_eight_hours(self, function):
        assert function([DAY + NINE], [DAY + 7 + FIVE_PM]) == 22 / 3

    @pytest.mark.parametrize("function", [udfs.AVG_AGE, udfs.AVG_CONTENT_AGE, udfs.PIPELINE_STALL_TIME])
    def test_ages_at_a_moment(self, function):
        assert function([DAY + NINE], DAY + FIVE_PM) == 1 / 3
        # two items: 1/3 day and 7 1/3 days old; mean 3 5/6 days = 23/6
        assert function([DAY + NINE, DAY - 7 + NINE], DAY + FIVE_PM) == 23 / 6

    @pytest.mark.parametrize("function", [udfs.AVG_INTERVAL, udfs.REVIEW_CADENCE])
    def test_intervals(self, function):
        # 9:00 on day 0, anything between, 17:00 on day 2: 2 1/3 days over 2 gaps = 7/6 days
        assert function([DAY + NINE, DAY + 1, DAY + 2 + FIVE_PM]) == 7 / 6


def test_onboarding_weeks():
    # 7 days 8 hours = 22/3 days = 22/21 weeks
    assert udfs.ONBOARDING_WEEKS([DAY + NINE], [DAY + 7 + FIVE_PM]) == 22 / 21


class TestHelpers:
    def test_whole_seconds(self):
        assert whole_seconds(np.array([1 / 3, 0.5, 1e-9])).tolist() == [28800.0, 43200.0, 0.0]

    def test_mean_duration_is_one_rounding_of_the_exact_mean(self):
        assert mean_duration(np.array([28800.0, 28800.0, 28800.0]), "hours") == 8
        assert mean_duration(np.array([28800.0, 3900.0]), "minutes") == 16350 / 60
        assert mean_duration(np.array([86400.0 * 14]), "weeks") == 2
        # gaps between four dates spanning 3 days: 1 day each
        assert mean_duration(np.array([3 * 86400.0]), "days", count=3) == 1
