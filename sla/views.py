"""SLA months on the pages: record a month, edit or delete one, upload the vendor's report. The month grid itself is
the contract page's "sla" tab (contracts.views.contract, over sla.selectors.sla_grid).

Views parse input, call one service and render; the contract is fetched through contracts.access (404 when hidden,
403 when the user may only read it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts.access import PAGE_RELATED, access_contract
from contracts.models import Contract, SLATarget
from core.forms import apply_errors

from .forms import SlaImportForm, SlaPeriodForm
from .models import SlaPeriod
from .services import sla_period_delete, sla_period_save
from .upload import ImportRefused, sla_report_import


def _tab(contract: Contract) -> str:
    return f"{reverse('contracts:detail', args=[contract.pk])}?tab=sla"


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    previous = (
        first.replace(year=first.year - 1, month=12) if first.month == 1 else first.replace(month=first.month - 1)
    )
    return previous.strftime("%Y-%m")


def _month_form(request: HttpRequest, contract: Contract, month: SlaPeriod | None) -> HttpResponse:
    targets = list(SLATarget.objects.filter(contract=contract).order_by("order", "id"))
    initial: dict = {"period": _last_month()}
    if month is not None:
        initial = {"period": month.period, "fee_amount": month.fee_amount}
        for measurement in month.measurements.all():
            initial[f"target_{measurement.target_id}"] = measurement.value.normalize()
    form = SlaPeriodForm(request.POST or None, initial=initial, targets=targets)
    if month is not None:
        form.fields["period"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            saved = sla_period_save(
                contract=contract,
                by=request.user,
                period=form.cleaned_data["period"],
                fee_amount=form.cleaned_data["fee_amount"],
                measurements=form.measurements(),
                expected_period=month,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The results of %(month)s were saved.") % {"month": saved.period})
            return redirect(_tab(contract))
    context = {"contract": contract, "form": form, "month": month, "targets": targets}
    return render(request, "sla/period_form.html", context)


@login_required
def period_new(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, to="change", related=PAGE_RELATED)
    return _month_form(request, contract, None)


@login_required
def period_edit(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    contract = access_contract(request.user, pk, to="change", related=PAGE_RELATED)
    month = get_object_or_404(SlaPeriod, contract=contract, period=period)
    return _month_form(request, contract, month)


@login_required
@require_POST
def period_delete(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    contract = access_contract(request.user, pk, to="change")
    month = get_object_or_404(SlaPeriod, contract=contract, period=period)
    sla_period_delete(sla_period=month, by=request.user)
    messages.success(request, _("The results of %(month)s were deleted.") % {"month": period})
    return redirect(_tab(contract))


@login_required
@require_POST
def report_import(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, to="change", related=PAGE_RELATED)
    form = SlaImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        try:
            with transaction.atomic():
                months = sla_report_import(contract=contract, by=request.user, uploaded_file=form.cleaned_data["file"])
        except ImportRefused as refused:
            errors = refused.messages()
        else:
            messages.success(
                request,
                _("The report was imported: %(months)s.") % {"months": ", ".join(m.period for m in months)},
            )
            return redirect(_tab(contract))
    else:
        errors = [str(error) for error in form.errors.get("file", [])]
    context = {"contract": contract, "import_form": form, "errors": errors}
    return render(request, "sla/import_errors.html", context)
