"""A reminder e-mail's labels read as each language writes them: 合同：CLM-… with a full-width colon and the kind in
full-width brackets in Chinese, "Contract: CLM-…" and "(Renewal decision)" in English."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from accounts.models import Role
from obligations.models import Obligation, Reminder
from obligations.reminders.emails import build_reminder_message
from tests.factories import ContractFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db

SCHEDULED = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def text_part(language: str) -> tuple[str, Obligation]:
    obligation = ObligationFactory(contract=ContractFactory(), kind=Obligation.Kind.RENEWAL_WINDOW)
    reader = UserFactory(role=Role.PROCUREMENT_MANAGER, language=language)
    reminder = Reminder.objects.create(obligation=obligation, recipient=reader, offset=7, scheduled_for=SCHEDULED)
    return build_reminder_message(reminder).body, obligation


def test_the_chinese_text_part_uses_full_width_colons_and_brackets():
    body, obligation = text_part("zh-hans")

    with translation.override("zh-hans"):
        kind = obligation.get_kind_display()
    assert f"合同：{obligation.contract.number}" in body
    assert "供应商：" in body
    assert "打开履约事项：http" in body
    assert any(line.endswith(f"（{kind}）") for line in body.splitlines())
    for ascii_label in ("合同: ", "供应商: ", "到期日: "):
        assert ascii_label not in body


def test_the_english_text_part_keeps_ascii_colons_and_brackets():
    body, obligation = text_part("en")

    assert f"Contract: {obligation.contract.number}" in body
    assert "Vendor: " in body
    with translation.override("en"):
        kind = obligation.get_kind_display()
    assert any(line.endswith(f" ({kind})") for line in body.splitlines())
    assert "（" not in body and "：" not in body
