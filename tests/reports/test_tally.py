"""The obligation tally PostgreSQL keeps for the manager's obligations report (reports.tally): whatever happens to the
obligations and contracts, in whatever statements, it gives the figures counting the rows gives."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from contracts.search import RegisterQuery
from contracts.services.terms import contract_update
from obligations.actions import obligation_complete, obligation_reassign, obligation_reopen, obligation_waive
from obligations.models import Obligation
from reports import tally
from reports.models import ObligationTally
from reports.selectors import report
from tests.factories import ContractFactory, ObligationFactory, UserFactory
from tests.fixtures.reports import TODAY, build_report_world

pytestmark = pytest.mark.postgres  # the tally is kept by PostgreSQL triggers

SHANGHAI = ZoneInfo("Asia/Shanghai")
START, END = date(2026, 6, 1), date(2027, 6, 1)


@dataclass
class Figures:
    months: dict
    people: dict


def _figures(counted: tally.Counted) -> Figures:
    """The four counts per month and per person, leaving out what counts nothing."""

    def nonzero(counts: dict) -> dict:
        return {key: tuple(c[k] for k in tally.COUNTS) for key, c in counts.items() if any(c.values())}

    return Figures(nonzero(counted.by_month), nonzero(counted.by_person))


def _agree(today: date = TODAY, start: date = START, end: date = END) -> Figures:
    counted = _figures(tally.count_rows(Obligation.objects.filter(due_date__gte=start, due_date__lt=end), today))
    assert _figures(tally.count_all(start, end, today)) == counted
    return counted


def test_the_managers_report_counts_every_contract_by_the_person_who_answers_for_it(db):
    world = build_report_world()
    months = {
        r["month"]: r for r in report("obligations", world.manager, RegisterQuery(), today=TODAY).table("months").rows
    }
    # The stranger's overdue obligation of November is counted for the manager, beside the buyer's
    assert (months["2026-11"]["open"], months["2026-11"]["overdue"]) == (0, 2)
    assert (months["2026-12"]["open"], months["2026-10"]["on_time"], months["2026-09"]["late"]) == (1, 1, 1)
    owners = {
        r["owner"]: (r["open"], r["overdue"], r["on_time"], r["late"])
        for r in report("obligations", world.manager, RegisterQuery(), today=TODAY).table("owners").rows
    }
    assert owners == {"r_buyer": (2, 1, 0, 1), "r_manager": (0, 0, 1, 0), "r_stranger": (0, 1, 0, 0)}
    _agree()


def test_todays_month_is_split_into_overdue_and_open_on_the_day(db):
    contract = ContractFactory(service_level=False)
    for day in (1, 6, 7, 8, 31):
        ObligationFactory(contract=contract, due_date=date(2026, 12, day))
    # On 7 December, the 1st and the 6th are overdue; the 7th (due today) is still open
    assert _agree(today=date(2026, 12, 7)).months[date(2026, 12, 1)] == (3, 2, 0, 0)
    # On the 1st of the month nothing of it is overdue yet; on 1 January all five are
    assert _agree(today=date(2026, 12, 1)).people == {contract.owner_id: (5, 0, 0, 0)}
    assert _agree(today=date(2027, 1, 1)).months == {date(2026, 12, 1): (0, 5, 0, 0)}


def test_the_services_move_the_counts_as_the_rows_move(db):
    buyer = UserFactory(role=Role.PROCUREMENT_STAFF)
    other = UserFactory(role=Role.PROCUREMENT_STAFF)
    manager = UserFactory(role=Role.PROCUREMENT_MANAGER)
    contract = ContractFactory(owner=buyer, service_level=False)
    first, second, third = (
        ObligationFactory(contract=contract, due_date=date(2026, 11, 20)),
        ObligationFactory(contract=contract, due_date=date(2027, 1, 5)),
        ObligationFactory(contract=contract, due_date=date(2026, 12, 1), owner=other),
    )
    assert _agree().people == {buyer.pk: (1, 1, 0, 0), other.pk: (0, 1, 0, 0)}

    obligation_complete(obligation=first, by=manager, note="做完了")
    obligation_waive(obligation=second, by=manager, reason="不再需要")
    obligation_reassign(obligation=third, by=manager, owner=None)
    figures = _agree()
    assert figures.months[date(2026, 11, 1)] == (0, 0, 0, 1)  # completed today, after 20 November: late
    assert date(2027, 1, 1) not in figures.months  # waived: counted nowhere
    assert figures.months[date(2026, 12, 1)] == (0, 1, 0, 0)
    assert figures.people == {buyer.pk: (0, 1, 0, 1)}  # the contract's owner now answers for the third

    obligation_reopen(obligation=Obligation.objects.get(pk=second.pk), by=manager)
    # A new owner of the contract takes over every obligation without an owner of its own, not the others
    obligation_reassign(obligation=Obligation.objects.get(pk=third.pk), by=manager, owner=other)
    contract.refresh_from_db()
    contract_update(contract=contract, by=manager, version=contract.version, owner=manager)
    figures = _agree()
    assert figures.people == {manager.pk: (1, 0, 0, 1), other.pk: (0, 1, 0, 0)}
    assert figures.months[date(2027, 1, 1)] == (1, 0, 0, 0)

    # Deleting the contract takes its obligations out of every count
    Obligation.objects.filter(contract=contract).delete()
    assert _agree() == Figures({}, {})


def test_a_bulk_update_and_a_bulk_insert_are_counted_in_one_go(db):
    contract = ContractFactory(service_level=False)
    Obligation.objects.bulk_create(
        ObligationFactory.build(contract=contract, due_date=date(2026, 8, 1) + timedelta(days=i)) for i in range(40)
    )
    Obligation.objects.filter(contract=contract, due_date__lt=date(2026, 8, 11)).update(
        status=Obligation.Status.DONE, completed_at=datetime(2026, 8, 5, 12, tzinfo=SHANGHAI)
    )
    figures = _agree()
    # Done on 5 August: on time for the 5th to the 10th, late for the 1st to the 4th
    assert figures.months == {date(2026, 8, 1): (0, 21, 6, 4), date(2026, 9, 1): (0, 9, 0, 0)}
    assert figures.people == {contract.owner_id: (0, 30, 6, 4)}


def test_compact_folds_the_rows_and_keeps_the_figures(db):
    contract = ContractFactory(service_level=False)
    obligation = ObligationFactory(contract=contract, due_date=date(2026, 10, 1))
    for month in (11, 12, 9, 10, 11):  # each move appends a row taking one away and one adding one
        Obligation.objects.filter(pk=obligation.pk).update(due_date=date(2026, month, 1))
    before = _agree()
    assert ObligationTally.objects.count() > 2
    left = tally.compact()
    assert left == ObligationTally.objects.count() == 1
    assert _agree() == before
    assert tally.compact() == 1


def test_a_rebuild_counts_the_same_as_the_triggers(db):
    contract = ContractFactory(service_level=False)
    ObligationFactory(contract=contract, due_date=date(2026, 10, 1), status=Obligation.Status.DONE,
                      completed_at=datetime(2026, 10, 1, 23, 59, tzinfo=SHANGHAI))  # fmt: skip
    ObligationFactory(contract=contract, due_date=date(2026, 10, 2))
    before = _agree()
    tally.rebuild()
    assert _agree() == before == Figures({date(2026, 10, 1): (0, 1, 1, 0)}, {contract.owner_id: (0, 1, 1, 0)})


def test_a_new_time_zone_reinstalls_the_triggers_and_counts_again(db):
    contract = ContractFactory(service_level=False)
    # Done at 01:00 on the 2nd in Shanghai: 17:00 on the due day in London
    ObligationFactory(contract=contract, due_date=date(2026, 10, 1), status=Obligation.Status.DONE,
                      completed_at=datetime(2026, 10, 2, 1, 0, tzinfo=SHANGHAI))  # fmt: skip
    key = date(2026, 10, 1)
    assert _agree().months[key] == (0, 0, 0, 1)
    assert tally.ensure_installed(connection) is False
    try:
        with override_settings(TIME_ZONE="Europe/London"):
            assert tally.ensure_installed(connection) is True
            assert tally.installed_zone(connection) == "Europe/London"
            assert _agree().months[key] == (0, 0, 1, 0)
    finally:
        assert tally.ensure_installed(connection) is True
    assert _agree().months[key] == (0, 0, 0, 1)


_days = st.integers(min_value=0, max_value=420).map(lambda n: date(2026, 5, 1) + timedelta(days=n))
_add = st.tuples(st.just("add"), st.integers(0, 2), _days, st.sampled_from(["open", "done", "waived"]),
                 st.integers(-3, 3), st.booleans())  # fmt: skip
_steps = st.lists(
    st.one_of(
        _add,
        st.tuples(st.just("move"), st.integers(0, 20), _days),
        st.tuples(st.just("status"), st.integers(0, 20), st.sampled_from(["open", "done", "waived"]),
                  st.integers(-3, 3)),
        st.tuples(st.just("owner"), st.integers(0, 20), st.booleans()),
        st.tuples(st.just("contract_owner"), st.integers(0, 2)),
        st.tuples(st.just("delete"), st.integers(0, 20)),
        st.tuples(st.just("bulk_done"), _days),
        st.tuples(st.just("compact"),),
    ),
    max_size=25,
)  # fmt: skip


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.lists(_add, min_size=1, max_size=6), steps=_steps, today=_days)
@example(  # a contract changes hands with an obligation that has no owner of its own
    first=[("add", 0, date(2026, 9, 1), "open", 0, False), ("add", 0, date(2026, 9, 2), "done", 1, False)],
    steps=[("contract_owner", 0)],
    today=date(2026, 12, 7),
)
def test_whatever_happens_the_tally_gives_the_counted_figures(first, steps, today):
    people = [UserFactory(role=Role.PROCUREMENT_STAFF) for _ in range(2)]
    contracts = [ContractFactory(owner=people[i % 2], service_level=False) for i in range(3)]
    for step in [*first, *steps]:
        rows = list(Obligation.objects.filter(contract__in=contracts).order_by("pk"))
        kind = step[0]
        if kind == "add":
            _kind, c, due, status, done_after, owned = step
            ObligationFactory(
                contract=contracts[c], due_date=due, status=status, owner=people[0] if owned else None,
                completed_at=datetime.combine(due + timedelta(days=done_after), datetime.min.time(), SHANGHAI)
                + timedelta(hours=23, minutes=30) if status == "done" else None,
            )  # fmt: skip
        elif kind == "contract_owner":
            contract = contracts[step[1]]
            contract.owner = people[1] if contract.owner_id == people[0].pk else people[0]
            contract.save(update_fields=["owner"])
        elif kind == "bulk_done":
            Obligation.objects.filter(contract__in=contracts, due_date__lt=step[1]).update(
                status="done", completed_at=datetime.combine(step[1], datetime.min.time(), SHANGHAI)
            )
        elif kind == "compact":
            tally.compact()
        elif rows:
            row = rows[step[1] % len(rows)]
            if kind == "move":
                Obligation.objects.filter(pk=row.pk).update(due_date=step[2])
            elif kind == "status":
                completed = datetime.combine(row.due_date + timedelta(days=step[3]), datetime.min.time(), SHANGHAI)
                Obligation.objects.filter(pk=row.pk).update(
                    status=step[2], completed_at=completed if step[2] == "done" else None
                )
            elif kind == "owner":
                Obligation.objects.filter(pk=row.pk).update(owner=people[1] if step[2] else None)
            elif kind == "delete":
                Obligation.objects.filter(pk=row.pk).delete()
        _agree(today=today)  # after every statement, not only at the end (a later change could hide an error)
    Obligation.objects.filter(contract__in=contracts).delete()
    _agree(today=today)


def test_beat_folds_the_tally_every_quarter_hour(db):
    from django.conf import settings as django_settings

    from reports.tasks import compact_tally_task

    entry = django_settings.CELERY_BEAT_SCHEDULE["reports-compact-tally"]
    assert entry["task"] == compact_tally_task.name
    assert entry["schedule"].minute == {0, 15, 30, 45}
    contract = ContractFactory(service_level=False)
    obligation = ObligationFactory(contract=contract, due_date=date(2026, 10, 1))
    Obligation.objects.filter(pk=obligation.pk).update(due_date=date(2026, 11, 1))
    assert compact_tally_task() == 1
    assert _agree() == Figures({date(2026, 11, 1): (0, 1, 0, 0)}, {contract.owner_id: (0, 1, 0, 0)})
