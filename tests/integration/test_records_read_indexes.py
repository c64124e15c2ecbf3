"""Records' read indexes (migration 0015, issue 13): GETCNT is answered from one index, and
the migration builds and takes back its indexes on a filled database, answers unchanged."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from tests.integration.harness import R
from tests.integration.test_records_by_recipient import filled, statements

from gstims.domain.ims import ImsFilter
from gstims.domain.records import Action
from gstims.services import dashboard, ims
from gstims.store.db import Database


def indexes(db: Database) -> dict[str, str]:
    """records' indexes (not its keys): name → definition, as the database spells it."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            found = conn.execute(
                sa.text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = 'records' AND sql IS NOT NULL"
                )
            )
        else:
            found = conn.execute(
                sa.text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'records' "
                    "AND schemaname = current_schema()"
                )
            )
        return {name: definition for name, definition in found if name.startswith("ix_")}


def answers(db: Database) -> tuple[Any, ...]:
    with db.transaction(write=False) as uow:
        page = [r.id for r in ims.list_records(uow, R, ImsFilter(page=1, page_size=3))]
        page2 = [r.id for r in ims.list_records(uow, R, ImsFilter(page=2, page_size=3))]
        return ims.counts(uow, R), page, page2


def test_0015_builds_its_indexes_on_a_filled_table_and_takes_them_back(db):
    box = filled(db)
    box.act("INV-3", Action.PENDING)
    before = answers(db)
    made = indexes(db)
    assert "ix_records_recipient_id" in made
    assert all(c in made["ix_records_recipient_ims"] for c in ("action", "orig_consumed"))
    if not db.is_sqlite:  # covered, not keyed: INCLUDE columns
        assert "INCLUDE (action, orig_consumed, supplier)" in made["ix_records_recipient_ims"]

    db.downgrade("0014")
    gone = indexes(db)
    assert "ix_records_recipient_id" not in gone
    assert "action" not in gone["ix_records_recipient_ims"]
    assert answers(db) == before

    db.migrate()
    assert indexes(db) == made
    assert answers(db) == before
    assert before[1] and before[1] != before[2]  # two real pages, in id order
    assert before[1] == sorted(before[1]) and max(before[1]) < min(before[2])


def reads_only_an_index(db: Database, statement: str, parameters: Any) -> bool:
    """SQLite: its plan reads ix_records_recipient_ims as a covering index. PostgreSQL: every
    column the statement names is in that index (its plan would depend on the visibility
    map, which VACUUM sets only past every open snapshot of the shared database)."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            raw = conn.connection.dbapi_connection
            rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            return any("COVERING INDEX ix_records_recipient_ims" in str(r[-1]) for r in rows)
    named = set(re.findall(r"\brecords\.(\w+)", statement))
    held = set(re.findall(r"\w+", indexes(db)["ix_records_recipient_ims"].split(" USING ")[1]))
    return bool(named) and named <= held


def test_getcnt_counts_from_its_index_alone(db):
    """GETCNT's GROUP BY (`ims.counts`, and `dashboard.ims_counts` without a kept summary)
    reads only ix_records_recipient_ims; the dashboard summary, which sums tax, cannot — the
    check can fail."""
    box = filled(db)
    dashboard.forget_summaries()
    with statements(db) as counting:
        box.run(dashboard.ims_counts, R, write=False)
    with statements(db) as summing:
        box.run(dashboard.ims_summary, R, write=False)
    [(count, count_parameters)] = [(s, p) for s, p in counting if "GROUP BY" in s]
    [(summary, summary_parameters)] = [(s, p) for s, p in summing if "GROUP BY" in s]
    assert reads_only_an_index(db, count, count_parameters)
    assert not reads_only_an_index(db, summary, summary_parameters)
    with statements(db) as again:  # kept: no GROUP BY while the IMS is unchanged
        assert box.run(dashboard.ims_counts, R, write=False) == box.run(ims.counts, R)
    assert sum("GROUP BY" in s for s, _ in again) == 1  # ims.counts' own
