"""The contract register: search, filters and sort order, always on top of the access selector.

Search is a case-insensitive substring match over the number, the title, the vendor's names, the clause text and
the categories of the clauses (their code and their label in every language: SLA, 服务水平, 数据交接). A
substring match is what finds Chinese words, which have no spaces for a word tokenizer to split on, and it behaves
the same on PostgreSQL and SQLite. It reads one lower-cased text per contract (`ContractSearchText`), kept up to date
by the services through `search_text_refresh`, so a search tests each visible contract once instead of joining all
of its clauses.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.utils import translation

from accounts.models import AnyUser, User
from accounts.selectors import users_matching

from .models import Clause, ClauseCategory, Contract, ContractSearchText
from .selectors import contract_ids_visible_to, contracts_visible_to, contracts_visible_to_for_counting

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
# The query-string names a RegisterQuery is read from (RegisterFilterForm's fields): a register link or a bulk export
# carries these and nothing else.
REGISTER_PARAMS = ("q", "status", "category", "vendor", "owner", "expiring", "review", "sort")
# The register's review filter: contracts with open findings of this severity (the counts the review stores).
REVIEW_FILTERS = {"high": "review_summary__open_high__gt"}
# A search stops counting its matches here; the register then shows "500+" and pages through the first 500.
SEARCH_COUNT_CAP = 500


@dataclass(frozen=True)
class RegisterQuery:
    """What the user asked the register for; every field optional."""

    q: str = ""
    status: str = ""
    category: str = ""
    vendor_id: int | None = None
    owner_username: str = ""
    """The owner's user name or name (李晓敏, lixm, Grace Chen), matched like the people pickers match."""
    expiring_within_days: int | None = None
    review: str = ""
    """"high": only contracts with open high findings of the contract review."""
    sort: str = DEFAULT_SORT


def normalize_sort(sort: str) -> str:
    """A sort key from the whitelist, with an optional leading '-'; anything else falls back to the default."""
    return sort if sort.lstrip("-") in SORTS else DEFAULT_SORT


def expiring_filter(days: int, *, today: date) -> Q:
    """Running contracts whose end date falls within `days` days and that will really end then.

    An auto-renewing contract without a non-renewal notice rolls into its next term instead of ending, so it is not
    "expiring"; its renewal window obligation is what asks for a decision.
    """
    return Q(status__in=Contract.RUNNING_STATUSES, end_date__gte=today, end_date__lte=today + timedelta(days=days)) & (
        Q(auto_renew=False) | Q(notice_given_on__isnull=False)
    )


def search_document(
    *,
    number: str,
    title: str,
    vendor_name: str,
    vendor_short_name: str,
    clause_texts: Iterable[str],
    clause_categories: Iterable[str] = (),
) -> str:
    """The text a contract is found by: one field per line (a match never spans two fields), lower-cased.

    Each category its clauses have adds its code and its labels (clause_category_words), once per category.
    """
    words = clause_category_words()
    categories = [words.get(category, category) for category in sorted(set(clause_categories))]
    return "\n".join([number, title, vendor_name, vendor_short_name, *clause_texts, *categories]).lower()


@cache
def clause_category_words() -> dict[str, str]:
    """For each clause category, the words it is found by, one per line: its code and its label in every language
    of the interface (sla / Service levels / 服务水平)."""
    words: dict[str, list[str]] = {value: [value] for value in ClauseCategory.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in ClauseCategory.choices:
                if str(label) not in words[value]:
                    words[value].append(str(label))
    return {value: "\n".join(labels) for value, labels in words.items()}


def search_needle(text: str) -> str:
    """What the stored texts are searched for: the user's words, trimmed and lower-cased like the texts."""
    return " ".join(text.split()).lower()


def search_text_refresh(contract_ids: Iterable[int]) -> None:
    """Rebuild the search text of these contracts; call it in the same transaction as the change.

    The services call it whenever a contract's number or title, its vendor's names, its clause texts or categories
    change, and when clauses are added. It reads each contract and its clauses once and writes all rows in one upsert.
    """
    ids = sorted(set(contract_ids))
    if not ids:
        return
    clause_texts: dict[int, list[str]] = defaultdict(list)
    clause_categories: dict[int, set[str]] = defaultdict(set)
    for contract_id, text, category in (
        Clause.objects.filter(contract_id__in=ids)
        .order_by("order", "id")
        .values_list("contract_id", "text", "category")
    ):
        clause_texts[contract_id].append(text)
        clause_categories[contract_id].add(category)
    contracts = Contract.objects.filter(pk__in=ids).values_list(
        "pk", "number", "title", "vendor__name", "vendor__short_name"
    )
    ContractSearchText.objects.bulk_create(
        [
            ContractSearchText(
                contract_id=pk,
                text=search_document(
                    number=number,
                    title=title,
                    vendor_name=vendor_name,
                    vendor_short_name=vendor_short_name,
                    clause_texts=clause_texts[pk],
                    clause_categories=clause_categories[pk],
                ),
            )
            for pk, number, title, vendor_name, vendor_short_name in contracts
        ],
        update_conflicts=True,
        unique_fields=["contract"],
        update_fields=["text"],
    )


def contract_register(user: AnyUser, query: RegisterQuery, *, today: date) -> QuerySet[Contract]:
    """The contracts `user` may see that match `query`, sorted, with vendor and owner loaded for the list."""
    if search_needle(query.q):
        # Every visible contract may have to be tested against the text, so start from the set of visible ids (read
        # from the grant indexes) and look each one's search text up by key: for a staff user who sees 10,000 of
        # 100,000 contracts that is at most 10,000 probes instead of reading every contract and every clause.
        qs = _matching(contracts_visible_to_for_counting(user), query)
    else:
        qs = contracts_visible_to(user)
    return _sorted(_filtered(qs, query, today=today), query)


def register_matches_for_counting(user: AnyUser, query: RegisterQuery, *, today: date) -> QuerySet[Contract]:
    """The contracts `user` may see that match `query`'s search and filters, unsorted: what reports count and sum.

    Shaped for aggregates over every match (contracts_visible_to_for_counting), not for a page; the sort is ignored.
    """
    qs = contracts_visible_to_for_counting(user)
    if search_needle(query.q):
        qs = _matching(qs, query)
    return _filtered(qs, query, today=today).order_by()


def _matching(qs: QuerySet[Contract], query: RegisterQuery) -> QuerySet[Contract]:
    needle = search_needle(query.q)
    return qs.filter(pk__in=ContractSearchText.objects.filter(text__contains=needle).values("contract_id"))


def _sorted(qs: QuerySet[Contract], query: RegisterQuery) -> QuerySet[Contract]:
    sort = normalize_sort(query.sort)
    descending = sort.startswith("-")
    ordering = [f"-{f}" if descending else f for f in SORTS[sort.lstrip("-")]]
    # The stored count of open high findings (review.ContractReview), joined: no review is run per row.
    open_high = F("review_summary__open_high")
    return qs.select_related("vendor", "owner").annotate(open_high=open_high).order_by(*ordering)


def _index_keeps_order(query: RegisterQuery) -> bool:
    """Whether an index on the contracts lists them in the asked order, so a page can stop after one page of rows.

    Newest first and by number have their own indexes; the end date has one within a status ((status, end_date)).
    """
    key = normalize_sort(query.sort).lstrip("-")
    return key in ("created", "number") or (key == "end_date" and bool(query.status))


def _filtered(qs: QuerySet[Contract], query: RegisterQuery, *, today: date) -> QuerySet[Contract]:
    if query.status:
        qs = qs.filter(status=query.status)
    if query.category:
        qs = qs.filter(category=query.category)
    if query.vendor_id:
        qs = qs.filter(vendor_id=query.vendor_id)
    if query.owner_username:
        qs = qs.filter(owner__in=users_matching(User.objects.all(), query.owner_username).values("pk"))
    if query.expiring_within_days is not None:
        qs = qs.filter(expiring_filter(query.expiring_within_days, today=today))
    if query.review in REVIEW_FILTERS:
        qs = qs.filter(**{REVIEW_FILTERS[query.review]: 0})
    return qs


class RegisterPaginator(Paginator):
    """A paginator whose total may be capped: `capped` says the search found more than `count` contracts."""

    capped = False


def register_page(user: AnyUser, query: RegisterQuery, number: str | int | None, per_page: int, *, today: date) -> Page:
    """One page of the register (see _register_page), each contract with its end dates on `today` as `ends`."""
    page = _register_page(user, query, number, per_page, today=today)
    page.object_list = with_end_dates(page.object_list, today=today)
    return page


def with_end_dates(contracts: Iterable[Contract], *, today: date) -> list[Contract]:
    """The contracts as a list, each with `ends`: its end dates on `today` (Contract.end_dates, rules.terms)."""
    rows = list(contracts)
    for contract in rows:
        contract.ends = contract.end_dates(today)  # type: ignore[attr-defined]
    return rows


def _register_page(
    user: AnyUser, query: RegisterQuery, number: str | int | None, per_page: int, *, today: date
) -> Page:
    """One page of the register and the total of matching contracts, in a constant number of queries.

    Without search text the total is counted from the visible ids alone (an index-only read of the grant tables),
    and the page walks the contracts in list order and stops after one page.

    With search text, the first query collects the ids of up to SEARCH_COUNT_CAP + 1 matching contracts, testing
    each visible contract's search text until it has found that many. When the search found no more than the cap,
    those ids are the whole result: the total is exact and the page is read by primary key. When it found more, the
    total shows as "500+" and, for list orders an index keeps (newest first, number, end date within a status), the
    page walks the contracts in that order and stops after one page: a common word matches densely, so the walk is
    short. Other orders still sort every match. The export (contract_register) has every match.
    """
    matches = contract_register(user, query, today=today)
    paginator = RegisterPaginator(matches, per_page)
    try:
        index = max(int(number), 1) if number is not None else 1
    except ValueError:
        index = 1
    if not search_needle(query.q):
        if query == RegisterQuery(sort=query.sort):
            paginator.count = contract_ids_visible_to(user).count()
        else:
            paginator.count = _filtered(contracts_visible_to_for_counting(user), query, today=today).count()
        return paginator.get_page(index)
    found = list(matches.order_by().values_list("pk", flat=True)[: SEARCH_COUNT_CAP + 1])
    if len(found) > SEARCH_COUNT_CAP:
        paginator.count, paginator.capped = SEARCH_COUNT_CAP, True
        if _index_keeps_order(query):
            paginator.object_list = _sorted(
                _filtered(_matching(contracts_visible_to(user), query), query, today=today), query
            )
    else:
        paginator.count = len(found)
        paginator.object_list = (
            _sorted(Contract.objects.filter(pk__in=found), query) if found else Contract.objects.none()
        )
    return paginator.get_page(index)
