"""Obligation dates entered by hand stay within the accepted range (rules.dates): a field error, nothing written."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from obligations.actions import obligation_create_custom, obligation_move_due_date
from obligations.models import Obligation
from tests.factories import ContractFactory, ObligationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("due", [date(9999, 12, 31), date(1989, 12, 31)])
def test_moving_a_due_date_out_of_range_is_a_field_error_and_changes_nothing(due):
    obligation = ObligationFactory()

    with pytest.raises(ValidationError) as refusal:
        obligation_move_due_date(obligation=obligation, by=None, due_date=due)

    assert set(refusal.value.message_dict) == {"due_date"}
    obligation.refresh_from_db()
    assert (obligation.due_date, obligation.due_date_edited) == (date(2026, 12, 15), False)


def test_an_obligation_added_by_hand_with_dates_out_of_range_is_refused_with_field_errors():
    contract = ContractFactory()

    with pytest.raises(ValidationError) as refusal:
        obligation_create_custom(
            contract=contract,
            by=contract.owner,
            title="季度评审",
            due_date=date(9999, 12, 31),
            starts_on=date(1000, 1, 1),
        )

    assert set(refusal.value.message_dict) == {"due_date", "starts_on"}
    assert not Obligation.objects.filter(contract=contract).exists()
