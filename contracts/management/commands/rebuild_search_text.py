"""`rebuild_search_text [--contract NUMBER]`: the register's search text, after data arrived outside the services."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contracts.models import Contract
from contracts.search import search_text_refresh

CHUNK = 2000


class Command(BaseCommand):
    help = (
        "Rebuild the text the contract register searches (number, title, vendor names, clause texts). The services "
        "keep it current; run this after importing contracts or clauses with SQL or a bulk load."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contract", metavar="NUMBER", help="Only this contract.")

    def handle(self, *args, contract, **options):
        contracts = Contract.objects.order_by("pk")
        if contract:
            contracts = contracts.filter(number=contract)
            if not contracts.exists():
                raise CommandError(f"No contract {contract!r}.")
        ids = list(contracts.values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            with transaction.atomic():
                search_text_refresh(ids[start : start + CHUNK])
        self.stdout.write(f"Rebuilt the search text of {len(ids)} contract(s).")
