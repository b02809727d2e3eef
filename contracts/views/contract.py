"""One contract on the pages: create and edit its terms, the contract with its tabs, lifecycle actions, price-change
notices.

Views parse input, call one service or selector and render. Every contract is fetched through
contracts.selectors, so a contract the user may not see answers 404 wherever it is addressed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from amendments.selectors import contract_amendments_for, user_can_propose_amendment
from contracts.access import PAGE_RELATED, access_contract
from contracts.forms import (
    ClauseForm,
    ContractCreateForm,
    ContractForm,
    DateActionForm,
    DocumentForm,
    FeeItemFormSet,
    LifecycleActionForm,
    PriceChangeNoticeForm,
    RenewForm,
    SignedContractForm,
    SignForm,
    SLATargetFormSet,
    TerminateForm,
)
from contracts.history import contract_history_entries, contract_history_rows
from contracts.lifecycle.actions import (
    contract_activate,
    contract_record_non_renewal_notice,
    contract_renew,
    contract_sign,
    contract_start_negotiation,
    contract_terminate,
    price_change_notice_record,
)
from contracts.lifecycle.states import offered_actions
from contracts.models import Contract
from contracts.selectors import (
    contract_clauses_for,
    documents_visible_to,
    price_change_notices_visible_to,
    user_can_change_contract,
    user_can_edit_clauses,
    user_can_share_contract,
)
from contracts.services import terms
from core.exceptions import ActionNotAllowed, ClausesNotAgreed, FindingsOpen, StaleVersionError
from core.flash import flash_form_errors
from core.formatting import join_clauses, prose_date
from core.forms import apply_errors, duplicate_links, formset_rows
from obligations.selectors import obligations_visible_to
from review.forms import AcceptForm
from review.messages import finding_message, finding_title
from review.selectors import contract_findings, finding_counts, open_high_count, user_can_accept_findings
from sla.forms import SlaImportForm
from sla.selectors import sla_grid

from .common import error_message

TABS = ("terms", "clauses", "review", "amendments", "obligations", "sla", "documents", "history")
# Entries of the history tab per page; a page costs the same queries whatever its length.
HISTORY_PAGE_SIZE = 50


def _formsets(request: HttpRequest, contract: Contract | None = None):
    data = request.POST if request.method == "POST" else None
    sla_initial = fee_initial = None
    if contract is not None:
        sla_initial = list(
            contract.sla_targets.values(
                "id", "metric", "kind", "comparator", "target", "unit", "period", "credit_pct", "critical"
            )
        )
        fee_initial = list(contract.fee_items.values("kind", "unit_price", "unit", "quantity", "note"))
    return (
        SLATargetFormSet(data, prefix="sla", initial=sla_initial),
        FeeItemFormSet(data, prefix="fee", initial=fee_initial),
    )


@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("contracts.add_contract"):
        raise PermissionDenied(_("Your role cannot create contracts."))
    initial = {"clause_language": request.LANGUAGE_CODE, "vendor": request.GET.get("vendor")}
    form = ContractCreateForm(request.POST or None, initial=initial)
    sla, fees = _formsets(request)
    if request.method == "POST" and all([form.is_valid(), sla.is_valid(), fees.is_valid()]):
        try:
            contract = terms.contract_create(
                by=request.user,
                sla_targets=formset_rows(sla),
                fee_items=formset_rows(fees),
                clause_templates=list(form.cleaned_data["clause_templates"]),
                language=form.cleaned_data["clause_language"],
                **form.terms(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Contract %(number)s was created.") % {"number": contract.number})
            return redirect(contract)
    context = {"form": form, "sla_formset": sla, "fee_formset": fees, "duplicates": duplicate_links(form)}
    return render(request, "contracts/form.html", context)


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, to="change", related=PAGE_RELATED)
    # A signed contract's page offers what stays editable. A form posting the terms anyway (opened before the
    # contract was signed) goes to the service, which refuses the changes and names the amendment route.
    locked = contract.terms_locked and not (request.method == "POST" and "effective_date" in request.POST)
    form_class = SignedContractForm if locked else ContractForm
    form = form_class(
        request.POST or None, instance=contract, can_change_owner=user_can_share_contract(request.user, contract)
    )
    sla, fees = _formsets(request, contract)
    conflict = False
    if request.method == "POST" and form.is_valid() and (locked or all([sla.is_valid(), fees.is_valid()])):
        try:
            contract = terms.contract_update(
                contract=contract,
                by=request.user,
                version=form.cleaned_data.get("version"),
                sla_targets=None if locked else formset_rows(sla),
                fee_items=None if locked else formset_rows(fees),
                **form.terms(),
            )
        except StaleVersionError as exc:
            # Keep everything the user typed; the next save is made against the version now stored.
            conflict = True
            form.add_error(
                None,
                _(
                    "Someone else saved this contract while you were editing it. Your changes are kept below "
                    "and were not saved: check the current version (opens in a new tab), then save again to "
                    "replace it with yours."
                ),
            )
            data = request.POST.copy()
            data["version"] = exc.current_version
            form.data = data
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(contract)
    context = {"form": form, "contract": contract, "sla_formset": sla, "fee_formset": fees, "conflict": conflict}
    context["duplicates"] = duplicate_links(form)
    context["locked"] = locked
    return render(request, "contracts/form.html", context)


def _scorecard_url(contract: Contract) -> str:
    """The vendor's SLA scorecard (its own page)."""
    return reverse("vendor_scorecard", kwargs={"pk": contract.vendor_id})


def _tab_context(request: HttpRequest, contract: Contract, tab: str) -> dict:
    user = request.user
    if tab == "terms":
        notices = list(price_change_notices_visible_to(user).filter(contract=contract))
        return {
            "sla_targets": contract.sla_targets.all(),
            "fee_items": contract.fee_items.all(),
            "price_change_notices": notices,
            "amendments": list(contract_amendments_for(user, contract)),
        }
    if tab == "amendments":
        return {
            "amendments": list(contract_amendments_for(user, contract)),
            "can_amend": contract.status in Contract.RUNNING_STATUSES and user_can_propose_amendment(user, contract),
        }
    if tab == "clauses":
        open_only = request.GET.get("clauses") == "open"
        return {"clauses": contract_clauses_for(user, contract, open_only=open_only), "open_only": open_only}
    if tab == "obligations":
        obligations = (
            obligations_visible_to(user)
            .filter(contract=contract)
            .select_related("owner", "price_change_notice", "certification")
            .order_by("due_date", "id")
        )
        return {"obligations": obligations, "today": timezone.localdate()}
    if tab == "sla":
        return {
            "sla_grid": sla_grid(user, contract),
            "sla_import_form": SlaImportForm(),
            "scorecard_url": _scorecard_url(contract),
        }
    if tab == "review":
        findings = contract_findings(contract)
        rows = [
            {"finding": f, "title": finding_title(f.rule), "message": finding_message(f.rule, f.params)}
            for f in findings
        ]
        return {"findings": rows, "finding_counts": finding_counts(findings), "accept_form": AcceptForm()}
    if tab == "documents":
        return {
            "documents": documents_visible_to(user).filter(contract=contract).select_related("uploaded_by"),
            "document_form": DocumentForm(),
        }
    page = Paginator(contract_history_rows(contract), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return {"history": contract_history_entries(contract, page.object_list), "page_obj": page}


@login_required
@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, related=PAGE_RELATED)
    tab = request.GET.get("tab", "terms")
    if tab not in TABS:
        tab = "terms"
    user = request.user
    can_change = user_can_change_contract(user, contract)
    context = {
        "open_high": open_high_count(contract),
        "can_accept_findings": user_can_accept_findings(user, contract),
        "contract": contract,
        "tab": tab,
        "tabs": TABS,
        "can_change": can_change,
        "can_edit_clauses": user_can_edit_clauses(user, contract),
        "can_share": user_can_share_contract(user, contract),
        "actions": offered_actions(contract) if can_change else (),
        "today": timezone.localdate(),
        "date_form": DateActionForm(initial={"date": timezone.localdate()}),
        "sign_form": SignForm(initial={"date": timezone.localdate()}),
        "terminate_form": TerminateForm(initial={"date": timezone.localdate()}),
        "renew_form": RenewForm(),
        "notice_form": PriceChangeNoticeForm(initial={"received_on": timezone.localdate()}),
        "clause_form": ClauseForm(),
        **_tab_context(request, contract, tab),
    }
    if request.htmx and request.htmx.target == "tab-panel":
        return render(request, f"contracts/tabs/{tab}.html", context)
    return render(request, "contracts/detail.html", context)


ACTION_FORMS = {
    "start_negotiation": LifecycleActionForm,
    "sign": SignForm,
    "activate": DateActionForm,
    "non_renewal_notice": DateActionForm,
    "renew": RenewForm,
    "terminate": TerminateForm,
}


ACTION_DONE = {
    "start_negotiation": gettext_lazy("Negotiation started."),
    "sign": gettext_lazy("The contract is signed."),
    "activate": gettext_lazy("The contract is active."),
    "non_renewal_notice": gettext_lazy("The non-renewal notice was recorded."),
    "renew": gettext_lazy("The contract was renewed."),
    "terminate": gettext_lazy("The contract was terminated."),
}


def _run_action(action: str, contract: Contract, by, data: dict) -> Contract:
    # The version the page showed: an action sent twice (a double click, two tabs) applies once.
    version = data.get("version") or contract.version
    if action == "start_negotiation":
        return contract_start_negotiation(contract=contract, by=by, version=version)
    if action == "sign":
        return contract_sign(
            contract=contract,
            by=by,
            date=data["date"],
            version=version,
            accept_findings=data.get("accept_findings", False),
            reason=data.get("reason", ""),
        )
    if action == "activate":
        return contract_activate(contract=contract, by=by, date=data["date"], version=version)
    if action == "non_renewal_notice":
        return contract_record_non_renewal_notice(contract=contract, by=by, date=data["date"], version=version)
    if action == "renew":
        return contract_renew(
            contract=contract,
            by=by,
            months=data.get("months"),
            successor=data.get("successor", False),
            version=version,
        )
    return contract_terminate(
        contract=contract,
        by=by,
        date=data["date"],
        reason=data["reason"],
        for_cause=data.get("for_cause", False),
        version=version,
    )


@login_required
@require_POST
def contract_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    contract = access_contract(request.user, pk, to="change", related=PAGE_RELATED)
    form = ACTION_FORMS[action](request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(contract)
    try:
        result = _run_action(action, contract, request.user, form.cleaned_data)
    except ClausesNotAgreed as exc:
        # The refusal links to the clause tab showing only the open clauses, where they can be agreed at once.
        link = f"{reverse('contracts:detail', args=[contract.pk])}?tab=clauses&clauses=open"
        messages.error(
            request,
            format_html('{} <a href="{}">{}</a>', error_message(exc), link, _("Show the open clauses")),
        )
        return redirect(contract)
    except FindingsOpen as exc:
        link = f"{reverse('contracts:detail', args=[contract.pk])}?tab=review"
        messages.error(request, format_html('{} <a href="{}">{}</a>', error_message(exc), link, _("Show the review")))
        return redirect(contract)
    except (ActionNotAllowed, ValidationError, StaleVersionError) as exc:
        messages.error(request, error_message(exc))
        return redirect(contract)
    except PermissionDenied as exc:
        messages.error(request, error_message(exc))
        return redirect(contract)
    messages.success(request, _action_done_message(action, result))
    return redirect(result if isinstance(result, Contract) else contract)


def _action_done_message(action: str, result: object) -> str:
    """What the action did; a future date scheduled it rather than doing it now."""
    if isinstance(result, Contract):
        if action == "terminate" and result.scheduled_termination_on:
            return _("The termination is scheduled: the contract runs until %(date)s.") % {
                "date": prose_date(result.scheduled_termination_on)
            }
        if action == "activate" and result.scheduled_activation_on:
            return _("The contract stays signed and comes into force on %(date)s.") % {
                "date": prose_date(result.scheduled_activation_on)
            }
    return str(ACTION_DONE[action])


@login_required
@require_POST
def price_change_notice_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, to="change", related=PAGE_RELATED)
    form = PriceChangeNoticeForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(contract)
    try:
        notice = price_change_notice_record(contract=contract, by=request.user, **form.cleaned_data)
    except (ActionNotAllowed, ValidationError) as exc:
        messages.error(request, error_message(exc))
        return redirect(contract)
    if notice.compliant:
        messages.success(request, _("The price-change notice was recorded. It complies with the contract."))
    else:
        issues = join_clauses(notice.issue_messages)
        messages.warning(
            request,
            _("The price-change notice was recorded and does NOT comply with the contract: %(issues)s")
            % {"issues": issues},
        )
    return redirect(f"{reverse('contracts:detail', args=[contract.pk])}?tab=obligations")
