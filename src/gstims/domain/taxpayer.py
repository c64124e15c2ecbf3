"""A registered taxpayer: who files what, how often, since when (R-CAL-1, R-SEQ-1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gstims.domain.calendar import FIRST_PERIOD, Frequency, Period


@dataclass(frozen=True, slots=True)
class Taxpayer:
    gstin: str
    legal_name: str
    trade_name: str | None
    state: str
    frequency: Frequency
    registered_on: date

    @property
    def first_month(self) -> Period:
        return max(Period.of(self.registered_on), FIRST_PERIOD)
