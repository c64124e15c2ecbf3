"""The sandbox clock's scheduled events (R-CAL-5, R-CLK).

Moving the clock from day D1 to day D2 runs, for every day in (D1, D2] in date order, the
day's events in this order, each exactly once: (1) pending-period expiry (R-ACT-4); (2) the
16(4) time-bar (R-ACT-5, R-IN-5f); (3) Rule 37A (R-2B-8); (4) GSTR-2B drafts (R-2B-1) — on
the 14th, and on any day for drafts that waited for a previous GSTR-3B.

Example: from 13-11-2024 to 15-11-2024 the schedule is the four events of the 14th, then the
four of the 15th. Moving to the day already reached schedules nothing; moving back is refused.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class Event(StrEnum):
    PENDING_EXPIRY = "pending_expiry"
    TIME_BAR = "time_bar"
    RULE_37A = "rule_37a"
    GSTR2B_DRAFTS = "gstr2b_drafts"


DAILY_ORDER = (Event.PENDING_EXPIRY, Event.TIME_BAR, Event.RULE_37A, Event.GSTR2B_DRAFTS)


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
