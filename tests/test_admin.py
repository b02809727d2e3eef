"""The admin: every page opens for a superuser, and its saves go through the services."""

import hashlib
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from contracts.models import Clause, Contract, FeeItem, SLATarget
from contracts.services.clauses import clause_create
from contracts.services.documents import document_upload
from contracts.services.terms import contract_create
from obligations.models import Reminder, WorkingDayOverride
from sla.models import SlaPeriod
from sla.services import MeasurementInput, sla_period_save
from tests.factories import (
    SIGNABLE_TERMS,
    CertificationFactory,
    ObligationFactory,
    UserFactory,
    VendorContactFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def populated(superuser):
    """One row of each model the project registers, made the way the app makes them."""
    vendor = VendorFactory()
    VendorContactFactory(vendor=vendor)
    CertificationFactory(vendor=vendor)
    contract = contract_create(
        by=superuser,
        title="呼叫中心外包服务合同",
        vendor=vendor,
        effective_date=date(2026, 1, 1),
        trial_period_months=2,
        sla_targets=[{"metric": "接通率", "comparator": ">=", "target": 95, "unit": "%", "period": "月"}],
        fee_items=[{"kind": "坐席服务费", "unit_price": 6500, "unit": "席/月", "quantity": 20}],
    )
    clause_create(contract=contract, by=superuser, category="sla", title="服务水平", text="系统可用性不低于99.9%。")
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="PDF")
    document_upload(
        contract=contract, by=superuser, uploaded_file=SimpleUploadedFile("scan.pdf", buffer.getvalue()), kind="annex"
    )
    obligation = ObligationFactory(contract=contract, owner=superuser)
    Reminder.objects.create(obligation=obligation, recipient=superuser, offset=7, scheduled_for="2026-02-20T09:00Z")
    WorkingDayOverride.objects.create(date=date(2027, 2, 7), is_working_day=True, note="调休")
    sla_period_save(
        contract=contract,
        by=superuser,
        period="2026-03",
        fee_amount=None,
        measurements=[MeasurementInput(contract.sla_targets.get().pk, Decimal("93"))],
        today=date(2026, 4, 2),
    )
    return contract


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda model: model._meta.label)
def test_every_admin_page_opens_for_the_superuser(admin_client, superuser, populated, model):
    opts = model._meta
    model_admin = admin.site._registry[model]
    base = f"admin:{opts.app_label}_{opts.model_name}"

    request = RequestFactory().get("/admin/")
    request.user = superuser

    assert admin_client.get(reverse(f"{base}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{base}_changelist"), {"q": "合同"}).status_code == 200
    if model_admin.has_add_permission(request):
        assert admin_client.get(reverse(f"{base}_add")).status_code == 200
    obj = model_admin.get_queryset(request).first()
    if obj is not None:
        assert admin_client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200
    if hasattr(model_admin, "history_view") and obj is not None:
        assert admin_client.get(reverse(f"{base}_history", args=[obj.pk])).status_code == 200


def test_every_domain_model_has_an_admin():
    project_models = {
        m for m in admin.site._registry if m._meta.app_label in ("accounts", "vendors", "contracts", "obligations")
    }

    assert {m._meta.model_name for m in project_models} >= {
        "user",
        "vendor",
        "certification",
        "contract",
        "clause",
        "clausetemplate",
        "document",
        "pricechangenotice",
        "obligation",
        "workingdayoverride",
        "reminder",
    }


def contract_post_data(vendor, owner, **overrides):
    data = {
        "number": "",
        "title": "在线客服外包合同",
        "vendor": vendor.pk,
        "category": Contract.Category.CHAT_OUTSOURCING,
        "owner": owner.pk,
        "effective_date": "2026-03-01",
        "end_date": "",
        "initial_term_months": 12,
        "renewal_term_months": 12,
        "non_renewal_notice_days": 30,
        "renewal_review_lead_days": 90,
        "termination_notice_days": 30,
        "trial_period_months": 0,
        "price_change_notice_days": 90,
        "price_increase_cap_pct": "5",
        "fee_model": Contract.FeeModel.PER_MINUTE,
        "currency": "CNY",
        "contract_value": "",
        "payment_cycle": Contract.PaymentCycle.MONTHLY,
        "data_handover_business_days": 7,
        "data_storage_location": "中国境内",
        "confidentiality_years_after_end": 3,
        "sla_credit_cap_pct": "15",
        "sla_exit_consecutive_misses": 3,
        "sla_exit_decision_days": 30,
        "notes": "",
        "expected_version": "",
    }
    for prefix in ("sla_targets", "fee_items", "clauses", "price_change_notices", "documents", "obligations"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(overrides)
    return data


def test_adding_a_contract_in_the_admin_goes_through_the_service(admin_client, superuser):
    vendor = VendorFactory()
    data = contract_post_data(
        vendor,
        superuser,
        **{
            "sla_targets-TOTAL_FORMS": 1,
            "sla_targets-0-metric": "20秒接通率",
            "sla_targets-0-kind": "answer_rate",
            "sla_targets-0-comparator": ">=",
            "sla_targets-0-target": "80",
            "sla_targets-0-unit": "%",
            "sla_targets-0-period": "月",
            "sla_targets-0-order": "0",
        },
    )

    response = admin_client.post(reverse("admin:contracts_contract_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    contract = Contract.objects.get(title="在线客服外包合同")
    assert contract.number.startswith("CLM-2026-")
    assert contract.end_date == date(2027, 2, 28)
    assert contract.status == Contract.Status.DRAFT
    assert contract.created_by == superuser
    assert list(SLATarget.objects.filter(contract=contract).values_list("metric", flat=True)) == ["20秒接通率"]
    assert contract.history.first().history_user == superuser


def test_the_admin_refuses_more_than_200_fee_rows_and_adds_nothing(admin_client, superuser):
    vendor = VendorFactory()
    rows = {"fee_items-TOTAL_FORMS": 201}
    for i in range(201):
        row = {"kind": f"费用{i}", "unit_price": "1", "quantity": "1", "order": str(i)}
        rows.update({f"fee_items-{i}-{name}": value for name, value in row.items()})

    response = admin_client.post(reverse("admin:contracts_contract_add"), contract_post_data(vendor, superuser, **rows))

    assert response.status_code == 200
    assert not Contract.objects.filter(title="在线客服外包合同").exists()
    assert not FeeItem.objects.exists()


def test_the_admin_saves_a_contract_with_200_sla_rows_and_200_fee_rows(admin_client, superuser):
    vendor = VendorFactory()
    rows = {"sla_targets-TOTAL_FORMS": 200, "fee_items-TOTAL_FORMS": 200}
    sla = {"metric": "接通率", "kind": "answer_rate", "comparator": ">=", "target": "95", "unit": "%", "period": "月"}
    fee = {"kind": "坐席服务费", "unit_price": "1", "unit": "席/月", "quantity": "1", "note": "备注"}
    for i in range(200):
        rows.update({f"sla_targets-{i}-{name}": value for name, value in sla.items()})
        rows.update({f"sla_targets-{i}-credit_pct": "1", f"sla_targets-{i}-critical": "on"})
        rows.update({f"fee_items-{i}-{name}": value for name, value in fee.items()})
        rows.update({f"sla_targets-{i}-order": str(i), f"fee_items-{i}-order": str(i)})

    response = admin_client.post(reverse("admin:contracts_contract_add"), contract_post_data(vendor, superuser, **rows))

    assert response.status_code == 302
    contract = Contract.objects.get(title="在线客服外包合同")
    assert (contract.sla_targets.count(), contract.fee_items.count()) == (200, 200)


def test_a_service_refusal_is_shown_on_the_form_not_as_a_500(admin_client, superuser):
    vendor = VendorFactory()

    response = admin_client.post(
        reverse("admin:contracts_contract_add"), contract_post_data(vendor, superuser, currency="RMB1")
    )

    assert response.status_code == 200
    assert "currency" in response.context["adminform"].form.errors
    assert not Contract.objects.filter(title="在线客服外包合同").exists()


def test_a_stale_admin_edit_is_refused_and_changes_nothing(admin_client, superuser):
    vendor = VendorFactory()
    contract = contract_create(by=superuser, title="旧标题", vendor=vendor, effective_date=date(2026, 1, 1))
    FeeItem.objects.create(contract=contract, kind="坐席服务费", unit_price=6500, quantity=10)
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    data = contract_post_data(
        vendor,
        superuser,
        title="新标题",
        expected_version=contract.version,
        effective_date="2026-01-01",
        **{"fee_items-TOTAL_FORMS": 0},
    )
    data.pop("number")
    Contract.objects.filter(pk=contract.pk).update(version=contract.version + 1)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    contract.refresh_from_db()
    assert contract.title == "旧标题"
    assert FeeItem.objects.filter(contract=contract).count() == 1


def test_an_admin_edit_without_its_version_is_refused_and_changes_nothing(admin_client, superuser):
    vendor = VendorFactory()
    contract = contract_create(by=superuser, title="旧标题", vendor=vendor, effective_date=date(2026, 1, 1))
    data = contract_post_data(vendor, superuser, title="新标题", effective_date="2026-01-01")
    data.pop("number")
    data.pop("expected_version")

    response = admin_client.post(reverse("admin:contracts_contract_change", args=[contract.pk]), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    contract.refresh_from_db()
    assert (contract.title, contract.version) == ("旧标题", 1)


def test_a_clause_admin_edit_without_its_version_is_refused_and_changes_nothing(admin_client, superuser, populated):
    clause = Clause.objects.get(contract=populated)
    data = {
        "category": clause.category,
        "status": Clause.Status.AGREED,
        "order": clause.order,
        "title": "改过的标题",
        "revisions-TOTAL_FORMS": 1,
        "revisions-INITIAL_FORMS": 1,
    }

    response = admin_client.post(reverse("admin:contracts_clause_change", args=[clause.pk]), data)

    assert response.status_code == 200
    before = (clause.title, clause.status, 1)
    clause.refresh_from_db()
    assert (clause.title, clause.status, clause.version) == before


def test_a_clause_admin_edit_with_new_wording_changes_both_in_one_save(admin_client, superuser, populated):
    clause = Clause.objects.get(contract=populated)
    data = {
        "category": clause.category,
        "status": clause.status,
        "order": clause.order,
        "title": "服务水平（修订）",
        "expected_version": clause.version,
        "new_text": "系统月度可用性不低于99.95%。",
        "side": "vendor",
        "revisions-TOTAL_FORMS": 1,
        "revisions-INITIAL_FORMS": 1,
    }

    response = admin_client.post(reverse("admin:contracts_clause_change", args=[clause.pk]), data)

    assert response.status_code == 302
    clause.refresh_from_db()
    assert (clause.title, clause.text) == ("服务水平（修订）", "系统月度可用性不低于99.95%。")
    assert clause.revisions.count() == 2


def test_a_current_admin_edit_bumps_the_version(admin_client, superuser):
    vendor = VendorFactory()
    contract = contract_create(by=superuser, title="旧标题", vendor=vendor, effective_date=date(2026, 1, 1))
    data = contract_post_data(
        vendor, superuser, title="新标题", expected_version=contract.version, effective_date="2026-01-01"
    )
    data.pop("number")

    response = admin_client.post(reverse("admin:contracts_contract_change", args=[contract.pk]), data)

    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.version) == ("新标题", 2)


def test_a_new_wording_in_the_clause_admin_becomes_a_revision(admin_client, superuser, populated):
    clause = Clause.objects.get(contract=populated)
    data = {
        "category": clause.category,
        "status": clause.status,
        "order": clause.order,
        "title": clause.title,
        "expected_version": clause.version,
        "new_text": "系统月度可用性不低于99.95%。",
        "side": "vendor",
        "comment": "乙方反提案",
        "revisions-TOTAL_FORMS": 1,
        "revisions-INITIAL_FORMS": 1,
    }

    response = admin_client.post(reverse("admin:contracts_clause_change", args=[clause.pk]), data)

    assert response.status_code == 302
    clause.refresh_from_db()
    assert clause.text == "系统月度可用性不低于99.95%。"
    assert clause.status == Clause.Status.COUNTERED
    assert clause.revisions.count() == 2


def active_contract(owner):
    """An active one-year contract that started a month ago, so its renewal window lies ahead."""
    from contracts.lifecycle.actions import contract_activate, contract_sign

    start = timezone.localdate() - timedelta(days=30)
    contract = contract_create(
        by=owner, title="外包合同", vendor=VendorFactory(), effective_date=start, **SIGNABLE_TERMS
    )
    contract_sign(contract=contract, by=owner, date=start - timedelta(days=10))
    return contract_activate(contract=contract, by=owner, date=start)


def test_a_document_uploaded_in_the_admin_is_checked_like_any_upload(admin_client, superuser):
    contract = active_contract(superuser)
    png = io.BytesIO()
    Image.new("RGB", (10, 10)).save(png, format="PNG")

    response = admin_client.post(
        reverse("admin:contracts_document_add"),
        {"contract": contract.pk, "kind": "signed_scan", "file": SimpleUploadedFile("signed.pdf", png.getvalue())},
    )

    assert response.status_code == 200
    assert "file" in response.context["adminform"].form.errors
    assert not contract.documents.exists()


def test_a_real_pdf_uploaded_in_the_admin_is_stored_with_its_sha256(admin_client, superuser):
    contract = active_contract(superuser)
    pdf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(pdf, format="PDF")

    response = admin_client.post(
        reverse("admin:contracts_document_add"),
        {"contract": contract.pk, "kind": "signed_scan", "file": SimpleUploadedFile("signed.pdf", pdf.getvalue())},
    )

    assert response.status_code == 302
    document = contract.documents.get()
    assert document.sha256 == hashlib.sha256(pdf.getvalue()).hexdigest()
    assert document.uploaded_by == superuser


def test_a_price_change_notice_recorded_in_the_admin_is_checked_against_the_contract(admin_client, superuser):
    contract = active_contract(superuser)
    today = timezone.localdate()

    response = admin_client.post(
        reverse("admin:contracts_pricechangenotice_add"),
        {
            "contract": contract.pk,
            "received_on": today.isoformat(),
            "effective_on": (today + timedelta(days=40)).isoformat(),
            "increase_pct": "5",
            "note": "",
        },
    )

    assert response.status_code == 302
    notice = contract.price_change_notices.get()
    assert notice.compliant is False
    assert notice.recorded_by == superuser
    due = today + timedelta(days=39)
    assert contract.obligations.filter(kind="price_change_notice", due_date=due).exists()


def test_a_notice_on_a_draft_is_refused_on_the_form(admin_client, superuser, populated):
    response = admin_client.post(
        reverse("admin:contracts_pricechangenotice_add"),
        {"contract": populated.pk, "received_on": "2026-11-22", "effective_on": "2027-01-01", "increase_pct": "5"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not populated.price_change_notices.exists()


def obligation_form(obligation, **overrides):
    data = {
        "due_date": obligation.due_date.isoformat(),
        "status": obligation.status,
        "owner": obligation.owner_id or "",
        "watchers": [],
        "reminder_offsets": "null",
        "title": obligation.title,
        "description": obligation.description,
        "starts_on": "",
        "responsible": obligation.responsible,
        "completion_note": obligation.completion_note,
        "waive_reason": obligation.waive_reason,
        "recurrence": obligation.recurrence,
        "recurs_until": "",
    }
    data.update(overrides)
    return data


def test_moving_a_due_date_in_the_admin_marks_it_as_set_by_hand(admin_client, superuser):
    contract = active_contract(superuser)
    obligation = contract.obligations.get(kind="renewal_window")
    url = reverse("admin:obligations_obligation_change", args=[obligation.pk])

    moved = obligation.due_date - timedelta(days=10)

    response = admin_client.post(url, obligation_form(obligation, due_date=moved.isoformat()))

    assert response.status_code == 302
    obligation.refresh_from_db()
    assert (obligation.due_date, obligation.due_date_edited) == (moved, True)
    assert obligation.history.first().history_user == superuser


def test_completing_an_obligation_in_the_admin_stamps_who_and_when(admin_client, superuser):
    contract = active_contract(superuser)
    obligation = contract.obligations.get(kind="renewal_window")
    url = reverse("admin:obligations_obligation_change", args=[obligation.pk])

    refused = admin_client.post(url, obligation_form(obligation, status="done"))
    response = admin_client.post(url, obligation_form(obligation, status="done", completion_note="已书面通知供应商"))

    assert "completion_note" in refused.context["adminform"].form.errors
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert (obligation.status, obligation.completed_by) == ("done", superuser)
    assert obligation.completed_at is not None
    assert obligation.completion_note == "已书面通知供应商"


def test_bad_reminder_offsets_are_a_field_error(admin_client, superuser):
    contract = active_contract(superuser)
    obligation = contract.obligations.get(kind="renewal_window")
    url = reverse("admin:obligations_obligation_change", args=[obligation.pk])

    response = admin_client.post(url, obligation_form(obligation, reminder_offsets='["soon"]'))

    assert response.status_code == 200
    assert "reminder_offsets" in response.context["adminform"].form.errors


def test_a_custom_obligation_added_in_the_admin_is_manual(admin_client, superuser):
    contract = active_contract(superuser)

    response = admin_client.post(
        reverse("admin:obligations_obligation_add"),
        {
            "contract": contract.pk,
            "title": "供应商年度安全审计",
            "description": "",
            "due_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "starts_on": "",
            "responsible": "vendor",
            "owner": "",
        },
    )

    assert response.status_code == 302
    obligation = contract.obligations.get(title="供应商年度安全审计")
    assert (obligation.kind, obligation.source, obligation.responsible) == ("custom", "manual", "vendor")


@pytest.mark.parametrize("url_name", ["admin:contracts_contract_changelist", "admin:obligations_obligation_changelist"])
def test_admin_lists_cost_the_same_queries_for_3_or_30_rows(admin_client, superuser, url_name):
    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse(url_name)).status_code == 200
        return len(captured)

    ObligationFactory.create_batch(3)
    few = queries_for_list()
    ObligationFactory.create_batch(27)

    assert queries_for_list() == few


def test_the_admin_cannot_make_an_auditor_own_a_contract(admin_client, superuser):
    auditor = UserFactory(username="auditor", role="auditor")
    vendor = VendorFactory()
    contract = contract_create(by=superuser, title="旧标题", vendor=vendor, effective_date=date(2026, 1, 1))
    data = contract_post_data(
        vendor, auditor, title="旧标题", expected_version=contract.version, effective_date="2026-01-01"
    )
    data.pop("number")

    response = admin_client.post(reverse("admin:contracts_contract_change", args=[contract.pk]), data)

    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors
    contract.refresh_from_db()
    assert (contract.owner, contract.version) == (superuser, 1)


def test_the_admin_cannot_assign_an_obligation_to_an_auditor(admin_client, superuser):
    auditor = UserFactory(username="auditor", role="auditor")
    obligation = active_contract(superuser).obligations.get(kind="renewal_window")

    response = admin_client.post(
        reverse("admin:obligations_obligation_change", args=[obligation.pk]),
        obligation_form(obligation, owner=auditor.pk),
    )

    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors
    obligation.refresh_from_db()
    assert obligation.owner is None


def test_the_owner_autocomplete_lists_only_those_who_may_own(admin_client):
    UserFactory(username="owner-staff", role="procurement_staff")
    UserFactory(username="owner-auditor", role="auditor")
    found = {}
    for model, app in (("contract", "contracts"), ("obligation", "obligations")):
        response = admin_client.get(
            reverse("admin:autocomplete"),
            {"term": "owner-", "app_label": app, "model_name": model, "field_name": "owner"},
        )
        assert response.status_code == 200
        found[model] = {row["text"] for row in response.json()["results"]}
    assert found == {"contract": {"owner-staff"}, "obligation": {"owner-staff"}}


def test_an_sla_month_is_deleted_from_the_admin_through_the_service(admin_client, populated, superuser):
    month = SlaPeriod.objects.get(contract=populated)
    response = admin_client.post(
        reverse("admin:sla_slaperiod_changelist"),
        {"action": "delete_months", "_selected_action": [month.pk]},
    )
    assert response.status_code == 302
    assert not SlaPeriod.objects.exists()
    assert SlaPeriod.history.filter(history_type="-", history_user=superuser).count() == 1


def test_an_sla_target_whose_comparator_does_not_fit_its_kind_is_a_field_error_in_the_admin(admin_client, populated):
    target = populated.sla_targets.get()
    data = contract_post_data(populated.vendor, populated.owner, expected_version=populated.version)
    data.update(
        {
            "number": populated.number,
            "effective_date": "2026-01-01",
            "sla_targets-TOTAL_FORMS": 1,
            "sla_targets-INITIAL_FORMS": 1,
            "sla_targets-0-id": target.pk,
            "sla_targets-0-contract": populated.pk,
            "sla_targets-0-metric": target.metric,
            "sla_targets-0-kind": "answer_rate",
            "sla_targets-0-comparator": "<=",
            "sla_targets-0-target": "95",
            "sla_targets-0-order": 0,
        }
    )
    response = admin_client.post(reverse("admin:contracts_contract_change", args=[populated.pk]), data)
    assert response.status_code == 200
    assert SLATarget.objects.get(pk=target.pk).comparator == ">="
