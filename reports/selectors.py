"""The portfolio reports: every figure counted or summed by the database over the contracts a user may see.

Each report starts from the register's own query (contracts.search: the same search text and filters as the
register, on top of contracts.selectors, the access gate) and aggregates in SQL (conditional Count and Sum, months by
TruncMonth); no row is loaded into Python to be counted. Each report runs a fixed number of queries whatever the
number of contracts. Amounts are summed per currency, since amounts in two currencies do not add up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Model, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import AnyUser, User
from contracts.models import Contract, FeeItem
from contracts.search import RegisterQuery, register_matches_for_counting
from contracts.selectors import user_sees_all_contracts
from core.formatting import person_label
from obligations.models import Obligation
from sla.models import SlaMeasurement, SlaPeriod

from . import tally
from .findings import findings_by_rule

MONTHS = 12
ZERO = Decimal("0.00")

_Row = TypeVar("_Row", bound=Model)

KINDS = ("renewals", "spend", "obligations", "sla", "findings")


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str = "int"
    """text, int, money (a Decimal in the row's currency), pct (a Decimal percentage or None) or month (YYYY-MM)."""


@dataclass
class Table:
    key: str
    title: str | Promise
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart_x: str = ""
    """The column the chart's categories come from; the chart draws `chart_series` against it (none: no chart)."""
    chart_series: tuple[str, ...] = ()
    chart_stacked: bool = False


@dataclass
class Report:
    kind: str
    title: str | Promise
    description: str | Promise
    tables: list[Table]
    note: str | Promise = ""

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` months after `day`'s month (before it when negative)."""
    years, month = divmod(day.month - 1 + months, 12)
    return date(day.year + years, month + 1, 1)


def month_starts(first: date, count: int = MONTHS) -> list[date]:
    """The first days of `count` months from `first`'s month on."""
    return [add_months(first, i) for i in range(count)]


def _rows(values: Iterable[Any]) -> list[dict[str, Any]]:
    """The rows of a values() query, as plain dictionaries."""
    return list(values)


def _month(value: date) -> str:
    return value.strftime("%Y-%m")


def _scope(user: AnyUser, query: RegisterQuery, *, today: date) -> tuple[QuerySet[Contract], QuerySet | None]:
    """The matching contracts, and their ids as a subquery for the rows that hang off them; None when that is every
    contract (a user who sees them all, no filter), so that those rows are read without a join."""
    contracts = register_matches_for_counting(user, query, today=today)
    if user_sees_all_contracts(user) and query == RegisterQuery(sort=query.sort):
        return contracts, None
    return contracts, contracts.values("pk")


def _of(rows: QuerySet[_Row], ids: QuerySet | None, path: str = "contract") -> QuerySet[_Row]:
    """`rows` whose contract (reached through `path`) is one of `ids` (None: any)."""
    return rows if ids is None else rows.filter(**{f"{path}__in": ids})


def _per_currency_months(
    months: list[date],
    counted: Iterable[dict],
    counts: tuple[str, ...],
    amounts: tuple[str, ...],
    *,
    default_currency: str = "CNY",
) -> list[dict]:
    """One row per month and currency from aggregate rows keyed by "month" and "currency"; a month with nothing
    counted gets one row of zeros in the default currency, so that every month of the window is in the table."""
    by_month: dict[date, dict[str, dict]] = defaultdict(dict)
    for row in counted:
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month
        cell = by_month[month].setdefault(row["currency"], {})
        cell.update({key: row[key] for key in (*counts, *amounts) if row.get(key) is not None})
    rows = []
    for month in months:
        for currency, cell in sorted((by_month.get(month) or {default_currency: {}}).items()):
            rows.append(
                {
                    "month": _month(month),
                    "currency": currency,
                    **{key: cell.get(key, 0) for key in counts},
                    **{key: _money(cell.get(key)) for key in amounts},
                }
            )
    return rows


def renewal_pipeline(user: AnyUser, query: RegisterQuery, *, today: date) -> Report:
    """The next 12 months: open renewal decisions (the renewal window obligations, whose due dates the derivation
    computed for the current term) and contracts that will really end (running, and either not renewing by
    themselves or given notice: the register's "expiring" filter), with their value, by month."""
    months = month_starts(today)
    start, end = months[0], add_months(months[-1], 1)
    contracts, ids = _scope(user, query, today=today)
    decisions = (
        _of(Obligation.objects.all(), ids)
        .filter(
            kind=Obligation.Kind.RENEWAL_WINDOW,
            status=Obligation.Status.OPEN,
            due_date__gte=start,
            due_date__lt=end,
        )
        .annotate(month=TruncMonth("due_date"), currency=F("contract__currency"))
        .values("month", "currency")
        .annotate(decisions=Count("contract", distinct=True), decisions_value=Sum("contract__contract_value"))
        .order_by()
    )
    endings = (
        contracts.filter(status__in=Contract.RUNNING_STATUSES, end_date__gte=start, end_date__lt=end)
        .filter(Q(auto_renew=False) | Q(notice_given_on__isnull=False))
        .annotate(month=TruncMonth("end_date"))
        .values("month", "currency")
        .annotate(endings=Count("pk"), endings_value=Sum("contract_value"))
        .order_by()
    )
    rows = _per_currency_months(
        months, [*_rows(decisions), *_rows(endings)], ("decisions", "endings"), ("decisions_value", "endings_value")
    )
    table = Table(
        "months",
        _("Renewal pipeline by month"),
        [
            Column("month", _("Month"), "month"),
            Column("currency", _("Currency"), "text"),
            Column("decisions", _("Renewal decisions due")),
            Column("decisions_value", _("Value of contracts to decide"), "money"),
            Column("endings", _("Contracts ending")),
            Column("endings_value", _("Value of contracts ending"), "money"),
        ],
        rows,
        chart_x="month",
        chart_series=("decisions", "endings"),
    )
    return Report(
        "renewals",
        _("Renewal pipeline"),
        _(
            "The next 12 months: contracts whose renewal decision is due, and contracts that will end (not renewing "
            "by themselves, or given notice), with their value."
        ),
        [table],
    )


def _fees_amount() -> ExpressionWrapper:
    amount = F("unit_price") * F("quantity")
    return ExpressionWrapper(amount, output_field=DecimalField(max_digits=26, decimal_places=6))


def _money(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


_FEE_GROUP = ("contract__vendor_id", "contract__category", "contract__currency")


def _fees(ids: QuerySet | None, months: list[date]) -> list[dict]:
    """One pass over the matching contracts' fee items, per (vendor, category, currency): the monthly fees of them
    all (`fees`), and for each of `months` (`m0`, `m1`...) those of the contracts in force in that month."""
    in_force = Q(
        contract__status__in=(
            Contract.Status.SIGNED,
            Contract.Status.ACTIVE,
            Contract.Status.EXPIRED,
            Contract.Status.TERMINATED,
        )
    )
    per_month = {}
    for i, first in enumerate(months):
        last = add_months(first, 1) - timedelta(days=1)
        running = (
            Q(contract__effective_date__lte=last)
            & (
                Q(contract__end_date__isnull=True)
                | Q(contract__end_date__gte=first)
                | Q(contract__auto_renew=True, contract__status__in=Contract.RUNNING_STATUSES)
            )
            & ~Q(contract__terminated_on__lt=first)
            & ~Q(contract__expired_on__lt=first)
        )
        per_month[f"m{i}"] = Sum(_fees_amount(), filter=in_force & running)
    return _rows(
        _of(FeeItem.objects.all(), ids).values(*_FEE_GROUP).annotate(fees=Sum(_fees_amount()), **per_month).order_by()
    )


def _spend_by(contracts: QuerySet[Contract], fees: list[dict]) -> tuple[list[dict], list[dict]]:
    """Contracts, their value and their monthly fees per vendor and currency and per category and currency, biggest
    value first: counted once per (vendor, category, currency) in SQL, those few sums then added up per key."""
    values = (
        contracts.values("vendor_id", "vendor__name", "category", "currency")
        .annotate(contracts=Count("pk"), value=Sum("contract_value"))
        .order_by()
    )
    fee_of = {tuple(row[key] for key in _FEE_GROUP): row["fees"] for row in fees}
    totals: tuple[dict, dict] = ({}, {})
    for row in _rows(values):
        fee = fee_of.get((row["vendor_id"], row["category"], row["currency"])) or ZERO
        for total, key in zip(totals, (row["vendor__name"], row["category"]), strict=True):
            cell = total.setdefault(
                (key, row["currency"]),
                {"key": key, "currency": row["currency"], "contracts": 0, "value": ZERO, "monthly_fees": ZERO},
            )
            cell["contracts"] += row["contracts"]
            cell["value"] += row["value"] or ZERO
            cell["monthly_fees"] += fee
    ordered = []
    for total in totals:
        rows = [
            {**cell, "value": _money(cell["value"]), "monthly_fees": _money(cell["monthly_fees"])}
            for cell in total.values()
        ]
        rows.sort(key=lambda row: (-row["value"], -row["monthly_fees"], str(row["key"]), row["currency"]))
        ordered.append(rows)
    return ordered[0], ordered[1]


def _without_key(row: dict) -> dict:
    return {name: value for name, value in row.items() if name != "key"}


def spend(user: AnyUser, query: RegisterQuery, *, today: date) -> Report:
    """Contract value and monthly fees (the fee items: unit price x quantity) by vendor and by category over the
    matching contracts; and by month over the last 12 months: the value of contracts taking effect that month and
    the monthly fees of the contracts in force in it."""
    contracts, ids = _scope(user, query, today=today)
    months = month_starts(add_months(today, -(MONTHS - 1)))
    fees = _fees(ids, months)
    by_vendor, by_category = _spend_by(contracts, fees)
    categories = dict(Contract.Category.choices)
    money_columns = [
        Column("currency", _("Currency"), "text"),
        Column("contracts", _("Contracts")),
        Column("value", _("Contract value"), "money"),
        Column("monthly_fees", _("Monthly fees"), "money"),
    ]
    vendor_table = Table(
        "vendors",
        _("Spend by vendor"),
        [Column("vendor", _("Vendor"), "text"), *money_columns],
        [{"vendor": row["key"], **_without_key(row)} for row in by_vendor],
        chart_x="vendor",
        chart_series=("value",),
    )
    category_table = Table(
        "categories",
        _("Spend by category"),
        [Column("category", _("Category"), "text"), *money_columns],
        [{"category": str(categories.get(row["key"], row["key"])), **_without_key(row)} for row in by_category],
        chart_x="category",
        chart_series=("value",),
    )

    window_end = add_months(months[-1], 1)
    started = (
        contracts.filter(effective_date__gte=months[0], effective_date__lt=window_end)
        .exclude(status__in=(Contract.Status.DRAFT, Contract.Status.NEGOTIATING))
        .annotate(month=TruncMonth("effective_date"))
        .values("month", "currency")
        .annotate(new_contracts=Count("pk"), new_value=Sum("contract_value"))
        .order_by()
    )
    fee_per_month: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for row in fees:
        for i in range(len(months)):
            if row[f"m{i}"]:
                fee_per_month[(i, row["contract__currency"])] += row[f"m{i}"]
    fee_rows = [
        {"month": months[i], "currency": currency, "monthly_fees": _money(amount)}
        for (i, currency), amount in fee_per_month.items()
    ]
    month_rows = _per_currency_months(
        months, [*_rows(started), *fee_rows], ("new_contracts",), ("new_value", "monthly_fees")
    )
    month_table = Table(
        "months",
        _("Spend by month"),
        [
            Column("month", _("Month"), "month"),
            Column("currency", _("Currency"), "text"),
            Column("new_contracts", _("Contracts taking effect")),
            Column("new_value", _("Their contract value"), "money"),
            Column("monthly_fees", _("Monthly fees in force"), "money"),
        ],
        month_rows,
        chart_x="month",
        chart_series=("monthly_fees",),
    )
    return Report(
        "spend",
        _("Spend"),
        _("Contract value and monthly fees (unit price x quantity of the fee items) by vendor, category and month."),
        [vendor_table, category_table, month_table],
    )


def obligation_window(today: date) -> tuple[list[date], date, date]:
    """The obligations report's months (six back, today's, five ahead) and the due dates they cover, [start, end)."""
    months = month_starts(add_months(today, -6))
    return months, months[0], add_months(months[-1], 1)


def obligations(user: AnyUser, query: RegisterQuery, *, today: date) -> Report:
    """Obligations due in a window of 12 months (the last six and the next six): still open, overdue (open after
    the due date, rules.obligation_dates), done on time or late (completed, in the company's time zone, after the
    due date), by due month and by the person responsible (the obligation's owner, else the contract's owner).
    Waived obligations count in neither."""
    months, start, end = obligation_window(today)
    _contracts, ids = _scope(user, query, today=today)
    keys = tally.COUNTS
    # Counted in SQL: summed from the tally PostgreSQL keeps when the user sees every contract and no filter narrows
    # them, else row by row over the matching contracts' obligations (for staff: from the
    # obligation_report_by_contract index); the people's names are then read in one small query.
    if ids is None and tally.available():
        counted = tally.count_all(start, end, today)
    else:
        due = _of(Obligation.objects.all(), ids).filter(due_date__gte=start, due_date__lt=end)
        counted = tally.count_rows(due, today)
    by_month = counted.by_month
    by_owner: dict[int | None, dict[str, Any]] = {
        person: {"row": {"owner_id": person}, **counts} for person, counts in counted.by_person.items()
    }
    names = User.objects.filter(pk__in=[pk for pk in by_owner if pk is not None]).values(
        "pk", "username", "first_name", "last_name"
    )
    for person in names:
        by_owner[person["pk"]]["row"].update(
            {f"owner__{name}": person[name] for name in ("username", "first_name", "last_name")}
        )
    month_rows = [{"month": _month(month), **by_month.get(month, dict.fromkeys(keys, 0))} for month in months]
    owner_rows = [
        {"owner": _owner_label(owner["row"]), **{key: owner[key] for key in keys}}
        for owner in sorted(
            by_owner.values(), key=lambda o: (o["row"]["owner_id"] is None, o["row"].get("owner__username") or "")
        )
        if any(owner[key] for key in keys)
    ]
    count_columns = [
        Column("open", _("Open")),
        Column("overdue", _("Overdue")),
        Column("on_time", _("Done on time")),
        Column("late", _("Done late")),
    ]
    return Report(
        "obligations",
        _("Obligations"),
        _(
            "Obligations due from six months ago to six months ahead: open, overdue, done on time and done late, by "
            "month and by owner."
        ),
        [
            Table(
                "months",
                _("Obligations by due month"),
                [Column("month", _("Month"), "month"), *count_columns],
                month_rows,
                chart_x="month",
                chart_series=keys,
                chart_stacked=True,
            ),
            Table(
                "owners",
                _("Obligations by owner"),
                [Column("owner", _("Owner"), "text"), *count_columns],
                owner_rows,
                chart_x="owner",
                chart_series=keys,
                chart_stacked=True,
            ),
        ],
    )


class _Person:
    """Enough of a user for core.formatting.person_label, from a row of values."""

    def __init__(self, username: str, first_name: str, last_name: str):
        self.username, self.first_name, self.last_name = username, first_name, last_name

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _owner_label(row: dict) -> str:
    if row["owner_id"] is None or "owner__username" not in row:
        return str(_("Not assigned"))
    return person_label(_Person(row["owner__username"], row["owner__first_name"], row["owner__last_name"]))


def sla_compliance(user: AnyUser, query: RegisterQuery, *, today: date) -> Report:
    """Per vendor, over the last 12 months of recorded SLA results: targets met of those measured, and the service
    credits earned (per currency)."""
    first = _month(add_months(today, -(MONTHS - 1)))
    _contracts, ids = _scope(user, query, today=today)
    measured = (
        _of(SlaMeasurement.objects.all(), ids, "sla_period__contract")
        .filter(sla_period__period__gte=first)
        .values("sla_period__contract__vendor_id", "sla_period__contract__vendor__name")
        .annotate(measured=Count("pk"), met=Count("pk", filter=Q(met=True)))
        .order_by()
    )
    credits = (
        _of(SlaPeriod.objects.all(), ids)
        .filter(period__gte=first)
        .values("contract__vendor_id", "contract__currency")
        .annotate(credits=Sum("credit_amount"))
        .order_by()
    )
    credit_of: dict[int, list[dict]] = defaultdict(list)
    for row in _rows(credits):
        credit_of[row["contract__vendor_id"]].append(row)
    rows = []
    for row in _rows(measured):
        vendor_id = row["sla_period__contract__vendor_id"]
        vendor_credits = credit_of.get(vendor_id) or [{"contract__currency": "CNY", "credits": ZERO}]
        for credit in sorted(vendor_credits, key=lambda c: c["contract__currency"]):
            rows.append(
                {
                    "vendor": row["sla_period__contract__vendor__name"],
                    "measured": row["measured"],
                    "met": row["met"],
                    "compliance_pct": _pct(row["met"], row["measured"]),
                    "currency": credit["contract__currency"],
                    "credits": _money(credit["credits"]),
                }
            )
    rows.sort(key=lambda r: (r["compliance_pct"] is None, r["compliance_pct"] or 0, r["vendor"], r["currency"]))
    table = Table(
        "vendors",
        _("SLA compliance by vendor"),
        [
            Column("vendor", _("Vendor"), "text"),
            Column("measured", _("Targets measured")),
            Column("met", _("Targets met")),
            Column("compliance_pct", _("Compliance (%)"), "pct"),
            Column("currency", _("Currency"), "text"),
            Column("credits", _("Service credits earned"), "money"),
        ],
        rows,
        chart_x="vendor",
        chart_series=("compliance_pct",),
    )
    return Report(
        "sla",
        _("SLA compliance"),
        _("Monthly SLA results of the last 12 months by vendor: targets met of those measured, and service credits."),
        [table],
    )


def _pct(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def review_findings(user: AnyUser, query: RegisterQuery, *, today: date) -> Report:
    contracts, _ids = _scope(user, query, today=today)
    rows, available = findings_by_rule(contracts.values("pk"))
    table = Table(
        "rules",
        _("Review findings by rule"),
        [
            Column("rule", _("Rule"), "text"),
            Column("severity", _("Severity"), "text"),
            Column("open", _("Open")),
            Column("accepted", _("Accepted")),
            Column("contracts", _("Contracts")),
        ],
        rows,
        chart_x="rule",
        chart_series=("open", "accepted"),
    )
    return Report(
        "findings",
        _("Review findings"),
        _("What the automatic contract review found, by rule, over the matching contracts."),
        [table],
        note="" if available else _("Contract review does not record findings yet."),
    )


BUILDERS = {
    "renewals": renewal_pipeline,
    "spend": spend,
    "obligations": obligations,
    "sla": sla_compliance,
    "findings": review_findings,
}


def report(kind: str, user: AnyUser, query: RegisterQuery, *, today: date) -> Report:
    return BUILDERS[kind](user, query, today=today)
