"""Negotiation, obligations, the dashboard, vendors and settings, driven through the pages."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.lifecycle.actions import (
    contract_activate,
    contract_sign,
    contract_start_negotiation,
    price_change_notice_record,
)
from contracts.models import Contract
from obligations.models import Obligation
from tests.factories import CertificationFactory, ContractFactory, ObligationFactory, UserFactory, VendorFactory
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def test_adding_a_vendor_revision_counters_the_clause_and_the_redline_shows_the_change(client, people, contract):
    clause = contract.clauses.first()
    client.force_login(people["owner"])
    url = reverse("contracts:clause", args=[contract.pk, clause.pk])

    client.post(
        url,
        {"text": clause.text + "乙方另行收费。", "side": "vendor", "comment": "供应商意见", "version": clause.version},
    )
    response = client.get(url, {"a": 1, "b": 2})

    clause.refresh_from_db()
    assert clause.status == "countered"
    html = response.content.decode()
    assert "<ins>乙方另行收费。</ins>" in html


def test_changing_a_clause_status_to_agreed(client, people, contract):
    clause = contract.clauses.first()
    client.force_login(people["owner"])

    client.post(
        reverse("contracts:clause", args=[contract.pk, clause.pk]), {"status": "agreed", "version": clause.version}
    )

    clause.refresh_from_db()
    assert clause.status == "agreed"


def test_stale_clause_revision_keeps_the_wording_typed(client, people, contract):
    clause = contract.clauses.first()
    client.force_login(people["owner"])
    url = reverse("contracts:clause", args=[contract.pk, clause.pk])
    client.post(url, {"status": "proposed", "version": clause.version})

    response = client.post(url, {"text": "我方新措辞", "side": "ours", "version": clause.version})

    assert response.status_code == 200
    assert "Someone else changed this clause first" in response.content.decode()
    assert "我方新措辞" in response.content.decode()
    assert clause.revisions.count() == 1


@pytest.mark.parametrize("version", ["", None], ids=["blank", "removed"])
def test_a_clause_status_change_without_its_version_is_a_conflict_and_changes_nothing(
    client, people, contract, version
):
    clause = contract.clauses.first()
    client.force_login(people["owner"])
    data = {"status": "agreed"} if version is None else {"status": "agreed", "version": version}

    response = client.post(reverse("contracts:clause", args=[contract.pk, clause.pk]), data)

    assert response.status_code == 200
    assert "Someone else changed this clause first" in response.content.decode()
    clause.refresh_from_db()
    assert (clause.status, clause.version) == ("draft", 1)


def test_legal_edits_clauses_but_auditor_cannot(client, people, contract):
    clause = contract.clauses.first()
    url = reverse("contracts:clause", args=[contract.pk, clause.pk])

    client.force_login(people["legal"])
    assert client.post(url, {"status": "agreed", "version": clause.version}).status_code == 302
    client.force_login(people["auditor"])
    assert client.post(url, {"status": "waived", "version": clause.version + 1}).status_code == 403

    clause.refresh_from_db()
    assert clause.status == "agreed"


def test_obligation_pages_follow_the_contract(client, people, contract):
    obligation = ObligationFactory(contract=contract, title="季度评审")
    for role, expected in [("owner", 200), ("auditor", 200), ("other_staff", 404)]:
        client.force_login(people[role])
        assert client.get(reverse("obligations:detail", args=[obligation.pk])).status_code == expected


def test_owner_completes_reopens_and_moves_an_obligation(client, people, contract):
    obligation = ObligationFactory(contract=contract, due_date=date(2026, 12, 15))
    client.force_login(people["owner"])

    client.post(reverse("obligations:action", args=[obligation.pk, "complete"]), {"note": "已书面通知供应商"})
    obligation.refresh_from_db()
    assert obligation.status == "done"

    client.post(reverse("obligations:action", args=[obligation.pk, "reopen"]))
    client.post(reverse("obligations:action", args=[obligation.pk, "move"]), {"due_date": "2026-12-20"})
    obligation.refresh_from_db()
    assert (obligation.status, obligation.due_date, obligation.due_date_edited) == ("open", date(2026, 12, 20), True)


def test_auditor_cannot_complete_an_obligation(client, people, contract):
    obligation = ObligationFactory(contract=contract)
    client.force_login(people["auditor"])

    response = client.post(reverse("obligations:action", args=[obligation.pk, "complete"]), {"note": "已处理"})

    assert response.status_code == 403
    obligation.refresh_from_db()
    assert obligation.status == "open"


def test_owner_adds_a_custom_obligation(client, people, contract):
    client.force_login(people["owner"])

    response = client.post(
        reverse("obligations:create", args=[contract.pk]),
        {"title": "年度审计", "due_date": "2026-12-01", "responsible": "us"},
    )

    assert response.status_code == 302
    assert contract.obligations.get(title="年度审计").source == "manual"


def test_obligation_list_and_calendar_show_only_visible_obligations(client, people, contract):
    today = timezone.localdate()
    ObligationFactory(contract=contract, title="可见事项", due_date=today)
    hidden = ObligationFactory(
        title="隐藏事项", due_date=today, contract__owner=people["other_staff"], contract__number="CLM-2026-0901"
    )
    client.force_login(people["owner"])

    listing = client.get(reverse("obligations:list"), {"status": "all"}).content.decode()
    month = client.get(reverse("obligations:calendar")).content.decode()

    assert "可见事项" in listing and "可见事项" in month
    assert hidden.title not in listing and hidden.title not in month


def test_dashboard_flags_a_non_compliant_price_change_notice(client, people, contract):
    owner = people["owner"]
    contract.clauses.update(status="agreed")
    # A cap agreed, so the review lets the contract be signed.
    Contract.objects.filter(pk=contract.pk).update(price_increase_cap_pct=5)
    contract_sign(contract=contract, by=owner, date=date(2025, 12, 20))
    contract_activate(contract=contract, by=owner, date=date(2026, 1, 1))
    today = timezone.localdate()
    price_change_notice_record(
        contract=contract, by=owner, received_on=today, effective_on=today + timedelta(days=20), increase_pct=8
    )
    client.force_login(owner)

    html = client.get("/").content.decode()

    notices = client.get("/").context["price_notices"].items
    assert [o.price_change_notice.compliant for o in notices] == [False]
    assert "flag-danger" in html


def test_dashboard_lists_my_overdue_obligations_only(client, people, contract):
    today = timezone.localdate()
    ObligationFactory(contract=contract, title="我的逾期事项", due_date=today - timedelta(days=3))
    ObligationFactory(
        title="别人的逾期事项",
        due_date=today - timedelta(days=3),
        contract__owner=people["manager"],
        contract__number="CLM-2026-0902",
    )
    client.force_login(people["owner"])

    response = client.get("/")

    titles = [o.title for o in response.context["overdue"].items]
    assert titles == ["我的逾期事项"]


def test_dashboard_query_count_is_the_same_for_little_and_much_data(client, people, contract):
    today = timezone.localdate()
    client.force_login(people["owner"])
    ObligationFactory(contract=contract, due_date=today - timedelta(days=1))
    with CaptureQueriesContext(connection) as little:
        client.get("/")
    for i in range(30):
        ObligationFactory(contract=contract, due_date=today + timedelta(days=i - 10))

    with CaptureQueriesContext(connection) as much:
        client.get("/")

    assert len(much.captured_queries) == len(little.captured_queries)


def test_staff_dashboard_leaves_contracts_shared_for_reading_to_their_owner(client, people, contract):
    today = timezone.localdate()
    ObligationFactory(
        contract=contract,
        kind=Obligation.Kind.RENEWAL_WINDOW,
        source=Obligation.Source.DERIVED,
        key="bench-term",
        title="续约决策",
        starts_on=today - timedelta(days=5),
        due_date=today + timedelta(days=20),
    )

    client.force_login(people["shared"])
    shared_view = client.get("/").context["renewal_windows"].items
    client.force_login(people["manager"])
    manager_view = client.get("/").context["renewal_windows"].items

    assert [o.title for o in shared_view] == []
    assert "续约决策" in [o.title for o in manager_view]


def test_vendor_page_lists_only_the_contracts_the_user_can_see(client, people, contract):
    CertificationFactory(vendor=contract.vendor, expires_on=timezone.localdate() + timedelta(days=10))
    ContractFactory(vendor=contract.vendor, number="CLM-2026-0777", owner=people["other_staff"])
    client.force_login(people["owner"])

    html = client.get(reverse("vendors:detail", args=[contract.vendor.pk])).content.decode()

    assert contract.number in html
    assert "CLM-2026-0777" not in html
    assert "flag-warn" in html


def test_staff_creates_a_vendor_with_a_contact_and_a_bad_credit_code_is_refused(client, people):
    client.force_login(people["owner"])
    base = {
        "name": "深圳新客服有限公司",
        "status": "active",
        "contacts-TOTAL_FORMS": 1,
        "contacts-INITIAL_FORMS": 0,
        "contacts-0-name": "王五",
        "certs-TOTAL_FORMS": 0,
        "certs-INITIAL_FORMS": 0,
    }

    bad = client.post(reverse("vendors:create"), {**base, "credit_code": "91310000MA1FL0000X"})
    assert bad.status_code == 200 and "credit_code" in bad.context["form"].errors

    good_code = VendorFactory.build().credit_code
    response = client.post(reverse("vendors:create"), {**base, "credit_code": good_code})
    assert response.status_code == 302
    assert Vendor.objects.get(credit_code=good_code).contacts.get().name == "王五"


def test_auditor_cannot_open_the_vendor_edit_page(client, people, vendor):
    client.force_login(people["auditor"])

    assert client.get(reverse("vendors:edit", args=[vendor.pk])).status_code == 403


def test_settings_save_language_and_email_mode_and_reset_the_feed(client):
    user = UserFactory(language="zh-hans")
    old_token = user.calendar_token
    client.force_login(user)

    page = client.get(reverse("accounts:settings")).content.decode()
    assert old_token in page
    client.post(reverse("accounts:settings"), {"language": "en", "email_mode": "digest"})
    client.post(reverse("accounts:calendar_reset"))

    user.refresh_from_db()
    assert (user.language, user.email_mode) == ("en", "digest")
    assert user.calendar_token != old_token


def test_open_obligation_status_filter_excludes_closed_ones(client, people, contract):
    ObligationFactory(contract=contract, title="已完成", status=Obligation.Status.DONE)
    client.force_login(people["owner"])

    html = client.get(reverse("obligations:list")).content.decode()

    assert "已完成" not in html


def test_a_certificate_added_and_removed_on_the_vendor_page_moves_the_contracts_deadlines(client, people, contract):
    contract_start_negotiation(contract=contract, by=people["owner"])
    vendor = contract.vendor
    form = {
        "name": vendor.name,
        "credit_code": vendor.credit_code,
        "status": "active",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "certs-TOTAL_FORMS": 1,
        "certs-INITIAL_FORMS": 0,
        "certs-0-kind": "iso27001",
        "certs-0-number": "ISMS-2027",
        "certs-0-expires_on": "2027-03-31",
    }
    client.force_login(people["manager"])

    assert client.post(reverse("vendors:edit", args=[vendor.pk]), form).status_code == 302

    deadline = Obligation.objects.get(contract=contract, kind=Obligation.Kind.CERTIFICATE_EXPIRY)
    assert deadline.due_date == date(2027, 3, 31)
    certification = vendor.certifications.get()
    assert certification.history.latest().history_user == people["manager"]

    removal = {
        **form,
        "certs-INITIAL_FORMS": 1,
        "certs-0-id": certification.pk,
        "certs-0-vendor": vendor.pk,
        "certs-0-DELETE": "on",
    }
    assert client.post(reverse("vendors:edit", args=[vendor.pk]), removal).status_code == 302
    assert not Obligation.objects.filter(contract=contract, kind=Obligation.Kind.CERTIFICATE_EXPIRY).exists()


def test_dashboard_counts_every_one_of_my_obligations_and_lists_the_first_eight_by_due_date(client, people, contract):
    today = timezone.localdate()
    for days in range(10, 0, -1):
        ObligationFactory(contract=contract, title=f"逾期 {days} 天", due_date=today - timedelta(days=days))
    ObligationFactory(contract=contract, title="已完成", due_date=today - timedelta(days=20), status="done")
    ObligationFactory(contract=contract, title="明天到期", due_date=today + timedelta(days=1))
    client.force_login(people["owner"])

    response = client.get("/")

    overdue, upcoming = response.context["overdue"], response.context["upcoming"]
    assert overdue.total == 10
    assert [o.title for o in overdue.items] == [f"逾期 {days} 天" for days in range(10, 2, -1)]
    assert "明天到期" in [o.title for o in upcoming.items]
    assert "已完成" not in [o.title for o in overdue.items + upcoming.items]


# Acting on an obligation needs the right to change its contract ---------------------------------------------------


def _act(client, obligation, action, data=None):
    return client.post(reverse("obligations:action", args=[obligation.pk, action]), data or {})


def test_a_view_only_assignee_sees_their_obligation_but_cannot_act_on_it(client, people, contract):
    assignee = people["shared"]  # the contract is shared with them for viewing only
    obligation = ObligationFactory(contract=contract, owner=assignee, due_date=date(2026, 12, 15))
    client.force_login(assignee)

    page = client.get(reverse("obligations:detail", args=[obligation.pk]))
    assert page.status_code == 200
    assert reverse("obligations:action", args=[obligation.pk, "complete"]) not in page.content.decode()

    for action, data in [
        ("complete", {"note": "已处理"}),
        ("waive", {"reason": "不需要"}),
        ("move", {"due_date": "2026-12-30"}),
        ("reassign", {"owner": people["owner"].pk}),
    ]:
        assert _act(client, obligation, action, data).status_code == 403, action
    obligation.refresh_from_db()
    assert (obligation.status, obligation.due_date, obligation.owner) == ("open", date(2026, 12, 15), assignee)


def test_an_auditor_assigned_an_obligation_cannot_move_or_complete_it(client, people, contract):
    # Assigned before assignees had to hold a writing role: the row is written straight to the table.
    obligation = ObligationFactory(contract=contract, owner=people["auditor"], due_date=date(2026, 12, 15))
    client.force_login(people["auditor"])

    assert _act(client, obligation, "move", {"due_date": "2026-12-30"}).status_code == 403
    assert _act(client, obligation, "complete", {"note": "已处理"}).status_code == 403
    obligation.refresh_from_db()
    assert (obligation.status, obligation.due_date) == ("open", date(2026, 12, 15))


def test_an_obligation_is_not_offered_to_nor_reassigned_to_an_auditor(client, people, contract):
    obligation = ObligationFactory(contract=contract)
    client.force_login(people["owner"])

    page = client.get(reverse("obligations:detail", args=[obligation.pk]))
    offered = {user.username for user in page.context["reassign_form"].fields["owner"].queryset}
    assert {"buyer1", "buyer2", "manager"} <= offered
    assert not offered & {"auditor", "legal"}

    _act(client, obligation, "reassign", {"owner": people["auditor"].pk})
    obligation.refresh_from_db()
    assert obligation.owner is None


def test_a_certificate_dated_out_of_range_on_the_vendor_page_is_an_error_next_to_it(client, people, contract):
    vendor = contract.vendor
    form = {
        "name": vendor.name,
        "credit_code": vendor.credit_code,
        "status": "active",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "certs-TOTAL_FORMS": 1,
        "certs-INITIAL_FORMS": 0,
        "certs-0-kind": "iso27001",
        "certs-0-number": "ISMS-9999",
        "certs-0-expires_on": "9999-12-31",
    }
    client.force_login(people["manager"])

    response = client.post(reverse("vendors:edit", args=[vendor.pk]), form)

    assert response.status_code == 200
    assert "2199-12-31" in response.content.decode()
    assert not vendor.certifications.exists()
