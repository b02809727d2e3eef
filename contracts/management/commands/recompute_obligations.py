"""`recompute_obligations [--contract NUMBER] [--today YYYY-MM-DD]`: the daily roll and a full re-derivation."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contracts.lifecycle.roll import obligations_recompute
from contracts.models import Contract


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date like 2026-11-22, not {value!r}") from None


class Command(BaseCommand):
    help = "Roll auto-renewing contracts, expire ended ones and re-derive obligations (all contracts, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--contract", metavar="NUMBER", help="Only this contract, e.g. CLM-2026-0001.")
        parser.add_argument(
            "--today", metavar="YYYY-MM-DD", type=_iso_date, help="Compute as of this day (default: today)."
        )

    def handle(self, *args, contract=None, today=None, **options):
        today = today or timezone.localdate()
        try:
            result = obligations_recompute(today=today, number=contract)
        except Contract.DoesNotExist:
            raise CommandError(f"No contract numbered {contract!r}.") from None
        derivation = result.derivation
        self.stdout.write(
            f"{result.contracts} contract(s) as of {today.isoformat()}: {result.rolled} rolled into a new term, "
            f"{result.expired} expired; obligations {derivation.created} created, {derivation.updated} updated, "
            f"{derivation.deleted} removed."
        )
