"""The clock's events in batches: counts, progress and what each did per taxpayer

`clock_runs` keeps a day's event as counts (`counts`, e.g. {"drafted": 812}) and, while the
event runs in batches of taxpayers, where it got to (`cursor`, the last GSTIN done) and
whether it is done (`finished`). `clock_results` holds what the event did to each taxpayer.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clock_runs") as batch:
        batch.add_column(sa.Column("counts", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("cursor", sa.String(15), nullable=True))
        batch.add_column(
            sa.Column("finished", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "clock_results",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("period", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "event", "gstin", name=op.f("pk_clock_results")),
    )
    op.create_index(op.f("ix_clock_results_gstin"), "clock_results", ["gstin", "day"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_clock_results_gstin"), table_name="clock_results")
    op.drop_table("clock_results")
    with op.batch_alter_table("clock_runs") as batch:
        batch.drop_column("finished")
        batch.drop_column("cursor")
        batch.drop_column("counts")
