"""Derived obligations store a neutral English title; e-mails and the feed render it in the reader's language."""

from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar

from accounts.models import Role
from obligations.models import Obligation
from obligations.reminders.delivery import run_sweep
from tests.factories import CertificationFactory, ContractFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ENGLISH_TITLE = "Review the trial period"
ENGLISH_DESCRIPTION = "Decide whether the service passed its trial before the trial period ends."
ENGLISH_INSTRUCTION = (
    "Review how the vendor performed during the trial period and decide, before it ends, whether to continue."
)


def in_chinese(text: str) -> str:
    with translation.override("zh-hans"):
        translated = gettext(text)
    assert translated != text, f"the zh-hans catalogue lacks {text!r}; run compilemessages"
    return translated


def derived_trial_review(owner) -> Obligation:
    """A derived obligation as the engine stores it: English title and description, rendered on display."""
    return ObligationFactory(
        contract=ContractFactory(owner=owner),
        kind=Obligation.Kind.TRIAL_REVIEW,
        source=Obligation.Source.DERIVED,
        key="trial",
        title=ENGLISH_TITLE,
        description=ENGLISH_DESCRIPTION,
        due_date=date(2026, 12, 15),
    )


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html(message) -> str:
    return unescape(message.get_body(preferencelist=("html",)).get_content())


def test_a_derived_obligations_reminder_names_it_in_each_recipients_language(smtp):
    # Given a Chinese-speaking owner and an English-speaking watcher of a derived trial review
    owner = UserFactory(username="wang", role=Role.PROCUREMENT_STAFF, language="zh-hans")
    watcher = UserFactory(username="lee", role=Role.LEGAL, language="en")
    obligation = derived_trial_review(owner)
    obligation.watchers.add(watcher)

    # When the sweep runs 14 days before the due date
    run_sweep(now=datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI))

    # Then the owner reads the Chinese title and instruction, the watcher the English ones
    [chinese] = smtp.by_recipient("wang@example.com")
    [english] = smtp.by_recipient("lee@example.com")
    assert in_chinese(ENGLISH_TITLE) in chinese["Subject"]
    assert ENGLISH_TITLE not in chinese["Subject"]
    for body in (plain(chinese), html(chinese)):
        assert in_chinese(ENGLISH_TITLE) in body
        assert in_chinese(ENGLISH_INSTRUCTION) in body
        assert ENGLISH_TITLE not in body
    assert ENGLISH_TITLE in english["Subject"]
    assert ENGLISH_TITLE in plain(english)
    assert ENGLISH_INSTRUCTION in plain(english)
    assert ENGLISH_TITLE in html(english)


def test_a_certificate_expiry_reminder_names_the_certificate_in_the_recipients_language(smtp):
    # Given a Chinese-speaking owner and a derived certificate-expiry obligation
    owner = UserFactory(username="wang", role=Role.PROCUREMENT_STAFF, language="zh-hans")
    contract = ContractFactory(owner=owner)
    certification = CertificationFactory(vendor=contract.vendor, number="ISMS-00042")
    ObligationFactory(
        contract=contract,
        kind=Obligation.Kind.CERTIFICATE_EXPIRY,
        source=Obligation.Source.DERIVED,
        key=f"certificate:{certification.pk}",
        certification=certification,
        title="Vendor certificate expires: ISO/IEC 27001 ISMS-00042",
        due_date=date(2026, 12, 15),
    )

    # When the sweep runs 7 days before the due date
    run_sweep(now=datetime(2026, 12, 8, 9, 30, tzinfo=SHANGHAI))

    # Then the subject carries the Chinese wording and the certificate's number
    [message] = smtp.messages
    prefix = in_chinese("Vendor certificate expires: %(certificate)s").split("%(certificate)s")[0]
    assert prefix in message["Subject"]
    assert "ISMS-00042" in message["Subject"]
    assert "Vendor certificate expires" not in plain(message)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_feed_summary_is_in_the_feed_owners_language(client, language):
    # Given a derived trial review on a contract the user owns
    owner = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF, language=language)
    obligation = derived_trial_review(owner)

    # When their calendar app fetches the feed (whatever the request's language)
    response = client.get(f"/feeds/obligations/{owner.calendar_token}.ics", HTTP_ACCEPT_LANGUAGE="en")

    # Then the event's summary and description are in the user's language
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    expected_title = in_chinese(ENGLISH_TITLE) if language == "zh-hans" else ENGLISH_TITLE
    expected_description = in_chinese(ENGLISH_DESCRIPTION) if language == "zh-hans" else ENGLISH_DESCRIPTION
    assert str(event["SUMMARY"]).startswith(expected_title)
    assert obligation.contract.number in str(event["SUMMARY"])
    assert expected_description in str(event["DESCRIPTION"])
