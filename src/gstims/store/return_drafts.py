"""`ReturnDrafts`: what a supplier saved and has not filed, reached as `uow.drafts`.

unfiled(supplier, origin, period)   id, identity, action and amendment mark of each record
                                    saved and not filed in that return (one query)
filed_chain_heads(supplier, keys)   the latest FILED row of each record key (one query)
discard(ids)                        delete those records (one statement)
restore(ids)                        filed originals back in IMS at No action (one statement)
forget_saved(gstin, form, period)   a return that is only saved leaves the returns table
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from gstims.domain.calendar import Period
from gstims.domain.records import Origin
from gstims.store.bulk import fetch_dicts, in_values, update_where_in
from gstims.store.records.mapping import NO_ACTION_COLUMNS, period_int
from gstims.store.tables import gstr3b_drafts, records, returns

_UNFILED_COLUMNS = ("id", "recipient", "supplier", "kind", "number", "fy", "action", "orig_number")

Key = tuple[str, str, str, int]


class ReturnDrafts:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def unfiled(self, supplier: str, origin: Origin, period: Period) -> list[dict[str, Any]]:
        query = select(*(records.c[c] for c in _UNFILED_COLUMNS)).where(
            records.c.supplier == supplier,
            records.c.origin == origin.value,
            records.c.source_period == period_int(period),
            records.c.filed_on.is_(None),
        )
        return fetch_dicts(self.conn, query)

    def filed_chain_heads(self, supplier: str, keys: Sequence[Key]) -> dict[Key, dict[str, Any]]:
        """The latest filed row of each key (supplier, kind, number, fy), with `live` and
        `consumed_in`; keys with no filed row are absent."""
        if not keys:
            return {}
        query = select(
            records.c.id,
            records.c.kind,
            records.c.number,
            records.c.fy,
            records.c.amend_no,
            records.c.live,
            records.c.consumed_in,
            records.c.recipient,
        ).where(
            records.c.supplier == supplier,
            records.c.kind.in_(sorted({k[1] for k in keys})),
            in_values(self.conn, records.c.number, sorted({k[2] for k in keys})),
            records.c.filed_on.is_not(None),
        )
        wanted, heads = set(keys), dict[Key, dict[str, Any]]()
        for row in fetch_dicts(self.conn, query):
            key = (supplier, row["kind"], row["number"], row["fy"])
            if key in wanted and (key not in heads or row["amend_no"] > heads[key]["amend_no"]):
                heads[key] = row
        return heads

    def discard(self, ids: Sequence[int]) -> None:
        if ids:
            self.conn.execute(delete(records).where(in_values(self.conn, records.c.id, ids)))

    def restore(self, ids: Sequence[int]) -> None:
        update_where_in(
            self.conn,
            records,
            ids,
            {"live": True, **NO_ACTION_COLUMNS, "version": records.c.version + 1},
        )

    def forget_saved(self, gstin: str, form: str, period: Period) -> None:
        self.conn.execute(
            delete(returns).where(
                returns.c.gstin == gstin,
                returns.c.form == form,
                returns.c.period == period_int(period),
                returns.c.status == "saved",
            )
        )

    def save_3b(
        self, gstin: str, period: Period, content: Mapping[str, Any], reference: str, day: date
    ) -> None:
        key = (gstr3b_drafts.c.gstin == gstin, gstr3b_drafts.c.period == period_int(period))
        self.conn.execute(delete(gstr3b_drafts).where(*key))
        self.conn.execute(
            insert(gstr3b_drafts).values(
                gstin=gstin,
                period=period_int(period),
                content=dict(content),
                reference_id=reference,
                saved_on=day,
            )
        )

    def draft_3b(self, gstin: str, period: Period) -> Any:
        query = select(gstr3b_drafts.c.content).where(
            gstr3b_drafts.c.gstin == gstin, gstr3b_drafts.c.period == period_int(period)
        )
        return self.conn.execute(query).scalar()
