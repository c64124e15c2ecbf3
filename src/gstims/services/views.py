"""Read-only views: a return's summary (RETSUM) and the supplier view (SUPVIEW, R-SUP-1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from gstims.domain.calendar import Period
from gstims.domain.ims import SupplierRecord
from gstims.domain.records import Kind, Origin
from gstims.services.context import return_status, taxpayer
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import period_int, record_of, state_of
from gstims.store.tables import records

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
    rows = uow.conn.execute(
        select(records.c.kind, func.count())
        .where(
            records.c.supplier == gstin,
            records.c.origin == FORM_ORIGIN[form].value,
            records.c.source_period == period_int(period),
        )
        .group_by(records.c.kind)
    ).all()
    return ReturnSummary(
        gstin,
        form,
        period,
        status["status"] if status else "not started",
        status["filed_on"] if status else None,
        {Kind(k).value: n for k, n in rows},
    )


def supplier_view(
    uow: UnitOfWork, gstin: str, period: Period, form: str = "GSTR1", kind: Kind | None = None
) -> list[SupplierRecord]:
    """SUPVIEW: the supplier's own records of a return — never anyone else's."""
    taxpayer(uow, gstin)
    query = (
        select(records)
        .where(
            records.c.supplier == gstin,
            records.c.origin == FORM_ORIGIN[form].value,
            records.c.source_period == period_int(period),
        )
        .order_by(records.c.id)
    )
    if kind is not None:
        query = query.where(records.c.kind == kind.value)
    out = []
    for row in uow.conn.execute(query).mappings():
        out.append(SupplierRecord(record_of(row), state_of(row), row["consumed_in"] is not None))
    return out
