"""core.forms_fields: forms accept full-width, pasted and hand-written input and still refuse what is wrong."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms

from core.forms_fields import (
    CodeField,
    LocalisedDateField,
    LocalisedDecimalField,
    LocalisedIntegerField,
    TrimmedCharField,
)


class VendorishForm(forms.Form):
    name = TrimmedCharField(max_length=20)
    credit_code = CodeField(max_length=18, min_length=18)
    value = LocalisedDecimalField(max_digits=12, decimal_places=2, required=False)
    unit_price = LocalisedDecimalField(max_digits=12, decimal_places=4, required=False)
    days = LocalisedIntegerField(min_value=0, required=False)
    signed_on = LocalisedDateField(required=False)


def submit(**data):
    form = VendorishForm(data={"name": "示例公司", "credit_code": "91310000MA1K4XYZ2B", **data})
    form.is_valid()
    return form


def test_full_width_and_pasted_input_saves_as_plain_values():
    form = submit(
        name="　ＡＢＣ客服外包有限公司 ",
        credit_code=" ９１３１ ００００ ｍａ１ｋ ４ｘｙｚ ２ｂ ",
        value="３７２，０００．００元",
        unit_price="0.0450",
        days="１，２００",
        signed_on="２０２６年１月１日",
    )
    assert form.errors == {}
    assert form.cleaned_data == {
        "name": "ABC客服外包有限公司",
        "credit_code": "91310000MA1K4XYZ2B",
        "value": Decimal("372000.00"),
        "unit_price": Decimal("0.0450"),
        "days": 1200,
        "signed_on": date(2026, 1, 1),
    }


@pytest.mark.parametrize("typed", ["2026/1/1", "2026.1.1", "2026-01-01", "20260101"])
def test_a_date_field_reads_each_common_chinese_shape(typed):
    assert submit(signed_on=typed).cleaned_data["signed_on"] == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("value", "12,34"),
        ("value", "3万"),
        ("value", "1.005"),
        ("days", "1.5"),
        ("days", "-1"),
        ("signed_on", "2026年2月30日"),
        ("credit_code", "9131 0000 MA1K"),
    ],
)
def test_what_cannot_be_read_with_confidence_is_a_form_error_not_a_guess(field, typed):
    form = submit(**{field: typed})
    assert field in form.errors


def test_validation_counts_the_normalised_value():
    assert "name" not in submit(name=f" {'甲' * 20}\u3000").errors


def test_number_fields_render_as_text_inputs_with_a_number_keypad():
    form = VendorishForm()
    value, days = str(form["value"]), str(form["days"])
    assert 'type="text"' in value
    assert 'inputmode="decimal"' in value
    assert 'type="text"' in days
    assert 'inputmode="numeric"' in days


def test_values_that_are_not_typed_text_pass_through():
    field = LocalisedDecimalField(required=False)
    assert field.clean(Decimal("3.5")) == Decimal("3.5")
    assert field.clean(None) is None
    assert LocalisedDateField().clean(date(2026, 1, 1)) == date(2026, 1, 1)
