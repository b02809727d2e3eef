"""An amendment is part of its contract's history (contracts.history, registered by the amendments app): the
amendment itself, and each term and row it changed, old -> new, with the amendment named as the reason."""

from datetime import date
from decimal import Decimal

from django.core.paginator import Paginator
from django.utils import translation

from amendments.services import amendment_approve, amendment_create
from contracts.history import contract_history_entries, contract_history_rows


def entries(contract, language):
    with translation.override(language):
        page = Paginator(contract_history_rows(contract), 50).get_page(1)
        return contract_history_entries(contract, page.object_list)


def test_an_applied_amendment_shows_what_it_changed_from_what_to_what(contract, people):
    amendment = amendment_create(
        contract=contract,
        by=people["owner"],
        title="延长终止通知期",
        effective_on=date(2026, 3, 1),
        changes={
            "termination_notice_days": 60,
            "sla_targets": [{"metric": "接通率", "comparator": ">=", "target": Decimal("98"), "unit": "%"}],
        },
    )
    amendment_approve(amendment=amendment, by=people["manager"], today=date(2026, 3, 1))

    english = entries(contract, "en")
    term = next(e for e in english if e.kind == "contract" and e.reason.startswith("amendment"))
    assert (term.user_name, term.reason_label) == ("boss", f"Changed by amendment {amendment.number}")
    notice = next(c for c in term.changes if c.field == "termination_notice_days")
    assert (notice.old_display, notice.new_display) == ("30", "60")
    target = next(e for e in english if e.kind == "slatarget")
    assert (target.action, target.reason_label) == ("changed", f"Changed by amendment {amendment.number}")
    assert [(c.label, c.old_display, c.new_display) for c in target.changes] == [("Target", "95", "98")]
    amended = [e for e in english if e.kind == "amendment"]
    assert {e.object_label for e in amended} == {amendment.number}
    assert amended[-1].action == "created"
    assert "changes" not in {c.field for e in amended for c in e.changes}
    chinese = next(e for e in entries(contract, "zh-hans") if e.kind == "slatarget")
    assert [(c.label, c.old_display, c.new_display) for c in chinese.changes] == [("目标值", "95", "98")]
