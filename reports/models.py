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


class ObligationTally(models.Model):
    """Obligations counted per due month, responsible person and bucket, kept by PostgreSQL triggers in the same
    transaction as every change (reports.tally). Rows are signed counts appended per statement: the figure of a
    (month, person, bucket) is the sum of its rows. Never written by the application."""

    class Bucket(models.TextChoices):
        OPEN = "open", _("open")
        ON_TIME = "on_time", _("done on time")
        LATE = "late", _("done late")

    month = models.DateField(_("due month"))
    person = models.BigIntegerField(_("responsible person's id"), null=True)
    """The obligation's owner, else its contract's owner; no foreign key, so that a tally row never holds up or
    follows a user's deletion (the obligations' own changes move the counts)."""
    bucket = models.CharField(_("bucket"), max_length=8, choices=Bucket.choices)
    delta = models.IntegerField(_("count"))

    class Meta:
        verbose_name = _("obligation tally")
        verbose_name_plural = _("obligation tallies")
        indexes = [models.Index(fields=["month"], name="obligation_tally_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.person} {self.bucket} {self.delta:+d}"
