"""A signed, active contract with a clause, an SLA row and a fee row, and the people who amend and approve it."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from contracts.lifecycle.actions import contract_activate, contract_sign, contract_start_negotiation
from contracts.models import Clause, Contract
from contracts.services.clauses import clause_create
from contracts.services.sharing import contract_share
from contracts.services.terms import contract_create
from tests.factories import UserFactory, VendorFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(db) -> dict:
    return {
        "owner": UserFactory(username="buyer", role=Role.PROCUREMENT_STAFF),
        "editor": UserFactory(username="editor", role=Role.PROCUREMENT_STAFF),
        "reader": UserFactory(username="reader", role=Role.PROCUREMENT_STAFF),
        "stranger": UserFactory(username="stranger", role=Role.PROCUREMENT_STAFF),
        "manager": UserFactory(username="boss", role=Role.PROCUREMENT_MANAGER),
        "legal": UserFactory(username="counsel", role=Role.LEGAL),
        "auditor": UserFactory(username="audit", role=Role.AUDITOR),
    }


def make_active_contract(owner, **terms) -> Contract:
    fields = {
        "title": "呼叫中心外包服务合同",
        "vendor": VendorFactory(),
        "effective_date": date(2026, 1, 1),
        "initial_term_months": 24,
        "price_change_notice_days": 90,
        "price_increase_cap_pct": Decimal("5"),
        "non_renewal_notice_days": 30,
        **terms,
    }
    contract = contract_create(
        by=owner,
        sla_targets=[{"metric": "接通率", "comparator": ">=", "target": Decimal("95"), "unit": "%"}],
        fee_items=[{"kind": "坐席费", "unit_price": Decimal("6000"), "unit": "席/月", "quantity": Decimal("20")}],
        **fields,
    )
    clause_create(
        contract=contract, by=owner, category="sla", title="服务水平", text="接通率不低于95%。", status="agreed"
    )
    contract = contract_start_negotiation(contract=contract, by=owner)
    contract = contract_sign(contract=contract, by=owner, date=date(2025, 12, 20))
    return contract_activate(contract=contract, by=owner, date=date(2026, 1, 1))


@pytest.fixture
def contract(people) -> Contract:
    contract = make_active_contract(people["owner"])
    contract_share(contract=contract, by=people["owner"], user=people["editor"], permission="change")
    contract_share(contract=contract, by=people["owner"], user=people["reader"], permission="view")
    contract.refresh_from_db()
    return contract


@pytest.fixture
def clause(contract) -> Clause:
    return contract.clauses.get()
