"""`export_contract_pdf NUMBER [--lang zh-hans|en] [--as-user USERNAME] -o FILE`: one contract's PDF to a file."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from contracts.selectors import contracts_visible_to
from pdf.language import LANGUAGES
from pdf.rendering import RenderError, render_contract_pdf


class Command(BaseCommand):
    help = "Write a contract's PDF (negotiated terms, agreed clauses, obligation schedule) to a file."

    def add_arguments(self, parser):
        parser.add_argument("number", help="Contract number, e.g. CLM-2026-0001.")
        parser.add_argument("--lang", choices=LANGUAGES, default="zh-hans", help="Document language.")
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write.")
        parser.add_argument(
            "--as-user",
            metavar="USERNAME",
            help="Export only if this user may view the contract (as the web page and API would check).",
        )

    def handle(self, *args, number, lang, output, as_user, **options):
        contracts = Contract.objects.all()
        if as_user:
            user = get_user_model().objects.filter(username=as_user, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {as_user!r}.")
            contracts = contracts_visible_to(user)
        contract = contracts.select_related("vendor").filter(number=number).first()
        if contract is None:
            raise CommandError(f"No contract {number!r}" + (f" visible to {as_user!r}." if as_user else "."))
        try:
            pdf = render_contract_pdf(contract, language=lang)
        except RenderError as exc:
            raise CommandError(f"Rendering failed: {exc}") from exc
        Path(output).write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(pdf):,} bytes)."))
