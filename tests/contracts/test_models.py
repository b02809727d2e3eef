"""What the contract models render: stored price-change issues in the reader's language."""

from django.utils import translation

from contracts.models import price_change_issue_messages
from rules.pricing import PriceChangeIssue


def test_stored_issues_render_again_in_the_active_language():
    stored = [PriceChangeIssue(PriceChangeIssue.NOTICE_TOO_SHORT, {"days": 1, "required": 30}).as_dict()]
    with translation.override("en"):
        assert price_change_issue_messages(stored) == ["1 day's notice, the contract requires 30"]
    assert price_change_issue_messages([{"code": "unknown", "message": "kept"}]) == ["kept"]
