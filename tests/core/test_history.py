"""Every change to a vendor, contract, clause or obligation leaves a history row saying who changed what."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone, translation

from contracts.services.clauses import clause_add_revision, clause_create, clause_update
from contracts.services.sharing import contract_share
from contracts.services.terms import contract_create, contract_update
from core.history import display_value, reason_label
from obligations.actions import obligation_complete, obligation_create_custom, obligation_move_due_date
from obligations.models import Obligation
from tests.factories import UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(username="buyer", role="procurement_staff")


@pytest.fixture
def legal():
    return UserFactory(username="counsel", role="legal")


@pytest.fixture
def contract(buyer):
    return contract_create(by=buyer, title="在线客服外包合同", vendor=VendorFactory(), effective_date=date(2026, 1, 1))


def test_a_vendor_edit_in_the_admin_records_the_user_and_the_change(client, buyer):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    vendor = VendorFactory(name="旧名称有限公司")
    client.force_login(admin_user)
    data = {
        "name": "新名称有限公司",
        "short_name": "",
        "credit_code": vendor.credit_code,
        "status": "active",
        "legal_representative": vendor.legal_representative,
        "registered_address": vendor.registered_address,
        "phone": "",
        "email": "",
        "website": "",
        "notes": "",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "certifications-TOTAL_FORMS": 0,
        "certifications-INITIAL_FORMS": 0,
    }

    response = client.post(f"/admin/vendors/vendor/{vendor.pk}/change/", data)

    assert response.status_code == 302
    latest = vendor.history.first()
    assert latest.history_user == admin_user
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "旧名称有限公司", "新名称有限公司")]


def test_contract_creation_and_edits_are_in_its_history(contract, buyer):
    contract_update(contract=contract, by=buyer, version=1, termination_notice_days=60)

    records = list(contract.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert all(r.history_user == buyer for r in records)
    delta = records[1].diff_against(records[0])
    assert {c.field: (c.old, c.new) for c in delta.changes}["termination_notice_days"] == (30, 60)


def test_clause_edits_and_revisions_are_in_its_history(contract, buyer, legal):
    clause = clause_create(contract=contract, by=buyer, category="sla", title="服务水平", text="可用性≥99.9%")
    clause_update(clause=clause, by=legal, version=1, title="服务水平与可用性")
    clause_add_revision(clause=clause, by=legal, text="可用性≥99.95%", side="vendor")

    records = list(clause.history.order_by("history_date"))
    assert [(r.history_type, r.history_user) for r in records] == [("+", buyer), ("~", legal), ("~", legal)]
    assert records[-1].text == "可用性≥99.95%"
    assert records[-1].status == "countered"


def test_obligation_changes_are_in_its_history(contract, buyer):
    obligation = obligation_create_custom(
        contract=contract, by=buyer, title="季度服务评审", due_date=date(2026, 12, 15)
    )
    obligation_move_due_date(obligation=obligation, by=buyer, due_date=date(2026, 12, 22))
    obligation_complete(obligation=obligation, by=buyer, note="已处理")

    records = list(Obligation.history.filter(id=obligation.pk).order_by("history_date"))
    assert [r.history_user for r in records] == [buyer, buyer, buyer]
    assert [(r.due_date, r.status) for r in records] == [
        (date(2026, 12, 15), "open"),
        (date(2026, 12, 22), "open"),
        (date(2026, 12, 22), "done"),
    ]


@pytest.mark.parametrize(
    ("permission", "english", "chinese"),
    [
        ("view", "Shared with user buyer2 for viewing", "已与用户 buyer2 共享（可查看）"),
        ("change", "Shared with user buyer2 for editing", "已与用户 buyer2 共享（可编辑）"),
    ],
)
def test_sharing_is_told_in_the_readers_language_in_the_history(buyer, contract, permission, english, chinese):
    UserFactory(username="buyer2", role="procurement_staff")

    contract_share(contract=contract, by=buyer, user="buyer2", permission=permission)

    reason = contract.history.latest().history_change_reason
    with translation.override("en"):
        assert reason_label(reason) == english
    with translation.override("zh-hans"):
        assert reason_label(reason) == chinese


def test_revoking_a_group_share_is_told_as_a_revocation(buyer, contract):
    Group.objects.create(name="客服采购组")
    contract_share(contract=contract, by=buyer, group="客服采购组", permission="view")

    contract_share(contract=contract, by=buyer, group="客服采购组", permission="none")

    with translation.override("zh-hans"):
        assert reason_label(contract.history.latest().history_change_reason) == "已撤销与用户组 客服采购组 的共享"


def test_a_change_made_by_an_amendment_names_the_amendment():
    with translation.override("en"):
        assert reason_label("amendment CLM-2026-0001-A2") == "Changed by amendment CLM-2026-0001-A2"


@pytest.mark.parametrize(
    ("model", "name", "value", "english"),
    [
        ("contracts.Contract", "contract_value", Decimal("1234567.5"), "USD 1,234,567.50"),
        ("contracts.Contract", "price_increase_cap_pct", Decimal("7.50"), "7.5%"),
        ("contracts.Contract", "fee_model", "per_minute", "Per minute"),
        ("contracts.Contract", "auto_renew", False, "No"),
        ("contracts.Contract", "end_date", date(2026, 2, 1), "February 1, 2026"),
        ("contracts.Contract", "currency", "", ""),
        ("contracts.SLATarget", "target", Decimal("95.500"), "95.5"),
        ("obligations.Obligation", "reminder_offsets", [30, 7, 1], "30, 7, 1"),
        ("obligations.Obligation", "completed_at", datetime(2026, 3, 1, 1, 30, tzinfo=UTC), "March 1, 2026 09:30"),
        ("contracts.Document", "file", "documents/1/ab/abcd/附件一.pdf", "附件一.pdf"),
    ],
)
def test_each_kind_of_value_is_written_for_the_reader(model, name, value, english):
    field = apps.get_model(model)._meta.get_field(name)
    with translation.override("en"), timezone.override("Asia/Shanghai"):
        assert display_value(field, value, currency="USD", money_fields=("contract_value",)) == english
