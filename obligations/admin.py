"""Admin for obligations, the working-day overrides and the reminder log.

Obligation edits go through obligations.actions so a moved date is marked as set by hand (re-derivation keeps it),
completions are stamped, and every change is in the history with the user who made it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.roles import users_who_may_own
from core.admin import ServiceAdminMixin, run_admin_action
from obligations.actions import (
    obligation_complete,
    obligation_create_custom,
    obligation_move_due_date,
    obligation_reassign,
    obligation_reopen,
    obligation_set_reminder_offsets,
    obligation_waive,
)
from obligations.derivation import obligations_recompute_for_calendar
from obligations.reminders.delivery import reminder_retry
from rules.reminders import clean_reminder_offsets

from .access import user_can_act_on_obligation
from .models import Obligation, Reminder, WorkingDayOverride
from .selectors import obligations_visible_to

# Editable in place only on obligations added by hand; derived ones follow the contract's terms.
MANUAL_TEXT_FIELDS = ("title", "description", "starts_on", "responsible")


class ObligationAdminForm(forms.ModelForm):
    class Meta:
        model = Obligation
        fields = (
            "contract",
            "title",
            "description",
            "due_date",
            "starts_on",
            "status",
            "responsible",
            "owner",
            "watchers",
            "reminder_offsets",
            "completion_note",
            "waive_reason",
            "recurrence",
            "recurs_until",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"].queryset = users_who_may_own(keep=self.instance.owner_id)

    def clean_reminder_offsets(self):
        """Checked by the rule the service applies, so a bad list is a field error here rather than on save."""
        try:
            return clean_reminder_offsets(self.cleaned_data.get("reminder_offsets"))
        except ValueError:
            raise ValidationError(
                _("Enter a list of whole numbers of days before the due date, e.g. [30, 7, 1, 0]."),
                code="invalid_offsets",
            ) from None

    def clean(self):
        """Done takes a note and waived a reason, as in the pages and the API (obligations.actions says so too;
        checked here so the admin shows it on the field)."""
        data = super().clean()
        status = data.get("status")
        if self.instance.pk and "status" in self.changed_data:
            if status == Obligation.Status.DONE and not (data.get("completion_note") or "").strip():
                self.add_error("completion_note", _("Say what was done (a short note is enough)."))
            if status == Obligation.Status.WAIVED and not (data.get("waive_reason") or "").strip():
                self.add_error("waive_reason", _("Say why no action is needed."))
        return data


@admin.register(Obligation)
class ObligationAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    form = ObligationAdminForm
    list_display = (
        "title",
        "contract",
        "kind",
        "due_date",
        "starts_on",
        "status",
        "is_overdue",
        "responsible",
        "owner",
        "source",
        "due_date_edited",
        "provisional",
    )
    list_filter = ("status", "kind", "responsible", "source", "due_date_edited", "provisional")
    list_select_related = ("contract", "owner")
    search_fields = ("title", "contract__number", "contract__title", "contract__vendor__name")
    date_hierarchy = "due_date"
    autocomplete_fields = ("contract", "owner", "watchers")
    # Done and waived take a note or a reason per obligation: set them on the obligation's own page.
    actions = ("reopen_selected",)
    derived_readonly = (
        "contract",
        "kind",
        "key",
        "source",
        "due_date_edited",
        "provisional",
        "price_change_notice",
        "certification",
        "completed_at",
        "completed_by",
        "act_by",
        "evidence",
        "recurrence",
        "recurs_until",
        "series",
        "created_at",
        "updated_at",
    )

    def get_queryset(self, request):
        return obligations_visible_to(request.user).select_related("contract", "owner")

    def get_fields(self, request, obj=None):
        if obj is None:
            return (
                "contract",
                "title",
                "description",
                ("due_date", "starts_on"),
                ("recurrence", "recurs_until"),
                "responsible",
                "owner",
                "watchers",
            )
        return (
            ("contract", "kind", "source"),
            "title",
            "description",
            ("due_date", "act_by", "starts_on", "due_date_edited", "provisional"),
            ("recurrence", "recurs_until", "series"),
            ("status", "completed_at", "completed_by"),
            "completion_note",
            "evidence",
            "waive_reason",
            ("responsible", "owner"),
            "watchers",
            "reminder_offsets",
            ("price_change_notice", "certification", "key"),
            ("created_at", "updated_at"),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.source == Obligation.Source.MANUAL:
            return self.derived_readonly
        return (*self.derived_readonly, *MANUAL_TEXT_FIELDS)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_can_act_on_obligation(request.user, obj))

    def _apply(self, request, queryset, action) -> None:
        run_admin_action(
            self,
            request,
            queryset.select_related("contract"),
            lambda obligation: action(obligation=obligation, by=request.user),
            allowed=lambda obligation: user_can_act_on_obligation(request.user, obligation),
        )

    @admin.action(description=_("Reopen"), permissions=["change"])
    def reopen_selected(self, request, queryset):
        self._apply(request, queryset, obligation_reopen)

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, obj):
        return obj.is_overdue_on(timezone.localdate())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            saved = obligation_create_custom(
                contract=data["contract"],
                by=request.user,
                title=data["title"],
                due_date=data["due_date"],
                description=data.get("description", ""),
                starts_on=data.get("starts_on"),
                owner=data.get("owner"),
                responsible=data["responsible"],
                recurrence=data.get("recurrence") or "",
                recurs_until=data.get("recurs_until"),
            )
            obj.pk = saved.pk
            obj.refresh_from_db()
            return
        changed = set(form.changed_data)
        reopening = "status" in changed and data["status"] == Obligation.Status.OPEN
        if reopening:
            self._change_status(obj, data, by=request.user)
        if "due_date" in changed:
            obligation_move_due_date(obligation=obj, by=request.user, due_date=data["due_date"])
        if "owner" in changed:
            obligation_reassign(obligation=obj, by=request.user, owner=data["owner"])
        plain = [name for name in MANUAL_TEXT_FIELDS if name in changed]
        if plain:
            self._save_plain_fields(obj, {name: data[name] for name in plain}, by=request.user)
        if "reminder_offsets" in changed:
            obligation_set_reminder_offsets(obligation=obj, by=request.user, offsets=data["reminder_offsets"])
        if "status" in changed and not reopening:
            self._change_status(obj, data, by=request.user)
        obj.refresh_from_db()

    @staticmethod
    @transaction.atomic
    def _save_plain_fields(obj: Obligation, values: dict, *, by) -> None:
        locked = Obligation.objects.select_for_update().get(pk=obj.pk)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked._history_user = by
        locked._change_reason = "edit"
        locked.save()

    @staticmethod
    def _change_status(obj: Obligation, data: dict, *, by) -> None:
        status = data["status"]
        current = Obligation.objects.get(pk=obj.pk)
        if current.status != Obligation.Status.OPEN:
            obligation_reopen(obligation=current, by=by)
        if status == Obligation.Status.DONE:
            obligation_complete(obligation=current, by=by, note=data.get("completion_note", ""))
        elif status == Obligation.Status.WAIVED:
            obligation_waive(obligation=current, by=by, reason=data.get("waive_reason", ""))


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(admin.ModelAdmin):
    """Corrections for official holiday schedules published after the `holidays` library release in use."""

    list_display = ("date", "is_working_day", "note")
    list_filter = ("is_working_day",)
    search_fields = ("note",)
    date_hierarchy = "date"

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        days = {obj.date}
        if change and "date" in form.changed_data:
            days.add(form.initial["date"])
        super().save_model(request, obj, form, change)
        obligations_recompute_for_calendar(days=days, by=request.user)

    @transaction.atomic
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        obligations_recompute_for_calendar(days=[obj.date], by=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        days = list(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        obligations_recompute_for_calendar(days=days, by=request.user)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The log of reminder e-mails: written by the sweep only, so it is read-only here.

    The one thing an administrator may do is retry: after a mail outage, reminders that used up their attempts
    are given a fresh set and sent at once (`reminder_retry`), instead of waiting for a person to notice.
    """

    list_display = (
        "obligation",
        "recipient",
        "offset",
        "scheduled_for",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("status", "obligation__kind", "scheduled_for", "sent_at")
    list_select_related = ("obligation", "recipient")
    search_fields = ("obligation__title", "obligation__contract__number", "recipient__username", "message_id")
    date_hierarchy = "scheduled_for"
    actions = ("retry_selected",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(obligation__in=obligations_visible_to(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request) -> bool:
        """Retrying sends e-mail but changes no business data: whoever may change reminders may retry them."""
        return request.user.has_perm("obligations.change_reminder")

    @admin.action(description=_("Retry failed reminders"), permissions=["retry"])
    def retry_selected(self, request, queryset):
        run_admin_action(self, request, queryset, lambda reminder: reminder_retry(reminder=reminder))
