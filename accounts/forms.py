from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class PreferencesForm(forms.Form):
    """The user's own preferences: the language of pages and e-mails, and how reminders arrive."""

    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)
    email_mode = forms.ChoiceField(
        label=_("Reminder e-mails"), choices=User.EmailMode.choices, widget=forms.RadioSelect
    )
