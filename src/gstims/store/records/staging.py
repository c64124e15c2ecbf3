"""Loading records that share most of their columns: a signature table and a document table.

A generated month (`gstims.demo.bulk`) has a lakh of documents but only a few thousand
*signatures* (supplier, recipient, kind, place of supply, reverse charge, and the derived
placement columns those decide). `SignedLoad` stores each chunk's new signatures and its
documents' own values in two narrow temporary tables (one `executemany` of plain tuples), then
writes `records` with ONE `INSERT ... SELECT` joining them — the records table's writes stay in
the store. `finish()` drops the temporary tables, files the suppliers' GSTR-1 (the caller bumps
the recipients' IMS versions).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    literal,
    select,
)

from gstims.domain.calendar import Period
from gstims.store.records.mapping import period_int
from gstims.store.tables import records, returns

_meta = MetaData()
_signatures = Table(
    "gen_signatures",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("recipient", String(15)),
    Column("supplier", String(15)),
    Column("kind", String(3)),
    Column("fy", Integer),
    Column("source_period", Integer),
    Column("supplier_frequency", String(1)),
    Column("pos", String(2)),
    Column("rchrg", Boolean),
    Column("filed_on", Date),
    Column("route", String(8)),
    Column("period_2b", Integer),
    Column("specified", Boolean),
    Column("pending_until", Date),
    Column("limit_16_4", Date),
    prefixes=["TEMPORARY"],
)
_documents = Table(
    "gen_documents",
    _meta,
    Column("signature", Integer),
    Column("number", String(40)),
    Column("doc_date", Date),
    Column("rate", String(6)),
    Column("value", BigInteger),
    Column("taxable", BigInteger),
    Column("igst", BigInteger),
    Column("cgst", BigInteger),
    Column("sgst", BigInteger),
    Column("cess", BigInteger),
    Column("hash", String(64)),
    prefixes=["TEMPORARY"],
)
_DOC_COLUMNS = [c.name for c in _documents.columns]


class SignedLoad:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        _meta.create_all(conn)  # temporary tables, gone with a rollback

    def store(self, signatures: Sequence[dict[str, Any]], rows: Sequence[tuple[Any, ...]]) -> None:
        """A chunk: its new signatures (dicts of the signature columns, with their `id`), its
        documents (tuples in `DOCUMENT_COLUMNS` order), then one INSERT ... SELECT."""
        if signatures:
            self.conn.execute(insert(_signatures), list(signatures))
        style = self.conn.dialect.paramstyle
        marks = ", ".join(["?" if style == "qmark" else "%s"] * len(DOCUMENT_COLUMNS))
        self.conn.exec_driver_sql(
            f"INSERT INTO gen_documents ({', '.join(DOCUMENT_COLUMNS)}) VALUES ({marks})",
            list(rows),
        )
        self.conn.execute(insert(records).from_select(*_records_select()))
        self.conn.execute(delete(_documents))

    def finish(
        self,
        *,
        filed_gstr1: Sequence[str],
        period: Period,
        filed_on: date,
    ) -> None:
        _meta.drop_all(self.conn)
        self.conn.execute(
            insert(returns),
            [
                {
                    "gstin": gstin,
                    "form": "GSTR1",
                    "period": period_int(period),
                    "status": "filed",
                    "filed_on": filed_on,
                }
                for gstin in filed_gstr1
            ],
        )


DOCUMENT_COLUMNS = [c.name for c in _documents.columns]


def _records_select() -> tuple[list[str], Any]:
    d, s = _documents.c, _signatures.c
    columns = {
        "recipient": s.recipient,
        "supplier": s.supplier,
        "kind": s.kind,
        "number": d.number,
        "fy": s.fy,
        "amend_no": literal(0),
        "live": literal(True, Boolean),
        "origin": literal("R1"),
        "source_period": s.source_period,
        "supplier_frequency": s.supplier_frequency,
        "doc_number": d.number,
        "doc_date": d.doc_date,
        "pos": s.pos,
        "supply_type": literal("R"),
        "rchrg": s.rchrg,
        "rate": d.rate,
        "value": d.value,
        "taxable": d.taxable,
        "igst": d.igst,
        "cgst": d.cgst,
        "sgst": d.sgst,
        "cess": d.cess,
        "filed_on": s.filed_on,
        "hash": d.hash,
        "route": s.route,
        "period_2b": s.period_2b,
        "specified": s.specified,
        "pending_until": s.pending_until,
        "limit_16_4": s.limit_16_4,
        "time_barred": literal(False, Boolean),
        "action": literal("N"),
        "version": literal(0),
    }
    query = select(*columns.values()).select_from(
        _documents.join(_signatures, _signatures.c.id == _documents.c.signature)
    )
    return list(columns), query
