from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rules.credit_code import credit_code_problem

_MESSAGES = {
    "length": _("A unified social credit code has exactly 18 characters."),
    "charset": _("A unified social credit code uses only digits and the letters A-Y except I, O, S, V and Z."),
    "check_digit": _("The check digit of this unified social credit code is wrong; please check for a typo."),
}


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(_MESSAGES[problem], code=f"credit_code_{problem}")
