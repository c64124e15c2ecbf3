"""New records and their keys (ADR 0023): from `KEYS_IN_BULK_FROM` rows SQLite's per-row key
trigger is stood down and the keys are written by one INSERT ... SELECT; both paths leave the
same tables, refuse the same held key, and leave the trigger as it was."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.integration.harness import S1, R, doc, supplier_and_recipient

from gstims.store.db import Database
from gstims.store.records import supplied
from gstims.store.records.supplied import insert_records
from gstims.store.tables import record_keys, records

R2 = "24AAACB5343E1Z7"
KEY = ("supplier", "kind", "number", "fy", "amend_no")
TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"


def template(db: Database) -> dict[str, Any]:
    """A stored record's row (without its id), to copy with other numbers."""
    box = supplier_and_recipient(db)
    box.register(R2)
    box.save(S1, "102024", doc("T-1", "10-10-2024"))
    with db.engine.connect() as conn:
        (row,) = conn.execute(sa.select(records)).mappings()
    return {k: v for k, v in row.items() if k != "id"}


def tables(conn: sa.Connection) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(the records without their ids, the key table), each sorted."""
    held = conn.execute(sa.select(*(c for c in records.c if c.name != "id"))).all()
    kept = conn.execute(sa.select(record_keys)).all()
    return sorted(map(tuple, held), key=repr), sorted(map(tuple, kept))


def triggers(conn: sa.Connection) -> list[tuple[Any, ...]]:
    if conn.dialect.name != "sqlite":
        return []
    return [tuple(r) for r in conn.exec_driver_sql(TRIGGERS)]


def written(db: Database, rows: list[dict[str, Any]], bulk_from: int) -> Any:
    """The tables after inserting `rows` with the bulk path from `bulk_from` rows (rolled
    back after)."""
    previous = supplied.KEYS_IN_BULK_FROM
    supplied.KEYS_IN_BULK_FROM = bulk_from
    try:
        with db.engine.connect() as conn, conn.begin() as tx:
            insert_records(conn, rows)
            seen = tables(conn), triggers(conn)
            tx.rollback()
    finally:
        supplied.KEYS_IN_BULK_FROM = previous
    return seen


_NUMBERS = st.lists(
    st.tuples(st.text("ABC-0123456789/", min_size=1, max_size=8), st.sampled_from([R, R2])),
    min_size=1,
    max_size=30,
    unique_by=lambda t: t[0],
)


def test_the_bulk_key_path_writes_what_the_trigger_writes(db):
    base = template(db)
    with db.engine.connect() as conn:
        before = triggers(conn)

    @settings(
        max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(numbers=_NUMBERS)
    def check(numbers: list[tuple[str, str]]) -> None:
        rows = [{**base, "number": n, "recipient": r} for n, r in numbers]
        plain = written(db, rows, bulk_from=10**9)
        bulk = written(db, rows, bulk_from=1)
        assert bulk == plain
        assert plain[1] == before  # the trigger as it was, on both paths
        (held, kept) = plain[0]
        names = [c.name for c in records.c if c.name != "id"]
        keys_held = (tuple(dict(zip(names, h, strict=True))[c] for c in KEY) for h in held)
        assert sorted(keys_held) == kept

    check()


@pytest.mark.parametrize("bulk_from", [1, 10**9], ids=["bulk", "plain"])
def test_a_key_another_recipients_record_holds_is_refused_on_both_paths(db, bulk_from):
    """Rule: R-IN-4 — T-1 is held for R: a new row of it for R2 fails the statement; the
    trigger is back after the refusal, in the same transaction."""
    base = template(db)
    rows = [{**base, "number": "T-2"}, {**base, "recipient": R2}]
    previous = supplied.KEYS_IN_BULK_FROM
    supplied.KEYS_IN_BULK_FROM = bulk_from
    try:
        with db.engine.connect() as conn:
            before = triggers(conn)
        with db.engine.connect() as conn:
            tx = conn.begin()
            with pytest.raises(sa.exc.IntegrityError):
                insert_records(conn, rows)
            if conn.dialect.name == "sqlite":  # the statement failed, the transaction lives
                assert triggers(conn) == before
            tx.rollback()
            assert triggers(conn) == before
    finally:
        supplied.KEYS_IN_BULK_FROM = previous
    with db.engine.connect() as conn:
        assert tables(conn)[1] == [(S1, "INV", "T-1", 2024, 0)]
