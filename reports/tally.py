"""The obligations roll-up behind the obligations report of a user who sees every contract (PostgreSQL only).

Counting a million obligations by month and owner takes the database most of a second; a manager opens the Reports
page far more often than that many obligations change. So PostgreSQL keeps a tally, in the same transaction as every
change: statement-level triggers on the obligations (insert, update, delete) and on the contracts (a new owner takes
over the obligations that have none of their own) append what a statement changed to `reports_obligationtally` as
signed counts per (due month, responsible person, bucket), already summed per statement. Reading the report sums a
few thousand rows; `compact` (beat, every quarter hour) folds the appended rows together. Nothing is ever updated in
place, so two transactions never wait for each other on the tally and cannot deadlock on it.

The buckets are those of `BUCKET_SQL`; `bucket_expressions` spells the same rule for the ORM, which counts raw rows for
filtered views and on SQLite, and tests/reports/test_tally.py holds the two to the same figures. The company's time
zone (settings.TIME_ZONE) decides the day an obligation was completed on; it is written into the trigger function
when installed, and `ensure_installed` (after every migrate) re-installs and rebuilds when it changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from contracts.models import Contract
from obligations.models import Obligation

from .models import ObligationTally

OPEN, ON_TIME, LATE = ObligationTally.Bucket.OPEN, ObligationTally.Bucket.ON_TIME, ObligationTally.Bucket.LATE
COUNTS = ("open", "overdue", "on_time", "late")
_LOCK = 0x7C1A_0001  # pg_advisory_xact_lock key: one compaction or rebuild at a time

_BUCKET_FUNCTION = "reports_obligation_bucket"


def bucket_expressions(today: date) -> dict:
    """The report's four counts as ORM aggregates over obligations: open (due today or later), overdue (open, due
    before today), done on time (completed, on the company's calendar, on or before the due date) and done late.
    Waived obligations count in none."""
    done = Q(status=Obligation.Status.DONE)
    # COUNT(due_date): never null, and carried in the index the staff's report reads (COUNT(id) would need the row).
    completed_on = TruncDate("completed_at", tzinfo=ZoneInfo(settings.TIME_ZONE))
    return {
        "open": Count("due_date", filter=Q(status=Obligation.Status.OPEN, due_date__gte=today)),
        "overdue": Count("due_date", filter=Q(status=Obligation.Status.OPEN, due_date__lt=today)),
        "on_time": Count("due_date", filter=done & Q(completed_at__isnull=False) & Q(due_date__gte=completed_on)),
        "late": Count("due_date", filter=done & Q(completed_at__isnull=False) & Q(due_date__lt=completed_on)),
    }


def responsible(*, per_row: bool = False) -> Coalesce:
    """Who answers for an obligation: its own owner, else the contract's owner. `per_row` reads the contract's owner
    with a lookup per obligation instead of a join: cheaper for a few thousand obligations, where a join would hash
    every contract."""
    if not per_row:
        return Coalesce(F("owner_id"), F("contract__owner_id"))
    contract_owner = Contract.objects.filter(pk=OuterRef("contract_id")).values("owner_id")[:1]
    return Coalesce(F("owner_id"), Subquery(contract_owner), output_field=BigIntegerField())


@dataclass
class Counted:
    """The four counts (COUNTS) per due month (its first day) and per responsible person's id (None: nobody)."""

    by_month: dict[date, dict[str, int]] = field(default_factory=lambda: defaultdict(_zeros))
    by_person: dict[int | None, dict[str, int]] = field(default_factory=lambda: defaultdict(_zeros))

    def add(self, month: date, person: int | None, counts: dict[str, int]) -> None:
        for key in COUNTS:
            self.by_month[month][key] += counts.get(key) or 0
            self.by_person[person][key] += counts.get(key) or 0


def _zeros() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


def count_rows(obligations: QuerySet[Obligation], today: date) -> Counted:
    """The counts of `obligations`, counted row by row in SQL per (due month, person), added up here."""
    counted = Counted()
    rows = (
        obligations.annotate(month=TruncMonth("due_date"), person=responsible())
        .values("month", "person")
        .annotate(**bucket_expressions(today))
        .order_by()
    )
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        counted.add(month, row["person"], row)
    return counted


def available() -> bool:
    """Whether this database keeps the tally (PostgreSQL: the triggers; SQLite: counted row by row instead)."""
    return connection.vendor == "postgresql"


def count_all(start: date, end: date, today: date) -> Counted:
    """The counts of every obligation due in [start, end), from the tally, summed in SQL per month and per person:
    open obligations of months before today's month are all overdue, those of later months all still open; today's
    month alone is split by reading its open obligations due before today (a few days' worth, from the (status, due
    date) index)."""
    this_month = today.replace(day=1)
    window = ObligationTally.objects.filter(month__gte=start, month__lt=end)
    counted = Counted()

    def total(**where) -> Sum:
        return Sum("delta", filter=Q(**where), output_field=IntegerField())

    for cell in window.values("month", "bucket").annotate(count=total()).order_by():
        key = cell["bucket"] if cell["bucket"] != OPEN else "overdue" if cell["month"] < this_month else "open"
        counted.by_month[cell["month"]][key] += cell["count"] or 0
    per_person = window.values("person").annotate(
        open=total(bucket=OPEN, month__gte=this_month),
        overdue=total(bucket=OPEN, month__lt=this_month),
        on_time=total(bucket=ON_TIME),
        late=total(bucket=LATE),
    )
    for cell in per_person.order_by():
        for key in COUNTS:
            counted.by_person[cell["person"]][key] += cell[key] or 0
    if start <= this_month < end:
        overdue_now = (
            Obligation.objects.filter(status=Obligation.Status.OPEN, due_date__gte=this_month, due_date__lt=today)
            .annotate(person=responsible(per_row=True))
            .values("person")
            .annotate(count=Count("*"))
            .order_by()
        )
        for cell in overdue_now:
            counted.add(this_month, cell["person"], {"open": -cell["count"], "overdue": cell["count"]})
    return counted


# --- installation (PostgreSQL) -------------------------------------------------------------------------------------


def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    return {
        "tally": q(ObligationTally._meta.db_table),
        "obligations": q(Obligation._meta.db_table),
        "contracts": q(Contract._meta.db_table),
    }


def _bucket_function_sql(time_zone: str) -> str:
    # The zone is a name from settings (checked by ZoneInfo before it gets here), quoted as an SQL literal.
    zone = time_zone.replace("'", "''")
    return f"""
        CREATE OR REPLACE FUNCTION {_BUCKET_FUNCTION}(status text, due date, completed timestamptz) RETURNS text
        LANGUAGE sql IMMUTABLE AS $$
            SELECT CASE
                WHEN status = '{Obligation.Status.OPEN}' THEN '{OPEN}'
                WHEN status = '{Obligation.Status.DONE}' AND completed IS NOT NULL THEN
                    CASE WHEN (completed AT TIME ZONE '{zone}')::date <= due THEN '{ON_TIME}' ELSE '{LATE}' END
            END
        $$;
        COMMENT ON FUNCTION {_BUCKET_FUNCTION}(text, date, timestamptz) IS '{zone}';
    """


def _changes(rows: str, sign: int, t: dict[str, str]) -> str:
    """The signed counts of a transition table of obligations."""
    return f"""
        SELECT date_trunc('month', r.due_date)::date AS month, COALESCE(r.owner_id, c.owner_id) AS person,
               {_BUCKET_FUNCTION}(r.status, r.due_date, r.completed_at) AS bucket, {sign} AS delta
        FROM {rows} r LEFT JOIN {t["contracts"]} c ON c.id = r.contract_id
    """  # noqa: S608 - table names and a constant, no input


def _append(changes: str, t: dict[str, str]) -> str:
    return f"""
        INSERT INTO {t["tally"]} (month, person, bucket, delta)
        SELECT month, person, bucket, sum(delta) FROM ({changes}) AS changed
        WHERE bucket IS NOT NULL GROUP BY month, person, bucket HAVING sum(delta) <> 0
    """  # noqa: S608 - table names and a constant, no input


# (trigger, event, table, transition tables, function): installed by _trigger_sql, removed by uninstall_sql.
_TRIGGERS = [
    ("reports_tally_obligations_ins", "INSERT", "obligations", "NEW TABLE AS new_rows",
     "reports_tally_obligations_inserted"),
    ("reports_tally_obligations_upd", "UPDATE", "obligations", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     "reports_tally_obligations_updated"),
    ("reports_tally_obligations_del", "DELETE", "obligations", "OLD TABLE AS old_rows",
     "reports_tally_obligations_deleted"),
    ("reports_tally_contract_owner", "UPDATE", "contracts", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     "reports_tally_contract_owner_changed"),
]  # fmt: skip


def _trigger_sql() -> str:
    t = _tables()
    new, old = _changes("new_rows", 1, t), _changes("old_rows", -1, t)
    moved = f"""
        SELECT date_trunc('month', o.due_date)::date AS month, {{owner}} AS person,
               {_BUCKET_FUNCTION}(o.status, o.due_date, o.completed_at) AS bucket, {{sign}} AS delta
        FROM new_rows n JOIN old_rows p ON p.id = n.id AND p.owner_id IS DISTINCT FROM n.owner_id
        JOIN {t["obligations"]} o ON o.contract_id = n.id AND o.owner_id IS NULL
    """  # noqa: S608 - table names and a constant, no input
    functions = {
        "reports_tally_obligations_inserted": _append(new, t),
        "reports_tally_obligations_updated": _append(f"{new} UNION ALL {old}", t),
        "reports_tally_obligations_deleted": _append(old, t),
        "reports_tally_contract_owner_changed": _append(
            f"{moved.format(owner='n.owner_id', sign=1)} UNION ALL {moved.format(owner='p.owner_id', sign=-1)}", t
        ),
    }
    sql = [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$;"
        for name, body in functions.items()
    ]
    for trigger, event, table_key, referencing, function in _TRIGGERS:
        table = t[table_key]
        sql.append(f"DROP TRIGGER IF EXISTS {trigger} ON {table};")
        sql.append(
            f"CREATE TRIGGER {trigger} AFTER {event} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        )
    return "\n".join(sql)


def uninstall_sql() -> str:
    t = _tables()
    return "\n".join(
        [
            *(f"DROP TRIGGER IF EXISTS {trigger} ON {t[table]};" for trigger, _event, table, _ref, _fn in _TRIGGERS),
            *(f"DROP FUNCTION IF EXISTS {function}();" for *_rest, function in _TRIGGERS),
            f"DROP FUNCTION IF EXISTS {_BUCKET_FUNCTION}(text, date, timestamptz);",
        ]
    )


def installed_zone(conn: BaseDatabaseWrapper) -> str | None:
    """The time zone the installed bucket function counts in (None: not installed)."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(p.oid, 'pg_proc') FROM pg_proc p WHERE p.proname = %s", [_BUCKET_FUNCTION]
        )
        found = cursor.fetchone()
    return found[0] if found else None


def install(conn: BaseDatabaseWrapper) -> None:
    """(Re)create the bucket function and the triggers, then count the tally afresh from the obligations."""
    if conn.vendor != "postgresql":
        return
    ZoneInfo(settings.TIME_ZONE)  # refuses a name that is no time zone
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        cursor.execute(_bucket_function_sql(settings.TIME_ZONE))
        cursor.execute(_trigger_sql())
        rebuild(conn)


def ensure_installed(conn: BaseDatabaseWrapper) -> bool:
    """Install (and rebuild) when the triggers are missing or count in another time zone than settings.TIME_ZONE.
    Returns whether it did."""
    if conn.vendor != "postgresql" or installed_zone(conn) == settings.TIME_ZONE:
        return False
    install(conn)
    return True


def rebuild(conn: BaseDatabaseWrapper | None = None) -> None:
    """Count the tally afresh from every obligation (the obligations are locked against writes meanwhile)."""
    conn = conn or connection
    t = _tables()
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        cursor.execute(f"LOCK TABLE {t['obligations']} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {t['tally']}")  # noqa: S608
        cursor.execute(_append(_changes(t["obligations"], 1, t), t))


def compact() -> int:
    """Fold the appended rows into one per (month, person, bucket), dropping those that sum to nothing. Readers see
    the tally before or after, never half of it; appends made meanwhile are kept for the next time. Returns the rows
    left."""
    if not available():
        return 0
    t = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        cursor.execute(
            f"""WITH gone AS (DELETE FROM {t["tally"]} RETURNING month, person, bucket, delta)
            INSERT INTO {t["tally"]} (month, person, bucket, delta)
            SELECT month, person, bucket, sum(delta) FROM gone GROUP BY month, person, bucket
            HAVING sum(delta) <> 0"""  # noqa: S608
        )
        return cursor.rowcount
