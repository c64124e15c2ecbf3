"""`Taxpayers`: the registered taxpayers' rows, reached as `uow.taxpayers`.

find(gstin)          the taxpayer's row, or None
by_gstin(gstins)     the rows of those registered, in chunks of a thousand
names(gstins)        trade name (else legal name) of each registered GSTIN
ims_versions(gstins) `ims_version` of each of these taxpayers
page(after, limit)   the next `limit` rows in GSTIN order after `after` (keyset: a batch)
ims_version(gstin)   how many times the taxpayer's IMS has changed (R-3B-2 staleness)
add(**row)           register one
maker_checker(gstin) / set_maker_checker(gstin, on)   the GSTIN's maker-checker setting
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from gstims.store.tables import taxpayers

CHUNK = 1000


class Taxpayers:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find(self, gstin: str) -> RowMapping | None:
        query = select(taxpayers).where(taxpayers.c.gstin == gstin)
        return self.conn.execute(query).mappings().first()

    def by_gstin(self, gstins: Iterable[str]) -> Iterator[RowMapping]:
        for chunk in _chunks(gstins):
            query = select(taxpayers).where(taxpayers.c.gstin.in_(chunk))
            yield from self.conn.execute(query).mappings()

    def names(self, gstins: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in _chunks(gstins):
            rows = self.conn.execute(
                select(taxpayers.c.gstin, taxpayers.c.trade_name, taxpayers.c.legal_name).where(
                    taxpayers.c.gstin.in_(chunk)
                )
            )
            found.update((g, trade or legal) for g, trade, legal in rows)
        return found

    def add(self, **row: Any) -> None:
        self.conn.execute(insert(taxpayers).values(**row, ims_version=0, maker_checker=False))

    def maker_checker(self, gstin: str) -> bool:
        query = select(taxpayers.c.maker_checker).where(taxpayers.c.gstin == gstin)
        return bool(self.conn.execute(query).scalar())

    def set_maker_checker(self, gstin: str, on: bool) -> None:
        where = taxpayers.c.gstin == gstin
        self.conn.execute(update(taxpayers).where(where).values(maker_checker=on))

    def page(self, after: str | None, limit: int) -> list[RowMapping]:
        query = select(taxpayers).order_by(taxpayers.c.gstin).limit(limit)
        if after is not None:
            query = query.where(taxpayers.c.gstin > after)
        return list(self.conn.execute(query).mappings())

    def ims_versions(self, gstins: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(gstins):
            query = select(taxpayers.c.gstin, taxpayers.c.ims_version).where(
                taxpayers.c.gstin.in_(chunk)
            )
            found.update((g, int(v)) for g, v in self.conn.execute(query))
        return found

    def ims_version(self, gstin: str) -> int:
        query = select(taxpayers.c.ims_version).where(taxpayers.c.gstin == gstin)
        version: int = self.conn.execute(query).scalar_one()
        return version


def _chunks(gstins: Iterable[str]) -> Iterator[list[str]]:
    wanted = sorted(set(gstins))
    for start in range(0, len(wanted), CHUNK):
        yield wanted[start : start + CHUNK]
