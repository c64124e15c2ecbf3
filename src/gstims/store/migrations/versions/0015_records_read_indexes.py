"""Records' read index for one recipient's GETINV pages (issue 13)

    ix_records_recipient_id    (recipient, id)
                               GETINV pages order the recipient's records by id: in id order
                               within the recipient, not a walk of the partition's primary key
                               (id, recipient) past every other recipient's ids

On PostgreSQL `records` is partitioned (migration 0012): the index is made on the partitioned
table, which makes one on each partition. It is not unique (Citus: only unique keys must hold
the distribution column; it leads with it anyway).

(session 5) A first version also made `ix_records_recipient_ims` cover `action`,
`orig_consumed` and `supplier` so that GETCNT would be an index-only scan. It was taken out
before it landed: with `action` in an index no SAVE can update a record in place (ADR 8's
HOT updates), and a SAVE of 50,000 on PostgreSQL took 2.43 s against 1.19 s without it. ADR 22
and docs/BENCHMARKS.md give the figures.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_records_recipient_id", "records", ["recipient", "id"])


def downgrade() -> None:
    op.drop_index("ix_records_recipient_id", table_name="records")
