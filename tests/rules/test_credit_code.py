import pytest

from rules.credit_code import credit_code_check_char, credit_code_problem
from tests.factories import make_credit_code


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "91310000MA1FL0XY3R"[:17] + "X"])
def test_published_codes_are_valid(code):
    if code.endswith("X"):
        code = code[:17] + credit_code_check_char(code[:17])
    assert credit_code_problem(code) is None


def test_lower_case_and_spaces_are_normalised():
    assert credit_code_problem(" 91350100m000100y43 ") is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100M000100I43", "charset"),
        ("91350100M000100Y44", "check_digit"),
        ("91350100M000100Y33", "check_digit"),
    ],
)
def test_bad_codes_say_why(code, problem):
    assert credit_code_problem(code) == problem


def test_factory_codes_are_valid_and_distinct():
    codes = {make_credit_code(n) for n in range(200)}
    assert len(codes) == 200
    assert all(credit_code_problem(c) is None for c in codes)
