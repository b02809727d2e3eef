from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmendmentsConfig(AppConfig):
    name = "amendments"
    verbose_name = _("Amendments")

    def ready(self):
        # Amendments are part of their contract's history (contracts may not import this app, so it registers here).
        from contracts.history import register_contract_source
        from core.history import HistorySource

        from .models import Amendment

        register_contract_source(
            HistorySource(Amendment, label_field="number", hidden=("sequence", "changes", "clauses", "old_values"))
        )
