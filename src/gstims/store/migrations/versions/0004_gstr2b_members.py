"""Each GSTR-2B generation keeps the records it held

Filing a GSTR-3B consumes exactly the records its 2B held, with the action that 2B recorded
(R-3B-3). Until now every generation marked those records (`records.in_2b_period`,
`in_2b_version`, `in_2b_action`): an UPDATE of every record of the 2B, a lakh of row
versions on PostgreSQL, on every (re)computation. The generation now keeps the list itself,
`gstr2b.members` = {action: [record ids]} (compressed JSON, like its content), and the three
columns go.

Upgrade: a generation's members are the records still marked with its period and version.
Only the latest generation of a period can still be so marked (a recomputation re-marked the
records), and only the latest is ever consumed; earlier ones keep an empty list. Downgrade:
the records are marked again from each period's latest generation.

Revision ID: 0004
Revises: 0003
"""

import json
import zlib
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_MARKS = ("in_2b_period", "in_2b_version", "in_2b_action")

gstr2b = sa.table(
    "gstr2b",
    sa.column("recipient", sa.String),
    sa.column("period", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("members", sa.LargeBinary),
)
records = sa.table(
    "records",
    sa.column("id", sa.Integer),
    sa.column("recipient", sa.String),
    *(sa.column(name, sa.Integer) for name in _MARKS[:2]),
    sa.column("in_2b_action", sa.String),
)


def _packed(members: dict[str, list[int]]) -> bytes:
    return zlib.compress(json.dumps(members, separators=(",", ":")).encode(), 1)


def _unpacked(data: Any) -> dict[str, list[int]]:
    raw = bytes(data)
    result: dict[str, list[int]] = json.loads(zlib.decompress(raw) if raw[:1] == b"\x78" else raw)
    return result


def upgrade() -> None:
    op.add_column("gstr2b", sa.Column("members", sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    held: dict[tuple[str, int, int], dict[str, list[int]]] = defaultdict(dict)
    marked = sa.select(records.c.recipient, *(records.c[n] for n in _MARKS), records.c.id).where(
        records.c.in_2b_period.is_not(None)
    )
    for recipient, period, version, action, record_id in conn.execute(marked):
        held[(recipient, period, version)].setdefault(action, []).append(record_id)
    key = (gstr2b.c.recipient, gstr2b.c.period, gstr2b.c.version)
    for generation in conn.execute(sa.select(*key)).all():
        conn.execute(
            sa.update(gstr2b)
            .where(*(c == v for c, v in zip(key, generation, strict=True)))
            .values(members=_packed(held.get(tuple(generation), {})))
        )
    with op.batch_alter_table("gstr2b") as batch_op:
        batch_op.alter_column("members", existing_type=sa.LargeBinary(), nullable=False)
    for name in _MARKS:  # no index or trigger names them: a plain DROP COLUMN (SQLite ≥ 3.35)
        op.execute(f"ALTER TABLE records DROP COLUMN {name}")


def downgrade() -> None:
    op.add_column("records", sa.Column("in_2b_period", sa.Integer(), nullable=True))
    op.add_column("records", sa.Column("in_2b_version", sa.Integer(), nullable=True))
    op.add_column("records", sa.Column("in_2b_action", sa.String(1), nullable=True))
    conn = op.get_bind()
    latest = sa.select(gstr2b.c.recipient, gstr2b.c.period, sa.func.max(gstr2b.c.version)).group_by(
        gstr2b.c.recipient, gstr2b.c.period
    )
    for recipient, period, version in conn.execute(latest).all():
        members = conn.execute(
            sa.select(gstr2b.c.members).where(
                gstr2b.c.recipient == recipient,
                gstr2b.c.period == period,
                gstr2b.c.version == version,
            )
        ).scalar_one()
        for action, ids in _unpacked(members).items():
            for start in range(0, len(ids), 10_000):
                conn.execute(
                    sa.update(records)
                    .where(records.c.id.in_(ids[start : start + 10_000]))
                    .values(in_2b_period=period, in_2b_version=version, in_2b_action=action)
                )
    with op.batch_alter_table("gstr2b") as batch_op:
        batch_op.drop_column("members")
