"""The Chinese working-day calendar: statutory holidays off, official make-up working days (调休) on.

`WorkingDayCalendar` takes plain data, the admin's overrides as a ``{date: is_working_day}`` mapping, and answers
without touching a database; obligations.calendar loads the overrides from the database into it.

The `holidays` package knows each year's official schedule (holidays and make-up days) up to
`LAST_OFFICIAL_YEAR`. For later years it only estimates the festivals and knows no make-up days, so a date counted in
such a year is *provisional*, unless an admin has entered that year's published schedule as overrides.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache

import holidays
from holidays.countries.china import ChinaStaticHolidays

LAST_OFFICIAL_YEAR: int = max(ChinaStaticHolidays.special_public_holidays)
"""The last year whose official schedule (with its make-up working days) the installed `holidays` knows."""

HOLIDAY = "holiday"
MAKE_UP_WORKDAY = "make_up_workday"
"""The two marks of `WorkingDayCalendar.day_mark`: a day off that is not a weekend day (or a public holiday that
falls on one), and a weekend day that is an official working day."""

_LONGEST_RUN_OF_DAYS_OFF = 30
"""No real schedule has a month without a working day; a longer run means corrupt overrides, not a long holiday."""


@lru_cache(maxsize=1)
def _china() -> holidays.HolidayBase:
    """The official schedule, built once for the years contracts live in; other years are added on first use."""
    return holidays.China(years=range(LAST_OFFICIAL_YEAR - 10, LAST_OFFICIAL_YEAR + 11))


@lru_cache(maxsize=8192)
def statutory_working_day(d: date) -> bool:
    """Whether the official schedule (as the `holidays` package knows it) makes `d` a working day."""
    return _china().is_working_day(d)


class WorkingDayCalendar:
    """Working days: the official schedule, corrected by the admin's overrides (plain data, no database).

    A year counts as officially scheduled when the `holidays` package knows its make-up days, or when an admin
    entered at least one override in it (the way a newly published State Council schedule is added).
    """

    __slots__ = ("_override_years", "_overrides")

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._override_years = frozenset(d.year for d in self._overrides)

    def is_working_day(self, d: date) -> bool:
        override = self._overrides.get(d)
        return statutory_working_day(d) if override is None else override

    def is_provisional(self, d: date) -> bool:
        """True when `d` lies in a year with no official schedule: a date counted there may still move."""
        return d.year > LAST_OFFICIAL_YEAR and d.year not in self._override_years

    def day_mark(self, d: date) -> str | None:
        """How a calendar marks `d`: MAKE_UP_WORKDAY for a weekend day that is worked (调休上班); HOLIDAY for a day
        off in a holiday, that is a run of days off with a weekday or a named public holiday in it (the weekend of
        a long holiday is part of it, as the official schedule counts it); None for other days."""
        if self.is_working_day(d):
            return MAKE_UP_WORKDAY if d.weekday() >= 5 else None
        for step in (-1, 1):
            day = d
            for _ in range(_LONGEST_RUN_OF_DAYS_OFF):
                if self._holiday_day_off(day):
                    return HOLIDAY
                day += timedelta(days=step)
                if self.is_working_day(day):
                    break
        return None

    def _holiday_day_off(self, d: date) -> bool:
        """A day off that is not simply a weekend day: a weekday off or a named public holiday (not overridden)."""
        return d.weekday() < 5 or (d in _china() and d not in self._overrides)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after `d` (`d` itself excluded); `d` itself when n is 0."""
        if n < 0:
            raise ValueError("n must not be negative")
        current = d
        remaining = n
        days_off_in_a_row = 0
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
                days_off_in_a_row = 0
            else:
                days_off_in_a_row += 1
                if days_off_in_a_row > _LONGEST_RUN_OF_DAYS_OFF:
                    raise ValueError(f"no working day in the {_LONGEST_RUN_OF_DAYS_OFF} days after {current}")
        return current

    def working_day_on_or_before(self, d: date) -> date:
        """`d` when it is a working day, else the last working day before it (the day to act by)."""
        return self._step_to_working_day(d, -1)

    def working_day_on_or_after(self, d: date) -> date:
        """`d` when it is a working day, else the first working day after it (Civil Code art. 203: a period whose
        last day is a holiday ends on the day after the holiday)."""
        return self._step_to_working_day(d, 1)

    def _step_to_working_day(self, d: date, step: int) -> date:
        current = d
        for _ in range(_LONGEST_RUN_OF_DAYS_OFF + 1):
            if self.is_working_day(current):
                return current
            current += timedelta(days=step)
        raise ValueError(f"no working day within {_LONGEST_RUN_OF_DAYS_OFF} days of {d}")

    def add_working_days_marked(self, d: date, n: int) -> tuple[date, bool]:
        """`add_working_days` plus whether the count crossed a year without an official schedule (provisional)."""
        result = self.add_working_days(d, n)
        first = d + timedelta(days=1) if n else d
        provisional = any(self.is_provisional(date(year, 1, 1)) for year in range(first.year, result.year + 1))
        return result, provisional
