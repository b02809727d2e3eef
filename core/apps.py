from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared helpers every app may use; it has no models of its own."""

    name = "core"
    label = "core"
    verbose_name = _("Core")
