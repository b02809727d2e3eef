"""Contracts over the API: creating, editing with a version, the lifecycle actions, and the errors a client sees."""

from datetime import date
from decimal import Decimal

import pytest

from contracts.models import Clause, Contract, SLATarget
from obligations.models import Obligation
from tests.fixtures.api import World


def url(world: World, suffix: str = "") -> str:
    return f"/api/v1/contracts/{world.contract.pk}/{suffix}"


def test_a_new_contract_is_a_draft_owned_by_its_creator_with_its_sla_and_fee_rows(world):
    response = world.client("other_staff").post(
        "/api/v1/contracts/",
        {
            "title": "在线客服外包合同",
            "vendor": world.contract.vendor_id,
            "effective_date": "2026-01-01",
            "initial_term_months": 12,
            "price_increase_cap_pct": "5.00",
            "sla_targets": [{"metric": "接通率", "comparator": ">=", "target": "95.000", "unit": "%", "period": "月"}],
            "fee_items": [{"kind": "坐席服务费", "unit_price": "6500.0000", "unit": "席/月", "quantity": "20.00"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    body = response.data
    assert body["status"] == "draft"
    assert body["owner"] == "other_staff"
    assert body["version"] == 1
    assert body["number"].startswith("CLM-2026-")
    assert body["end_date"] == "2026-12-31"
    assert body["sla_targets"][0]["metric"] == "接通率"
    assert body["fee_items"][0]["unit_price"] == "6500.0000"


def test_an_edit_with_the_current_version_saves_and_bumps_the_version(world):
    response = world.client("editor").patch(url(world), {"title": "新标题", "version": world.contract.version})
    assert response.status_code == 200
    assert response.data["title"] == "新标题"
    assert response.data["version"] == world.contract.version + 1


def test_an_edit_with_a_stale_version_answers_409_and_changes_nothing(world):
    # Given the editor saved first
    world.client("editor").patch(url(world), {"title": "编辑者的标题", "version": world.contract.version})

    # When the owner saves with the version they read before
    response = world.client("owner").patch(
        url(world), {"title": "所有者的标题", "version": world.contract.version}, format="json"
    )

    # Then the owner gets 409 with the current version, and the editor's title stands
    assert response.status_code == 409
    assert response.data["current_version"] == world.contract.version + 1
    stored = Contract.objects.get(pk=world.contract.pk)
    assert stored.title == "编辑者的标题"
    assert stored.version == world.contract.version + 1


def test_an_edit_without_a_version_is_refused(world):
    response = world.client("owner").patch(url(world), {"title": "无版本"})
    assert response.status_code == 400
    assert "version" in response.data
    assert Contract.objects.get(pk=world.contract.pk).title != "无版本"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"effective_date": "2026-06-01", "end_date": "2026-01-01"}, "end_date"),
        ({"price_increase_cap_pct": "150"}, "price_increase_cap_pct"),
        ({"trial_period_months": 6}, "trial_period_months"),
        ({"non_renewal_notice_days": -5}, "non_renewal_notice_days"),
        ({"vendor": 999999}, "vendor"),
        ({"currency": "RMB1"}, "currency"),
        ({"sla_targets": [{"metric": "接通率"}]}, "sla_targets"),
    ],
)
def test_bad_terms_answer_400_with_the_field_that_is_wrong(world, payload, field):
    response = world.client("owner").patch(url(world), {**payload, "version": world.contract.version}, format="json")
    assert response.status_code == 400
    assert field in response.data
    assert Contract.objects.get(pk=world.contract.pk).version == world.contract.version


def test_field_errors_come_in_the_language_the_client_asks_for(world):
    client = world.client("owner")
    english = client.post("/api/v1/contracts/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.post("/api/v1/contracts/", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert english.status_code == chinese.status_code == 400
    assert english.data["title"] == ["This field is required."]
    assert chinese.data["title"] == ["该字段是必填项。"]


def test_only_a_draft_can_be_deleted(world):
    Contract.objects.filter(pk=world.contract.pk).update(status=Contract.Status.ACTIVE)
    response = world.client("owner").delete(url(world))
    assert response.status_code == 400
    assert Contract.objects.filter(pk=world.contract.pk).exists()


def test_a_shared_editor_cannot_hand_the_contract_to_someone_else(world):
    response = world.client("editor").patch(url(world), {"owner": "editor", "version": world.contract.version})
    assert response.status_code == 403
    assert Contract.objects.get(pk=world.contract.pk).owner == world.users["owner"]


def test_the_whole_lifecycle_runs_through_the_api(world):
    client = world.client("owner")
    # Terms the contract review finds nothing high in (a 10% price cap, the SLA target the clause states), so only the
    # open clause stands in the way of signing
    Contract.objects.filter(pk=world.contract.pk).update(
        effective_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
        price_change_notice_days=90,
        price_increase_cap_pct=Decimal("10"),
    )
    SLATarget.objects.filter(pk=world.sla_target.pk).update(target=Decimal("95"))

    # Signing with an open clause is refused with the reason
    assert client.post(url(world, "start-negotiation/")).data["status"] == "negotiating"
    refused = client.post(url(world, "sign/"), {"date": "2024-12-20"})
    assert refused.status_code == 400
    assert refused.data["code"] == "action_not_allowed"

    # Once the clause is agreed, it signs, activates, takes a price notice, and terminates
    clause = client.get(f"/api/v1/clauses/{world.clause.pk}/").data
    assert (
        client.patch(
            f"/api/v1/clauses/{world.clause.pk}/", {"status": "agreed", "version": clause["version"]}
        ).status_code
        == 200
    )
    assert client.post(url(world, "sign/"), {"date": "2024-12-20"}).data["status"] == "signed"
    assert client.post(url(world, "activate/"), {"date": "2025-01-01"}).data["status"] == "active"

    notice = client.post(
        url(world, "price-change-notices/"),
        {"received_on": "2025-08-01", "effective_on": "2025-09-01", "increase_pct": "8.00", "note": "涨价通知"},
    )
    assert notice.status_code == 201
    assert notice.data["compliant"] is False
    assert len(notice.data["issues"]) == 1

    terminated = client.post(url(world, "terminate/"), {"date": "2025-09-30", "reason": "服务质量不达标"})
    assert terminated.status_code == 200
    assert terminated.data["status"] == "terminated"
    assert terminated.data["terminated_on"] == "2025-09-30"

    # And the data-handover deadline is listed (Oct 1-8 are off and Saturday Oct 11 is a make-up working day)
    listed = client.get("/api/v1/obligations/", {"contract": world.contract.pk, "kind": "data_handover"}).data
    assert [row["due_date"] for row in listed["results"]] == ["2025-10-16"]


def test_an_action_not_allowed_in_the_current_status_answers_400_with_the_reason(world):
    response = world.client("owner").post(url(world, "activate/"), {"date": "2026-01-01"})
    assert response.status_code == 400
    assert response.data["detail"]
    assert Contract.objects.get(pk=world.contract.pk).status == Contract.Status.DRAFT


def test_a_lifecycle_action_needs_its_date(world):
    response = world.client("owner").post(url(world, "terminate/"), {"reason": "x"})
    assert response.status_code == 400
    assert "date" in response.data


def test_a_clause_edit_with_a_stale_version_answers_409(world):
    client = world.client("legal")
    stale = world.clause.version
    assert (
        client.post(
            f"/api/v1/clauses/{world.clause.pk}/revisions/", {"text": "法务修订的文本。", "side": "ours"}
        ).status_code
        == 201
    )
    response = client.patch(f"/api/v1/clauses/{world.clause.pk}/", {"status": "agreed", "version": stale})
    assert response.status_code == 409
    assert Clause.objects.get(pk=world.clause.pk).status == Clause.Status.PROPOSED


def test_a_vendor_revision_becomes_the_clause_text_and_is_listed(world):
    client = world.client("owner")
    client.post(f"/api/v1/clauses/{world.clause.pk}/revisions/", {"text": "接通率不低于90%。", "side": "vendor"})
    clause = client.get(f"/api/v1/clauses/{world.clause.pk}/").data
    assert clause["text"] == "接通率不低于90%。"
    assert clause["status"] == "countered"
    revisions = client.get(f"/api/v1/clauses/{world.clause.pk}/revisions/").data["results"]
    assert [r["number"] for r in revisions] == [1, 2]
    assert revisions[1]["author"] == "owner"


def test_an_uploaded_document_downloads_byte_for_byte(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client("editor")
    content = "第一条 服务范围".encode()
    uploaded = client.post(
        url(world, "documents/"), {"file": SimpleUploadedFile("附件.txt", content), "kind": "annex"}, format="multipart"
    )
    assert uploaded.status_code == 201
    download = client.get(uploaded.data["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content


def test_a_forged_document_answers_400_with_a_file_error(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = world.client("owner").post(
        url(world, "documents/"),
        {"file": SimpleUploadedFile("scan.pdf", b"MZ\x90\x00not a pdf"), "kind": "signed_scan"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.data


def test_completing_an_obligation_marks_it_done(world):
    response = world.client("owner").post(
        f"/api/v1/obligations/{world.obligation.pk}/complete/", {"note": "已书面通知供应商"}, format="json"
    )
    assert response.status_code == 200
    assert response.data["status"] == "done"
    assert Obligation.objects.get(pk=world.obligation.pk).status == Obligation.Status.DONE


def test_obligations_filter_by_due_dates(world):
    client = world.client("owner")
    due = world.obligation.due_date.isoformat()
    assert client.get("/api/v1/obligations/", {"due_before": due, "due_after": due}).data["count"] >= 1
    assert client.get("/api/v1/obligations/", {"due_after": "2099-01-01"}).data["count"] == 0


def test_moving_an_obligation_keeps_the_new_date_and_owner(world):
    response = world.client("owner").patch(
        f"/api/v1/obligations/{world.obligation.pk}/", {"due_date": "2026-12-30", "owner": "editor"}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["due_date"] == "2026-12-30"
    assert response.data["owner"] == "editor"


def test_an_obligation_cannot_be_handed_to_an_unknown_user(world):
    response = world.client("owner").patch(
        f"/api/v1/obligations/{world.obligation.pk}/", {"due_date": "2026-12-30", "owner": "nobody"}, format="json"
    )
    assert response.status_code == 400
    assert "owner" in response.data
    assert Obligation.objects.get(pk=world.obligation.pk).due_date == world.obligation.due_date


def test_a_document_whose_file_is_gone_answers_404_not_500(world):
    world.document.file.storage.delete(world.document.file.name)
    response = world.client("owner").get(f"/api/v1/documents/{world.document.pk}/download/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", lambda w: "/api/v1/contracts/"), ("patch", lambda w: f"/api/v1/obligations/{w.obligation.pk}/")],
    ids=["new contract", "obligation"],
)
def test_a_user_name_with_a_nul_character_is_a_field_error_not_a_server_error(world, method, path):
    # PostgreSQL cannot compare text holding NUL, so the lookup itself must never run (found by schemathesis)
    payload = {"title": "测试", "vendor": world.contract.vendor_id, "owner": "own\x00er"}

    response = getattr(world.client("owner"), method)(path(world), payload)

    assert response.status_code == 400
    assert "owner" in response.data


def test_service_levels_travel_with_the_contract_and_default_to_the_buyer_friendly_values(world):
    client = world.client("other_staff")
    created = client.post(
        "/api/v1/contracts/",
        {
            "title": "呼叫中心云平台",
            "vendor": world.contract.vendor_id,
            "effective_date": "2026-01-01",
            "sla_targets": [
                {"metric": "系统可用性", "kind": "availability", "comparator": ">=", "target": "99.9", "unit": "%",
                 "credit_pct": "5", "critical": True},
                {"metric": "接通率", "comparator": ">=", "target": "90", "unit": "%"},
            ],
        },
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.data
    body = created.data
    # A contract that says nothing gets a 15% credit cap and an exit right after 3 misses, decided within 30 days.
    assert (body["sla_credit_cap_pct"], body["sla_exit_consecutive_misses"], body["sla_exit_decision_days"]) == (
        "15.00",
        3,
        30,
    )
    availability, answer_rate = body["sla_targets"]
    assert (availability["kind"], availability["credit_pct"], availability["critical"]) == (
        "availability",
        "5.00",
        True,
    )
    assert (answer_rate["kind"], answer_rate["credit_pct"], answer_rate["critical"]) == ("other", None, False)

    edited = client.patch(
        f"/api/v1/contracts/{body['id']}/",
        {"version": body["version"], "sla_credit_cap_pct": None, "sla_exit_consecutive_misses": None},
        format="json",
    )
    assert edited.status_code == 200, edited.data
    assert (edited.data["sla_credit_cap_pct"], edited.data["sla_exit_consecutive_misses"]) == (None, None)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sla_credit_cap_pct": "101"}, "sla_credit_cap_pct"),
        ({"sla_exit_consecutive_misses": 0}, "sla_exit_consecutive_misses"),
        ({"sla_targets": [{"metric": "可用性", "kind": "uptime", "comparator": ">=", "target": "99"}]}, "sla_targets"),
        (
            {"sla_targets": [{"metric": "可用性", "comparator": ">=", "target": "99", "credit_pct": "-1"}]},
            "sla_targets",
        ),
    ],
)
def test_service_level_terms_out_of_range_are_field_errors(world, payload, field):
    response = world.client("other_staff").post(
        "/api/v1/contracts/",
        {"title": "x", "vendor": world.contract.vendor_id, **payload},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.data


# Ownership ---------------------------------------------------------------------------------------------------------


def _new_contract_payload(world: World, **extra) -> dict:
    return {"title": "电话客服外包合同", "vendor": world.contract.vendor_id, "effective_date": "2026-01-01", **extra}


def test_handing_the_contract_to_a_colleague_answers_the_saved_contract(world):
    response = world.client("owner").patch(url(world), {"owner": "other_staff", "version": world.contract.version})
    assert response.status_code == 200, response.data
    assert response.data["owner"] == "other_staff"
    assert response.data["id"] == world.contract.pk
    assert Contract.objects.get(pk=world.contract.pk).owner == world.users["other_staff"]


def test_creating_a_contract_for_a_colleague_answers_201_once(world):
    before = Contract.objects.count()
    response = world.client("editor").post(
        "/api/v1/contracts/", _new_contract_payload(world, owner="other_staff"), format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["owner"] == "other_staff"
    assert Contract.objects.count() == before + 1
    assert Contract.objects.get(pk=response.data["id"]).owner == world.users["other_staff"]


@pytest.mark.parametrize("role", ["auditor", "legal"])
def test_a_role_that_cannot_change_contracts_cannot_be_made_owner(world, role):
    before = Contract.objects.count()
    response = world.client("owner").post("/api/v1/contracts/", _new_contract_payload(world, owner=role), format="json")
    assert response.status_code == 400
    assert "不能担任合同负责人" in str(response.data["owner"])
    assert Contract.objects.count() == before

    response = world.client("owner").patch(url(world), {"owner": role, "version": world.contract.version})
    assert response.status_code == 400
    assert "不能担任合同负责人" in str(response.data["owner"])
    assert Contract.objects.get(pk=world.contract.pk).owner == world.users["owner"]


def test_a_request_that_fails_after_writing_leaves_nothing_behind(world, monkeypatch):
    def broken(self, instance):
        raise RuntimeError("forced failure while rendering the answer")

    monkeypatch.setattr("contracts.api.contract.ContractSerializer.to_representation", broken)
    history = Contract.history.model
    contracts_before, history_before = Contract.objects.count(), history.objects.count()
    client = world.client("owner")
    client.raise_request_exception = False

    response = client.post("/api/v1/contracts/", _new_contract_payload(world), format="json")
    assert response.status_code == 500
    response = client.patch(url(world), {"title": "不该保存", "version": world.contract.version})
    assert response.status_code == 500

    assert (Contract.objects.count(), history.objects.count()) == (contracts_before, history_before)
    assert Contract.objects.get(pk=world.contract.pk).title == world.contract.title


def test_an_auditor_given_a_contract_before_the_rule_still_cannot_change_it(world):
    Contract.objects.filter(pk=world.contract.pk).update(owner=world.users["auditor"])
    client = world.client("auditor")
    assert client.get(url(world)).status_code == 200
    assert client.patch(url(world), {"title": "审计改的", "version": world.contract.version}).status_code == 403
    response = client.post(url(world, "share/"), {"user": "viewer", "permission": "change"}, format="json")
    assert response.status_code == 403
    assert Contract.objects.get(pk=world.contract.pk).title == world.contract.title


def test_an_obligation_cannot_be_handed_to_an_auditor(world):
    response = world.client("owner").patch(
        f"/api/v1/obligations/{world.obligation.pk}/", {"owner": "auditor"}, format="json"
    )
    assert response.status_code == 400
    assert "不能将履约事项指派给" in str(response.data["owner"])
    assert Obligation.objects.get(pk=world.obligation.pk).owner is None


def test_an_edit_with_2000_fee_rows_answers_400_on_fee_items_and_changes_nothing(world):
    row = {"kind": "坐席服务费", "unit_price": "1.0000", "unit": "席/月", "quantity": "1.00"}

    response = world.client("owner").patch(
        url(world), {"version": world.contract.version, "fee_items": [row] * 2000}, format="json"
    )

    assert response.status_code == 400
    assert "fee_items" in response.data
    stored = Contract.objects.get(pk=world.contract.pk)
    assert stored.version == world.contract.version
    assert stored.fee_items.count() == world.contract.fee_items.count()


def test_a_new_contract_with_201_sla_rows_answers_400_on_sla_targets_and_creates_nothing(world):
    row = {"metric": "接通率", "comparator": ">=", "target": "95.000", "unit": "%", "period": "月"}
    before = Contract.objects.count()

    response = world.client("other_staff").post(
        "/api/v1/contracts/",
        {"title": "行数过多的合同", "vendor": world.contract.vendor_id, "sla_targets": [row] * 201},
        format="json",
    )

    assert response.status_code == 400
    assert "sla_targets" in response.data
    assert Contract.objects.count() == before
