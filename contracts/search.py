"""The contract register: search, filters and sort order, always on top of `contracts_visible_to`.

Search is a case-insensitive substring match (`icontains`) over the number, the title, the vendor's names and the
clause text. A substring match is what finds Chinese words, which have no spaces for a word tokenizer to split on,
and it behaves the same on PostgreSQL and SQLite.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Window

from .models import Clause, Contract
from .selectors import contracts_visible_to

# Sort keys a user may pick (the register's column headers) and the ORM ordering behind each.
SORTS: dict[str, tuple[str, ...]] = {
    "number": ("number",),
    "title": ("title", "id"),
    "vendor": ("vendor__name", "id"),
    "status": ("status", "id"),
    "end_date": ("end_date", "id"),
    "owner": ("owner__username", "id"),
    "created": ("created_at", "id"),
}
DEFAULT_SORT = "-created"

# Contracts that can still expire: the rest have ended already or have not been signed.
RUNNING = (Contract.Status.SIGNED, Contract.Status.ACTIVE)


@dataclass(frozen=True)
class RegisterQuery:
    """What the user asked the register for; every field optional."""

    q: str = ""
    status: str = ""
    category: str = ""
    vendor_id: int | None = None
    owner_username: str = ""
    expiring_within_days: int | None = None
    sort: str = DEFAULT_SORT


def normalize_sort(sort: str) -> str:
    """A sort key from the whitelist, with an optional leading '-'; anything else falls back to the default."""
    return sort if sort.lstrip("-") in SORTS else DEFAULT_SORT


def expiring_filter(days: int, *, today: date) -> Q:
    """Running contracts whose end date falls within `days` days and that will really end then.

    An auto-renewing contract without a non-renewal notice rolls into its next term instead of ending, so it is not
    "expiring"; its renewal window obligation is what asks for a decision.
    """
    return Q(status__in=RUNNING, end_date__gte=today, end_date__lte=today + timedelta(days=days)) & (
        Q(auto_renew=False) | Q(notice_given_on__isnull=False)
    )


def contract_register(user, query: RegisterQuery, *, today: date) -> QuerySet[Contract]:
    """The contracts `user` may see that match `query`, sorted, with vendor and owner loaded for the list."""
    qs = contracts_visible_to(user)
    text = query.q.strip()
    if text:
        # Text without letter case (Chinese, digits) is matched as is: the same result as a case-insensitive
        # match, without upper-casing every clause in the database first.
        lookup = "contains" if text.lower() == text.upper() else "icontains"
        # Contracts with a matching clause, as one set (a single pass over the clause table, hashed) rather than a
        # probe per visible contract; the outer query keeps only the contracts the user may see.
        in_clauses = Clause.objects.filter(**{f"text__{lookup}": text}).order_by().values("contract_id")
        qs = qs.filter(
            Q(**{f"number__{lookup}": text})
            | Q(**{f"title__{lookup}": text})
            | Q(**{f"vendor__name__{lookup}": text})
            | Q(**{f"vendor__short_name__{lookup}": text})
            | Q(pk__in=in_clauses)
        )
    if query.status:
        qs = qs.filter(status=query.status)
    if query.category:
        qs = qs.filter(category=query.category)
    if query.vendor_id:
        qs = qs.filter(vendor_id=query.vendor_id)
    if query.owner_username:
        qs = qs.filter(owner__username=query.owner_username)
    if query.expiring_within_days is not None:
        qs = qs.filter(expiring_filter(query.expiring_within_days, today=today))
    sort = normalize_sort(query.sort)
    descending = sort.startswith("-")
    ordering = [f"-{f}" if descending else f for f in SORTS[sort.lstrip("-")]]
    return qs.select_related("vendor", "owner").order_by(*ordering)


def register_page(contracts: QuerySet[Contract], number, per_page: int) -> Page:
    """One page of the register and the total, in one query: the total is a window count over the same rows.

    A search over clause text is the expensive part of the register; counting it in the page's own query halves the
    work compared with Django's Paginator, which runs the search once to count and once more for the rows.
    """
    paginator = Paginator(contracts, per_page)
    try:
        index = max(int(number), 1)
    except (TypeError, ValueError):
        index = 1
    offset = (index - 1) * per_page
    rows = list(contracts.annotate(register_total=Window(Count("pk")))[offset : offset + per_page])
    if rows:
        paginator.count = rows[0].register_total
        return Page(rows, index, paginator)
    if index == 1:
        paginator.count = 0
        return Page([], 1, paginator)
    return paginator.get_page(index)
