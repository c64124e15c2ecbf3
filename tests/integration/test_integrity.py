"""Idempotence, atomicity, the append-only audit log and concurrent SAVEs (issue acceptance)."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.integration.harness import S1, R, Sandbox, doc, supplier_and_recipient

from gstims.domain.ims import ActionItem
from gstims.domain.records import Action
from gstims.services import ims
from gstims.services.errors import Invalid
from gstims.store.tables import audit_log, clock_runs, records

ROOT = Path(__file__).resolve().parents[2]


def count(db, table=records) -> int:
    with db.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


@pytest.fixture
def box(db):
    return supplier_and_recipient(db)


def test_saving_the_same_payload_again_changes_nothing(box, db):
    """Rule: R-IN-2 — no new rows, no audit entries, no action reset."""
    docs = [doc(f"INV-{i}", "10-10-2024") for i in range(20)]
    first = box.save(S1, "102024", *docs)
    assert first.saved == 20
    box.act("INV-3", "R", remarks="short supply")
    rows, audits = count(db), count(db, audit_log)
    again = box.save(S1, "102024", *docs)
    assert (again.saved, again.unchanged) == (0, 20)
    assert (count(db), count(db, audit_log)) == (rows, audits)
    assert box.find("INV-3").state.action is Action.REJECT


def test_changing_an_unfiled_record_resets_the_recipients_action(box, db):
    """Rule: R-IN-2, R-ACT-11 — the reset is audited as the system's."""
    box.save(S1, "102024", doc("INV-1", "10-10-2024"))
    box.act("INV-1", "A")
    box.save(S1, "102024", doc("INV-1", "10-10-2024", taxable=20000))
    assert box.find("INV-1").state.action is Action.NO_ACTION
    with db.engine.connect() as conn:
        notes = conn.execute(sa.select(audit_log.c.actor, audit_log.c.note)).all()
    assert ("system", "changed by the supplier") in notes


def test_deleting_an_unfiled_record_removes_it_from_ims(box):
    """Rule: R-IN-2."""
    box.save(S1, "102024", doc("INV-1", "10-10-2024"), doc("INV-2", "10-10-2024"))
    box.save(S1, "102024", doc("INV-1", "10-10-2024", delete=True))
    assert box.numbers() == {"INV-2"}


def test_moving_the_clock_to_a_day_already_reached_runs_nothing(box, db):
    """Rule: R-CAL-5, R-CLK."""
    runs = count(db, clock_runs)
    assert box.today("05-11-2024") == []
    assert count(db, clock_runs) == runs
    with pytest.raises(Exception, match="forward only"):
        box.today("04-11-2024")


def test_a_save_with_one_invalid_document_stores_nothing(box, db):
    """Rule: R-IN-4 — 10,000 documents, one with IGST on an intra-state supply."""
    docs = [doc(f"INV-{i}", "10-10-2024") for i in range(10_000)]
    docs[7_777] = doc("INV-7777", "10-10-2024", pos="27")  # supplier 27 = POS 27: IGST is wrong
    with pytest.raises(Invalid) as refused:
        box.save(S1, "102024", *docs)
    assert any(p.number == "INV-7777" for p in refused.value.problems)
    assert count(db) == 0


def test_the_audit_log_refuses_update_and_delete(box, db):
    """Rule: R-ACT-11 — the database itself keeps the log append-only."""
    box.save(S1, "102024", doc("INV-1", "10-10-2024"))
    box.act("INV-1", "A")
    assert count(db, audit_log) == 1
    for statement in (sa.update(audit_log).values(note="x"), sa.delete(audit_log)):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(statement)
    assert count(db, audit_log) == 1


@pytest.mark.postgres
def test_two_simultaneous_saves_on_one_record_one_applies_the_other_is_stale(pg_db):
    """Rule: R-ACT-9 — IMSSAV0010 for the loser, no lost update."""
    box = Sandbox(pg_db)
    box.register(S1)
    box.register(R)
    box.today("05-11-2024")
    box.save(S1, "102024", doc("INV-1", "10-10-2024"))
    rec = box.find("INV-1")
    barrier = threading.Barrier(2)
    results = {}

    def save(action: Action) -> None:
        item = ActionItem(rec.section, S1, "INV-1", rec.record.doc_date, action, Action.NO_ACTION)
        barrier.wait()
        with pg_db.transaction() as uow:
            results[action] = ims.save_actions(uow, R, [item], f"user-{action.value}")

    threads = [threading.Thread(target=save, args=(a,)) for a in (Action.ACCEPT, Action.REJECT)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = sorted((r.applied, [e.code for e in r.errors]) for r in results.values())
    assert outcomes == [(0, ["IMSSAV0010"]), (1, [])]
    winner = next(a for a, r in results.items() if r.applied)
    assert box.find("INV-1").state.action is winner
    assert count(pg_db, audit_log) == 1


CHILD = textwrap.dedent(
    """
    import sys
    from datetime import date
    from decimal import Decimal
    from sqlalchemy import event
    from gstims.domain.calendar import Frequency, Period
    from gstims.domain.documents import Item, SupplierDocument
    from gstims.domain.money import Tax
    from gstims.services import supplier, taxpayers
    from gstims.store.db import Database

    db = Database(sys.argv[1])
    with db.transaction() as uow:
        taxpayers.set_start_date(uow, date(2024, 11, 5))
    for g in ("27AAPFU0939F1ZV", "29AABCR1718E1ZL"):
        with db.transaction() as uow:
            taxpayers.register_taxpayer(uow, g, g, Frequency.MONTHLY, date(2024, 10, 1))
    tax = Tax.of(igst=1800)
    docs = [
        SupplierDocument("b2b", __import__("gstims.domain.records", fromlist=["Kind"]).Kind.INV, "27AAPFU0939F1ZV", "29AABCR1718E1ZL",
                         f"INV-{i}", date(2024, 10, 10), Decimal(11800), "29",
                         items=(Item(Decimal(18), Decimal(10000), tax),))
        for i in range(100_000)
    ]

    @event.listens_for(db.engine, "before_cursor_execute")
    def marker(conn, cursor, statement, *args):
        if statement.startswith("INSERT INTO records"):
            print("INSERTING", flush=True)

    print("READY", flush=True)
    with db.transaction() as uow:
        supplier.save_return(uow, "27AAPFU0939F1ZV", "GSTR1", Period(2024, 10), docs)
    print("COMMITTED", flush=True)
    """
)


def test_a_process_killed_in_the_middle_of_a_save_leaves_the_database_as_it_was(db):
    """Rule: R-IN-4 — SIGKILL during a 100,000-document save stores nothing."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, db.url],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as child:
        try:
            for line in child.stdout:
                if line.strip() == "INSERTING":
                    child.send_signal(signal.SIGKILL)
                    break
            child.wait(timeout=120)
        finally:
            if child.poll() is None:
                child.kill()
    assert child.returncode == -signal.SIGKILL
    db.dispose()
    assert count(db) == 0
    box = Sandbox.__new__(Sandbox)
    box.db = db
    box.save(S1, "102024", doc("INV-1", "10-10-2024"))  # the database still works
    assert count(db) == 1
