"""The purchase register (imports, documents, profiles), reconciliation runs, manual work

R-REC-1 … R-REC-4, R-REC-13 of spec/reconciliation.md; tables described in
`store/books_tables.py`.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _paise(name: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=nullable, server_default=None)


def upgrade() -> None:
    op.create_table(
        "books_imports",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("profile", sa.String(40), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=True),
        sa.Column("months", sa.JSON(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_books_imports"),
        sa.UniqueConstraint("gstin", "version", name="uq_books_imports_gstin"),
    )
    op.create_table(
        "books_documents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("supplier", sa.String(15), nullable=False),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("number", sa.String(60), nullable=False),
        sa.Column("doc_date", sa.Date(), nullable=False),
        _paise("taxable"),
        _paise("igst"),
        _paise("cgst"),
        _paise("sgst"),
        _paise("cess"),
        _paise("value", nullable=True),
        sa.Column("pos", sa.String(2), nullable=True),
        sa.Column("reverse_charge", sa.Boolean(), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=True),
        sa.Column("port_code", sa.String(10), nullable=True),
        sa.Column("rows", sa.String(2000), nullable=False),
        sa.Column("vouchers", sa.String(2000), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_books_documents"),
    )
    op.create_index(
        "ix_books_documents_current", "books_documents", ["gstin", "month", "import_id"]
    )
    op.create_table(
        "books_profiles",
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("gstin", "name", name="pk_books_profiles"),
    )

    op.create_table(
        "recon_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("gstins", sa.JSON(), nullable=False),
        sa.Column("periods", sa.JSON(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("results", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_recon_runs"),
    )
    op.create_index("ix_recon_runs_gstin", "recon_runs", ["gstin", "id"])
    op.create_table(
        "recon_manual",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("gstin", sa.String(15), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("books_ref", sa.String(120), nullable=True),
        sa.Column("portal_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(1), nullable=True),
        sa.Column("made_by", sa.String(100), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_by", sa.String(100), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_recon_manual"),
    )
    op.create_index("ix_recon_manual_gstin", "recon_manual", ["gstin", "revoked_at"])


def downgrade() -> None:
    op.drop_index("ix_recon_manual_gstin", table_name="recon_manual")
    op.drop_table("recon_manual")
    op.drop_index("ix_recon_runs_gstin", table_name="recon_runs")
    op.drop_table("recon_runs")
    op.drop_table("books_profiles")
    op.drop_index("ix_books_documents_current", table_name="books_documents")
    op.drop_table("books_documents")
    op.drop_table("books_imports")
