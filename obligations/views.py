"""Obligation pages: the list and the month calendar, one obligation with its actions, and adding one by hand.

Every obligation is read through obligations.selectors, so it is visible exactly when its contract is.
"""

import calendar
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from contracts.access import access_contract
from core.exceptions import ActionNotAllowed
from core.flash import flash_form_errors
from core.forms import apply_errors
from core.history import reason_label
from obligations.actions import (
    obligation_complete,
    obligation_create_custom,
    obligation_move_due_date,
    obligation_reassign,
    obligation_reopen,
    obligation_waive,
)
from obligations.calendar import day_marks

from .access import access_obligation, user_can_act_on_obligation
from .calendar import load_calendar
from .deadlines import deadline_note
from .forms import CompleteForm, CustomObligationForm, MoveDateForm, ObligationFilterForm, ReassignForm, WaiveForm
from .models import Obligation
from .selectors import my_obligation_ids, obligations_visible_to

PAGE_SIZE = 50
DETAIL_RELATED = (
    "contract",
    "contract__vendor",
    "contract__owner",
    "owner",
    "price_change_notice",
    "completed_by",
    "certification",
    "evidence",
    "series",
)


def _filtered(request: HttpRequest, form: ObligationFilterForm, today: date) -> QuerySet[Obligation]:
    qs = obligations_visible_to(request.user).select_related(
        "contract", "contract__vendor", "owner", "price_change_notice", "certification"
    )
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or "open"
    if status == "overdue":
        qs = qs.filter(Obligation.overdue_on(today))
    elif status != "all":
        qs = qs.filter(status=status)
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("who") == ObligationFilterForm.MINE:
        qs = qs.filter(pk__in=my_obligation_ids(request.user))
    if data.get("q"):
        text = data["q"].strip()
        qs = qs.filter(
            Q(title__icontains=text) | Q(contract__number__icontains=text) | Q(contract__title__icontains=text)
        )
    if data.get("due_after"):
        qs = qs.filter(due_date__gte=data["due_after"])
    if data.get("due_before"):
        qs = qs.filter(due_date__lte=data["due_before"])
    return qs.order_by("due_date", "id")


@login_required
@require_GET
def obligation_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ObligationFilterForm(request.GET or {"status": "open"})
    obligations = _filtered(request, form, today)
    page = Paginator(obligations, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "obligations": page.object_list, "today": today, "view": "list"}
    return render(request, "obligations/list.html", context)


@login_required
@require_GET
def obligation_calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("status", "all")
    form = ObligationFilterForm(data)
    first = form.month_start(today)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1]
    by_day: dict[date, list[Obligation]] = {}
    for obligation in _filtered(request, form, today).filter(due_date__gte=start, due_date__lte=end):
        by_day.setdefault(obligation.due_date, []).append(obligation)
    marks = day_marks(start, end)
    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    context = {
        "form": form,
        "today": today,
        "month": first,
        "weeks": [[(day, by_day.get(day, []), marks.get(day)) for day in week] for week in weeks],
        "marked": bool(marks),
        "previous_month": previous_month.strftime("%Y-%m"),
        "next_month": next_month.strftime("%Y-%m"),
        "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        "view": "calendar",
    }
    return render(request, "obligations/calendar.html", context)


@login_required
@require_GET
def obligation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = access_obligation(request.user, pk, related=DETAIL_RELATED)
    notice = obligation.price_change_notice
    context = {
        "obligation": obligation,
        "contract": obligation.contract,
        "today": timezone.localdate(),
        "can_act": user_can_act_on_obligation(request.user, obligation),
        "notice_issues": notice.issue_messages if notice else [],
        "deadline_note": deadline_note(obligation, load_calendar()),
        "complete_form": CompleteForm(),
        "waive_form": WaiveForm(),
        "reassign_form": ReassignForm(initial={"owner": obligation.owner_id}),
        "move_form": MoveDateForm(initial={"due_date": obligation.due_date}),
        "history": [
            (record, reason_label(record.history_change_reason))
            for record in obligation.history.select_related("history_user").order_by("-history_date")[:30]
        ],
    }
    return render(request, "obligations/detail.html", context)


ACTIONS = {
    "complete": (CompleteForm, gettext_lazy("The obligation is done.")),
    "waive": (WaiveForm, gettext_lazy("The obligation was waived.")),
    "reopen": (None, gettext_lazy("The obligation is open again.")),
    "reassign": (ReassignForm, gettext_lazy("The obligation was reassigned.")),
    "move": (MoveDateForm, gettext_lazy("The due date was moved.")),
}


@login_required
@require_POST
def obligation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    obligation = access_obligation(request.user, pk, to="act", related=DETAIL_RELATED)
    form_class, done = ACTIONS[action]
    data = {}
    if form_class is not None:
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            flash_form_errors(request, form)
            return redirect(obligation)
        data = form.cleaned_data
    try:
        if action == "complete":
            obligation_complete(
                obligation=obligation, by=request.user, note=data["note"], evidence=data.get("document")
            )
        elif action == "waive":
            obligation_waive(obligation=obligation, by=request.user, reason=data["reason"])
        elif action == "reopen":
            obligation_reopen(obligation=obligation, by=request.user)
        elif action == "reassign":
            obligation_reassign(obligation=obligation, by=request.user, owner=data["owner"])
        else:
            obligation_move_due_date(obligation=obligation, by=request.user, due_date=data["due_date"])
    except (ActionNotAllowed, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc.message))
    else:
        messages.success(request, done)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = obligation.get_absolute_url()
    return redirect(target)


@login_required
def obligation_create(request: HttpRequest, contract_pk: int) -> HttpResponse:
    contract = access_contract(request.user, contract_pk, to="change", related=("vendor",))
    form = CustomObligationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obligation = obligation_create_custom(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The obligation was added."))
            return redirect(obligation)
    return render(request, "obligations/form.html", {"form": form, "contract": contract})
