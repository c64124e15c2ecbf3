"""`DashboardQueries`: the dashboard's read model over `records`, reached as `uow.dashboard`.

The IMS page must stay fast at a lakh of records for one recipient, so everything it shows is
filtered, sorted and paged here, in SQL, over `selections.open_in_ims`:

    count(recipient, q)               records matching the page's filter
    page(recipient, q, size, page)    one page of them, sorted (ties broken by id)
    summary(recipient)                (kind, amends consumed, SEZ, action, 2B period, count,
                                      net tax paise) of the open IMS: one GROUP BY
    identities(recipient, q)          what an action names, of every record matching the filter
    identities_of(recipient, ids)     the same of the chosen ones still open in IMS
    by_recipient(recipients)          (recipient, action, 2B period, count, net tax paise)

The amount range filters the document value (a decision of `services.dashboard`); net tax
counts a credit note's tax against the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, RowMapping, and_, case, func, or_, select

from gstims.domain.calendar import Period
from gstims.domain.records import Action, Kind, Section
from gstims.store.records import selections
from gstims.store.records.mapping import period_int, to_paise
from gstims.store.tables import records, taxpayers

CHUNK = 500
PAGE_SIZES = (50, 100, 200, 500)
TAX_PAISE = records.c.igst + records.c.cgst + records.c.sgst + records.c.cess
SIGNED_TAX_PAISE = case((records.c.kind == Kind.CN.value, -TAX_PAISE), else_=TAX_PAISE)
SORT_COLUMNS: dict[str, Any] = {
    "date": records.c.doc_date,
    "number": records.c.doc_number,
    "supplier": records.c.supplier,
    "value": records.c.value,
    "tax": TAX_PAISE,
    "period": records.c.period_2b,
    "action": records.c.action,
}


@dataclass(frozen=True, slots=True)
class ImsQuery:
    """What the IMS page's filter form asks for (every field optional)."""

    section: Section | None = None
    supplier: str = ""  # the start of a GSTIN, or part of a trade or legal name
    action: Action | None = None
    filed: bool | None = None  # the supplier's return filed (True) or only saved (False)
    period_2b: Period | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    number: str = ""  # part of the document number
    sort: str = "date"
    descending: bool = False
    page: int = 1
    page_size: int = PAGE_SIZES[0]


class DashboardQueries:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def count(self, recipient: str, q: ImsQuery) -> int:
        query = select(func.count()).select_from(records).where(_where(recipient, q))
        total: int = self.conn.execute(query).scalar_one()
        return total

    def page(self, recipient: str, q: ImsQuery, size: int, page: int) -> list[RowMapping]:
        """The page's rows in two steps: sort and skip over (key, id) only, then read the rows.

        The sorter then carries two narrow columns instead of whole records, which keeps a deep
        page (OFFSET 50,000) as cheap as a shallow one.
        """
        column = SORT_COLUMNS.get(q.sort, SORT_COLUMNS["date"])
        order = (column.desc(), records.c.id.desc()) if q.descending else (column, records.c.id)
        ids = list(
            self.conn.execute(
                select(records.c.id)
                .where(_where(recipient, q))
                .order_by(*order)
                .limit(size)
                .offset((page - 1) * size)
            ).scalars()
        )
        if not ids:
            return []
        query = select(records).where(records.c.id.in_(ids))
        rows = {r["id"]: r for r in self.conn.execute(query).mappings()}
        return [rows[i] for i in ids]

    def summary(self, recipient: str) -> Sequence[Row[tuple[str, bool, bool, str, int, int, int]]]:
        amends = func.coalesce(records.c.orig_consumed, False)
        sez = records.c.supplier != ""
        keys = (records.c.kind, amends, sez, records.c.action, records.c.period_2b)
        return self.conn.execute(
            select(*keys, func.count(), func.sum(SIGNED_TAX_PAISE))
            .where(selections.open_in_ims(recipient))
            .group_by(*keys)
        ).all()

    def identities(self, recipient: str, q: ImsQuery) -> list[RowMapping]:
        query = select(*_IDENTITY).where(_where(recipient, q)).order_by(records.c.id)
        return list(self.conn.execute(query).mappings())

    def identities_of(self, recipient: str, ids: Iterable[int]) -> Iterator[RowMapping]:
        """(id and) the identities of the chosen records still open in the recipient's IMS:
        an id outside it (a forged one) reaches nothing."""
        wanted = sorted(ids)
        for start in range(0, len(wanted), CHUNK):
            yield from self.conn.execute(
                select(*_IDENTITY, records.c.id).where(
                    selections.open_in_ims(recipient),
                    records.c.id.in_(wanted[start : start + CHUNK]),
                )
            ).mappings()

    def by_recipient(
        self, recipients: Iterable[str]
    ) -> Iterator[Row[tuple[str, str, int, int, int]]]:
        wanted = sorted(recipients)
        for start in range(0, len(wanted), CHUNK):
            yield from self.conn.execute(
                select(
                    records.c.recipient,
                    records.c.action,
                    records.c.period_2b,
                    func.count(),
                    func.sum(SIGNED_TAX_PAISE),
                )
                .where(records.c.recipient.in_(wanted[start : start + CHUNK]))
                .where(selections.open_in_ims())
                .group_by(records.c.recipient, records.c.action, records.c.period_2b)
            )


# what an action item names of a record (`ActionItem`): its section's facts, number, date
_IDENTITY = (
    records.c.supplier,
    records.c.kind,
    records.c.doc_number,
    records.c.doc_date,
    records.c.orig_consumed,
    records.c.action,
)


def _where(recipient: str, q: ImsQuery) -> Any:
    clauses = [selections.open_in_ims(recipient)]
    if q.section is not None:
        clauses.append(selections.in_section(q.section))
    if q.supplier.strip():
        clauses.append(_supplier_clause(q.supplier.strip()))
    if q.action is not None:
        clauses.append(records.c.action == q.action.value)
    if q.filed is not None:
        clauses.append(records.c.filed_on.is_not(None) if q.filed else records.c.filed_on.is_(None))
    if q.period_2b is not None:
        clauses.append(records.c.period_2b == period_int(q.period_2b))
    if q.min_value is not None:
        clauses.append(records.c.value >= to_paise(q.min_value))
    if q.max_value is not None:
        clauses.append(records.c.value <= to_paise(q.max_value))
    if q.number.strip():
        clauses.append(records.c.doc_number.icontains(q.number.strip(), autoescape=True))
    return and_(*clauses)


def _supplier_clause(text: str) -> Any:
    named = select(taxpayers.c.gstin).where(
        or_(
            taxpayers.c.trade_name.icontains(text, autoescape=True),
            taxpayers.c.legal_name.icontains(text, autoescape=True),
        )
    )
    return or_(
        records.c.supplier.startswith(text.upper(), autoescape=True),
        records.c.supplier.in_(named),
    )
