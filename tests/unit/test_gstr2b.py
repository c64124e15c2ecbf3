"""Tests for gstims.domain.gstr2b: what goes where in a GSTR-2B, and with what effect."""

from __future__ import annotations

from datetime import date

from builders import (
    FULL_REDUCTION,
    NO_REDUCTION,
    OCT_2024,
    S1,
    S2,
    R,
    amendment,
    bill_of_entry,
    credit_note,
    debit_note,
    declared,
    eco_record,
    entry,
    gstr2b,
    invoice,
)

from gstims.domain.calendar import Period
from gstims.domain.gstr2b import (
    GROUP_SECTIONS,
    Bucket,
    Group,
    Reason,
    Rule37A,
    Section2B,
    build_gstr2b,
    itc_effect,
)
from gstims.domain.money import NO_TAX, Tax, money
from gstims.domain.records import Action, Kind, Origin, Route
from gstims.domain.state import Declaration

S = Section2B


# -- R-2B-3: by action -----------------------------------------------------------------------


def test_r_2b_3_untouched_invoice_is_deemed_accepted_into_docdata_with_itc_available() -> None:
    """Rule: R-2B-3."""
    two_b = gstr2b(entry(invoice("INV-1", igst=1800)))

    [line] = two_b.documents
    assert (line.section, line.bucket, line.itc_available, line.reason) == (
        S.B2B,
        Bucket.ITCAVL,
        True,
        None,
    )
    assert line.effect == Tax.of(igst=1800)
    assert two_b.itc.itcavl.nonrevsup[S.B2B] == Tax.of(igst=1800)


def test_r_2b_3_accepted_invoice_counts_like_a_deemed_one() -> None:
    """Rule: R-2B-3."""
    accepted = gstr2b(entry(invoice("INV-1", igst=1800), Action.ACCEPT))
    deemed = gstr2b(entry(invoice("INV-1", igst=1800)))

    assert accepted.itc == deemed.itc


def test_r_2b_3_rejected_invoice_is_only_in_docrejdata_itcrejected_and_cpsummrej() -> None:
    """Rule: R-2B-3."""
    two_b = gstr2b(entry(invoice("INV-1", taxable=10000, igst=1800), Action.REJECT))

    assert two_b.documents == ()
    assert [line.number for line in two_b.rejected_documents] == ["INV-1"]
    assert two_b.itc.itc_rejected.nonrevsup[S.B2B] == Tax.of(igst=1800)
    assert two_b.itc.itcavl.nonrevsup.total == NO_TAX
    assert two_b.suppliers == ()
    [row] = two_b.rejected_suppliers
    assert (row.supplier, row.documents, row.taxable, row.tax) == (
        S1,
        1,
        money(10000),
        Tax.of(igst=1800),
    )


def test_r_2b_3_pending_record_is_nowhere_in_the_2b() -> None:
    """Rule: R-2B-3."""
    two_b = gstr2b(entry(invoice("INV-1", igst=1800), Action.PENDING))

    assert list(two_b.lines()) == []
    assert two_b.itc.itcavl.nonrevsup.total == NO_TAX
    assert two_b.suppliers == two_b.rejected_suppliers == ()


def test_r_2b_3_rejected_credit_note_shows_its_tax_in_itcrejected_othersup() -> None:
    """Rule: R-2B-3 (decision: rejected documents count their own tax)"""
    two_b = gstr2b(entry(credit_note("CN-1", igst=180), Action.REJECT))

    assert two_b.itc.itc_rejected.othersup[S.CDNR] == Tax.of(igst=180)
    assert two_b.itc.itcavl.othersup.total == NO_TAX


def test_r_2b_3_remarks_travel_with_the_document() -> None:
    """Rule: R-2B-3, R-ACT-8"""
    two_b = gstr2b(entry(invoice("INV-1", igst=18), Action.REJECT, remarks="not ordered"))

    assert two_b.rejected_documents[0].state.remarks == "not ordered"


# -- R-2B-4: credit and debit notes ----------------------------------------------------------


def test_r_2b_4_deemed_accepted_credit_note_is_a_positive_reduction_in_othersup_cdnr() -> None:
    """Rule: R-2B-4."""
    two_b = gstr2b(entry(credit_note("CN-1", igst=180)))

    assert two_b.itc.itcavl.othersup[S.CDNR] == Tax.of(igst=180)
    assert two_b.documents[0].effect == Tax.of(igst=180)
    assert two_b.itc.itcavl.nonrevsup.total == NO_TAX


def test_r_2b_4_declared_amounts_replace_the_credit_notes_tax() -> None:
    """Rule: R-2B-4."""
    cn = credit_note("CN-1", cgst=900, sgst=900, pos="27")
    two_b = gstr2b(entry(cn, Action.ACCEPT, declaration=declared(cgst=300, sgst=300)))

    assert two_b.itc.itcavl.othersup[S.CDNR] == Tax.of(cgst=300, sgst=300)


def test_r_2b_4_declaration_n_reduces_nothing_and_y_without_amounts_the_full_tax() -> None:
    """Rule: R-2B-4."""
    nil = gstr2b(entry(credit_note("CN-1", igst=180), Action.ACCEPT, declaration=NO_REDUCTION))
    full = gstr2b(entry(credit_note("CN-1", igst=180), Action.ACCEPT, declaration=FULL_REDUCTION))

    assert nil.itc.itcavl.othersup[S.CDNR] == NO_TAX
    assert [line.number for line in nil.documents] == ["CN-1"]
    assert full.itc.itcavl.othersup[S.CDNR] == Tax.of(igst=180)


def test_r_2b_4_declaration_counts_only_on_an_accepted_specified_record() -> None:
    """Rule: R-2B-4, R-ACT-7"""
    on_deemed = gstr2b(entry(credit_note("CN-1", igst=180), declaration=NO_REDUCTION))
    on_invoice = gstr2b(entry(invoice("INV-1", igst=180), Action.ACCEPT, declaration=NO_REDUCTION))

    assert on_deemed.itc.itcavl.othersup[S.CDNR] == Tax.of(igst=180)
    assert on_invoice.itc.itcavl.nonrevsup[S.B2B] == Tax.of(igst=180)


def test_r_2b_4_debit_note_is_itc_in_nonrevsup_cdnr() -> None:
    """Rule: R-2B-4."""
    two_b = gstr2b(entry(debit_note("DN-1", igst=90)))

    assert two_b.itc.itcavl.nonrevsup[S.CDNR] == Tax.of(igst=90)
    assert two_b.documents[0].section is S.CDNR
    assert two_b.itc.itcavl.othersup.total == NO_TAX


def test_r_2b_4_e_commerce_record_is_itc_in_nonrevsup_ecom_under_the_operator() -> None:
    """Rule: R-2B-4."""
    operator = "29AAACE1234F1Z5"
    rec = eco_record("ECO-1", supplier=operator, actual_supplier=S1, igst=54)
    two_b = gstr2b(entry(rec))

    assert two_b.itc.itcavl.nonrevsup[S.ECOM] == Tax.of(igst=54)
    assert two_b.documents[0].supplier == operator
    assert [(row.section, row.supplier) for row in two_b.suppliers] == [(S.ECOM, operator)]


# -- R-2B-5: amendments of consumed originals ------------------------------------------------


def test_r_2b_5_downward_invoice_amendment_counts_the_signed_difference_in_b2ba() -> None:
    """Rule: R-2B-5."""
    cut = amendment(invoice("INV-7", igst=1800), igst=900, original_action=Action.ACCEPT)
    two_b = gstr2b(entry(cut), period=OCT_2024.next())

    [line] = two_b.documents
    assert line.section is S.B2BA
    assert line.effect == Tax.of(igst=-900)
    assert (line.original_number, line.original_date) == ("INV-7", date(2024, 10, 10))
    assert two_b.itc.itcavl.nonrevsup[S.B2BA] == Tax.of(igst=-900)


def test_r_2b_5_amendment_of_rejected_original_gives_its_full_effect() -> None:
    """Rule: R-2B-5."""
    again = amendment(invoice("INV-7", igst=1800), original_action=Action.REJECT)
    two_b = gstr2b(entry(again, Action.ACCEPT), period=OCT_2024.next())

    assert two_b.itc.itcavl.nonrevsup[S.B2BA] == Tax.of(igst=1800)


def test_r_2b_5_an_amendment_filed_after_the_16_4_limit_may_only_give_credit_back() -> None:
    """Rule: R-2B-5, R-IN-5f — FY 2024-25 INV-7 of 1,800 (limit 30-11-2025), amended down to
    900 on 05-12-2025: −900 if the original gave its 1,800, 0 (not +900) if it gave nothing;
    filed on the limit day, the rejected original's amendment still gives its +900."""
    fy_2024_25 = invoice("INV-7", igst=1800, doc_date=date(2025, 3, 15))
    late, in_time = date(2025, 12, 5), date(2025, 11, 30)
    claimed = amendment(fy_2024_25, igst=900, original_action=Action.ACCEPT, filed_on=late)
    never_claimed = amendment(fy_2024_25, igst=900, original_action=Action.REJECT, filed_on=late)
    on_the_day = amendment(fy_2024_25, igst=900, original_action=Action.REJECT, filed_on=in_time)
    assert itc_effect(claimed) == Tax.of(igst=-900)
    assert itc_effect(never_claimed) == NO_TAX
    assert itc_effect(on_the_day) == Tax.of(igst=900)


def test_r_2b_5_debit_note_and_e_commerce_amendments_sit_in_cdnra_and_ecoma() -> None:
    """Rule: R-2B-5."""
    dn_a = amendment(debit_note("DN-1", igst=100), igst=150)
    eco_a = amendment(eco_record("ECO-1", igst=100), igst=40)
    two_b = gstr2b(entry(dn_a), entry(eco_a), period=OCT_2024.next())

    assert two_b.itc.itcavl.nonrevsup[S.CDNRA] == Tax.of(igst=50)
    assert two_b.itc.itcavl.nonrevsup[S.ECOMA] == Tax.of(igst=-60)
    assert {line.section for line in two_b.documents} == {S.CDNRA, S.ECOMA}


def test_r_2b_5_credit_note_amendment_counts_the_signed_difference_in_othersup_cdnra() -> None:
    """Rule: R-2B-5."""
    down = amendment(credit_note("CN-1", igst=1000), igst=600)
    up = amendment(credit_note("CN-2", igst=1000), igst=1300)
    two_b = gstr2b(entry(down), entry(up), period=OCT_2024.next())

    assert two_b.itc.itcavl.othersup[S.CDNRA] == Tax.of(igst=-400 + 300)
    assert sorted(line.effect.igst for line in two_b.documents) == [money(-400), money(300)]


def test_r_2b_5_credit_note_amendment_declarations_replace_the_difference() -> None:
    """Rule: R-2B-5, R-ACT-7 (decision: Y = positive part, amounts = amounts, N = 0)"""
    up = amendment(credit_note("CN-1", igst=1000, cess=50), igst=1300, cess=20)

    def effect(declaration: Declaration | None) -> Tax:
        two_b = gstr2b(
            entry(up, Action.ACCEPT, declaration=declaration),
            period=OCT_2024.next(),
        )
        return two_b.itc.itcavl.othersup[S.CDNRA]

    assert effect(None) == Tax.of(igst=300, cess=-30)
    assert effect(FULL_REDUCTION) == Tax.of(igst=300)
    assert effect(declared(igst=100)) == Tax.of(igst=100)
    assert effect(NO_REDUCTION) == NO_TAX


def test_r_2b_5_downward_invoice_amendment_with_declarations() -> None:
    """Rule: R-2B-5, R-ACT-7 (decision: a declared reduction replaces the difference)"""
    cut = amendment(invoice("INV-7", igst=1800), igst=900, original_action=Action.ACCEPT)

    def effect(declaration: Declaration | None) -> Tax:
        two_b = gstr2b(
            entry(cut, Action.ACCEPT, declaration=declaration),
            period=OCT_2024.next(),
        )
        return two_b.itc.itcavl.nonrevsup[S.B2BA]

    assert effect(FULL_REDUCTION) == Tax.of(igst=-900)
    assert effect(declared(igst=500)) == Tax.of(igst=-500)
    assert effect(NO_REDUCTION) == NO_TAX


def test_r_in_7_amendment_of_an_unconsumed_original_replaces_it_in_b2b() -> None:
    """Rule: R-IN-7, R-2B-5"""
    replacing = amendment(invoice("INV-7", igst=1800), igst=900, consumed=False)
    two_b = gstr2b(entry(replacing), period=OCT_2024.next())

    [line] = two_b.documents
    assert (line.section, line.effect, line.original_number) == (S.B2B, Tax.of(igst=900), None)


# -- R-IN-5: documents that bypass IMS -------------------------------------------------------


def test_r_in_5a_reverse_charge_documents_go_to_revsup_and_their_credit_notes_to_cdnrrev() -> None:
    rcm = Route.REVERSE_CHARGE
    entries = [
        entry(invoice("RCM-1", igst=50, taxable=1000, reverse_charge=True), route=rcm),
        entry(debit_note("RCM-2", igst=10, taxable=1000, reverse_charge=True), route=rcm),
        entry(credit_note("RCM-3", igst=5, taxable=1000, reverse_charge=True), route=rcm),
    ]
    two_b = gstr2b(*entries)

    assert two_b.itc.itcavl.revsup[S.B2B] == Tax.of(igst=50)
    assert two_b.itc.itcavl.revsup[S.CDNR] == Tax.of(igst=10)
    assert two_b.itc.itcavl.othersup[S.CDNRREV] == Tax.of(igst=5)
    assert two_b.reverse_charge_taxable == money(2000)  # the invoice and the debit note
    assert all(line.reverse_charge for line in two_b.documents)


def test_r_in_5a_reverse_charge_amendments_go_to_b2ba_and_cdnrarev() -> None:
    inv = invoice("RCM-1", igst=50, reverse_charge=True)
    cn = credit_note("RCM-3", igst=20, reverse_charge=True)
    two_b = gstr2b(
        entry(amendment(inv, igst=80), route=Route.REVERSE_CHARGE),
        entry(amendment(cn, igst=5), route=Route.REVERSE_CHARGE),
        period=OCT_2024.next(),
    )

    assert two_b.itc.itcavl.revsup[S.B2BA] == Tax.of(igst=30)
    assert two_b.itc.itcavl.othersup[S.CDNRAREV] == Tax.of(igst=-15)


def test_r_in_5a_non_ims_routes_ignore_an_ims_action() -> None:
    rec = invoice("RCM-1", igst=50, reverse_charge=True)
    two_b = gstr2b(entry(rec, Action.PENDING, route=Route.REVERSE_CHARGE))

    assert two_b.itc.itcavl.revsup[S.B2B] == Tax.of(igst=50)


def test_r_in_5b_non_resident_invoice_is_itc_available_in_nonrevsup_b2b() -> None:
    rec = invoice("NR-1", supplier="9917USA29001OSD", origin=Origin.GSTR5, igst=360)
    two_b = gstr2b(entry(rec, route=Route.NON_RESIDENT))

    assert two_b.itc.itcavl.nonrevsup[S.B2B] == Tax.of(igst=360)


def test_r_in_5c_isd_invoice_goes_to_isdsup_and_isd_credit_note_reduces_othersup_isd() -> None:
    """Rule: R-IN-5c (decision: ISD credit notes in othersup.isd)"""
    isd_invoice = invoice("ISD-1", igst=500, supplier=S2, origin=Origin.GSTR6)
    isd_credit_note = credit_note("ISD-2", igst=70, supplier=S2, origin=Origin.GSTR6)
    two_b = gstr2b(entry(isd_invoice, route=Route.ISD), entry(isd_credit_note, route=Route.ISD))

    assert two_b.itc.itcavl.isdsup[S.ISD] == Tax.of(igst=500)
    assert two_b.itc.itcavl.othersup[S.ISD] == Tax.of(igst=70)
    assert [line.section for line in two_b.documents] == [S.ISD, S.ISD]
    assert {(row.kind, row.documents) for row in two_b.suppliers} == {(Kind.INV, 1), (Kind.CN, 1)}


def test_r_in_5c_isd_amendments_go_to_isda() -> None:
    isd_invoice = invoice("ISD-1", igst=500, supplier=S2, origin=Origin.GSTR6)
    two_b = gstr2b(
        entry(amendment(isd_invoice, igst=400), route=Route.ISD), period=Period(2024, 11)
    )

    assert two_b.itc.itcavl.isdsup[S.ISDA] == Tax.of(igst=-100)


def test_r_in_5d_bills_of_entry_go_to_imports_impg_impgsez_and_their_amendments() -> None:
    icegate = bill_of_entry("INMAA1/100", filed_on=None, igst=1000)
    sez = bill_of_entry("INMAA1/101", supplier=S2, igst=200)
    two_b = gstr2b(
        entry(icegate, route=Route.IMPORTS),
        entry(sez, route=Route.IMPORTS),
        entry(amendment(icegate, igst=1100), route=Route.IMPORTS),
        entry(amendment(sez, igst=150), route=Route.IMPORTS),
    )
    imports = two_b.itc.itcavl.imports

    assert (imports[S.IMPG], imports[S.IMPGSEZ]) == (Tax.of(igst=1000), Tax.of(igst=200))
    assert (imports[S.IMPGA], imports[S.IMPGASEZ]) == (Tax.of(igst=100), Tax.of(igst=-50))


def test_r_in_5e_pos_ineligible_invoice_is_itc_not_available_with_rsn_p() -> None:
    rec = invoice("INV-201", supplier=S2, pos="24", cgst=450, sgst=450)
    two_b = gstr2b(entry(rec, Action.ACCEPT, route=Route.POS_INELIGIBLE))

    [line] = two_b.documents
    assert (line.bucket, line.reason, line.itc_available) == (Bucket.ITCUNAVL, Reason.POS, False)
    assert two_b.itc.itcunavl.nonrevsup[S.B2B] == Tax.of(cgst=450, sgst=450)
    assert two_b.itc.itcavl.nonrevsup.total == NO_TAX


def test_r_in_5f_time_barred_records_are_itc_not_available_with_rsn_c_even_if_pending() -> None:
    """Rule: R-IN-5f, R-ACT-5"""
    two_b = gstr2b(entry(debit_note("DN-9", igst=40), Action.PENDING, route=Route.TIME_BARRED))

    [line] = two_b.documents
    assert (line.reason, line.section) == (Reason.TIME_BARRED, S.CDNR)
    assert two_b.itc.itcunavl.nonrevsup[S.CDNR] == Tax.of(igst=40)


def test_r_in_5e_pos_ineligible_credit_note_sits_in_itcunavl_othersup() -> None:
    rec = credit_note("CN-9", supplier=S2, pos="24", cgst=45, sgst=45)
    two_b = gstr2b(entry(rec, route=Route.POS_INELIGIBLE))

    assert two_b.itc.itcunavl.othersup[S.CDNR] == Tax.of(cgst=45, sgst=45)


# -- R-2B-6: totals and counterparty rows ----------------------------------------------------


def test_r_2b_6_a_group_total_is_the_sum_of_its_sections_to_the_paisa() -> None:
    """Rule: R-2B-6."""
    two_b = gstr2b(
        entry(invoice("INV-1", igst="0.01")),
        entry(debit_note("DN-1", igst="100.10", cess="0.05")),
        entry(amendment(invoice("INV-2", igst="10.00"), igst="9.99")),
        period=OCT_2024.next(),
    )
    nonrevsup = two_b.itc.itcavl.nonrevsup

    assert nonrevsup.total == Tax.of(igst="100.10", cess="0.05")
    assert set(nonrevsup.sections) == set(GROUP_SECTIONS[Group.NONREVSUP])


def test_r_2b_6_counterparty_row_per_supplier_and_section_with_document_values() -> None:
    """Rule: R-2B-6."""
    two_b = gstr2b(
        entry(invoice("INV-1", taxable=1000, igst=180), trade_name="Udaan"),
        entry(invoice("INV-2", taxable=500, igst=90)),
        entry(
            invoice("INV-3", supplier=S2, taxable=100, igst=18, pos="24"),
            route=Route.POS_INELIGIBLE,
        ),
        entry(credit_note("CN-1", taxable=100, igst=18)),
        entry(debit_note("DN-1", taxable=200, igst=36)),
    )
    rows = {(row.section, row.supplier, row.kind): row for row in two_b.suppliers}

    s1_b2b = rows[(S.B2B, S1, Kind.INV)]
    assert (s1_b2b.documents, s1_b2b.taxable, s1_b2b.tax) == (2, money(1500), Tax.of(igst=270))
    assert s1_b2b.trade_name == "Udaan"
    assert (s1_b2b.supplier_period, s1_b2b.filed_on) == (OCT_2024, date(2024, 11, 5))
    assert rows[(S.B2B, S2, Kind.INV)].tax == Tax.of(igst=18)  # ITC not available, still listed
    # (decision) credit and debit notes of one supplier get a row each
    assert rows[(S.CDNR, S1, Kind.CN)].tax == Tax.of(igst=18)
    assert rows[(S.CDNR, S1, Kind.DN)].tax == Tax.of(igst=36)


def test_r_2b_6_counterparty_row_carries_the_latest_period_and_filing_date() -> None:
    """Rule: R-2B-6."""
    early = invoice("INV-1", igst=1)
    late = invoice("INV-2", igst=1, period=Period(2024, 11), filed_on=date(2024, 12, 9))
    [row] = gstr2b(entry(late), entry(early), period=Period(2024, 11)).suppliers

    assert (row.supplier_period, row.filed_on, row.documents) == (
        Period(2024, 11),
        date(2024, 12, 9),
        2,
    )


# -- R-2B-8: Rule 37A ------------------------------------------------------------------------


def test_r_2b_8_rule_37a_reversal_sits_in_itcrev_and_reclaim_in_itcavl_nonrevsup_b2b() -> None:
    """Rule: R-2B-8."""
    reversal = Rule37A(S2, OCT_2024, Tax.of(igst=5600))
    reclaim = Rule37A(S1, OCT_2024, Tax.of(igst=700), reclaim=True)
    two_b = gstr2b(entry(invoice("INV-1", igst=100)), adjustments=(reversal, reclaim))

    assert two_b.itc.itcrev.nonrevsup[S.B2B] == Tax.of(igst=5600)
    assert two_b.itc.itcrev.nonrevsup.total == Tax.of(igst=5600)
    assert two_b.itc.itcavl.nonrevsup[S.B2B] == Tax.of(igst=800)
    assert two_b.rule_37a == (reversal, reclaim)


# -- the statement itself --------------------------------------------------------------------


def test_r_seq_3_a_2b_without_documents_is_an_empty_statement() -> None:
    """Rule: R-SEQ-3"""
    two_b = build_gstr2b(R, OCT_2024, [], generated_on=date(2024, 11, 14), version=3)

    assert (two_b.recipient, two_b.period, two_b.generated_on, two_b.version) == (
        R,
        OCT_2024,
        date(2024, 11, 14),
        3,
    )
    assert list(two_b.lines()) == []
    for bucket in Bucket:
        for group in Group:
            assert two_b.itc.bucket(bucket).group(group).total == NO_TAX


def test_r_2b_2_entries_of_another_recipient_unfiled_or_of_a_later_period_are_skipped() -> None:
    """Rule: R-2B-2"""
    two_b = gstr2b(
        entry(invoice("INV-1", igst=1, recipient=S2)),
        entry(invoice("INV-2", igst=1, filed_on=None)),
        entry(invoice("INV-3", igst=1, period=Period(2024, 11), filed_on=date(2024, 12, 9))),
        entry(invoice("INV-4", igst=1)),
    )

    assert [line.number for line in two_b.lines()] == ["INV-4"]
