"""rules.md §9 worked examples, end to end through the use cases, on both backends."""

from decimal import Decimal

import pytest
from tests.integration.harness import S1, S2, R, Sandbox, doc, section_docs

from gstims.domain.clock import Event
from gstims.domain.money import Tax
from gstims.domain.records import Kind
from gstims.domain.state import Declaration
from gstims.services import clock
from gstims.services.errors import Conflict, NotFound


def igst(b2b: dict, *path: str) -> Decimal:
    node = b2b["itcsumm"]
    for key in path:
        node = node[key]
    return Decimal(str(node["igst"]))


@pytest.fixture
def box(db):
    box = Sandbox(db)
    for gstin in (S1, S2, R):
        box.register(gstin)
    return box


def test_example_1_deemed_acceptance(box):
    """Rule: R-2B-3, R-3B-1 — no action means deemed accepted in 2B."""
    box.today("01-12-2024")
    box.file(S1, "102024")
    box.file(R, "102024")
    box.save(S1, "112024", doc("INV-1", "05-11-2024", taxable=10000))
    box.today("10-12-2024")
    box.file3b("102024")
    box.file3b("102024", gstin=S1)
    box.file(S1, "112024")
    box.today("14-12-2024")
    b = box.get2b("112024")
    assert section_docs(b, "docdata", "b2b") == {S1: ["INV-1"]}
    assert igst(b, "itcavl", "nonrevsup") == 1800
    assert box.autoliab("112024").table4.available.all_other.igst == 1800


def prepare_november(box):
    """S1 files Nov 2024 with INV-1 on 10 Dec; R has filed its Oct returns."""
    box.today("01-12-2024")
    box.file(S1, "102024")
    box.file(R, "102024")
    box.file3b("102024")
    box.file3b("102024", gstin=S1)
    box.save(S1, "112024", doc("INV-1", "05-11-2024", taxable=10000))
    box.today("10-12-2024")
    box.file(S1, "112024")


def test_example_2_rejected_invoice_goes_to_doc_rej_data(box):
    """Rule: R-2B-3, R-2B-6."""
    prepare_november(box)
    box.today("12-12-2024")
    box.act("INV-1", "R")
    box.today("14-12-2024")
    b = box.get2b("112024")
    assert section_docs(b, "docRejdata", "b2b") == {S1: ["INV-1"]}
    assert section_docs(b, "docdata", "b2b") == {}
    assert igst(b, "itcRejected", "nonrevsup") == 1800
    assert box.autoliab("112024").table4.available.all_other.igst == 0


def test_example_3_pending_stays_in_ims_and_lands_in_a_later_2b(box):
    """Rule: R-ACT-1, R-2B-3, R-3B-3."""
    prepare_november(box)
    box.act("INV-1", "P")
    box.today("14-12-2024")
    box.file(R, "112024")
    box.file3b("112024")
    assert box.numbers() == {"INV-1"}
    box.today("02-01-2025")
    box.act("INV-1", "A")
    box.today("14-01-2025")
    assert section_docs(box.get2b("122024"), "docdata", "b2b") == {S1: ["INV-1"]}


def test_example_4_autoliab_is_stale_until_the_2b_is_recomputed(box):
    """Rule: R-3B-2, R-2B-1."""
    prepare_november(box)
    box.today("14-12-2024")
    box.file(R, "112024")
    box.file3b("112024")
    box.file3b("112024", gstin=S1)
    box.save(S1, "122024", doc("INV-4", "05-12-2024", taxable=10000))
    box.today("10-01-2025")
    box.file(S1, "122024")
    box.today("14-01-2025")
    box.file(R, "122024")
    box.file3b("122024")
    box.file3b("122024", gstin=S1)
    box.save(S1, "012025", doc("INV-5", "05-01-2025", taxable=10000))
    box.today("10-02-2025")
    box.file(S1, "012025")
    box.today("14-02-2025")
    assert box.autoliab("012025").table4.available.all_other.igst == 1800
    box.today("16-02-2025")
    box.act("INV-5", "R")
    stale = box.autoliab("012025")
    assert stale.stale_2b is True and stale.table4.available.all_other.igst == 1800
    box.gen2b("012025")
    fresh = box.autoliab("012025")
    assert fresh.stale_2b is False and fresh.table4.available.all_other.igst == 0
    assert igst(box.get2b("012025"), "itcRejected", "nonrevsup") == 1800


def test_example_5_credit_note_pending_by_era(db):
    """Rule: R-ACT-3, R-ACT-4, R-CLK — CN-1 in era E1 refused; CN-2 in era E2 until 20-12-2025."""
    box = Sandbox(db, today="01-09-2025")
    box.register(S1, on="01-09-2025")
    box.register(R, on="01-09-2025")
    box.today("30-09-2025")
    box.save(S1, "092025", doc("CN-1", "10-09-2025", kind=Kind.CN, taxable=1000))
    box.today("11-10-2025")
    box.file(S1, "092025")
    box.file(R, "092025")
    assert [e.code for e in box.act("CN-1", "P").errors] == ["IMSACT001"]
    box.today("14-10-2025")
    box.file3b("092025", gstin=S1)
    box.file3b("092025")  # consumes CN-1 (deemed accepted)
    box.today("31-10-2025")
    box.save(S1, "102025", doc("CN-2", "15-10-2025", kind=Kind.CN, taxable=1000))
    box.today("10-11-2025")
    box.file(S1, "102025")
    assert not box.act("CN-2", "P").errors
    assert box.find("CN-2").view.pending_until.isoformat() == "2025-12-20"
    box.today("18-11-2025")
    box.file(R, "102025")
    box.file3b("102025")
    box.today("20-12-2025")
    assert box.find("CN-2").state.action.value == "P"
    events = box.today("21-12-2025")
    assert any("expired" in e.summary for e in events)
    assert box.find("CN-2").state.action.value == "N"
    box.gen2b("112025")
    assert section_docs(box.get2b("112025"), "docdata", "cdnr") == {S1: ["CN-2"]}


def test_example_8_no_2b_while_the_previous_3b_is_unfiled(box):
    """Rule: R-2B-1 — RET2B1023, then IMS2B009, then GEN2B once the 3B is filed."""
    box.today("01-01-2025")
    box.file(R, "102024")
    box.file3b("102024")
    box.file(R, "112024")
    box.gen2b("112024")  # it waited for 3B(102024); GEN2B works at once (R-2B-1)
    box.file3b("112024")
    box.file(R, "122024")
    box.today("14-02-2025")
    with pytest.raises(NotFound) as missing:
        box.get2b("012025")
    assert missing.value.code == "RET2B1023"
    with pytest.raises(Conflict) as waiting:
        box.gen2b("012025")
    assert waiting.value.code == "IMS2B009"
    box.today("15-02-2025")
    box.file3b("122024")
    box.gen2b("012025")
    assert box.get2b("012025")["rtnprd"] == "012025"


def test_example_9_a_rejected_credit_note_adds_back_to_the_suppliers_liability(box):
    """Rule: R-3B-4."""
    box.today("01-12-2024")
    box.file(S1, "102024")
    box.file(R, "102024")
    box.file3b("102024")
    box.file3b("102024", gstin=S1)
    box.save(S1, "112024", doc("CN-6", "20-11-2024", kind=Kind.CN, taxable=20000, rate=5))
    box.today("10-12-2024")
    box.file(S1, "112024")
    box.act("CN-6", "R")
    box.today("14-12-2024")
    box.file(R, "112024")
    box.today("18-12-2024")
    box.file3b("112024")
    box.today("01-01-2025")
    s1 = box.autoliab("122024", gstin=S1)
    assert s1.outward.tax.igst == 1000  # nothing outward in December but the add-back


def test_example_10_a_quarterly_recipient_has_one_2b_for_the_quarter(db):
    """Rule: R-CAL-2, R-CAL-1, R-2B-2."""
    box = Sandbox(db, today="01-10-2025")
    quarterly = "27AAPFU0939F1ZV"
    box.register(quarterly, freq="Q", on="01-10-2025")
    box.register(S2, on="01-10-2025")
    box.today("31-10-2025")
    box.save(
        S2, "102025", doc("INV-Q1", "05-10-2025", to=quarterly, supplier_gstin=S2, taxable=10000)
    )
    box.today("10-11-2025")
    box.file(S2, "102025")

    def drafted() -> list[tuple[str, str]]:
        found = box.run(clock.results, gstin=quarterly, event=Event.GSTR2B_DRAFTS, write=False)
        return [(f"{r['day']:%d-%m-%Y}", r["period"]) for r in found]

    box.today("14-12-2025")
    assert drafted() == []
    box.file(quarterly, "102025")
    box.file(quarterly, "112025")
    box.today("14-01-2026")
    assert drafted() == [("14-01-2026", "122025")]
    b = box.get2b("122025", recipient=quarterly)
    assert section_docs(b, "docdata", "b2b") == {S2: ["INV-Q1"]}


def test_example_7_partial_declaration_reduces_by_the_declared_amount(db):
    """Rule: R-ACT-7, R-2B-4 — CN-3 accepted with a 9,000 declaration."""
    box = Sandbox(db, today="01-11-2025")
    box.register(S1, on="01-11-2025")
    box.register(R, on="01-11-2025")
    box.today("30-11-2025")
    box.save(S1, "112025", doc("CN-3", "20-11-2025", kind=Kind.CN, taxable=100000, rate=18))
    box.today("10-12-2025")
    box.file(S1, "112025")
    half = Declaration(True, Tax.of(igst=9000))
    assert [e.code for e in box.act("CN-3", "A", declaration=half).errors] == ["IMSACT006"]
    assert not box.act("CN-3", "A", declaration=half, remarks="only half availed").errors
    box.today("14-12-2025")
    b = box.get2b("112025")
    assert igst(b, "itcavl", "othersup") == 9000


def test_example_12_a_bill_of_entry_in_ims_cannot_be_rejected(db):
    """Rule: R-IN-6, R-ACT-6 — deemed accepted into itcavl.imports."""
    from datetime import date

    from gstims.services.feeds import BillOfEntry, feed_icegate

    box = Sandbox(db, today="01-10-2025")
    box.register(R, on="01-10-2025")
    box.today("05-10-2025")
    box.run(
        feed_icegate,
        [
            BillOfEntry(
                R,
                "INMAA4",
                "1234567",
                date(2025, 10, 2),
                date(2025, 10, 4),
                Decimal(100000),
                Tax.of(igst=18000),
            )
        ],
    )
    rec = box.find("INMAA4/1234567")
    assert rec.section.value == "impg"
    assert [e.code for e in box.act("INMAA4/1234567", "R").errors] == ["IMSACT003"]
    box.today("14-11-2025")
    b = box.get2b("102025")
    assert igst(b, "itcavl", "imports") == 18000


def test_example_13_amendment_of_a_rejected_consumed_invoice_counts_in_full(box):
    """Rule: R-2B-5, R-IN-7."""
    prepare_november(box)
    box.act("INV-1", "R")
    box.today("14-12-2024")
    box.file(R, "112024")
    box.file3b("112024")
    box.file3b("112024", gstin=S1)
    box.save(
        S1, "122024", doc("INV-1", "05-11-2024", taxable=10000, original=("INV-1", "05-11-2024"))
    )
    assert box.find("INV-1").section.value == "b2ba"
    box.act("INV-1", "A")
    box.today("10-01-2025")
    box.file(S1, "122024")
    box.today("14-01-2025")
    b = box.get2b("122024")
    assert igst(b, "itcavl", "nonrevsup", "b2ba") == 1800


def test_an_unfiled_records_era_follows_the_clock_until_the_supplier_files(db):
    """Rule: R-ACT-3, R-ACT-4 — rules.md §0: the provisional 2B period moves with today (decision)."""
    box = Sandbox(db, today="01-09-2025")
    box.register(S1, on="01-09-2025")
    box.register(R, on="01-09-2025")
    box.today("05-10-2025")
    box.save(S1, "092025", doc("CN-7", "20-09-2025", kind=Kind.CN, taxable=1000))
    assert box.find("CN-7").pending_blocked  # if filed today: 2B period 092025, era E1
    box.today("12-10-2025")
    assert not box.find("CN-7").pending_blocked  # if filed today: 2B period 102025, era E2
    assert not box.act("CN-7", "P").errors
