"""The reminder log in the admin: a read-only list, and a retry action for reminders that gave up."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from clm.celery import app as celery_app
from obligations.models import Reminder
from obligations.reminders.delivery import run_sweep
from rules.reminders import MAX_ATTEMPTS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/obligations/reminder/"


@pytest.fixture
def root(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True, language="en")
    client.force_login(user)
    return user


@pytest.fixture
def eager_celery():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def failed_reminder(smtp, make_obligation) -> Reminder:
    """A reminder that used up its attempts while the mail server refused everything."""
    make_obligation(due_date=date(2026, 12, 15))
    smtp.refusing = True
    run_sweep(now=datetime(2026, 12, 8, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    smtp.refusing = False
    reminder = Reminder.objects.get()
    Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.FAILED, attempts=MAX_ATTEMPTS)
    return reminder


def test_the_reminder_log_lists_status_attempts_and_recipient_and_is_read_only(client, root, smtp, make_obligation):
    reminder = failed_reminder(smtp, make_obligation)

    with translation.override("en"):
        listing = client.get(CHANGELIST, {"status__exact": "failed"}, HTTP_ACCEPT_LANGUAGE="en")
        detail = client.get(f"{CHANGELIST}{reminder.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [reminder]
    page = listing.content.decode()
    for column in ("column-status", "column-attempts", "column-sent_at", "column-recipient", "column-obligation"):
        assert column in page
    assert "retry_selected" in page
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert not detail.context["has_delete_permission"]


def test_retrying_a_failed_reminder_from_the_admin_sends_it(
    client, root, smtp, make_obligation, eager_celery, django_capture_on_commit_callbacks
):
    # Given a reminder that gave up during a mail outage, and the server is back
    reminder = failed_reminder(smtp, make_obligation)

    # When an administrator retries it from the reminder log
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGELIST, {"action": "retry_selected", "_selected_action": [reminder.pk]})

    # Then it is delivered once and recorded as sent
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert [m["X-CLM-Obligations"] for m in smtp.messages] == [str(reminder.obligation_id)]


def test_retrying_a_sent_reminder_from_the_admin_is_refused_with_the_reason(
    client, root, smtp, make_obligation, eager_celery, django_capture_on_commit_callbacks
):
    make_obligation(due_date=date(2026, 12, 15))
    run_sweep(now=datetime(2026, 12, 8, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    reminder = Reminder.objects.get(status=Reminder.Status.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGELIST, {"action": "retry_selected", "_selected_action": [reminder.pk]}, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert any("sent already" in m for m in messages)
    assert len(smtp.messages) == 1
