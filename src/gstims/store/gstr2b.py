"""`Generations`: the kept GSTR-2B generations and the Rule 37A adjustments a 2B reads,
reached as `uow.gstr2b`.

    latest_version(recipient, period)    the newest generation's version, or 0
    add(recipient, period, ...)          keep a new generation (content, Table 4, members)
    latest(recipient, period, content)   the newest generation's row, or None
    latest_json(recipient, period)       the newest generation's content as kept (GET2B)
    newest_table4s(recipient, last)      (period, Table 4) of the newest generation of each of
                                         the last `last` periods, oldest first
    periods(recipient)                   YYYYMM of the periods with a generation, newest first
    open_adjustments(recipient, period)  the unconsumed reversals and reclaims up to `period`
    latest_versions(recipients, period)  `latest_version` of several recipients, one query
    latest_ims_versions(periods)         the IMS version the newest generation of each
                                         recipient's own period was computed at, one query
    open_adjustments_of(recipients, p)   `open_adjustments` of several, by recipient
    add_many(rows)                       keep several generations, one INSERT
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, LargeBinary, RowMapping, and_, func, insert, select, type_coerce

from gstims.domain.calendar import Period
from gstims.store.bulk import in_values
from gstims.store.records.mapping import period_int
from gstims.store.tables import gstr2b, itc_adjustments, json_text


class Generations:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def latest_version(self, recipient: str, period: Period) -> int:
        query = select(func.max(gstr2b.c.version)).where(_of(recipient, period))
        return self.conn.execute(query).scalar() or 0

    def latest_versions(self, recipients: Sequence[str], period: Period) -> dict[str, int]:
        query = (
            select(gstr2b.c.recipient, func.max(gstr2b.c.version))
            .where(
                in_values(self.conn, gstr2b.c.recipient, recipients),
                gstr2b.c.period == period_int(period),
            )
            .group_by(gstr2b.c.recipient)
        )
        return {r: int(v) for r, v in self.conn.execute(query)}

    def latest_ims_versions(self, periods: Mapping[str, Period]) -> dict[str, int]:
        """{recipient: `ims_version` of `latest(recipient, periods[recipient])`} for every
        recipient with a generation of its period, in one query whatever the recipients (each
        may ask its own period; a recipient without a generation is left out)."""
        if not periods:
            return {}
        wanted = {r: period_int(p) for r, p in periods.items()}
        newest = (
            select(gstr2b.c.recipient, gstr2b.c.period, func.max(gstr2b.c.version).label("v"))
            .where(
                in_values(self.conn, gstr2b.c.recipient, sorted(wanted)),
                gstr2b.c.period.in_(sorted(set(wanted.values()))),  # a few: the working periods
            )
            .group_by(gstr2b.c.recipient, gstr2b.c.period)
            .subquery()
        )
        query = select(gstr2b.c.recipient, gstr2b.c.period, gstr2b.c.ims_version).join(
            newest,
            and_(
                gstr2b.c.recipient == newest.c.recipient,
                gstr2b.c.period == newest.c.period,
                gstr2b.c.version == newest.c.v,
            ),
        )
        return {r: int(v) for r, p, v in self.conn.execute(query) if wanted[r] == p}

    def open_adjustments_of(
        self, recipients: Sequence[str], period: Period
    ) -> dict[str, list[RowMapping]]:
        query = select(itc_adjustments).where(
            in_values(self.conn, itc_adjustments.c.recipient, recipients),
            itc_adjustments.c.period_2b <= period_int(period),
            itc_adjustments.c.consumed_in.is_(None),
        )
        found: dict[str, list[RowMapping]] = {}
        for row in self.conn.execute(query).mappings():
            found.setdefault(row["recipient"], []).append(row)
        return found

    def add_many(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Several generations, each with the columns `add` takes (`period` a `Period`)."""
        if rows:
            self.conn.execute(
                insert(gstr2b), [{**r, "period": period_int(r["period"])} for r in rows]
            )

    def add(
        self,
        recipient: str,
        period: Period,
        *,
        version: int,
        generated_on: date,
        ims_version: int,
        reference_id: str,
        content: Any,
        table4: Any,
        members: Mapping[str, list[int]],
        declarations: Mapping[str, list[Any]],
    ) -> None:
        self.conn.execute(
            insert(gstr2b).values(
                recipient=recipient,
                period=period_int(period),
                version=version,
                generated_on=generated_on,
                ims_version=ims_version,
                reference_id=reference_id,
                content=content,
                table4=table4,
                members=members,
                declarations=declarations,
            )
        )

    def latest(
        self, recipient: str, period: Period, *, content: bool = True
    ) -> dict[str, Any] | None:
        """The newest generation's row; without `content` (megabytes of JSON for a lakh of
        documents) when the caller needs only its version, Table 4 and dates."""
        columns = [c for c in gstr2b.columns if content or c.name != "content"]
        query = (
            select(*columns)
            .where(_of(recipient, period))
            .order_by(gstr2b.c.version.desc())
            .limit(1)
        )
        row = self.conn.execute(query).mappings().first()
        return dict(row) if row else None

    def latest_json(self, recipient: str, period: Period) -> bytes | None:
        """The newest generation's content as the JSON text kept (never read into objects)."""
        kept = self.conn.execute(
            select(type_coerce(gstr2b.c.content, LargeBinary))
            .where(_of(recipient, period))
            .order_by(gstr2b.c.version.desc())
            .limit(1)
        ).scalar()
        return None if kept is None else json_text(kept)

    def newest_table4s(self, recipient: str, last: int) -> list[tuple[int, Any]]:
        newest = (
            select(gstr2b.c.period, func.max(gstr2b.c.version).label("version"))
            .where(gstr2b.c.recipient == recipient)
            .group_by(gstr2b.c.period)
            .subquery()
        )
        rows = self.conn.execute(
            select(gstr2b.c.period, gstr2b.c.table4)
            .join(
                newest,
                and_(gstr2b.c.period == newest.c.period, gstr2b.c.version == newest.c.version),
            )
            .where(gstr2b.c.recipient == recipient)
            .order_by(gstr2b.c.period.desc())
            .limit(last)
        ).all()
        return [(period, table4) for period, table4 in reversed(rows)]

    def periods(self, recipient: str) -> list[int]:
        query = (
            select(gstr2b.c.period)
            .where(gstr2b.c.recipient == recipient)
            .distinct()
            .order_by(gstr2b.c.period.desc())
        )
        return list(self.conn.execute(query).scalars())

    def open_adjustments(self, recipient: str, period: Period) -> Sequence[RowMapping]:
        query = select(itc_adjustments).where(
            itc_adjustments.c.recipient == recipient,
            itc_adjustments.c.period_2b <= period_int(period),
            itc_adjustments.c.consumed_in.is_(None),
        )
        return self.conn.execute(query).mappings().all()


def _of(recipient: str, period: Period) -> Any:
    return and_(gstr2b.c.recipient == recipient, gstr2b.c.period == period_int(period))
