"""People in every role and one contract owned by a member of procurement staff."""

from datetime import date

import pytest

from contracts import services
from contracts.models import ClauseTemplate
from contracts.sharing import contract_share
from tests.factories import UserFactory, VendorFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users are created by the dozen; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _pages_in_english(client, settings):
    """Assertions read the English source strings; the language switch itself is tested in test_auth."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def owner(db):
    return UserFactory(username="buyer1", role="procurement_staff")


@pytest.fixture
def people(owner):
    return {
        "owner": owner,
        "shared": UserFactory(username="buyer_shared", role="procurement_staff"),
        "other_staff": UserFactory(username="buyer2", role="procurement_staff"),
        "manager": UserFactory(username="manager", role="procurement_manager"),
        "legal": UserFactory(username="legal", role="legal"),
        "auditor": UserFactory(username="auditor", role="auditor"),
    }


@pytest.fixture
def vendor(db):
    return VendorFactory(name="上海云呼客服外包有限公司", short_name="云呼客服")


@pytest.fixture
def contract(people, vendor):
    owner = people["owner"]
    templates = list(ClauseTemplate.objects.filter(category__in=["data_handover", "sla"]))
    contract = services.contract_create(
        by=owner,
        title="客服外包服务合同",
        vendor=vendor,
        effective_date=date(2026, 1, 1),
        initial_term_months=12,
        sla_targets=[{"metric": "接通率", "comparator": ">=", "target": 95, "unit": "%", "period": "月"}],
        fee_items=[{"kind": "坐席服务费", "unit_price": 6500, "unit": "席/月", "quantity": 20}],
        clause_templates=templates,
    )
    contract_share(contract=contract, by=owner, user=people["shared"], permission="view")
    return contract
