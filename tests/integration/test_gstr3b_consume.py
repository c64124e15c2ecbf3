"""Filing GSTR-3B consumes each record the 2B held with the ITC effect it gave (R-3B-3) and
adds back what its credit notes must (R-3B-4), whether judged by class or one by one."""

import pytest
import sqlalchemy as sa
from tests.integration.harness import S1, R, Sandbox, doc

from gstims.domain.money import Tax
from gstims.domain.records import Kind
from gstims.domain.state import Declaration
from gstims.store.tables import addbacks, audit_log, records

NOVEMBER = 202511


@pytest.fixture
def box(db):
    """S1 (Maharashtra) saves R's November 2025 documents; R acts on them; the 2B is made."""
    box = Sandbox(db, today="01-11-2025")
    box.register(S1, on="01-11-2025")
    box.register(R, on="01-11-2025")
    box.today("30-11-2025")
    box.save(
        S1,
        "112025",
        doc("INV-A1", "05-11-2025", taxable=10000),
        doc("INV-A2", "06-11-2025", taxable=20001),
        doc("INV-A0", "06-11-2025", taxable=5000, rate=0),
        doc("INV-N1", "07-11-2025", taxable=5000),
        doc("INV-R1", "08-11-2025", taxable=2000),
        doc("INV-C1", "09-11-2025", taxable=10000),
        doc("INV-P1", "10-11-2025", taxable=5000, pos="27", cgst=450, sgst=450),
        doc("CN-R1", "11-11-2025", kind=Kind.CN, taxable=1000),
        doc("CN-A1", "12-11-2025", kind=Kind.CN, taxable=2000),
        doc("CN-D1", "13-11-2025", kind=Kind.CN, taxable=100000),
    )
    box.today("10-12-2025")
    box.file(S1, "112025")
    for number in ("INV-A1", "INV-A2", "INV-A0", "INV-C1", "CN-A1"):
        box.act(number, "A")
    for number in ("INV-R1", "CN-R1"):
        box.act(number, "R")
    box.act("CN-D1", "A", declaration=Declaration(True, Tax.of(igst=9000)), remarks="half")
    box.today("14-12-2025")
    box.get2b("112025")
    box.act("INV-C1", "R")  # after the 2B: the 3B files it as accepted
    box.file(R, "112025")
    box.file3b("112025")
    return box


def consumed(db) -> dict[str, tuple]:
    """{number: (consumed in, action consumed with, IGST effect, CGST effect, SGST effect)}."""
    columns = (
        records.c.doc_number,
        records.c.consumed_in,
        records.c.consumed_action,
        records.c.eff_igst,
        records.c.eff_cgst,
        records.c.eff_sgst,
    )
    with db.engine.connect() as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute(sa.select(*columns))}


def test_each_record_keeps_the_effect_it_gave_with_the_action_the_2b_recorded(box, db):
    assert consumed(db) == {
        "INV-A1": (NOVEMBER, "A", 180000, 0, 0),
        "INV-A2": (NOVEMBER, "A", 360018, 0, 0),
        "INV-A0": (NOVEMBER, "A", 0, 0, 0),
        "INV-N1": (NOVEMBER, "N", 90000, 0, 0),
        "INV-R1": (NOVEMBER, "R", 0, 0, 0),
        "INV-C1": (NOVEMBER, "A", 180000, 0, 0),
        "INV-P1": (NOVEMBER, "N", 0, 0, 0),  # POS-ineligible: no ITC
        "CN-R1": (NOVEMBER, "R", 0, 0, 0),
        "CN-A1": (NOVEMBER, "A", 36000, 0, 0),
        "CN-D1": (NOVEMBER, "A", 900000, 0, 0),  # the declared reduction
    }


def test_rejected_and_partly_declared_credit_notes_add_back_to_the_supplier(box, db):
    """Rule: R-3B-4 — CN-R1's whole tax, CN-D1's undeclared 9,000."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(records.c.doc_number, addbacks.c.supplier, addbacks.c.igst).join(
                records, records.c.id == addbacks.c.record_id
            )
        ).all()
    assert sorted(rows) == [("CN-D1", S1, 900000), ("CN-R1", S1, 18000)]


def test_an_action_changed_after_the_2b_is_overridden_with_an_audit_entry(box, db):
    """Rule: R-3B-3."""
    with db.engine.connect() as conn:
        entries = conn.execute(
            sa.select(
                audit_log.c.number,
                audit_log.c.old_action,
                audit_log.c.new_action,
                audit_log.c.actor,
            ).where(audit_log.c.note == "consumed as the filed 2B held it")
        ).all()
    assert entries == [("INV-C1", "R", "A", "system")]
