"""What the dashboard shows a user, read through the access selectors only.

Each section is a short list (the first few items) plus the total, so the page costs the same handful of queries
whether the user sees ten contracts or a hundred thousand.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from contracts.models import Contract
from contracts.search import expiring_filter
from contracts.selectors import contracts_visible_to
from obligations.models import Obligation
from obligations.selectors import obligations_visible_to

SECTION_SIZE = 8
UPCOMING_DAYS = 30
EXPIRING_DAYS = 90


@dataclass
class Section:
    items: list
    total: int


def _section(qs: QuerySet, size: int = SECTION_SIZE) -> Section:
    items = list(qs[: size + 1])
    total = len(items) if len(items) <= size else qs.count()
    return Section(items[:size], total)


def mine(user) -> Q:
    """Obligations the user owns: assigned to them, or unassigned on a contract they own.

    Written as `pk IN (a UNION b)`, two index scans, rather than an OR across the obligation and contract tables,
    which PostgreSQL can only answer by reading every open obligation.
    """
    assigned = Obligation.objects.filter(owner=user).order_by().values("pk")
    inherited = Obligation.objects.filter(owner__isnull=True, contract__owner=user).order_by().values("pk")
    return Q(pk__in=assigned.union(inherited))


def dashboard_for(user, *, today: date) -> dict:
    obligations = obligations_visible_to(user).select_related("contract", "contract__vendor", "price_change_notice")
    open_obligations = obligations.filter(status=Obligation.Status.OPEN)
    my_open = open_obligations.filter(mine(user))
    contracts = contracts_visible_to(user)
    return {
        "overdue": _section(my_open.filter(due_date__lt=today).order_by("due_date", "id")),
        "upcoming": _section(
            my_open.filter(due_date__gte=today, due_date__lte=today + timedelta(days=UPCOMING_DAYS)).order_by(
                "due_date", "id"
            )
        ),
        "renewal_windows": _section(
            open_obligations.filter(
                kind=Obligation.Kind.RENEWAL_WINDOW, starts_on__lte=today, due_date__gte=today
            ).order_by("due_date", "id")
        ),
        "price_notices": _section(
            open_obligations.filter(kind=Obligation.Kind.PRICE_CHANGE_NOTICE).order_by(
                "price_change_notice__compliant", "due_date", "id"
            )
        ),
        "expiring": _section(
            contracts.filter(expiring_filter(EXPIRING_DAYS, today=today))
            .select_related("vendor")
            .order_by("end_date", "id")
        ),
        "active_count": contracts.filter(status=Contract.Status.ACTIVE).count(),
        "negotiating_count": contracts.filter(status=Contract.Status.NEGOTIATING).count(),
        "upcoming_days": UPCOMING_DAYS,
        "upcoming_until": today + timedelta(days=UPCOMING_DAYS),
        "expiring_days": EXPIRING_DAYS,
    }
