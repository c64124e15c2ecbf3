"""Recipient IMS reads: GETINV (list), GETCNT (counts), REQSTS and a record's audit trail.

A record is shown with its view (`domain.actions.view_of`): its 2B period — for a saved,
unfiled record the one it would get if filed today — and what is blocked (R-ACT-3/4/7).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from gstims.domain.actions import (
    declaration_blocked,
    pending_blocked,
    view_of,
)
from gstims.domain.calendar import Period
from gstims.domain.errors import GSTIMS404
from gstims.domain.ims import ImsFilter, ImsRecord, ItemError
from gstims.domain.records import (
    SECTION_KIND,
    Action,
    Kind,
    Record,
    Section,
    period_2b,
)
from gstims.domain.taxpayer import Taxpayer
from gstims.services.context import taxpayer
from gstims.services.errors import NotFound
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import (
    period_of,
    record_of,
    state_of,
)

_EVERY_RECORD = ImsFilter()


def list_records(
    uow: UnitOfWork, recipient: str, flt: ImsFilter = _EVERY_RECORD
) -> list[ImsRecord]:
    """GETINV: the live, unconsumed IMS records naming the recipient, filtered and paged."""
    tp = taxpayer(uow, recipient)
    today = uow.today()
    rows = uow.records.in_ims(
        recipient,
        section=flt.section,
        supplier=flt.supplier,
        action=flt.action,
        limit=flt.page_size,
        offset=(max(flt.page, 1) - 1) * (flt.page_size or 0),
    )
    return [ims_record(row, tp, today) for row in rows]


def ims_record(row: Mapping[Any, Any], tp: Taxpayer, today: date) -> ImsRecord:
    record = record_of(row)
    state = state_of(row)
    view = view_of(record, state, current_period_2b(row, record, tp, today), tp.frequency, tp.state)
    return ImsRecord(
        row["id"],
        record,
        state,
        record.section,
        view,
        pending_blocked(view, today),
        declaration_blocked(view),
        row["hash"],
    )


def current_period_2b(row: Mapping[Any, Any], record: Record, tp: Taxpayer, today: date) -> Period:
    """The stored 2B period, or for a saved, unfiled record the one it would get if filed today.

    rules.md §0 **(decision)**: the provisional period (and so the era, R-ACT-3/4) moves with
    the clock until the supplier files.
    """
    if row["filed_on"] is None:
        return period_2b(record, tp.frequency, today)
    return period_of(row["period_2b"])


def counts(uow: UnitOfWork, recipient: str) -> dict[Section, dict[Action, int]]:
    """GETCNT: records by section and action, in one aggregate query."""
    taxpayer(uow, recipient)
    out: dict[Section, dict[Action, int]] = {s: {a: 0 for a in Action} for s in Section}
    for kind, amends, has_supplier, action, n in uow.records.count_in_ims(recipient):
        key = (Kind(kind), amends, has_supplier and kind == Kind.BOE.value)
        section = _SECTIONS_BY_KEY[key]
        out[section][Action(action)] += n
    return out


_SECTIONS_BY_KEY = {v: k for k, v in SECTION_KIND.items()}


@dataclass(frozen=True, slots=True)
class RequestStatus:
    reference_id: str
    kind: str
    status: str
    processed: int
    errors: list[ItemError]


def request_status(uow: UnitOfWork, gstin: str, reference_id: str) -> RequestStatus:
    """REQSTS / GENSTS2B: a request of this GSTIN, by its reference id."""
    row = uow.requests.find(gstin, reference_id)
    if row is None:
        raise NotFound(GSTIMS404, f"no request {reference_id} for {gstin}")
    errors = [ItemError(**e) for e in row["error_report"] or []]
    return RequestStatus(row["reference_id"], row["kind"], row["status"], row["proc_cnt"], errors)


def history(uow: UnitOfWork, recipient: str, record_id: int) -> Iterator[Mapping[Any, Any]]:
    """A record's audit trail, oldest first."""
    return uow.audit.history(recipient, record_id)
