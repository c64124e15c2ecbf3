"""Scoped, expiring, revocable API tokens and the security log

`api_tokens` keeps every token of a user (SHA-256, scope read/write, when made, when it
expires, when it was revoked); each user's existing token becomes one of them (write scope,
no expiry), and `users.token_hash` is no longer read. `security_log` records each grant,
issue, rotation, revocation and removal with who did it.

Revision ID: 0009
Revises: 0008
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "security_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("detail", sa.String(400), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_log")),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.execute(
        sa.text(
            "INSERT INTO api_tokens (user_id, token_hash, scope, created_at) "
            "SELECT id, token_hash, 'write', :now FROM users"
        ).bindparams(now=now)
    )


def downgrade() -> None:
    op.drop_table("security_log")
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")
