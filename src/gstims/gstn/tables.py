"""The GSTN protocol's state: client credentials, OTPs, sessions and large-download files.

Kept in the database (migration 0006) so a restart logs nobody out and a download token
outlives it. Only hashes of client secrets and auth tokens are stored; app keys and seks are
stored as they are, because every later call needs them to open and seal its envelope.
Times are naive UTC.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, LargeBinary, String, Table

from gstims.store.tables import GSTIN, metadata

gstn_clients = Table(
    "gstn_clients",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("secret_hash", String(64), nullable=False),
    Column("name", String(100), nullable=False),
)

# the latest OTP of each kind (LOGIN, EVC) per user; a new one replaces it, a use consumes it
gstn_otps = Table(
    "gstn_otps",
    metadata,
    Column("username", String(100), primary_key=True),
    Column("kind", String(8), primary_key=True),
    Column("otp", String(6), nullable=False),
    Column("app_key", LargeBinary, nullable=True),
    Column("issued_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)

gstn_sessions = Table(
    "gstn_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(100), nullable=False),
    Column("gstin", GSTIN, nullable=True),  # bound when the login named one
    Column("app_key", LargeBinary, nullable=False),
    Column("sek", LargeBinary, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("ended", Boolean, nullable=False, default=False),  # LOGOUT
)

gstn_downloads = Table(
    "gstn_downloads",
    metadata,
    Column("token", String(40), primary_key=True),
    Column("gstin", GSTIN, nullable=False),
    Column("file_key", LargeBinary, nullable=False),
    Column("parts", Integer, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)

gstn_files = Table(
    "gstn_files",
    metadata,
    Column("token", String(40), primary_key=True),
    Column("part", Integer, primary_key=True),
    Column("content", LargeBinary, nullable=False),  # the tar.gz as served
    Column("sha256", String(64), nullable=False),
    Column("records", Integer, nullable=False),
)

# GSTR-1 / 1A RETSAVEs answered through the protocol, for RETSTATUS (a save is applied whole or
# refused at once, so a reference id issued is a processed request)
gstn_return_saves = Table(
    "gstn_return_saves",
    metadata,
    Column("reference_id", String(40), primary_key=True),
    Column("gstin", GSTIN, nullable=False),
    Column("form", String(8), nullable=False),
    Column("saved_at", DateTime, nullable=False),
)
