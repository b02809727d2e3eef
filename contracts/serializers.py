"""API shapes for contracts and what hangs off them.

Input serializers only check types and field-level rules and hand plain values to contracts.services /
contracts.lifecycle; output serializers render what the selectors returned. No business rule lives here.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contracts.services.terms import CONTRACT_TERM_FIELDS, MAX_TERM_ROWS
from core.api import CodeField, QuickReadSerializer, StrictBooleanField, UsernameField

from .models import Clause, ClauseRevision, Contract, Document, FeeItem, PriceChangeNotice, SLATarget

# Booleans are true or false: "yes" or 1 is a field error, as the schema's `type: boolean` says.
_STRICT_BOOLEANS = {**serializers.ModelSerializer.serializer_field_mapping, models.BooleanField: StrictBooleanField}


class SLATargetSerializer(QuickReadSerializer):
    """One SLA target. `id` names a target to keep when the rows are written again (the months recorded against it
    stay); a row without one is a new target, or the existing target with the same metric."""

    serializer_field_mapping = _STRICT_BOOLEANS
    id = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    class Meta:
        model = SLATarget
        fields = ["id", "metric", "kind", "comparator", "target", "unit", "period", "credit_pct", "critical", "order"]
        extra_kwargs = {"order": {"required": False}}

    def validate(self, attrs):
        """The comparator fits the kind and a percentage lies in 0-100 (SLATarget.clean, over rules.sla)."""
        fields = {name: value for name, value in attrs.items() if name != "id"}
        try:
            SLATarget(**fields).clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return attrs


class FeeItemSerializer(QuickReadSerializer):
    class Meta:
        model = FeeItem
        fields = ["kind", "unit_price", "unit", "quantity", "note", "order"]
        extra_kwargs = {"order": {"required": False}}


class ContractSerializer(QuickReadSerializer):
    """A contract as the API shows it: the section-3 terms, its state, and its SLA and fee rows."""

    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    sla_targets = SLATargetSerializer(many=True, read_only=True)
    fee_items = FeeItemSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            *CONTRACT_TERM_FIELDS,
            "vendor_name",
            "status",
            "version",
            "notice_given_on",
            "signed_on",
            "activated_on",
            "terminated_on",
            "termination_reason",
            "termination_for_cause",
            "scheduled_activation_on",
            "scheduled_termination_on",
            "expired_on",
            "predecessor",
            "sla_targets",
            "fee_items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ContractWriteSerializer(serializers.ModelSerializer):
    """The terms a user may set. `version` is required on update: it is the version the client last read."""

    serializer_field_mapping = _STRICT_BOOLEANS

    owner = UsernameField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text=_("User name of the owner. On create, the creator unless given."),
    )
    # Normalised like the contract form's; the service checks whether another contract uses the number.
    number = CodeField(
        max_length=40, required=False, allow_blank=True, label=Contract._meta.get_field("number").verbose_name
    )
    sla_targets = SLATargetSerializer(many=True, required=False, max_length=MAX_TERM_ROWS)
    fee_items = FeeItemSerializer(many=True, required=False, max_length=MAX_TERM_ROWS)
    version = serializers.IntegerField(
        min_value=1, required=False, help_text=_("Required on update: the version you last read.")
    )

    class Meta:
        model = Contract
        fields = [*CONTRACT_TERM_FIELDS, "sla_targets", "fee_items", "version"]

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": [_("Send the version you last read.")]})
        return attrs


class ContractUpdateSerializer(ContractWriteSerializer):
    """The terms to change, with the version last read: without it nothing is changed (PUT and PATCH alike)."""

    version = serializers.IntegerField(min_value=1, help_text=_("The version you last read."))
    required_in_patch = ("version",)


class LifecycleActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "The contract's version you read. If the contract changed since (the same action sent twice, say), "
            "nothing is done and the answer is 409. Left out: the version when the request arrived."
        ),
    )


class DateActionSerializer(LifecycleActionSerializer):
    date = serializers.DateField()


class SignSerializer(DateActionSerializer):
    accept_findings = StrictBooleanField(
        default=False,
        help_text=_(
            "Accept the open high findings of the review in the same step (a procurement manager or legal only), "
            "with the reason."
        ),
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TerminateSerializer(DateActionSerializer):
    """A past date or today records the termination; a future date schedules it (the daily roll carries it out)."""

    reason = serializers.CharField(max_length=2000)
    for_cause = StrictBooleanField(
        default=False,
        help_text=_(
            "A termination for cause (a breach, an exercised SLA exit right), explained in the reason: a future date "
            "may then be closer than the termination notice period."
        ),
    )


class RenewSerializer(LifecycleActionSerializer):
    months = serializers.IntegerField(min_value=1, max_value=600, required=False, allow_null=True)
    successor = StrictBooleanField(default=False)


SHARE_PERMISSIONS = [("view", _("View")), ("change", _("Change")), ("none", _("None"))]


class ShareSerializer(serializers.Serializer):
    """Either a user or a group, with the permission to grant (the schema shows the two shapes as a oneOf)."""

    user = serializers.CharField(required=False, max_length=150, help_text=_("User name to share with."))
    group = serializers.CharField(required=False, max_length=150, help_text=_("Group name to share with."))
    permission = serializers.ChoiceField(choices=SHARE_PERMISSIONS)

    def validate(self, attrs):
        if ("user" in attrs) == ("group" in attrs):
            raise serializers.ValidationError(_("Give either a user or a group."))
        return attrs


class ShareWithUserSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=150, help_text=_("User name to share with."))
    permission = serializers.ChoiceField(choices=SHARE_PERMISSIONS)


class ShareWithGroupSerializer(serializers.Serializer):
    group = serializers.CharField(max_length=150, help_text=_("Group name to share with."))
    permission = serializers.ChoiceField(choices=SHARE_PERMISSIONS)


class UserShareSerializer(serializers.Serializer):
    user = serializers.CharField()
    label = serializers.CharField(help_text=_("The person's name and user name, for people to read."))
    permission = serializers.ChoiceField(choices=["view", "change"])


class GroupShareSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField(help_text=_("The role's name in the reader's language."))
    permission = serializers.ChoiceField(choices=["view", "change"])


class SharesSerializer(serializers.Serializer):
    users = UserShareSerializer(many=True)
    groups = GroupShareSerializer(many=True)


class ClauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clause
        fields = ["id", "contract", "category", "title", "text", "status", "order", "version", "updated_at"]
        read_only_fields = fields


class ClauseCreateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clause
        fields = ["category", "title", "text", "status", "order"]
        extra_kwargs = {"order": {"required": False}, "status": {"required": False}}


class ClauseUpdateSerializer(serializers.ModelSerializer):
    """Title, category, status and order; the text changes only through a new revision."""

    version = serializers.IntegerField(min_value=1, help_text=_("The version you last read."))
    required_in_patch = ("version",)

    class Meta:
        model = Clause
        fields = ["category", "title", "status", "order", "version"]


class ClauseRevisionSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ClauseRevision
        fields = ["id", "clause", "number", "text", "side", "comment", "author", "created_at"]
        read_only_fields = fields


class ClauseRevisionCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    side = serializers.ChoiceField(choices=ClauseRevision.Side.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    status = serializers.ChoiceField(
        choices=Clause.Status.choices,
        required=False,
        help_text=_("Blank: countered for the vendor's wording, proposed for ours."),
    )
    version = serializers.IntegerField(min_value=1, required=False, help_text=_("The clause version you last read."))


class PriceChangeNoticeSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    issues = serializers.SerializerMethodField(help_text=_("Why the notice breaks the contract, in your language."))

    class Meta:
        model = PriceChangeNotice
        fields = [
            "id",
            "contract",
            "received_on",
            "effective_on",
            "increase_pct",
            "note",
            "compliant",
            "issues",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["id", "contract", "compliant", "issues", "recorded_by", "created_at"]
        extra_kwargs = {"note": {"required": False}}

    def get_issues(self, obj) -> list[str]:
        return obj.issue_messages


class DocumentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "contract",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return reverse("api:document-download", args=[obj.pk])


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=Document.Kind.choices, default=Document.Kind.ANNEX)
