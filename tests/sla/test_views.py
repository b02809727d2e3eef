"""SLA months on the pages and the SLA target fields in the terms: what each reader sees in the grid, the month form's
refusals, and targets kept (with their results) when the terms are edited."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from contracts.forms import ContractForm
from contracts.models import Contract
from sla.models import SlaPeriod
from sla.services import MeasurementInput, sla_period_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def record(w, period, availability):
    return sla_period_save(
        contract=w.contract,
        by=w.owner,
        period=period,
        fee_amount=D("1000"),
        measurements=[MeasurementInput(w.availability.pk, D(availability))],
        today=date(2026, 6, 15),
    )


def tab(client, w):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # a signed-in user's own language outranks Accept-Language
    return client.get(reverse("contracts:detail", args=[w.contract.pk]), {"tab": "sla"}, HTTP_ACCEPT_LANGUAGE="en")


def test_the_grid_shows_each_month_met_or_missed_in_words_and_the_credit(client, sla_world):
    w = sla_world
    record(w, "2026-02", "99.95")
    record(w, "2026-03", "99.5")
    client.force_login(w.owner)

    page = tab(client, w).content.decode()

    assert 'class="num sla-met" data-period="2026-02"' in page
    assert 'class="num sla-missed" data-period="2026-03"' in page
    assert "✗ missed" in page and "✓ met" in page
    assert "50.00" in page  # 5% of 1,000 in March
    assert reverse("sla:period_edit", args=[w.contract.pk, "2026-03"]) in page
    assert reverse("sla:import", args=[w.contract.pk]) in page


def test_an_auditor_reads_the_grid_but_gets_no_way_to_change_it(client, sla_world):
    w = sla_world
    record(w, "2026-03", "99.5")
    client.force_login(UserFactory(username="auditor", role=Role.AUDITOR))

    page = tab(client, w).content.decode()

    assert "sla-missed" in page
    assert reverse("sla:period_edit", args=[w.contract.pk, "2026-03"]) not in page
    assert reverse("sla:import", args=[w.contract.pk]) not in page
    assert reverse("sla:period_new", args=[w.contract.pk]) not in page


def test_the_month_form_refuses_a_month_that_has_not_begun_and_writes_nothing(client, sla_world):
    w = sla_world
    client.force_login(w.owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("sla:period_new", args=[w.contract.pk]),
        {"period": "2099-01", f"target_{w.availability.pk}": "99.5"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "has not begun yet" in response.content.decode()
    assert not SlaPeriod.objects.exists()


def test_the_month_form_records_a_month_and_a_blank_target_has_no_result(client, sla_world):
    w = sla_world
    client.force_login(w.owner)
    response = client.post(
        reverse("sla:period_new", args=[w.contract.pk]),
        {"period": "2026-03", "fee_amount": "2000", f"target_{w.availability.pk}": "99.5"},
    )
    assert response.status_code == 302
    month = SlaPeriod.objects.get()
    assert list(month.measurements.values_list("target_id", flat=True)) == [w.availability.pk]
    assert month.credit_amount == D("100.00")


def _edit_data(w, changes):
    form = ContractForm(instance=w.contract)
    data = {k: v for k, v in form.initial.items() if v is not None and k != "end_date"}
    data.update({"vendor": w.contract.vendor_id, "owner": w.contract.owner_id, "version": w.contract.version})
    targets = list(w.contract.sla_targets.order_by("order"))
    data.update({"sla-TOTAL_FORMS": len(targets), "sla-INITIAL_FORMS": len(targets), "fee-TOTAL_FORMS": 0})
    data["fee-INITIAL_FORMS"] = 0
    for i, t in enumerate(targets):
        row = {
            "id": t.pk,
            "metric": t.metric,
            "kind": t.kind,
            "comparator": t.comparator,
            "target": t.target,
            "unit": t.unit,
            "period": t.period,
            "credit_pct": t.credit_pct,
            "critical": "on" if t.critical else "",
        }
        row.update(changes.get(i, {}))
        data.update({f"sla-{i}-{name}": value for name, value in row.items() if value not in (None, "")})
    return data


def _in_negotiation(w):
    """The targets are edited directly only before signing (after it, through an amendment)."""
    Contract.objects.filter(pk=w.contract.pk).update(status=Contract.Status.NEGOTIATING)
    w.contract.refresh_from_db()
    return w


def test_a_comparator_that_does_not_fit_the_kind_is_a_field_error_on_the_page(client, sla_world):
    w = _in_negotiation(sla_world)
    client.force_login(w.owner)
    data = _edit_data(w, {0: {"comparator": "<="}, 1: {"target": "120"}})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("contracts:edit", args=[w.contract.pk]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    sla = response.context["sla_formset"]
    assert "use ≥ or >" in " ".join(sla.forms[0].errors["comparator"])
    assert "between 0 and 100" in " ".join(sla.forms[1].errors["target"])
    w.availability.refresh_from_db()
    assert w.availability.comparator == ">="


def test_the_api_shows_target_ids_and_refuses_a_comparator_that_does_not_fit(sla_world):
    from rest_framework.test import APIClient

    w = _in_negotiation(sla_world)
    client = APIClient()
    client.force_authenticate(w.owner)
    url = f"/api/v1/contracts/{w.contract.pk}/"
    shown = client.get(url).data["sla_targets"]
    assert [row["id"] for row in shown] == [w.availability.pk, w.answer_rate.pk, w.asa.pk]

    rows = [dict(row) for row in shown]
    rows[2]["comparator"] = ">="
    response = client.patch(url, {"sla_targets": rows, "version": w.contract.version}, format="json")
    assert response.status_code == 400
    assert "comparator" in response.data["sla_targets"][2]

    rows[2]["comparator"] = "<="
    rows[2]["target"] = "15"
    response = client.patch(url, {"sla_targets": rows, "version": w.contract.version}, format="json")
    assert response.status_code == 200, response.data
    assert [row["id"] for row in response.data["sla_targets"]] == [w.availability.pk, w.answer_rate.pk, w.asa.pk]
