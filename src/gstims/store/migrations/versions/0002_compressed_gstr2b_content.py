"""GSTR-2B content as compressed bytes

A lakh-document GSTR-2B is ~19 MB of JSON; kept in a JSON column, PostgreSQL parses and
TOAST-compresses all of it on every generation. `gstr2b.content` becomes binary, written
zlib-compressed by `tables.CompressedJSON` (~2 MB). Existing rows are converted to their
plain UTF-8 JSON text, which `CompressedJSON` also reads; the downgrade turns every row back
into JSON.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:00:00
"""

import zlib

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gstr2b", schema=None) as batch_op:
        batch_op.alter_column(
            "content",
            existing_type=sa.JSON(),
            type_=sa.LargeBinary(),
            existing_nullable=False,
            postgresql_using="convert_to(content::text, 'UTF8')",
        )


def downgrade() -> None:
    gstr2b = sa.table(
        "gstr2b",
        sa.column("recipient", sa.String),
        sa.column("period", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("content", sa.LargeBinary),
    )
    conn = op.get_bind()
    key = (gstr2b.c.recipient, gstr2b.c.period, gstr2b.c.version)
    for recipient, period, version, content in conn.execute(sa.select(*key, gstr2b.c.content)):
        data = content.encode() if isinstance(content, str) else bytes(content)
        if data[:1] == b"\x78":  # compressed by CompressedJSON: back to plain JSON text
            conn.execute(
                sa.update(gstr2b)
                .where(
                    gstr2b.c.recipient == recipient,
                    gstr2b.c.period == period,
                    gstr2b.c.version == version,
                )
                .values(content=zlib.decompress(data))
            )
    with op.batch_alter_table("gstr2b", schema=None) as batch_op:
        batch_op.alter_column(
            "content",
            existing_type=sa.LargeBinary(),
            type_=sa.JSON(),
            existing_nullable=False,
            postgresql_using="convert_from(content, 'UTF8')::json",
        )
