"""What the dashboard shows a user, read through the access selectors only.

The dashboard is personal. Everyone sees their own overdue and upcoming obligations. The other sections (renewal
windows, price-change notices, expiring contracts, counts) cover every contract for those who oversee all of them
(managers, legal, auditors) and, for procurement staff, the contracts they own and the obligations assigned to them:
a contract shared with someone for reading stays its owner's to handle.

The page costs a fixed number of queries whatever the data: the user's own sections come from one narrow read and
one read of the rows shown, each overseers' section from a short list and a count, and the contract totals from
two index reads. Over everything (the overseers' view) a total stops counting at COUNT_CAP and shows as "500+": the
list page behind the section has them all.
"""

import operator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet

from accounts.models import User
from contracts.models import Contract
from contracts.search import expiring_filter
from contracts.selectors import contracts_visible_to, user_sees_all_contracts
from obligations.models import Obligation
from obligations.selectors import my_obligations, obligations_visible_to

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


def _first(qs: QuerySet, *ordering: str) -> list:
    return list(qs.order_by(*ordering)[:SECTION_SIZE])


def _capped_count(qs: QuerySet) -> int:
    return qs.order_by().values("pk")[: COUNT_CAP + 1].count()


def _price_order(row: dict) -> tuple:
    """Non-compliant notices first, as the overseers' list sorts them (`price_change_notice__compliant` ascending)."""
    return (row["compliant"] is None, bool(row["compliant"]))


def _my_sections(mine: QuerySet[Obligation], rules: dict[str, Q]) -> dict[str, Section]:
    """The sections made of the user's own open obligations, from one narrow read and one read of the rows shown.

    The user's obligations are a UNION of id sets (my_obligation_ids) that would otherwise be planned and run once
    per section and once more for the totals. Instead one query reads, for each obligation in any section, its
    id and which sections it belongs to (each rule is evaluated in SQL); the totals are counted from those rows and
    the first few of each section are then loaded whole in one query. The rows read are the user's own open ones
    in these sections: their number follows the user's workload, not the size of the database.
    """
    flags = {f"in_{name}": ExpressionWrapper(rule, output_field=BooleanField()) for name, rule in rules.items()}
    rows = list(
        mine.filter(reduce(operator.or_, rules.values()))
        .annotate(compliant=F("price_change_notice__compliant"), **flags)
        .order_by("due_date", "id")
        .values("pk", "compliant", *flags)
    )
    members = {name: [row for row in rows if row[f"in_{name}"]] for name in rules}
    if "price" in members:
        members["price"].sort(key=_price_order)
    shown = {name: [row["pk"] for row in found[:SECTION_SIZE]] for name, found in members.items()}
    loaded = Obligation.objects.select_related(*RELATED).in_bulk([pk for ids in shown.values() for pk in ids])
    return {name: Section([loaded[pk] for pk in shown[name]], len(members[name])) for name in rules}


def dashboard_for(user: User, *, today: date) -> dict:
    oversees_all = user_sees_all_contracts(user)
    rules = {
        "overdue": Obligation.overdue_on(today),
        "upcoming": Q(due_date__gte=today, due_date__lte=today + timedelta(days=UPCOMING_DAYS)),
        "renewal": Q(kind=Obligation.Kind.RENEWAL_WINDOW, starts_on__lte=today, due_date__gte=today),
        "price": Q(kind=Obligation.Kind.PRICE_CHANGE_NOTICE),
    }
    expiring = expiring_filter(EXPIRING_DAYS, today=today)
    mine = my_obligations(user).filter(status=Obligation.Status.OPEN)

    if oversees_all:
        sections = _my_sections(mine, {name: rules[name] for name in ("overdue", "upcoming")})
        in_care = obligations_visible_to(user).filter(status=Obligation.Status.OPEN).select_related(*RELATED)
        renewal, price = in_care.filter(rules["renewal"]), in_care.filter(rules["price"])
        sections["renewal"] = Section(_first(renewal, "due_date", "id"), _capped_count(renewal))
        sections["price"] = Section(
            _first(price, "price_change_notice__compliant", "due_date", "id"), _capped_count(price)
        )
        contracts = contracts_visible_to(user)
    else:
        sections = _my_sections(mine, rules)
        contracts = contracts_visible_to(user).filter(owner=user)

    # Two statuses counted from the (status, end_date) index alone, and the few contracts ending soon on their own:
    # one aggregate over all three would read every contract row of an overseer's 100,000.
    contract_counts = contracts.filter(status__in=(Contract.Status.ACTIVE, Contract.Status.NEGOTIATING)).aggregate(
        active=Count("status", filter=Q(status=Contract.Status.ACTIVE)),
        negotiating=Count("status", filter=Q(status=Contract.Status.NEGOTIATING)),
    )
    expiring_contracts = contracts.filter(expiring)
    # The review's stored counts (review.ContractReview): contracts with an open high finding, capped like the lists.
    review_high = _capped_count(contracts.filter(review_summary__open_high__gt=0))
    terminating = contracts.filter(status__in=Contract.RUNNING_STATUSES, scheduled_termination_on__isnull=False)
    return {
        "review_high_count": Section([], review_high).shown_total,
        "review_high": review_high,
        "oversees_all": oversees_all,
        "overdue": sections["overdue"],
        "upcoming": sections["upcoming"],
        "renewal_windows": sections["renewal"],
        "price_notices": sections["price"],
        "expiring": Section(
            _first(expiring_contracts.select_related("vendor"), "end_date", "id"), expiring_contracts.count()
        ),
        "terminating": Section(
            _first(terminating.select_related("vendor"), "scheduled_termination_on", "id"), terminating.count()
        ),
        "active_count": contract_counts["active"],
        "negotiating_count": contract_counts["negotiating"],
        "upcoming_days": UPCOMING_DAYS,
        "upcoming_until": today + timedelta(days=UPCOMING_DAYS),
        "expiring_days": EXPIRING_DAYS,
    }
