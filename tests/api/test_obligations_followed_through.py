"""Obligations followed through over the API: complete with a note (and evidence), waive with a reason, act_by on
every obligation, and the termination notice check with its earliest date."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts.models import Contract, Document
from obligations.models import Obligation
from tests.fixtures.api import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def obligation_url(world: World, action: str = "") -> str:
    return f"/api/v1/obligations/{world.obligation.pk}/{action}"


def test_complete_without_a_note_is_a_400_and_changes_nothing(world):
    client = world.client("owner")
    for body in [{}, {"note": ""}, {"note": "   "}]:
        response = client.post(obligation_url(world, "complete/"), body, format="json")
        assert response.status_code == 400, body
        assert "note" in response.data
    assert Obligation.objects.get(pk=world.obligation.pk).status == Obligation.Status.OPEN


def test_complete_with_a_note_as_json_shows_the_note(world):
    response = world.client("owner").post(
        obligation_url(world, "complete/"), {"note": "已书面通知供应商不续约"}, format="json"
    )
    assert response.status_code == 200
    assert (response.data["status"], response.data["completion_note"], response.data["evidence"]) == (
        "done",
        "已书面通知供应商不续约",
        None,
    )


def test_complete_with_evidence_as_multipart_keeps_the_document(world):
    response = world.client("owner").post(
        obligation_url(world, "complete/"),
        {"note": "供应商已提交数据删除确认函", "document": SimpleUploadedFile("删除确认函.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 200, response.data
    document = Document.objects.get(pk=response.data["evidence"])
    assert (document.contract_id, document.kind) == (world.contract.pk, Document.Kind.EVIDENCE)


def test_evidence_that_is_not_what_its_name_says_is_a_400_and_nothing_is_kept(world):
    documents_before = Document.objects.count()
    response = world.client("owner").post(
        obligation_url(world, "complete/"),
        {"note": "见附件", "document": SimpleUploadedFile("确认函.pdf", b"MZ\x90\x00 not a pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "document" in response.data
    assert Obligation.objects.get(pk=world.obligation.pk).status == Obligation.Status.OPEN
    assert Document.objects.count() == documents_before


def test_waive_without_a_reason_is_a_400_and_with_one_it_is_kept(world):
    client = world.client("owner")
    refused = client.post(obligation_url(world, "waive/"), {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.data

    waived = client.post(obligation_url(world, "waive/"), {"reason": "已并入年度评审"}, format="json")
    assert (waived.data["status"], waived.data["waive_reason"]) == ("waived", "已并入年度评审")

    # Reopening keeps the reason for reference
    reopened = client.post(obligation_url(world, "reopen/"))
    assert (reopened.data["status"], reopened.data["waive_reason"]) == ("open", "已并入年度评审")


def test_every_obligation_has_act_by_and_a_note_when_its_due_date_is_a_holiday(world):
    client = world.client("owner")
    moved = client.patch(obligation_url(world), {"due_date": "2026-10-01"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert moved.status_code == 200
    assert (moved.data["due_date"], moved.data["act_by"]) == ("2026-10-01", "2026-09-30")
    assert moved.data["due_date_note"] == "Due October 1, 2026, a public holiday: act by September 30, 2026."

    listed = client.get("/api/v1/obligations/", HTTP_ACCEPT_LANGUAGE="en").data["results"]
    assert all("act_by" in row for row in listed)
    worked = client.patch(obligation_url(world), {"due_date": "2026-10-10"}, format="json")
    assert (worked.data["act_by"], worked.data["due_date_note"]) == ("2026-10-10", "")


def test_a_termination_too_soon_is_a_400_with_the_earliest_date_unless_for_cause(world):
    contract = world.contract
    Contract.objects.filter(pk=contract.pk).update(
        status=Contract.Status.ACTIVE, signed_on=date(2026, 1, 1), termination_notice_days=30
    )
    today = timezone.localdate()
    client = world.client("owner")
    url = f"/api/v1/contracts/{contract.pk}/terminate/"
    soon = (today + timedelta(days=10)).isoformat()

    refused = client.post(url, {"date": soon, "reason": "服务不达标"}, format="json")

    assert refused.status_code == 400
    assert refused.data["earliest_date"] == [(today + timedelta(days=30)).isoformat()]
    assert "date" in refused.data
    assert Contract.objects.get(pk=contract.pk).scheduled_termination_on is None

    scheduled = client.post(
        url, {"date": soon, "reason": "连续三个月未达SLA，行使退出权", "for_cause": True}, format="json"
    )
    assert scheduled.status_code == 200, scheduled.data
    assert (scheduled.data["status"], scheduled.data["scheduled_termination_on"]) == ("active", soon)
    assert scheduled.data["termination_for_cause"] is True


def test_an_obligation_added_by_hand_repeats_monthly_until_its_end_date(world):
    client = world.client("owner")
    url = f"/api/v1/contracts/{world.contract.pk}/obligations/"
    body = {"title": "月度服务报告审核", "due_date": "2026-01-31", "recurrence": "monthly"}

    refused = client.post(url, body, format="json")
    assert refused.status_code == 400 and "recurs_until" in refused.data

    response = client.post(url, {**body, "recurs_until": "2026-04-30"}, format="json")

    assert response.status_code == 201, response.data
    assert (response.data["due_date"], response.data["act_by"], response.data["recurrence"]) == (
        "2026-01-31",
        "2026-01-30",  # a Saturday: acted on the Friday before
        "monthly",
    )
    first = Obligation.objects.get(pk=response.data["id"])
    assert sorted(o.due_date for o in first.occurrences.all()) == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
