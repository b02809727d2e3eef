"""A contract's whole history in one list: every change to the contract and to everything that hangs off it.

The models read are CONTRACT_SOURCES (core.history.HistorySource: one line per model). An app built on contracts adds
its own from its AppConfig.ready(), because contracts may not import it:

    register_contract_source(HistorySource(Amendment, money=(...)))                      # amendments/apps.py
    register_contract_source(HistorySource(SlaPeriod, money=("fee_amount", "credit_amount")))   # sla/apps.py
    register_contract_source(HistorySource(SlaMeasurement, parent="sla_period__contract", label_field="target"))

No access check here: the caller has fetched the contract through contracts.access (404 when hidden), and everything
listed follows its contract's access.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formatting import percent, person_name, prose_date
from core.history import SHARE, Change, Entry, HistorySource, history_entries, history_rows
from obligations.models import Obligation

from .models import Clause, ClauseRevision, Contract, Document, FeeItem, PriceChangeNotice, SLATarget


def _notice_label(record: Any) -> str:
    return gettext("%(increase)s from %(date)s") % {
        "increase": percent(record.increase_pct),
        "date": prose_date(record.effective_on),
    }


def _obligation_label(record: Any) -> str:
    # A derived obligation's title in the reader's language; a certificate's names the certificate, which is one
    # query per entry, so it keeps the title stored when it was derived.
    if record.kind == Obligation.Kind.CERTIFICATE_EXPIRY:
        return str(record.title)
    return record.instance.display_title


CONTRACT_SOURCES: list[HistorySource] = [
    HistorySource(Contract, parent="id", money=("contract_value",), label=lambda record: record.number),
    HistorySource(SLATarget, hidden=("order",)),
    HistorySource(FeeItem, hidden=("order",), money=("unit_price",)),
    HistorySource(Clause),
    HistorySource(PriceChangeNotice, hidden=("issues", "recorded_by"), label=_notice_label),
    HistorySource(Document, hidden=("file", "content_type", "uploaded_by", "uploaded_at")),
    HistorySource(
        Obligation,
        hidden=("key", "description", "price_change_notice", "certification", "source"),
        label=_obligation_label,
    ),
]

SHARE_LEVELS = {"view": _("Can view"), "change": _("Can edit"), "none": _("No access")}
SHARING_KIND = "share"


def register_contract_source(source: HistorySource) -> None:
    """Add a model to every contract's history (once, from an AppConfig.ready())."""
    if all(known.model is not source.model for known in CONTRACT_SOURCES):
        CONTRACT_SOURCES.append(source)


def contract_history_rows(contract: Contract) -> QuerySet:
    """Every history record of the contract and its parts, newest first: a query to paginate."""
    return history_rows(CONTRACT_SOURCES, contract.pk)


def contract_history_entries(contract: Contract, rows: Iterable[Sequence[Any]]) -> list[Entry]:
    """One page of contract_history_rows as entries: who, when, what, why, and each field's old and new value."""
    entries = history_entries(CONTRACT_SOURCES, rows, currency=contract.currency)
    _describe_shares(contract, [e for e in entries if e.kind == "contract" and SHARE.match(e.reason)])
    revised = [e for e in entries if e.kind == "clause" and (e.reason == "revision" or e.action == "created")]
    _describe_revisions(revised)
    return entries


def _describe_shares(contract: Contract, entries: list[Entry]) -> None:
    """A share is recorded on the contract with its reason ("share user NAME: view"): show it as the grantee's access
    changing from what the previous share of the same grantee gave (no access before the first) to the new level."""
    if not entries:
        return
    before: dict[int, str] = {}
    levels: dict[tuple[str, str], str] = {}
    shares = contract.history.filter(history_change_reason__startswith="share ").order_by("history_id")
    for history_id, reason in shares.values_list("history_id", "history_change_reason"):
        match = SHARE.match(reason or "")
        if match:
            grantee = (match["kind"], match["name"])
            before[history_id] = levels.get(grantee, "none")
            levels[grantee] = match["permission"]
    usernames = {SHARE.match(e.reason)["name"] for e in entries if SHARE.match(e.reason)["kind"] == "user"}  # type: ignore[index]
    people = {u.get_username(): person_name(u) for u in get_user_model().objects.filter(username__in=usernames)}
    for entry in entries:
        match = SHARE.match(entry.reason)
        assert match is not None
        old, new = before.get(entry.record.history_id, "none"), match["permission"]
        entry.kind = SHARING_KIND
        entry.kind_label = gettext("Sharing")
        if match["kind"] == "user":
            entry.object_label = people.get(match["name"], match["name"])
        else:
            entry.object_label = gettext("Group: %(name)s") % {"name": match["name"]}
        entry.object_id = match["name"]
        entry.changes = [
            Change(
                field="permission",
                label=gettext("Access"),
                old=old,
                new=new,
                old_display=str(SHARE_LEVELS[old]),
                new_display=str(SHARE_LEVELS[new]),
            )
        ]


def _describe_revisions(entries: list[Entry]) -> None:
    """A clause's new wording is a revision: note its number, whose side it came from and the comment on it."""
    if not entries:
        return
    revisions: dict[int, list[ClauseRevision]] = defaultdict(list)
    for row in ClauseRevision.objects.filter(clause_id__in={e.object_id for e in entries}).order_by("number"):
        revisions[row.clause_id].append(row)
    for entry in entries:
        rows = revisions.get(entry.object_id, [])
        revision: ClauseRevision | None
        if entry.action == "created":
            revision = rows[0] if rows else None
        else:
            # Written in the same transaction just before the clause: the latest one not after the clause's record.
            revision = next((r for r in reversed(rows) if r.created_at <= entry.at), None)
        if revision is None:
            continue
        parts = [gettext("Revision %(number)s") % {"number": revision.number}, revision.get_side_display()]
        if revision.comment:
            parts.append(revision.comment)
        entry.note = " · ".join(str(part) for part in parts)
