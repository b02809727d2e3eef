"""Reading a signed contract on the pages: the upload form, then the review page, from which the draft is created.

The review page shows the document's text with the sentence behind each proposed value marked, beside the proposal
as the contract form. The text is cut into plain pieces here and escaped by the template like any other text: the
marks are template tags around escaped pieces, never HTML built from the file.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.forms import FeeItemFormSet, SLATargetFormSet
from contracts.models import ClauseCategory, Contract
from core.exceptions import ActionNotAllowed
from core.forms import apply_errors, duplicate_links, formset_rows
from vendors.models import Vendor

from .extraction_access import access_extraction, check_may_read_contracts
from .extraction_forms import ExtractionContractForm, ExtractionUploadForm
from .extraction_selectors import extractions_visible_to
from .extraction_services import (
    extraction_create,
    extraction_create_contract,
    proposed_fee_items,
    proposed_sla_targets,
    proposed_terms,
    proposed_vendor,
)
from .models import Extraction

RECENT = 10

# Labels of the proposed fields that are not contract terms under the same name.
PARTY_LABELS = {
    "customer_name": gettext_lazy("Our company (the customer)"),
    "customer_credit_code": gettext_lazy("Our company's credit code"),
    "vendor_name": gettext_lazy("Vendor name"),
    "vendor_credit_code": gettext_lazy("Vendor's unified social credit code"),
}
# The review form's sections, in the order of the contract form.
SECTIONS = (
    (gettext_lazy("Vendor"), ("vendor", "vendor_name", "vendor_credit_code")),
    (
        gettext_lazy("Agreement"),
        (
            "title",
            "category",
            "number",
            "owner",
            "effective_date",
            "end_date",
            "initial_term_months",
            "trial_period_months",
        ),
    ),
    (
        gettext_lazy("Renewal and termination"),
        (
            "auto_renew",
            "renewal_term_months",
            "non_renewal_notice_days",
            "renewal_review_lead_days",
            "termination_notice_days",
            "data_handover_business_days",
            "data_storage_location",
            "confidentiality_years_after_end",
        ),
    ),
    (
        gettext_lazy("Fees"),
        (
            "fee_model",
            "payment_cycle",
            "contract_value",
            "currency",
            "price_change_notice_days",
            "price_increase_cap_pct",
        ),
    ),
    (gettext_lazy("Service levels"), ("sla_credit_cap_pct", "sla_exit_consecutive_misses", "sla_exit_decision_days")),
    (gettext_lazy("Notes"), ("notes",)),
)
# How a value that is not read literally was found (extraction.results.Extracted.note).
NOTE_LABELS = {
    "computed": gettext_lazy("Computed from the start date and the term."),
    "from_dates": gettext_lazy("Computed from the start and end dates."),
    "signing_date": gettext_lazy("The contract takes effect when signed: this is the signing date."),
    "not_stated": gettext_lazy("Renewal needs a new agreement, so it is not automatic."),
    "same_as_initial": gettext_lazy("Renews for the same term as the initial one."),
    "check_digit": gettext_lazy("The check character of this credit code is wrong: check it against the file."),
    "calendar_days": gettext_lazy("The file gives calendar days, not working days: check the number."),
    "working_days": gettext_lazy("The file gives working days, not calendar days: check the number."),
    "amounts_disagree": gettext_lazy("The figures and the amount in words differ: the amount in words is proposed."),
}
ROW_LABELS = {"fee_items": gettext_lazy("Fee items"), "sla_targets": gettext_lazy("Service-level targets")}


def field_label(name: str) -> str:
    if name in PARTY_LABELS:
        return str(PARTY_LABELS[name])
    if name in ROW_LABELS:
        return str(ROW_LABELS[name])
    return capfirst(str(Contract._meta.get_field(name).verbose_name))


@dataclass
class Piece:
    """A run of the document's text and the proposed fields whose source sentence covers it."""

    text: str
    labels: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)


def text_pieces(text: str, sources: dict[str, tuple[int, int]]) -> list[Piece]:
    """`text` cut at every start and end of a source span; overlapping sources share their pieces. The first piece
    of each source carries its anchor (`src-NAME`), which the field beside it links to."""
    bounds = {0, len(text)}
    for start, end in sources.values():
        bounds.update((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    ordered = sorted(bounds)
    pieces = []
    anchored: set[str] = set()
    for start, end in itertools.pairwise(ordered):
        if start == end:
            continue
        names = [name for name, (s, e) in sources.items() if s <= start and end <= e]
        anchors = [f"src-{name}" for name in names if name not in anchored]
        anchored.update(names)
        pieces.append(Piece(text[start:end], [field_label(name) for name in names], anchors))
    return pieces


def _sources(extraction: Extraction) -> dict[str, tuple[int, int]]:
    spans = {}
    for name, found in extraction.result.get("fields", {}).items():
        if found and found.get("span"):
            spans[name] = (found["span"][0], found["span"][1])
    return spans


@login_required
def extraction_upload(request: HttpRequest) -> HttpResponse:
    """The upload form and the user's recent files; a file read goes straight to its review page."""
    check_may_read_contracts(request.user)
    form = ExtractionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            extraction = extraction_create(by=request.user, uploaded_file=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(extraction)
    recent = Paginator(
        extractions_visible_to(request.user).select_related("contract").defer("text", "result"), RECENT
    ).get_page(request.GET.get("page"))
    return render(request, "imports/extraction_upload.html", {"form": form, "page_obj": recent, "section": "contracts"})


def review_initial(extraction: Extraction) -> dict:
    initial: dict = dict(proposed_terms(extraction))
    initial.update(proposed_vendor(extraction))
    code = initial.get("vendor_credit_code")
    registered = Vendor.objects.filter(credit_code=code).first() if code else None
    if registered is not None:
        initial["vendor"] = registered.pk
    return initial


@login_required
def extraction_review(request: HttpRequest, pk: int) -> HttpResponse:
    """What the file states beside its text; the form creates the draft contract and goes to it."""
    extraction = access_extraction(request.user, pk, to="view")
    data = request.POST if request.method == "POST" else None
    form = ExtractionContractForm(data, initial=review_initial(extraction))
    sla = SLATargetFormSet(data, prefix="sla", initial=proposed_sla_targets(extraction))
    fees = FeeItemFormSet(data, prefix="fee", initial=proposed_fee_items(extraction))
    if request.method == "POST":
        access_extraction(request.user, pk, to="use")
        if all([form.is_valid(), sla.is_valid(), fees.is_valid()]):
            terms = form.terms()
            vendor = terms.pop("vendor", None)
            try:
                contract = extraction_create_contract(
                    extraction=extraction,
                    by=request.user,
                    terms=terms,
                    vendor=vendor,
                    vendor_name=form.cleaned_data["vendor_name"],
                    vendor_credit_code=form.cleaned_data["vendor_credit_code"],
                    sla_targets=formset_rows(sla),
                    fee_items=formset_rows(fees),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except ActionNotAllowed as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(
                    request,
                    _("Draft contract %(number)s was created from %(file)s.")
                    % {"number": contract.number, "file": extraction.original_name},
                )
                return redirect(contract)
    result = extraction.result
    proposed = {}
    for name, found in result.get("fields", {}).items():
        if found:
            note = found.get("note")
            proposed[name] = {"source": found.get("source"), "note": NOTE_LABELS.get(note, ""), "anchor": f"src-{name}"}
    not_found = set(result.get("not_found", []))
    sections = [
        {
            "title": title,
            "rows": [
                {"field": form[name], "found": proposed.get(name), "missing": name in not_found}
                for name in names
                if name in form.fields
            ],
        }
        for title, names in SECTIONS
    ]
    categories = dict(ClauseCategory.choices)
    clauses = [
        {**clause, "category_label": categories.get(clause.get("category"), categories[ClauseCategory.OTHER])}
        for clause in result.get("clauses", [])
    ]
    context = {
        "extraction": extraction,
        "form": form,
        "sla_formset": sla,
        "fee_formset": fees,
        "duplicates": duplicate_links(form),
        "pieces": text_pieces(extraction.text, _sources(extraction)),
        "proposed": proposed,
        "not_found": [field_label(name) for name in result.get("not_found", [])],
        "sections": sections,
        "parties": [
            {"label": field_label(name), "value": (result["fields"][name] or {}).get("value"), **proposed[name]}
            for name in ("customer_name", "customer_credit_code")
            if name in proposed
        ],
        "clauses": clauses,
        "section": "contracts",
    }
    return render(request, "imports/extraction_review.html", context)
