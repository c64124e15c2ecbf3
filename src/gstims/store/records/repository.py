"""`Records`: the one owner of the `records` table's reads and writes for the IMS use cases.

Reached as `uow.records`. Every method is one set-based statement (or two) over a selection
named in `selections`; every write that changes what a recipient's IMS shows bumps that
recipient's `ims_version` itself (a computed GSTR-2B compares it to know it is stale).

    in_ims(recipient, ...)        GETINV rows: open in IMS, filtered, paged, in id order
    count_in_ims(recipient)       GETCNT: (kind, amends consumed, SEZ, action, count)
    candidates(recipient, ...)    the live records a SAVE/RESET's items may name
    for_2b(recipient, period)     the records a GSTR-2B reads, as `record_and_state_of` reads them
    for_2bs(recipients, period)   the same for several recipients at once (recipient column added)
    count_for_2bs(recipients, p)  how many records each of their 2Bs of period `p` reads
    find(recipient, id)           one of the recipient's records, or None
    facts(ids, columns, recip.)   more columns of a few records, by id
    of_return(supplier, ...)      the records of a supplier's return (SUPVIEW), in id order
    count_of_return(supplier,...) (kind, count) of a supplier's return (RETSUM)
    filed_by(supplier, months)    the supplier's filed records of these supplier periods
    return_periods(supplier)      YYYYMM of the supplier's GSTR-1/1A periods, newest first
    keys(recipients, origin)      (supplier, kind, number, fy) of the recipients' records
    add(rows)                     new records, by one bulk INSERT
    set_states(groups)            one UPDATE per group of records that end alike
    expire_pending(day, ...)      R-ACT-4 expiry with its audit entries
    time_bar(day)                 R-ACT-5 / R-IN-5f: records leave IMS as time-barred
    signed_load()                 a bulk load of generated records (`staging`)
    bump_ims_version(recipients)  their IMS changed
    pending_due(recipients, ...)  {recipient: (count, first deadline)} of Pending records whose
                                  deadline is near (the dashboard's notifications)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, RowMapping, and_, func, or_, select, update

from gstims.domain.calendar import Period
from gstims.domain.records import Action, Kind, Origin, Record, Route, Section
from gstims.store.bulk import also, in_values, insert_rows, update_grouped
from gstims.store.records import selections
from gstims.store.records.audit import Audit
from gstims.store.records.mapping import period_int, record_of, select_record_rows
from gstims.store.records.staging import SignedLoad
from gstims.store.tables import records, taxpayers

Tally = Callable[[Any], int]
"""Told a selection of records before a set-based change (the clock counts it by recipient);
answers how many recipients it holds."""


class Records:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- reads --------------------------------------------------------------------------------

    def in_ims(
        self,
        recipient: str,
        *,
        section: Section | None = None,
        supplier: str | None = None,
        action: Action | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[RowMapping]:
        query = select(records).where(selections.open_in_ims(recipient)).order_by(records.c.id)
        if section is not None:
            query = query.where(selections.in_section(section))
        if supplier:
            query = query.where(records.c.supplier == supplier)
        if action is not None:
            query = query.where(records.c.action == action.value)
        if limit:
            query = query.limit(limit).offset(offset)
        return self.conn.execute(query).mappings().all()

    def count_in_ims(self, recipient: str) -> list[tuple[str, bool, bool, str, int]]:
        """The recipient's IMS records counted by kind, whether they amend a consumed
        original, whether the supplier is set (a SEZ bill of entry) and action."""
        amends = func.coalesce(records.c.orig_consumed, False)
        has_supplier = records.c.supplier != ""
        rows = self.conn.execute(
            select(records.c.kind, amends, has_supplier, records.c.action, func.count())
            .where(selections.open_in_ims(recipient))
            .group_by(records.c.kind, amends, has_supplier, records.c.action)
        ).all()
        return [(k, bool(a), bool(s), act, n) for k, a, s, act, n in rows]

    def candidates(
        self,
        recipient: str,
        columns: Sequence[str],
        *,
        suppliers: Sequence[str],
        kinds: Sequence[str],
        numbers: Sequence[str],
    ) -> Sequence[Row[Any]]:
        """The live records of these suppliers and kinds whose key number is one of `numbers`,
        and the (few) amendments, whose key number is their original's — by the record-key
        index, in one query."""
        return self.conn.execute(
            select(*(records.c[c] for c in columns)).where(
                records.c.recipient == recipient,
                in_values(self.conn, records.c.supplier, suppliers),
                records.c.kind.in_(kinds),
                or_(
                    in_values(self.conn, records.c.number, numbers),
                    records.c.orig_number.is_not(None),
                ),
                records.c.live.is_(True),
            )
        ).all()

    def for_2b(
        self, recipient: str, period: Period, extra: Sequence[str] = ()
    ) -> list[tuple[Sequence[Any], Sequence[Any]]]:
        """The records a GSTR-2B of `period` reads (R-2B-2), each as (its DENSE columns then
        the `extra` ones, its SPARSE columns): see `mapping.select_record_rows`."""
        return select_record_rows(self.conn, selections.for_2b(recipient, period), extra)

    def pending_due(
        self, recipients: Sequence[str], day: date, until: date
    ) -> dict[str, tuple[int, date]]:
        query = (
            select(records.c.recipient, func.count(), func.min(records.c.pending_until))
            .where(
                in_values(self.conn, records.c.recipient, sorted(set(recipients))),
                selections.pending_due(day, until),
            )
            .group_by(records.c.recipient)
        )
        return {r: (int(n), first) for r, n, first in self.conn.execute(query)}

    def for_2bs(
        self, recipients: Sequence[str], period: Period, extra: Sequence[str] = ()
    ) -> list[tuple[Sequence[Any], Sequence[Any]]]:
        """`for_2b` of several recipients in one selection; put "recipient" in `extra` to
        tell them apart."""
        where = and_(
            selections.for_2b(None, period), in_values(self.conn, records.c.recipient, recipients)
        )
        return select_record_rows(self.conn, where, extra)

    def count_for_2bs(self, recipients: Sequence[str], period: Period) -> dict[str, int]:
        query = (
            select(records.c.recipient, func.count())
            .where(
                selections.for_2b(None, period),
                in_values(self.conn, records.c.recipient, recipients),
            )
            .group_by(records.c.recipient)
        )
        return {r: int(n) for r, n in self.conn.execute(query)}

    def find(self, recipient: str, record_id: int) -> RowMapping | None:
        query = select(records).where(records.c.id == record_id, records.c.recipient == recipient)
        return self.conn.execute(query).mappings().first()

    def facts(
        self, ids: Sequence[int], columns: Sequence[str], recipient: str | None = None
    ) -> Sequence[Row[Any]]:
        """(id, *columns) of these records (all of `recipient`'s, when given: PostgreSQL then
        reads its partition only), in one query."""
        query = select(records.c.id, *(records.c[c] for c in columns)).where(
            in_values(self.conn, records.c.id, ids)
        )
        if recipient is not None:
            query = query.where(also(self.conn, records.c.recipient == recipient))
        return self.conn.execute(query).all()

    def of_return(
        self, supplier: str, origin: Origin, period: Period, kind: Kind | None = None
    ) -> list[RowMapping]:
        query = select(records).where(_of_return(supplier, origin, period)).order_by(records.c.id)
        if kind is not None:
            query = query.where(records.c.kind == kind.value)
        return list(self.conn.execute(query).mappings())

    def count_of_return(
        self, supplier: str, origin: Origin, period: Period
    ) -> list[tuple[str, int]]:
        rows = self.conn.execute(
            select(records.c.kind, func.count())
            .where(_of_return(supplier, origin, period))
            .group_by(records.c.kind)
        ).all()
        return [(kind, n) for kind, n in rows]

    def filed_by(self, supplier: str, months: Sequence[Period]) -> list[Record]:
        """The supplier's filed records (any return) of these supplier periods (R-3B-4)."""
        query = select(records).where(
            records.c.supplier == supplier,
            records.c.source_period.in_([period_int(m) for m in months]),
            records.c.filed_on.is_not(None),
        )
        return [record_of(row) for row in self.conn.execute(query).mappings()]

    def return_periods(self, supplier: str) -> list[int]:
        """The YYYYMM periods of the supplier's GSTR-1 and GSTR-1A returns holding records,
        newest first."""
        origins = (Origin.GSTR1.value, Origin.GSTR1A.value)
        query = (
            select(records.c.source_period)
            .where(records.c.supplier == supplier, records.c.origin.in_(origins))
            .distinct()
            .order_by(records.c.source_period.desc())
        )
        return list(self.conn.execute(query).scalars())

    def keys(self, recipients: Sequence[str], origin: Origin) -> set[tuple[str, str, str, str]]:
        """(supplier, kind, number, fy) of the recipients' records from `origin`."""
        query = select(records.c.supplier, records.c.kind, records.c.number, records.c.fy).where(
            records.c.recipient.in_(recipients), records.c.origin == origin.value
        )
        return {(s, k, n, f) for s, k, n, f in self.conn.execute(query)}

    # -- writes -------------------------------------------------------------------------------

    def add(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """New records (complete rows), by one bulk INSERT; their recipients' IMS changed."""
        insert_rows(self.conn, records, rows)
        self.bump_ims_version({row["recipient"] for row in rows})

    def set_states(
        self,
        recipient: str,
        groups: Mapping[tuple[tuple[str, Any], ...], list[int]],
        *,
        increment: tuple[str, ...] = ("version",),
    ) -> None:
        """Each group's records get the group's values (one UPDATE per group; the columns
        in `increment` are stepped by the given amount)."""
        scope = {"recipient": recipient}
        update_grouped(self.conn, records, groups, increment=increment, scope=scope)
        self.bump_ims_version([recipient])

    def expire_pending(
        self, day: date, *, actor: str, at: datetime, note: str, tally: Tally | None = None
    ) -> int:
        """R-ACT-4: the expired Pending records back to No action, each with its entry.

        Set-based however many recipients: `tally` sees the selection first (the clock writes
        its per-recipient counts by one INSERT ... SELECT), their IMS versions are bumped by one
        UPDATE over it, then the records change."""
        expired = selections.pending_expired(day)
        if not self._any(expired, tally):
            return 0
        self._bump_ims_version_where(expired)
        Audit(self.conn).copy_where(
            expired, Action.NO_ACTION.value, actor=actor, day=day, at=at, note=note
        )
        count = self.conn.execute(
            update(records)
            .where(expired)
            .values(
                action=Action.NO_ACTION.value,
                acted_by=actor,
                acted_at=at,
                version=records.c.version + 1,
            )
        ).rowcount
        return count

    def time_bar(self, day: date, *, tally: Tally | None = None) -> int:
        """R-ACT-5, R-IN-5f: past the 16(4) limit, the records leave IMS as time-barred (set-based
        as `expire_pending` is)."""
        barred = selections.time_barred(day)
        if not self._any(barred, tally):
            return 0
        self._bump_ims_version_where(barred)
        count = self.conn.execute(
            update(records).where(barred).values(route=Route.TIME_BARRED.value, time_barred=True)
        ).rowcount
        return count

    def signed_load(self) -> SignedLoad:
        """A bulk load of generated records (see `staging`)."""
        return SignedLoad(self.conn)

    def bump_ims_version(self, recipients: Iterable[str]) -> None:
        wanted = sorted(set(recipients))
        for start in range(0, len(wanted), 1000):
            self.conn.execute(
                update(taxpayers)
                .where(taxpayers.c.gstin.in_(wanted[start : start + 1000]))
                .values(ims_version=taxpayers.c.ims_version + 1)
            )

    def _any(self, where: Any, tally: Tally | None) -> bool:
        """Whether `where` selects any record (told to `tally` first, when there is one): a
        day with nothing to expire or bar costs one read, not three."""
        if tally is not None:
            return tally(where) > 0
        return self.conn.execute(select(records.c.id).where(where).limit(1)).first() is not None

    def _bump_ims_version_where(self, where: Any) -> None:
        """Bump the IMS version of every recipient with a record `where` selects, in one UPDATE
        (no list of recipients in memory)."""
        self.conn.execute(
            update(taxpayers)
            .where(taxpayers.c.gstin.in_(select(records.c.recipient).where(where)))
            .values(ims_version=taxpayers.c.ims_version + 1)
        )


def _of_return(supplier: str, origin: Origin, period: Period) -> Any:
    return and_(
        records.c.supplier == supplier,
        records.c.origin == origin.value,
        records.c.source_period == period_int(period),
    )
