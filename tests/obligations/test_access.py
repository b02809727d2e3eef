"""access_obligation: hidden obligations answer 404; acting on one (complete, waive, reopen, move, reassign) needs the
right to change its contract, in the pages, the API and the admin alike. Being its assignee alone is not enough."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import Role
from contracts.services.sharing import contract_share
from obligations.access import access_obligation, user_can_act_on_obligation
from obligations.actions import obligation_create_custom, obligation_reassign
from tests.factories import ContractFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_obligation_follows_its_contract_and_only_contract_editors_act_on_it():
    owner = UserFactory(role=Role.PROCUREMENT_STAFF)
    assignee = UserFactory(role=Role.PROCUREMENT_STAFF)
    editor = UserFactory(role=Role.PROCUREMENT_STAFF)
    stranger = UserFactory(role=Role.PROCUREMENT_STAFF)
    contract = ContractFactory(owner=owner)
    contract_share(contract=contract, by=owner, user=assignee, permission="view")
    contract_share(contract=contract, by=owner, user=editor, permission="change")
    obligation = ObligationFactory(contract=contract, owner=assignee)

    assert access_obligation(owner, obligation.pk, to="act") == obligation
    assert access_obligation(editor, obligation.pk, to="act") == obligation
    assert access_obligation(assignee, obligation.pk) == obligation
    with pytest.raises(PermissionDenied):
        access_obligation(assignee, obligation.pk, to="act")
    with pytest.raises(Http404):
        access_obligation(stranger, obligation.pk)


def test_an_auditor_assignee_sees_the_obligation_but_never_acts_on_it():
    auditor = UserFactory(role=Role.AUDITOR)
    obligation = ObligationFactory(contract=ContractFactory(), owner=auditor)

    assert access_obligation(auditor, obligation.pk) == obligation
    assert not user_can_act_on_obligation(auditor, obligation)
    with pytest.raises(PermissionDenied):
        access_obligation(auditor, obligation.pk, to="act")


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.LEGAL])
def test_an_obligation_is_assigned_only_to_a_role_that_may_change_contracts(role):
    contract = ContractFactory()
    obligation = ObligationFactory(contract=contract)
    reader = UserFactory(role=role)

    with pytest.raises(ValidationError) as refused:
        obligation_reassign(obligation=obligation, by=contract.owner, owner=reader)
    assert "不能将履约事项指派给" in refused.value.message_dict["owner"][0]
    obligation.refresh_from_db()
    assert obligation.owner is None

    with pytest.raises(ValidationError) as refused:
        obligation_create_custom(
            contract=contract, by=contract.owner, title="年度审计", due_date=contract.end_date, owner=reader
        )
    assert set(refused.value.message_dict) == {"owner"}
    assert not contract.obligations.filter(title="年度审计").exists()

    colleague = UserFactory(role=Role.PROCUREMENT_STAFF)
    assert obligation_reassign(obligation=obligation, by=contract.owner, owner=colleague).owner == colleague
