"""Records by recipient (migration 0012, issue 13): hash partitions on PostgreSQL, a number
used once per supplier whoever the recipient, and the hot paths reading one partition."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from tests.integration.harness import S1, S2, R, Sandbox, doc, supplier_and_recipient

from gstims.domain.calendar import Period
from gstims.domain.ims import ImsFilter
from gstims.domain.records import Action
from gstims.services import gstr2b, ims
from gstims.services.errors import Invalid
from gstims.settings import environment
from gstims.store.db import Database
from gstims.store.tables import record_keys, records

R2 = "24AAACB5343E1Z7"  # a second recipient (Gujarat)
KEY = ("supplier", "kind", "number", "fy", "amend_no")


def rows(db: Database) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(records).order_by(records.c.id))]


def keys(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(the records' keys, the record_keys table), each sorted."""
    with db.engine.connect() as conn:
        held = conn.execute(sa.select(*(records.c[c] for c in KEY))).all()
        kept = conn.execute(sa.select(record_keys)).all()
    return sorted(map(tuple, held)), sorted(map(tuple, kept))


def partitions(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = CAST('records' AS regclass) ORDER BY 1"
                )
            ).scalars()
        )


def filled(db: Database) -> Sandbox:
    """Filed records to two recipients, one acted on, one amended."""
    box = supplier_and_recipient(db)
    box.register(R2)
    box.register(S2)
    box.save(S1, "102024", *(doc(f"INV-{i}", "10-10-2024") for i in range(1, 6)))
    box.save(
        S2,
        "102024",
        doc("G-1", "11-10-2024", supplier_gstin=S2),
        doc("G-2", "11-10-2024", to=R2, cgst=900, sgst=900, supplier_gstin=S2),
    )
    box.file(S1, "102024")
    box.file(S2, "102024")
    box.act("INV-1", Action.ACCEPT)
    box.save(
        S1, "112024", doc("INV-2", "10-10-2024", taxable=9000, original=("INV-2", "10-10-2024"))
    )
    return box


BEFORE_0012 = "0011"  # the revision 0012 follows


# -- the migration ----------------------------------------------------------------------------


def test_0012_converts_a_filled_table_keeping_every_row_and_the_id_sequence(db):
    """Rule: R-IN-4 — rows, ids and the sequence survive the conversion and its undoing
    (PostgreSQL: into the default 8 partitions and back; SQLite: the new keys)."""
    postgres = not db.is_sqlite
    box = filled(db)  # filled by today's code, then taken back to the schema before 0012
    before = rows(db)
    assert len(before) == 8
    db.downgrade(BEFORE_0012)
    assert rows(db) == before
    if postgres:
        assert partitions(db) == []
    db.migrate()
    assert rows(db) == before
    if postgres:
        assert partitions(db) == [f"records_p{i}" for i in range(8)]  # the default setting
    held, kept = keys(db)
    assert held == kept and len(kept) == 8
    box.save(S1, "112024", doc("INV-9", "05-11-2024"))
    after = rows(db)
    assert after[:-1] == before and after[-1][0] == before[-1][0] + 1  # the sequence went on

    db.downgrade(BEFORE_0012)
    assert rows(db) == after
    if postgres:
        assert partitions(db) == []
    db.migrate()
    assert rows(db) == after
    assert box.numbers() == {"INV-1", "INV-2", "INV-3", "INV-4", "INV-5", "G-1", "INV-9"}


@pytest.mark.postgres
def test_0012_on_an_empty_database_makes_the_partitions_the_setting_asks(pg_db, monkeypatch):
    pg_db.downgrade("0010")
    monkeypatch.setenv("GSTIMS_RECORDS_PARTITIONS", "3")
    environment.cache_clear()
    try:
        pg_db.migrate()
    finally:
        environment.cache_clear()
    assert partitions(pg_db) == ["records_p0", "records_p1", "records_p2"]
    filled(pg_db)
    with pg_db.engine.connect() as conn:
        where = conn.execute(
            sa.text("SELECT DISTINCT tableoid::regclass::text, recipient FROM records")
        ).all()
    recipients = [recipient for _, recipient in where]
    assert sorted(recipients) == sorted([R, R2])  # each recipient's rows in one partition


# -- a number once per supplier, whoever the recipient ----------------------------------------


def test_a_supplier_cannot_hold_one_number_for_two_recipients(db):
    """Rule: R-IN-4 — the number is used once per supplier, kind and FY whoever the
    recipient: the store refuses a second row with the key, to any recipient."""
    filled(db)
    with db.engine.connect() as conn:
        (first,) = conn.execute(sa.select(records).where(records.c.number == "G-2")).mappings()
    copy = {k: v for k, v in first.items() if k != "id"}
    for recipient in (R2, R):  # the same recipient, and another one
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.insert(records).values({**copy, "recipient": recipient}))
    with db.engine.begin() as conn:  # an amendment of it (amend_no + 1) is a new key
        conn.execute(sa.insert(records).values({**copy, "amend_no": 1}))
        conn.execute(sa.delete(records).where(records.c.id == first["id"]))
        conn.execute(sa.insert(records).values({**copy, "recipient": R}))  # free again
    held, kept = keys(db)
    assert held == kept


def test_record_keys_follow_saves_moves_deletes_and_key_changes(db):
    """The key table is the records' keys after a supplier's saves, a number moved to another
    recipient while unfiled, a deletion, and an UPDATE of a key column."""
    box = filled(db)
    box.save(S1, "112024", doc("M-1", "05-11-2024"), doc("M-2", "05-11-2024"))
    box.save(S1, "112024", doc("M-1", "05-11-2024", to=R2))  # unfiled: moved
    box.save(S1, "112024", doc("M-2", "05-11-2024", delete=True))
    with db.engine.begin() as conn:
        conn.execute(sa.update(records).where(records.c.number == "M-1").values(number="M-7"))
    held, kept = keys(db)
    assert held == kept
    numbers = [k[2] for k in kept]
    assert "M-7" in numbers and "M-1" not in numbers and "M-2" not in numbers
    with db.engine.connect() as conn:
        moved = conn.execute(sa.select(records.c.recipient).where(records.c.number == "M-7"))
        assert moved.scalar() == R2


def test_a_number_filed_for_one_recipient_is_refused_for_another(db):
    """Rule: R-IN-4 — the use case refuses it with the holder named (unchanged by 0012)."""
    box = filled(db)
    with pytest.raises(Invalid, match="already used in FY 2024-25 for recipient " + R):
        box.save(S1, "112024", doc("INV-3", "10-10-2024", to=R2))


# -- partition pruning on the hot paths -------------------------------------------------------


@contextmanager
def statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """The statements on records (and their parameters) run inside the block."""
    seen: list[tuple[str, Any]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        if re.search(r"\brecords\b", statement) and not statement.startswith("EXPLAIN"):
            seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)


def partitions_read(db: Database, statement: str, parameters: Any) -> set[str]:
    """The records partitions the plan of `statement` reads (EXPLAIN: nothing is run)."""
    with db.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.execute("EXPLAIN " + statement, parameters)
        plan = "\n".join(line for (line,) in cursor.fetchall())
        cursor.close()
    return set(re.findall(r"\brecords_p\d+\b", plan))


@pytest.mark.postgres
def test_getinv_getcnt_save_and_2b_read_one_partition(pg_db):
    """Every statement on records that GETINV (a page), GETCNT, a SAVE and a 2B generation
    run plans a read of the recipient's partition only."""
    box = filled(pg_db)
    box.today("14-11-2024")
    page = ImsFilter(page=1, page_size=2)
    with statements(pg_db) as seen:
        box.run(ims.list_records, R, page, write=False)
        box.run(ims.counts, R, write=False)
        box.act("INV-3", Action.REJECT)
        box.act("INV-4", Action.PENDING)
        box.run(gstr2b.generate_2b, R, Period.parse("102024"))
    assert len(seen) >= 6
    for statement, parameters in seen:
        assert len(partitions_read(pg_db, statement, parameters)) == 1, statement


@pytest.mark.postgres
def test_a_query_without_the_recipient_reads_every_partition(pg_db):
    """The check above can fail: a supplier-side read (no recipient) plans all partitions."""
    box = filled(pg_db)
    with statements(pg_db) as seen:
        box.save(S1, "112024", doc("INV-8", "05-11-2024"))
    found = [partitions_read(pg_db, s, p) for s, p in seen]
    assert max(map(len, found)) == 8
