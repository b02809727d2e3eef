"""Services that write clauses: a new clause, its title, category, status or order, and each new wording."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.models import Clause, ClauseRevision, ClauseTemplate, Contract
from contracts.search import search_text_refresh
from contracts.selectors import user_can_edit_clauses
from core.exceptions import StaleVersionError

from .follow_up import clauses_changed
from .lock import amendment_required
from .placeholders import filled_text, template_text, term_values


def _check_clause_not_locked(clause: Clause) -> None:
    """An agreed (or waived) clause of a signed contract changes only through an amendment."""
    if clause.contract.terms_locked and clause.status in Clause.SETTLED_STATUSES:
        raise amendment_required(clause.contract, ["text"])


@transaction.atomic
def clause_create(
    *,
    contract: Contract,
    by: User,
    category: str,
    title: str,
    text: str,
    order: int | None = None,
    template: ClauseTemplate | None = None,
    status: str = Clause.Status.DRAFT,
    side: str = ClauseRevision.Side.OURS,
    comment: str = "",
) -> Clause:
    """Add a clause; its text is revision 1. A signed contract gains clauses only through an amendment."""
    if Contract.objects.filter(pk=contract.pk, status__in=Contract.TERMS_LOCKED_STATUSES).exists():
        raise amendment_required(contract, ["text"])
    clause = add_clause(
        contract=contract,
        by=by,
        category=category,
        title=title,
        text=text,
        order=order,
        template=template,
        status=status,
        side=side,
        comment=comment,
    )
    search_text_refresh([contract.pk])
    clauses_changed([contract.pk], by=by)
    return clause


def add_clause(
    *,
    contract: Contract,
    by: User,
    category: str,
    title: str,
    text: str,
    order: int | None,
    template: ClauseTemplate | None,
    status: str = Clause.Status.DRAFT,
    side: str = ClauseRevision.Side.OURS,
    comment: str = "",
    follows_terms: bool = False,
    language: str = "",
) -> Clause:
    """Create a clause and its revision 1 without rebuilding the search text: the caller does that once."""
    if order is None:
        order = (contract.clauses.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    clause = Clause(
        contract=contract,
        category=category,
        title=title,
        text=text,
        order=order,
        template=template,
        status=status,
        follows_terms=follows_terms,
        language=language,
    )
    clause.full_clean()
    clause._history_user = by
    clause.save()
    ClauseRevision.objects.create(clause=clause, number=1, text=text, author=by, side=side, comment=comment)
    return clause


def add_library_clause(
    *, contract: Contract, by: User, template: ClauseTemplate, language: str, order: int | None = None
) -> Clause:
    """Add a clause from the library in `language`: the template's wording with this contract's values, following
    the terms from now on."""
    values = term_values(contract, list(contract.sla_targets.order_by("order", "id")))
    return add_clause(
        contract=contract,
        by=by,
        category=template.category,
        title=template_text(template, language)[0],
        text=filled_text(template, language, values),
        order=order,
        template=template,
        follows_terms=True,
        language=language,
    )


@transaction.atomic
def clause_from_template(*, contract: Contract, by: User, template: ClauseTemplate, language: str) -> Clause:
    """One click on a review finding's suggestion: the library clause that fixes it, added as a draft."""
    if not user_can_edit_clauses(by, contract):
        raise PermissionDenied(_("Your role cannot edit the clauses of this contract."))
    clause = add_library_clause(contract=contract, by=by, template=template, language=language)
    search_text_refresh([contract.pk])
    clauses_changed([contract.pk], by=by)
    return clause


@transaction.atomic
def clause_update(*, clause: Clause, by: User, version: int | None, **fields: Any) -> Clause:
    """Change a clause's title, category, status or order (text changes go through revisions).

    `version` must be the one the user read; none at all is a conflict like a stale one, and nothing is written.
    """
    allowed = {"title", "category", "status", "order"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown clause fields: {sorted(unknown)}")
    locked = Clause.objects.select_for_update().select_related("contract").get(pk=clause.pk)
    _check_clause_not_locked(locked)
    if version is None or int(version) != locked.version:
        raise StaleVersionError(locked.version)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.version += 1
    locked._history_user = by
    locked.save()
    if "category" in fields:
        search_text_refresh([locked.contract_id])
    clauses_changed([locked.contract_id], by=by)
    return locked


@transaction.atomic
def clause_add_revision(
    *,
    clause: Clause,
    by: User,
    text: str,
    side: str,
    comment: str = "",
    status: str | None = None,
    version: int | None = None,
) -> ClauseRevision:
    """Record a new wording from our side or the vendor's; the clause text follows the latest revision.

    A vendor's wording marks the clause `countered`, ours `proposed`, unless a status is given.
    """
    locked = Clause.objects.select_for_update().select_related("contract").get(pk=clause.pk)
    _check_clause_not_locked(locked)
    if version is not None and int(version) != locked.version:
        raise StaleVersionError(locked.version)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("The clause text cannot be empty.")]})
    if side not in ClauseRevision.Side.values:
        raise ValidationError({"side": [_("Choose our side or the vendor's.")]})
    if status is None:
        status = Clause.Status.COUNTERED if side == ClauseRevision.Side.VENDOR else Clause.Status.PROPOSED
    if status not in Clause.Status.values:
        raise ValidationError({"status": [_("Unknown clause status.")]})
    number = (locked.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    revision = ClauseRevision.objects.create(
        clause=locked, number=number, text=text, author=by, side=side, comment=comment
    )
    locked.text = text
    locked.status = status
    # A wording written by hand is the people's own: it no longer follows the terms.
    locked.follows_terms = False
    locked.version += 1
    locked._history_user = by
    locked._change_reason = "revision"
    locked.save()
    search_text_refresh([locked.contract_id])
    clauses_changed([locked.contract_id], by=by)
    clause.refresh_from_db()
    return revision


@transaction.atomic
def clauses_agree(*, contract: Contract, by: User, versions: Mapping[int, int]) -> list[Clause]:
    """Agree several clauses of one contract at once, all or nothing.

    `versions` maps each clause id to the version the user saw. Nothing is written when `by` may not edit the
    contract's clauses (PermissionDenied), when a clause is not one of this contract's (ValidationError) or when
    one changed since it was read (StaleVersionError). A clause already agreed stays as it is.
    """
    if not user_can_edit_clauses(by, contract):
        raise PermissionDenied(_("Your role cannot edit the clauses of this contract."))
    if not versions:
        raise ValidationError({"clauses": [_("Choose at least one clause to agree.")]})
    locked = list(
        Clause.objects.select_for_update().filter(contract_id=contract.pk, pk__in=list(versions)).order_by("pk")
    )
    if len(locked) != len(versions):
        raise ValidationError({"clauses": [_("Some of the chosen clauses are not clauses of this contract.")]})
    for clause in locked:
        if int(versions[clause.pk]) != clause.version:
            raise StaleVersionError(
                clause.version,
                _(
                    "Clause “%(title)s” was changed by someone else since you read it. Nothing was agreed: reload "
                    "the clauses and agree them again."
                )
                % {"title": clause.title},
            )
    for clause in locked:
        if clause.status == Clause.Status.AGREED:
            continue
        clause.status = Clause.Status.AGREED
        clause.version += 1
        clause._history_user = by
        clause._change_reason = "agree"
        clause.save()
    clauses_changed([contract.pk], by=by)
    return locked


def clause_amend(
    *, clause: Clause, by: User | None, author: User, title: str, text: str, reason: str
) -> ClauseRevision | None:
    """Write an approved amendment's wording of an existing clause: the one way past the lock on agreed clauses.

    The new wording is a revision on our side with the amendment named in its comment, and the clause stays agreed;
    `reason` ("amendment <number>") goes into the history. The caller holds the contract locked and refreshes the
    search text for its batch. None when the clause already says exactly this.
    """
    revision = None
    text = text.strip()
    if text != clause.text:
        number = (clause.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        revision = ClauseRevision.objects.create(
            clause=clause, number=number, text=text, author=author, side=ClauseRevision.Side.OURS, comment=reason
        )
    clause.text = text
    clause.title = title
    clause.status = Clause.Status.AGREED
    clause.version += 1
    clause._history_user = by
    clause._change_reason = reason
    clause.save()
    return revision
