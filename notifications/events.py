"""The events webhooks carry, with the object's API representation (the same serializer as the REST API).

The domain services call `contract_event` / `sla_exit_right_event` (queued on commit); the obligation events are
found by the webhook task once a day's due dates come (`emit_obligation_events`), once per obligation and day.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from contracts.models import Contract
from contracts.serializers import ContractSerializer
from obligations.models import Obligation
from obligations.serializers import ObligationSerializer
from outbound.webhooks import Event

from .models import WebhookEndpoint
from .services import webhook_emit


def _json_ready(data: Any) -> Any:
    return json.loads(JSONRenderer().render(data))


def _contract_data(pk: int) -> Any:
    contract = Contract.objects.select_related("vendor", "owner").get(pk=pk)
    return _json_ready(ContractSerializer(contract).data)


def contract_event(event: Event | str, contract: Contract) -> None:
    """`contract.created`, `contract.signed` or `contract.terminated`, sent once the transaction commits."""
    pk = contract.pk
    transaction.on_commit(lambda: webhook_emit(event, str(pk), lambda: _contract_data(pk)))


def sla_exit_right_event(contract: Contract, period: str) -> None:
    """`sla.exit_right`: the SLA results grant the exit right as of `period` (once per contract and month)."""
    pk = contract.pk
    transaction.on_commit(
        lambda: webhook_emit(
            Event.SLA_EXIT_RIGHT, f"{pk}:{period}", lambda: {"contract": _contract_data(pk), "period": period}
        )
    )


def emit_obligation_events(day: date | None = None) -> int:
    """`obligation.due` for open obligations due on `day`, `obligation.overdue` for those due the day before."""
    wanted = {e for endpoint in WebhookEndpoint.objects.filter(active=True) for e in endpoint.events}
    if not wanted & {Event.OBLIGATION_DUE.value, Event.OBLIGATION_OVERDUE.value}:
        return 0
    day = day or timezone.localdate()
    count = 0
    for event, due in ((Event.OBLIGATION_DUE, day), (Event.OBLIGATION_OVERDUE, day - timedelta(days=1))):
        if event.value not in wanted:
            continue
        obligations = Obligation.objects.filter(status=Obligation.Status.OPEN, due_date=due).select_related(
            "contract__vendor"
        )
        for obligation in obligations:
            data = ObligationSerializer(obligation, context={"today": day}).data
            count += webhook_emit(
                event, f"{obligation.pk}:{due.isoformat()}", lambda data=data: _json_ready(data), notify=False
            )
    return count
