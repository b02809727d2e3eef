"""Reminder e-mails: one per reminder, or one digest per reader, in the recipient's language, HTML and plain text."""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from obligations.calendar import load_calendar
from obligations.deadlines import deadline_note
from obligations.models import Obligation, Reminder
from obligations.sla import exit_right_misses
from rules.workdays import WorkingDayCalendar

Kind = Obligation.Kind

WHAT_TO_DO = {
    Kind.RENEWAL_WINDOW: gettext_lazy(
        "Decide whether to renew this contract. If it should not renew, send the vendor a written non-renewal "
        "notice no later than the due date; after that the contract renews on its current terms."
    ),
    Kind.PRICE_CHANGE_NOTICE: gettext_lazy(
        "The vendor announced a price change. By the due date, accept it, object to it in writing, or exit the "
        "contract without liability; after that the new prices apply."
    ),
    Kind.DATA_HANDOVER: gettext_lazy(
        "Check that the vendor has handed back all of our data and deleted its own copies, and get its written "
        "confirmation of both."
    ),
    Kind.TRIAL_REVIEW: gettext_lazy(
        "Review how the vendor performed during the trial period and decide, before it ends, whether to continue."
    ),
    Kind.CERTIFICATE_EXPIRY: gettext_lazy(
        "The vendor's certificate expires on the due date. Ask the vendor for the renewed certificate and check it."
    ),
    Kind.SLA_EXIT_RIGHT: gettext_lazy(
        "A critical service level was missed several months in a row. If the contract's clause allows it, the "
        "contract may be terminated without liability: decide by the due date whether to exit, and if so give the "
        "vendor written notice."
    ),
    Kind.SLA_REPORT: gettext_lazy(
        "The vendor owes its service-level report for the month. Get it, check it, and enter the month's results in "
        "clm: entering them completes this obligation."
    ),
    Kind.CUSTOM: gettext_lazy("Do what the obligation describes and mark it done in clm."),
}


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def obligation_link(obligation: Obligation) -> str:
    return settings.SITE_URL + obligation.get_absolute_url()


def _item(reminder: Reminder, calendar: WorkingDayCalendar) -> dict:
    """What one reminder says, in the active language."""
    return reminder_item(reminder.obligation, reminder.offset, calendar)


def reminder_item(obligation: Obligation, offset: int, calendar: WorkingDayCalendar | None = None) -> dict:
    """What the reminder of `obligation` at `offset` says, in the active language: the e-mails and the chat robot
    messages (notifications.chat) are built from this one dict, so they always say the same. Days left count to the
    day to act by."""
    calendar = calendar or load_calendar()
    contract = obligation.contract
    notice = obligation.price_change_notice
    return {
        "title": obligation.display_title,
        "kind": obligation.get_kind_display(),
        "contract_number": contract.number,
        "contract_title": contract.title,
        "vendor": contract.vendor.name,
        "due_date": formats.date_format(obligation.due_date, "DATE_FORMAT"),
        "provisional": obligation.provisional,
        "deadline_note": deadline_note(obligation, calendar),
        "act_by_differs": obligation.act_by_date != obligation.due_date,
        "days_left": max(offset, 0),
        "overdue_days": max(-offset, 0),
        "what_to_do": WHAT_TO_DO.get(obligation.kind, WHAT_TO_DO[Kind.CUSTOM]),
        # The kind's instruction above says what to do; only a hand-made obligation's own text adds to it.
        "description": obligation.own_description,
        "issues": notice.issue_messages if notice and not notice.compliant else [],
        "sla_exit": exit_right_misses(obligation) if obligation.kind == Kind.SLA_EXIT_RIGHT else None,
        "link": obligation_link(obligation),
    }


def reminder_subject(item: dict) -> str:
    if item["overdue_days"]:
        return _("Overdue: %(title)s, due %(due_date)s (%(contract_number)s, %(vendor)s)") % item
    return _("Due %(due_date)s: %(title)s (%(contract_number)s, %(vendor)s)") % item


def _message(
    recipient, reminders: Sequence[Reminder], subject: str, template: str, context: dict
) -> EmailMultiAlternatives:
    text = render_to_string(f"obligations/email/{template}.txt", context)
    html = render_to_string(f"obligations/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[recipient.email],
        headers={
            "Message-ID": make_msgid(domain=site_host()),
            "Content-Language": recipient.language,
            # Lets mail filters (and support staff) tell which obligations a message is about.
            "X-CLM-Obligations": ",".join(str(r.obligation_id) for r in reminders),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def build_reminder_message(reminder: Reminder, *, calendar: WorkingDayCalendar | None = None) -> EmailMultiAlternatives:
    recipient = reminder.recipient
    with translation.override(recipient.language):
        item = _item(reminder, calendar or load_calendar())
        context = {"recipient": recipient, "item": item, "site_url": settings.SITE_URL}
        return _message(recipient, [reminder], reminder_subject(item), "reminder", context)


def build_digest_message(
    recipient, reminders: Sequence[Reminder], *, calendar: WorkingDayCalendar | None = None
) -> EmailMultiAlternatives:
    """One e-mail listing every item of a digest reader's batch, overdue ones first."""
    with translation.override(recipient.language):
        calendar = calendar or load_calendar()
        items = sorted((_item(r, calendar) for r in reminders), key=lambda i: (-i["overdue_days"], i["days_left"]))
        count = len(items)
        subject = ngettext(
            "clm daily digest: %(count)d obligation needs attention",
            "clm daily digest: %(count)d obligations need attention",
            count,
        ) % {"count": count}
        context = {"recipient": recipient, "items": items, "site_url": settings.SITE_URL}
        return _message(recipient, reminders, subject, "digest", context)
