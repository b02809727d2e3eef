from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .messages import finding_message, finding_title
from .models import Finding


class FindingSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(help_text="The finding in a few words, in the caller's language.")
    message = serializers.SerializerMethodField(
        help_text="What is wrong, why it matters and what to ask the vendor for, in the caller's language."
    )
    accepted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    suggested_template = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "rule",
            "severity",
            "field",
            "title",
            "message",
            "params",
            "suggested_template",
            "status",
            "accepted_by",
            "accepted_at",
            "accepted_reason",
        ]
        read_only_fields = fields

    def get_title(self, finding: Finding) -> str:
        return finding_title(finding.rule)

    def get_message(self, finding: Finding) -> str:
        return finding_message(finding.rule, finding.params)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_suggested_template(self, finding: Finding) -> str | None:
        return finding.suggested_template or None


class CountsSerializer(serializers.Serializer):
    high = serializers.IntegerField()
    medium = serializers.IntegerField()
    low = serializers.IntegerField()


class ReviewSerializer(serializers.Serializer):
    findings = FindingSerializer(many=True)
    counts = CountsSerializer(help_text="The open findings by severity (accepted ones are not counted).")


class AcceptSerializer(serializers.Serializer):
    rule = serializers.CharField(max_length=60)
    reason = serializers.CharField(max_length=2000)
