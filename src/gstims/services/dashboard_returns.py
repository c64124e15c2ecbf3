"""Read use cases of the web dashboard's return pages: the working period, ITC over the
months (charts), a period's GSTR-2B and GSTR-3B state, the supplier's outward periods.

The working period is the return period holding the previous month (in November, October's
returns are the ones being worked on) — a decision of `dashboard`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from gstims.domain.calendar import Period, return_period
from gstims.domain.money import Tax
from gstims.domain.taxpayer import Taxpayer
from gstims.services.context import return_status, taxpayer
from gstims.services.gstr2b import latest, table4_of
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import period_of


def working_period(tp: Taxpayer, today: date) -> Period:
    """The return period whose returns are being prepared: the one holding last month."""
    return max(return_period(Period.of(today).prev(), tp.frequency), tp.first_month)


# -- charts -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthItc:
    period: Period
    available: Tax  # Table 4(A)
    net: Tax  # Table 4(C)


def itc_over_months(uow: UnitOfWork, recipient: str, last: int = 12) -> list[MonthItc]:
    """Table 4(A) and 4(C) of the latest GSTR-2B of each of the last `last` periods."""
    out = []
    for period, data in uow.gstr2b.newest_table4s(recipient, last):
        t4 = table4_of(data)
        out.append(MonthItc(period_of(period), t4.available.total, t4.net))
    return out


# -- GSTR-2B and GSTR-3B state ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TwoBState:
    period: Period
    version: int | None
    generated_on: date | None
    changed_since: bool  # an IMS action changed after it was computed (R-3B-2)
    content: dict[str, Any] | None
    gstr3b_filed_on: date | None


def gstr2b_state(uow: UnitOfWork, recipient: str, period: Period) -> TwoBState:
    taxpayer(uow, recipient)
    row = latest(uow, recipient, period)
    version = uow.taxpayers.ims_version(recipient)
    filed = return_status(uow, recipient, "GSTR3B", period)
    return TwoBState(
        period,
        row["version"] if row else None,
        row["generated_on"] if row else None,
        row is not None and row["ims_version"] != version,
        row["content"] if row else None,
        filed["filed_on"] if filed and filed["status"] == "filed" else None,
    )


def gstr2b_periods(uow: UnitOfWork, recipient: str) -> list[Period]:
    """Periods with a computed GSTR-2B, newest first."""
    return [period_of(p) for p in uow.gstr2b.periods(recipient)]


def default_period(uow: UnitOfWork, gstin: str) -> Period:
    """The newest period with a computed GSTR-2B, else the working period."""
    made = gstr2b_periods(uow, gstin)
    return made[0] if made else working_period(taxpayer(uow, gstin), uow.today())


def filed_on(uow: UnitOfWork, gstin: str, form: str, period: Period) -> date | None:
    status = return_status(uow, gstin, form, period)
    return status["filed_on"] if status and status["status"] == "filed" else None


# -- supplier (outward) view ------------------------------------------------------------------


def outward_periods(uow: UnitOfWork, supplier: str) -> list[Period]:
    """The supplier's GSTR-1 / GSTR-1A return periods that hold records, newest first."""
    return [period_of(p) for p in uow.records.return_periods(supplier)]
