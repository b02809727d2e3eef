"""The contract pages obey the same access rules as the data: who sees, who changes, and 404 for a hidden contract."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract
from contracts.services.sharing import contract_share
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

SEES = {"owner", "shared", "manager", "legal", "auditor"}
CHANGES = {"owner", "manager"}
ALL_ROLES = ["owner", "shared", "other_staff", "manager", "legal", "auditor"]
VALID_TERMS = {
    "initial_term_months": 600,
    "renewal_term_months": 12,
    "non_renewal_notice_days": 30,
    "renewal_review_lead_days": 90,
    "termination_notice_days": 30,
    "trial_period_months": 0,
    "price_change_notice_days": 90,
    "fee_model": "per_seat",
    "currency": "CNY",
    "payment_cycle": "monthly",
    "data_handover_business_days": 7,
    "confidentiality_years_after_end": 3,
    "sla_credit_cap_pct": "15",
    "sla_exit_consecutive_misses": 3,
    "sla_exit_decision_days": 30,
    "clause_language": "zh-hans",
    "sla-TOTAL_FORMS": 0,
    "sla-INITIAL_FORMS": 0,
    "fee-TOTAL_FORMS": 0,
    "fee-INITIAL_FORMS": 0,
}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("tab", ["terms", "clauses", "obligations", "documents", "history"])
def test_contract_page_tabs_show_to_those_who_see_it_and_404_to_others(client, people, contract, role, tab):
    client.force_login(people[role])

    response = client.get(reverse("contracts:detail", args=[contract.pk]), {"tab": tab})

    assert response.status_code == (200 if role in SEES else 404)
    if role in SEES:
        assert contract.number in response.content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_edit_page_opens_for_editors_only(client, people, contract, role):
    client.force_login(people[role])

    response = client.get(reverse("contracts:edit", args=[contract.pk]))

    expected = 200 if role in CHANGES else (403 if role in SEES else 404)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ALL_ROLES)
def test_clause_page_follows_the_contract(client, people, contract, role):
    clause = contract.clauses.first()
    client.force_login(people[role])

    response = client.get(reverse("contracts:clause", args=[contract.pk, clause.pk]))

    assert response.status_code == (200 if role in SEES else 404)


def test_anonymous_visitor_is_sent_to_login_from_every_contract_page(client, contract):
    for url in [
        reverse("contracts:list"),
        reverse("contracts:detail", args=[contract.pk]),
        reverse("contracts:edit", args=[contract.pk]),
        reverse("contracts:create"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_lifecycle_buttons_are_offered_to_editors_but_not_to_readers(client, people, contract):
    client.force_login(people["owner"])
    assert "Start negotiation" in client.get(contract.get_absolute_url()).content.decode()

    client.force_login(people["auditor"])
    html = client.get(contract.get_absolute_url()).content.decode()
    assert "Start negotiation" not in html
    assert "Edit terms" not in html


def test_reader_cannot_run_a_lifecycle_action_and_nothing_changes(client, people, contract):
    client.force_login(people["auditor"])

    response = client.post(reverse("contracts:action", args=[contract.pk, "start_negotiation"]))

    assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.status == "draft"


def test_hidden_contract_action_answers_404_and_nothing_changes(client, people, contract):
    client.force_login(people["other_staff"])

    response = client.post(reverse("contracts:action", args=[contract.pk, "start_negotiation"]))

    assert response.status_code == 404
    contract.refresh_from_db()
    assert contract.status == "draft"


def test_owner_starts_negotiation_from_the_contract_page(client, people, contract):
    client.force_login(people["owner"])

    response = client.post(reverse("contracts:action", args=[contract.pk, "start_negotiation"]), follow=True)

    assert response.status_code == 200
    contract.refresh_from_db()
    assert contract.status == "negotiating"
    assert "Negotiation started." in response.content.decode()


def test_signing_with_open_clauses_is_refused_with_the_reason(client, people, contract):
    client.force_login(people["owner"])
    client.post(reverse("contracts:action", args=[contract.pk, "start_negotiation"]), follow=True)

    response = client.post(reverse("contracts:action", args=[contract.pk, "sign"]), {"date": "2026-01-01"}, follow=True)

    contract.refresh_from_db()
    assert contract.status == "negotiating"
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_history_tab_says_who_did_what_in_words(client, people, contract):
    client.force_login(people["owner"])
    client.post(reverse("contracts:action", args=[contract.pk, "start_negotiation"]))

    response = client.get(reverse("contracts:detail", args=[contract.pk]), {"tab": "history"})

    html = response.content.decode()
    assert "Negotiation started" in html
    assert "buyer1" in html


def test_tab_is_served_alone_to_htmx(client, people, contract):
    client.force_login(people["owner"])

    response = client.get(
        reverse("contracts:detail", args=[contract.pk]),
        {"tab": "clauses"},
        headers={"HX-Request": "true", "HX-Target": "tab-panel"},
    )

    html = response.content.decode()
    assert "<html" not in html
    assert contract.clauses.first().title in html


def test_a_contract_that_renewed_by_itself_shows_the_end_of_its_current_term(client, people):
    """The stored end date is the initial term's; after rolling over, a buyer needs the current term's end."""
    this_year = timezone.localdate().year
    rolled = ContractFactory(
        number="CLM-2024-0042",
        owner=people["owner"],
        status="active",
        auto_renew=True,
        renewal_term_months=12,
        effective_date=date(this_year - 2, 1, 1),
        end_date=date(this_year - 2, 12, 31),
    )
    initial = ContractFactory(number="CLM-2026-0043", owner=people["owner"], status="active", auto_renew=True)
    initial.effective_date, initial.end_date = date(this_year, 1, 1), date(this_year, 12, 31)
    initial.save()
    client.force_login(people["owner"])

    register = client.get(reverse("contracts:list"), {"sort": "number"}).content.decode()
    terms = client.get(reverse("contracts:detail", args=[rolled.pk])).content.decode()

    rolled_row = next(row for row in register.split("<tr>") if "CLM-2024-0042" in row)
    assert f"{this_year}-12-31" in rolled_row  # the current term's end is the end shown
    assert f"initial term to {this_year - 2}-12-31" in rolled_row
    assert register.count("initial term to") == 1  # the contract still in its initial term shows its end date only
    assert f"{this_year}-01-01 to {this_year}-12-31 (renewal term 2)" in terms


# Ownership ---------------------------------------------------------------------------------------------------------


def _edit_data(page, contract, **changes) -> dict:
    """The edit form as the page filled it in, with `changes` typed over it."""
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(
        {
            "vendor": contract.vendor_id,
            "version": contract.version,
            "sla-TOTAL_FORMS": 0,
            "sla-INITIAL_FORMS": 0,
            "fee-TOTAL_FORMS": 0,
            "fee-INITIAL_FORMS": 0,
            **changes,
        }
    )
    data.pop("end_date", None)
    return data


def test_a_shared_editor_is_not_offered_the_owner_and_cannot_forge_it(client, people, contract):
    editor = people["other_staff"]
    contract_share(contract=contract, by=people["owner"], user=editor, permission="change")
    client.force_login(editor)
    page = client.get(reverse("contracts:edit", args=[contract.pk]))
    assert "owner" not in page.context["form"].fields
    assert 'name="owner"' not in page.content.decode()

    response = client.post(
        reverse("contracts:edit", args=[contract.pk]), _edit_data(page, contract, title="编辑改的标题", owner=editor.pk)
    )

    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.owner) == ("编辑改的标题", people["owner"])


def test_the_owner_hands_the_contract_to_a_colleague_but_not_to_an_auditor(client, people, contract):
    client.force_login(people["owner"])
    page = client.get(reverse("contracts:edit", args=[contract.pk]))
    offered = {user.username for user in page.context["form"].fields["owner"].queryset}
    assert {"buyer1", "buyer2", "manager"} <= offered
    assert not offered & {"auditor", "legal"}

    refused = client.post(
        reverse("contracts:edit", args=[contract.pk]), _edit_data(page, contract, owner=people["auditor"].pk)
    )
    assert refused.status_code == 200
    assert "owner" in refused.context["form"].errors
    contract.refresh_from_db()
    assert contract.owner == people["owner"]

    handed = client.post(
        reverse("contracts:edit", args=[contract.pk]), _edit_data(page, contract, owner=people["other_staff"].pk)
    )
    assert handed.status_code == 302
    contract.refresh_from_db()
    assert contract.owner == people["other_staff"]


def test_a_new_contract_cannot_be_given_to_an_auditor(client, people, vendor):
    client.force_login(people["owner"])
    data = {
        **VALID_TERMS,
        "title": "审计不能拥有的合同",
        "vendor": vendor.pk,
        "owner": people["auditor"].pk,
        "category": "cs_outsourcing",
        "effective_date": "2026-02-01",
        "initial_term_months": 12,
    }

    response = client.post(reverse("contracts:create"), data)

    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert not Contract.objects.filter(title="审计不能拥有的合同").exists()


def edit_form_with_rows(client, contract, *, sla: int, fees: int) -> dict:
    """The edit form as a browser posts it, every field of every row filled in (the critical box ticked)."""
    page = client.get(reverse("contracts:edit", args=[contract.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(
        {
            "vendor": contract.vendor_id,
            "owner": contract.owner_id,
            "title": "行数上限内的修改",
            "version": contract.version,
            "sla-TOTAL_FORMS": sla,
            "sla-INITIAL_FORMS": 0,
            "sla-MIN_NUM_FORMS": 0,
            "sla-MAX_NUM_FORMS": 1000,
            "fee-TOTAL_FORMS": fees,
            "fee-INITIAL_FORMS": 0,
            "fee-MIN_NUM_FORMS": 0,
            "fee-MAX_NUM_FORMS": 1000,
        }
    )
    for i in range(sla):
        data.update(
            {
                f"sla-{i}-metric": f"指标{i}",
                f"sla-{i}-kind": "answer_rate",
                f"sla-{i}-comparator": ">=",
                f"sla-{i}-target": "95",
                f"sla-{i}-unit": "%",
                f"sla-{i}-period": "月",
                f"sla-{i}-credit_pct": "1",
                f"sla-{i}-critical": "on",
            }
        )
    for i in range(fees):
        data.update(
            {
                f"fee-{i}-kind": f"费用{i}",
                f"fee-{i}-unit_price": "10",
                f"fee-{i}-unit": "席/月",
                f"fee-{i}-quantity": "1",
                f"fee-{i}-note": "备注",
            }
        )
    return data


def test_the_edit_form_saves_200_sla_rows_and_200_fee_rows(client, people, contract):
    client.force_login(people["owner"])
    data = edit_form_with_rows(client, contract, sla=200, fees=200)

    response = client.post(reverse("contracts:edit", args=[contract.pk]), data)

    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.sla_targets.count(), contract.fee_items.count()) == ("行数上限内的修改", 200, 200)
    assert client.get(reverse("contracts:edit", args=[contract.pk])).status_code == 200


@pytest.mark.parametrize(("sla", "fees", "prefix"), [(201, 1, "sla"), (1, 201, "fee")])
def test_the_edit_form_refuses_more_than_200_rows_and_changes_nothing(client, people, contract, sla, fees, prefix):
    client.force_login(people["owner"])
    data = edit_form_with_rows(client, contract, sla=sla, fees=fees)

    response = client.post(reverse("contracts:edit", args=[contract.pk]), data)

    assert response.status_code == 200
    assert response.context[f"{prefix}_formset"].non_form_errors()
    contract.refresh_from_db()
    assert (contract.title, contract.version) == ("客服外包服务合同", 1)
    assert (contract.sla_targets.count(), contract.fee_items.count()) == (1, 1)


def test_a_date_out_of_range_on_the_create_page_is_a_form_error_not_a_crash(client, people, vendor):
    client.force_login(people["owner"])
    before = set(Contract.objects.values_list("pk", flat=True))

    response = client.post(
        reverse("contracts:create"),
        {
            "title": "远期合同",
            "vendor": vendor.pk,
            "category": "cs_outsourcing",
            "effective_date": "9999-12-31",
            **VALID_TERMS,
        },
    )

    assert response.status_code == 200
    assert "2199-12-31" in response.content.decode()
    assert set(Contract.objects.values_list("pk", flat=True)) == before


def test_a_lifecycle_action_dated_out_of_range_on_the_page_is_refused_with_a_message(client, people, contract):
    client.force_login(people["owner"])

    response = client.post(reverse("contracts:action", args=[contract.pk, "sign"]), {"date": "9999-12-31"}, follow=True)

    assert response.status_code == 200
    assert "2199-12-31" in response.content.decode()
    contract.refresh_from_db()
    assert (contract.status, contract.signed_on) == ("draft", None)


def test_a_renewal_submitted_twice_from_the_same_page_applies_once(client, people):
    contract = ContractFactory(
        owner=people["owner"], status="active", effective_date=date(2030, 1, 1), end_date=date(2030, 12, 31)
    )
    client.force_login(people["owner"])
    page = client.get(contract.get_absolute_url()).content.decode()
    assert 'name="version" value="1"' in page
    url = reverse("contracts:action", args=[contract.pk, "renew"])

    client.post(url, {"months": 12, "version": 1})
    response = client.post(url, {"months": 12, "version": 1}, follow=True)

    assert "Someone else saved this record first" in response.content.decode()
    contract.refresh_from_db()
    assert (contract.end_date, contract.version) == (date(2031, 12, 31), 2)
