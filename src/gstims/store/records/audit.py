"""The one writer of the append-only audit log (R-ACT-11): every entry kind goes through here.

    audit.write(entries)                 entries made by `entry(...)`, one bulk INSERT
    audit.copy_of(ids, old, new, ...)    records that made the same change: ONE
                                         INSERT ... SELECT copying each record's identity
    audit.copy_where(where, new, ...)    the records a selection names, their old action and
                                         remarks as they are (the clock's expiry)
    audit.history(recipient, record_id)  a record's trail, oldest first

An approver's change from a maker's proposal names both: `actor` the approver, `proposed_by`
the maker (migration 0013). The database refuses UPDATE and DELETE on the log (PostgreSQL triggers, migration 0001).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, insert, literal, select

from gstims.store.bulk import also, in_values, insert_rows
from gstims.store.tables import audit_log, records

_IDENTITY = ("recipient", "supplier", "kind", "number", "fy")  # a record's, on its entry


def entry(
    row: Mapping[Any, Any],
    new_action: str,
    *,
    actor: str,
    day: date,
    remarks: str | None = None,
    request_id: str | None = None,
    note: str | None = None,
    old_action: str | None = None,
    at: datetime | None = None,
    proposed_by: str | None = None,
) -> dict[str, Any]:
    """The entry of a change of the row's record: from the row's action unless `old_action`
    is given, stamped now unless `at` is."""
    return {
        **{name: row[name] for name in _IDENTITY},
        "at": at or datetime.now(),
        "day": day,
        "actor": actor,
        "record_id": row["id"],
        "old_action": row["action"] if old_action is None else old_action,
        "new_action": new_action,
        "remarks": remarks,
        "request_id": request_id,
        "note": note,
        "proposed_by": proposed_by,
    }


class Audit:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def write(self, entries: Sequence[Mapping[str, Any]]) -> None:
        """Entries made by `entry`, by one bulk INSERT."""
        insert_rows(self.conn, audit_log, entries)

    def copy_of(
        self,
        record_ids: Sequence[int],
        old_action: str,
        new_action: str,
        *,
        actor: str,
        day: date,
        at: datetime,
        remarks: str | None = None,
        request_id: str | None = None,
        note: str | None = None,
        proposed_by: str | None = None,
        recipient: str | None = None,
    ) -> None:
        """The entries, as `entry` makes them, of records that made the same change: ONE
        `INSERT ... SELECT` copying each record's identity from its row (a lakh of entries
        without a lakh of rows shipped). The records are all `recipient`'s, when given
        (PostgreSQL then reads its partition only)."""
        chosen = in_values(self.conn, records.c.id, record_ids)
        self._copy(
            chosen
            if recipient is None
            else and_(chosen, also(self.conn, records.c.recipient == recipient)),
            old=literal(old_action, audit_log.c.old_action.type),
            remarks=literal(remarks, audit_log.c.remarks.type),
            new_action=new_action,
            actor=actor,
            day=day,
            at=at,
            request_id=request_id,
            note=note,
            proposed_by=proposed_by,
        )

    def copy_where(
        self, where: Any, new_action: str, *, actor: str, day: date, at: datetime, note: str
    ) -> None:
        """The entries of the records `where` selects, each from its own action and remarks."""
        self._copy(
            where,
            old=records.c.action,
            remarks=records.c.remarks,
            new_action=new_action,
            actor=actor,
            day=day,
            at=at,
            request_id=None,
            note=note,
            proposed_by=None,
        )

    def _copy(self, where: Any, *, old: Any, remarks: Any, **common: Any) -> None:
        stamped = {name: literal(value, audit_log.c[name].type) for name, value in common.items()}
        columns = {
            **{name: records.c[name] for name in _IDENTITY},
            "record_id": records.c.id,
            "old_action": old,
            "remarks": remarks,
            **stamped,
        }
        entries = select(*columns.values()).where(where)
        self.conn.execute(insert(audit_log).from_select(list(columns), entries))

    def history(self, recipient: str, record_id: int) -> Iterator[RowMapping]:
        """A record's audit trail, oldest first."""
        yield from self.conn.execute(
            select(audit_log)
            .where(audit_log.c.recipient == recipient, audit_log.c.record_id == record_id)
            .order_by(audit_log.c.id)
        ).mappings()
