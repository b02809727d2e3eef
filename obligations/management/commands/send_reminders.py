from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from obligations.reminders.delivery import run_sweep


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--now: not an ISO-8601 date and time: {value!r}") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


class Command(BaseCommand):
    help = "Run one reminder sweep now, synchronously (the code the periodic task runs), and print how many it sent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            type=_moment,
            help="Sweep as if it were this moment (ISO-8601; without an offset, in the company time zone).",
        )

    def handle(self, *args, now=None, **options):
        result = run_sweep(now=now)
        self.stdout.write(
            f"Sent {result.sent} reminders in {result.emails} e-mails "
            f"({result.planned} newly due, {result.failed} failed and will be retried)."
        )
