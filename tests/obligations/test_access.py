"""access_obligation: hidden obligations answer 404; the pages let the obligation's owner handle it, the API asks for
change rights on the contract."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role
from contracts.services.sharing import contract_share
from obligations.access import access_obligation
from tests.factories import ContractFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_obligation_follows_its_contract_and_its_owner_may_handle_it():
    owner = UserFactory(role=Role.PROCUREMENT_STAFF)
    assignee = UserFactory(role=Role.PROCUREMENT_STAFF)
    stranger = UserFactory(role=Role.PROCUREMENT_STAFF)
    contract = ContractFactory(owner=owner)
    contract_share(contract=contract, by=owner, user=assignee, permission="view")
    obligation = ObligationFactory(contract=contract, owner=assignee)

    assert access_obligation(owner, obligation.pk, to="change") == obligation
    assert access_obligation(assignee, obligation.pk, to="handle") == obligation
    with pytest.raises(PermissionDenied):
        access_obligation(assignee, obligation.pk, to="change")
    with pytest.raises(Http404):
        access_obligation(stranger, obligation.pk)
