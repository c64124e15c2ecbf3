"""`Reconciliations`: runs and decisions made by hand, reached as `uow.recon` (R-REC-13 … 19).

    portal(gstins, periods)           the records a run reconciles, in one query (R-REC-13)
    portal_rows(gstins, periods)      the same, read by position (the lakh path; held equal)
    owner(record_id)                  the recipient GSTIN of a record, or None
    add_run(values) / keep(id, ...)   a run's row, then its summary and results (one UPDATE)
    run(run_id)                       a run's row, or None
    recent(gstin, count)              (id, periods, created_at) of the latest runs
    latest(gstins)                    each GSTIN's latest run: (gstin, id, periods, summary)
    manual(gstins)                    the active decisions made by hand, in one query
    revoke(gstin, portal_id, ...)     end the active decisions of a record (kept, with who)
    decide(values)                    one decision made by hand

A run is a snapshot: its results are one compressed document (`recon_runs.results`), written
once; a decision made by hand is active until revoked and never deleted (R-REC-18).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, RowMapping, and_, func, insert, or_, select

from gstims.domain.records import Route
from gstims.store.books_tables import recon_manual, recon_runs
from gstims.store.records.mapping import select_record_rows
from gstims.store.tables import records

PORTAL_EXTRA = ("id", "route", "period_2b", "recipient")
_ID_AT = -len(PORTAL_EXTRA)


def _by_id(row: tuple[Sequence[Any], Sequence[Any]]) -> Any:
    return row[0][_ID_AT]


def _portal(gstins: Sequence[str], periods_2b: Sequence[int]) -> Any:
    """R-REC-13: the records a run reconciles — open in IMS, or in one of its 2B periods."""
    r = records.c
    return and_(
        r.recipient.in_(list(gstins)),
        r.live.is_(True),
        or_(
            (r.route == Route.IMS.value) & r.consumed_in.is_(None),
            r.period_2b.in_(list(periods_2b)),
        ),
    )


class Reconciliations:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def portal(self, gstins: Sequence[str], periods_2b: Sequence[int]) -> Sequence[RowMapping]:
        """Live records of these recipients open in IMS or in one of these 2B periods."""
        query = select(records).where(_portal(gstins, periods_2b)).order_by(records.c.id)
        return self.conn.execute(query).mappings().all()

    def portal_rows(
        self, gstins: Sequence[str], periods_2b: Sequence[int]
    ) -> list[tuple[Sequence[Any], Sequence[Any]]]:
        """The same records for `mapping.record_and_state_of` (by position: a lakh of rows),
        each dense part ending with its id, route, GSTR-2B period and recipient, by id."""
        rows = select_record_rows(self.conn, _portal(gstins, periods_2b), PORTAL_EXTRA)
        rows.sort(key=_by_id)
        return rows

    def owner(self, record_id: int) -> str | None:
        query = select(records.c.recipient).where(records.c.id == record_id)
        owner: str | None = self.conn.execute(query).scalar()
        return owner

    def add_run(self, values: Mapping[str, Any]) -> int:
        query = insert(recon_runs).values(**values, summary={}, results=[])
        return int(self.conn.execute(query.returning(recon_runs.c.id)).scalar_one())

    def keep(self, run_id: int, summary: Mapping[str, Any], results: Sequence[Any]) -> None:
        self.conn.execute(
            recon_runs.update()
            .where(recon_runs.c.id == run_id)
            .values(summary=summary, results=results)
        )

    def run(self, run_id: int) -> RowMapping | None:
        query = select(recon_runs).where(recon_runs.c.id == run_id)
        return self.conn.execute(query).mappings().first()

    def recent(self, gstin: str, count: int) -> Sequence[Row[Any]]:
        rr = recon_runs.c
        return self.conn.execute(
            select(rr.id, rr.periods, rr.created_at)
            .where(rr.gstin == gstin)
            .order_by(rr.id.desc())
            .limit(count)
        ).all()

    def latest(self, gstins: Sequence[str]) -> Sequence[Row[Any]]:
        """Each GSTIN's latest run (its summary, not its results), in one query."""
        rr = recon_runs.c
        newest = (
            select(func.max(rr.id))
            .where(rr.gstin.in_(list(gstins)))
            .group_by(rr.gstin)
            .scalar_subquery()
        )
        return self.conn.execute(
            select(rr.gstin, rr.id, rr.periods, rr.created_at, rr.summary)
            .where(rr.id.in_(newest))
            .order_by(rr.gstin)
        ).all()

    def manual(self, gstins: Sequence[str]) -> Sequence[Row[Any]]:
        m = recon_manual.c
        return self.conn.execute(
            select(m.decision, m.books_ref, m.portal_id, m.action)
            .where(m.gstin.in_(list(gstins)), m.revoked_at.is_(None))
            .order_by(m.id)
        ).all()

    def revoke(
        self, gstin: str, portal_id: int, user: str, now: datetime, *, override: bool, books: str
    ) -> None:
        """End the record's active override (`override`) or its pair / apart with `books`."""
        m = recon_manual.c
        which = (
            m.decision == "override"
            if override
            else (m.books_ref == books) & (m.decision != "override")
        )
        self.conn.execute(
            recon_manual.update()
            .where(m.gstin == gstin, m.portal_id == portal_id, m.revoked_at.is_(None), which)
            .values(revoked_by=user, revoked_at=now)
        )

    def decide(self, values: Mapping[str, Any]) -> None:
        self.conn.execute(insert(recon_manual).values(**values))
