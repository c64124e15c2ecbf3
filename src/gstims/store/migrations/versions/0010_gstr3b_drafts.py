"""GSTR-3B drafts: the taxpayer's own GSTR-3B of a period as last saved (GSTR-3B RETSAVE)

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gstr3b_drafts",
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("reference_id", sa.String(40), nullable=False),
        sa.Column("saved_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("gstin", "period", name=op.f("pk_gstr3b_drafts")),
    )


def downgrade() -> None:
    op.drop_table("gstr3b_drafts")
