"""The sandbox clock's scheduled events (R-CAL-5, R-CLK).

Moving the clock from day D1 to day D2 runs, for every day in (D1, D2] in date order, the
day's events in this order, each exactly once: (1) pending-period expiry (R-ACT-4); (2) the
16(4) time-bar (R-ACT-5, R-IN-5f); (3) Rule 37A (R-2B-8); (4) GSTR-2B drafts (R-2B-1) — on
the 14th, and on any day for drafts that waited for a previous GSTR-3B; (5) the auto-action
rule sets scheduled on that day of the month (issue 17), after the day's drafts.

A deadline "by day X" is checked on day X + 1 (`checked_on`): the events of a day run when
the clock reaches it, before anything is filed that day, so a check ON day X would miss the
filings of day X, which are in time. Pending expiry (R-ACT-4, after the 3B due date), the
16(4) time-bar (R-ACT-5, after 30 November) and Rule 37A (R-2B-8, after 30 September) all run
on the day after their deadline.

Example: from 13-11-2024 to 15-11-2024 the schedule is the four events of the 14th, then the
four of the 15th. Moving to the day already reached schedules nothing; moving back is refused.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from gstims.domain.calendar import Period, rule_37a_date


class Event(StrEnum):
    PENDING_EXPIRY = "pending_expiry"
    TIME_BAR = "time_bar"
    RULE_37A = "rule_37a"
    GSTR2B_DRAFTS = "gstr2b_drafts"
    AUTO_RULES = "auto_rules"


DAILY_ORDER = (
    Event.PENDING_EXPIRY,
    Event.TIME_BAR,
    Event.RULE_37A,
    Event.GSTR2B_DRAFTS,
    Event.AUTO_RULES,
)


class ClockError(ValueError):
    """The clock only moves forward."""


def schedule(today: date, target: date) -> list[tuple[date, Event]]:
    """Every (day, event) to run when the clock moves from `today` to `target`."""
    if target < today:
        raise ClockError(
            f"the clock moves forward only: today is {today:%d-%m-%Y}, asked for {target:%d-%m-%Y}"
        )
    days = ((today + timedelta(days=n)) for n in range(1, (target - today).days + 1))
    return [(day, event) for day in days for event in DAILY_ORDER]


def checked_on(deadline: date) -> date:
    """R-CLK: the day whose events check a "by `deadline`" rule — the day after it."""
    return deadline + timedelta(days=1)


def rule_37a_deadline(day: date) -> date | None:
    """R-2B-8: the Rule 37A deadline (30 September after a financial year) that the events of
    `day` check, if any: 30-09-2025, for FY 2024-25, is checked on 01-10-2025."""
    deadline = rule_37a_date(Period(day.year - 1, 4))
    return deadline if checked_on(deadline) == day else None
