"""Clauses that follow the terms: a clause started from the library is its template's wording filled with the
contract's values (rules.placeholders), and is filled again whenever the terms change, until someone writes a new
wording of it by hand (a revision), from which point its text is theirs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.models import Clause, ClauseTemplate, Contract, SLATarget
from rules.placeholders import fill, value_text

# The contract fields a template may name as {field}.
TERM_PLACEHOLDERS = (
    "initial_term_months",
    "renewal_term_months",
    "non_renewal_notice_days",
    "termination_notice_days",
    "trial_period_months",
    "price_change_notice_days",
    "price_increase_cap_pct",
    "data_handover_business_days",
    "data_storage_location",
    "confidentiality_years_after_end",
    "sla_credit_cap_pct",
    "sla_exit_consecutive_misses",
    "sla_exit_decision_days",
)


def term_values(contract: Contract, targets: Sequence[SLATarget]) -> dict[str, str | None]:
    """Every placeholder's value for this contract: its terms, and `sla_<kind>` for the first target of each kind."""
    values = {name: value_text(getattr(contract, name)) for name in TERM_PLACEHOLDERS}
    values["data_storage_location"] = values["data_storage_location"] or None
    for kind in SLATarget.Kind.values:
        first = next((t for t in targets if t.kind == kind), None)
        values[f"sla_{kind}"] = value_text(first.target) if first is not None else None
    return values


def _missing(language: str) -> str:
    with translation.override(language or "zh-hans"):
        return _("[to be agreed]")


def template_text(template: ClauseTemplate, language: str) -> tuple[str, str]:
    """The template's title and raw wording in `language` (English, or Chinese for anything else)."""
    if language == "en":
        return template.title_en, template.text_en
    return template.title_zh, template.text_zh


def filled_text(template: ClauseTemplate, language: str, values: dict[str, str | None]) -> str:
    return fill(template_text(template, language)[1], values, _missing(language))


def clauses_follow_terms(contract_ids: Iterable[int], *, by: User | None = None) -> None:
    """Fill the following clauses of these contracts with their current terms; a clause whose wording changes is
    saved with its history ("terms"), and its one revision (the library wording) with it."""
    ids = list(contract_ids)
    clauses = list(
        Clause.objects.filter(contract_id__in=ids, follows_terms=True, template__isnull=False).select_related(
            "template", "contract"
        )
    )
    if not clauses:
        return
    targets: dict[int, list[SLATarget]] = defaultdict(list)
    for target in SLATarget.objects.filter(contract_id__in={c.contract_id for c in clauses}).order_by("order", "id"):
        targets[target.contract_id].append(target)
    for clause in clauses:
        assert clause.template is not None
        text = filled_text(clause.template, clause.language, term_values(clause.contract, targets[clause.contract_id]))
        if text == clause.text:
            continue
        clause.text = text
        clause.version += 1
        clause._history_user = by
        clause._change_reason = "terms"
        clause.save(update_fields=["text", "version", "updated_at"])
        clause.revisions.filter(number=1).update(text=text)
