"""Admin pages backed by services: the shared mixin, read-only inlines and bulk actions that report each refusal."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from .exceptions import ActionNotAllowed, StaleVersionError


def _as_validation_error(exc: Exception) -> ValidationError:
    if isinstance(exc, ValidationError):
        return exc
    return ValidationError(exc.message, code="stale_version" if isinstance(exc, StaleVersionError) else "not_allowed")


class _ServiceErrorsForm:
    """Mixed into the admin form on the second pass: shows the service's errors next to the fields they name."""

    service_error: ValidationError

    def clean(self):
        cleaned_data = super().clean()
        if hasattr(self.service_error, "error_dict"):
            for field, errors in self.service_error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, self.service_error)
        return cleaned_data


class ServiceAdminMixin:
    """Saves go through a service; when the service refuses, the page shows its errors instead of a 500.

    Django validates the form and inlines before save_model/save_related, but a service can still refuse there (a
    rule the form cannot know, a stale version, a state that forbids the action). The save runs in a savepoint; on
    refusal the savepoint is rolled back and the same POST is rendered again with the service's errors on the form.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            try:
                with transaction.atomic():
                    return super().changeform_view(request, object_id, form_url, extra_context)
            except (ValidationError, StaleVersionError, ActionNotAllowed) as exc:
                request._clm_service_error = _as_validation_error(exc)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "_clm_service_error", None)
        if error is None:
            return form
        return type(form.__name__, (_ServiceErrorsForm, form), {"service_error": error})


def adopt(instance: Model, saved: Model) -> None:
    """Make the admin's in-memory object the row the service saved, so the log entry and redirect point at it."""
    for field in type(saved)._meta.concrete_fields:
        setattr(instance, field.attname, getattr(saved, field.attname))
    instance._state.adding = False
    instance._state.db = saved._state.db


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on their parent's page but changed only through their own page or service."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def run_admin_action(modeladmin, request, objects, action, *, allowed=lambda obj: True) -> None:
    """Apply a service to each selected object; report how many succeeded and why the others were refused."""
    done = 0
    for obj in objects:
        if not allowed(obj):
            modeladmin.message_user(request, _("%(object)s: you may not change it.") % {"object": obj}, "error")
            continue
        try:
            action(obj)
        except (ValidationError, ActionNotAllowed, StaleVersionError) as exc:
            reason = " ".join(_as_validation_error(exc).messages)
            modeladmin.message_user(request, f"{obj}: {reason}", "error")
        else:
            done += 1
    if done:
        modeladmin.message_user(request, _("Done for %(count)d selected item(s).") % {"count": done}, "success")
