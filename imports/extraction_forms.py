"""Forms of the "read a signed contract" pages: the upload, and the proposal as an editable contract form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.forms import ContractForm


class ExtractionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Signed contract file"),
        help_text=_("A Word file (.docx), a PDF with text (not a scan) or a text file (.txt)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt"}),
    )


class ExtractionContractForm(ContractForm):
    """The contract form, prefilled with what the file states. The vendor is the one chosen, or the one with the
    credit code below (registered when new)."""

    vendor_name = forms.CharField(label=_("Vendor name"), max_length=200, required=False)
    vendor_credit_code = forms.CharField(label=_("Vendor's unified social credit code"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].required = False
        self.fields["vendor"].empty_label = _("Match or register by credit code")
        self.fields["vendor"].help_text = _("Leave empty to use the vendor with the credit code below.")
