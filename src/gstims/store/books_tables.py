"""Tables of the purchase register (books) and of reconciliation runs (R-REC-1 … 4, 13, 19).

Migration 0007. Each import is a version (`books_imports`, numbered per GSTIN); its documents
(`books_documents`) carry the month (`YYYYMM`) of their document date. A GSTIN's current books
for a month are the documents of the latest import that holds that month: a new import of a
period replaces the previous one, and the old one stays as history. Money is integer paise,
as in `store/tables.py`.

A reconciliation run (`recon_runs`) is a snapshot (R-REC-13): its parameters, its summary and
every result with its suggestion, kept compressed in one document; a later run never changes
an earlier one.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from gstims.store.tables import GSTIN, CompressedJSON, metadata, opt_paise, paise

books_imports = Table(
    "books_imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("gstin", GSTIN, nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("source", String(200), nullable=False),  # file name, or "api"
    Column("profile", String(40), nullable=False),
    Column("imported_at", DateTime, nullable=False),
    Column("imported_by", String(100), nullable=True),
    Column("months", JSON, nullable=False),  # [YYYYMM, ...] the import covers
    Column("documents", Integer, nullable=False),
    Column("rows_skipped", Integer, nullable=False, default=0),
    UniqueConstraint("gstin", "version"),
)

books_documents = Table(
    "books_documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer, nullable=False),
    Column("gstin", GSTIN, nullable=False),
    Column("month", Integer, nullable=False),  # YYYYMM of the document date
    Column("supplier", GSTIN, nullable=False),  # "" for an import bill of entry
    Column("kind", String(3), nullable=False),
    Column("number", String(60), nullable=False),  # as the books write it
    Column("doc_date", Date, nullable=False),
    paise("taxable"),
    paise("igst"),
    paise("cgst"),
    paise("sgst"),
    paise("cess"),
    opt_paise("value"),
    Column("pos", String(2), nullable=True),
    Column("reverse_charge", Boolean, nullable=True),
    Column("posting_date", Date, nullable=True),
    Column("port_code", String(10), nullable=True),
    Column("rows", String(2000), nullable=False),  # the register rows summed into it
    Column("vouchers", String(2000), nullable=False),
    Index("ix_books_documents_current", "gstin", "month", "import_id"),
)

books_profiles = Table(
    "books_profiles",
    metadata,
    Column("gstin", GSTIN, primary_key=True),
    Column("name", String(40), primary_key=True),
    Column("mapping", JSON, nullable=False),  # {field: [header names]}
)

recon_runs = Table(
    "recon_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("gstin", GSTIN, nullable=False),
    Column("gstins", JSON, nullable=False),  # every recipient GSTIN of the run (R-REC-14)
    Column("periods", JSON, nullable=False),  # ["MMYYYY", ...]
    Column("parameters", JSON, nullable=False),  # the tolerance profile (R-REC-8)
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=True),
    Column("summary", JSON, nullable=False),  # per outcome: count and totals
    Column("results", CompressedJSON, nullable=False),
    Index("ix_recon_runs_gstin", "gstin", "id"),
)

# R-REC-18: pairs made or kept apart by hand, and overridden suggestions; who and when. A
# decision is active until revoked (`revoked_at`); nothing is deleted, so the trail stays.
recon_manual = Table(
    "recon_manual",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("gstin", GSTIN, nullable=False),
    Column("decision", String(8), nullable=False),  # pair / apart / override
    Column("books_ref", String(120), nullable=True),
    Column("portal_id", Integer, nullable=False),
    Column("action", String(1), nullable=True),  # override: A / R / P, or null for none
    Column("made_by", String(100), nullable=False),
    Column("made_at", DateTime, nullable=False),
    Column("revoked_by", String(100), nullable=True),
    Column("revoked_at", DateTime, nullable=True),
    Index("ix_recon_manual_gstin", "gstin", "revoked_at"),
)
