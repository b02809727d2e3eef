"""Clauses and negotiation: add a clause, one clause's revisions, its status, and a redline of any two revisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from contracts.access import PAGE_RELATED, access_clause, access_contract
from contracts.forms import (
    ClauseForm,
    ClausesAgreeForm,
    ClauseStatusForm,
    CompareForm,
    RevisionForm,
)
from contracts.models import Clause
from contracts.selectors import (
    user_can_edit_clauses,
)
from contracts.services import clauses
from core.exceptions import StaleVersionError
from core.forms import apply_errors
from rules.redline import redline

from .common import error_message


@login_required
@require_POST
def clause_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, to="edit_clauses", related=PAGE_RELATED)
    form = ClauseForm(request.POST)
    if form.is_valid():
        try:
            clause = clauses.clause_create(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, _("Clause “%(title)s” was added.") % {"title": clause.title})
            return redirect("contracts:clause", pk=contract.pk, clause_pk=clause.pk)
    else:
        messages.error(request, _("The clause was not added: fill in its category, title and text."))
    return redirect(f"{reverse('contracts:detail', args=[contract.pk])}?tab=clauses")


@login_required
@require_POST
def clauses_agree_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Agree the clauses ticked in the clause list, in one go: all of them or, when one changed meanwhile, none."""
    contract = access_contract(request.user, pk, to="edit_clauses", related=PAGE_RELATED)
    form = ClausesAgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["clause"]))
    else:
        try:
            agreed = clauses.clauses_agree(contract=contract, by=request.user, versions=form.cleaned_data["clause"])
        except (StaleVersionError, ValidationError) as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(
                request,
                ngettext("%(count)d clause is agreed.", "%(count)d clauses are agreed.", len(agreed))
                % {"count": len(agreed)},
            )
    return redirect(f"{reverse('contracts:detail', args=[contract.pk])}?tab=clauses")


@login_required
def clause_detail(request: HttpRequest, pk: int, clause_pk: int) -> HttpResponse:
    """One clause's negotiation: its revisions, a new revision, its status, and a redline of any two revisions."""
    editing = request.method == "POST"
    clause = access_clause(
        request.user, clause_pk, contract_pk=pk, to="edit" if editing else "view", related=("contract__vendor",)
    )
    contract = clause.contract
    can_edit = editing or user_can_edit_clauses(request.user, contract)
    revision_form = RevisionForm(initial={"text": clause.text, "version": clause.version})
    status_form = ClauseStatusForm(initial={"status": clause.status, "version": clause.version})
    if editing:
        if "status" in request.POST:
            status_form = ClauseStatusForm(request.POST)
            if _save_clause_status(request, clause, status_form):
                return redirect("contracts:clause", pk=contract.pk, clause_pk=clause.pk)
        else:
            revision_form = RevisionForm(request.POST)
            if _save_revision(request, clause, revision_form):
                return redirect("contracts:clause", pk=contract.pk, clause_pk=clause.pk)
        clause.refresh_from_db()

    revisions = list(clause.revisions.select_related("author").order_by("number"))
    compare = CompareForm(request.GET or None, revisions=revisions)
    diff = None
    if len(revisions) >= 2:
        if not compare.is_bound:
            compare = CompareForm({"a": revisions[-2].number, "b": revisions[-1].number}, revisions=revisions)
        if compare.is_valid():
            by_number = {r.number: r for r in revisions}
            older, newer = by_number[compare.cleaned_data["a"]], by_number[compare.cleaned_data["b"]]
            diff = {"a": older, "b": newer, "segments": redline(older.text, newer.text)}
    context = {
        "contract": contract,
        "clause": clause,
        "revisions": revisions,
        "can_edit": can_edit,
        "revision_form": revision_form,
        "status_form": status_form,
        "compare_form": compare,
        "diff": diff,
    }
    if request.htmx and request.htmx.target == "redline":
        return render(request, "contracts/_redline.html", context)
    return render(request, "contracts/clause.html", context)


def _keep_input_after_conflict(form, current_version: int, message: str) -> None:
    """Show the conflict and keep what the user typed; saving again applies it on top of the stored version."""
    form.add_error(None, message)
    data = form.data.copy()
    data["version"] = current_version
    form.data = data


def _save_revision(request: HttpRequest, clause: Clause, form: RevisionForm) -> bool:
    if not form.is_valid():
        return False
    try:
        clauses.clause_add_revision(
            clause=clause,
            by=request.user,
            text=form.cleaned_data["text"],
            side=form.cleaned_data["side"],
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data.get("version"),
        )
    except StaleVersionError as exc:
        _keep_input_after_conflict(
            form,
            exc.current_version,
            _(
                "Someone else changed this clause first. Your wording was not saved and is kept below: "
                "check the latest revision, then add yours again."
            ),
        )
        return False
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, _("The new revision was added."))
    return True


def _save_clause_status(request: HttpRequest, clause: Clause, form: ClauseStatusForm) -> bool:
    if not form.is_valid():
        return False
    try:
        clauses.clause_update(
            clause=clause, by=request.user, version=form.cleaned_data.get("version"), status=form.cleaned_data["status"]
        )
    except StaleVersionError as exc:
        _keep_input_after_conflict(
            form, exc.current_version, _("Someone else changed this clause first. Check its status and try again.")
        )
        return False
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, _("The clause status was changed."))
    return True
