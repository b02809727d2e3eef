"""What an amendment's PDF says: the amendment of which contract, from when, each change as old -> new, both
parties' signature block, and the fingerprint of what changes (SHA-256), in Chinese or English."""

from __future__ import annotations

import hashlib
import json

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from amendments.display import change_rows
from amendments.models import Amendment

from .document import _company, _date, _page_label
from .language import LANGUAGES

TEMPLATE = "pdf/amendment.html"
FINGERPRINT_SCHEMA = "clm-amendment/1"


def amendment_fingerprint(amendment: Amendment) -> str:
    """SHA-256 over one canonical spelling of what the amendment agrees: equal in every language and on every day."""
    canonical = {
        "schema": FINGERPRINT_SCHEMA,
        "number": amendment.number,
        "contract": amendment.contract.number,
        "title": amendment.title,
        "effective_on": amendment.effective_on.isoformat(),
        "changes": amendment.changes,
        "clauses": amendment.clauses,
    }
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def amendment_document_context(amendment: Amendment) -> dict:
    contract = amendment.contract
    fingerprint = amendment_fingerprint(amendment)
    return {
        "amendment": amendment,
        "contract": contract,
        "vendor": contract.vendor,
        "company": _company(),
        "language": translation.get_language(),
        "status_label": amendment.get_status_display(),
        "watermark": amendment.status == Amendment.Status.DRAFT,
        "effective_on": _date(amendment.effective_on),
        "signed_on": _date(contract.signed_on),
        "changes": change_rows(amendment),
        "fingerprint": fingerprint,
        "fingerprint_line": _("Fingerprint (SHA-256): %(fingerprint)s") % {"fingerprint": fingerprint},
        "printed_on": _date(timezone.localdate()),
        "page_label": _page_label(),
        "signature_parties": [
            (pgettext("contract party", "Party A"), _company()["name"]),
            (pgettext("contract party", "Party B"), contract.vendor.name),
        ],
    }


def amendment_document_html(amendment: Amendment, *, language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    with translation.override(language):
        return render_to_string(TEMPLATE, amendment_document_context(amendment))
