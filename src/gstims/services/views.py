"""Read-only views: a return's summary (RETSUM) and the supplier view (SUPVIEW, R-SUP-1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gstims.domain.calendar import Period
from gstims.domain.ims import SupplierRecord
from gstims.domain.records import Kind, Origin
from gstims.services.context import return_status, taxpayer
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import record_of, state_of

FORM_ORIGIN = {"GSTR1": Origin.GSTR1, "GSTR1A": Origin.GSTR1A}


@dataclass(frozen=True, slots=True)
class ReturnSummary:
    gstin: str
    form: str
    period: Period
    status: str  # "not started", "saved", "filed"
    filed_on: date | None
    counts: dict[str, int]  # by kind


def return_summary(uow: UnitOfWork, gstin: str, form: str, period: Period) -> ReturnSummary:
    """RETSUM: the return's status, filing date and document counts by kind."""
    taxpayer(uow, gstin)
    status = return_status(uow, gstin, form, period)
    counts = uow.records.count_of_return(gstin, FORM_ORIGIN[form], period)
    return ReturnSummary(
        gstin,
        form,
        period,
        status["status"] if status else "not started",
        status["filed_on"] if status else None,
        {Kind(k).value: n for k, n in counts},
    )


def supplier_view(
    uow: UnitOfWork, gstin: str, period: Period, form: str = "GSTR1", kind: Kind | None = None
) -> list[SupplierRecord]:
    """SUPVIEW: the supplier's own records of a return — never anyone else's."""
    taxpayer(uow, gstin)
    return [
        SupplierRecord(record_of(row), state_of(row), row["consumed_in"] is not None)
        for row in uow.records.of_return(gstin, FORM_ORIGIN[form], period, kind)
    ]
