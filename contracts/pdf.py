"""The contract document: negotiated terms as a PDF in Chinese or English, with a fingerprint of the terms.

The HTML comes from a Django template (every user-supplied string is autoescaped, so clause text containing markup
is printed as text, never interpreted). WeasyPrint then lays it out in a disposable child process with a time limit
and a memory cap (see contracts.pdf_sandbox for why a process); its URL fetcher serves only the app's own static
files under `pdf/` and refuses everything else, so nothing remote and no local file outside the app is ever read.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import secrets
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from obligations.models import Obligation

from . import pdf_sandbox
from .filters import ContractFilter
from .models import Clause, ClauseCategory, Contract, ExportJob, FeeItem, SLATarget
from .pdf_deadline import document_time_limit
from .selectors import contracts_visible_to

logger = logging.getLogger(__name__)

LANGUAGES = ("zh-hans", "en")
# What people and clients type for the two document languages (?lang=zh, zh-CN, en-US...), lower case, "-" for "_".
LANGUAGE_ALIASES = {"zh": "zh-hans", "zh-cn": "zh-hans", "zh-hans-cn": "zh-hans", "en-us": "en", "en-gb": "en"}
TEMPLATE = "contracts/pdf/contract.html"
STATIC_PREFIX = "pdf"
FINGERPRINT_SCHEMA = "clm-contract-terms/1"
WATERMARKED_STATUSES = frozenset({Contract.Status.DRAFT, Contract.Status.NEGOTIATING})

# The structured terms that the fingerprint covers: what the parties agreed to, not who manages the record.
FINGERPRINT_TERM_FIELDS = (
    "number",
    "title",
    "category",
    "effective_date",
    "end_date",
    "initial_term_months",
    "auto_renew",
    "renewal_term_months",
    "non_renewal_notice_days",
    "termination_notice_days",
    "trial_period_months",
    "price_change_notice_days",
    "price_increase_cap_pct",
    "fee_model",
    "currency",
    "contract_value",
    "payment_cycle",
    "data_handover_business_days",
    "data_storage_location",
    "confidentiality_years_after_end",
)

RenderError = pdf_sandbox.RenderError
RenderTimeout = pdf_sandbox.RenderTimeout


def document_language(requested: str | None) -> str | None:
    """The document language that `requested` names (zh-hans or en, or a common spelling of either); None if none."""
    language = (requested or "").strip().lower().replace("_", "-")
    language = LANGUAGE_ALIASES.get(language, language)
    return language if language in LANGUAGES else None


def interface_document_language() -> str:
    """The document language matching the language the request is served in: what a PDF defaults to."""
    return "en" if translation.get_language() == "en" else "zh-hans"


# -- fingerprint -----------------------------------------------------------------------------------------------------


def _canonical(value):
    """One spelling per value: decimals without trailing zeros, ISO dates, NFC text with Unix line ends."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


def _agreed_clauses(contract: Contract) -> list[Clause]:
    return list(contract.clauses.filter(status=Clause.Status.AGREED).order_by("order", "id"))


def _sla_targets(contract: Contract) -> list[SLATarget]:
    return list(contract.sla_targets.order_by("order", "id"))


def _fee_items(contract: Contract) -> list[FeeItem]:
    return list(contract.fee_items.order_by("order", "id"))


def fingerprint_payload(
    contract: Contract,
    *,
    agreed_clauses: list[Clause] | None = None,
    sla_targets: list[SLATarget] | None = None,
    fee_items: list[FeeItem] | None = None,
) -> dict:
    """The canonical content the fingerprint hashes: terms, both parties' vendor identity, SLA rows, fees, clauses.

    A caller that has already read the agreed clauses, SLA rows or fee items (in their order) passes them in.
    """
    clauses = _agreed_clauses(contract) if agreed_clauses is None else agreed_clauses
    sla_targets = _sla_targets(contract) if sla_targets is None else sla_targets
    fee_items = _fee_items(contract) if fee_items is None else fee_items
    vendor = contract.vendor
    return {
        "schema": FINGERPRINT_SCHEMA,
        "terms": {name: _canonical(getattr(contract, name)) for name in FINGERPRINT_TERM_FIELDS},
        "vendor": {
            "name": _canonical(vendor.name),
            "credit_code": _canonical(vendor.credit_code),
        },
        "sla_targets": [
            {
                "metric": _canonical(row.metric),
                "comparator": row.comparator,
                "target": _canonical(row.target),
                "unit": _canonical(row.unit),
                "period": _canonical(row.period),
            }
            for row in sla_targets
        ],
        "fee_items": [
            {
                "kind": _canonical(row.kind),
                "unit_price": _canonical(row.unit_price),
                "unit": _canonical(row.unit),
                "quantity": _canonical(row.quantity),
                "note": _canonical(row.note),
            }
            for row in fee_items
        ],
        "clauses": [
            {
                "category": clause.category,
                "title": _canonical(clause.title),
                "text": _canonical(clause.text),
                "order": clause.order,
            }
            for clause in clauses
        ],
    }


def contract_fingerprint(contract: Contract, **rows) -> str:
    """SHA-256 of the canonical terms: equal terms give an equal fingerprint, whatever the language or render time.

    Status, owner, notes and timestamps are left out on purpose, so signing a negotiated contract keeps the
    fingerprint the vendor already saw on the draft.
    """
    payload = fingerprint_payload(contract, **rows)
    serialised = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(serialised.encode("utf-8")).hexdigest()


# -- static assets ---------------------------------------------------------------------------------------------------


def pdf_static_assets() -> dict[str, str]:
    """Every static file under `pdf/` as {static path: absolute file path}, in the staticfiles finders' precedence."""
    assets: dict[str, str] = {}
    for directory in finders.find(STATIC_PREFIX, find_all=True) or []:
        root = Path(directory).resolve()
        for dirpath, _dirnames, filenames in os.walk(root):
            for filename in filenames:
                path = (Path(dirpath) / filename).resolve()
                if not path.is_relative_to(root) or not path.is_file():
                    continue
                relative = f"{STATIC_PREFIX}/{path.relative_to(root).as_posix()}"
                assets.setdefault(relative, str(path))
    return assets


# -- display values --------------------------------------------------------------------------------------------------


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


def _plain(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def _days(n: int) -> str:
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def _months(n: int) -> str:
    return ngettext("%(n)s month", "%(n)s months", n) % {"n": n}


def _key_terms(contract: Contract, *, today: date) -> list[tuple[str, str]]:
    money = contract.currency
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
        cap = _("Each increase is capped at %(cap)s%%.") % {"cap": _plain(contract.price_increase_cap_pct)}
    fees = _("Fee model: %(model)s. Payment: %(cycle)s. Contract value: %(value)s.") % {
        "model": contract.get_fee_model_display(),
        "cycle": contract.get_payment_cycle_display(),
        "value": f"{money} {_number(contract.contract_value)}" if contract.contract_value is not None else "—",
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
    agreed = _agreed_clauses(contract)
    left_out = contract.clauses.aggregate(
        waived=Count("pk", filter=Q(status=Clause.Status.WAIVED)),
        not_agreed=Count("pk", filter=~Q(status__in=(Clause.Status.AGREED, Clause.Status.WAIVED))),
    )
    sla_targets = _sla_targets(contract)
    fee_items = _fee_items(contract)
    total = sum((item.amount for item in fee_items), Decimal(0))
    today = timezone.localdate()
    fingerprint = contract_fingerprint(contract, agreed_clauses=agreed, sla_targets=sla_targets, fee_items=fee_items)
    obligations = list(
        contract.obligations.exclude(status=Obligation.Status.WAIVED)
        .select_related("certification")
        .order_by("due_date", "id")
    )
    return {
        "contract": contract,
        "vendor": contract.vendor,
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
                "status": _("Overdue")
                if obligation.status == Obligation.Status.OPEN and obligation.due_date < today
                else obligation.get_status_display(),
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


def render_contract_pdf(contract: Contract, *, language: str, isolated: bool = True) -> bytes:
    """The contract document as PDF bytes. Raises RenderTimeout past PDF_RENDER_TIMEOUT, RenderError on failure.

    The caller has checked that the user may view the contract (contracts.selectors.contracts_visible_to).
    `isolated=False` renders in the calling process, for callers that run under a time limit of their own: the
    bulk-export Celery task has soft and hard time limits, and Celery's prefork children are daemonic processes,
    which may not start the renderer's child process.
    """
    html = contract_document_html(contract, language=language)
    if isolated:
        rendered = pdf_sandbox.render_isolated(
            html,
            assets=pdf_static_assets(),
            timeout=settings.PDF_RENDER_TIMEOUT,
            memory_limit_mb=settings.PDF_RENDER_MEMORY_MB,
        )
    else:
        rendered = pdf_sandbox.render_in_process(html, assets=pdf_static_assets())
    if rendered.refused:
        logger.warning("PDF of contract %s: refused to fetch %s", contract.pk, rendered.refused)
    if settings.PDF_SIGNING_CERT and settings.PDF_SIGNING_KEY:
        return sign_pdf(rendered.pdf, contract=contract)
    return rendered.pdf


def sign_pdf(pdf: bytes, *, contract: Contract) -> bytes:
    """A PAdES signature (pyHanko) by our company's certificate: proves who issued the file and that it is unchanged.

    Configured with PDF_SIGNING_CERT and PDF_SIGNING_KEY (PEM files) and PDF_SIGNING_KEY_PASSPHRASE if the key is
    encrypted. A configured but unreadable key or certificate is an error, never a silently unsigned document.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    passphrase = settings.PDF_SIGNING_KEY_PASSPHRASE.encode() if settings.PDF_SIGNING_KEY_PASSPHRASE else None
    signer = signers.SimpleSigner.load(settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT, key_passphrase=passphrase)
    if signer is None:
        raise RenderError("the PDF signing key or certificate could not be loaded")
    metadata = signers.PdfSignatureMetadata(
        field_name="CLMSignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=f"{contract.number} SHA-256 {contract_fingerprint(contract)}",
        name=settings.COMPANY_NAME,
    )
    signed = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=signer)
    return signed.getvalue()


# -- bulk export -----------------------------------------------------------------------------------------------------


def export_jobs_visible_to(user) -> QuerySet[ExportJob]:
    """An export belongs to the person who asked for it; nobody else learns that it exists."""
    if not (user and user.is_authenticated and user.is_active):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user)


def _chosen_contracts(
    *, by, contract_ids: list[int] | None, filters: dict | None, register: QuerySet[Contract] | None
) -> QuerySet[Contract]:
    visible = contracts_visible_to(by)
    if register is not None:
        # The register's own search (number, title, vendor and clause text) and filters, which ContractFilter's
        # query-string filters do not reproduce. The access gate is applied here again whoever built the queryset.
        return visible.filter(pk__in=register.values("pk"))
    if contract_ids is not None:
        wanted = set(contract_ids)
        found = set(visible.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = sorted(wanted - found)
        if missing:
            # Hidden and non-existent contracts get the same answer: the caller learns nothing about hidden ones.
            raise ValidationError(
                {"ids": [_("No contract with id %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing[:20])}]}
            )
        return visible.filter(pk__in=found)
    if filters is not None:
        filterset = ContractFilter(data=filters, queryset=visible)
        if not filterset.is_valid():
            raise ValidationError(
                {"filter": [f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()]}
            )
        return filterset.qs
    raise ValidationError({"ids": [_("Give the contract ids or a filter.")]})


@transaction.atomic
def export_job_create(
    *,
    by,
    language: str,
    contract_ids: list[int] | None = None,
    filters: dict | None = None,
    register: QuerySet[Contract] | None = None,
) -> ExportJob:
    """Record a bulk export of the chosen contracts the user may see and queue its rendering once committed.

    The contracts are chosen by id, by ContractFilter data (the API), or as the register's result
    (`contracts.search.contract_register`, the web page's search and filters).
    """
    if language not in LANGUAGES:
        raise ValidationError({"lang": [_("Choose zh-hans or en.")]})
    chosen = _chosen_contracts(by=by, contract_ids=contract_ids, filters=filters, register=register)
    limit = settings.PDF_EXPORT_MAX_CONTRACTS
    ids = list(chosen.order_by("number").values_list("pk", flat=True)[: limit + 1])
    if not ids:
        raise ValidationError({"ids": [_("No contract matches; there is nothing to export.")]})
    if len(ids) > limit:
        raise ValidationError(
            {"ids": [_("One export holds at most %(limit)s contracts; narrow the selection.") % {"limit": limit}]}
        )
    job = ExportJob.objects.create(requested_by=by, language=language, contract_ids=ids, total=len(ids))
    from .export_tasks import export_contracts_pdf

    transaction.on_commit(lambda: export_contracts_pdf.delay(job.pk))
    return job


def _zip_member_name(contract: Contract, taken: set[str]) -> str:
    base = get_valid_filename(contract.number) or f"contract-{contract.pk}"
    name = f"{base}.pdf"
    if name in taken:
        name = f"{base}-{contract.pk}.pdf"
    taken.add(name)
    return name


def _interrupted_reason(job: ExportJob, contracts: list[Contract]) -> str:
    """Why a job whose workers died is failed, naming the contract the last one was rendering when that is known."""
    with translation.override(job.language):
        if job.done < len(contracts):  # `done` counts the documents finished, in the order of `contracts`
            return _(
                "The export was interrupted twice before it could finish, the last time at contract %(number)s, "
                "probably because it needed more memory than the server has. Export that contract on its own, or "
                "fewer contracts at a time."
            ) % {"number": contracts[job.done].number}
        return _(
            "The export was interrupted twice before it could finish, probably because it needed more memory than "
            "the server has. Export fewer contracts at a time."
        )


def export_job_run(job_id: int) -> ExportJob:
    """Render the job's contracts into one ZIP, counting progress as it goes. Safe to run again after a crash.

    Visibility is checked again now, not only when the job was requested: a share revoked in between is honoured. A job
    that has already been started ExportJob.MAX_ATTEMPTS times (its workers died, see ExportJob.attempts) is failed.
    Runs inside the Celery task, whose time limits bound the whole export; each document also has PDF_RENDER_TIMEOUT
    (see contracts.pdf_deadline for where that limit cannot apply). A document that fails to render or runs out of
    time fails the job with its contract number rather than leaving it running.
    """
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("requested_by").get(pk=job_id)
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            return job
        contracts = list(
            contracts_visible_to(job.requested_by)
            .filter(pk__in=job.contract_ids)
            .select_related("vendor")
            .order_by("number")
        )
        if job.attempts >= ExportJob.MAX_ATTEMPTS:
            return export_job_fail(job.pk, _interrupted_reason(job, contracts))
        job.status = ExportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.total = len(contracts)
        job.done = 0
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "total", "done", "attempts"])

    taken: set[str] = set()
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, contract in enumerate(contracts, start=1):
                try:
                    with document_time_limit(settings.PDF_RENDER_TIMEOUT):
                        pdf = render_contract_pdf(contract, language=job.language, isolated=False)
                except SoftTimeLimitExceeded:
                    raise
                except Exception as exc:  # WeasyPrint may fail in many ways; the job must end as failed, not running
                    with translation.override(job.language):
                        if isinstance(exc, RenderTimeout):
                            reason = _("The PDF of contract %(number)s took longer than %(seconds)s seconds to render.")
                        else:
                            reason = _("The PDF of contract %(number)s could not be rendered: %(reason)s")
                        seconds = f"{settings.PDF_RENDER_TIMEOUT:g}"
                        reason %= {"number": contract.number, "seconds": seconds, "reason": exc}
                    return export_job_fail(job.pk, reason)
                archive.writestr(_zip_member_name(contract, taken), pdf)
                ExportJob.objects.filter(pk=job.pk).update(done=done)
        spool.seek(0)
        job.file.save(f"contracts-{job.pk}-{secrets.token_hex(8)}.zip", File(spool), save=False)
    job.status = ExportJob.Status.DONE
    job.done = len(contracts)
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "done", "finished_at"])
    return job


def export_job_fail(job_id: int, message: str) -> ExportJob:
    job = ExportJob.objects.get(pk=job_id)
    job.status = ExportJob.Status.FAILED
    job.error = str(message)[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    logger.warning("PDF export %s failed: %s", job_id, message)
    return job


def export_files_purge(*, now, batch: int = 500) -> int:
    """Delete the ZIP files of exports finished more than PDF_EXPORT_KEEP_DAYS ago; returns how many were deleted.

    The records stay (the requester sees the export as expired). Rows are claimed with SKIP LOCKED and cleared before
    their files are deleted, so two sweeps at once delete each file once and no record points at a deleted file.
    """
    cutoff = ExportJob.kept_since(now)
    storage = ExportJob._meta.get_field("file").storage
    purged = 0
    while True:
        with transaction.atomic():
            claimed = list(
                ExportJob.objects.select_for_update(skip_locked=True)
                .filter(status=ExportJob.Status.DONE, finished_at__lt=cutoff)
                .exclude(file="")
                .order_by("pk")
                .values_list("pk", "file")[:batch]
            )
            ExportJob.objects.filter(pk__in=[pk for pk, _name in claimed]).update(file="")
        for _pk, name in claimed:
            storage.delete(name)
        purged += len(claimed)
        if len(claimed) < batch:
            return purged
