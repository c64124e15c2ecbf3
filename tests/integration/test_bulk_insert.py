"""`insert_rows`: a large batch (staged on PostgreSQL) stores each value as a small one does."""

from datetime import date, datetime

import sqlalchemy as sa

from gstims.store.bulk import STAGE_FROM, insert_rows
from gstims.store.tables import audit_log


def entry(i: int, batch: int) -> dict:
    return {
        "recipient": "29AABCR1718E1ZL",
        "at": datetime(2024, 11, 14, 10, 30, 15, 123456),
        "day": date(2024, 11, 14),
        "actor": 'it\'s "quoted" \\ and, comma',
        "record_id": batch * 10**12 + i,
        "supplier": "27AAPFU0939F1ZV",
        "kind": "INV",
        "number": f"INV-{i}",
        "fy": 2024,
        "old_action": "N",
        "new_action": "A",
        "remarks": None if i % 2 else "ünïcode ₹ remark\twith a tab",
        "request_id": None,
        "note": None,
        "proposed_by": None if i % 3 else 'a maker, "quoted"',
    }


def stored(db, batch: int) -> list[dict]:
    """The batch's entries (the log is append-only: batches are told apart by record id)."""
    ids = audit_log.c.record_id
    query = sa.select(audit_log).where(ids.between(batch * 10**12, (batch + 1) * 10**12 - 1))
    with db.engine.connect() as conn:
        rows = conn.execute(query.order_by(ids)).mappings()
        return [{k: v for k, v in row.items() if k != "id"} for row in rows]


def test_a_staged_batch_stores_every_value_as_a_small_batch_does(db):
    small = [entry(i, batch=1) for i in range(3)]
    large = [entry(i, batch=2) for i in range(STAGE_FROM + 5)]
    with db.engine.begin() as conn:
        insert_rows(conn, audit_log, small)
        insert_rows(conn, audit_log, large)
    assert stored(db, 1) == small
    assert stored(db, 2) == large
