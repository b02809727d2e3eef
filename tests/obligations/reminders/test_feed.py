"""The private calendar feed: parses as iCalendar, shows only what the user may see, and can be revoked."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from accounts.services import calendar_token_reset
from obligations.feeds import feed_url_for
from tests.factories import ContractFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db


def fetch(client, user):
    return client.get(f"/feeds/obligations/{user.calendar_token}.ics")


def events(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def two_contracts(settings):
    settings.SITE_URL = "https://clm.example.com"
    ann = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF, language="en")
    bob = UserFactory(username="bob", role=Role.PROCUREMENT_STAFF)
    mine = ObligationFactory(contract=ContractFactory(owner=ann), title="Review trial", due_date=date(2026, 12, 15))
    theirs = ObligationFactory(contract=ContractFactory(owner=bob), title="Secret", due_date=date(2026, 12, 16))
    return ann, mine, theirs


def test_the_feed_lists_the_users_visible_obligations_as_all_day_events(client, two_contracts):
    ann, mine, theirs = two_contracts

    response = fetch(client, ann)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response)
    assert list(found) == [f"obligation-{mine.pk}@clm.example.com"]
    assert f"obligation-{theirs.pk}@clm.example.com" not in found
    event = found[f"obligation-{mine.pk}@clm.example.com"]
    assert event.decoded("DTSTART") == date(2026, 12, 15)
    assert event.decoded("DTEND") == date(2026, 12, 16)
    assert "Review trial" in str(event["SUMMARY"])
    assert mine.contract.number in str(event["SUMMARY"])
    assert str(event["URL"]) == f"https://clm.example.com{mine.get_absolute_url()}"
    assert "DTSTAMP" in event
    assert "LAST-MODIFIED" in event


def test_a_manager_sees_every_contracts_obligations(client, two_contracts):
    _, mine, theirs = two_contracts
    manager = UserFactory(username="boss", role=Role.PROCUREMENT_MANAGER)

    found = events(fetch(client, manager))

    assert set(found) == {f"obligation-{o.pk}@clm.example.com" for o in (mine, theirs)}


def test_a_changed_obligation_keeps_its_uid_and_gets_a_higher_sequence(client, two_contracts):
    ann, mine, _ = two_contracts
    before = events(fetch(client, ann))[f"obligation-{mine.pk}@clm.example.com"]

    mine.due_date = date(2026, 12, 20)
    mine.save()
    after = events(fetch(client, ann))[f"obligation-{mine.pk}@clm.example.com"]

    assert after.decoded("DTSTART") == date(2026, 12, 20)
    assert after["SEQUENCE"] > before["SEQUENCE"]


def test_resetting_the_token_kills_the_old_url(client, two_contracts):
    ann, _, _ = two_contracts
    old_url = feed_url_for(ann).removeprefix("https://clm.example.com")
    assert client.get(old_url).status_code == 200

    calendar_token_reset(user=ann)

    assert client.get(old_url).status_code == 404
    assert fetch(client, ann).status_code == 200


def test_an_unknown_token_or_an_inactive_user_gets_a_404(client, two_contracts):
    ann, _, _ = two_contracts
    assert client.get("/feeds/obligations/not-a-token.ics").status_code == 404
    ann.is_active = False
    ann.save()
    assert fetch(client, ann).status_code == 404


def test_the_feed_stays_bounded_to_a_year_back_and_three_years_ahead(client, two_contracts):
    ann, mine, _ = two_contracts
    today = timezone.localdate()
    contract = mine.contract
    old = ObligationFactory(contract=contract, due_date=today - timedelta(days=400))
    far = ObligationFactory(contract=contract, due_date=today + timedelta(days=4 * 365))

    found = events(fetch(client, ann))

    assert f"obligation-{mine.pk}@clm.example.com" in found
    assert f"obligation-{old.pk}@clm.example.com" not in found
    assert f"obligation-{far.pk}@clm.example.com" not in found


@pytest.mark.parametrize("token", ["%00", "abc%00def"])
def test_a_token_with_a_nul_byte_is_a_plain_404(client, token):
    assert client.get(f"/feeds/obligations/{token}.ics").status_code == 404


def test_the_feed_says_when_to_act_for_a_due_date_on_a_holiday(client, two_contracts):
    ann, mine, _theirs = two_contracts
    mine.due_date, mine.act_by = date(2026, 10, 1), date(2026, 9, 30)
    mine.save()

    event = events(fetch(client, ann))[f"obligation-{mine.pk}@clm.example.com"]

    assert "Due October 1, 2026, a public holiday: act by September 30, 2026." in str(event["DESCRIPTION"])
