"""Obligations followed through and scheduled dates, driven through the pages (English interface, so the assertions
read the words a user sees)."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract, Document
from obligations.models import Obligation
from tests.factories import ObligationFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def en_owner(client, people):
    people["owner"].language = "en"
    people["owner"].save()
    client.force_login(people["owner"])
    return people["owner"]


def act(client, obligation, action, data):
    return client.post(reverse("obligations:action", args=[obligation.pk, action]), data, **EN)


def test_the_obligation_page_says_when_to_act_for_a_due_date_on_a_holiday(client, en_owner, contract):
    obligation = ObligationFactory(contract=contract, due_date=date(2026, 10, 1), act_by=date(2026, 9, 30))

    page = client.get(obligation.get_absolute_url(), **EN).content.decode()

    assert "Due October 1, 2026, a public holiday: act by September 30, 2026." in page
    assert "2026-09-30" in page


def test_marking_done_asks_what_was_done_and_keeps_the_evidence(client, en_owner, contract):
    obligation = ObligationFactory(contract=contract)

    refused = act(client, obligation, "complete", {"note": ""})
    obligation.refresh_from_db()
    assert obligation.status == "open"
    assert any("What was done" in str(m) or "required" in str(m) for m in get_messages(refused.wsgi_request))

    act(
        client,
        obligation,
        "complete",
        {"note": "Vendor confirmed deletion in writing", "document": SimpleUploadedFile("letter.pdf", PDF)},
    )

    obligation.refresh_from_db()
    assert (obligation.status, obligation.completion_note) == ("done", "Vendor confirmed deletion in writing")
    assert obligation.evidence.kind == Document.Kind.EVIDENCE
    page = client.get(obligation.get_absolute_url(), **EN).content.decode()
    assert "Vendor confirmed deletion in writing" in page
    assert reverse("contracts:document_download", args=[obligation.evidence.pk]) in page


def test_waiving_on_the_page_needs_a_reason_which_the_page_then_shows(client, en_owner, contract):
    obligation = ObligationFactory(contract=contract)

    act(client, obligation, "waive", {"reason": ""})
    obligation.refresh_from_db()
    assert obligation.status == "open"

    act(client, obligation, "waive", {"reason": "Merged into the yearly review"})
    obligation.refresh_from_db()
    assert (obligation.status, obligation.waive_reason) == ("waived", "Merged into the yearly review")
    assert "Merged into the yearly review" in client.get(obligation.get_absolute_url(), **EN).content.decode()


def test_the_add_form_creates_every_occurrence_of_a_repeating_obligation(client, en_owner, contract):
    response = client.post(
        reverse("obligations:create", args=[contract.pk]),
        {
            "title": "Quarterly service review",
            "due_date": "2026-03-31",
            "responsible": "us",
            "recurrence": "quarterly",
            "recurs_until": "2026-12-31",
        },
        **EN,
    )

    assert response.status_code == 302
    made = Obligation.objects.filter(contract=contract, title="Quarterly service review").order_by("due_date")
    assert [o.due_date for o in made] == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]
    assert all(o.recurrence == "quarterly" for o in made)


def test_the_add_form_refuses_a_repetition_without_an_end_date(client, en_owner, contract):
    response = client.post(
        reverse("obligations:create", args=[contract.pk]),
        {"title": "Monthly report", "due_date": "2026-03-31", "responsible": "us", "recurrence": "monthly"},
        **EN,
    )
    assert response.status_code == 200
    assert "recurs_until" in response.context["form"].errors
    assert not Obligation.objects.filter(title="Monthly report").exists()


def test_a_scheduled_termination_shows_on_the_contract_page_and_the_dashboard(client, en_owner, contract):
    Contract.objects.filter(pk=contract.pk).update(
        status=Contract.Status.ACTIVE, signed_on=date(2026, 1, 1), termination_notice_days=30
    )
    contract.refresh_from_db()
    day = timezone.localdate() + timedelta(days=45)

    response = client.post(
        reverse("contracts:action", args=[contract.pk, "terminate"]),
        {"date": day.isoformat(), "reason": "Moving to another vendor", "version": contract.version},
        **EN,
    )

    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == f"The termination is scheduled: the contract runs until {day:%B} {day.day}, {day.year}."
    contract.refresh_from_db()
    assert (contract.status, contract.scheduled_termination_on) == ("active", day)
    page = client.get(contract.get_absolute_url(), **EN).content.decode()
    assert f"Terminates on {day:%B} {day.day}, {day.year}" in page
    dashboard = client.get(reverse("dashboard"), **EN).content.decode()
    assert "Terminations scheduled" in dashboard and contract.number in dashboard


def test_a_termination_too_soon_is_refused_on_the_page_with_the_earliest_date(client, en_owner, contract):
    Contract.objects.filter(pk=contract.pk).update(
        status=Contract.Status.ACTIVE, signed_on=date(2026, 1, 1), termination_notice_days=30
    )
    contract.refresh_from_db()
    earliest = timezone.localdate() + timedelta(days=30)

    response = client.post(
        reverse("contracts:action", args=[contract.pk, "terminate"]),
        {"date": (timezone.localdate() + timedelta(days=5)).isoformat(), "reason": "Poor service", "version": 1},
        **EN,
    )

    contract.refresh_from_db()
    assert contract.scheduled_termination_on is None
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"{earliest:%B} {earliest.day}, {earliest.year}" in message
    assert earliest.isoformat() not in message
