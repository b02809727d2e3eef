from django import forms
from django.contrib.admin import forms as admin_forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import password_set


class PreferencesForm(forms.Form):
    """The user's own preferences: the language of pages and e-mails, and how reminders arrive."""

    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)
    email_mode = forms.ChoiceField(
        label=_("Reminder e-mails"), choices=User.EmailMode.choices, widget=forms.RadioSelect
    )


class _PasswordThroughService:
    """Django's password forms all save through `set_password_and_save`; here that is the service, which also revokes
    the user's API token. (A password saved any other way would leave the token working.)"""

    cleaned_data: dict

    def set_password_and_save(self, user, password_field_name="password1", commit=True):  # noqa: S107 (a field name)
        if not commit:
            return super().set_password_and_save(user, password_field_name=password_field_name, commit=False)
        # The admin's form may switch password sign-in off instead of setting a password.
        usable = self.cleaned_data.get("set_usable_password", True)
        return password_set(user=user, password=self.cleaned_data[password_field_name] if usable else None)


class PasswordChangeForm(_PasswordThroughService, auth_forms.PasswordChangeForm):
    """The user's own password change: the old password, then the new one twice."""


class SetPasswordForm(_PasswordThroughService, auth_forms.SetPasswordForm):
    """The new password at the end of a password reset."""


class AdminPasswordChangeForm(_PasswordThroughService, auth_forms.AdminPasswordChangeForm):
    """An administrator sets (or disables) another user's password."""


class AdminSitePasswordChangeForm(_PasswordThroughService, admin_forms.AdminPasswordChangeForm):
    """The administrator's own password change, on the admin site."""
