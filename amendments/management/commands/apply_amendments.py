"""Apply the approved amendments whose day has come: the same code the daily beat task runs."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_date

from amendments.services import amendments_apply_due


def _date(value: str):
    parsed = parse_date(value)
    if parsed is None:
        raise ValueError(value)
    return parsed


class Command(BaseCommand):
    help = "Apply the approved amendments that are due on --today (default: the company's local date)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=_date, help="The day to apply for, YYYY-MM-DD.")

    def handle(self, *args, today=None, **options):
        applied = amendments_apply_due(today=today or timezone.localdate())
        self.stdout.write(f"{applied} amendment(s) applied")
