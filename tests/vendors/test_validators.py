"""The credit-code validator on vendor forms and models."""

import pytest
from django.core.exceptions import ValidationError

from vendors.validators import validate_credit_code


def test_validator_gives_a_clear_message():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91350100M000100Y44")
    assert exc.value.code == "credit_code_check_digit"
