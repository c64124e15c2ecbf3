"""example-month.md end to end through the use cases, on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from tests.integration.harness import S1, S2, R, Sandbox, doc, section_docs

from gstims.codec import to_json_bytes
from gstims.domain.calendar import Period
from gstims.domain.records import Kind
from gstims.services import gstr2b


@pytest.fixture
def month(db):
    box = Sandbox(db)
    for gstin, name in [(S1, "Supplier One"), (S2, "Supplier Two"), (R, "Recipient")]:
        box.register(gstin, name=name)
    box.today("01-11-2024")
    box.save(
        S1,
        "102024",
        doc("INV-101", "10-10-2024", taxable=10000, rate=18),
        doc("INV-102", "12-10-2024", taxable=5000, rate=12),
        doc("RCM-1", "22-10-2024", taxable=2000, rate=5, rchrg=True),
        doc("CN-11", "20-10-2024", kind=Kind.CN, taxable=1000, rate=18),
    )
    box.today("05-11-2024")
    box.file(S1, "102024")
    box.save(
        S2,
        "102024",
        doc(
            "INV-201",
            "15-10-2024",
            supplier_gstin=S2,
            pos="24",
            taxable=5000,
            rate=18,
            cgst=450,
            sgst=450,
        ),
        doc("INV-202", "16-10-2024", supplier_gstin=S2, taxable=20000, rate=28),
    )
    box.today("08-11-2024")
    box.file(S2, "102024")
    box.today("09-11-2024")
    return box


def test_r_in_5_what_the_ims_shows_on_9_november(month):
    b2b = month.ims(section=__import__("gstims.domain.records", fromlist=["Section"]).Section.B2B)
    assert sorted(r.record.number for r in b2b) == ["INV-101", "INV-102", "INV-202"]
    assert all(r.state.action.value == "N" and r.record.is_filed for r in b2b)
    assert not any(r.pending_blocked for r in b2b)
    cn = month.find("CN-11")
    assert cn.pending_blocked  # R-ACT-3: a credit note in era E1


def test_r_act_3_the_actions_of_10_november_and_the_refused_pending(month):
    month.today("10-11-2024")
    assert not month.act("INV-102", "R", remarks="not ordered").errors
    refused = month.act("CN-11", "P")
    assert [e.code for e in refused.errors] == ["IMSACT001"]
    assert not month.act("CN-11", "A").errors
    assert not month.act("INV-202", "P").errors


def test_r_2b_3_the_2b_and_3b_of_october(month):
    month.today("10-11-2024")
    month.act("INV-102", "R", remarks="not ordered")
    month.act("CN-11", "A")
    month.act("INV-202", "P")
    events = month.today("14-11-2024")
    assert any("GSTR-2B drafted" in e.summary for e in events)
    b = month.get2b("102024")
    assert section_docs(b, "docdata", "b2b") == {S1: ["INV-101", "RCM-1"], S2: ["INV-201"]}
    assert section_docs(b, "docdata", "cdnr") == {S1: ["CN-11"]}
    assert section_docs(b, "docRejdata", "b2b") == {S1: ["INV-102"]}
    itc = b["itcsumm"]
    assert Decimal(str(itc["itcavl"]["nonrevsup"]["igst"])) == 1800
    assert Decimal(str(itc["itcavl"]["othersup"]["cdnr"]["igst"])) == 180
    assert Decimal(str(itc["itcavl"]["revsup"]["b2b"]["igst"])) == 100
    assert Decimal(str(itc["itcunavl"]["nonrevsup"]["cgst"])) == 450
    assert Decimal(str(itc["itcRejected"]["nonrevsup"]["b2b"]["igst"])) == 600

    auto = month.autoliab("102024")
    assert auto.table4.available.all_other.igst == 1620
    assert auto.table4.available.inward_reverse_charge.igst == 100
    assert auto.table4.net.igst == 1720
    assert auto.table4.ineligible.others.cgst == 450
    assert auto.table4.inward_reverse_charge.taxable == 2000
    assert auto.stale_2b is False

    s1 = month.autoliab("102024", gstin=S1)
    assert s1.outward.taxable == 14000 and s1.outward.tax.igst == 2220


def test_r_2b_7_get2b_serves_the_kept_json_text_as_the_strict_encoder_writes_it(month):
    month.today("10-11-2024")
    month.act("INV-102", "R", remarks="not ordered")
    month.today("14-11-2024")
    kept = month.run(gstr2b.get_2b_json, R, Period(2024, 10), write=False)
    assert kept == to_json_bytes(month.get2b("102024"))
    assert b'"remarks":"not ordered"' in kept and b'"igst":1800.00' in kept


def test_r_3b_3_the_next_month_consumes_october_and_keeps_the_pending_invoice(month):
    month.today("10-11-2024")
    month.act("INV-102", "R", remarks="not ordered")
    month.act("CN-11", "A")
    month.act("INV-202", "P")
    month.today("18-11-2024")
    month.file(R, "102024")
    month.file3b("102024")
    assert month.numbers() == {"INV-202"}
    month.today("02-12-2024")
    month.act("INV-202", "A")
    month.today("14-12-2024")
    b = month.get2b("112024")
    assert section_docs(b, "docdata", "b2b") == {S2: ["INV-202"]}
    (wrapper,) = b["docdata"]["b2b"]
    assert wrapper["supprd"] == "102024"
    assert Decimal(str(b["itcsumm"]["itcavl"]["nonrevsup"]["igst"])) == 5600


def test_r_sup_1_the_supplier_sees_each_recipients_action_and_remarks_and_only_its_own(month):
    """Rule: R-SUP-1."""
    from gstims.domain.calendar import Period
    from gstims.services.views import supplier_view

    month.today("10-11-2024")
    month.act("INV-102", "R", remarks="not ordered")
    s1 = {r.record.number: r for r in month.run(supplier_view, S1, Period(2024, 10), write=False)}
    assert set(s1) == {"INV-101", "INV-102", "RCM-1", "CN-11"}
    assert (s1["INV-102"].state.action.value, s1["INV-102"].state.remarks) == ("R", "not ordered")
    s2 = {r.record.number for r in month.run(supplier_view, S2, Period(2024, 10), write=False)}
    assert s2 == {"INV-201", "INV-202"}
