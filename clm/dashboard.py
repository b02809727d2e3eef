"""What the dashboard shows a user, read through the access selectors only.

The dashboard is personal. Everyone sees their own overdue and upcoming obligations. The other sections (renewal
windows, price-change notices, expiring contracts, counts) cover every contract for those who oversee all of them
(managers, legal, auditors) and, for procurement staff, the contracts they own and the obligations assigned to them:
a contract shared with someone for reading stays its owner's to handle.

The page costs a fixed number of queries whatever the data: one short list per section, and the totals computed
together in one aggregate per table. Over everything (the overseers' view) a total stops counting at COUNT_CAP and
shows as "500+": the list page behind the section has them all.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from contracts.models import Contract
from contracts.search import expiring_filter
from contracts.selectors import contract_ids_visible_to, contracts_visible_to, user_sees_all_contracts
from obligations.models import Obligation
from obligations.selectors import obligations_visible_to

SECTION_SIZE = 8
COUNT_CAP = 500
UPCOMING_DAYS = 30
EXPIRING_DAYS = 90
RELATED = ("contract", "contract__vendor", "price_change_notice", "certification")


@dataclass
class Section:
    items: list
    total: int

    @property
    def shown_total(self) -> str:
        return f"{COUNT_CAP}+" if self.total > COUNT_CAP else str(self.total)


def my_obligation_ids(user) -> QuerySet:
    """Ids of the obligations the user owns: assigned to them, or unassigned on a contract they own.

    A UNION of two small index scans. The owner of a contract always sees it (contracts.selectors), so the
    unassigned ones need no further check; an obligation assigned to the user counts only while its contract is
    visible to them.
    """
    own_contracts = contracts_visible_to(user).filter(owner=user).order_by().values("pk")
    inherited = Obligation.objects.filter(owner__isnull=True, contract__in=own_contracts).order_by().values("pk")
    assigned = Obligation.objects.filter(owner=user, contract__in=contract_ids_visible_to(user)).order_by().values("pk")
    return inherited.union(assigned)


def my_obligations(user) -> QuerySet[Obligation]:
    return Obligation.objects.filter(pk__in=my_obligation_ids(user))


def _first(qs: QuerySet, *ordering: str) -> list:
    return list(qs.order_by(*ordering)[:SECTION_SIZE])


def _capped_count(qs: QuerySet) -> int:
    return qs.order_by().values("pk")[: COUNT_CAP + 1].count()


def dashboard_for(user, *, today: date) -> dict:
    oversees_all = user_sees_all_contracts(user)
    overdue = Q(due_date__lt=today)
    upcoming = Q(due_date__gte=today, due_date__lte=today + timedelta(days=UPCOMING_DAYS))
    renewal = Q(kind=Obligation.Kind.RENEWAL_WINDOW, starts_on__lte=today, due_date__gte=today)
    price = Q(kind=Obligation.Kind.PRICE_CHANGE_NOTICE)
    expiring = expiring_filter(EXPIRING_DAYS, today=today)

    mine = my_obligations(user).filter(status=Obligation.Status.OPEN)
    if oversees_all:
        in_care = obligations_visible_to(user).filter(status=Obligation.Status.OPEN)
        contracts = contracts_visible_to(user)
    else:
        in_care = mine
        contracts = contracts_visible_to(user).filter(owner=user)

    counts = mine.aggregate(
        overdue=Count("pk", filter=overdue),
        upcoming=Count("pk", filter=upcoming),
        renewal=Count("pk", filter=renewal),
        price=Count("pk", filter=price),
    )
    if oversees_all:
        counts["renewal"] = _capped_count(in_care.filter(renewal))
        counts["price"] = _capped_count(in_care.filter(price))
    contract_counts = contracts.aggregate(
        active=Count("pk", filter=Q(status=Contract.Status.ACTIVE)),
        negotiating=Count("pk", filter=Q(status=Contract.Status.NEGOTIATING)),
        expiring=Count("pk", filter=expiring),
    )
    mine, in_care = mine.select_related(*RELATED), in_care.select_related(*RELATED)
    return {
        "oversees_all": oversees_all,
        "overdue": Section(_first(mine.filter(overdue), "due_date", "id"), counts["overdue"]),
        "upcoming": Section(_first(mine.filter(upcoming), "due_date", "id"), counts["upcoming"]),
        "renewal_windows": Section(_first(in_care.filter(renewal), "due_date", "id"), counts["renewal"]),
        "price_notices": Section(
            _first(in_care.filter(price), "price_change_notice__compliant", "due_date", "id"), counts["price"]
        ),
        "expiring": Section(
            _first(contracts.filter(expiring).select_related("vendor"), "end_date", "id"), contract_counts["expiring"]
        ),
        "active_count": contract_counts["active"],
        "negotiating_count": contract_counts["negotiating"],
        "upcoming_days": UPCOMING_DAYS,
        "upcoming_until": today + timedelta(days=UPCOMING_DAYS),
        "expiring_days": EXPIRING_DAYS,
    }
