"""The Review tab's forms: accept a finding with a reason, add the library clause a finding suggests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts.access import access_contract
from contracts.models import ClauseTemplate
from contracts.services.clauses import clause_from_template
from core.flash import flash_form_errors

from .access import access_contract_review
from .forms import AcceptForm, SuggestedClauseForm
from .messages import finding_title
from .services import finding_accept


def _tab(pk: int, tab: str = "review") -> str:
    return f"{reverse('contracts:detail', args=[pk])}?tab={tab}"


@login_required
@require_POST
def finding_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract_review(request.user, pk, to="accept")
    form = AcceptForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(_tab(contract.pk))
    try:
        finding = finding_accept(contract=contract, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_tab(contract.pk))
    messages.success(request, _("Accepted: %(finding)s.") % {"finding": finding_title(finding.rule)})
    return redirect(_tab(contract.pk))


@login_required
@require_POST
def suggested_clause_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, to="edit_clauses")
    form = SuggestedClauseForm(request.POST)
    template = None
    if form.is_valid():
        template = ClauseTemplate.objects.filter(code=form.cleaned_data["template"], is_active=True).first()
    if template is None:
        messages.error(request, _("That clause is not in the library."))
        return redirect(_tab(contract.pk))
    try:
        clause = clause_from_template(
            contract=contract, by=request.user, template=template, language=request.LANGUAGE_CODE
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(_tab(contract.pk))
    messages.success(request, _("The clause “%(title)s” was added as a draft.") % {"title": clause.title})
    return redirect(_tab(contract.pk, "clauses"))
