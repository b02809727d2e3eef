"""Helpers shared by the scenarios (the runner skips modules whose name starts with an underscore)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.db import connection, transaction

from accounts.models import Role, User
from contracts.models import Contract, ContractSearchText
from notifications.models import ChatDelivery
from obligations.models import Obligation, Reminder
from rules.credit_code import credit_code_check_char
from vendors.models import Vendor


class QueryCounter:
    """Counts every query on the default connection (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)


def delete_reminders(cursor, contracts: str, params) -> None:
    """Delete the reminders and chat deliveries on the obligations of `contracts` (an SQL subquery of contract ids,
    with `params`).

    A reminder sweep, this scenario's or another's, leaves them; they keep the obligations from being deleted.
    """
    q = connection.ops.quote_name
    obligations = f"SELECT id FROM {q(Obligation._meta.db_table)} WHERE contract_id IN ({contracts})"  # noqa: S608
    for model in (Reminder, ChatDelivery):
        cursor.execute(f"DELETE FROM {q(model._meta.db_table)} WHERE obligation_id IN ({obligations})", params)  # noqa: S608


SWEEP_NOW = datetime(2026, 12, 8, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
"""The moment the reminder scenarios sweep at: a Tuesday morning, after 09:00 company time."""


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


_INSERT_OBLIGATIONS = f"""
    INSERT INTO {_table(Obligation)} (
        contract_id, kind, key, title, description, due_date, starts_on, status, responsible, source,
        due_date_edited, provisional, created_at, updated_at
    )
    SELECT c.first_id + (n %% %(contracts)s), o.kind, 'bench-' || n, o.title, '', o.due_date, o.starts_on, o.status,
           'us', 'manual', false, false, now(), now()
    FROM generate_series(%(start)s, %(stop)s - 1) AS n
    CROSS JOIN (SELECT min(id) AS first_id FROM {_table(Contract)} WHERE number LIKE %(prefix)s) AS c
    CROSS JOIN LATERAL (SELECT
        CASE WHEN n < %(due)s THEN
                 CASE WHEN n %% 10 < 7 THEN 'custom' WHEN n %% 10 < 9 THEN 'data_handover' ELSE 'custom' END
             WHEN n %% 20 = 0 THEN 'trial_review'
             WHEN n %% 20 = 1 THEN 'custom'
             ELSE (ARRAY['renewal_window','price_change_notice','data_handover','trial_review',
                         'certificate_expiry','custom'])[1 + n %% 6] END AS kind,
        CASE WHEN n < %(due)s THEN 'due now'
             WHEN n %% 20 = 1 THEN 'reminded already' ELSE 'background' END AS title,
        CASE WHEN n < %(due)s THEN
                 CASE WHEN n %% 10 < 7 THEN %(day)s::date + 7 WHEN n %% 10 < 9 THEN %(day)s::date + 1
                      ELSE %(day)s::date - 2 END
             WHEN n %% 20 = 0 THEN %(day)s::date + 15 + (n %% 46)
             WHEN n %% 20 = 1 THEN %(day)s::date + 7
             WHEN n %% 2 = 0 THEN %(day)s::date - 30 - (n %% 1000)
             ELSE %(day)s::date + 61 + (n %% 1000) END AS due_date,
        NULL::date AS starts_on,
        CASE WHEN n < %(due)s OR n %% 20 IN (0, 1) OR n %% 2 = 1 THEN 'open'
             WHEN n %% 3 = 0 THEN 'waived' ELSE 'done' END AS status
    ) AS o
"""  # noqa: S608

_INSERT_SENT_REMINDERS = f"""
    INSERT INTO {_table(Reminder)} (obligation_id, recipient_id, "offset", scheduled_for, status, attempts, sent_at,
                                    message_id, last_error, created_at)
    SELECT o.id, c.owner_id, 7, %(sent)s, 'sent', 1, %(sent)s, '', '', now()
    FROM {_table(Obligation)} o JOIN {_table(Contract)} c ON c.id = o.contract_id
    WHERE c.number LIKE %(prefix)s AND o.title = 'reminded already'
      AND NOT EXISTS (SELECT 1 FROM {_table(Reminder)} r WHERE r.obligation_id = o.id)
"""  # noqa: S608


@dataclass(frozen=True)
class ReminderWorld:
    """A year of steady use, for the reminder sweeps: contracts numbered `prefix`..., users named `user_prefix`....

    `owners` staff owners (each sees the contracts they own) and one procurement manager; `contracts` active
    contracts. Most obligations are closed or months away, about 5% are open near their dates (scanned by the sweep
    but not due: no reminder point reached yet, or the current point already reminded), and `due` are due at `now`:
    70% a week ahead, 20% data handovers due tomorrow, 10% overdue (escalated to owner and manager). It is generated
    with INSERT ... SELECT generate_series, not the ORM, so setting up a million rows takes seconds.
    """

    prefix: str
    user_prefix: str
    contracts: int = 10_000
    owners: int = 50
    due: int = 1_000
    now: datetime = SWEEP_NOW

    @property
    def day(self) -> date:
        return self.now.date()

    def _contract_ids(self) -> str:
        return f"SELECT id FROM {_table(Contract)} WHERE number LIKE %s"  # noqa: S608

    def clean(self) -> None:
        """Remove what an earlier run left behind (reminders and chat deliveries first: they hold the rest)."""
        contracts, like = self._contract_ids(), [self.prefix + "%"]
        with transaction.atomic(), connection.cursor() as cursor:
            delete_reminders(cursor, contracts, like)
            cursor.execute(f"DELETE FROM {_table(Obligation)} WHERE contract_id IN ({contracts})", like)  # noqa: S608
            cursor.execute(f"DELETE FROM {_table(ContractSearchText)} WHERE contract_id IN ({contracts})", like)  # noqa: S608
            cursor.execute(f"DELETE FROM {_table(Contract.history.model)} WHERE number LIKE %s", like)  # noqa: S608
            cursor.execute(f"DELETE FROM {_table(Contract)} WHERE number LIKE %s", like)  # noqa: S608
        User.objects.filter(username__startswith=self.user_prefix).delete()

    def setup_contracts(self) -> list[User]:
        """The owners (returned, in the order contracts are dealt to them), the manager and the contracts."""
        staff, manager_group = (
            Group.objects.get(name=Role.PROCUREMENT_STAFF),
            Group.objects.get(name=Role.PROCUREMENT_MANAGER),
        )
        owners = User.objects.bulk_create(
            User(username=f"{self.user_prefix}{n}", email=f"{self.user_prefix}{n}@example.com", password="!")
            for n in range(self.owners)
        )
        staff.user_set.add(*owners)
        manager = User.objects.create(
            username=f"{self.user_prefix}manager", email=f"{self.user_prefix}manager@example.com", password="!"
        )
        manager_group.user_set.add(manager)
        body = "913100009" + "88888888"
        vendor, _created = Vendor.objects.get_or_create(
            credit_code=body + credit_code_check_char(body), defaults={"name": "提醒基准测试供应商"}
        )
        Contract.objects.bulk_create(
            (
                Contract(
                    number=f"{self.prefix}{i:06d}",
                    title=f"提醒基准合同 {i}",
                    vendor=vendor,
                    owner=owners[i % self.owners],
                    effective_date=date(2026, 1, 1),
                    end_date=date(2026, 12, 31),
                    status=Contract.Status.ACTIVE,
                )
                for i in range(self.contracts)
            ),
            batch_size=2000,
        )
        return owners

    def grow_to(self, start: int, stop: int) -> None:
        """Obligations number start .. stop-1; the first `due` are the ones due now, the rest never become due today.

        Obligation n belongs to the n-th contract (modulo), so to owner n % owners.
        """
        params = {
            "contracts": self.contracts,
            "start": start,
            "stop": stop,
            "prefix": self.prefix + "%",
            "due": self.due,
            "day": self.day,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_INSERT_OBLIGATIONS, params)
            cursor.execute(_INSERT_SENT_REMINDERS, {"sent": self.now - timedelta(days=1), "prefix": self.prefix + "%"})
        # What autovacuum does to a table in steady use (and what a bulk load leaves undone).
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {_table(Obligation)}")
            cursor.execute(f"VACUUM ANALYZE {_table(Reminder)}")

    def due_now(self):
        """The obligations due at `now`."""
        return Obligation.objects.filter(contract__number__startswith=self.prefix, title="due now")

    def forget_todays_sweep(self) -> None:
        """Put the due obligations back to "not reminded yet" by e-mail, so the next sweep does the same work."""
        Reminder.objects.filter(obligation__in=self.due_now()).delete()
