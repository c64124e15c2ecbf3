"""Records' read indexes (migration 0015, issue 13): the migration builds and takes back its
index on a filled database, answers unchanged; no index holds what SAVE writes; GETCNT is
kept per IMS version."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from tests.integration.harness import R
from tests.integration.test_records_by_recipient import filled, statements

from gstims.domain.ims import ImsFilter
from gstims.domain.records import Action
from gstims.services import dashboard, ims
from gstims.store.db import Database
from gstims.store.records.mapping import STATE_COLUMNS


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


def test_0015_builds_its_index_on_a_filled_table_and_takes_it_back(db):
    box = filled(db)
    box.act("INV-3", Action.PENDING)
    before = answers(db)
    made = indexes(db)
    assert "ix_records_recipient_id" in made

    db.downgrade("0014")
    gone = indexes(db)
    assert "ix_records_recipient_id" not in gone
    assert answers(db) == before

    db.migrate()
    assert indexes(db) == made
    assert answers(db) == before
    assert before[1] and before[1] != before[2]  # two real pages, in id order
    assert before[1] == sorted(before[1]) and max(before[1]) < min(before[2])


def test_no_index_of_records_holds_a_column_save_writes(db):
    """ADR 8: a SAVE changes only `STATE_COLUMNS` (and the version), so PostgreSQL can update
    a record in place (HOT) on its fillfactor-70 page; one index holding `action` doubled a
    SAVE of 50,000 (BENCHMARKS, session 5). Keys and indexes both, as the database has them."""
    written = {*STATE_COLUMNS, "version"}
    with db.engine.connect() as conn:
        found = sa.inspect(conn)
        held = {c for i in found.get_indexes("records") for c in i["column_names"] if c}
        held |= {
            c for i in found.get_indexes("records") for c in i.get("include_columns", None) or ()
        }
        held |= {c for u in found.get_unique_constraints("records") for c in u["column_names"]}
        held |= set(found.get_pk_constraint("records")["constrained_columns"])
    assert held & written == set()
    assert {"recipient", "id", "kind"} <= held  # the check reads the real indexes


def test_getcnt_is_kept_per_ims_version(db):
    """GETCNT's GROUP BY (`ims.counts`, and `dashboard.ims_counts` without a kept summary)
    runs once per IMS version: asked again while the IMS is unchanged it is a lookup, and a
    SAVE makes it count again."""
    box = filled(db)
    dashboard.forget_summaries()
    with statements(db) as counting:
        first = box.run(dashboard.ims_counts, R, write=False)
    assert sum("GROUP BY" in s for s, _ in counting) == 1
    with statements(db) as again:
        assert box.run(dashboard.ims_counts, R, write=False) == first == box.run(ims.counts, R)
    assert sum("GROUP BY" in s for s, _ in again) == 1  # ims.counts' own
    box.act("INV-3", Action.PENDING)
    with statements(db) as after:
        changed = box.run(dashboard.ims_counts, R, write=False)
    assert sum("GROUP BY" in s for s, _ in after) == 1
    assert changed == box.run(ims.counts, R) != first
