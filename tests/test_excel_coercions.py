"""Excel's own coercions at the edges: numeric text, date text in criteria, whole-number survey answers.

Expected values follow Excel's documentation: VALUE reads "any of the constant number, date, or time formats
recognized by Microsoft Excel" and its worked example is ``=VALUE("$1,000")`` = 1000; a percent sign divides by
100 (``NUMBERVALUE("3.5%")`` = 0.035). Day-first and month-first date text means different days in different
regions, so the add-in refuses to guess. NPS answers are 0, 1, ..., 10; CSAT answers 1, ..., scale_max.
"""

import pytest

import udfs
from udfs import KPIError
from udfs.coerce import number_from_text, single_number, total
from udfs.criteria import Criterion


def error_of(call, *args):
    with pytest.raises(KPIError) as caught:
        call(*args)
    return caught.value


class TestNumericText:
    @pytest.mark.parametrize(
        ("text", "number"),
        [
            ("50%", 0.5),
            ("3.5%", 0.035),
            ("0.7%", 0.007),  # the decimal written, not 0.7 / 100 = 0.006999...
            ("1,000", 1000),
            ("1,234,567.89", 1234567.89),
            (" 12 ", 12),
            ("$1,000", 1000),
            ("-$1,000", -1000),
            ("(1,000)", -1000),  # accounting negative
            ("1.5E3", 1500),
            (".5", 0.5),
            ("¥1,200.50", 1200.5),
            ("NT$300", 300),
        ],
    )
    def test_text_excel_reads_as_a_number(self, text, number):
        assert number_from_text(text) == number
        assert total([text], "x") == number
        assert single_number(text, "x") == number

    @pytest.mark.parametrize("text", ["1,5", "1.234,56", "1,00", "1_000", "nan", "inf", "(-3)", "+-3", "$5%", "abc"])
    def test_text_that_is_not_a_number_is_value_error_naming_the_cell(self, text):
        assert number_from_text(text) is None
        error = error_of(total, [1, text], "spend")
        assert error.code == "#VALUE!"
        assert "spend (cell 2)" in error.message

    def test_catalogue_functions_read_numeric_text(self):
        assert udfs.CAC("$1,000", "4") == 250  # by hand: 1000 / 4
        assert udfs.CAC(["$1,000", "2,000"], [" 3 ", "3"]) == 500  # (1000 + 2000) / 6
        assert udfs.CAC_PAYBACK(1200, 100, "80%") == 15  # 1200 / (100 × 0.8)
        assert error_of(udfs.CAC, "1,5", 3).code == "#VALUE!"


class TestCriteria:
    def test_numeric_text_criteria(self):
        amounts, sizes = [10, 20, 30], [500, 1500, 2500]
        assert udfs.SALES_VOLUME(amounts, sizes, ">=1,000") == 50
        assert udfs.SALES_VOLUME(amounts, [0.2, 0.5, 0.7], ">=50%") == 50

    @pytest.mark.parametrize("criterion", [">=31/01/2024", "31/01/2024", "<01.31.2024", ">=1-31-24", ">2024-13-01"])
    def test_day_or_month_first_date_text_is_value_error_naming_the_criterion(self, criterion):
        error = error_of(udfs.SALES_VOLUME, [1, 2], [45322, 45323], criterion)
        assert error.code == "#VALUE!"
        assert "criterion1" in error.message and "2024-01-31" in error.message

    def test_the_second_pair_is_named(self):
        error = error_of(udfs.SALES_VOLUME, [1, 2], ["a", "a"], "a", [45322, 45323], ">=31/01/2024")
        assert "criterion2" in error.message

    @pytest.mark.parametrize("criterion", [">=2024-01-31", ">=2024/1/31", ">=2024.01.31", ">=2024年1月31日"])
    def test_year_first_dates_are_read(self, criterion):
        # 2024-01-31 is serial 45322; the rows are 30 Jan, 31 Jan and 1 Feb
        assert udfs.SALES_VOLUME([1, 2, 4], [45321, 45322, 45323], criterion) == 6

    @pytest.mark.parametrize(("label", "other"), [("1-10", "11-50"), ("24/7", "9/5"), ("v1.2.3", "v1.2.4")])
    def test_labels_with_digits_are_still_text(self, label, other):
        assert Criterion(label, "c").mask([label, other]).tolist() == [True, False]


class TestSurveyAnswers:
    def test_nps_answers_are_whole_numbers(self):
        assert udfs.NPS([10, 9.0, 3]) == 100 * (2 - 1) / 3
        error = error_of(udfs.NPS, [10, 8.5, 3])
        assert error.code == "#NUM!" and "8.5" in error.message

    def test_csat_answers_and_scale_are_whole_numbers(self):
        assert udfs.CSAT([5, 4, 3.0, 1]) == 0.5  # by hand: 2 of 4 answers are 4 or 5
        assert error_of(udfs.CSAT, [5, 4.5]).code == "#NUM!"
        assert error_of(udfs.CSAT, [5, 4], 5.5).code == "#NUM!"
        assert error_of(udfs.CSAT, [5, 4.5], 5, "mean").code == "#NUM!"
