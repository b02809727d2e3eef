from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("XLSX or CSV (UTF-8 or GB18030), one contract per row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
