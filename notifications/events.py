"""What webhooks carry: the object's API representation (the REST API's own serializers), and the events found by
date rather than by an action (`obligation.due`, `obligation.overdue`, `sla.exit_right`). Used by the delivery task
only: the services emit events by reference (notifications.services), so they never import a serializer."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from contracts.models import Contract
from contracts.serializers import ContractSerializer
from obligations.calendar import load_calendar
from obligations.models import Obligation
from obligations.serializers import ObligationSerializer
from outbound.webhooks import Event

from .models import WebhookEndpoint
from .services import webhook_emit


def _json_ready(data: Any) -> Any:
    return json.loads(JSONRenderer().render(data))


def representation(object_type: str, object_id: int | None) -> Any:
    """The object as the API shows it now (None when it was deleted since)."""
    if object_type == "contract":
        contract = Contract.objects.select_related("vendor", "owner").filter(pk=object_id).first()
        return _json_ready(ContractSerializer(contract).data) if contract else None
    if object_type == "obligation":
        obligation = Obligation.objects.select_related("contract__vendor").filter(pk=object_id).first()
        if obligation is None:
            return None
        return _json_ready(
            ObligationSerializer(obligation, context={"today": timezone.localdate(), "calendar": load_calendar()}).data
        )
    return None


def emit_obligation_events(day: date | None = None) -> int:
    """`obligation.due` for open obligations due on `day`, `obligation.overdue` for those due the day before, and
    `sla.exit_right` for an open exit-right obligation (the SLA results granted the right to leave); each once."""
    wanted = {e for endpoint in WebhookEndpoint.objects.filter(active=True) for e in endpoint.events}
    day = day or timezone.localdate()
    found = {
        Event.OBLIGATION_DUE: Obligation.objects.filter(status=Obligation.Status.OPEN, due_date=day),
        Event.OBLIGATION_OVERDUE: Obligation.objects.filter(
            status=Obligation.Status.OPEN, due_date=day - timedelta(days=1)
        ),
        Event.SLA_EXIT_RIGHT: Obligation.objects.filter(
            status=Obligation.Status.OPEN, kind=Obligation.Kind.SLA_EXIT_RIGHT, due_date__gte=day
        ),
    }
    count = 0
    for event, obligations in found.items():
        if event.value not in wanted:
            continue
        for pk, due in obligations.values_list("pk", "due_date"):
            count += webhook_emit(
                event, f"{pk}:{due.isoformat()}", object_type="obligation", object_id=pk, notify=False
            )
    return count
