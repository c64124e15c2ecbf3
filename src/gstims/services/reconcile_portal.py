"""The portal side of a run: each record as a `Document` and its rule-table view (R-REC-13).

One query reads the records a run reconciles (open in IMS, or in one of the run's GSTR-2B
periods); each becomes the `Document` the matcher compares and, for the suggestion
(R-REC-16), the `RecordView` the rule table decides on — exactly what `ims.ims_record` gives
a SAVE. A lakh of records is read by position (`portal_documents`); `portal_documents_plain`
reads the same by column name through `ims.ims_record`, and a test holds the two equal on
both backends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from gstims.domain.actions import RecordView, view_of
from gstims.domain.calendar import Period
from gstims.domain.reconcile.model import Document
from gstims.domain.records import Record, Route, period_2b
from gstims.domain.taxpayer import Taxpayer
from gstims.services import ims
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import period_of, record_and_state_of

Portal = tuple[list[Document], dict[str, RecordView]]


def document_of(record_id: int, record: Record, route: Route, section: str) -> Document:
    original = record.original
    return Document(
        ref=str(record_id),
        recipient=record.key.recipient,
        supplier=record.key.supplier,
        kind=record.key.kind,
        number=record.number,
        doc_date=record.doc_date,
        taxable=record.taxable,
        tax=record.tax,
        value=record.value,
        pos=record.pos,
        reverse_charge=record.reverse_charge,
        port_code=record.port_code,
        section=section,
        route=route,
        original_number=original.number if original is not None else None,
        original_date=original.doc_date if original is not None else None,
    )


def portal_documents(
    uow: UnitOfWork,
    gstins: Sequence[str],
    periods: Sequence[Period],
    taxpayers: Mapping[str, Taxpayer],
    today: date,
) -> Portal:
    """The run's portal documents (by record id) and their views, read by position."""
    documents: list[Document] = []
    views: dict[str, RecordView] = {}
    routes = {r.value: r for r in Route}
    for dense, sparse in uow.recon.portal_rows(gstins, [p.year * 100 + p.month for p in periods]):
        record, state = record_and_state_of(dense, sparse)
        record_id, route, stored_2b, recipient = dense[-4:]
        tp = taxpayers[recipient]
        p2b = (
            period_2b(record, tp.frequency, today)
            if record.filed_on is None
            else period_of(stored_2b)
        )
        document = document_of(record_id, record, routes[route], record.section.value)
        documents.append(document)
        views[document.ref] = view_of(record, state, p2b, tp.frequency, tp.state)
    return documents, views


def portal_documents_plain(
    uow: UnitOfWork,
    gstins: Sequence[str],
    periods: Sequence[Period],
    taxpayers: Mapping[str, Taxpayer],
    today: date,
) -> Portal:
    """The same, by column name through `ims.ims_record` (the plain path the test compares)."""
    documents: list[Document] = []
    views: dict[str, RecordView] = {}
    for row in uow.recon.portal(gstins, [p.year * 100 + p.month for p in periods]):
        r = ims.ims_record(row, taxpayers[row["recipient"]], today)
        document = document_of(r.id, r.record, Route(row["route"]), r.section.value)
        documents.append(document)
        views[document.ref] = r.view
    return documents, views
