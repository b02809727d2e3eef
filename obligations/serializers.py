"""API shapes for obligations."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import UsernameField

from .models import Obligation


class ObligationSerializer(serializers.ModelSerializer):
    """An obligation as listed; `owner` is who must act (the contract owner unless someone was assigned)."""

    contract_number = serializers.CharField(source="contract.number", read_only=True)
    title = serializers.CharField(source="display_title", read_only=True, help_text=_("In the caller's language."))
    description = serializers.CharField(source="display_description", read_only=True)
    owner = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

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
            "starts_on",
            "status",
            "responsible",
            "owner",
            "source",
            "provisional",
            "overdue",
            "reminder_offsets",
            "completed_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_owner(self, obj) -> str:
        return (obj.owner or obj.contract.owner).username

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue_on(self.context["today"])


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


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
