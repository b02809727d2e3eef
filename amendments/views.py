"""The amendment pages: a new amendment of a signed contract, editing a draft, one amendment with its changes as
old -> new, and the decisions on it.
Views parse input, call one service and render; objects come through the access functions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from contracts.access import PAGE_RELATED, access_contract
from contracts.models import Clause, Contract
from core.exceptions import ActionNotAllowed, StaleVersionError
from core.forms import formset_rows

from .access import access_amendment
from .changes import ROW_FIELDS, rows_from_json, terms_from_json
from .display import change_rows
from .forms import (
    AmendedTermsForm,
    AmendmentForm,
    ClauseChangeFormSet,
    DecisionForm,
    EditAmendmentForm,
    FeeItemFormSet,
    NewClauseForm,
    SLATargetFormSet,
)
from .models import Amendment
from .selectors import user_can_approve_amendment, user_can_propose_amendment, user_can_withdraw_amendment
from .services import (
    AMENDABLE_STATUSES,
    amendment_approve,
    amendment_create,
    amendment_reject,
    amendment_update,
    amendment_withdraw,
)


def _forms(request: HttpRequest, contract: Contract, amendment: Amendment | None = None):
    """The amendment form, starting from the terms in force, or from a draft's changes over them when editing one."""
    data = request.POST if request.method == "POST" else None
    changes = amendment.changes if amendment else {}
    rows = {name: rows_from_json(changes, name) if name in changes else None for name in ROW_FIELDS}
    changed_clauses = {row["id"]: row for row in (amendment.clauses if amendment else []) if "id" in row}
    new_clauses = [row for row in (amendment.clauses if amendment else []) if "id" not in row]
    agreed = list(contract.clauses.filter(status=Clause.Status.AGREED).order_by("order", "id"))
    if amendment:
        form: AmendmentForm = EditAmendmentForm(
            data,
            initial={"title": amendment.title, "effective_on": amendment.effective_on, "version": amendment.version},
        )
    else:
        form = AmendmentForm(data)
    return {
        "form": form,
        # A copy of the contract: parsing the form must not touch the one the page shows.
        "terms_form": AmendedTermsForm(
            data,
            instance=Contract.objects.get(pk=contract.pk),
            prefix="terms",
            initial=terms_from_json(changes),
        ),
        "sla_formset": SLATargetFormSet(
            data,
            prefix="sla",
            initial=rows["sla_targets"]
            if rows["sla_targets"] is not None
            else list(
                contract.sla_targets.values(
                    "metric", "kind", "comparator", "target", "unit", "period", "credit_pct", "critical"
                )
            ),
        ),
        "fee_formset": FeeItemFormSet(
            data,
            prefix="fee",
            initial=rows["fee_items"]
            if rows["fee_items"] is not None
            else list(contract.fee_items.values("kind", "unit_price", "unit", "quantity", "note")),
        ),
        "clause_formset": ClauseChangeFormSet(
            data,
            prefix="clause",
            initial=[
                {
                    "clause": c.pk,
                    "title": changed_clauses.get(c.pk, {}).get("title", c.title),
                    "text": changed_clauses.get(c.pk, {}).get("text", c.text),
                }
                for c in agreed
            ],
        ),
        # The page offers one new clause; a draft's further new clauses (proposed through the API) are kept as they are.
        "new_clause_form": NewClauseForm(data, prefix="new", initial=new_clauses[0] if new_clauses else None),
        "kept_new_clauses": new_clauses[1:],
    }


def _all_valid(forms: dict) -> bool:
    names = ("form", "terms_form", "sla_formset", "fee_formset", "clause_formset", "new_clause_form")
    valid = [forms[name].is_valid() for name in names]  # every form, so that all the errors show at once
    return all(valid)


def _submitted(forms: dict) -> dict:
    """The amendment as the valid forms give it: the arguments of amendment_create / amendment_update."""
    clauses = [
        {"id": row["clause"], "title": row["title"], "text": row["text"]}
        for row in forms["clause_formset"].cleaned_data
        if row
    ]
    new_clause = forms["new_clause_form"].clause()
    return {
        "title": forms["form"].cleaned_data["title"],
        "effective_on": forms["form"].cleaned_data["effective_on"],
        "changes": {
            **forms["terms_form"].cleaned_data,
            "sla_targets": formset_rows(forms["sla_formset"]),
            "fee_items": formset_rows(forms["fee_formset"]),
        },
        "clauses": [*clauses, *([new_clause] if new_clause else []), *forms["kept_new_clauses"]],
    }


@login_required
def amendment_new(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, to="change", related=PAGE_RELATED)
    if contract.status not in AMENDABLE_STATUSES:
        messages.error(request, _("Only a signed or active contract is amended; before signing, edit its terms."))
        return redirect(contract)
    forms = _forms(request, contract)
    if request.method == "POST" and _all_valid(forms):
        try:
            amendment = amendment_create(contract=contract, by=request.user, **_submitted(forms))
        except ValidationError as exc:
            _apply_amendment_errors(forms, exc)
        except ActionNotAllowed as exc:
            forms["form"].add_error(None, str(exc.message))
        else:
            messages.success(request, _("Amendment %(number)s was proposed.") % {"number": amendment.number})
            return redirect(amendment)
    return render(request, "amendments/form.html", {"contract": contract, **forms})


@login_required
def amendment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft: the same form as a new amendment, prefilled with the draft's changes, saved version-checked."""
    amendment = access_amendment(request.user, pk, to="change")
    if amendment.status != Amendment.Status.DRAFT:
        raise PermissionDenied(_("Only a draft amendment can be changed; withdraw it and propose a new one."))
    contract = Contract.objects.select_related("vendor", "owner").get(pk=amendment.contract_id)
    forms = _forms(request, contract, amendment)
    if request.method == "POST" and _all_valid(forms):
        try:
            amendment = amendment_update(
                amendment=amendment,
                by=request.user,
                version=forms["form"].cleaned_data["version"],
                **_submitted(forms),
            )
        except ValidationError as exc:
            _apply_amendment_errors(forms, exc)
        except (ActionNotAllowed, StaleVersionError) as exc:
            forms["form"].add_error(None, str(exc.message))
        else:
            messages.success(request, _("Amendment %(number)s was saved.") % {"number": amendment.number})
            return redirect(amendment)
    return render(request, "amendments/form.html", {"contract": contract, "amendment": amendment, **forms})


def _apply_amendment_errors(forms: dict, exc: ValidationError) -> None:
    terms_form, form = forms["terms_form"], forms["form"]
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if field in terms_form.fields:
            terms_form.add_error(field, errors)
        elif field in form.fields:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


@login_required
@require_GET
def amendment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = access_amendment(request.user, pk)
    user = request.user
    context = {
        "amendment": amendment,
        "contract": amendment.contract,
        "changes": change_rows(amendment),
        "can_approve": amendment.status == amendment.Status.DRAFT and user_can_approve_amendment(user, amendment),
        "can_edit": amendment.status == amendment.Status.DRAFT and user_can_propose_amendment(user, amendment.contract),
        "can_withdraw": amendment.status in amendment.OPEN_STATUSES and user_can_withdraw_amendment(user, amendment),
        "decision_form": DecisionForm(initial={"version": amendment.version}),
    }
    return render(request, "amendments/detail.html", context)


DONE = {
    "approve": gettext_lazy("The amendment was approved."),
    "reject": gettext_lazy("The amendment was rejected."),
    "withdraw": gettext_lazy("The amendment was withdrawn."),
}
USES = {"approve": "approve", "reject": "approve", "withdraw": "withdraw"}


@login_required
@require_POST
def amendment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    amendment = access_amendment(request.user, pk, to=USES[action])
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect(amendment)
    version = form.cleaned_data.get("version") or amendment.version
    reason = form.cleaned_data.get("reason") or ""
    try:
        if action == "approve":
            amendment = amendment_approve(amendment=amendment, by=request.user, version=version)
        elif action == "reject":
            amendment = amendment_reject(amendment=amendment, by=request.user, version=version, reason=reason)
        else:
            amendment = amendment_withdraw(amendment=amendment, by=request.user, version=version, reason=reason)
    except (ActionNotAllowed, StaleVersionError) as exc:
        messages.error(request, str(exc.message))
        return redirect(amendment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(amendment)
    except PermissionDenied:
        raise
    message = DONE[action]
    if amendment.status == amendment.Status.IN_FORCE:
        message = _("The amendment was approved and is now in force.")
    messages.success(request, message)
    return redirect(amendment)
