"""Tests for gstims.domain.gstr3b: Table 4 from a GSTR-2B and a supplier's 3.1(a)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from builders import (
    FULL_REDUCTION,
    NO_REDUCTION,
    OCT_2024,
    S1,
    S2,
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

from gstims.domain.calendar import Frequency, Period
from gstims.domain.gstr2b import Rule37A
from gstims.domain.gstr3b import (
    Consumed,
    Table4,
    add_back_period,
    consumed,
    consumed_facts,
    credit_note_add_back,
    outward_liability,
    reclaim_period,
    route_as_held,
    table4,
)
from gstims.domain.money import NO_TAX, Tax, money
from gstims.domain.records import Action, Origin, Route
from gstims.domain.state import Declaration, ImsState

NOV_2024 = Period(2024, 11)


# -- R-3B-1: Table 4 -------------------------------------------------------------------------


def test_r_3b_1_no_2b_yet_gives_a_table_4_of_zeros() -> None:
    """Rule: R-3B-1, R-3B-2"""
    t4 = table4(None)

    assert t4 == Table4()
    assert t4.available.total == t4.reversed_itc.total == t4.net == NO_TAX
    assert t4.ineligible.rules == t4.ineligible.others == NO_TAX
    assert (t4.inward_reverse_charge.taxable, t4.inward_reverse_charge.tax) == (money(0), NO_TAX)


def test_r_3b_1_all_other_itc_is_nonrevsup_minus_credit_notes_and_their_amendments() -> None:
    """Rule: R-3B-1."""
    two_b = gstr2b(
        entry(invoice("INV-1", igst=1800, cess=100)),
        entry(debit_note("DN-1", igst=200)),
        entry(credit_note("CN-1", igst=180)),
        entry(amendment(credit_note("CN-2", igst=100), igst=120), route=Route.IMS),
        period=NOV_2024,
    )

    assert table4(two_b).available.all_other == Tax.of(igst=1800 + 200 - 180 - 20, cess=100)


def test_r_3b_1_a_negative_head_shows_zero_and_goes_to_4b2_while_other_heads_stay() -> None:
    """Rule: R-3B-1."""
    two_b = gstr2b(
        entry(invoice("INV-1", cgst=500, sgst=500, pos="27")),
        entry(credit_note("CN-1", igst=300)),
    )
    t4 = table4(two_b)

    assert t4.available.all_other == Tax.of(cgst=500, sgst=500)
    assert t4.reversed_itc.others == Tax.of(igst=300)
    assert t4.net == Tax.of(igst=-300, cgst=500, sgst=500)


def test_r_3b_1_reverse_charge_row_is_revsup_minus_its_credit_notes_and_3_1d_is_revsup() -> None:
    """Rule: R-3B-1 (decision: 3.1(d) as written, RCM credit notes reduce 4(A)(3) only)"""
    rcm = Route.REVERSE_CHARGE
    two_b = gstr2b(
        entry(invoice("RCM-1", taxable=2000, igst=100, reverse_charge=True), route=rcm),
        entry(credit_note("RCM-2", taxable=200, igst=10, reverse_charge=True), route=rcm),
    )
    t4 = table4(two_b)

    assert t4.available.inward_reverse_charge == Tax.of(igst=90)
    assert t4.inward_reverse_charge.taxable == money(2000)
    assert t4.inward_reverse_charge.tax == Tax.of(igst=100)
    assert t4.available.all_other == NO_TAX


def test_r_3b_1_isd_row_is_isdsup_net_of_isd_credit_notes() -> None:
    """Rule: R-3B-1."""
    isd = Route.ISD
    two_b = gstr2b(
        entry(invoice("ISD-1", supplier=S2, origin=Origin.GSTR6, cgst=300, sgst=300), route=isd),
        entry(credit_note("ISD-2", supplier=S2, origin=Origin.GSTR6, cgst=30, sgst=30), route=isd),
    )

    assert table4(two_b).available.isd == Tax.of(cgst=270, sgst=270)


def test_r_3b_1_imports_row_is_itcavl_imports_and_imports_of_services_stay_zero() -> None:
    """Rule: R-3B-1."""
    two_b = gstr2b(entry(bill_of_entry("INMAA1/7", igst=1000, cess=10), route=Route.IMPORTS))
    t4 = table4(two_b)

    assert t4.available.import_of_goods == Tax.of(igst=1000, cess=10)
    assert t4.available.import_of_services == NO_TAX


def test_r_3b_1_rule_37a_reversal_goes_to_4b2_and_4b1_stays_zero() -> None:
    """Rule: R-3B-1, R-2B-8"""
    two_b = gstr2b(
        entry(invoice("INV-1", igst=1000)),
        adjustments=(Rule37A(S2, Period(2023, 4), Tax.of(igst=400)),),
    )
    t4 = table4(two_b)

    assert t4.reversed_itc.rules == NO_TAX
    assert t4.reversed_itc.others == Tax.of(igst=400)
    assert t4.net == Tax.of(igst=600)


def test_r_3b_1_ineligible_others_is_itcunavl_with_its_credit_notes_netted() -> None:
    """Rule: R-3B-1 (decision: 4(D)(2) nets itcunavl credit notes, floored at 0)"""
    pos = Route.POS_INELIGIBLE
    netted = gstr2b(
        entry(invoice("INV-1", supplier=S2, pos="24", cgst=450, sgst=450), route=pos),
        entry(credit_note("CN-1", supplier=S2, pos="24", cgst=50, sgst=50), route=pos),
        entry(invoice("INV-2", igst=36), route=Route.TIME_BARRED),
    )
    only_note = gstr2b(entry(credit_note("CN-1", supplier=S2, pos="24", cgst=50), route=pos))

    assert table4(netted).ineligible.others == Tax.of(igst=36, cgst=400, sgst=400)
    assert table4(netted).ineligible.rules == NO_TAX
    assert table4(only_note).ineligible.others == NO_TAX
    assert table4(netted).available.total == NO_TAX


def test_r_3b_1_rejected_and_pending_records_contribute_nothing() -> None:
    """Rule: R-3B-1."""
    two_b = gstr2b(
        entry(invoice("INV-1", igst=1000), Action.REJECT),
        entry(invoice("INV-2", igst=2000), Action.PENDING),
        entry(credit_note("CN-1", igst=100), Action.REJECT),
    )

    assert table4(two_b) == Table4()


def test_r_3b_1_net_itc_is_available_minus_reversed_per_head() -> None:
    """Rule: R-3B-1."""
    two_b = gstr2b(
        entry(invoice("INV-1", igst="1000.55", cess="12.34")),
        entry(amendment(invoice("INV-0", cgst=90, sgst=90, pos="27"), cgst=0, sgst=0)),
        adjustments=(Rule37A(S2, Period(2023, 4), Tax.of(igst="0.55")),),
        period=NOV_2024,
    )
    t4 = table4(two_b)

    assert t4.net == t4.available.total - t4.reversed_itc.total
    assert t4.net == Tax.of(igst=1000, cgst=-90, sgst=-90, cess="12.34")


# -- R-3B-4: supplier liability --------------------------------------------------------------


def test_r_3b_4_liability_is_invoices_and_debit_notes_minus_credit_notes() -> None:
    """Rule: R-3B-4."""
    records = [
        invoice("INV-1", taxable=10000, igst=1800),
        debit_note("DN-1", taxable=100, igst=18),
        credit_note("CN-1", taxable=1000, igst=180),
        eco_record("ECO-1", taxable=50, cgst="4.5", sgst="4.5"),  # S1 as the operator
    ]
    liability = outward_liability(S1, OCT_2024, records)

    assert liability.taxable == money(10000 + 100 - 1000 + 50)
    assert liability.tax == Tax.of(igst=1638, cgst="4.5", sgst="4.5")


def test_r_3b_4_reverse_charge_unfiled_other_period_and_other_supplier_records_stay_out() -> None:
    """Rule: R-3B-4."""
    records = [
        invoice("INV-1", taxable=100, igst=18),
        invoice("RCM-1", taxable=2000, igst=100, reverse_charge=True),
        invoice("INV-2", taxable=5, igst=1, filed_on=None),
        invoice("INV-3", taxable=5, igst=1, period=NOV_2024),
        invoice("INV-4", taxable=5, igst=1, supplier=S2),
        invoice("NR-1", taxable=5, igst=1, origin=Origin.GSTR5),
    ]

    assert outward_liability(S1, OCT_2024, records).tax == Tax.of(igst=18)


def test_r_3b_4_e_commerce_record_is_the_operators_not_the_actual_suppliers() -> None:
    """Rule: R-3B-4."""
    operator = "29AAACE1234F1Z5"
    rec = eco_record("ECO-1", supplier=operator, actual_supplier=S1, taxable=100, igst=18)

    assert outward_liability(operator, OCT_2024, [rec]).tax == Tax.of(igst=18)
    assert outward_liability(S1, OCT_2024, [rec]).tax == NO_TAX


def test_r_3b_4_amendments_count_by_their_difference_from_the_original() -> None:
    """Rule: R-3B-4."""
    cut = amendment(invoice("INV-1", igst=1800), igst=900, period=NOV_2024)
    raised_cn = amendment(credit_note("CN-1", igst=100), igst=150, period=NOV_2024)

    assert outward_liability(S1, NOV_2024, [cut, raised_cn]).tax == Tax.of(igst=-900 - 50)


def test_r_3b_4_add_backs_are_added_to_the_tax() -> None:
    """Rule: R-3B-4."""
    liability = outward_liability(
        S1, OCT_2024, [invoice("INV-1", taxable=100, igst=18)], [Tax.of(igst=5), Tax.of(cgst=1)]
    )

    assert liability.tax == Tax.of(igst=23, cgst=1)
    assert liability.taxable == money(100)


def test_r_3b_4_add_back_of_a_consumed_credit_note_by_its_action_and_declaration() -> None:
    """Rule: R-3B-4."""
    cn = credit_note("CN-1", cgst=500, sgst=500)

    def add_back(action: Action, declaration: Declaration | None = None) -> Tax:
        return credit_note_add_back(cn, ImsState(action, None, declaration))

    assert add_back(Action.REJECT) == Tax.of(cgst=500, sgst=500)
    assert add_back(Action.NO_ACTION) == NO_TAX
    assert add_back(Action.ACCEPT, FULL_REDUCTION) == NO_TAX
    assert add_back(Action.ACCEPT, declared(cgst=200, sgst=200)) == Tax.of(cgst=300, sgst=300)
    assert add_back(Action.ACCEPT, NO_REDUCTION) == Tax.of(cgst=500, sgst=500)
    assert add_back(Action.PENDING) == NO_TAX


def test_r_3b_4_re_reported_credit_note_accepted_after_wrongful_rejection_nets_to_zero() -> None:
    """Rule: R-3B-4."""
    cn = credit_note("CN-6", igst=1000)
    first = credit_note_add_back(cn, ImsState(Action.REJECT))
    again = amendment(cn, original_action=Action.REJECT)
    second = credit_note_add_back(again, ImsState(Action.ACCEPT))

    assert first == Tax.of(igst=1000)
    assert second == Tax.of(igst=-1000)
    assert first + second == NO_TAX


def test_r_3b_4_amendment_never_takes_back_more_than_its_original_added_back() -> None:
    """Rule: R-3B-4."""
    cn = credit_note("CN-1", igst=1000)
    downward_rejected = amendment(cn, igst=600, original_action=Action.ACCEPT)
    upward_rejected = amendment(cn, igst=1500, original_action=Action.ACCEPT)

    assert credit_note_add_back(downward_rejected, ImsState(Action.REJECT)) == Tax.of(igst=0)
    assert credit_note_add_back(upward_rejected, ImsState(Action.REJECT)) == Tax.of(igst=500)


def test_r_3b_4_invoices_add_back_nothing() -> None:
    """Rule: R-3B-4."""
    assert credit_note_add_back(invoice("INV-1", igst=1), ImsState(Action.REJECT)) == NO_TAX


def test_r_3b_3_a_record_held_in_ims_and_time_barred_since_is_consumed_as_ims() -> None:
    """Rule: R-3B-3, R-ACT-5, R-IN-5f — the time-bar takes a record out of IMS only Pending or
    unfiled: held as A, N or R and filed in time, it was in IMS when the 2B held it."""
    barred = replace(
        invoice("INV-9", igst=1800, doc_date=date(2025, 3, 15), filed_on=date(2025, 11, 5)),
        time_barred=True,
    )
    for held in (Action.NO_ACTION, Action.ACCEPT, Action.REJECT):
        assert route_as_held(barred, Route.TIME_BARRED, held) is Route.IMS
    assert route_as_held(barred, Route.TIME_BARRED, Action.PENDING) is Route.TIME_BARRED
    filed_late = replace(barred, filed_on=date(2025, 12, 5))  # barred unfiled, filed after
    assert route_as_held(filed_late, Route.TIME_BARRED, Action.NO_ACTION) is Route.TIME_BARRED
    late_by_date = replace(filed_late, time_barred=False)
    assert route_as_held(late_by_date, Route.TIME_BARRED, Action.NO_ACTION) is Route.TIME_BARRED
    assert route_as_held(barred, Route.POS_INELIGIBLE, Action.NO_ACTION) is Route.POS_INELIGIBLE


# -- consumption: what each record consumed by a filed 3B gave -------------------------------


def test_r_3b_3_a_consumed_record_gives_its_effect_by_route_and_action() -> None:
    """Rule: R-3B-3, R-3B-4 (rules.md §9 ex. 9) — INV-7 deemed accepted gives its 1,800; a
    rejected one, or one off the ITC routes, gives nothing; CN-6 rejected adds back 1,000."""
    inv = invoice("INV-7", igst=1800)
    cn = credit_note("CN-6", igst=1000)
    gave = Tax.of(igst=1800)

    assert consumed(inv, ImsState(Action.NO_ACTION), Route.IMS) == Consumed(gave, NO_TAX)
    assert consumed(inv, ImsState(Action.REJECT), Route.IMS) == Consumed(NO_TAX, NO_TAX)
    for off in (Route.POS_INELIGIBLE, Route.TIME_BARRED):
        assert consumed(inv, ImsState(Action.NO_ACTION), off) == Consumed(NO_TAX, NO_TAX)
    assert consumed(inv, ImsState(Action.NO_ACTION), Route.REVERSE_CHARGE).effect == gave
    assert consumed(cn, ImsState(Action.REJECT), Route.IMS) == Consumed(NO_TAX, Tax.of(igst=1000))
    assert consumed(cn, ImsState(Action.REJECT), Route.REVERSE_CHARGE).add_back == NO_TAX


def test_r_2b_5_a_consumed_amendment_keeps_the_chains_cumulative_effect() -> None:
    """Rule: R-2B-5 (rules.md §9 ex. 13) — INV-7 (1,800) consumed deemed accepted, amended down
    to 900: the amendment gives -900, so the chain has given 900 in all, which a later
    amendment is measured against."""
    down = amendment(invoice("INV-7", igst=1800), igst=900)

    assert consumed(down, ImsState(Action.NO_ACTION), Route.IMS).effect == Tax.of(igst=900)


def test_r_2b_5_the_facts_of_a_consumption_tell_an_amendment_filed_after_its_16_4_limit() -> None:
    """Rule: R-2B-5, R-IN-5f — an upward amendment filed after its original's 16(4) limit takes
    no more credit; filed in time, it does. The two differ in nothing else that a column of
    the judgement could tell, so the facts a consumption is memoised on must tell them apart."""
    original = invoice("INV-8", igst=1800)  # FY 2024-25: limit 30-11-2025
    in_time = amendment(original, igst=2400, filed_on=date(2025, 11, 5))
    late = replace(in_time, filed_on=date(2025, 12, 5))
    held = ImsState(Action.NO_ACTION)

    assert consumed(in_time, held, Route.IMS).effect == Tax.of(igst=2400)
    assert consumed(late, held, Route.IMS).effect == Tax.of(igst=1800)
    assert consumed_facts(in_time, held, Route.IMS) != consumed_facts(late, held, Route.IMS)


def test_r_3b_3_records_with_equal_facts_are_consumed_alike() -> None:
    """Rule: R-3B-3 — what `consumed` does not read (number, date, taxable value, supplier)
    leaves the facts, and so the judgement memoised on them, unchanged."""
    one = credit_note("CN-1", igst=500, taxable=2000)
    other = credit_note("CN-2", igst=500, taxable=9000, supplier=S2, doc_date=date(2024, 10, 1))
    for action in Action:
        state = ImsState(action)
        assert consumed_facts(one, state, Route.IMS) == consumed_facts(other, state, Route.IMS)
        assert consumed(one, state, Route.IMS) == consumed(other, state, Route.IMS)


def test_r_3b_4_an_add_back_lands_in_the_first_unfiled_return_period_after() -> None:
    """Rule: R-3B-4 — in the supplier's own frequency, the first period after the recipient's
    3B period whose GSTR-3B the supplier has not filed."""
    monthly, quarterly = Frequency.MONTHLY, Frequency.QUARTERLY

    assert add_back_period(OCT_2024, monthly, set()) == NOV_2024
    assert add_back_period(OCT_2024, monthly, {NOV_2024}) == Period(2024, 12)
    assert add_back_period(OCT_2024, quarterly, set()) == Period(2025, 3)
    assert add_back_period(OCT_2024, quarterly, {Period(2025, 3)}) == Period(2025, 6)


def test_r_2b_8_a_reversal_is_reclaimable_in_the_recipients_next_2b() -> None:
    """Rule: R-2B-8 — the 2B drafted next after the supplier's late 3B: the month's own from
    its 14th, else the previous month's; a quarterly recipient's quarter."""
    assert reclaim_period(date(2024, 12, 20), Frequency.MONTHLY) == Period(2024, 12)
    assert reclaim_period(date(2024, 12, 14), Frequency.MONTHLY) == Period(2024, 12)
    assert reclaim_period(date(2024, 12, 10), Frequency.MONTHLY) == NOV_2024
    assert reclaim_period(date(2024, 11, 20), Frequency.QUARTERLY) == Period(2024, 12)
