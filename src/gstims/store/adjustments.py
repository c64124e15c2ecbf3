"""`Adjustments`: credit-note add-backs (R-3B-4) and Rule 37A lines (R-2B-8) a GSTR-3B filing
writes, reached as `uow.adjustments`.

    add_back_total(supplier, period)   the add-backs landed in the supplier's period, summed
    add_backs(entries)                 new add-backs, one bulk INSERT
    reversals(supplier, period)        the Rule 37A reversals of the supplier's period
    add(entries)                       new Rule 37A lines, one bulk INSERT
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select

from gstims.domain.calendar import Period
from gstims.domain.money import Tax
from gstims.store.records.mapping import from_paise, period_int
from gstims.store.tables import addbacks, itc_adjustments

_HEADS = ("igst", "cgst", "sgst", "cess")


class Adjustments:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_back_total(self, supplier: str, period: Period) -> Tax:
        """The add-backs landed in the supplier's return period, summed by one aggregate."""
        added = self.conn.execute(
            select(*(func.coalesce(func.sum(addbacks.c[h]), 0) for h in _HEADS)).where(
                addbacks.c.supplier == supplier, addbacks.c.period == period_int(period)
            )
        ).one()
        return Tax(*(from_paise(int(v)) for v in added))

    def add_backs(self, entries: Sequence[Mapping[str, Any]]) -> None:
        if entries:
            self.conn.execute(insert(addbacks), entries)

    def reversals(self, supplier: str, period: Period) -> list[RowMapping]:
        """The Rule 37A reversals taken for the supplier's `period` (its 3B not filed in time)."""
        query = select(itc_adjustments).where(
            itc_adjustments.c.supplier == supplier,
            itc_adjustments.c.kind == "reversal",
            itc_adjustments.c.supplier_period == period_int(period),
        )
        return list(self.conn.execute(query).mappings())

    def add(self, entries: Sequence[Mapping[str, Any]]) -> None:
        if entries:
            self.conn.execute(insert(itc_adjustments), entries)
