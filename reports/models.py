from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    """A register search a user named to open again: the register's query string (filters and sort), private to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("query string"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved register view")
        verbose_name_plural = _("saved register views")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_unique_per_user")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        base = reverse("contracts:list")
        return f"{base}?{self.query}" if self.query else base
