"""`Supplied`: what a supplier's GSTR-1 / IFF / GSTR-1A save and filing read and write of the
records table (R-IN-2, R-IN-4, R-IN-7, R-2B-2), reached as `uow.supplied`. The rules (what a
row holds, its derived columns) are the services' and the domain's; this module finds and
writes, set-based.

    of_keys(supplier, kinds, numbers)      every row of these record keys (full rows)
    write(plan)                            a save's deletes, replacements, restores, updates
                                           and inserts, a statement each
    unfiled(supplier, origin, period, ...) the return's unfiled records: id and `columns`
    rows(ids)                              full rows of these records, by id
    file(supplier, origin, period, ...)    stamp the filing and each result's derived columns
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)

from gstims.domain.calendar import Period
from gstims.domain.records import Origin
from gstims.store.bulk import fetch_dicts, in_values, insert_rows, update_rows, update_where_in
from gstims.store.records.mapping import NO_ACTION_COLUMNS, period_int
from gstims.store.tables import record_keys, records


@dataclass(frozen=True, slots=True)
class SaveWrites:
    """A save's writes: records deleted (unfiled, of this return), replaced by an amendment
    (no longer live), brought back (their deleted amendment had replaced them), updated in
    place (by id), and new."""

    deletes: Sequence[int]
    supersede: Sequence[int]
    restore: Sequence[int]
    updates: Sequence[Mapping[str, Any]]
    inserts: Sequence[Mapping[str, Any]]


class Supplied:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def of_keys(
        self, supplier: str, kinds: Sequence[str], numbers: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Every row (each version) of the supplier's records of these kinds and key numbers,
        through the record-key index."""
        if not numbers:
            return []
        query = select(records).where(
            records.c.supplier == supplier,
            records.c.kind.in_(kinds),  # with the supplier, leads the record-key index
            in_values(self.conn, records.c.number, numbers),
        )
        return fetch_dicts(self.conn, query)

    def write(self, writes: SaveWrites) -> None:
        conn = self.conn
        if writes.deletes:
            conn.execute(delete(records).where(in_values(conn, records.c.id, writes.deletes)))
        update_where_in(conn, records, writes.supersede, {"live": False})
        back = {"live": True, **NO_ACTION_COLUMNS, "version": records.c.version + 1}
        update_where_in(conn, records, writes.restore, back)
        update_rows(conn, records, writes.updates)
        insert_records(conn, writes.inserts)

    def unfiled(
        self, supplier: str, origin: Origin, period: Period, columns: Sequence[str]
    ) -> list[RowMapping]:
        """(id, *columns) of the return's records not yet filed."""
        query = select(records.c.id, *(records.c[c] for c in columns))
        return list(self.conn.execute(query.where(_unfiled(supplier, origin, period))).mappings())

    def rows(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        query = select(records).where(in_values(self.conn, records.c.id, ids))
        return {row["id"]: row for row in fetch_dicts(self.conn, query)}

    def file(
        self,
        supplier: str,
        origin: Origin,
        period: Period,
        results: Sequence[tuple[Mapping[str, Any], Sequence[int]]],
    ) -> None:
        """Each result's values on its records; the usual return has one result, written over
        the return's unfiled records by one UPDATE."""
        if len(results) == 1:
            values, _ = results[0]
            where = _unfiled(supplier, origin, period)
            self.conn.execute(update(records).where(where).values(values))
            return
        for values, ids in results:
            update_where_in(self.conn, records, list(ids), dict(values))


def _unfiled(supplier: str, origin: Origin, period: Period) -> ColumnElement[bool]:
    return and_(
        records.c.supplier == supplier,
        records.c.origin == origin.value,
        records.c.source_period == period_int(period),
        records.c.filed_on.is_(None),
    )


# -- new records and their keys ---------------------------------------------------------------

# From this many new records, SQLite's per-row key trigger is stood down for the statement and
# the keys are written by one INSERT ... SELECT instead (ADR 0023): the trigger's sub-program
# per row doubled the insert's cost (2.5 s of CPU a lakh). PostgreSQL's trigger is already one
# per statement.
KEYS_IN_BULK_FROM = 1_000
_KEY_COLUMNS = ("supplier", "kind", "number", "fy", "amend_no")
_KEYS_TRIGGER = "records_keys_insert"


def insert_records(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT the new records; `record_keys` gains their keys in the same transaction.

    The plain path is the schema's own: the trigger writes each row's key. On SQLite, from
    `KEYS_IN_BULK_FROM` rows, the same keys are written set-based (a test holds both paths to
    the same tables and the same refusal of a key another recipient's record holds).
    """
    if conn.dialect.name != "sqlite" or len(rows) < KEYS_IN_BULK_FROM:
        insert_rows(conn, records, rows)
        return
    with _keys_trigger_stood_down(conn):
        before = conn.execute(select(func.coalesce(func.max(records.c.id), 0))).scalar_one()
        insert_rows(conn, records, rows)
        key = [records.c[c] for c in _KEY_COLUMNS]
        added = select(*key).where(records.c.id > before).order_by(*key)
        conn.execute(insert(record_keys).from_select(list(_KEY_COLUMNS), added))


@contextmanager
def _keys_trigger_stood_down(conn: Connection) -> Iterator[None]:
    """SQLite: the key trigger dropped for the block and made again, from its own stored text,
    inside the caller's transaction (a rollback restores it too; SQLite has one writer, so no
    other write can slip past it meanwhile)."""
    found = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_KEYS_TRIGGER,)
    ).scalar_one()
    conn.exec_driver_sql(f"DROP TRIGGER {_KEYS_TRIGGER}")
    try:
        yield
    finally:
        conn.exec_driver_sql(found)
