"""The daily events over a year: 16(4) time-bar and Rule 37A reversal and reclaim (R-CLK)."""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from tests.integration.harness import S1, S2, R, Sandbox, doc, section_docs

from gstims.domain.calendar import Period
from gstims.domain.records import Kind
from gstims.store.tables import audit_log, itc_adjustments


def heads(node: dict) -> tuple[Decimal, ...]:
    return tuple(Decimal(str(node[h])) for h in ("igst", "cgst", "sgst", "cess"))


def file_recipient_months(box: Sandbox, first: Period, last: Period) -> None:
    """R files its (nil) GSTR-1 and its GSTR-3B each month, as the sequence rules require."""
    for p in first.months_through(last):
        box.today(p.next().day(14).strftime("%d-%m-%Y"))
        box.file(R, p.code)
        box.file3b(p.code)


def three_taxpayers(db) -> Sandbox:
    """S1, S2 and R registered on 01-10-2024, the clock on 31-10-2024."""
    box = Sandbox(db)
    for gstin in (S1, S2, R):
        box.register(gstin)
    box.today("31-10-2024")
    return box


@pytest.fixture
def year(db):
    """S1 reports Oct 2024 (INV-1 accepted, RCM-1, INV-P pending) and never files its 3B."""
    box = three_taxpayers(db)
    box.save(
        S1,
        "102024",
        doc("INV-1", "10-10-2024", taxable=10000),
        doc("RCM-1", "11-10-2024", taxable=2000, rate=5, rchrg=True),
        doc("INV-P", "12-10-2024", taxable=5000),
    )
    box.save(S2, "102024", doc("INV-U", "12-10-2024", supplier_gstin=S2, taxable=1000))
    box.today("05-11-2024")
    box.file(S1, "102024")  # S2 never files: INV-U stays saved, unfiled
    box.act("INV-P", "P", remarks="awaiting goods")
    return box


def test_r_act_5_and_r_in_5f_at_the_16_4_limit_pending_and_unfiled_records_leave_ims(year):
    """Rule: R-ACT-5, R-IN-5, R-CLK — on 01-12-2025 both leave IMS; the pending one is in 2B C."""
    file_recipient_months(year, Period(2024, 10), Period(2025, 10))
    assert {"INV-P", "INV-U"} <= year.numbers()
    events = year.today("01-12-2025")
    assert any("time-barred" in e.summary for e in events)
    assert not {"INV-P", "INV-U"} & year.numbers()
    year.today("14-12-2025")
    b = year.get2b("112025")
    (wrapper,) = b["docdata"]["b2b"]
    (barred,) = wrapper["inv"]
    assert (barred["inum"], barred["itcavl"], barred["rsn"]) == ("INV-P", "N", "C")
    assert heads(b["itcsumm"]["itcunavl"]["nonrevsup"])[0] == 900


def test_r_2b_8_rule_37a_reverses_then_reclaims_the_itc_from_an_unfiled_supplier(year, db):
    """Rule: R-2B-8, R-CLK — reverse-charge credit is left alone (decision); the check of
    "by 30 September" runs on 1 October."""
    file_recipient_months(year, Period(2024, 10), Period(2025, 8))
    assert not any("Rule 37A" in e.summary for e in year.today("30-09-2025"))
    events = year.today("01-10-2025")
    assert any("Rule 37A" in e.summary for e in events)
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(itc_adjustments)).mappings().all()
    assert [(r["supplier"], r["kind"], r["igst"], r["period_2b"]) for r in rows] == [
        (S1, "reversal", 180000, 202509)
    ]
    year.today("14-10-2025")
    year.file(R, "092025")
    year.file3b("092025")
    b = year.get2b("092025")
    assert heads(b["itcsumm"]["itcrev"]["nonrevsup"])[0] == 1800
    assert year.autoliab("092025").table4.reversed_itc.others.igst == 1800
    year.today("15-10-2025")
    year.file3b("102024", gstin=S1)  # the late 3B: the ITC comes back
    year.today("14-11-2025")
    b = year.get2b("102025")
    assert heads(b["itcsumm"]["itcavl"]["nonrevsup"])[0] == 1800
    assert section_docs(b, "docdata", "b2b") == {}


def test_r_act_11_a_pending_expiry_is_audited_as_the_systems_and_keeps_the_remarks(db):
    """Rule: R-ACT-4, R-ACT-11 — one system entry, remarks kept (decision)."""
    box = Sandbox(db, today="01-10-2025")
    box.register(S1, on="01-10-2025")
    box.register(R, on="01-10-2025")
    box.today("31-10-2025")
    box.save(S1, "102025", doc("CN-9", "15-10-2025", kind=Kind.CN, taxable=1000))
    box.today("10-11-2025")
    box.file(S1, "102025")
    box.act("CN-9", "P", remarks="checking with buyer")
    box.today("21-12-2025")
    rec = box.find("CN-9")
    assert (rec.state.action.value, rec.state.remarks) == ("N", "checking with buyer")
    with db.engine.connect() as conn:
        entries = conn.execute(
            sa.select(
                audit_log.c.actor, audit_log.c.old_action, audit_log.c.new_action, audit_log.c.note
            ).order_by(audit_log.c.id)
        ).all()
    assert entries[-1] == ("system", "P", "N", "pending period expired")


def test_r_2b_8_rule_37a_reverses_each_recipients_itc_once_in_one_pass(db):
    """Rule: R-2B-8 — one reversal per recipient of the unfiled supplier, none again later."""
    box = three_taxpayers(db)
    box.save(
        S1,
        "102024",
        doc("INV-R", "10-10-2024", taxable=10000),
        doc("INV-S", "11-10-2024", taxable=5000, to=S2),
    )
    box.today("05-11-2024")
    box.file(S1, "102024")  # S1 never files its 3B
    for p in Period(2024, 10).months_through(Period(2025, 8)):
        box.today(p.next().day(14).strftime("%d-%m-%Y"))
        for recipient in (R, S2):
            box.file(recipient, p.code)
            box.file3b(p.code, gstin=recipient)
    box.today("01-10-2025")
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(itc_adjustments.c.recipient, itc_adjustments.c.igst).order_by("recipient")
        ).all()
    assert sorted(rows) == sorted([(R, 180000), (S2, 90000)])
