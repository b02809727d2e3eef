"""Services that write vendors and their certifications. Each runs in one transaction, validates with the model's
own rules, and leaves a history row naming who did it.

A certification's expiry is an obligation on every running contract with the vendor, so any change to the
certifications re-derives those contracts' obligations in the same transaction: the register never shows a
certificate without its reminder, or a reminder for a certificate that is gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.search import search_text_refresh
from core.dates import date_range_errors
from core.exceptions import duplicate_error
from core.text import normalise_code
from obligations.derivation import derive_obligations_bulk
from review.services import review_contracts

from .models import Certification, Vendor, VendorContact

VENDOR_FIELDS = (
    "name",
    "short_name",
    "credit_code",
    "status",
    "legal_representative",
    "registered_address",
    "phone",
    "email",
    "website",
    "notes",
)
CONTACT_FIELDS = ("name", "role", "email", "phone", "is_primary")
CERTIFICATION_FIELDS = ("kind", "name", "number", "issued_on", "expires_on")


def _check_fields(fields: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
    """A misspelt field is a programming error, not user input: fail loudly instead of silently ignoring it."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what} fields: {sorted(unknown)}")


def _validate_vendor(vendor: Vendor) -> None:
    # Normalised first, so the uniqueness check compares the code exactly as it will be stored.
    vendor.credit_code = normalise_code(vendor.credit_code)
    errors: dict[str, list] = {}
    try:
        vendor.full_clean(validate_unique=False)
    except ValidationError as exc:
        errors = dict(exc.error_dict)
    if vendor.credit_code and "credit_code" not in errors:
        existing = Vendor.objects.filter(credit_code=vendor.credit_code).exclude(pk=vendor.pk).first()
        if existing is not None:
            errors["credit_code"] = [
                duplicate_error(_("This unified social credit code is already used by vendor “%(name)s”."), existing)
            ]
    if errors:
        raise ValidationError(errors)


def _rows_errors(label: str, index: int, model: type[Model], error: ValidationError) -> list[str]:
    """Errors of one row of a nested list, under the list's name, saying which row and which field."""
    messages = []
    for field, field_messages in error.message_dict.items():
        where = str(getattr(model._meta.get_field(field), "verbose_name", field)) if field != "__all__" else ""
        for message in field_messages:
            parts = {"label": label, "number": index + 1, "field": where, "message": message}
            if where:
                messages.append(_("%(label)s %(number)d, %(field)s: %(message)s") % parts)
            else:
                messages.append(_("%(label)s %(number)d: %(message)s") % parts)
    return messages


def rederive_vendor_obligations(vendor_ids: Iterable[int], *, by: User) -> None:
    """Bring the certificate-expiry obligations of these vendors' contracts in line with their certifications."""
    from contracts.models import Contract

    contracts = list(Contract.objects.filter(vendor_id__in=set(vendor_ids)))
    derive_obligations_bulk(contracts, by=by, reason="certifications changed")
    # The review checks the certificates against each contract's current term.
    review_contracts([c.pk for c in contracts], by=by)


def _validate_certification(certification: Certification) -> None:
    """The model's rules, and both dates within the accepted range (rules.dates): its expiry becomes an obligation."""
    errors = date_range_errors(issued_on=certification.issued_on, expires_on=certification.expires_on)
    try:
        certification.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _new_certification(*, vendor: Vendor, by: User, fields: Mapping[str, Any]) -> Certification:
    _check_fields(fields, CERTIFICATION_FIELDS, "certification")
    certification = Certification(vendor=vendor, **fields)
    _validate_certification(certification)
    certification._history_user = by
    certification.save()
    return certification


@transaction.atomic
def vendor_create(
    *,
    by: User,
    contacts: list[Mapping[str, Any]] | None = None,
    certifications: list[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> Vendor:
    """Register a vendor with its contacts and certifications, all or nothing."""
    _check_fields(fields, VENDOR_FIELDS, "vendor")
    vendor = Vendor(**fields)
    _validate_vendor(vendor)
    vendor._history_user = by
    vendor.save()
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(contacts or []):
        _check_fields(row, CONTACT_FIELDS, "contact")
        contact = VendorContact(vendor=vendor, **row)
        try:
            contact.full_clean()
        except ValidationError as error:
            errors.setdefault("contacts", []).extend(_rows_errors(_("Contact"), index, VendorContact, error))
            continue
        contact._history_user = by
        contact.save()
    for index, row in enumerate(certifications or []):
        try:
            _new_certification(vendor=vendor, by=by, fields=row)
        except ValidationError as error:
            errors.setdefault("certifications", []).extend(
                _rows_errors(_("Certification"), index, Certification, error)
            )
    if errors:
        raise ValidationError(errors)
    return vendor


@transaction.atomic
def vendor_update(*, vendor: Vendor, by: User, **fields: Any) -> Vendor:
    """Change a vendor's master data; contacts and certifications have their own services."""
    _check_fields(fields, VENDOR_FIELDS, "vendor")
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    renamed = any(getattr(locked, name) != fields[name] for name in ("name", "short_name") if name in fields)
    for name, value in fields.items():
        setattr(locked, name, value)
    _validate_vendor(locked)
    locked._history_user = by
    locked._change_reason = "update"
    locked.save()
    if renamed:
        # The register finds contracts by their vendor's names too.
        search_text_refresh(locked.contracts.values_list("pk", flat=True))
    return locked


@transaction.atomic
def certification_create(*, vendor: Vendor, by: User, **fields: Any) -> Certification:
    """Record a vendor's certificate; its expiry becomes an obligation on the vendor's running contracts."""
    certification = _new_certification(vendor=vendor, by=by, fields=fields)
    rederive_vendor_obligations([vendor.pk], by=by)
    return certification


@transaction.atomic
def certification_update(*, certification: Certification, by: User, **fields: Any) -> Certification:
    """Change a certificate (a renewed expiry, a corrected number); moving it to another vendor re-derives both."""
    _check_fields(fields, (*CERTIFICATION_FIELDS, "vendor"), "certification")
    locked = Certification.objects.select_for_update().get(pk=certification.pk)
    previous_vendor_id = locked.vendor_id
    for name, value in fields.items():
        setattr(locked, name, value)
    _validate_certification(locked)
    locked._history_user = by
    locked._change_reason = "update"
    locked.save()
    rederive_vendor_obligations({previous_vendor_id, locked.vendor_id}, by=by)
    return locked


@transaction.atomic
def certification_delete(*, certification: Certification, by: User) -> None:
    """Remove a certificate; its open expiry obligations go with it, the history keeps who removed it."""
    vendor_id = certification.vendor_id
    certification._history_user = by
    certification.delete()
    rederive_vendor_obligations([vendor_id], by=by)
