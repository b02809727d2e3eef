"""Setting an obligation's own reminder days: one rule (rules.reminders.clean_reminder_offsets) in one service,
called by the admin and the API alike."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from obligations.actions import obligation_set_reminder_offsets
from tests.factories import ContractFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def obligation():
    owner = UserFactory(username="buyer1", role="procurement_staff")
    return ObligationFactory(contract=ContractFactory(owner=owner))


def test_the_service_stores_tidy_offsets_with_a_history_row(obligation):
    owner = obligation.contract.owner

    obligation_set_reminder_offsets(obligation=obligation, by=owner, offsets=[1, 14, 1, 0])

    obligation.refresh_from_db()
    assert obligation.reminder_offsets == [14, 1, 0]
    latest = obligation.history.first()
    assert (latest.history_user, latest.history_change_reason) == (owner, "edit")


def test_the_service_refuses_bad_offsets_and_writes_nothing(obligation):
    before = obligation.history.count()
    with pytest.raises(ValidationError) as refused:
        obligation_set_reminder_offsets(obligation=obligation, by=obligation.contract.owner, offsets=[-3, 7])
    assert "reminder_offsets" in refused.value.message_dict
    obligation.refresh_from_db()
    assert obligation.reminder_offsets is None
    assert obligation.history.count() == before


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_sets_reminder_days_through_the_same_rule(obligation):
    url = f"/api/v1/obligations/{obligation.pk}/"
    owner = obligation.contract.owner

    response = _api(owner).patch(url, {"reminder_offsets": [0, 30, 7]}, format="json")

    assert response.status_code == 200, response.data
    assert response.data["reminder_offsets"] == [30, 7, 0]
    obligation.refresh_from_db()
    assert obligation.reminder_offsets == [30, 7, 0]


@pytest.mark.parametrize("bad", [["soon"], [-1], [99999], "7", {"days": 7}])
def test_the_api_refuses_bad_reminder_days_with_400_and_changes_nothing(obligation, bad):
    url = f"/api/v1/obligations/{obligation.pk}/"
    before = obligation.history.count()

    response = _api(obligation.contract.owner).patch(
        url, {"reminder_offsets": bad, "due_date": "2027-01-05"}, format="json"
    )

    assert response.status_code == 400
    assert "reminder_offsets" in response.data
    obligation.refresh_from_db()
    assert obligation.reminder_offsets is None
    assert str(obligation.due_date) != "2027-01-05"
    assert obligation.history.count() == before
