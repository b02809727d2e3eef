"""Vendor pages: the list, one vendor with contacts, certifications and the contracts the user may see, and edit."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from contracts.selectors import contracts_visible_to
from core.forms import apply_errors, duplicate_links

from . import services
from .access import access_vendor
from .forms import CertificationFormSet, ContactFormSet, VendorFilterForm, VendorForm
from .history import vendor_history_entries, vendor_history_rows
from .models import Vendor
from .selectors import vendor_choices_for

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 50
# Certifications expiring within this many days are highlighted.
EXPIRY_WARNING_DAYS = 60


@login_required
@require_GET
def vendor_list(request: HttpRequest) -> HttpResponse:
    form = VendorFilterForm(request.GET or None)
    vendors = Vendor.objects.order_by("name")
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"].strip()
        if text:
            vendors = vendors.filter(
                Q(name__icontains=text) | Q(short_name__icontains=text) | Q(credit_code__icontains=text)
            )
        if form.cleaned_data["status"]:
            vendors = vendors.filter(status=form.cleaned_data["status"])
    page = Paginator(vendors, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "vendors/list.html", {"form": form, "page_obj": page, "vendors": page.object_list})


@login_required
@require_GET
def vendor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = access_vendor(request.user, pk)
    today = timezone.localdate()
    contracts = contracts_visible_to(request.user).filter(vendor=vendor).select_related("owner").order_by("-created_at")
    context = {
        "vendor": vendor,
        "contacts": vendor.contacts.all(),
        "certifications": vendor.certifications.all(),
        "contracts": contracts[:100],
        "today": today,
        "warn_before": today + timedelta(days=EXPIRY_WARNING_DAYS),
        "can_change": request.user.has_perm("vendors.change_vendor"),
    }
    history = Paginator(vendor_history_rows(vendor), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(history=vendor_history_entries(vendor, history.object_list), page_obj=history)
    return render(request, "vendors/detail.html", context)


def _save(by, vendor: Vendor | None, form, contacts, certifications) -> Vendor:
    """Write the vendor and its rows through the services, so history and certificate deadlines follow."""
    values = {name: form.cleaned_data[name] for name in services.VENDOR_FIELDS}
    if vendor:
        saved = services.vendor_update(vendor=vendor, by=by, **values)
    else:
        saved = services.vendor_create(by=by, **values)
    contacts.instance = saved
    contacts.save()
    for row in certifications.forms:
        if row in certifications.deleted_forms:
            if row.instance.pk:
                services.certification_delete(certification=row.instance, by=by)
        elif row.has_changed():
            data = {name: row.cleaned_data[name] for name in services.CERTIFICATION_FIELDS}
            try:
                if row.instance.pk:
                    services.certification_update(certification=row.instance, by=by, **data)
                else:
                    services.certification_create(vendor=saved, by=by, **data)
            except ValidationError as exc:
                # The service's errors go next to the row's fields; the form says that a row needs attention.
                apply_errors(row, exc)
                raise ValidationError(_("Check the certifications: one of them was not accepted.")) from exc
    return saved


def _edit(request: HttpRequest, vendor: Vendor | None) -> HttpResponse:
    form = VendorForm(request.POST or None, instance=vendor)
    instance = form.instance
    contacts = ContactFormSet(request.POST or None, instance=instance, prefix="contacts")
    certifications = CertificationFormSet(request.POST or None, instance=instance, prefix="certs")
    if request.method == "POST" and all([form.is_valid(), contacts.is_valid(), certifications.is_valid()]):
        try:
            with transaction.atomic():
                saved = _save(request.user, vendor, form, contacts, certifications)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The vendor was saved."))
            return redirect(saved)
    context = {"form": form, "vendor": vendor, "contacts": contacts, "certifications": certifications}
    context["duplicates"] = duplicate_links(form) if form.is_bound else []
    return render(request, "vendors/form.html", context)


@login_required
def vendor_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("vendors.add_vendor"):
        raise PermissionDenied(_("Your role cannot add vendors."))
    return _edit(request, None)


@login_required
def vendor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, access_vendor(request.user, pk, to="change"))


@login_required
@require_GET
def vendor_autocomplete(request: HttpRequest) -> JsonResponse:
    """The vendor picker: up to 20 vendors the user sees matching `q` (name, short name, credit code); value = id.

    `usable=1` leaves out blocked vendors (the contract form's picker).
    """
    vendors = vendor_choices_for(
        request.user, request.GET.get("q", "")[:200], usable_only=request.GET.get("usable") == "1"
    )
    return JsonResponse({"results": [{"value": str(v.pk), "label": v.name} for v in vendors]})
