"""The admin's working-day overrides, loaded from the database into the calendar."""

from datetime import date

import pytest
from django.urls import reverse

from contracts.models import Contract
from obligations import calendar as cal
from obligations.derivation import derive_obligations
from obligations.models import WorkingDayOverride
from rules.workdays import LAST_OFFICIAL_YEAR, WorkingDayCalendar
from tests.factories import ContractFactory, UserFactory

OFFICIAL = WorkingDayCalendar()


@pytest.mark.django_db
def test_the_module_helpers_read_the_admin_override_table():
    day = date(2026, 3, 9)  # an ordinary Monday
    assert cal.is_working_day(day)
    WorkingDayOverride.objects.create(date=day, is_working_day=False, note="company day off")
    assert not cal.is_working_day(day)
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 10)


@pytest.mark.django_db
def test_an_override_in_a_later_year_marks_that_year_as_scheduled():
    later = date(LAST_OFFICIAL_YEAR + 1, 5, 6)
    assert cal.is_provisional(later)
    WorkingDayOverride.objects.create(date=date(later.year, 4, 25), is_working_day=True)
    assert not cal.is_provisional(later)


@pytest.mark.django_db
def test_an_override_entered_in_the_admin_moves_open_handover_deadlines(client):
    contract = ContractFactory(
        status=Contract.Status.TERMINATED,
        effective_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
        terminated_on=date(2025, 9, 30),
    )
    derive_obligations(contract, today=date(2025, 10, 1))
    client.force_login(UserFactory(username="calendar-admin", is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:obligations_workingdayoverride_add"),
        {"date": "2025-10-13", "is_working_day": "", "note": "company day off"},
    )

    assert response.status_code == 302
    handover = contract.obligations.get()
    assert handover.due_date == date(2025, 10, 17)
    assert handover.history.first().history_change_reason == "working-day calendar changed"
