from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _keep_tally_installed(sender, using, **kwargs) -> None:
    """After every migrate (and flush): the obligation tally's triggers are there and count in settings.TIME_ZONE."""
    from . import tally

    connection = connections[using]
    if tally.ObligationTally._meta.db_table in connection.introspection.table_names():
        tally.ensure_installed(connection)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        post_migrate.connect(_keep_tally_installed, sender=self, dispatch_uid="reports.tally")
