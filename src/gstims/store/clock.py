"""`ClockRuns`: the sandbox clock, its events' progress and results, reached as `uow.clock`.

set_today(day)                          place the clock
finished_since(day)                     (day, event) of every event done on or after `day`
started(day)                            whether any event of `day` has begun
progress(day, event)                    the event's row (cursor, counts, finished), or None
save_progress(day, event, ...)          write it: after each batch, and when it is done
add_results(day, event, rows)           what the event did to each taxpayer of a batch
tally(day, event, outcome, where)       one row per recipient of the records `where` selects,
                                        with their count, by one INSERT ... SELECT
results(...)                            the results, filtered and paged by keyset
draft_candidates(after, limit, since)   the next taxpayers (keyset) that may have a 2B to
                                        draft: every one, or (`since`) only those with a
                                        GSTR-3B filed on or after `since` or with no 2B yet
drafted_periods(gstins)                 YYYYMM of the 2Bs each of these taxpayers has
filed_3b(gstins)                        YYYYMM of the GSTR-3Bs each has filed
reversals_of(suppliers)                 (recipient, supplier, period) already reversed
itc_consumed_from(suppliers)            the consumed IMS records of these suppliers
add_reversals(entries)                  Rule 37A reversals, one INSERT

Every read is of one batch of taxpayers (at most a few hundred GSTINs), never of all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    RowMapping,
    and_,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from gstims.domain.records import Route
from gstims.store.bulk import in_values
from gstims.store.tables import (
    clock,
    clock_results,
    clock_runs,
    gstr2b,
    itc_adjustments,
    records,
    returns,
    taxpayers,
)

MAX_PAGE = 1000


class ClockRuns:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def set_today(self, day: date) -> None:
        if self.conn.execute(update(clock).where(clock.c.id == 1).values(today=day)).rowcount == 0:
            self.conn.execute(insert(clock).values(id=1, today=day))

    def finished_since(self, day: date) -> set[tuple[date, str]]:
        query = select(clock_runs.c.day, clock_runs.c.event).where(
            clock_runs.c.day >= day, clock_runs.c.finished.is_(True)
        )
        return {(d, e) for d, e in self.conn.execute(query)}

    def started(self, day: date) -> bool:
        query = select(clock_runs.c.event).where(clock_runs.c.day == day).limit(1)
        return self.conn.execute(query).first() is not None

    def progress(self, day: date, event: str) -> RowMapping | None:
        query = select(clock_runs).where(clock_runs.c.day == day, clock_runs.c.event == event)
        return self.conn.execute(query).mappings().first()

    def save_progress(
        self,
        day: date,
        event: str,
        *,
        cursor: str | None,
        counts: Mapping[str, int],
        finished: bool,
        summary: str,
    ) -> None:
        values = {
            "cursor": cursor,
            "counts": dict(counts),
            "finished": finished,
            "summary": summary,
        }
        changed = self.conn.execute(
            update(clock_runs)
            .where(clock_runs.c.day == day, clock_runs.c.event == event)
            .values(**values)
        ).rowcount
        if changed == 0:
            self.conn.execute(insert(clock_runs).values(day=day, event=event, **values))

    def add_results(self, day: date, event: str, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self.conn.execute(
                insert(clock_results), [{"day": day, "event": event, **r} for r in rows]
            )

    def tally(self, day: date, event: str, outcome: str, where: Any) -> int:
        """One result per recipient of the records `where` selects, with how many it has;
        answers how many recipients (counted after: an INSERT ... SELECT's rowcount is -1
        through SQLAlchemy on PostgreSQL)."""
        self.conn.execute(
            insert(clock_results).from_select(
                ["day", "event", "gstin", "outcome", "count"],
                select(
                    literal(day, clock_results.c.day.type),
                    literal(event, clock_results.c.event.type),
                    records.c.recipient,
                    literal(outcome, clock_results.c.outcome.type),
                    func.count(),
                )
                .where(where)
                .group_by(records.c.recipient),
            )
        )
        c = clock_results.c
        counted = select(func.count()).where(c.day == day, c.event == event, c.outcome == outcome)
        return int(self.conn.execute(counted).scalar_one())

    def results(
        self,
        *,
        day: date | None = None,
        event: str | None = None,
        gstin: str | None = None,
        after: tuple[date, str, str] | None = None,
        limit: int = MAX_PAGE,
    ) -> Sequence[RowMapping]:
        """Results in (day, event, gstin) order, those after the key `after` (keyset paging)."""
        c = clock_results.c
        query = select(clock_results)
        if day is not None:
            query = query.where(c.day == day)
        if event is not None:
            query = query.where(c.event == event)
        if gstin is not None:
            query = query.where(c.gstin == gstin)
        if after is not None:
            d, e, g = after
            query = query.where(
                or_(
                    c.day > d,
                    and_(c.day == d, c.event > e),
                    and_(c.day == d, c.event == e, c.gstin > g),
                )
            )
        query = query.order_by(c.day, c.event, c.gstin).limit(min(limit, MAX_PAGE))
        return self.conn.execute(query).mappings().all()

    # -- what the events read, a batch of taxpayers at a time -----------------------------------

    def draft_candidates(
        self, after: str | None, limit: int, since: date | None
    ) -> Sequence[RowMapping]:
        query = select(taxpayers).order_by(taxpayers.c.gstin).limit(limit)
        if after is not None:
            query = query.where(taxpayers.c.gstin > after)
        if since is not None:
            filed_since = select(returns.c.gstin).where(
                returns.c.gstin == taxpayers.c.gstin,
                returns.c.form == "GSTR3B",
                returns.c.status == "filed",
                returns.c.filed_on >= since,
            )
            drafted = select(gstr2b.c.recipient).where(gstr2b.c.recipient == taxpayers.c.gstin)
            query = query.where(or_(filed_since.exists(), ~drafted.exists()))
        return self.conn.execute(query).mappings().all()

    def drafted_periods(self, gstins: Sequence[str]) -> dict[str, set[int]]:
        have: dict[str, set[int]] = {g: set() for g in gstins}
        query = (
            select(gstr2b.c.recipient, gstr2b.c.period)
            .where(in_values(self.conn, gstr2b.c.recipient, gstins))
            .distinct()
        )
        for g, p in self.conn.execute(query):
            have[g].add(p)
        return have

    def filed_3b(self, gstins: Sequence[str]) -> dict[str, set[int]]:
        filed: dict[str, set[int]] = {g: set() for g in gstins}
        query = select(returns.c.gstin, returns.c.period).where(
            in_values(self.conn, returns.c.gstin, gstins),
            returns.c.form == "GSTR3B",
            returns.c.status == "filed",
        )
        for g, p in self.conn.execute(query):
            filed[g].add(p)
        return filed

    def reversals_of(self, suppliers: Sequence[str]) -> set[tuple[str, str, int]]:
        c = itc_adjustments.c
        query = select(c.recipient, c.supplier, c.supplier_period).where(
            c.kind == "reversal", in_values(self.conn, c.supplier, suppliers)
        )
        return {(r, s, p) for r, s, p in self.conn.execute(query)}

    def itc_consumed_from(self, suppliers: Sequence[str]) -> Sequence[Row[Any]]:
        """(supplier, recipient, kind, number, fy, source_period, eff_* by head) of the
        consumed IMS records of these suppliers, oldest version of each chain first."""
        c = records.c
        query = (
            select(
                c.supplier,
                c.recipient,
                c.kind,
                c.number,
                c.fy,
                c.source_period,
                c.eff_igst,
                c.eff_cgst,
                c.eff_sgst,
                c.eff_cess,
            )
            .where(
                in_values(self.conn, c.supplier, suppliers),
                c.consumed_in.is_not(None),
                c.route == Route.IMS.value,
            )
            .order_by(c.amend_no)
        )
        return self.conn.execute(query).all()

    def add_reversals(self, entries: Sequence[Mapping[str, Any]]) -> None:
        if entries:
            self.conn.execute(insert(itc_adjustments), list(entries))
