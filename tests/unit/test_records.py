"""Records: keys, sections, amendments and where each record goes (R-IN-5, R-IN-6, R-IN-7)."""

from dataclasses import replace
from datetime import date

from gstims.domain.calendar import Frequency, Period
from gstims.domain.money import Tax
from gstims.domain.records import (
    Action,
    Direction,
    Kind,
    Origin,
    Original,
    Record,
    RecordKey,
    Route,
    Section,
    filed_after_limit,
    gives_credit_back,
    period_2b,
    route,
)

S, RCP = "27AAPFU0939F1ZV", "29AABCR1718E1ZL"
M = Frequency.MONTHLY


def inv(**kw) -> Record:
    base = Record(
        key=RecordKey.of(S, RCP, Kind.INV, " inv-1 ", date(2024, 11, 5)),
        number="inv-1",
        doc_date=date(2024, 11, 5),
        origin=Origin.GSTR1,
        supplier_period=Period(2024, 11),
        supplier_frequency=M,
        taxable=Tax.of().igst + 10000,
        value=Tax.of().igst + 11800,
        tax=Tax.of(igst=1800),
        pos="29",
        filed_on=date(2024, 12, 10),
    )
    return replace(base, **kw)


def test_the_record_key_upper_cases_trims_and_takes_the_financial_year():
    key = RecordKey.of(S, RCP, Kind.INV, " inv-1 ", date(2025, 3, 31))
    assert key.number == "INV-1" and key.fy == 2024


def test_r_in_5a_reverse_charge_records_bypass_ims():
    r = inv(reverse_charge=True)
    assert route(r, "29", Period(2024, 11), date(2024, 12, 10)) is Route.REVERSE_CHARGE


def test_r_in_5b_and_5c_gstr5_and_gstr6_documents_bypass_ims():
    assert route(inv(origin=Origin.GSTR5), "29", Period(2024, 11), date(2024, 12, 10)) is (
        Route.NON_RESIDENT
    )
    assert route(inv(origin=Origin.GSTR6), "29", Period(2024, 11), date(2024, 12, 10)) is (
        Route.ISD
    )


def test_r_in_5d_and_r_in_6_bills_of_entry_enter_ims_from_october_2025():
    boe = inv(key=RecordKey.of("", RCP, Kind.BOE, "INMAA4/1", date(2025, 9, 28)), pos="96")
    assert route(boe, "29", Period(2025, 9), date(2025, 10, 1)) is Route.IMPORTS
    assert route(boe, "29", Period(2025, 10), date(2025, 10, 1)) is Route.IMS
    dated = replace(boe, ref_date=date(2025, 10, 3))
    assert period_2b(dated, M, date(2025, 10, 3)) == Period(2025, 10)
    assert dated.section is Section.IMPG
    sez = replace(dated, key=replace(dated.key, supplier=S))
    assert sez.section is Section.IMPGSEZ


def test_r_in_5e_supplier_state_equal_to_pos_but_not_the_recipients_is_ineligible():
    r = inv(pos="27", tax=Tax.of(cgst=450, sgst=450))
    assert route(r, "29", Period(2024, 11), date(2024, 12, 10)) is Route.POS_INELIGIBLE
    assert route(inv(), "29", Period(2024, 11), date(2024, 12, 10)) is Route.IMS


def test_r_in_5f_invoices_filed_after_the_16_4_limit_are_time_barred_but_credit_notes_never():
    late = inv(doc_date=date(2024, 11, 5), filed_on=date(2025, 12, 1))
    assert route(late, "29", Period(2025, 12), date(2025, 12, 1)) is Route.TIME_BARRED
    cn = replace(late, key=replace(late.key, kind=Kind.CN))
    assert route(cn, "29", Period(2025, 12), date(2025, 12, 1)) is Route.IMS


def test_r_in_5f_a_saved_unfiled_invoice_leaves_ims_when_its_limit_passes():
    unfiled = inv(filed_on=None)
    assert route(unfiled, "29", Period(2025, 11), date(2025, 11, 30)) is Route.IMS
    assert route(unfiled, "29", Period(2025, 12), date(2025, 12, 1)) is Route.TIME_BARRED


def test_r_in_5g_rule_37a_is_a_2b_adjustment_not_a_route():
    """Rule 37A reversals (R-IN-5g) are adjustments of the 2B, not records: see test_gstr2b."""
    assert {r.value for r in Route} >= {"IMS", "RCM", "POS", "TIME"}


def test_r_in_7_an_amendment_is_upward_or_downward_on_total_tax_equal_counts_as_upward():
    """Rule: R-IN-7."""
    orig = Original("INV-1", date(2024, 11, 5), Tax.of(igst=1800), True, Action.ACCEPT, Tax())
    assert inv(original=orig, tax=Tax.of(igst=900)).direction is Direction.DOWNWARD
    assert inv(original=orig, tax=Tax.of(cgst=900, sgst=900)).direction is Direction.UPWARD
    assert inv(original=orig).section is Section.B2BA
    unconsumed = replace(orig, consumed=False)
    assert inv(original=unconsumed).section is Section.B2B


def test_r_in_1_an_unfiled_record_gets_the_2b_period_it_would_get_if_filed_today():
    """Rule: R-IN-1."""
    unfiled = inv(filed_on=None)
    assert period_2b(unfiled, M, date(2024, 12, 12)) == Period(2024, 12)
    assert period_2b(inv(), M, date(2025, 1, 1)) == Period(2024, 11)


def test_r_in_5f_a_downward_amendment_filed_after_the_limit_still_reduces_credit():
    """Rule: R-IN-5, R-2B-5 — 16(4) bars taking credit late, never giving it back (decision)."""
    orig = Original(
        "INV-1", date(2024, 11, 5), Tax.of(igst=1800), True, Action.ACCEPT, Tax.of(igst=1800)
    )
    late = inv(original=orig, tax=Tax.of(igst=900), filed_on=date(2025, 12, 5))
    assert route(late, "29", Period(2025, 12), date(2025, 12, 5)) is Route.IMS
    upward = inv(original=orig, tax=Tax.of(igst=2700), filed_on=date(2025, 12, 5))
    assert route(upward, "29", Period(2025, 12), date(2025, 12, 5)) is Route.TIME_BARRED


def test_r_in_5f_a_downward_replacement_of_an_unconsumed_original_is_barred_after_the_limit():
    """Rule: R-IN-5, R-IN-7 — replacing an unconsumed original, it is judged as the invoice it
    replaces: filed after the limit, time-barred, downward or not. Only an amendment of a
    consumed original gives credit back (decision)."""
    unconsumed = Original(
        "INV-1", date(2024, 11, 5), Tax.of(igst=1800), False, Action.PENDING, Tax()
    )
    late = inv(original=unconsumed, tax=Tax.of(igst=900), filed_on=date(2025, 12, 5))
    assert not gives_credit_back(late)
    assert route(late, "29", Period(2025, 12), date(2025, 12, 5)) is Route.TIME_BARRED
    on_the_limit = replace(late, filed_on=date(2025, 11, 30))
    assert route(on_the_limit, "29", Period(2025, 11), date(2025, 11, 30)) is Route.IMS


def test_r_cal_3_a_filing_on_the_16_4_limit_day_is_in_time():
    """Rule: R-CAL-3, R-IN-5f — the limit of an FY 2024-25 invoice is 30-11-2025, inclusive."""
    record = inv(doc_date=date(2025, 3, 15))
    assert not filed_after_limit(replace(record, filed_on=date(2025, 11, 30)), date(2025, 12, 1))
    assert filed_after_limit(replace(record, filed_on=date(2025, 12, 1)), date(2025, 12, 1))
    assert filed_after_limit(replace(record, filed_on=None), date(2025, 12, 1))  # unfiled: today
