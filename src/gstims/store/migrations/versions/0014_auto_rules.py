"""Auto-action rules: rule sets (per GSTIN or per user) and their scheduled runs (issue 17)

Revision ID: 0014
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auto_rule_sets",
        sa.Column("scope", sa.String(120), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("on_day", sa.Integer(), nullable=True),
        sa.Column("saved_by", sa.String(100), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_auto_rule_sets")),
    )
    op.create_index("ix_auto_rule_sets_on_day", "auto_rule_sets", ["on_day"])
    op.create_table(
        "auto_rule_runs",
        sa.Column("scope", sa.String(120), nullable=False),
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ran_at", sa.DateTime(), nullable=False),
        sa.Column("summary", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("scope", "gstin", "month", name=op.f("pk_auto_rule_runs")),
    )


def downgrade() -> None:
    op.drop_table("auto_rule_runs")
    op.drop_index("ix_auto_rule_sets_on_day", table_name="auto_rule_sets")
    op.drop_table("auto_rule_sets")
