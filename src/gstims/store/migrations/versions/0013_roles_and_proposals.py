"""Roles per grant, maker-checker per GSTIN, proposals, and the maker on audit entries

`grants.role` is viewer / preparer / approver / admin; every grant made before it becomes
`approver` (its holder keeps doing everything they did, docs/SECURITY.md).
`taxpayers.maker_checker` turns maker-checker on for a GSTIN (off for every existing one).
`proposals` and `proposal_items` keep a preparer's IMS changes awaiting an approver: the
records, the actions, remarks and the action and version each record had.
`audit_log.proposed_by` names the maker of a change an approver applied (the actor is the
approver); adding a nullable column updates no entry, so the append-only triggers hold.

On PostgreSQL the proposals' keys hold their GSTIN, the distribution column of docs/SCALE.md's
Citus design (as migration 0012 did for the other tenant tables): `proposals (id, gstin)`,
`proposal_items (proposal_id, seq, gstin)` — an item carries its proposal's GSTIN for that.
SQLite keeps single-column keys (an autoincrement id must be the whole key there).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# PostgreSQL: each table's primary key with its distribution column (docs/SCALE.md)
DISTRIBUTED_KEYS = {
    "proposals": ("id", "gstin"),
    "proposal_items": ("proposal_id", "seq", "gstin"),
}


def upgrade() -> None:
    op.add_column(
        "grants", sa.Column("role", sa.String(10), nullable=False, server_default="approver")
    )
    op.add_column(
        "taxpayers",
        sa.Column("maker_checker", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("audit_log", sa.Column("proposed_by", sa.String(100), nullable=True))
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("reference_id", sa.String(40), nullable=False),
        sa.Column("maker", sa.String(100), nullable=False),
        sa.Column("remarks", sa.String(250), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("checker", sa.String(100), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("comment", sa.String(250), nullable=True),
        sa.Column("applied", sa.Integer(), nullable=True),
        sa.Column("stale", sa.Integer(), nullable=True),
        sa.Column("refused", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
    )
    op.create_index("ix_proposals_gstin_status", "proposals", ["gstin", "status"])
    op.create_table(
        "proposal_items",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("held_action", sa.String(1), nullable=True),
        sa.Column("section", sa.String(10), nullable=False),
        sa.Column("supplier", sa.String(15), nullable=False),
        sa.Column("number", sa.String(60), nullable=False),
        sa.Column("doc_date", sa.Date(), nullable=False),
        sa.Column("action", sa.String(1), nullable=False),
        sa.Column("prev_status", sa.String(1), nullable=True),
        sa.Column("remarks", sa.String(250), nullable=True),
        sa.Column("declaration", sa.String(100), nullable=True),
        sa.Column("rtnprd", sa.String(6), nullable=True),
        sa.PrimaryKeyConstraint("proposal_id", "seq", name=op.f("pk_proposal_items")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, key in DISTRIBUTED_KEYS.items():
            op.execute(
                f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}, "
                f"ADD CONSTRAINT pk_{table} PRIMARY KEY ({', '.join(key)})"
            )


def downgrade() -> None:
    op.drop_table("proposal_items")
    op.drop_index("ix_proposals_gstin_status", table_name="proposals")
    op.drop_table("proposals")
    for table, column in (
        ("audit_log", "proposed_by"),
        ("taxpayers", "maker_checker"),
        ("grants", "role"),
    ):  # SQLite >= 3.35 and PostgreSQL both drop a column in place
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
