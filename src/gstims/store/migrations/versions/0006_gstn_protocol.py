"""The GSTN taxpayer protocol: client credentials, OTPs, sessions, large-download files

`gstims.gstn.tables` describes them. Sessions live here, not in memory, so a restart logs
nobody out.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gstn_clients",
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
    )
    op.create_table(
        "gstn_otps",
        sa.Column("username", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("otp", sa.String(6), nullable=False),
        sa.Column("app_key", sa.LargeBinary(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "gstn_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("gstin", sa.String(15), nullable=True),
        sa.Column("app_key", sa.LargeBinary(), nullable=False),
        sa.Column("sek", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "gstn_downloads",
        sa.Column("token", sa.String(40), primary_key=True),
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("file_key", sa.LargeBinary(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "gstn_files",
        sa.Column("token", sa.String(40), primary_key=True),
        sa.Column("part", sa.Integer(), primary_key=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
    )
    op.create_table(
        "gstn_return_saves",
        sa.Column("reference_id", sa.String(40), primary_key=True),
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("form", sa.String(8), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "gstn_return_saves",
        "gstn_files",
        "gstn_downloads",
        "gstn_sessions",
        "gstn_otps",
        "gstn_clients",
    ):
        op.drop_table(table)
