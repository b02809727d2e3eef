"""API shapes for obligations."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import UsernameField

from .deadlines import deadline_note
from .models import Obligation


class ObligationSerializer(serializers.ModelSerializer):
    """An obligation as listed; `owner` is who must act (the contract owner unless someone was assigned)."""

    contract_number = serializers.CharField(source="contract.number", read_only=True)
    title = serializers.CharField(source="display_title", read_only=True, help_text=_("In the caller's language."))
    description = serializers.CharField(source="display_description", read_only=True)
    owner = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    act_by = serializers.DateField(
        source="act_by_date",
        read_only=True,
        help_text=_(
            "The day to act by: for what we must do, the last working day on or before the due date; the due date "
            "otherwise. Reminders count down to it."
        ),
    )
    recurrence = serializers.ChoiceField(
        choices=[("", _("Does not repeat")), *Obligation.Recurrence.choices],
        read_only=True,
        help_text=_("How an obligation added by hand repeats; each occurrence is its own obligation (see series)."),
    )
    due_date_note = serializers.SerializerMethodField(
        help_text=_(
            "When the due date is not a working day: the day to act by, or for a vendor's deadline the statutory "
            "end of the period (Civil Code art. 203), in the caller's language; empty otherwise."
        )
    )

    class Meta:
        model = Obligation
        fields = [
            "id",
            "contract",
            "contract_number",
            "kind",
            "title",
            "description",
            "due_date",
            "act_by",
            "due_date_note",
            "starts_on",
            "status",
            "responsible",
            "owner",
            "source",
            "provisional",
            "overdue",
            "reminder_offsets",
            "completed_at",
            "completion_note",
            "evidence",
            "waive_reason",
            "recurrence",
            "recurs_until",
            "series",
            "updated_at",
        ]
        read_only_fields = fields

    def get_owner(self, obj) -> str:
        return (obj.owner or obj.contract.owner).username

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue_on(self.context["today"])

    def get_due_date_note(self, obj) -> str:
        return deadline_note(obj, self.context["calendar"])


class ObligationUpdateSerializer(serializers.Serializer):
    owner = UsernameField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text=_("User name of the person who must act."),
    )
    due_date = serializers.DateField(required=False)
    reminder_offsets = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text=_("Whole days before the due date to remind on, e.g. [30, 7, 1, 0]; null: the kind's defaults."),
    )


class CompleteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text=_("What was done (required)."))
    document = serializers.FileField(
        required=False,
        help_text=_("Evidence (multipart only): checked as any contract document and kept among them."),
    )


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why no action is needed (required)."))


class ObligationCreateSerializer(serializers.Serializer):
    """An obligation added by hand; with a recurrence and an end date, every occurrence up to it is created."""

    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()
    starts_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    responsible = serializers.ChoiceField(choices=Obligation.Responsible.choices, default=Obligation.Responsible.US)
    owner = UsernameField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("User name of the person who must act; left out: the contract owner."),
    )
    recurrence = serializers.ChoiceField(
        choices=[("", _("Does not repeat")), *Obligation.Recurrence.choices], required=False, default=""
    )
    recurs_until = serializers.DateField(
        required=False, allow_null=True, help_text=_("Required with a recurrence: the last day an occurrence may fall.")
    )
