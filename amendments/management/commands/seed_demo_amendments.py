"""`manage.py seed_demo_amendments`: the demo's amendments, called by `seed_demo` once its contracts exist.

It lives here, not in contracts' seed_demo, because contracts does not import amendments (import-linter); seed_demo
calls it by name through call_command. Two amendments, made through the services as a user would:
- CLM-2026-0002: the termination notice shortened from 60 to 30 days, in force since the first of the month two
  months ago, approved by the manager (the contract page and history show 60 -> 30);
- CLM-2026-0001: 10 more subscribed seats from the first of next month, a draft waiting for the manager.
Idempotent: an amendment is keyed on its contract and title; one that exists is left exactly as it is.
"""

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from contracts.models import Contract
from rules.terms import add_months

from ...changes import rows_from_json, stored_rows
from ...services import amendment_approve, amendment_create

NOTICE_TITLE = "补充协议一：终止通知期由60日缩短为30日"
SEATS_TITLE = "补充协议一：坐席订阅数量由50席增加至60席"


class Command(BaseCommand):
    help = "Create the demo amendments on the demo contracts (run by seed_demo; idempotent)."

    def handle(self, *args, **options):
        today = timezone.localdate()
        month = today.replace(day=1)
        users = {u.username: u for u in User.objects.filter(username__in=["manager", "buyer1"])}
        if len(users) != 2:
            raise CommandError("The demo users are missing: run seed_demo first.")
        created: list[str] = []
        with transaction.atomic():
            contract = self._contract("CLM-2026-0002", NOTICE_TITLE)
            if contract is not None and contract.termination_notice_days == 60:
                amendment = amendment_create(
                    contract=contract,
                    by=users["buyer1"],
                    title=NOTICE_TITLE,
                    effective_on=add_months(month, -2),
                    changes={"termination_notice_days": 30},
                )
                amendment_approve(amendment=amendment, by=users["manager"], version=amendment.version, today=today)
                created.append(amendment.number)
            contract = self._contract("CLM-2026-0001", SEATS_TITLE)
            if contract is not None:
                fee_items = stored_rows(contract, "fee_items")
                for row in fee_items:
                    if row["kind"] == "坐席订阅费":
                        row["quantity"] = "60"
                amendment = amendment_create(
                    contract=contract,
                    by=users["buyer1"],
                    title=SEATS_TITLE,
                    effective_on=add_months(month, 1),
                    changes={
                        "fee_items": rows_from_json({"fee_items": fee_items}, "fee_items"),
                        "contract_value": Decimal("408000"),
                    },
                )
                created.append(amendment.number)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo amendments created: {', '.join(created)}."))

    def _contract(self, number: str, title: str) -> Contract | None:
        """The running demo contract to amend, or None when it is missing or already has this amendment."""
        contract = Contract.objects.filter(number=number, status__in=Contract.RUNNING_STATUSES).first()
        if contract is None or contract.amendments.filter(title=title).exists():
            return None
        return contract
