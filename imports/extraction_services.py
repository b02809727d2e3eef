"""Reading a signed contract (section 14): an uploaded file read into a proposal, and a draft contract made from it.

The file is read by the Django-free engine (extraction) in a child process with a time and memory limit, the same
sandbox that renders PDFs (pdfrender.sandbox): a hostile file can neither hang a web process nor exhaust its memory,
and `POST extractions/` still answers with the proposal. What the engine refuses comes back as a code, worded here
in the reader's language.

Creating the contract goes through the contracts and vendors services: the vendor is matched by its credit code or
registered, the draft is validated like any new contract, its clauses are recorded as the vendor's wording, agreed
(they were signed), and the file is attached as the signed document, all in one transaction.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.models import Clause, ClauseCategory, ClauseRevision, Contract, Document, SLATarget
from contracts.search import search_text_refresh
from contracts.services.clauses import add_clause
from contracts.services.documents import document_upload, sanitize_filename
from contracts.services.terms import contract_create
from core.exceptions import ActionNotAllowed
from core.formatting import join_list
from core.text import normalise_code
from pdfrender import sandbox
from vendors.models import Vendor
from vendors.services import vendor_create

from .extraction_access import check_may_read_contracts
from .models import Extraction

if TYPE_CHECKING:
    from extraction.isolated import Reading

# The reading engine (the `extraction` package) is imported where it is used: it loads cn2an and OpenCC, which a web
# process should not pay for when it starts (tests/test_web_startup.py).

# The file types read, by extension, and what the engine must find in the content for each.
KINDS = {"docx": Extraction.Kind.DOCX, "pdf": Extraction.Kind.PDF, "txt": Extraction.Kind.TEXT}
SNIFFED = {"docx": "docx", "pdf": "pdf", "txt": "text"}

# Proposed fields that are terms of the contract under the same name (the parties are handled apart).
TERM_FIELDS: dict[str, Callable[[Any], Any]] = {
    "title": str,
    "effective_date": date.fromisoformat,
    "end_date": date.fromisoformat,
    "initial_term_months": int,
    "auto_renew": bool,
    "renewal_term_months": int,
    "non_renewal_notice_days": int,
    "termination_notice_days": int,
    "price_change_notice_days": int,
    "price_increase_cap_pct": Decimal,
    "data_handover_business_days": int,
    "data_storage_location": str,
    "confidentiality_years_after_end": int,
    "trial_period_months": int,
    "contract_value": Decimal,
    "currency": str,
}
VENDOR_FIELDS = ("vendor_name", "vendor_credit_code")

# The history's change reason of what a file created; core.history words it.
REASON_PREFIX = "read from file: "


def _file_error(message: str, code: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def refusal_message(code: str, params: Mapping[str, Any]) -> str:
    """Why the engine could not read a file (extraction.errors.CODES), in the active language."""
    if code == "too_large":
        return _("This file is %(size)s; files up to %(limit)s are accepted.") % {
            "size": filesizeformat(params.get("size") or 0),
            "limit": filesizeformat(params.get("limit") or 0),
        }
    if code == "zip_bomb":
        return _(
            "This Word file would unpack to far more data than any contract holds, so it was not read. Save the "
            "contract again from Word and upload that file."
        )
    if code == "unsupported_type" and params.get("detected") == "doc":
        return _("This is an old Word .doc file. Save it as .docx in Word and upload it again.")
    if code == "unsupported_type":
        return _("clm reads Word (.docx), PDF and plain-text files; the content of this file is none of them.")
    if code == "corrupt":
        return _("The file is damaged and cannot be read. Open it, save it again and upload the new file.")
    if code == "encrypted":
        return _("The file is protected by a password. Remove the password and upload it again.")
    if code == "no_text_layer":
        return _(
            "This PDF has no text, only images of pages: it is a scan. clm cannot read scanned pages (there is no "
            "text recognition). Upload the Word file or a PDF saved from it, or enter the contract by hand."
        )
    if code == "unknown_encoding":
        return _("The text file is neither UTF-8 nor GB18030. Save it as UTF-8 and upload it again.")
    if code == "empty":
        return _("The file holds no text.")
    return _("The file could not be read.")


def _check_upload(uploaded_file: UploadedFile | None) -> tuple[str, bytes]:
    """The extension and the bytes of an upload that may be read: size, extension and content as for documents."""
    if uploaded_file is None:
        raise _file_error(_("Choose a file to upload."), "required")
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise _file_error(refusal_message("too_large", {"size": uploaded_file.size, "limit": limit}), "too_large")
    extension = os.path.splitext(uploaded_file.name or "")[1].lower().lstrip(".")
    if extension == "doc":
        raise _file_error(refusal_message("unsupported_type", {"detected": "doc"}), "unsupported_type")
    if extension not in KINDS:
        raise _file_error(
            _("Files of this type cannot be read. Allowed types: %(allowed)s.") % {"allowed": join_list(sorted(KINDS))},
            "extension_not_allowed",
        )
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise _file_error(refusal_message("too_large", {"size": len(data), "limit": limit}), "too_large")
    if not data:
        raise _file_error(_("The file is empty."), "empty")
    # The type is decided by the content (cheap: a DOCX's ZIP directory, a PDF's header), before a child is started.
    from extraction.reading import sniff

    sniffed = sniff(data)
    if sniffed != SNIFFED[extension] and sniffed not in ("broken_zip", "ole2"):
        raise _file_error(
            _("The content of this file is not a .%(extension)s file. Upload the original document.")
            % {"extension": extension},
            "content_mismatch",
        )
    return extension, data


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def proposal_result(found: Reading) -> dict[str, Any]:
    """What the API and the review page show, as stored in Extraction.result (JSON)."""
    proposal = found.proposal
    fields = {
        name: None
        if value is None
        else {"value": _jsonable(value.value), "source": value.sentence, "span": list(value.span), "note": value.note}
        for name, value in proposal.fields.items()
    }
    return {
        "fields": fields,
        "not_found": list(proposal.not_found),
        "clauses": [
            {
                "number": clause.number,
                "title": clause.title,
                "text": clause.text,
                "category": clause.category,
                "span": [clause.start, clause.end],
            }
            for clause in found.clauses
        ],
        "fee_items": [
            {
                "kind": item.kind,
                "unit_price": str(item.unit_price),
                "unit": item.unit,
                "quantity": None if item.quantity is None else str(item.quantity),
                "currency": item.currency,
                "source": item.sentence,
                "span": list(item.span),
            }
            for item in proposal.fee_items
        ],
        "sla_targets": [
            {
                "metric": target.metric,
                "kind": target.kind,
                "comparator": target.comparator,
                "target": str(target.target),
                "unit": target.unit,
                "period": target.period,
                "credit_pct": None if target.credit_pct is None else str(target.credit_pct),
                "source": target.sentence,
                "span": list(target.span),
            }
            for target in proposal.sla_targets
        ],
    }


def _read_isolated(data: bytes, name: str) -> Reading:
    from extraction.isolated import Refused, read_contract

    try:
        found = sandbox.run_isolated(
            read_contract,
            (data, name, settings.DOCUMENT_MAX_BYTES),
            timeout=settings.EXTRACTION_TIMEOUT,
            memory_limit_mb=settings.EXTRACTION_MEMORY_MB,
        )
    except sandbox.RenderTimeout:
        raise _file_error(
            _("Reading this file took longer than %(seconds)s seconds, so it was stopped. Upload a smaller file.")
            % {"seconds": f"{settings.EXTRACTION_TIMEOUT:g}"},
            "too_slow",
        ) from None
    except sandbox.RenderError:
        raise _file_error(
            _("This file could not be read: it needed more memory than a contract ever does, or broke the reader."),
            "reader_failed",
        ) from None
    if isinstance(found, Refused):
        raise _file_error(refusal_message(found.code, found.params), found.code)
    return found


def extraction_create(*, by: User, uploaded_file: UploadedFile | None) -> Extraction:
    """Read an uploaded contract file and keep it with its proposal, for `by` alone.

    Checks first, as an upload of a document: the size, the extension and that the content is that type. The file
    is read in a sandboxed child (EXTRACTION_TIMEOUT, EXTRACTION_MEMORY_MB); no transaction is held meanwhile.
    """
    check_may_read_contracts(by)
    extension, data = _check_upload(uploaded_file)
    assert uploaded_file is not None  # _check_upload refuses a missing file
    name = sanitize_filename(uploaded_file.name, extension)
    found = _read_isolated(data, name)
    extraction = Extraction(
        owner=by,
        original_name=name,
        kind=KINDS[extension],
        encoding=found.document.encoding or "",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        text=found.document.text,
        result=proposal_result(found),
    )
    extraction.file.save(name, ContentFile(data), save=False)
    try:
        extraction.save()
    except Exception:
        extraction.file.delete(save=False)
        raise
    return extraction


# --- the draft contract ---------------------------------------------------------------------------------------------


def proposed_terms(extraction: Extraction) -> dict[str, Any]:
    """The contract terms the file states, as Python values (fields not found are left out: the defaults apply)."""
    fields = extraction.result.get("fields", {})
    terms = {}
    for name, convert in TERM_FIELDS.items():
        found = fields.get(name)
        if found is not None and found.get("value") is not None:
            terms[name] = convert(found["value"])
    if not terms.get("title"):
        terms["title"] = os.path.splitext(extraction.original_name)[0][:200]
    return terms


def proposed_vendor(extraction: Extraction) -> dict[str, str]:
    fields = extraction.result.get("fields", {})
    return {
        name: str((fields.get(name) or {}).get("value") or "")
        for name in VENDOR_FIELDS  # vendor_name, vendor_credit_code
    }


def proposed_sla_targets(extraction: Extraction) -> list[dict[str, Any]]:
    kinds = set(SLATarget.Kind.values)
    return [
        {
            "metric": row["metric"][:100],
            "kind": row["kind"] if row["kind"] in kinds else SLATarget.Kind.OTHER,
            "comparator": row["comparator"],
            "target": Decimal(row["target"]),
            "unit": row["unit"][:30],
            "period": row["period"][:30],
            "credit_pct": None if row["credit_pct"] is None else Decimal(row["credit_pct"]),
        }
        for row in extraction.result.get("sla_targets", [])
    ]


def proposed_fee_items(extraction: Extraction) -> list[dict[str, Any]]:
    return [
        {
            "kind": row["kind"][:100],
            "unit_price": Decimal(row["unit_price"]),
            "unit": row["unit"][:30],
            "quantity": Decimal("1") if row["quantity"] is None else Decimal(row["quantity"]),
        }
        for row in extraction.result.get("fee_items", [])
    ]


def _vendor_for(*, by: User, name: str, credit_code: str, reason: str) -> Vendor:
    """The vendor with this credit code, or a new one registered with the name and code the file gives."""
    code = normalise_code(credit_code)
    if not code:
        raise ValidationError(
            {"vendor_credit_code": [_("Give the vendor's unified social credit code, or choose a registered vendor.")]}
        )
    existing = Vendor.objects.filter(credit_code=code).first()
    if existing is not None and existing.status == Vendor.Status.BLOCKED:
        raise ValidationError(
            {
                "vendor_credit_code": [
                    _("The vendor with this credit code, “%(name)s”, is blocked.") % {"name": existing}
                ]
            }
        )
    if existing is not None:
        return existing
    if not by.has_perm("vendors.add_vendor"):
        raise PermissionDenied(_("No vendor has this credit code, and your role cannot register vendors."))
    if not name.strip():
        raise ValidationError({"vendor_name": [_("Give the vendor's name to register it.")]})
    try:
        vendor = vendor_create(by=by, name=name.strip()[:200], credit_code=code)
    except ValidationError as error:
        renamed = {"name": "vendor_name", "credit_code": "vendor_credit_code"}
        raise ValidationError(
            {renamed.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from None
    Vendor.history.filter(id=vendor.pk).update(history_change_reason=reason)
    return vendor


def _attachment(extraction: Extraction) -> UploadedFile:
    """The file as read, for contracts' document upload; a GB18030 text is attached as the same text in UTF-8, the
    only encoding a text document is accepted in."""
    with extraction.file.open("rb") as stored:
        data = stored.read()
    if extraction.kind == Extraction.Kind.TEXT:
        from extraction.reading import decode_text

        text, _encoding = decode_text(data)
        data = text.encode("utf-8")
    return SimpleUploadedFile(extraction.original_name, data)


def _clause_title(clause: Mapping[str, Any]) -> str:
    title = (clause.get("title") or "").strip()
    if not title:
        title = (clause.get("number") or "").strip() or (clause.get("text") or "").strip()[:40]
    return title[:200]


@transaction.atomic
def extraction_create_contract(
    *,
    extraction: Extraction,
    by: User,
    terms: Mapping[str, Any] | None = None,
    vendor: Vendor | None = None,
    vendor_name: str | None = None,
    vendor_credit_code: str | None = None,
    sla_targets: list[dict] | None = None,
    fee_items: list[dict] | None = None,
) -> Contract:
    """The draft contract the file proposes, with what the user changed winning over what was read.

    `terms` are contract term fields (contracts.services.terms.CONTRACT_TERM_FIELDS) set by the user; the vendor is
    `vendor` when chosen, else the one with the credit code (the user's or the file's), registered when new.
    Clauses become agreed clauses whose revision 1 is the vendor's wording; the file is attached as the signed
    document. Once per file: a second call is refused (ActionNotAllowed).
    """
    check_may_read_contracts(by)
    locked = Extraction.objects.select_for_update().get(pk=extraction.pk)
    if locked.contract_id is not None:
        raise ActionNotAllowed(_("A draft contract was already created from this file."))
    reason = REASON_PREFIX + locked.original_name
    fields: dict[str, Any] = proposed_terms(locked)
    fields.update(terms or {})
    if fields.get("vendor") is None and vendor is None:
        proposed = proposed_vendor(locked)
        vendor = _vendor_for(
            by=by,
            name=proposed["vendor_name"] if vendor_name is None else vendor_name,
            credit_code=proposed["vendor_credit_code"] if vendor_credit_code is None else vendor_credit_code,
            reason=reason,
        )
    if vendor is not None:
        fields["vendor"] = vendor
    contract = contract_create(
        by=by,
        sla_targets=proposed_sla_targets(locked) if sla_targets is None else sla_targets,
        fee_items=proposed_fee_items(locked) if fee_items is None else fee_items,
        **fields,
    )
    categories = set(ClauseCategory.values)
    for order, clause in enumerate(locked.result.get("clauses", []), start=1):
        text = (clause.get("text") or "").strip() or _clause_title(clause)
        add_clause(
            contract=contract,
            by=by,
            category=clause["category"] if clause.get("category") in categories else ClauseCategory.OTHER,
            title=_clause_title(clause),
            text=text,
            order=order,
            template=None,
            status=Clause.Status.AGREED,
            side=ClauseRevision.Side.VENDOR,
        )
    search_text_refresh([contract.pk])
    document_upload(contract=contract, by=by, uploaded_file=_attachment(locked), kind=Document.Kind.SIGNED_SCAN)
    Contract.history.filter(id=contract.pk).update(history_change_reason=reason)
    Clause.history.filter(contract_id=contract.pk).update(history_change_reason=reason)
    locked.contract = contract
    locked.save(update_fields=["contract"])
    extraction.contract = contract
    return contract
