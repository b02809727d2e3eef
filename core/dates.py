"""Field errors for dates outside the range clm accepts (rules.dates), in the user's language."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rules.dates import EARLIEST_DATE, LATEST_DATE, MAX_TERM_MONTHS, dates_out_of_range


def out_of_range_message() -> str:
    return _("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST_DATE.isoformat(),
        "latest": LATEST_DATE.isoformat(),
    }


def term_months_message() -> str:
    return _("Enter a number of months between 1 and %(max)d.") % {"max": MAX_TERM_MONTHS}


def ends_too_late_message() -> str:
    return _("With this term the contract would end after %(latest)s.") % {"latest": LATEST_DATE.isoformat()}


def date_range_errors(**dates: object) -> dict[str, list[str]]:
    """{field: [message]} for each given date outside the accepted range."""
    return {name: [out_of_range_message()] for name in dates_out_of_range(dates)}


def check_date_range(**dates: object) -> None:
    """Refuse with field errors when any given date lies outside the accepted range."""
    errors = date_range_errors(**dates)
    if errors:
        raise ValidationError(errors)
