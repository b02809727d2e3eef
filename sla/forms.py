"""Page forms for SLA months: one month's results (a field per target) and the vendor's report upload.

They check types only; sla.services holds the rules (month range, value ranges, targets of the contract)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import SLATarget

from .services import MeasurementInput


def target_field_name(target: SLATarget) -> str:
    return f"target_{target.pk}"


class SlaPeriodForm(forms.Form):
    period = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"}),
        help_text=_("YYYY-MM"),
    )
    fee_amount = forms.DecimalField(
        label=_("Fee billed for the month"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )

    def __init__(self, *args, targets: list[SLATarget], **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        for target in targets:
            self.fields[target_field_name(target)] = forms.DecimalField(
                label=f"{target.metric} ({target.get_comparator_display()} {target.target.normalize():f}{target.unit})",
                required=False,
                max_digits=14,
                decimal_places=4,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                help_text=_("Leave blank if the report gives no result for this target."),
            )

    def target_fields(self):
        return [self[target_field_name(target)] for target in self.targets]

    def measurements(self) -> list[MeasurementInput]:
        return [
            MeasurementInput(target.pk, self.cleaned_data[target_field_name(target)])
            for target in self.targets
            if self.cleaned_data.get(target_field_name(target)) is not None
        ]


class SlaImportForm(forms.Form):
    file = forms.FileField(
        label=_("Vendor's monthly report (CSV or XLSX)"),
        help_text=_("Columns: period (YYYY-MM), metric (a target's metric or kind), value, and optionally fee_amount."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
