"""The GB 32100-2015 check character of a unified social credit code."""

import pytest

from extraction.credit_code import credit_code_check_char, credit_code_problem


def test_a_valid_code_has_no_problem():
    assert credit_code_problem("91310115MA1K4PQ3XD") is None
    assert credit_code_problem(" 91310115ma1k4pq3xd ") is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [("91310115MA1K4PQ3X", "length"), ("91310115MA1K4PQ3XI", "charset"), ("91310115MA1K4PQ3XE", "check_digit")],
)
def test_each_kind_of_bad_code_is_named(code, problem):
    assert credit_code_problem(code) == problem


def test_the_check_character_of_a_widely_quoted_valid_code():
    assert credit_code_check_char("91350100M000100Y4") == "3"
