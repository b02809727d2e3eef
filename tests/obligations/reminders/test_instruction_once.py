"""A reminder e-mail says what to do once: the kind's instruction appears exactly once in the plain-text part and once
in the HTML part, in Chinese and in English, and the obligation's stored summary of the same instruction is not
repeated beneath it. A hand-made obligation's own description is still shown, once."""

from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from accounts.models import Role
from obligations.models import Obligation, Reminder
from obligations.reminders.emails import WHAT_TO_DO, build_digest_message, build_reminder_message
from tests.factories import ContractFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = Obligation.Kind
DERIVED_KINDS = [
    Kind.RENEWAL_WINDOW,
    Kind.PRICE_CHANGE_NOTICE,
    Kind.DATA_HANDOVER,
    Kind.TRIAL_REVIEW,
    Kind.CERTIFICATE_EXPIRY,
]
LANGUAGES = ["zh-hans", "en"]
SCHEDULED = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def parts(message) -> dict[str, str]:
    return {
        "text": message.body,
        "html": unescape(message.alternatives[0][0]),
    }


def reminder_for(obligation: Obligation, language: str, offset: int = 14) -> Reminder:
    reader = UserFactory(role=Role.PROCUREMENT_MANAGER, language=language)
    return Reminder.objects.create(obligation=obligation, recipient=reader, offset=offset, scheduled_for=SCHEDULED)


def phrasings(obligation: Obligation, language: str) -> tuple[str, str]:
    """The e-mail's instruction for the kind and the obligation's stored summary of it, in the reader's language."""
    with translation.override(language):
        return str(WHAT_TO_DO[obligation.kind]), obligation.display_description


def derived(kind: str) -> Obligation:
    return ObligationFactory(
        contract=ContractFactory(), kind=kind, source=Obligation.Source.DERIVED, key=kind, title="", description=""
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", DERIVED_KINDS)
@pytest.mark.parametrize("offset", [14, -2])
def test_a_reminder_gives_the_instruction_exactly_once_in_each_part(kind, language, offset):
    obligation = derived(kind)
    instruction, summary = phrasings(obligation, language)
    assert instruction != summary

    message = build_reminder_message(reminder_for(obligation, language, offset))

    for part, body in parts(message).items():
        assert body.count(instruction) == 1, (part, body)
        assert summary not in body, (part, body)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_digest_gives_each_items_instruction_exactly_once_in_each_part(language):
    reader = UserFactory(role=Role.PROCUREMENT_MANAGER, language=language)
    obligations = [derived(kind) for kind in DERIVED_KINDS]
    reminders = [
        Reminder.objects.create(obligation=o, recipient=reader, offset=7, scheduled_for=SCHEDULED) for o in obligations
    ]

    message = build_digest_message(reader, reminders)

    for obligation in obligations:
        instruction, summary = phrasings(obligation, language)
        for part, body in parts(message).items():
            assert body.count(instruction) == 1, (part, obligation.kind)
            assert summary not in body, (part, obligation.kind)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_hand_made_obligation_keeps_its_own_description_once(language):
    obligation = ObligationFactory(
        contract=ContractFactory(), kind=Kind.CUSTOM, title="季度服务评审", description="带上第三季度的质检报告。"
    )
    instruction, _ = phrasings(obligation, language)

    message = build_reminder_message(reminder_for(obligation, language))

    for body in parts(message).values():
        assert body.count(instruction) == 1
        assert body.count("带上第三季度的质检报告。") == 1
