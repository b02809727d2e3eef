from django import forms

from .models import User


class PreferencesForm(forms.ModelForm):
    """The user's own preferences: the language of pages and e-mails, and how reminders arrive."""

    class Meta:
        model = User
        fields = ["language", "email_mode"]
        widgets = {"email_mode": forms.RadioSelect}
