"""Helpers shared by the scenarios (the runner skips modules whose name starts with an underscore)."""

from django.db import connection

from obligations.models import Obligation, Reminder


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
    """Delete the reminders on the obligations of `contracts` (an SQL subquery of contract ids, with `params`).

    A reminder sweep, this scenario's or another's, leaves them; they keep the obligations from being deleted.
    """
    q = connection.ops.quote_name
    obligations = f"SELECT id FROM {q(Obligation._meta.db_table)} WHERE contract_id IN ({contracts})"  # noqa: S608
    cursor.execute(f"DELETE FROM {q(Reminder._meta.db_table)} WHERE obligation_id IN ({obligations})", params)  # noqa: S608
