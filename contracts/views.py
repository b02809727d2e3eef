"""Contract pages: the register, the contract with its tabs, lifecycle actions, sharing, documents, negotiation.

Views parse input, call one service or selector and render. Every contract is fetched through
contracts.selectors, so a contract the user may not see answers 404 wherever it is addressed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from contracts.lifecycle.actions import (
    contract_activate,
    contract_record_non_renewal_notice,
    contract_renew,
    contract_sign,
    contract_start_negotiation,
    contract_terminate,
    price_change_notice_record,
)
from contracts.services import clauses, terms
from contracts.services.documents import document_file_response, document_upload
from contracts.services.sharing import contract_share
from core.exceptions import ActionNotAllowed, StaleVersionError
from core.flash import flash_form_errors
from core.forms import apply_errors, formset_rows
from core.history import reason_label
from obligations.selectors import obligations_visible_to
from rules.redline import redline

from .exports import register_csv_lines, register_xlsx
from .forms import (
    ClauseForm,
    ClauseStatusForm,
    CompareForm,
    ContractCreateForm,
    ContractForm,
    DateActionForm,
    DocumentForm,
    FeeItemFormSet,
    PriceChangeNoticeForm,
    RegisterFilterForm,
    RenewForm,
    RevisionForm,
    ShareForm,
    SLATargetFormSet,
    TerminateForm,
)
from .models import Clause, Contract
from .search import contract_register, register_page
from .selectors import (
    clauses_visible_to,
    contract_shares,
    contracts_visible_to,
    documents_visible_to,
    price_change_notices_visible_to,
    user_can_change_contract,
    user_can_edit_clauses,
    user_can_share_contract,
)

PAGE_SIZE = 25
TABS = ("terms", "clauses", "obligations", "documents", "history")

# Which lifecycle buttons the page offers in each status. The lifecycle services remain the authority: an action
# they refuse comes back as a message saying why.
ACTIONS_BY_STATUS = {
    Contract.Status.DRAFT: ("start_negotiation", "sign"),
    Contract.Status.NEGOTIATING: ("sign",),
    Contract.Status.SIGNED: ("activate", "terminate"),
    Contract.Status.ACTIVE: ("non_renewal_notice", "renew", "price_change_notice", "terminate"),
    Contract.Status.EXPIRED: ("renew",),
    Contract.Status.TERMINATED: (),
}


def _offered_actions(contract: Contract) -> tuple[str, ...]:
    """The lifecycle buttons worth showing: a notice only stops an auto-renewal, and such a contract renews itself."""
    offered = []
    for action in ACTIONS_BY_STATUS.get(contract.status, ()):
        if action == "non_renewal_notice" and (not contract.auto_renew or contract.notice_given_on):
            continue
        if action == "renew" and contract.auto_renew and contract.status == Contract.Status.ACTIVE:
            continue
        offered.append(action)
    return tuple(offered)


def _visible_contract(request: HttpRequest, pk: int) -> Contract:
    return get_object_or_404(contracts_visible_to(request.user).select_related("vendor", "owner"), pk=pk)


def _changeable_contract(request: HttpRequest, pk: int) -> Contract:
    """The contract if the user may change it; 404 if they cannot see it, 403 if they can only read it."""
    contract = _visible_contract(request, pk)
    if not user_can_change_contract(request.user, contract):
        raise PermissionDenied(_("You can view this contract but not change it."))
    return contract


def _clause_editable_contract(request: HttpRequest, pk: int) -> Contract:
    contract = _visible_contract(request, pk)
    if not user_can_edit_clauses(request.user, contract):
        raise PermissionDenied(_("You can view this contract's clauses but not change them."))
    return contract


def _error_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(getattr(exc, "message", exc))


# Register --------------------------------------------------------------------------------------------------------


def _register_query(request: HttpRequest):
    form = RegisterFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form, form.register_query()


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    form, query = _register_query(request)
    today = timezone.localdate()
    page = register_page(request.user, query, request.GET.get("page"), PAGE_SIZE, today=today)
    context = {"form": form, "query": query, "page_obj": page, "contracts": page.object_list, "today": today}
    template = "contracts/_register_results.html" if request.htmx else "contracts/list.html"
    return render(request, template, context)


@login_required
@require_GET
def contract_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _form, query = _register_query(request)
    contracts = contract_register(request.user, query, today=timezone.localdate())
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            register_xlsx(contracts),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(register_csv_lines(contracts), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contracts-{stamp}.{fmt}"'
    return response


# Create and edit -------------------------------------------------------------------------------------------------


def _formsets(request: HttpRequest, contract: Contract | None = None):
    data = request.POST if request.method == "POST" else None
    sla_initial = fee_initial = None
    if contract is not None:
        sla_initial = list(contract.sla_targets.values("metric", "comparator", "target", "unit", "period"))
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
    return render(request, "contracts/form.html", {"form": form, "sla_formset": sla, "fee_formset": fees})


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _changeable_contract(request, pk)
    form = ContractForm(request.POST or None, instance=contract)
    sla, fees = _formsets(request, contract)
    conflict = False
    if request.method == "POST" and all([form.is_valid(), sla.is_valid(), fees.is_valid()]):
        try:
            contract = terms.contract_update(
                contract=contract,
                by=request.user,
                version=form.cleaned_data.get("version"),
                sla_targets=formset_rows(sla),
                fee_items=formset_rows(fees),
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
    return render(request, "contracts/form.html", context)


# Contract page ---------------------------------------------------------------------------------------------------


def _history(contract: Contract) -> list[dict]:
    records = list(contract.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    labels = {f.name: f.verbose_name for f in Contract._meta.concrete_fields}
    rows = []
    for record, older in zip(records, [*records[1:], None], strict=True):
        changed = []
        if older is not None:
            changed = [str(labels.get(c.field, c.field)) for c in record.diff_against(older).changes]
        rows.append({"record": record, "changed": changed, "reason": reason_label(record.history_change_reason)})
    return rows


def _tab_context(request: HttpRequest, contract: Contract, tab: str) -> dict:
    user = request.user
    if tab == "terms":
        notices = list(price_change_notices_visible_to(user).filter(contract=contract))
        return {
            "sla_targets": contract.sla_targets.all(),
            "fee_items": contract.fee_items.all(),
            "price_change_notices": notices,
        }
    if tab == "clauses":
        return {"clauses": clauses_visible_to(user).filter(contract=contract).order_by("order", "id")}
    if tab == "obligations":
        obligations = (
            obligations_visible_to(user)
            .filter(contract=contract)
            .select_related("owner", "price_change_notice", "certification")
            .order_by("due_date", "id")
        )
        return {"obligations": obligations, "today": timezone.localdate()}
    if tab == "documents":
        return {
            "documents": documents_visible_to(user).filter(contract=contract).select_related("uploaded_by"),
            "document_form": DocumentForm(),
        }
    return {"history": _history(contract)}


@login_required
@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible_contract(request, pk)
    tab = request.GET.get("tab", "terms")
    if tab not in TABS:
        tab = "terms"
    user = request.user
    can_change = user_can_change_contract(user, contract)
    context = {
        "contract": contract,
        "tab": tab,
        "tabs": TABS,
        "can_change": can_change,
        "can_edit_clauses": user_can_edit_clauses(user, contract),
        "can_share": user_can_share_contract(user, contract),
        "actions": _offered_actions(contract) if can_change else (),
        "today": timezone.localdate(),
        "date_form": DateActionForm(initial={"date": timezone.localdate()}),
        "terminate_form": TerminateForm(initial={"date": timezone.localdate()}),
        "renew_form": RenewForm(),
        "notice_form": PriceChangeNoticeForm(initial={"received_on": timezone.localdate()}),
        "clause_form": ClauseForm(),
        **_tab_context(request, contract, tab),
    }
    if request.htmx and request.htmx.target == "tab-panel":
        return render(request, f"contracts/tabs/{tab}.html", context)
    return render(request, "contracts/detail.html", context)


# Lifecycle actions -----------------------------------------------------------------------------------------------

ACTION_FORMS = {
    "start_negotiation": None,
    "sign": DateActionForm,
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
    if action == "start_negotiation":
        return contract_start_negotiation(contract=contract, by=by)
    if action == "sign":
        return contract_sign(contract=contract, by=by, date=data["date"])
    if action == "activate":
        return contract_activate(contract=contract, by=by, date=data["date"])
    if action == "non_renewal_notice":
        return contract_record_non_renewal_notice(contract=contract, by=by, date=data["date"])
    if action == "renew":
        return contract_renew(
            contract=contract, by=by, months=data.get("months"), successor=data.get("successor", False)
        )
    return contract_terminate(contract=contract, by=by, date=data["date"], reason=data["reason"])


@login_required
@require_POST
def contract_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    contract = _changeable_contract(request, pk)
    form_class = ACTION_FORMS[action]
    data: dict = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            flash_form_errors(request, form)
            return redirect(contract)
        data = form.cleaned_data
    try:
        result = _run_action(action, contract, request.user, data)
    except (ActionNotAllowed, ValidationError) as exc:
        messages.error(request, _error_message(exc))
        return redirect(contract)
    messages.success(request, ACTION_DONE[action])
    return redirect(result if isinstance(result, Contract) else contract)


@login_required
@require_POST
def price_change_notice_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _changeable_contract(request, pk)
    form = PriceChangeNoticeForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(contract)
    try:
        notice = price_change_notice_record(contract=contract, by=request.user, **form.cleaned_data)
    except (ActionNotAllowed, ValidationError) as exc:
        messages.error(request, _error_message(exc))
        return redirect(contract)
    if notice.compliant:
        messages.success(request, _("The price-change notice was recorded. It complies with the contract."))
    else:
        issues = "; ".join(notice.issue_messages)
        messages.warning(
            request,
            _("The price-change notice was recorded and does NOT comply with the contract: %(issues)s")
            % {"issues": issues},
        )
    return redirect(f"{reverse('contracts:detail', args=[contract.pk])}?tab=obligations")


# Sharing ---------------------------------------------------------------------------------------------------------


@login_required
def contract_share_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible_contract(request, pk)
    if not user_can_share_contract(request.user, contract):
        raise PermissionDenied(_("Only the owner or a procurement manager can share this contract."))
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = form.cleaned_data.get("group")
        try:
            contract_share(
                contract=contract,
                by=request.user,
                user=form.cleaned_data.get("user") or None,
                group=group.name if group else None,
                permission=form.cleaned_data["permission"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Sharing was updated."))
            if not request.htmx:
                return redirect(contract)
            form = ShareForm()
    template = "contracts/_share.html" if request.htmx else "contracts/share.html"
    return render(request, template, {"contract": contract, "form": form, "shares": contract_shares(contract)})


# Documents -------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def document_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _changeable_contract(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = document_upload(
                contract=contract,
                by=request.user,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            messages.error(request, _error_message(exc))
        else:
            messages.success(request, _("%(name)s was uploaded.") % {"name": document.original_name})
    else:
        flash_form_errors(request, form)
    return redirect(f"{reverse('contracts:detail', args=[contract.pk])}?tab=documents")


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    return document_file_response(get_object_or_404(documents_visible_to(request.user), pk=pk))


# Clauses and negotiation -----------------------------------------------------------------------------------------


@login_required
@require_POST
def clause_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _clause_editable_contract(request, pk)
    form = ClauseForm(request.POST)
    if form.is_valid():
        try:
            clause = clauses.clause_create(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _error_message(exc))
        else:
            messages.success(request, _("Clause “%(title)s” was added.") % {"title": clause.title})
            return redirect("contracts:clause", pk=contract.pk, clause_pk=clause.pk)
    else:
        messages.error(request, _("The clause was not added: fill in its category, title and text."))
    return redirect(f"{reverse('contracts:detail', args=[contract.pk])}?tab=clauses")


def _visible_clause(request: HttpRequest, pk: int, clause_pk: int) -> Clause:
    return get_object_or_404(
        clauses_visible_to(request.user).select_related("contract", "contract__vendor"), pk=clause_pk, contract_id=pk
    )


@login_required
def clause_detail(request: HttpRequest, pk: int, clause_pk: int) -> HttpResponse:
    """One clause's negotiation: its revisions, a new revision, its status, and a redline of any two revisions."""
    clause = _visible_clause(request, pk, clause_pk)
    contract = clause.contract
    can_edit = user_can_edit_clauses(request.user, contract)
    revision_form = RevisionForm(initial={"text": clause.text, "version": clause.version})
    status_form = ClauseStatusForm(initial={"status": clause.status, "version": clause.version})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("You can view this contract's clauses but not change them."))
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
