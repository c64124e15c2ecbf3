"""Filing sequences: what may be filed or generated, and when (R-SEQ-1..3, R-IN-3, R-2B-1).

Periods before a taxpayer's first period (the one holding its registration date, and never
before Oct 2024, R-CAL-4) count as filed: a taxpayer registered in November owes no October
return.

Worked example (rules.md §9 ex. 8): R has not filed GSTR-3B for 122024. On 14-02-2025
`gen2b_refusal` for 012025 answers `IMS2B009` (and GET2B has nothing, `RET2B1023`); once
3B(122024) is filed the same call answers None and the 2B can be generated at once.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from datetime import date

from gstims.domain.calendar import (
    FIRST_PERIOD,
    Frequency,
    Period,
    gstr2b_date,
    is_return_period,
    previous_return_period,
    return_period,
)
from gstims.domain.errors import (
    IMS2B007,
    IMS2B009,
    RET0001,
    RET0002,
    RET0003,
    RET0004,
    RET0005,
    RET0006,
    RET0007,
    RET0008,
    RET0009,
    RET2B1023,
)

NOT_GENERATED = RET2B1023
CANNOT_GENERATE_YET = IMS2B009
ALREADY_FILED_3B = IMS2B007


@dataclass(frozen=True, slots=True)
class FilingFacts:
    """One taxpayer's filings, as the sequence rules need them."""

    frequency: Frequency
    first_month: Period  # the month holding the registration date (not before Oct 2024)
    gstr1_filed: Set[Period] = field(default_factory=frozenset)  # months (a quarter: last month)
    gstr1a_filed: Set[Period] = field(default_factory=frozenset)
    gstr3b_filed: Set[Period] = field(default_factory=frozenset)  # return periods

    def gstr1_done(self, month: Period) -> bool:
        return month in self.gstr1_filed or month < self.first_month

    def gstr3b_done(self, period: Period) -> bool:
        return period in self.gstr3b_filed or period < return_period(
            self.first_month, self.frequency
        )


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str
    message: str


def period_refusal(period: Period) -> Refusal | None:
    """R-CAL-4: gstims starts at the Oct 2024 period."""
    if period < FIRST_PERIOD:
        return Refusal(RET0001, f"period {period} is before October 2024, where gstims starts")
    return None


def gstr1_refusal(facts: FilingFacts, month: Period, today: date) -> Refusal | None:
    """R-SEQ-1: GSTR-1 / IFF after the period ends, the previous GSTR-1 and 3B are filed.

    The previous GSTR-1 is that of the previous return period: for a quarterly taxpayer the
    previous quarter's GSTR-1, never an IFF **(decision)** — IFF is optional in law (rule
    59(2)) and the portal has no nil IFF, so neither an IFF nor the quarterly GSTR-1 waits for
    the IFFs of the months before it.
    """
    if refusal := period_refusal(month):
        return refusal
    if month in facts.gstr1_filed:
        return Refusal(RET0002, f"GSTR-1 for {month} is already filed")
    if today <= month.last_day:
        return Refusal(RET0003, f"GSTR-1 for {month} can be filed once the period ends")
    previous = previous_return_period(return_period(month, facts.frequency), facts.frequency)
    if not facts.gstr1_done(previous):
        return Refusal(RET0004, f"file GSTR-1 for {previous} first (s.37(4))")
    if not facts.gstr3b_done(previous):
        return Refusal(RET0005, f"file GSTR-3B for {previous} first (rule 59(6))")
    return None


def gstr1a_refusal(facts: FilingFacts, period: Period) -> Refusal | None:
    """R-IN-3: GSTR-1A after that period's GSTR-1 and before the period's GSTR-3B."""
    if refusal := period_refusal(period):
        return refusal
    if not is_return_period(period, facts.frequency):
        return Refusal(RET0006, f"GSTR-1A is for a return period; {period} is not one")
    if period not in facts.gstr1_filed:
        return Refusal(RET0007, f"GSTR-1A for {period} needs its GSTR-1 filed first (R-IN-3)")
    if period in facts.gstr3b_filed:
        return Refusal(RET0008, f"GSTR-3B for {period} is filed: GSTR-1A is closed (R-IN-3)")
    if period in facts.gstr1a_filed:
        return Refusal(RET0002, f"GSTR-1A for {period} is already filed")
    return None


def gstr3b_refusal(facts: FilingFacts, period: Period, has_2b: bool) -> Refusal | None:
    """R-SEQ-2 and R-3B-3: GSTR-1 of the period, the previous 3B, and the period's 2B."""
    if refusal := period_refusal(period):
        return refusal
    if not is_return_period(period, facts.frequency):
        return Refusal(RET0006, f"{period} is not a return period of this taxpayer")
    if period in facts.gstr3b_filed:
        return Refusal(RET0002, f"GSTR-3B for {period} is already filed")
    if not facts.gstr1_done(period):
        return Refusal(RET0009, f"file GSTR-1 for {period} first (s.39(10))")
    previous = previous_return_period(period, facts.frequency)
    if not facts.gstr3b_done(previous):
        return Refusal(RET0005, f"file GSTR-3B for {previous} first")
    if not has_2b:
        return Refusal(NOT_GENERATED, f"GSTR-2B for {period} has not been generated")
    return None


def gen2b_refusal(facts: FilingFacts, period: Period, today: date) -> Refusal | None:
    """R-2B-1: GEN2B after the draft date, with the previous 3B filed, before this 3B."""
    if refusal := period_refusal(period):
        return refusal
    if not is_return_period(period, facts.frequency):
        return Refusal(ALREADY_FILED_3B, f"{period} is not a GSTR-2B period of this taxpayer")
    if period in facts.gstr3b_filed:
        return Refusal(ALREADY_FILED_3B, f"GSTR-3B for {period} is already filed")
    if today < gstr2b_date(period):
        return Refusal(
            CANNOT_GENERATE_YET,
            f"GSTR-2B for {period} is drafted on {gstr2b_date(period):%d-%m-%Y}",
        )
    previous = previous_return_period(period, facts.frequency)
    if not facts.gstr3b_done(previous):
        return Refusal(
            CANNOT_GENERATE_YET,
            f"GSTR-2B for {period} waits for GSTR-3B of {previous} to be filed",
        )
    return None
