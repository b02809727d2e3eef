"""Readable labels for the change reasons the services write into the history (stored as plain code words)."""

import re

from django.utils.translation import gettext_lazy as _

REASONS = {
    "create": _("Created"),
    "update": _("Terms edited"),
    "revision": _("Clause revised"),
    "start negotiation": _("Negotiation started"),
    "sign": _("Signed"),
    "activate": _("Activated"),
    "non-renewal notice": _("Non-renewal notice recorded"),
    "renew": _("Renewed"),
    "terminate": _("Terminated"),
    "schedule activation": _("Activation scheduled"),
    "schedule termination": _("Termination scheduled"),
    "expire": _("Expired"),
    "price-change notice": _("Price-change notice recorded"),
    "record": _("Recorded"),
    "recompute": _("Obligations recomputed"),
    "derive": _("Obligations derived"),
    "roll into next term": _("Rolled into the next term"),
    "complete": _("Marked done"),
    "waive": _("Waived"),
    "reopen": _("Reopened"),
    "reassign": _("Reassigned"),
    "move due date": _("Due date moved"),
    "working-day calendar changed": _("Working-day calendar changed"),
}
PREFIXES = {
    "successor of ": _("Created as the successor of %(rest)s"),
    "renew as successor ": _("Renewed by the successor %(rest)s"),
    "waive: ": _("Waived: %(rest)s"),
}

# contracts.sharing writes "share user NAME: view|change|none" (or "share group ...").
SHARE = re.compile(r"^share (?P<kind>user|group) (?P<name>.+): (?P<permission>view|change|none)$")
SHARE_LABELS = {
    ("user", "view"): _("Shared with user %(name)s for viewing"),
    ("user", "change"): _("Shared with user %(name)s for editing"),
    ("user", "none"): _("Sharing with user %(name)s revoked"),
    ("group", "view"): _("Shared with group %(name)s for viewing"),
    ("group", "change"): _("Shared with group %(name)s for editing"),
    ("group", "none"): _("Sharing with group %(name)s revoked"),
}


def reason_label(reason: str | None) -> str:
    """The user's-language label of a stored change reason; an unknown reason is shown as stored."""
    reason = (reason or "").strip()
    if reason in REASONS:
        return str(REASONS[reason])
    for prefix, label in PREFIXES.items():
        if reason.startswith(prefix):
            return str(label) % {"rest": reason[len(prefix) :]}
    shared = SHARE.match(reason)
    if shared:
        return str(SHARE_LABELS[shared["kind"], shared["permission"]]) % {"name": shared["name"]}
    return reason
