"""`Books`: the purchase register's versions, reached as `uow.books` (R-REC-1 … 4).

    profile(gstin, name)             a saved mapping profile, or None
    profile_names(gstin)             the names of the GSTIN's saved profiles
    save_profile(gstin, name, map)   a profile, replacing one of the same name
    latest_import(gstin)             (id, version, content_hash) of the latest import, or None
    add_import(values)               a new import's row → its id
    add_documents(rows)              its documents, in one bulk insert
    current(gstins, first, last)     the current books documents, as `Document`s, in one query

A GSTIN's current books of a month are the documents of the latest import holding that month
(`store/books_tables.py`). Money is integer paise here and `Decimal` rupees in a `Document`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Row, and_, func, insert, select

from gstims.domain.money import Tax
from gstims.domain.reconcile.matcher import shown
from gstims.domain.reconcile.model import Document
from gstims.domain.records import Kind
from gstims.store.books_tables import books_documents, books_imports, books_profiles
from gstims.store.bulk import insert_rows
from gstims.store.records.mapping import as_stored, from_paise, stored_date


def month_of(day: date) -> int:
    return day.year * 100 + day.month


class Books:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def profile(self, gstin: str, name: str) -> dict[str, tuple[str, ...]] | None:
        p = books_profiles
        saved = self.conn.execute(
            select(p.c.mapping).where(p.c.gstin == gstin, p.c.name == name)
        ).scalar()
        return None if saved is None else {f: tuple(n) for f, n in saved.items()}

    def profile_names(self, gstin: str) -> list[str]:
        query = select(books_profiles.c.name).where(books_profiles.c.gstin == gstin)
        return sorted(self.conn.execute(query).scalars())

    def save_profile(self, gstin: str, name: str, mapping: Mapping[str, Sequence[str]]) -> None:
        p = books_profiles
        self.conn.execute(p.delete().where(p.c.gstin == gstin, p.c.name == name))
        self.conn.execute(
            insert(p).values(
                gstin=gstin, name=name, mapping={f: list(n) for f, n in mapping.items()}
            )
        )

    def latest_import(self, gstin: str) -> Row[Any] | None:
        i = books_imports
        return self.conn.execute(
            select(i.c.id, i.c.version, i.c.content_hash)
            .where(i.c.gstin == gstin)
            .order_by(i.c.version.desc())
            .limit(1)
        ).first()

    def add_import(self, values: Mapping[str, Any]) -> int:
        query = insert(books_imports).values(**values).returning(books_imports.c.id)
        return int(self.conn.execute(query).scalar_one())

    def add_documents(self, rows: Sequence[Mapping[str, Any]]) -> None:
        insert_rows(self.conn, books_documents, rows)

    def current(self, gstins: Sequence[str], first: date, last: date) -> list[Document]:
        """The current books documents of these GSTINs dated `first` … `last`."""
        d = books_documents
        latest = (
            select(d.c.gstin, d.c.month, func.max(d.c.import_id).label("import_id"))
            .where(d.c.gstin.in_(list(gstins)))
            .group_by(d.c.gstin, d.c.month)
            .subquery()
        )
        raw = self.conn.dialect.name == "sqlite"
        columns = [as_stored(d.c[name], raw) for name in _COLUMNS]
        query = (
            select(*columns)
            .join(
                latest,
                and_(
                    d.c.gstin == latest.c.gstin,
                    d.c.month == latest.c.month,
                    d.c.import_id == latest.c.import_id,
                ),
            )
            .where(d.c.month >= month_of(first), d.c.month <= month_of(last))
            .order_by(d.c.id)
        )
        return [_document(row) for row in self.conn.execute(query).all()]


_COLUMNS = (
    "gstin", "supplier", "kind", "number", "doc_date", "taxable", "igst", "cgst", "sgst",
    "cess", "value", "pos", "reverse_charge", "posting_date", "port_code",
)  # fmt: skip
_KINDS = {k.value: k for k in Kind}


def books_ref(gstin: str, kind: str, supplier: str, number: str, day: date) -> str:
    """A books document's reference that survives a new version of the books (R-REC-18)."""
    return f"{gstin}/{kind}/{supplier}/{number.strip().upper()}/{shown(day)}"


def _document(row: Row[Any]) -> Document:
    (gstin, supplier, kind, number, day, taxable, igst, cgst, sgst, cess, value, pos, rc, posted,
     port) = row  # fmt: skip
    day, posted = cast(date, stored_date(day)), stored_date(posted)
    return Document(
        ref=books_ref(gstin, kind, supplier, number, day),
        recipient=gstin,
        supplier=supplier,
        kind=_KINDS[kind],
        number=number,
        doc_date=day,
        taxable=from_paise(taxable),
        tax=Tax(from_paise(igst), from_paise(cgst), from_paise(sgst), from_paise(cess)),
        value=from_paise(value) if value is not None else None,
        pos=pos,
        reverse_charge=None if rc is None else bool(rc),
        posting_date=posted,
        port_code=port,
    )
