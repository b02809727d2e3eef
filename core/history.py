"""The history as a reader sees it: who changed what, from what, to what.

Two parts, neither tied to an app:

- reason_label: the services write a plain code word as each record's change reason ("sign", "share user NAME:
  view"); this gives its label in the reader's language.
- HistorySource, history_rows and history_entries: several models recorded by django-simple-history read as one
  list, newest first. An app says which models belong to one of its objects (contracts.history: the contract, its
  SLA and fee rows, clauses, notices, documents, obligations; vendors.history), history_rows merges their records
  into one query that a paginator can slice, and history_entries turns one page of them into entries: who, when,
  created / changed / deleted and why, and each changed field as old -> new with its label, values written for the
  reader (choices as labels, prose dates, money, percentages, yes/no, names of people and of the objects a foreign
  key points to). A page costs a fixed number of queries whatever its size: the records and their previous versions
  one query per model on the page, the objects named one query per model they belong to.
"""

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rules.redline import Segment, redline

from .formatting import amount, join_list, money, percent, person_name, prose_date

REASONS = {
    "create": _("Created"),
    "update": _("Terms edited"),
    "revision": _("Clause revised"),
    "start negotiation": _("Negotiation started"),
    "sign": _("Signed"),
    "activate": _("Activated"),
    "non-renewal notice": _("Non-renewal notice recorded"),
    "renew": _("Renewed"),
    "terminate": _("Terminated"),
    "schedule activation": _("Activation scheduled"),
    "schedule termination": _("Termination scheduled"),
    "expire": _("Expired"),
    "price-change notice": _("Price-change notice recorded"),
    "record": _("Recorded"),
    "recompute": _("Obligations recomputed"),
    "derive": _("Obligations derived"),
    "roll into next term": _("Rolled into the next term"),
    "complete": _("Marked done"),
    "waive": _("Waived"),
    "reopen": _("Reopened"),
    "reassign": _("Reassigned"),
    "move due date": _("Due date moved"),
    "delete": _("Deleted"),
    "agree": _("Clause agreed"),
    "edit": _("Edited"),
    "certifications changed": _("Certifications changed"),
    "working-day calendar changed": _("Working-day calendar changed"),
    "approve": _("Approved"),
    "apply": _("Came into force"),
    "fail": _("Could not be applied"),
    "rejected": _("Rejected"),
    "withdrawn": _("Withdrawn"),
    "amendment": _("Amendment applied"),
}
PREFIXES = {
    "successor of ": _("Created as the successor of %(rest)s"),
    "renew as successor ": _("Renewed by the successor %(rest)s"),
    "waive: ": _("Waived: %(rest)s"),
    # imports.services writes "imported from FILE by USER".
    "imported from ": _("Imported from %(rest)s"),
    "amendment ": _("Changed by amendment %(rest)s"),
    # imports.extraction_services: a draft contract (its clauses, a new vendor) created from an uploaded file.
    "read from file: ": _("Created from the file %(rest)s"),
}

# contracts.sharing writes "share user NAME: view|change|none" (or "share group ...").
SHARE = re.compile(r"^share (?P<kind>user|group) (?P<name>.+): (?P<permission>view|change|none)$")
SHARE_LABELS = {
    ("user", "view"): _("Shared with user %(name)s for viewing"),
    ("user", "change"): _("Shared with user %(name)s for editing"),
    ("user", "none"): _("Sharing with user %(name)s revoked"),
    ("group", "view"): _("Shared with group %(name)s for viewing"),
    ("group", "change"): _("Shared with group %(name)s for editing"),
    ("group", "none"): _("Sharing with group %(name)s revoked"),
}


def reason_label(reason: str | None) -> str:
    """The user's-language label of a stored change reason; an unknown reason is shown as stored."""
    reason = (reason or "").strip()
    if reason in REASONS:
        return str(REASONS[reason])
    for prefix, label in PREFIXES.items():
        if reason.startswith(prefix):
            return str(label) % {"rest": reason[len(prefix) :]}
    shared = SHARE.match(reason)
    if shared:
        return str(SHARE_LABELS[shared["kind"], shared["permission"]]) % {"name": shared["name"]}
    return reason


# What one record did to its object.
CREATED, CHANGED, DELETED = "created", "changed", "deleted"
ACTIONS = {"+": CREATED, "~": CHANGED, "-": DELETED}
ACTION_LABELS = {CREATED: _("Created"), CHANGED: _("Changed"), DELETED: _("Deleted")}
# Fields no reader asks about: bookkeeping the app writes itself.
ALWAYS_HIDDEN = frozenset({"id", "version", "created_at", "updated_at", "created_by"})


@dataclass(frozen=True)
class HistorySource:
    """One model recorded by django-simple-history whose records belong to another object's history.

    `parent` is the lookup from the model's historical records to that object's id ("id" for the object itself,
    "contract" for a row of a contract, "sla_period__contract" through a parent row). `label` writes the object's
    name from one historical record (default: its first field named title, name, metric, original_name or kind);
    `label_field` names the field whose value names the object instead (a foreign key reads as the name of what it
    points to, fetched with the others); `hidden` names fields not shown, `money` the decimal fields that are amounts
    in the owner's currency (fields ending in `_pct` read as percentages).
    """

    model: type[models.Model]
    parent: str = "contract"
    hidden: Sequence[str] = ()
    money: Sequence[str] = ()
    label: Callable[[Any], str] | None = None
    label_field: str = ""
    kind: str = ""

    @property
    def code(self) -> str:
        return self.kind or self.model._meta.model_name or ""

    def records(self) -> QuerySet:
        return self.model.history.all()  # type: ignore[attr-defined]

    @cached_property
    def shown_fields(self) -> list[models.Field]:
        """The fields a reader sees, as recorded in the history."""
        hidden = ALWAYS_HIDDEN | set(self.hidden) | {self.parent.split("__")[0]}
        recorded = {f.attname for f in self.records().model._meta.concrete_fields}
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in hidden and f.attname in recorded and not f.primary_key
        ]

    @cached_property
    def named_fields(self) -> list[models.Field]:
        """The shown fields and the one naming the object: the foreign keys among them are looked up by name."""
        extra = [self.model._meta.get_field(self.label_field)] if self.label_field else []
        return [*self.shown_fields, *(f for f in extra if f not in self.shown_fields)]  # type: ignore[misc]

    def object_label(self, record: Any, names: dict | None = None) -> str:
        if self.label is not None:
            return self.label(record)
        if self.label_field:
            f = self.model._meta.get_field(self.label_field)
            return display_value(f, getattr(record, f.attname), names=names)  # type: ignore[arg-type]
        for name in ("title", "name", "metric", "original_name", "kind"):
            value = getattr(record, name, None)
            if value:
                return str(value)
        return f"#{record.id}"


@dataclass
class Change:
    """One field of one record: its code name and label, the stored values (JSON-ready) and the values as read."""

    field: str
    label: str
    old: Any
    new: Any
    old_display: str
    new_display: str
    # For a text changed (a clause's wording): the redline from the old text to the new, as rules.redline segments.
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Entry:
    """One change of one object: who, when, what it did and why, and each field's old and new value."""

    at: datetime
    user: Any
    kind: str
    kind_label: str
    object_id: Any
    object_label: str
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""
    record: Any = None
    user_name: str = ""
    action_label: str = ""
    reason_label: str = ""

    def __post_init__(self) -> None:
        # Written once, in the language active when the entry is made (the reader's).
        self.user_name = person_name(self.user) if self.user is not None else ""
        self.action_label = str(ACTION_LABELS[self.action])
        self.reason_label = reason_label(self.reason)


def history_rows(sources: Sequence[HistorySource], parent_pk: Any) -> QuerySet:
    """Every record of every source that belongs to `parent_pk`, newest first, as one query a paginator can slice
    (and count): rows of (source index, history_id, history_date)."""
    queries = [
        source.records()
        .filter(Q(**{source.parent: parent_pk}))
        .annotate(history_source=Value(index, output_field=IntegerField()))
        .values_list("history_source", "history_id", "history_date")
        .order_by()
        for index, source in enumerate(sources)
    ]
    merged = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    return merged.order_by("-history_date", "-history_id", "-history_source")


def history_entries(
    sources: Sequence[HistorySource], rows: Iterable[Sequence[Any]], *, currency: str | None = "CNY"
) -> list[Entry]:
    """The entries of some rows of history_rows (one page), in the same order, each with its changes.

    Two queries per source on the page (its records with their users; the previous version of each) and one per
    model that a shown foreign key points to.
    """
    rows = list(rows)
    wanted: dict[int, list[int]] = defaultdict(list)
    for index, history_id, _at in rows:
        wanted[index].append(history_id)
    records: dict[tuple[int, int], Any] = {}
    previous: dict[tuple[int, int], Any] = {}
    for index, ids in wanted.items():
        history = sources[index].records()
        earlier = history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by("-history_id")
        found = list(
            history.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(previous_id=Subquery(earlier.values("history_id")[:1]))
        )
        earlier_ids = [r.previous_id for r in found if r.previous_id]
        before = {r.history_id: r for r in history.filter(history_id__in=earlier_ids)}
        for record in found:
            records[index, record.history_id] = record
            if record.previous_id:
                previous[index, record.history_id] = before[record.previous_id]
    names = _related_names(sources, records, previous)
    entries = []
    for index, history_id, _at in rows:
        source, record = sources[index], records[index, history_id]
        older = previous.get((index, history_id))
        own_currency = getattr(record, "currency", None) or currency
        entries.append(
            Entry(
                at=record.history_date,
                user=record.history_user,
                kind=source.code,
                kind_label=capfirst(str(source.model._meta.verbose_name)),
                object_id=record.id,
                object_label=source.object_label(record, names),
                action=ACTIONS.get(record.history_type, CHANGED),
                reason=record.history_change_reason or "",
                changes=_changes(source, record, older, names, own_currency),
                record=record,
            )
        )
    return entries


def _changes(source: HistorySource, record: Any, older: Any, names: dict, currency: str | None) -> list[Change]:
    """Old -> new for each field a change touched; for a new object its values, for a removed one what it held."""
    changes = []
    for f in source.shown_fields:
        value = getattr(record, f.attname)
        if record.history_type == "~" and older is not None:
            old, new = getattr(older, f.attname), value
            if old == new:
                continue
        elif _blank(value):
            continue
        elif record.history_type == "-":
            old, new = value, None
        else:
            old, new = None, value
        shown = {"names": names, "currency": currency, "money_fields": source.money}
        changes.append(
            Change(
                field=f.name,
                label=capfirst(str(f.verbose_name)),
                old=_raw(old),
                new=_raw(new),
                old_display=display_value(f, old, **shown),
                new_display=display_value(f, new, **shown),
                segments=redline(old, new) if isinstance(f, models.TextField) and old and new else [],
            )
        )
    return changes


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _raw(value: Any) -> Any:
    """A stored value as JSON carries it: dates in ISO 8601, decimals as strings (exact), ids as numbers."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


def _related_names(sources: Sequence[HistorySource], records: dict, previous: dict) -> dict:
    """{(model, pk): name} of every object a shown foreign key of these records points to, one query per model."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for (index, _id), record in [*records.items(), *previous.items()]:
        for f in sources[index].named_fields:
            if f.is_relation and f.many_to_one:
                value = getattr(record, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)  # type: ignore[index]
    names: dict = {}
    user_model = get_user_model()
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            names[model, obj.pk] = person_name(obj) if model is user_model else str(obj)
    return names


def display_value(
    f: models.Field,
    value: Any,
    *,
    names: dict | None = None,
    currency: str | None = "CNY",
    money_fields: Sequence[str] = (),
) -> str:
    """A stored value of field `f` in the reader's language; "" for nothing."""
    if _blank(value):
        return ""
    if f.is_relation:
        return (names or {}).get((f.related_model, value), f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{prose_date(local.date())} {local:%H:%M}"
    if isinstance(value, date):
        return prose_date(value)
    if isinstance(f, models.DecimalField):
        if f.name in money_fields:
            return money(value, currency)
        if f.name.endswith("_pct"):
            return percent(value)
        return amount(value, places=0)
    if isinstance(f, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    if isinstance(value, list):
        return join_list(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
