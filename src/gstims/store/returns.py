"""`Returns`: the taxpayers' GSTR-1, GSTR-1A and GSTR-3B filings, reached as `uow.returns`.

status(gstin, form, period)   the return's row (saved or filed), or None
filed(gstins)                 (gstin, form, YYYYMM) of every filed return, by one query
filed_periods(gstins, form)   the periods of each GSTIN's filed returns of a form
save(gstin, form, period, ...) the return's row: made when new, marked filed when filing
file(gstin, form, period, ...) a new filed row (a GSTR-3B, with what it filed)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, RowMapping, and_, insert, select, update

from gstims.domain.calendar import Period
from gstims.store.bulk import in_values
from gstims.store.records.mapping import period_int, period_of
from gstims.store.tables import returns


class Returns:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def status(self, gstin: str, form: str, period: Period) -> RowMapping | None:
        query = select(returns).where(
            returns.c.gstin == gstin,
            returns.c.form == form,
            returns.c.period == period_int(period),
        )
        return self.conn.execute(query).mappings().first()

    def filed(self, gstins: Sequence[str]) -> Sequence[Row[tuple[str, str, int]]]:
        query = select(returns.c.gstin, returns.c.form, returns.c.period).where(
            in_values(self.conn, returns.c.gstin, gstins), returns.c.status == "filed"
        )
        return self.conn.execute(query).all()

    def filed_periods(self, gstins: Iterable[str], form: str) -> dict[str, set[Period]]:
        out: dict[str, set[Period]] = defaultdict(set)
        rows = self.conn.execute(
            select(returns.c.gstin, returns.c.period).where(
                returns.c.form == form,
                returns.c.status == "filed",
                in_values(self.conn, returns.c.gstin, sorted(set(gstins))),
            )
        )
        for gstin, p in rows:
            out[gstin].add(period_of(p))
        return out

    def save(
        self, gstin: str, form: str, period: Period, *, status: str, filed_on: date | None
    ) -> None:
        """The return's row: made when there is none; a filing marks an existing one filed."""
        key = and_(
            returns.c.gstin == gstin, returns.c.form == form, returns.c.period == period_int(period)
        )
        found = self.conn.execute(select(returns.c.status).where(key)).scalar()
        if found is None:
            self.conn.execute(
                insert(returns).values(
                    gstin=gstin,
                    form=form,
                    period=period_int(period),
                    status=status,
                    filed_on=filed_on,
                )
            )
        elif status == "filed":
            self.conn.execute(update(returns).where(key).values(status=status, filed_on=filed_on))

    def file(
        self,
        gstin: str,
        form: str,
        period: Period,
        *,
        filed_on: date,
        content: Mapping[str, Any],
        from_2b_version: int | None,
    ) -> None:
        """A new filed return's row, with what it filed."""
        self.conn.execute(
            insert(returns).values(
                gstin=gstin,
                form=form,
                period=period_int(period),
                status="filed",
                filed_on=filed_on,
                content=content,
                from_2b_version=from_2b_version,
            )
        )
