"""What a contract's PDF says: the negotiated terms in Chinese or English, with the fingerprint of the terms.

The HTML comes from a Django template (every user-supplied string is autoescaped, so clause text containing markup
is printed as text, never interpreted). WeasyPrint then lays it out in a disposable child process with a time limit
and a memory cap (see pdfrender.sandbox for why a process); its URL fetcher serves only the app's own static
files under `pdf/` and refuses everything else, so nothing remote and no local file outside the app is ever read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from amendments.models import Amendment
from contracts.models import Clause, ClauseCategory, Contract
from core.formatting import amount, money
from obligations.models import Obligation

from .fingerprint import agreed_clauses_of, contract_fingerprint, fee_items_of, sla_targets_of
from .language import LANGUAGES

TEMPLATE = "pdf/contract.html"
WATERMARKED_STATUSES = frozenset({Contract.Status.DRAFT, Contract.Status.NEGOTIATING})


def _date(value: date | None) -> str:
    """A date as a contract writes it: 2026年3月1日, or March 1, 2026 (see clm/formats/en/formats.py)."""
    if not value:
        return "—"
    return formats.date_format(value, "DATE_FORMAT")


def _sentences(*sentences: str) -> str:
    """Sentences run on: Chinese full stops need no space after them, English ones do."""
    return (" " if translation.get_language() == "en" else "").join(sentences)


def _number(value: Decimal | None, *, places: int = 2, max_places: int | None = None) -> str:
    """Thousands separators and at least `places` decimals; up to `max_places` when the value needs them."""
    if value is None:
        return "—"
    value = Decimal(value)
    if max_places is not None and value != value.quantize(Decimal(1).scaleb(-places)):
        places = min(max_places, max(places, -value.normalize().as_tuple().exponent))
    return f"{value:,.{places}f}"


def _days(n: int) -> str:
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def _months(n: int) -> str:
    return ngettext("%(n)s month", "%(n)s months", n) % {"n": n}


def _key_terms(contract: Contract, *, today: date) -> list[tuple[str, str]]:
    if contract.auto_renew:
        renewal = _(
            "Renews automatically for %(term)s at a time, unless either party gives notice of non-renewal "
            "at least %(notice)s before the current term ends."
        ) % {"term": _months(contract.renewal_term_months), "notice": _days(contract.non_renewal_notice_days)}
    else:
        renewal = _("Does not renew automatically; a renewal needs the agreement of both parties.")
    if contract.price_increase_cap_pct is None:
        cap = _("No cap on price increases was agreed.")
    else:
        cap = _("Each increase is capped at %(cap)s%%.") % {"cap": amount(contract.price_increase_cap_pct, places=0)}
    fees = _("Fee model: %(model)s. Payment: %(cycle)s. Contract value: %(value)s.") % {
        "model": contract.get_fee_model_display(),
        "cycle": contract.get_payment_cycle_display(),
        "value": money(contract.contract_value, contract.currency) or "—",
    }
    # An auto-renewed contract runs past the stored end date, which is the initial term's.
    renewal_term = contract.renewal_term_on(today)
    current = (
        [
            (
                _("Current term"),
                _("%(start)s to %(end)s (renewal term %(number)s)")
                % {"start": _date(renewal_term.start), "end": _date(renewal_term.end), "number": renewal_term.index},
            )
        ]
        if renewal_term
        else []
    )
    return [
        (
            _("Term"),
            _("%(start)s to %(end)s (initial term %(months)s)")
            % {
                "start": _date(contract.effective_date),
                "end": _date(contract.end_date),
                "months": _months(contract.initial_term_months),
            },
        ),
        *current,
        (_("Renewal"), renewal),
        (
            _("Termination notice"),
            _("%(notice)s written notice.") % {"notice": _days(contract.termination_notice_days)},
        ),
        (
            _("Trial period"),
            _months(contract.trial_period_months) if contract.trial_period_months else _("None"),
        ),
        (
            _("Price changes"),
            _sentences(
                _("Written notice at least %(notice)s before a new price takes effect.")
                % {"notice": _days(contract.price_change_notice_days)},
                cap,
            ),
        ),
        (_("Fees and payment"), fees),
        (
            _("Data handover"),
            _("The vendor hands over all of our data within %(n)s working days after the contract ends.")
            % {"n": contract.data_handover_business_days},
        ),
        (_("Data storage location"), contract.data_storage_location or _("Not specified")),
        (
            _("Confidentiality"),
            ngettext(
                "Binding during the contract and for %(n)s year after it ends.",
                "Binding during the contract and for %(n)s years after it ends.",
                contract.confidentiality_years_after_end,
            )
            % {"n": contract.confidentiality_years_after_end},
        ),
    ]


@dataclass(frozen=True)
class ClauseSection:
    category: str
    clauses: list[tuple[int, Clause]]


def _clause_sections(clauses: list[Clause]) -> list[ClauseSection]:
    """Consecutive agreed clauses of one category share a heading; articles are numbered through the document."""
    labels = dict(ClauseCategory.choices)
    sections: list[ClauseSection] = []
    for number, clause in enumerate(clauses, start=1):
        category = str(labels.get(clause.category, clause.category))
        if not sections or sections[-1].category != category:
            sections.append(ClauseSection(category=category, clauses=[]))
        sections[-1].clauses.append((number, clause))
    return sections


def _page_label() -> tuple[str, str, str]:
    """The translated "Page x / y" as the text before, between and after its numbers, which only the page's margin
    box knows (CSS counters). A translation that puts the page count first falls back to a bare "x / y"."""
    label = _("Page %(page)s / %(pages)s") % {"page": "\x00", "pages": "\x01"}
    before, _page, rest = label.partition("\x00")
    between, _pages, after = rest.partition("\x01")
    if not _page or not _pages:
        return "", " / ", ""
    return before, between, after


def _company() -> dict[str, str]:
    return {
        "name": settings.COMPANY_NAME,
        "credit_code": settings.COMPANY_CREDIT_CODE,
        "legal_representative": settings.COMPANY_LEGAL_REPRESENTATIVE,
        "address": settings.COMPANY_ADDRESS,
    }


def contract_document_context(contract: Contract) -> dict:
    """Everything the template shows, formatted in the active language. One query per child table."""
    contract = Contract.objects.select_related("vendor").get(pk=contract.pk)
    agreed = agreed_clauses_of(contract)
    left_out = contract.clauses.aggregate(
        waived=Count("pk", filter=Q(status=Clause.Status.WAIVED)),
        not_agreed=Count("pk", filter=~Q(status__in=(Clause.Status.AGREED, Clause.Status.WAIVED))),
    )
    sla_targets = sla_targets_of(contract)
    fee_items = fee_items_of(contract)
    total = sum((item.amount for item in fee_items), Decimal(0))
    today = timezone.localdate()
    fingerprint = contract_fingerprint(contract, agreed_clauses=agreed, sla_targets=sla_targets, fee_items=fee_items)
    obligations = list(
        contract.obligations.exclude(status=Obligation.Status.WAIVED)
        .select_related("certification")
        .order_by("due_date", "id")
    )
    amendments = list(contract.amendments.order_by("sequence"))
    return {
        "contract": contract,
        "vendor": contract.vendor,
        "amendments": [
            {
                "number": amendment.number,
                "title": amendment.title,
                "effective_on": _date(amendment.effective_on),
                "status": amendment.get_status_display(),
            }
            for amendment in amendments
        ],
        "amendments_in_force": sum(1 for a in amendments if a.status == Amendment.Status.IN_FORCE),
        "company": _company(),
        "language": translation.get_language(),
        "status_label": contract.get_status_display(),
        "category_label": contract.get_category_display(),
        "watermark": contract.status in WATERMARKED_STATUSES,
        "fingerprint": fingerprint,
        "effective_date": _date(contract.effective_date),
        "end_date": _date(contract.end_date),
        "signed_on": _date(contract.signed_on) if contract.signed_on else _("Not signed yet"),
        "key_terms": _key_terms(contract, today=today),
        "sla_targets": [
            {
                "metric": row.metric,
                "comparator": row.get_comparator_display(),
                "target": _number(row.target, places=0, max_places=3),
                "unit": row.unit,
                "period": row.period,
            }
            for row in sla_targets
        ],
        "fee_items": [
            {
                "kind": item.kind,
                "unit_price": _number(item.unit_price, max_places=4),
                "unit": item.unit,
                "quantity": _number(item.quantity, places=0, max_places=2),
                "amount": _number(item.amount),
                "note": item.note,
            }
            for item in fee_items
        ],
        "fee_total": _number(total) if fee_items else None,
        "currency": contract.currency,
        "clause_sections": _clause_sections(agreed),
        "waived_count": left_out["waived"],
        "not_agreed_count": left_out["not_agreed"],
        "obligations": [
            {
                "due_date": _date(obligation.due_date),
                "title": obligation.display_title,
                "kind": obligation.get_kind_display(),
                "responsible": obligation.get_responsible_display(),
                "status": _("Overdue") if obligation.is_overdue_on(today) else obligation.get_status_display(),
            }
            for obligation in obligations
        ],
        "fingerprint_line": _("Fingerprint (SHA-256): %(fingerprint)s") % {"fingerprint": fingerprint},
        "printed_on": _date(today),
        "terminated_on": _date(contract.terminated_on) if contract.terminated_on else None,
        "page_label": _page_label(),
        "signature_parties": [
            (pgettext("contract party", "Party A"), settings.COMPANY_NAME),
            (pgettext("contract party", "Party B"), contract.vendor.name),
        ],
    }


def contract_document_html(contract: Contract, *, language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    with translation.override(language):
        return render_to_string(TEMPLATE, contract_document_context(contract))
