from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("SLA performance")

    def ready(self):
        # A month's results are part of their contract's history (contracts may not import this app).
        from contracts.history import register_contract_source
        from core.history import HistorySource

        from .models import SlaMeasurement, SlaPeriod

        register_contract_source(HistorySource(SlaPeriod, label_field="period", money=("fee_amount", "credit_amount")))
        register_contract_source(HistorySource(SlaMeasurement, parent="sla_period__contract", label_field="target"))
