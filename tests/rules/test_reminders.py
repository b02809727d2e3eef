"""Pure reminder rules: which point is due at a given moment, and who it goes to."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obligations.models import Obligation
from rules.reminders import (
    ESCALATION_LIMIT,
    WEEKLY_ESCALATION_DAYS,
    escalation_point,
    latest_due_offset,
    point_day,
    reminder_day,
    reminder_offsets,
    reminder_points,
    reminder_recipients,
    retry_delay,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
Kind = Obligation.Kind


def latest(kind=Kind.CUSTOM, *, due, day, starts_on=None, override=None, act_by=None):
    return latest_due_offset(kind=kind, due_date=due, starts_on=starts_on, override=override, day=day, act_by=act_by)


def test_reminders_of_a_day_are_due_from_nine_in_the_company_time_zone():
    # Given a moment just before and just after 09:00 in Shanghai (01:00 UTC)
    before = datetime(2026, 12, 8, 0, 59, tzinfo=ZoneInfo("UTC"))
    after = datetime(2026, 12, 8, 1, 0, tzinfo=ZoneInfo("UTC"))
    # Then the reminder day is still yesterday before nine, and today from nine
    assert reminder_day(before, SHANGHAI) == date(2026, 12, 7)
    assert reminder_day(after, SHANGHAI) == date(2026, 12, 8)


def test_default_offsets_follow_the_spec_per_kind():
    assert reminder_offsets(Kind.RENEWAL_WINDOW) == (30, 14, 7, 3, 1, 0)
    assert reminder_offsets(Kind.PRICE_CHANGE_NOTICE) == (7, 3, 1, 0)
    assert reminder_offsets(Kind.DATA_HANDOVER) == (3, 1, 0)
    assert reminder_offsets(Kind.TRIAL_REVIEW) == (14, 3, 0)
    assert reminder_offsets(Kind.CERTIFICATE_EXPIRY) == (60, 30, 7, 0)


def test_an_obligations_own_offsets_replace_the_defaults_and_junk_is_ignored():
    assert reminder_offsets(Kind.TRIAL_REVIEW, [5, "x", -2, 5, True, 2]) == (5, 2)


def test_a_renewal_window_also_reminds_on_the_day_it_opens():
    # Worked example of the spec: due 2026-12-01, opens 2026-10-02 (60 days before)
    points = reminder_points(kind=Kind.RENEWAL_WINDOW, due_date=date(2026, 12, 1), starts_on=date(2026, 10, 2))
    assert points[:7] == (60, 30, 14, 7, 3, 1, 0)
    assert latest(Kind.RENEWAL_WINDOW, due=date(2026, 12, 1), starts_on=date(2026, 10, 2), day=date(2026, 10, 2)) == 60
    assert (
        latest(Kind.RENEWAL_WINDOW, due=date(2026, 12, 1), starts_on=date(2026, 10, 2), day=date(2026, 10, 1)) is None
    )


def test_after_downtime_only_the_latest_missed_offset_is_due():
    # Given a renewal window due 2026-12-01 whose 30, 14, 7 and 3-day reminders all fell while the server was down
    # When the server comes back on 2026-11-29
    # Then one reminder is due: the 3-day one
    assert latest(Kind.RENEWAL_WINDOW, due=date(2026, 12, 1), day=date(2026, 11, 29)) == 3


def test_overdue_escalates_daily_for_fourteen_days_then_weekly():
    due = date(2026, 12, 1)
    escalations = [latest(due=due, day=due + timedelta(days=n)) for n in range(1, 36)]
    assert escalations[:ESCALATION_LIMIT] == [-n for n in range(1, ESCALATION_LIMIT + 1)]
    # Days 15-20 are still the 14th point (already sent), day 21 is the first weekly one, and so on every 7 days
    assert escalations[14:20] == [-14] * 6
    assert escalations[20:27] == [-21] * 7
    assert escalations[27:34] == [-28] * 7
    assert escalations[34] == -35
    assert point_day(due, -21) == date(2026, 12, 22)


def test_a_long_overdue_obligation_has_a_current_escalation_whenever_it_is_first_seen():
    # A data handover due 2026-06-01 first swept on 2026-12-11 (193 days late): the latest weekly point, day 189
    assert latest(Kind.DATA_HANDOVER, due=date(2026, 6, 1), day=date(2026, 12, 11)) == -189


def test_reminders_count_down_to_the_day_to_act_by():
    # Due Thursday 2026-10-01 (National Day), act by Wednesday 2026-09-30: the custom kind reminds 7, 1 and 0 days
    # before the day to act by
    due, act_by = date(2026, 10, 1), date(2026, 9, 30)
    assert latest(due=due, act_by=act_by, day=date(2026, 9, 23)) == 7
    assert latest(due=due, act_by=act_by, day=date(2026, 9, 29)) == 1
    assert latest(due=due, act_by=act_by, day=date(2026, 9, 30)) == 0
    assert point_day(due, 0, act_by) == date(2026, 9, 30)
    # The due date itself is not late yet; the day after is the first escalation
    assert latest(due=due, act_by=act_by, day=date(2026, 10, 1)) == 0
    assert latest(due=due, act_by=act_by, day=date(2026, 10, 2)) == -1


def test_escalations_go_to_owner_and_managers_other_reminders_to_owner_and_watchers():
    assert reminder_recipients(offset=3, owner=1, watchers=[2], managers=[9]) == {1, 2}
    assert reminder_recipients(offset=-1, owner=1, watchers=[2], managers=[9]) == {1, 9}
    assert reminder_recipients(offset=0, owner=None, watchers=[2], managers=[9]) == {2}


def test_retries_back_off_exponentially_up_to_an_hour():
    assert [retry_delay(n).total_seconds() / 60 for n in range(1, 8)] == [2, 4, 8, 16, 32, 60, 60]


@given(
    kind=st.sampled_from(list(Kind.values)),
    due=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    lead=st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
    shift=st.integers(min_value=-30, max_value=250),
)
def test_the_latest_due_point_is_never_in_the_future_and_nothing_later_has_come(kind, due, lead, shift):
    starts_on = None if lead is None else due - timedelta(days=lead)
    day = due - timedelta(days=shift)
    offset = latest(kind, due=due, starts_on=starts_on, day=day)
    if shift < 0:
        # Overdue: the latest escalation, at most a week old, and never silence
        assert offset == escalation_point(-shift)
        assert day - timedelta(days=WEEKLY_ESCALATION_DAYS) < point_day(due, offset) <= day
        return
    points = reminder_points(kind=kind, due_date=due, starts_on=starts_on)
    reached = [p for p in points if due - timedelta(days=p) <= day]
    if offset is None:
        assert not reached
    else:
        assert offset in points
        assert due - timedelta(days=offset) <= day
        assert offset == min(reached)


def test_a_persons_own_reminder_days_are_whole_days_up_to_ten_years_largest_first():
    from rules.reminders import MAX_OFFSET_DAYS, clean_reminder_offsets

    assert clean_reminder_offsets([1, 30, 7, 1, 0]) == [30, 7, 1, 0]
    assert clean_reminder_offsets(None) is None
    assert clean_reminder_offsets([]) is None
    assert clean_reminder_offsets([MAX_OFFSET_DAYS]) == [MAX_OFFSET_DAYS]
    for bad in (["soon"], [-1], [True], [1.5], [MAX_OFFSET_DAYS + 1], {"a": 1}, 7, "7"):
        with pytest.raises(ValueError):
            clean_reminder_offsets(bad)
