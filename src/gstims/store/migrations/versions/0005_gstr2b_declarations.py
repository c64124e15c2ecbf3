"""Each GSTR-2B generation keeps the declarations it was computed with

A credit note's declaration (`itcRedReq` and amounts, R-ACT-7) decides its ITC effect and
the supplier's add-back (R-3B-4) as much as its action. Filing the 3B consumes a record as
the filed 2B held it (R-3B-3), so the generation now keeps, beside `members`, the
declarations of the records it held: `gstr2b.declarations` = {record id: [Y/N, igst, cgst,
sgst, cess in paise or null]} (compressed JSON). Generations made before have none (NULL):
their records are consumed with the declaration they have at filing, as before.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("gstr2b", sa.Column("declarations", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("gstr2b") as batch_op:
        batch_op.drop_column("declarations")
