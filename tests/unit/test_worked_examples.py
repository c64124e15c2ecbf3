"""rules.md §9 worked examples and example-month.md, at the domain level: 2B and 3B figures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from builders import (
    OCT_2024,
    S1,
    S2,
    amendment,
    bill_of_entry,
    credit_note,
    declared,
    entry,
    gstr2b,
    invoice,
)

from gstims.domain.calendar import Frequency, Period
from gstims.domain.gstr2b import Bucket, DocLine, Entry, Gstr2B, Reason, Section2B
from gstims.domain.gstr3b import credit_note_add_back, outward_liability, table4
from gstims.domain.money import NO_TAX, Tax, money
from gstims.domain.records import Action, Kind, Record, Route, period_2b, route
from gstims.domain.state import ImsState

NOV_2024 = Period(2024, 11)
DEC_2024 = Period(2024, 12)
R_STATE = "29"


def numbers(lines: Iterable[DocLine]) -> list[str]:
    return [line.number for line in lines]


def routed(rec: Record, action: Action = Action.NO_ACTION, today: date | None = None) -> Entry:
    """An entry routed as the storage layer would route it for R (state 29, monthly)."""
    day = today or rec.filed_on or date(2024, 11, 14)
    p = period_2b(rec, Frequency.MONTHLY, day)
    return entry(rec, action, route=route(rec, R_STATE, p, day))


# -- rules.md §9 -----------------------------------------------------------------------------


def inv_1() -> Record:
    return invoice(
        "INV-1",
        supplier=S2,
        doc_date=date(2024, 11, 5),
        period=NOV_2024,
        filed_on=date(2024, 12, 10),
        taxable=10000,
        igst=1800,
    )


def test_example_1_untouched_invoice_is_deemed_accepted_into_2b_and_4a5() -> None:
    """Rule: R-2B-3, R-3B-1"""
    two_b = gstr2b(entry(inv_1()), period=NOV_2024)

    assert numbers(two_b.documents) == ["INV-1"]
    assert two_b.itc.itcavl.nonrevsup.total.igst == money(1800)
    assert table4(two_b).available.all_other.igst == money(1800)


def test_example_2_rejected_invoice_is_in_docrejdata_and_gives_no_4a5() -> None:
    """Rule: R-2B-3, R-3B-1"""
    two_b = gstr2b(entry(inv_1(), Action.REJECT), period=NOV_2024)

    assert numbers(two_b.rejected_documents) == ["INV-1"]
    assert two_b.documents == ()
    assert two_b.itc.itc_rejected.nonrevsup.total.igst == money(1800)
    assert table4(two_b).available.all_other == NO_TAX


def test_example_4_invoice_rejected_after_the_draft_moves_to_itc_rejected_on_recompute() -> None:
    """Rule: R-2B-1, R-2B-3, R-3B-2"""
    inv_4 = invoice("INV-4", period=Period(2025, 1), filed_on=date(2025, 2, 10), igst=900)
    draft = gstr2b(entry(inv_4), period=Period(2025, 1))
    assert table4(draft).available.all_other.igst == money(900)  # what AUTOLIAB keeps showing

    recomputed = gstr2b(entry(inv_4, Action.REJECT), period=Period(2025, 1))
    assert recomputed.itc.itc_rejected.nonrevsup.total.igst == money(900)
    assert table4(recomputed).available.all_other == NO_TAX


def test_example_7_half_declared_credit_note_reduces_othersup_by_the_declared_9000() -> None:
    """Rule: R-ACT-7, R-2B-4"""
    cn_3 = credit_note(
        "CN-3",
        doc_date=date(2025, 11, 3),
        period=Period(2025, 11),
        filed_on=date(2025, 12, 10),
        taxable=100000,
        igst=18000,
    )
    decl_entry = entry(cn_3, Action.ACCEPT, declaration=declared(igst=9000), remarks="only half")
    two_b = gstr2b(decl_entry, period=Period(2025, 11))

    assert two_b.itc.itcavl.othersup.total.igst == money(9000)
    assert two_b.itc.itcavl.othersup[Section2B.CDNR].igst == money(9000)


def test_example_9_rejected_credit_note_consumed_adds_its_tax_to_the_suppliers_next_3_1a() -> None:
    """Rule: R-3B-4"""
    december_invoice = invoice(
        "INV-D1",
        doc_date=date(2024, 12, 2),
        period=DEC_2024,
        filed_on=date(2025, 1, 9),
        taxable=20000,
        igst=3600,
    )
    cn_6 = credit_note(
        "CN-6", doc_date=date(2024, 11, 20), period=NOV_2024, filed_on=date(2024, 12, 10), igst=1000
    )
    own = outward_liability(S1, DEC_2024, [december_invoice, cn_6])
    add_back = credit_note_add_back(cn_6, ImsState(Action.REJECT))
    with_add_back = outward_liability(S1, DEC_2024, [december_invoice, cn_6], [add_back])

    assert own.tax.igst == money(3600)  # CN-6 belongs to November, not December
    assert with_add_back.tax.igst - own.tax.igst == money(1000)
    assert with_add_back.taxable == own.taxable


def test_example_11_rcm_pos_ineligible_and_late_invoices_sit_in_revsup_and_itcunavl() -> None:
    """Rule: R-IN-5a, R-IN-5e, R-IN-5f"""

    nov, filed = NOV_2024, date(2024, 12, 10)
    rcm = invoice("RCM-9", period=nov, filed_on=filed, taxable=2000, igst=100, reverse_charge=True)
    pos_ineligible = invoice(
        "INV-P", period=nov, filed_on=filed, taxable=5000, cgst=450, sgst=450, pos="27"
    )
    # dated in FY 2023-24, whose 16(4) limit was 30-11-2024
    late = invoice("INV-L", period=nov, filed_on=filed, doc_date=date(2023, 5, 2), igst=360)
    entries = [routed(rcm), routed(pos_ineligible), routed(late, today=date(2024, 12, 10))]
    assert [e.route for e in entries] == [
        Route.REVERSE_CHARGE,
        Route.POS_INELIGIBLE,
        Route.TIME_BARRED,
    ]
    two_b = gstr2b(*entries, period=NOV_2024)

    by_number = {line.number: line for line in two_b.documents}
    assert two_b.itc.itcavl.revsup[Section2B.B2B].igst == money(100)
    assert by_number["RCM-9"].reverse_charge
    assert (by_number["INV-P"].reason, by_number["INV-P"].itc_available) == (Reason.POS, False)
    assert by_number["INV-L"].reason is Reason.TIME_BARRED
    assert two_b.itc.itcunavl.nonrevsup[Section2B.B2B] == Tax.of(igst=360, cgst=450, sgst=450)


def test_example_12_ims_bill_of_entry_is_deemed_accepted_into_itcavl_imports() -> None:
    """Rule: R-IN-6, R-2B-3, R-3B-1"""
    boe = bill_of_entry(
        "INMAA1/2566282",
        doc_date=date(2025, 10, 6),
        period=Period(2025, 10),
        filed_on=None,
        ref_date=date(2025, 10, 8),
        taxable=50000,
        igst=9000,
    )
    assert route(boe, R_STATE, Period(2025, 10), date(2025, 10, 9)) is Route.IMS
    two_b = gstr2b(entry(boe), period=Period(2025, 10))

    assert [line.section for line in two_b.documents] == [Section2B.IMPG]
    assert two_b.itc.itcavl.imports[Section2B.IMPG].igst == money(9000)
    assert table4(two_b).available.import_of_goods.igst == money(9000)


def inv_7() -> Record:
    return invoice(
        "INV-7",
        doc_date=date(2025, 6, 4),
        period=Period(2025, 6),
        filed_on=date(2025, 7, 9),
        igst=1800,
    )


def test_example_13_wrongly_rejected_invoice_re_reported_and_accepted_gives_plus_1800() -> None:
    """Rule: R-2B-5"""
    again = amendment(inv_7(), original_action=Action.REJECT, period=Period(2025, 7))
    two_b = gstr2b(entry(again, Action.ACCEPT), period=Period(2025, 7))

    assert two_b.itc.itcavl.nonrevsup[Section2B.B2BA].igst == money(1800)
    assert two_b.documents[0].original_number == "INV-7"


def test_example_13_accepted_invoice_cut_to_900_counts_minus_900_and_4a5_loses_it() -> None:
    """Rule: R-2B-5, R-3B-1"""
    cut = amendment(inv_7(), igst=900, original_action=Action.ACCEPT, period=Period(2025, 7))
    other = invoice(
        "INV-8",
        doc_date=date(2025, 7, 4),
        period=Period(2025, 7),
        filed_on=date(2025, 8, 9),
        igst=5000,
    )
    alone = gstr2b(entry(cut), period=Period(2025, 7))
    with_other = gstr2b(entry(cut), entry(other), period=Period(2025, 7))

    assert alone.itc.itcavl.nonrevsup[Section2B.B2BA].igst == money(-900)
    assert table4(with_other).available.all_other.igst == money(4100)
    assert table4(alone).available.all_other.igst == money(0)
    assert table4(alone).reversed_itc.others.igst == money(900)


# -- example-month.md ------------------------------------------------------------------------


def s1_records() -> list[Record]:
    return [
        invoice("INV-101", doc_date=date(2024, 10, 10), taxable=10000, igst=1800),
        invoice("INV-102", doc_date=date(2024, 10, 12), taxable=5000, igst=600),
        invoice("RCM-1", doc_date=date(2024, 10, 22), taxable=2000, igst=100, reverse_charge=True),
        credit_note("CN-11", doc_date=date(2024, 10, 20), taxable=1000, igst=180),
    ]


def s2_records() -> list[Record]:
    filed = date(2024, 11, 8)
    return [
        invoice(
            "INV-201",
            supplier=S2,
            doc_date=date(2024, 10, 15),
            filed_on=filed,
            pos="24",
            taxable=5000,
            cgst=450,
            sgst=450,
        ),
        invoice(
            "INV-202",
            supplier=S2,
            doc_date=date(2024, 10, 16),
            filed_on=filed,
            taxable=20000,
            igst=5600,
        ),
    ]


ACTIONS_ON_10_NOV = {"INV-102": Action.REJECT, "CN-11": Action.ACCEPT, "INV-202": Action.PENDING}


def october_2b() -> Gstr2B:
    entries = [
        routed(rec, ACTIONS_ON_10_NOV.get(rec.number, Action.NO_ACTION), date(2024, 11, 14))
        for rec in s1_records() + s2_records()
    ]
    return gstr2b(*entries, period=OCT_2024)


def test_example_month_docdata_holds_the_accepted_rcm_and_pos_ineligible_documents() -> None:
    """Rule: R-2B-3, R-IN-5a, R-IN-5e"""
    two_b = october_2b()
    docs = {(line.section, line.supplier, line.number): line for line in two_b.documents}

    assert set(docs) == {
        (Section2B.B2B, S1, "INV-101"),
        (Section2B.B2B, S1, "RCM-1"),
        (Section2B.B2B, S2, "INV-201"),
        (Section2B.CDNR, S1, "CN-11"),
    }
    assert docs[(Section2B.B2B, S1, "INV-101")].itc_available
    assert docs[(Section2B.B2B, S1, "RCM-1")].reverse_charge
    assert not docs[(Section2B.B2B, S2, "INV-201")].itc_available
    assert docs[(Section2B.B2B, S2, "INV-201")].reason is Reason.POS
    assert docs[(Section2B.CDNR, S1, "CN-11")].kind is Kind.CN


def test_example_month_rejected_invoice_is_in_docrejdata_and_pending_one_nowhere() -> None:
    """Rule: R-2B-3, R-2B-6"""
    two_b = october_2b()

    assert [(line.section, line.supplier, line.number) for line in two_b.rejected_documents] == [
        (Section2B.B2B, S1, "INV-102")
    ]
    assert "INV-202" not in numbers(two_b.lines())


def test_example_month_itcsumm_figures() -> None:
    """Rule: R-2B-3, R-2B-4, R-2B-6, R-IN-5"""
    itc = october_2b().itc

    assert itc.itcavl.nonrevsup.total.igst == itc.itcavl.nonrevsup[Section2B.B2B].igst == 1800
    assert itc.itcavl.othersup.total.igst == itc.itcavl.othersup[Section2B.CDNR].igst == 180
    assert itc.itcavl.revsup.total.igst == itc.itcavl.revsup[Section2B.B2B].igst == 100
    assert itc.itcunavl.nonrevsup.total == Tax.of(cgst=450, sgst=450)
    rejected = itc.itc_rejected.nonrevsup
    assert rejected.total.igst == rejected[Section2B.B2B].igst == money(600)
    assert itc.itcrev.nonrevsup.total == NO_TAX


def test_example_month_counterparty_summaries() -> None:
    """Rule: R-2B-6"""
    two_b = october_2b()
    b2b = {row.supplier: row for row in two_b.suppliers if row.section is Section2B.B2B}
    rejected = [row for row in two_b.rejected_suppliers if row.section is Section2B.B2B]

    assert set(b2b) == {S1, S2}
    assert b2b[S1].documents == 2  # INV-101 and RCM-1
    assert b2b[S1].tax.igst == money(1900)
    assert b2b[S2].documents == 1  # INV-201, whatever its ITC status
    assert [(row.supplier, row.documents, row.tax.igst) for row in rejected] == [
        (S1, 1, money(600))
    ]


def test_example_month_3b_table_4_of_r() -> None:
    """Rule: R-3B-1"""
    t4 = table4(october_2b())

    assert t4.available.all_other.igst == money(1620)
    assert t4.available.inward_reverse_charge.igst == money(100)
    assert t4.available.import_of_goods == t4.available.import_of_services == NO_TAX
    assert t4.available.isd == NO_TAX
    assert t4.reversed_itc.rules == t4.reversed_itc.others == NO_TAX
    assert t4.net.igst == money(1720)
    assert (t4.ineligible.others.cgst, t4.ineligible.others.sgst) == (money(450), money(450))
    assert t4.inward_reverse_charge.taxable == money(2000)
    assert t4.inward_reverse_charge.tax.igst == money(100)


def test_example_month_s1_own_3_1a_is_14000_and_2220() -> None:
    """Rule: R-3B-4"""
    liability = outward_liability(S1, OCT_2024, s1_records() + s2_records())

    assert liability.taxable == money(14000)
    assert liability.tax == Tax.of(igst=2220)


def test_example_month_pending_invoice_accepted_in_december_is_in_2b_of_november() -> None:
    """Rule: R-2B-3, R-3B-3"""
    inv_202 = s2_records()[1]
    two_b = gstr2b(routed(inv_202, Action.ACCEPT, date(2024, 12, 14)), period=NOV_2024)

    [line] = two_b.documents
    assert (line.section, line.supplier, line.supplier_period) == (Section2B.B2B, S2, OCT_2024)
    assert two_b.itc.itcavl.nonrevsup.total.igst == money(5600)
    assert line.bucket is Bucket.ITCAVL
