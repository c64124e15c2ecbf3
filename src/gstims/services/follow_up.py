"""Supplier follow-up of a GSTIN: per supplier, what is missing, what differs, what was
rejected or kept pending and why, and the ITC at risk (issue 17; `domain.follow_up`).

Reads the GSTIN's latest reconciliation run (`services.reconcile`, its public functions)
and its Rejected and Pending IMS records (`services.ims.list_records`, one query each).
With no run yet, the follow-up lists only the Rejected and Pending records.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gstims.domain.follow_up import Held, SupplierAsks, follow_up
from gstims.domain.ims import ImsFilter
from gstims.domain.money import ZERO
from gstims.domain.records import Action
from gstims.services import ims, reconcile
from gstims.services.context import taxpayer
from gstims.store.db import UnitOfWork


@dataclass(frozen=True, slots=True)
class FollowUp:
    gstin: str
    name: str
    run_id: int | None  # the reconciliation run read, if any
    suppliers: list[SupplierAsks]

    @property
    def at_risk(self) -> Decimal:
        return sum((s.at_risk for s in self.suppliers), ZERO)


def supplier_follow_up(uow: UnitOfWork, gstin: str) -> FollowUp:
    tp = taxpayer(uow, gstin)
    latest = reconcile.recent_runs(uow, gstin, 1)
    run = reconcile.get_run(uow, latest[0][0], [gstin]) if latest else None
    held = [
        Held(
            r.id,
            r.record.key.supplier,
            r.record.key.kind,
            r.record.number,
            r.record.doc_date,
            r.state.action,
            r.state.remarks,
            r.record.tax.total,
        )
        for action in (Action.REJECT, Action.PENDING)
        for r in ims.list_records(uow, gstin, ImsFilter(action=action))
    ]
    results = run.results if run is not None else []
    return FollowUp(gstin, tp.legal_name, run.id if run else None, follow_up(results, held))
