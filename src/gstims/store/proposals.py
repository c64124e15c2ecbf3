"""`Proposals`: maker-checker batches awaiting an approver, reached as `uow.proposals`.

add(**row) -> id                  a proposal
add_items(gstin, id, rows)        its items, by one bulk INSERT
find(gstin, id)                   the proposal of this GSTIN (another GSTIN's is not found)
of(gstin, status, limit)          proposals of a GSTIN, newest first
awaiting(gstins)                  {gstin: proposals awaiting approval}, one aggregate
items(id)                         its items, in the order they were asked
stale(id)                         the seqs of its items whose record changed since (its
                                  version moved on, or it is no longer live): ONE query
effect(id)                        per item: the record's kind, action now and tax (paise)
decide(id, **values)              the approver's decision
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, RowMapping, and_, func, insert, or_, select, update

from gstims.store.bulk import insert_rows
from gstims.store.tables import proposal_items, proposals, records

CHUNK = 1000
# an item's record: by id, in the proposal's GSTIN (PostgreSQL reads that partition only)
_ITEM_RECORD = and_(
    records.c.id == proposal_items.c.record_id, records.c.recipient == proposal_items.c.gstin
)


class Proposals:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, **row: Any) -> int:
        inserted = self.conn.execute(insert(proposals).values(**row)).inserted_primary_key
        if inserted is None:  # pragma: no cover - every backend returns the new id
            raise RuntimeError("the database returned no proposal id")
        return int(inserted[0])

    def add_items(self, gstin: str, proposal_id: int, rows: Sequence[Mapping[str, Any]]) -> None:
        items = [{**r, "gstin": gstin, "proposal_id": proposal_id} for r in rows]
        insert_rows(self.conn, proposal_items, items)

    def find(self, gstin: str, proposal_id: int) -> RowMapping | None:
        if not 0 < proposal_id < 2**31:  # the id column is 32 bits
            return None
        query = select(proposals).where(proposals.c.id == proposal_id, proposals.c.gstin == gstin)
        return self.conn.execute(query).mappings().first()

    def of(self, gstin: str, status: str | None, limit: int = 100) -> list[RowMapping]:
        query = select(proposals).where(proposals.c.gstin == gstin)
        if status is not None:
            query = query.where(proposals.c.status == status)
        query = query.order_by(proposals.c.id.desc()).limit(limit)
        return list(self.conn.execute(query).mappings())

    def awaiting(self, gstins: Iterable[str]) -> dict[str, int]:
        wanted = sorted(set(gstins))
        found: dict[str, int] = {}
        for start in range(0, len(wanted), CHUNK):
            query = (
                select(proposals.c.gstin, func.count())
                .where(
                    proposals.c.gstin.in_(wanted[start : start + CHUNK]),
                    proposals.c.status == "awaiting",
                )
                .group_by(proposals.c.gstin)
            )
            found.update((g, int(n)) for g, n in self.conn.execute(query))
        return found

    def items(self, proposal_id: int) -> list[RowMapping]:
        query = (
            select(proposal_items)
            .where(proposal_items.c.proposal_id == proposal_id)
            .order_by(proposal_items.c.seq)
        )
        return list(self.conn.execute(query).mappings())

    def stale(self, proposal_id: int) -> set[int]:
        query = (
            select(proposal_items.c.seq)
            .join(records, _ITEM_RECORD)
            .where(
                proposal_items.c.proposal_id == proposal_id,
                or_(records.c.version != proposal_items.c.version, records.c.live.is_(False)),
            )
        )
        return set(self.conn.execute(query).scalars())

    def effect(self, proposal_id: int) -> Sequence[Row[Any]]:
        """(seq, new action, kind, action now, igst, cgst, sgst, cess) of each item whose
        record is known."""
        query = (
            select(
                proposal_items.c.seq,
                proposal_items.c.action,
                records.c.kind,
                records.c.action,
                records.c.igst,
                records.c.cgst,
                records.c.sgst,
                records.c.cess,
            )
            .join(records, _ITEM_RECORD)
            .where(proposal_items.c.proposal_id == proposal_id)
            .order_by(proposal_items.c.seq)
        )
        return self.conn.execute(query).all()

    def decide(self, proposal_id: int, **values: Any) -> None:
        where = proposals.c.id == proposal_id
        self.conn.execute(update(proposals).where(where).values(**values))
