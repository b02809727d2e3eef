"""One rule says when an obligation is overdue (open past its due date); every page, the API and the admin say the
same about the same obligations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from obligations.models import Obligation
from tests.factories import ObligationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(contract):
    today = timezone.localdate()
    return {
        "late": ObligationFactory(contract=contract, title="逾期事项", due_date=today - timedelta(days=1)),
        "today": ObligationFactory(contract=contract, title="今天到期", due_date=today),
        "late_but_done": ObligationFactory(
            contract=contract, title="逾期已办", due_date=today - timedelta(days=1), status=Obligation.Status.DONE
        ),
    }


def test_the_api_the_list_the_detail_and_the_dashboard_agree_on_what_is_overdue(client, people, three):
    client.force_login(people["owner"])

    api = client.get("/api/v1/obligations/").json()["results"]
    assert {row["id"] for row in api if row["overdue"]} == {three["late"].pk}

    listed = client.get(reverse("obligations:list"), {"status": "overdue"}).context["obligations"]
    assert [o.pk for o in listed] == [three["late"].pk]
    table = client.get(reverse("obligations:list"), {"status": "all"}).content.decode()
    assert table.count('class="is-overdue"') == 1

    for name, flagged in (("late", True), ("today", False), ("late_but_done", False)):
        html = client.get(reverse("obligations:detail", args=[three[name].pk])).content.decode()
        assert ('flag-danger">Overdue<' in html) is flagged, name

    assert [o.pk for o in client.get("/").context["overdue"].items] == [three["late"].pk]


def test_the_model_and_its_filter_state_the_same_rule(three):
    today = timezone.localdate()
    filtered = set(Obligation.objects.filter(Obligation.overdue_on(today)).values_list("pk", flat=True))
    assert filtered == {o.pk for o in three.values() if o.is_overdue_on(today)} == {three["late"].pk}
