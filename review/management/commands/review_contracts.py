import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from review.services import BATCH, review_all, review_contracts


class Command(BaseCommand):
    help = "Review every contract against the checklist again (after an import, or daily for certificates)."

    def add_arguments(self, parser):
        parser.add_argument("--contract", help="Only this contract number.")
        parser.add_argument("--today", help="Review as of this date (YYYY-MM-DD).")
        parser.add_argument("--batch", type=int, default=BATCH, help="Contracts per batch (default %(default)s).")

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError:
            raise CommandError("--today must be a date as YYYY-MM-DD") from None
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        started = time.monotonic()
        if options["contract"]:
            ids = list(Contract.objects.filter(number=options["contract"]).values_list("pk", flat=True))
            if not ids:
                raise CommandError(f"no contract numbered {options['contract']}")
            done = review_contracts(ids, today=today)
        else:
            done = review_all(today=today, batch_size=options["batch"])
        seconds = time.monotonic() - started
        self.stdout.write(f"reviewed {done} contracts in {seconds:.1f} s")
