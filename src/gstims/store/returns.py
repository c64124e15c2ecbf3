"""`Returns`: the taxpayers' GSTR-1, GSTR-1A and GSTR-3B filings, reached as `uow.returns`.

status(gstin, form, period)   the return's row (saved or filed), or None
filed(gstins)                 (gstin, form, YYYYMM) of every filed return, by one query
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Row, RowMapping, select

from gstims.domain.calendar import Period
from gstims.store.bulk import in_values
from gstims.store.records.mapping import period_int
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
