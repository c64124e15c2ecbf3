"""The schema, for volume.

Every record table holds the recipient GSTIN in its keys and leads its recipient-side
indexes with it: the partition key of `records` on PostgreSQL and the distribution key of the
Citus design (migration 0012, docs/SCALE.md; `tests/integration/test_citus_rules.py` gives
every table its role there). Record tables carry period columns as integers `YYYYMM`. Money is stored as integer paise (`BigInteger`): exact on SQLite and
PostgreSQL alike, and SQL sums stay exact. The recipient's IMS state lives on the record's
own row (one row per record, a `version` for optimistic concurrency): a SAVE is then one
UPDATE over a selection and ingest is one INSERT per row.
"""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
    true,
)

from gstims.codec import document_bytes, loads

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

GSTIN = String(15)


class CompressedJSON(TypeDecorator[Any]):
    """A JSON document kept as zlib-compressed UTF-8 bytes (migration 0002).

    A lakh-document GSTR-2B is ~19 MB of JSON: as a JSON column PostgreSQL parses and
    TOAST-compresses all of it on every generation (seconds); compressed here at zlib's
    fastest level it is ~2 MB of opaque bytes. What is kept is a document the formats layer
    wrote (or plain lists of ids): amounts stay exact (`document_bytes` / `loads`, Decimal
    both ways). Reads also accept what migration 0002 converted: the plain JSON text.
    """

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else zlib.compress(document_bytes(value), 1)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else loads(json_text(value))


def json_text(kept: bytes | str) -> bytes:
    """The JSON text a `CompressedJSON` column keeps (read as bytes, not decoded)."""
    data = kept.encode() if isinstance(kept, str) else bytes(kept)
    return zlib.decompress(data) if data[:1] == _ZLIB else data


_ZLIB = b"\x78"  # zlib's first byte (deflate, 32K window); JSON text starts with "{" or space


def paise(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=False, default=0)


def opt_paise(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=True)


taxpayers = Table(
    "taxpayers",
    metadata,
    Column("gstin", GSTIN, primary_key=True),
    Column("legal_name", String(200), nullable=False),
    Column("trade_name", String(200), nullable=True),
    Column("state", String(2), nullable=False),
    Column("frequency", String(1), nullable=False),  # M / Q
    Column("registered_on", Date, nullable=False),
    # bumped on every change to the taxpayer's inward IMS state (R-3B-2 staleness)
    Column("ims_version", BigInteger, nullable=False, default=0),
    # maker-checker (migration 0013): a preparer's IMS changes await an approver
    Column("maker_checker", Boolean, nullable=False, default=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=True),
    Column("is_admin", Boolean, nullable=False, default=False),
)

grants = Table(
    "grants",
    metadata,
    Column("user_id", Integer, primary_key=True),
    Column("gstin", GSTIN, primary_key=True),
    # viewer / preparer / approver / admin (domain/roles.py, migration 0013)
    Column("role", String(10), nullable=False, default="approver"),
)

# A taxpayer's own GSTR-3B draft of a period (GSTR-3B RETSAVE, migration 0010): the JSON as
# gstims reads it (amounts exact), replaced by each save; a filed 3B takes no more saves.
gstr3b_drafts = Table(
    "gstr3b_drafts",
    metadata,
    Column("gstin", GSTIN, primary_key=True),
    Column("period", Integer, primary_key=True),  # YYYYMM
    Column("content", JSON, nullable=False),
    Column("reference_id", String(40), nullable=False),
    Column("saved_on", Date, nullable=False),
)

# GSTR-1 (and IFF), GSTR-1A and GSTR-3B filings of a taxpayer's period.
returns = Table(
    "returns",
    metadata,
    Column("gstin", GSTIN, primary_key=True),
    Column("form", String(8), primary_key=True),  # GSTR1 / GSTR1A / GSTR3B / GSTR5 / GSTR6
    Column("period", Integer, primary_key=True),  # YYYYMM (a quarter: its last month)
    Column("status", String(8), nullable=False),  # saved / filed
    Column("filed_on", Date, nullable=True),
    Column("content", JSON, nullable=True),  # a filed GSTR-3B: the values filed
    Column("from_2b_version", Integer, nullable=True),
)

records = Table(
    "records",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("recipient", GSTIN, nullable=False),
    Column("supplier", GSTIN, nullable=False),  # "" for ICEGATE imports
    Column("kind", String(3), nullable=False),
    Column("number", String(40), nullable=False),  # record-key number (normalised, original's)
    Column("fy", Integer, nullable=False),
    Column("amend_no", Integer, nullable=False, default=0),
    Column("live", Boolean, nullable=False, default=True),
    Column("origin", String(8), nullable=False),  # R1 / R1A / R5 / R6 / ICEGATE
    Column("source_period", Integer, nullable=False),  # supplier's rtnprd YYYYMM
    Column("supplier_frequency", String(1), nullable=False),
    Column("doc_number", String(40), nullable=False),  # as reported
    Column("doc_date", Date, nullable=False),
    Column("pos", String(2), nullable=False),
    Column("supply_type", String(6), nullable=False, default="R"),
    Column("rchrg", Boolean, nullable=False, default=False),
    Column("diff_percent", String(5), nullable=True),
    Column("rate", String(6), nullable=True),
    paise("value"),
    paise("taxable"),
    paise("igst"),
    paise("cgst"),
    paise("sgst"),
    paise("cess"),
    Column("filed_on", Date, nullable=True),
    Column("orig_number", String(40), nullable=True),
    Column("orig_date", Date, nullable=True),
    Column("orig_consumed", Boolean, nullable=True),
    Column("orig_action", String(1), nullable=True),
    opt_paise("orig_igst"),
    opt_paise("orig_cgst"),
    opt_paise("orig_sgst"),
    opt_paise("orig_cess"),
    opt_paise("orig_eff_igst"),
    opt_paise("orig_eff_cgst"),
    opt_paise("orig_eff_sgst"),
    opt_paise("orig_eff_cess"),
    Column("actual_supplier", GSTIN, nullable=True),
    Column("port_code", String(10), nullable=True),
    Column("ref_date", Date, nullable=True),
    Column("hash", String(64), nullable=False),
    # derived on save and file (an unfiled record's 2B period is read live: services/ims.py); the
    # daily events move route and action (time-bar, expiry)
    Column("route", String(8), nullable=False),
    Column("period_2b", Integer, nullable=False),  # YYYYMM; provisional while unfiled
    Column("specified", Boolean, nullable=False, default=False),
    Column("pending_until", Date, nullable=True),
    Column("limit_16_4", Date, nullable=True),
    Column("time_barred", Boolean, nullable=False, default=False),
    # the recipient's IMS state
    Column("action", String(1), nullable=False, default="N"),
    Column("remarks", String(250), nullable=True),
    Column("itc_red_req", String(1), nullable=True),
    opt_paise("decl_igst"),
    opt_paise("decl_cgst"),
    opt_paise("decl_sgst"),
    opt_paise("decl_cess"),
    Column("acted_by", String(100), nullable=True),
    Column("acted_at", DateTime, nullable=True),
    Column("version", Integer, nullable=False, default=0),
    # consumption by the recipient's GSTR-3B (R-3B-3)
    Column("consumed_in", Integer, nullable=True),  # the 3B period that consumed it
    Column("consumed_action", String(1), nullable=True),
    opt_paise("eff_igst"),  # the ITC effect it gave when consumed (R-2B-5)
    opt_paise("eff_cgst"),
    opt_paise("eff_sgst"),
    opt_paise("eff_cess"),
    # the recipient in every key: PostgreSQL partitions records by it and Citus distributes
    # them by it (migration 0012, docs/SCALE.md); on PostgreSQL the primary key is
    # (id, recipient), here `id` alone (SQLite's autoincrement). The number's uniqueness
    # whoever the recipient is `record_keys`'.
    UniqueConstraint(
        "supplier", "kind", "number", "fy", "amend_no", "recipient", name="uq_records_key"
    ),
    # No index holds a column SAVE writes (`STATE_COLUMNS`), so PostgreSQL updates a record
    # in place (HOT, ADR 8; a test holds it). GETINV pages walk (recipient, id), migration 0015.
    Index("ix_records_recipient_ims", "recipient", "live", "consumed_in", "route", "kind"),
    Index("ix_records_recipient_id", "recipient", "id"),
    Index("ix_records_recipient_period", "recipient", "period_2b"),
    Index("ix_records_supplier_period", "supplier", "source_period", "origin"),
)

# A supplier's document keys, whoever the recipient (migration 0012): a number is used once per
# supplier, kind and financial year (R-IN-4). Kept by triggers on `records` in the statement
# that writes them, so a key held by another recipient's record fails that statement (as the
# records' own unique key did while it did not hold the recipient). Citus: distributed by the
# supplier (docs/SCALE.md).
record_keys = Table(
    "record_keys",
    metadata,
    Column("supplier", GSTIN, primary_key=True),
    Column("kind", String(3), primary_key=True),
    Column("number", String(40), primary_key=True),
    Column("fy", Integer, primary_key=True, autoincrement=False),
    Column("amend_no", Integer, primary_key=True, autoincrement=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("recipient", GSTIN, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("day", Date, nullable=False),  # the clock's day
    Column("actor", String(100), nullable=False),  # user name or "system"
    Column("record_id", BigInteger, nullable=False),
    Column("supplier", GSTIN, nullable=False),
    Column("kind", String(3), nullable=False),
    Column("number", String(40), nullable=False),
    Column("fy", Integer, nullable=False),
    Column("old_action", String(1), nullable=False),
    Column("new_action", String(1), nullable=False),
    Column("remarks", String(250), nullable=True),
    Column("request_id", String(40), nullable=True),
    Column("note", String(200), nullable=True),
    # the maker of a change an approver applied from a proposal (migration 0013)
    Column("proposed_by", String(100), nullable=True),
    Index("ix_audit_recipient_record", "recipient", "record_id"),
)

gstr2b = Table(
    "gstr2b",
    metadata,
    Column("recipient", GSTIN, primary_key=True),
    Column("period", Integer, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("generated_on", Date, nullable=False),
    Column("ims_version", BigInteger, nullable=False),
    Column("reference_id", String(40), nullable=True),
    Column("content", CompressedJSON, nullable=False),  # the GSTN GSTR-2B data object
    Column("table4", JSON, nullable=False),  # R-3B-1 rows, for AUTOLIAB
    # the records it held, by the action it recorded: {"A": [record ids], "N": [...], ...};
    # filing the 3B consumes exactly these (R-3B-3)
    Column("members", CompressedJSON, nullable=False),
    # the declarations of the records it held that had one: {record id: [Y/N, igst, cgst,
    # sgst, cess]} (paise or null); NULL for generations before migration 0005 (R-3B-3, R-3B-4)
    Column("declarations", CompressedJSON, nullable=True),
)

# Rule 37A reversals and reclaims (R-2B-8), one row per recipient, supplier and period.
itc_adjustments = Table(
    "itc_adjustments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recipient", GSTIN, nullable=False),
    Column("supplier", GSTIN, nullable=False),
    Column("supplier_period", Integer, nullable=False),
    Column("kind", String(8), nullable=False),  # reversal / reclaim
    Column("period_2b", Integer, nullable=False),
    paise("igst"),
    paise("cgst"),
    paise("sgst"),
    paise("cess"),
    Column("consumed_in", Integer, nullable=True),
    UniqueConstraint("recipient", "supplier", "supplier_period", "kind", name="uq_adjustment"),
)

# Credit-note add-backs to a supplier's liability (R-3B-4).
addbacks = Table(
    "addbacks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("supplier", GSTIN, nullable=False),
    Column("period", Integer, nullable=False),  # the supplier period it lands in
    Column("record_id", BigInteger, nullable=False),
    Column("recipient", GSTIN, nullable=False),
    paise("igst"),
    paise("cgst"),
    paise("sgst"),
    paise("cess"),
    Index("ix_addbacks_supplier_period", "supplier", "period"),
)

requests = Table(
    "requests",
    metadata,
    Column("reference_id", String(40), primary_key=True),
    Column("gstin", GSTIN, nullable=False),
    Column("kind", String(10), nullable=False),  # SAVE / RESET / GEN2B / RETSAVE
    Column("status", String(2), nullable=False),  # P / PE / ER / IP
    Column("proc_cnt", Integer, nullable=False, default=0),
    Column("err_cnt", Integer, nullable=False, default=0),
    Column("error_report", JSON, nullable=True),
    Column("created_on", Date, nullable=False),
)

clock = Table(
    "clock",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("today", Date, nullable=False),
)

clock_runs = Table(
    "clock_runs",
    metadata,
    Column("day", Date, primary_key=True),
    Column("event", String(20), primary_key=True),
    Column("summary", String(200), nullable=True),  # the counts in words: always short
    # migration 0011: an event runs in batches of taxpayers, each its own transaction
    Column("counts", JSON, nullable=True),  # {"drafted": 812, "waiting": 3}: bounded
    Column("cursor", GSTIN, nullable=True),  # the last taxpayer done (keyset) while running
    Column("finished", Boolean, nullable=False, server_default=true()),
)

# What a day's event did to each taxpayer (migration 0011): a 2B drafted (with its period), so
# many records expired or time-barred, so many Rule 37A reversals. One row per taxpayer and
# event and day, never a list in one value; a drafted row marks that taxpayer's draft done.
clock_results = Table(
    "clock_results",
    metadata,
    Column("day", Date, primary_key=True),
    Column("event", String(20), primary_key=True),
    Column("gstin", GSTIN, primary_key=True),
    Column("outcome", String(20), nullable=False),
    Column("period", Integer, nullable=True),  # YYYYMM, when the outcome is of one period
    Column("count", Integer, nullable=False),  # records (or reversals) it concerned
    Index("ix_clock_results_gstin", "gstin", "day"),
)

# Dashboard sessions, kept on the server (migration 0008): the cookie carries a random id whose
# SHA-256 is `id`; signing out deletes the row, so a copied cookie is worth nothing after it.
sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),  # UTC wall clock, never the sandbox clock
    Column("last_seen", DateTime, nullable=False),
)

# Failed sign-ins by account ("user:<name>") and by client address ("ip:<address>").
login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_at", DateTime, nullable=False),
    Column("locked_until", DateTime, nullable=True),
)

# API tokens (migration 0009): scoped, expiring, revocable; only the SHA-256 is kept. A user's
# first token (made with the user) is one of them; `users.token_hash` is no longer read.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scope", String(8), nullable=False),  # read / write
    Column("created_at", DateTime, nullable=False),  # UTC wall clock
    Column("expires_at", DateTime, nullable=True),
    Column("revoked_at", DateTime, nullable=True),
)

# Who granted, rotated, revoked or removed what, and when (append-only by convention: nothing
# in gstims updates or deletes it).
security_log = Table(
    "security_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("event", String(40), nullable=False),
    Column("subject", String(100), nullable=False),
    Column("detail", String(400), nullable=True),
)

# Maker-checker (migration 0013): a preparer's IMS changes awaiting an approver, with what
# each record was when proposed (its action and version: a record changed since is stale).
proposals = Table(
    "proposals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("gstin", GSTIN, nullable=False),
    Column("kind", String(10), nullable=False),  # SAVE / RESET
    Column("reference_id", String(40), nullable=False),  # the request the maker was answered
    Column("maker", String(100), nullable=False),
    Column("remarks", String(250), nullable=True),
    Column("created_at", DateTime, nullable=False),  # UTC wall clock
    Column("day", Date, nullable=False),  # the clock's day
    Column("items", Integer, nullable=False),
    Column("status", String(10), nullable=False),  # awaiting / approved / sent_back
    Column("checker", String(100), nullable=True),
    Column("decided_at", DateTime, nullable=True),
    Column("comment", String(250), nullable=True),
    Column("applied", Integer, nullable=True),
    Column("stale", Integer, nullable=True),
    Column("refused", Integer, nullable=True),
    Index("ix_proposals_gstin_status", "gstin", "status"),
)

proposal_items = Table(
    "proposal_items",
    metadata,
    Column("proposal_id", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),  # the item's place in the request
    Column("gstin", GSTIN, nullable=False),  # the proposal's: its distribution column (Citus)
    Column("record_id", BigInteger, nullable=True),  # None: no such record when proposed
    Column("version", Integer, nullable=True),  # the record's version when proposed
    Column("held_action", String(1), nullable=True),  # its action when proposed
    Column("section", String(10), nullable=False),
    Column("supplier", String(15), nullable=False),
    Column("number", String(60), nullable=False),
    Column("doc_date", Date, nullable=False),
    Column("action", String(1), nullable=False),
    Column("prev_status", String(1), nullable=True),
    Column("remarks", String(250), nullable=True),
    Column("declaration", String(100), nullable=True),  # "N", "Y", or "Y:igst:cgst:sgst:cess"
    Column("rtnprd", String(6), nullable=True),
)
