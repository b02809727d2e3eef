from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms_fields import forgiving_field_classes

from .models import Certification, Vendor, VendorContact

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VendorFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *Vendor.Status.choices]


class VendorForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Vendor
        fields = [
            "name",
            "short_name",
            "credit_code",
            "status",
            "legal_representative",
            "registered_address",
            "phone",
            "email",
            "website",
            "notes",
        ]
        field_classes = forgiving_field_classes(Vendor, fields, codes=["credit_code"])
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):
        """The credit code's uniqueness is the service's to check: its message names the vendor using the code."""


ContactFormSet = forms.inlineformset_factory(
    Vendor, VendorContact, fields=["name", "role", "email", "phone", "is_primary"], extra=1, can_delete=True
)
CertificationFormSet = forms.inlineformset_factory(
    Vendor,
    Certification,
    fields=["kind", "name", "number", "issued_on", "expires_on"],
    field_classes=forgiving_field_classes(Certification, ["kind", "name", "number", "issued_on", "expires_on"]),
    widgets={"issued_on": DATE, "expires_on": DATE},
    extra=1,
    can_delete=True,
)
