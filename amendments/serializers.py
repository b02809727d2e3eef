"""API shapes for amendments. The changed terms are checked with the contract API's own serializer (types and
field rules); the services check the rest against the contract."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contracts.models import ClauseCategory
from contracts.serializers import ContractWriteSerializer
from contracts.services.terms import AMENDABLE_TERM_FIELDS

from .changes import ROW_FIELDS
from .models import Amendment
from .services import MAX_CLAUSES

CHANGEABLE = frozenset(AMENDABLE_TERM_FIELDS) | frozenset(ROW_FIELDS)


class AmendmentClauseSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False, min_value=1, help_text=_("A clause of this contract whose title and text change.")
    )
    category = serializers.ChoiceField(
        choices=ClauseCategory.choices, required=False, help_text=_("The category of a new clause (instead of id).")
    )
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=20000)

    def validate(self, attrs):
        if ("id" in attrs) == ("category" in attrs):
            raise serializers.ValidationError(_("Give either the id of a clause of this contract or a category."))
        return attrs


class AmendmentChangesField(serializers.DictField):
    """{FIELD: VALUE, ..., "sla_targets": [...], "fee_items": [...]}: the section-3 terms that change, with the
    contract API's names and types; "sla_targets" and "fee_items" replace the rows."""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        unknown = sorted(set(data) - CHANGEABLE)
        if unknown:
            raise serializers.ValidationError(
                [_("An amendment cannot change “%(field)s”.") % {"field": name} for name in unknown]
            )
        terms = ContractWriteSerializer(data=data, partial=True)
        terms.is_valid(raise_exception=True)
        return {name: value for name, value in terms.validated_data.items() if name in data}


class AmendmentWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    effective_on = serializers.DateField(help_text=_("The day the amendment comes into force."))
    changes = AmendmentChangesField(required=False, default=dict)
    clauses = AmendmentClauseSerializer(many=True, required=False, default=list, max_length=MAX_CLAUSES)


class AmendmentUpdateSerializer(AmendmentWriteSerializer):
    """A draft's fields to change, with the version last read."""

    title = serializers.CharField(max_length=200, required=False)
    effective_on = serializers.DateField(required=False)
    changes = AmendmentChangesField(required=False)
    clauses = AmendmentClauseSerializer(many=True, required=False, max_length=MAX_CLAUSES)
    version = serializers.IntegerField(min_value=1, help_text=_("The version you last read."))


class AmendmentDecisionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text=_("The amendment's version you read; left out: the current one.")
    )


class AmendmentRejectSerializer(AmendmentDecisionSerializer):
    reason = serializers.CharField(max_length=2000)


class AmendmentWithdrawSerializer(AmendmentDecisionSerializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AmendmentSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Amendment
        fields = [
            "id",
            "contract",
            "contract_number",
            "number",
            "title",
            "effective_on",
            "changes",
            "clauses",
            "old_values",
            "status",
            "decision_reason",
            "failure_reason",
            "created_by",
            "approved_by",
            "approved_at",
            "applied_at",
            "version",
            "created_at",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, obj) -> str:
        return reverse("api:amendment-pdf", args=[obj.pk])
