"""API shapes of SLA months: what a month shows (its results, evaluation and credit) and what a client sends.

Input serializers check types only and hand plain values to sla.services, which holds every rule."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import QuickReadSerializer

from .models import SlaMeasurement, SlaPeriod
from .services import MAX_MEASUREMENTS


class SlaMeasurementSerializer(QuickReadSerializer):
    metric = serializers.CharField(source="target.metric", read_only=True)

    class Meta:
        model = SlaMeasurement
        fields = ["target", "metric", "value", "met"]
        read_only_fields = fields


class SlaPeriodSerializer(serializers.ModelSerializer):
    """A recorded month: its results (each `met` or not), how many targets were missed, and the credit earned."""

    measurements = SlaMeasurementSerializer(many=True, read_only=True)

    class Meta:
        model = SlaPeriod
        fields = [
            "id",
            "contract",
            "period",
            "fee_amount",
            "measurements",
            "missed_count",
            "credit_pct",
            "credit_amount",
            "report",
            "updated_at",
        ]
        read_only_fields = fields


class MeasurementInputSerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=_("The id of an SLA target."))
    value = serializers.DecimalField(max_digits=14, decimal_places=4)


class SlaPeriodWriteSerializer(serializers.Serializer):
    """A month as entered: writing a month already recorded replaces its results."""

    period = serializers.CharField(max_length=7, help_text=_("YYYY-MM"))
    fee_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    measurements = serializers.ListField(child=MeasurementInputSerializer(), min_length=1, max_length=MAX_MEASUREMENTS)


class SlaImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The vendor's monthly report: CSV (UTF-8 or GB18030) or XLSX."))


class SlaImportResultSerializer(serializers.Serializer):
    periods = SlaPeriodSerializer(many=True)


class SlaRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("The line of the file, the header being line 1."))
    errors = serializers.ListField(child=serializers.CharField())


class SlaImportErrorSerializer(serializers.Serializer):
    file = serializers.ListField(child=serializers.CharField(), required=False)
    rows = SlaRowErrorSerializer(many=True, required=False)
