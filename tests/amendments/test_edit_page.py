"""Editing a draft amendment on the pages: the same form as a new one, prefilled, saved version-checked."""

from datetime import date

import pytest
from django.urls import reverse

from amendments.models import Amendment
from amendments.services import amendment_approve, amendment_create
from core.exceptions import StaleVersionError

pytestmark = pytest.mark.django_db


def as_posted(context) -> dict:
    """What a browser sends back for the edit page's forms as they are shown (nothing touched)."""
    data: dict = {}
    for name in ("form", "terms_form", "new_clause_form"):
        form = context[name]
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    for name in ("sla_formset", "fee_formset", "clause_formset"):
        formset = context[name]
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for form in formset:
            for field in form:
                value = field.value()
                if value not in (None, False, ""):
                    data[field.html_name] = "on" if value is True else value
    return data


@pytest.fixture
def draft(contract, clause, people) -> Amendment:
    return amendment_create(
        contract=contract,
        by=people["owner"],
        title="调整终止通知期",
        effective_on=date(2026, 9, 1),
        changes={"termination_notice_days": 60},
        clauses=[{"id": clause.pk, "title": clause.title, "text": "接通率不低于90%。"}],
    )


def test_the_edit_page_starts_from_the_drafts_changes(client, draft, clause, people):
    # Given a draft that changes the notice to 60 days and rewords the SLA clause
    client.force_login(people["owner"])

    # When its owner opens the edit page
    page = client.get(reverse("amendments:edit", args=[draft.pk]))

    # Then the form shows the draft's changes, not the terms in force
    assert page.status_code == 200
    assert page.context["form"]["effective_on"].value() == date(2026, 9, 1)
    assert page.context["terms_form"]["termination_notice_days"].value() == 60
    assert page.context["clause_formset"].forms[0]["text"].value() == "接通率不低于90%。"
    detail = client.get(reverse("amendments:detail", args=[draft.pk]))
    assert reverse("amendments:edit", args=[draft.pk]) in detail.content.decode()


def test_an_edit_changes_the_effective_date_and_a_term_and_keeps_the_clause(client, draft, clause, people):
    # Given the edit page of a draft, opened by someone the contract is shared with to change
    client.force_login(people["editor"])
    data = as_posted(client.get(reverse("amendments:edit", args=[draft.pk])).context)

    # When they move the day and change the notice again
    data.update({"effective_on": "2026-10-01", "terms-termination_notice_days": 45})
    response = client.post(reverse("amendments:edit", args=[draft.pk]), data)

    # Then the draft holds the new day and term, still rewords the clause, and is one version further
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.effective_on == date(2026, 10, 1)
    assert draft.changes == {"termination_notice_days": 45}
    assert draft.clauses == [{"id": clause.pk, "title": clause.title, "text": "接通率不低于90%。"}]
    assert draft.version == 2
    assert draft.status == Amendment.Status.DRAFT
    assert draft.history.first().history_user == people["editor"]


def test_an_edit_back_to_the_terms_in_force_drops_the_term(client, draft, people):
    # Given the edit page of a draft
    client.force_login(people["owner"])
    data = as_posted(client.get(reverse("amendments:edit", args=[draft.pk])).context)

    # When the notice is put back to what the contract says (30 days)
    data["terms-termination_notice_days"] = 30
    client.post(reverse("amendments:edit", args=[draft.pk]), data)

    # Then the amendment no longer changes it (the clause change remains)
    draft.refresh_from_db()
    assert "termination_notice_days" not in draft.changes
    assert len(draft.clauses) == 1


def test_a_stale_edit_is_a_form_error_and_changes_nothing(client, draft, people):
    # Given two people opened the edit page, and the first saved
    client.force_login(people["owner"])
    url = reverse("amendments:edit", args=[draft.pk])
    first = as_posted(client.get(url).context)
    second = dict(first)
    first["terms-termination_notice_days"] = 45
    assert client.post(url, first).status_code == 302

    # When the second saves from the page they read before
    second["terms-termination_notice_days"] = 75
    response = client.post(url, second)

    # Then they are told someone else saved first, and the first edit stands
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(StaleVersionError(2).message)]
    draft.refresh_from_db()
    assert draft.changes["termination_notice_days"] == 45
    assert draft.version == 2


def test_an_approved_amendment_cannot_be_edited(client, draft, people):
    # Given an approved amendment (for a later day, so it is not yet in force)
    amendment_approve(amendment=draft, by=people["manager"], today=date(2026, 6, 1))
    client.force_login(people["owner"])
    url = reverse("amendments:edit", args=[draft.pk])

    # When its owner opens or posts the edit page
    page = client.get(url)
    post = client.post(url, {"title": "x", "effective_on": "2026-10-01", "version": 2})

    # Then both are refused with the reason (in the owner's Chinese), no edit is offered, and nothing changes
    assert page.status_code == 403
    assert "只有草稿状态的补充协议可以修改" in page.content.decode()
    assert post.status_code == 403
    draft.refresh_from_db()
    assert draft.effective_on == date(2026, 9, 1)
    detail = client.get(reverse("amendments:detail", args=[draft.pk]))
    assert reverse("amendments:edit", args=[draft.pk]) not in detail.content.decode()


def test_readers_are_refused_and_strangers_do_not_see_it(client, draft, people):
    url = reverse("amendments:edit", args=[draft.pk])
    client.force_login(people["reader"])
    assert client.get(url).status_code == 403
    client.force_login(people["stranger"])
    assert client.get(url).status_code == 404


def test_a_failed_amendment_shows_why_on_its_page_and_the_contract_page(client, draft, contract, people):
    # Given an amendment that could not be applied on its day
    draft.status = Amendment.Status.FAILED
    draft.failure_reason = "结束日期早于开始日期。"
    draft.save()
    client.force_login(people["owner"])

    # When its owner reads the amendment and the contract's amendments
    page = client.get(reverse("amendments:detail", args=[draft.pk])).content.decode()
    tab = client.get(reverse("contracts:detail", args=[contract.pk]), {"tab": "amendments"}).content.decode()

    # Then both say why, and the amendment cannot be edited
    assert "结束日期早于开始日期。" in page
    assert "结束日期早于开始日期。" in tab
    assert reverse("amendments:edit", args=[draft.pk]) not in page
