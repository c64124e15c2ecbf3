"""Records' read indexes for one recipient's GETCNT and GETINV pages (issue 13)

    ix_records_recipient_ims   (recipient, live, consumed_in, route, kind)
                               + action, orig_consumed, supplier
                               GETCNT groups the recipient's open IMS records by kind,
                               action, orig_consumed and whether the supplier is set: with
                               those in the index it is an index-only scan (PostgreSQL: as
                               INCLUDE columns; SQLite: key columns, SQLite has no INCLUDE)
    ix_records_recipient_id    (recipient, id)
                               GETINV pages order the recipient's records by id: in id order
                               within the recipient, not a walk of the partition's primary key
                               (id, recipient) past every other recipient's ids

The first replaces the index of the same name (its key columns are unchanged, so every query
it served it still serves). On PostgreSQL `records` is partitioned (migration 0012): the
indexes are made on the partitioned table, which makes one on each partition. Neither is
unique (Citus: only unique keys must hold the distribution column; both lead with it anyway).
ADR 22 and docs/BENCHMARKS.md say what they cost and what they buy.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

IMS_KEY = ("recipient", "live", "consumed_in", "route", "kind")
IMS_COVERED = ("action", "orig_consumed", "supplier")


def upgrade() -> None:
    op.drop_index("ix_records_recipient_ims", table_name="records")
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_records_recipient_ims",
            "records",
            list(IMS_KEY),
            postgresql_include=list(IMS_COVERED),
        )
    else:
        op.create_index("ix_records_recipient_ims", "records", [*IMS_KEY, *IMS_COVERED])
    op.create_index("ix_records_recipient_id", "records", ["recipient", "id"])


def downgrade() -> None:
    op.drop_index("ix_records_recipient_id", table_name="records")
    op.drop_index("ix_records_recipient_ims", table_name="records")
    op.create_index("ix_records_recipient_ims", "records", list(IMS_KEY))
