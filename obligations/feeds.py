"""The private iCalendar feed: each user's obligations as all-day events, behind a secret, revocable token.

Calendar apps poll the URL and match events by UID, so a UID never changes for an obligation
(`obligation-<id>@<site host>`); LAST-MODIFIED, DTSTAMP and SEQUENCE move forward whenever the obligation changes,
so apps update the event instead of adding a copy. The token is the only credential: an unknown or revoked token is
a plain 404, exactly like a page that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from obligations.reminders.emails import WHAT_TO_DO, obligation_link, site_host
from rules.workdays import WorkingDayCalendar

from .calendar import load_calendar
from .deadlines import deadline_note
from .models import Obligation
from .selectors import obligations_visible_to

if TYPE_CHECKING:  # icalendar is imported by the first feed built, not when the URLs load
    from icalendar import Event

FEED_PAST_DAYS = 365
FEED_FUTURE_DAYS = 3 * 365
"""The feed covers due dates from a year back to three years ahead: calendar apps poll it every few minutes, and a
manager can see every contract, so it must stay a bounded download."""


def feed_url_for(user) -> str:
    return settings.SITE_URL + reverse("obligation_feed", args=[user.calendar_token])


def obligation_uid(obligation: Obligation) -> str:
    return f"obligation-{obligation.pk}@{site_host()}"


def feed_obligations(user, *, today: date) -> Iterable[Obligation]:
    revisions = (
        Obligation.history.filter(id=OuterRef("pk"))
        .order_by()
        .values("id")
        .annotate(count=Count("history_id"))
        .values("count")
    )
    return (
        obligations_visible_to(user)
        .filter(
            due_date__gte=today - timedelta(days=FEED_PAST_DAYS), due_date__lte=today + timedelta(days=FEED_FUTURE_DAYS)
        )
        .select_related("contract__vendor", "certification")
        .annotate(revisions=Coalesce(Subquery(revisions), 0))
        .order_by("due_date", "pk")
    )


def _event(obligation: Obligation, working_days: WorkingDayCalendar) -> Event:
    from icalendar import Event

    contract = obligation.contract
    event = Event()
    event.add("uid", obligation_uid(obligation))
    event.add("dtstamp", obligation.updated_at)
    event.add("last-modified", obligation.updated_at)
    # The revision number from the history: it grows with every change, which is all SEQUENCE has to do.
    event.add("sequence", max(obligation.revisions - 1, 0))
    event.add("dtstart", obligation.due_date)
    event.add("dtend", obligation.due_date + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    status = {
        Obligation.Status.DONE: _("Done"),
        Obligation.Status.WAIVED: _("Waived"),
    }.get(obligation.status)
    summary = _("%(title)s (%(number)s, %(vendor)s)") % {
        "title": obligation.display_title,
        "number": contract.number,
        "vendor": contract.vendor.name,
    }
    event.add("summary", f"[{status}] {summary}" if status else summary)
    lines = [str(WHAT_TO_DO.get(obligation.kind, WHAT_TO_DO[Obligation.Kind.CUSTOM]))]
    description = obligation.display_description
    if description:
        lines.append(description)
    note = deadline_note(obligation, working_days)
    if note:
        lines.append(note)
    if obligation.provisional:
        lines.append(_("Provisional date: counted in a year whose official holiday schedule is not yet published."))
    link = obligation_link(obligation)
    lines.append(link)
    event.add("description", "\n\n".join(lines))
    event.add("url", link)
    event.add("categories", [str(obligation.get_kind_display())])
    return event


def build_feed(user, *, today: date) -> bytes:
    """The user's feed in their language; only obligations `obligations_visible_to` lets them see."""
    from icalendar import Calendar

    with translation.override(user.language):
        calendar = Calendar()
        calendar.add("prodid", "-//clm//obligations//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("clm obligations"))
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        working_days = load_calendar()
        for obligation in feed_obligations(user, today=today):
            calendar.add_component(_event(obligation, working_days))
        return calendar.to_ical()


@require_GET
def obligation_feed(request: HttpRequest, token: str) -> HttpResponse:
    if "\x00" in token:
        # No token has one, and PostgreSQL cannot even compare such text: the lookup would be a server error.
        raise Http404
    user = get_user_model().objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    body = build_feed(user, today=timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="clm-obligations.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
