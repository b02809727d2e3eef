"""What a finding says, in the reader's language: a short title, then what is wrong, why it matters and what to ask
the vendor for. The rules (rules.review) give codes and numbers only; the words are written here, at reading time,
so a finding reads in whichever language its reader chose."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import ClauseCategory, SLATarget
from vendors.models import Certification

_TITLES: dict[str, Promise] = {
    "price_notice_short": gettext_lazy("Price changes announced at short notice"),
    "price_cap_missing": gettext_lazy("No cap on price increases"),
    "auto_renew_notice_short": gettext_lazy("Too little time to stop an automatic renewal"),
    "availability_sla_missing": gettext_lazy("No availability target"),
    "availability_sla_low": gettext_lazy("Availability target below the checklist"),
    "sla_missing": gettext_lazy("No service level at all"),
    "sla_credit_missing": gettext_lazy("Missed targets cost the vendor nothing"),
    "sla_exit_missing": gettext_lazy("No right to leave after repeated misses"),
    "handover_slow": gettext_lazy("Data handed back too slowly"),
    "storage_location_missing": gettext_lazy("Where the data is kept is not stated"),
    "confidentiality_missing": gettext_lazy("No confidentiality after the end"),
    "fees_missing": gettext_lazy("No price list"),
    "staffing_missing": gettext_lazy("No commitment on staff stability"),
    "termination_notice_long": gettext_lazy("Long notice to terminate"),
    "trial_missing": gettext_lazy("No trial period"),
    "certificate_expired": gettext_lazy("Vendor certificate lapses"),
    "clause_contradicts_terms": gettext_lazy("A clause contradicts the terms"),
}


def finding_title(rule: str) -> str:
    if rule.startswith("clause_missing:"):
        category = rule.partition(":")[2]
        label = dict(ClauseCategory.choices).get(category, category)
        return _("No clause on %(category)s") % {"category": label}
    return str(_TITLES.get(rule, rule))


def _field_label(field: str) -> str:
    if field.startswith("sla:"):
        kind = field.partition(":")[2]
        return str(dict(SLATarget.Kind.choices).get(kind, kind))
    labels = {
        "price_change_notice_days": _("price-change notice (days)"),
        "non_renewal_notice_days": _("non-renewal notice (days)"),
        "termination_notice_days": _("termination notice (days)"),
        "price_increase_cap_pct": _("price increase cap (%)"),
        "data_handover_business_days": _("data handover (working days)"),
    }
    return str(labels.get(field, field))


def _certificate_names(params: Mapping) -> str:
    kinds = dict(Certification.Kind.choices)
    return "; ".join(
        f"{kinds.get(c.get('name'), c.get('name'))} ({c.get('expires_on')})" for c in params.get("certificates", [])
    )


def finding_message(rule: str, params: Mapping) -> str:
    """What is wrong, why it matters and what to ask the vendor for."""
    p = dict(params)
    if rule.startswith("clause_missing:"):
        return _(
            "The contract has no clause of this kind in force, so whatever the vendor's standard terms say applies. "
            "Add the suggested clause from the library and negotiate it."
        )
    if rule == "price_notice_short":
        return (
            _(
                "Price changes are announced %(value)s days ahead; the checklist asks for at least %(threshold)s. With "
                "less notice there is no time to budget or to find another vendor. Ask for written notice at least "
                "%(threshold)s days before any price change."
            )
            % p
        )
    if rule == "price_cap_missing":
        return (
            _(
                "Nothing limits how much the vendor may raise prices at a renewal. Ask for a yearly cap on increases "
                "(for example 5%%) and the right to leave without cost if an increase goes beyond it."
            )
            % p
        )
    if rule == "auto_renew_notice_short":
        return (
            _(
                "The contract renews by itself and can be stopped only %(value)s days before the end; the checklist "
                "asks for at least %(threshold)s. Ask for a longer window to give notice, or no automatic renewal."
            )
            % p
        )
    if rule == "availability_sla_missing":
        return (
            _(
                "Call-center software without an availability target leaves outages unanswered. Ask for a monthly "
                "availability of at least %(threshold)s%% with service credits."
            )
            % p
        )
    if rule == "availability_sla_low":
        return (
            _(
                "The availability target is %(value)s%%, below the %(threshold)s%% the checklist asks for: every 0.1%% "
                "is about 43 minutes of outage a month. Ask for at least %(threshold)s%%."
            )
            % p
        )
    if rule == "sla_missing":
        return _(
            "The contract has no service-level target, so poor service is not a breach. Ask for measurable "
            "targets (answer rate, response time, availability) with credits."
        )
    if rule == "sla_credit_missing":
        return (
            _(
                "None of the %(targets)s targets earns a service credit when missed, so missing them costs the vendor "
                "nothing. Ask for a credit (a percentage of the monthly fee) per missed target."
            )
            % p
        )
    if rule == "sla_exit_missing":
        return _(
            "There is no right to terminate after repeated misses of a critical target. Ask for the right to leave "
            "without liability after, say, three consecutive months of misses."
        )
    if rule == "handover_slow":
        return (
            _(
                "The vendor hands the data back %(value)s working days after the end; the checklist asks for at most "
                "%(threshold)s. Until then the service cannot move to another vendor. Ask for a complete handover in "
                "a standard format within %(threshold)s working days, then deletion."
            )
            % p
        )
    if rule == "storage_location_missing":
        return _(
            "The contract does not say where customer data is stored. Ask for storage in mainland China, named "
            "data centres, and no transfer abroad without written consent."
        )
    if rule == "confidentiality_missing":
        return _("Confidentiality ends with the contract. Ask for it to continue for several years after the end.")
    if rule == "fees_missing":
        return _(
            "The contract lists no fees, which leaves room for hidden charges. Ask for a complete price list: every "
            "item, its unit and what it includes."
        )
    if rule == "staffing_missing":
        return _(
            "An outsourcing contract without a staff turnover limit or a backup pool lets service quality drop "
            "when agents leave. Ask for a turnover ceiling and trained backup agents."
        )
    if rule == "termination_notice_long":
        return (
            _(
                "Terminating needs %(value)s days' notice; the checklist asks for at most %(threshold)s. Ask for a "
                "shorter notice period."
            )
            % p
        )
    if rule == "trial_missing":
        return _(
            "There is no trial period to check the service before committing. Ask for a trial of one to three "
            "months with the right to leave at its end."
        )
    if rule == "certificate_expired":
        return _(
            "These vendor certificates have expired or lapse before the current term ends: %(certificates)s. Ask "
            "for the renewed certificates before signing or renewing."
        ) % {"certificates": _certificate_names(p)}
    if rule == "clause_contradicts_terms":
        parts = [
            _("clause “%(clause)s” says %(stated)s for %(field)s where the terms say %(term)s: “%(sentence)s”")
            % {**c, "field": _field_label(c.get("field", ""))}
            for c in p.get("contradictions", [])
        ]
        return _(
            "The contract says two different things, and the vendor may hold us to the one that suits them: "
            "%(parts)s. Make the clause and the terms agree."
        ) % {"parts": "; ".join(parts)}
    return ""
