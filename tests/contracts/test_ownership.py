"""Who may own a contract and who may hand it on, held by the services and the selectors whatever the edge."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import assign_perm

from accounts.models import Role
from accounts.roles import users_who_may_own
from contracts.models import Contract
from contracts.selectors import (
    contracts_changeable_by,
    user_can_change_contract,
    user_can_edit_clauses,
    user_can_share_contract,
)
from contracts.services.sharing import contract_share
from contracts.services.terms import contract_create, contract_update
from tests.factories import ContractFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return {
        "owner": UserFactory(username="own", role=Role.PROCUREMENT_STAFF),
        "editor": UserFactory(username="edit", role=Role.PROCUREMENT_STAFF),
        "colleague": UserFactory(username="colleague", role=Role.PROCUREMENT_STAFF),
        "manager": UserFactory(username="boss", role=Role.PROCUREMENT_MANAGER),
        "legal": UserFactory(username="lawyer", role=Role.LEGAL),
        "auditor": UserFactory(username="audit", role=Role.AUDITOR),
    }


@pytest.fixture
def contract(staff):
    contract = contract_create(by=staff["owner"], title="客服外包合同", vendor=VendorFactory())
    contract_share(contract=contract, by=staff["owner"], user=staff["editor"], permission="change")
    contract.refresh_from_db()
    return contract


def test_a_shared_editor_cannot_hand_the_contract_on_through_the_service(staff, contract):
    history_before = contract.history.count()
    with pytest.raises(PermissionDenied):
        contract_update(contract=contract, by=staff["editor"], version=contract.version, owner=staff["editor"])
    contract.refresh_from_db()
    assert contract.owner == staff["owner"]
    assert contract.history.count() == history_before


def test_a_shared_editor_still_edits_the_terms_and_may_resend_the_same_owner(staff, contract):
    saved = contract_update(
        contract=contract, by=staff["editor"], version=contract.version, title="新标题", owner=staff["owner"]
    )
    assert (saved.title, saved.owner) == ("新标题", staff["owner"])


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_the_owner_or_a_manager_hands_the_contract_to_a_colleague(staff, contract, who):
    saved = contract_update(contract=contract, by=staff[who], version=contract.version, owner=staff["colleague"])
    assert saved.owner == staff["colleague"]


@pytest.mark.parametrize("role", ["auditor", "legal"])
def test_a_role_that_cannot_change_contracts_cannot_own_one(staff, contract, role):
    with pytest.raises(ValidationError) as refused:
        contract_update(contract=contract, by=staff["owner"], version=contract.version, owner=staff[role])
    assert "不能担任合同负责人" in refused.value.message_dict["owner"][0]
    assert Contract.objects.get(pk=contract.pk).owner == staff["owner"]

    with pytest.raises(ValidationError) as refused:
        contract_create(by=staff["owner"], title="另一份合同", vendor=VendorFactory(), owner=staff[role])
    assert set(refused.value.message_dict) == {"owner"}
    assert not Contract.objects.filter(title="另一份合同").exists()


def test_only_writers_are_offered_as_owners(staff):
    offered = set(users_who_may_own().values_list("username", flat=True))
    assert {"own", "edit", "colleague", "boss"} <= offered
    assert not offered & {"lawyer", "audit"}


def test_an_auditor_who_owns_a_contract_or_holds_a_change_grant_changes_nothing(staff):
    auditor = staff["auditor"]
    owned = ContractFactory(owner=auditor)  # a row from before the rule, written straight to the table
    granted = ContractFactory(effective_date=date(2026, 1, 1))
    assign_perm("contracts.change_contract", auditor, granted)

    for contract in (owned, granted):
        assert not user_can_change_contract(auditor, contract)
        assert not user_can_share_contract(auditor, contract)
        assert not user_can_edit_clauses(auditor, contract)
    assert not contracts_changeable_by(auditor).exists()


def test_legal_edits_clauses_but_not_the_contract_even_with_a_change_grant(staff, contract):
    legal = staff["legal"]
    assign_perm("contracts.change_contract", legal, contract)
    assert user_can_edit_clauses(legal, contract)
    assert not user_can_change_contract(legal, contract)
