"""The contract's state machine in one table: the page offers exactly the lifecycle actions the services accept."""

from datetime import date

import pytest
from django.urls import reverse

from contracts.lifecycle.actions import contract_renew, price_change_notice_record
from contracts.lifecycle.states import ALLOWED_FROM, PAGE_ACTIONS, offered_actions
from contracts.models import Contract
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

Status = Contract.Status


def buttons(client, contract) -> set[str]:
    html = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    dialogs = {
        "start_negotiation": 'actions/start_negotiation/"',
        "sign": 'data-dialog="dlg-sign"',
        "activate": 'data-dialog="dlg-activate"',
        "non_renewal_notice": 'data-dialog="dlg-non_renewal_notice"',
        "renew": 'data-dialog="dlg-renew"',
        "price_change_notice": 'data-dialog="dlg-price"',
        "terminate": 'data-dialog="dlg-terminate"',
    }
    return {action for action, marker in dialogs.items() if marker in html}


def test_a_signed_contract_offers_the_price_change_notice_and_the_renewal_its_services_accept(client):
    # Given a signed contract that does not renew by itself
    contract = ContractFactory(
        status=Status.SIGNED, effective_date=date(2035, 1, 1), end_date=date(2035, 12, 31), auto_renew=False
    )
    client.force_login(contract.owner)

    # Then its page offers recording a price-change notice and renewing, besides activating and terminating
    assert buttons(client, contract) == {"activate", "renew", "price_change_notice", "terminate"}
    # And the services accept both
    notice = price_change_notice_record(
        contract=contract,
        by=contract.owner,
        received_on=date(2035, 1, 2),
        effective_on=date(2035, 6, 1),
        increase_pct=3,
    )
    assert notice.pk
    contract.refresh_from_db()
    assert contract_renew(contract=contract, by=contract.owner, months=12).end_date == date(2036, 12, 31)


def test_an_auto_renewing_contract_after_its_non_renewal_notice_offers_a_successor(client):
    # Given an active auto-renewing contract whose non-renewal notice was recorded
    contract = ContractFactory(
        status=Status.ACTIVE,
        effective_date=date(2035, 1, 1),
        end_date=date(2035, 12, 31),
        auto_renew=True,
        notice_given_on=date(2035, 6, 1),
    )
    client.force_login(contract.owner)

    # Then the page offers renewing (as a linked successor, which the service accepts), and no second notice
    assert buttons(client, contract) == {"renew", "price_change_notice", "terminate"}
    successor = contract_renew(contract=contract, by=contract.owner, successor=True)
    assert successor.predecessor == contract


@pytest.mark.parametrize("status", Status.values)
def test_every_action_offered_in_a_status_is_one_the_services_start_from_it(status):
    contract = Contract(status=status, auto_renew=False)
    for action in offered_actions(contract):
        starts = ALLOWED_FROM[action] | (ALLOWED_FROM["renew_successor"] if action == "renew" else frozenset())
        assert status in starts
    assert set(offered_actions(contract)) <= set(PAGE_ACTIONS)


def test_an_ended_contract_offers_only_a_successor_after_expiry():
    assert offered_actions(Contract(status=Status.EXPIRED)) == ("renew",)
    assert offered_actions(Contract(status=Status.TERMINATED)) == ()
