"""Reminder e-mails greet the reader by name as it is written (李晓敏) and date the obligation in prose."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from obligations.models import Reminder
from obligations.reminders.emails import build_digest_message, build_reminder_message
from tests.factories import ContractFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db


def bodies(message) -> list[str]:
    return [message.body, message.alternatives[0][0]]


@pytest.mark.parametrize(("language", "due"), [("zh-hans", "2026年12月1日"), ("en", "December 1, 2026")])
def test_a_reminder_greets_the_reader_by_the_name_in_chinese_order(language, due):
    reader = UserFactory(
        username="lixm", first_name="晓敏", last_name="李", role=Role.PROCUREMENT_STAFF, language=language
    )
    obligation = ObligationFactory(contract=ContractFactory(owner=reader), due_date=date(2026, 12, 1))
    reminder = Reminder(
        obligation=obligation,
        recipient=reader,
        offset=7,
        scheduled_for=datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("Asia/Shanghai")),
    )

    for message in (build_reminder_message(reminder), build_digest_message(reader, [reminder])):
        for body in bodies(message):
            assert "李晓敏" in body  # the greeting: the whole name, family name first
            assert due in body
