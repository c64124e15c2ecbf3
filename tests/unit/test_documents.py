"""Validation of the documents a supplier saves in GSTR-1 (R-IN-4, R-IN-2, R-IN-7, R-CAL-4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gstims.domain.calendar import Period
from gstims.domain.documents import (
    CESS_MAX_PERCENT,
    RATES,
    Item,
    NumberKey,
    Problem,
    ReturnContext,
    SupplierDocument,
    validate_documents,
    validate_return_period,
)
from gstims.domain.gstin import STATES, is_place_of_supply
from gstims.domain.money import Tax, money
from gstims.domain.records import Kind, RecordKey

SUPPLIER = "27AAPFU0939F1ZV"  # Maharashtra
BUYER = "29AABCR1718E1ZL"  # Karnataka
OTHER_BUYER = "24AANFA2641L1ZF"  # Gujarat
LOCAL_BUYER = "27AABCR1718E1ZP"  # Maharashtra
OPERATOR = "27AAACE5507R1CK"  # an e-commerce operator in Maharashtra
SELLER_ON_PORTAL = "29AAACA1234B1ZE"  # the actual supplier behind an e-commerce invoice
NOV_2025 = Period(2025, 11)


def context(**changes: object) -> ReturnContext:
    base = ReturnContext(
        supplier=SUPPLIER,
        supplier_state="27",
        return_period=NOV_2025,
        period_first_day=date(2025, 11, 1),
        today=date(2025, 12, 5),
        registered=frozenset({BUYER, OTHER_BUYER, LOCAL_BUYER}),
        taken_numbers={},
        filed_originals=frozenset(),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def item(rate: str = "18", taxable: str = "10000", **tax: Decimal | str | int) -> Item:
    return Item(Decimal(rate), money(taxable), Tax.of(**tax))


def invoice(**changes: object) -> SupplierDocument:
    """INV-101: Maharashtra to Karnataka, 18% on 10,000 with IGST 1,800 — valid."""
    base = SupplierDocument(
        section="b2b",
        kind=Kind.INV,
        supplier=SUPPLIER,
        recipient=BUYER,
        number="INV-101",
        doc_date=date(2025, 11, 5),
        value=money("11800"),
        pos="29",
        items=(item(igst=1800),),
    )
    doc = replace(base, **changes)  # type: ignore[arg-type]
    if "value" in changes:
        return doc
    return replace(doc, value=doc.taxable + doc.tax.total)  # "val" is the value incl. tax


def local_invoice(**changes: object) -> SupplierDocument:
    """An intra-state invoice: POS 27, CGST 900 + SGST 900."""
    base = {"recipient": LOCAL_BUYER, "pos": "27", "items": (item(cgst=900, sgst=900),)}
    return invoice(**(base | changes))


def credit_note(**changes: object) -> SupplierDocument:
    return invoice(**({"section": "cdnr", "kind": Kind.CN, "number": "CN-7"} | changes))


def eco_invoice(**changes: object) -> SupplierDocument:
    """An invoice the operator reports u/s 9(5) for a seller in Karnataka, POS 29."""
    base = {
        "section": "ecomb2b",
        "kind": Kind.ECO,
        "supplier": OPERATOR,
        "actual_supplier": SELLER_ON_PORTAL,
        "items": (item(cgst=900, sgst=900),),
    }
    return invoice(**(base | changes))


def amendment(**changes: object) -> SupplierDocument:
    """INV-101 (05-11-2025) amended in b2ba as INV-101A, dated 20-11-2025."""
    base = {
        "section": "b2ba",
        "number": "INV-101A",
        "doc_date": date(2025, 11, 20),
        "original_number": "INV-101",
        "original_date": date(2025, 11, 5),
    }
    return invoice(**(base | changes))


def filed(*docs: SupplierDocument) -> ReturnContext:
    """A context in which `docs` were filed earlier."""
    keys = frozenset(doc.key for doc in docs)
    return context(
        supplier=docs[0].supplier,
        filed_originals=keys,
        taken_numbers={NumberKey.of(key): key.recipient for key in keys},
    )


def problems(*docs: SupplierDocument, ctx: ReturnContext | None = None) -> list[Problem]:
    return validate_documents(docs, ctx or context())


def fields(*docs: SupplierDocument, ctx: ReturnContext | None = None) -> list[str]:
    return [p.field for p in problems(*docs, ctx=ctx)]


# --- valid documents -------------------------------------------------------------------------


def test_a_correct_inter_state_invoice_has_no_problem() -> None:
    """Rule: R-IN-4"""
    assert problems(invoice()) == []


def test_a_correct_intra_state_invoice_has_no_problem() -> None:
    """Rule: R-IN-4"""
    assert problems(local_invoice()) == []


def test_a_correct_credit_note_and_e_commerce_invoice_have_no_problem() -> None:
    """Rule: R-IN-4"""
    assert problems(credit_note()) == []
    assert problems(eco_invoice(), ctx=context(supplier=OPERATOR)) == []


def test_the_worked_example_reports_cgst_sgst_and_the_missing_igst_together() -> None:
    """Rule: R-IN-4 — the example in the module docstring."""
    wrong = invoice(items=(item(cgst=900, sgst=900),))
    assert [str(p) for p in problems(wrong)] == [
        "b2b INV-101 itms[0].camt: CGST on an inter-state supply (supplier state 27 ≠ POS 29): "
        "charge IGST only",
        "b2b INV-101 itms[0].samt: SGST on an inter-state supply (supplier state 27 ≠ POS 29): "
        "charge IGST only",
        "b2b INV-101 itms[0].iamt: IGST 0.00 is not 18% of the taxable value 10000.00: "
        "expected 1800.00 (± ₹1)",
    ]


# --- GSTINs ----------------------------------------------------------------------------------


def test_a_supplier_gstin_with_a_wrong_check_character_is_refused() -> None:
    """Rule: R-IN-4"""
    bad = "27AAPFU0939F1ZX"
    found = problems(invoice(supplier=bad), ctx=context(supplier=bad))
    assert found == [
        Problem(
            "b2b",
            "INV-101",
            "gstin",
            f"supplier GSTIN {bad}: check character should be 'V', not 'X'",
        )
    ]


def test_a_document_of_another_supplier_than_the_filer_is_refused() -> None:
    """Rule: R-IN-4"""
    assert fields(invoice(supplier=OTHER_BUYER)) == ["gstin"]


def test_a_recipient_gstin_with_a_wrong_check_character_is_refused_once() -> None:
    """Rule: R-IN-4 — a malformed GSTIN is not also reported as unregistered."""
    found = problems(invoice(recipient="29AABCR1718E1ZM"))
    assert [(p.field, p.message) for p in found] == [
        ("ctin", "recipient GSTIN 29AABCR1718E1ZM: check character should be 'L', not 'M'")
    ]


def test_a_recipient_gstin_in_lower_case_is_refused() -> None:
    """Rule: R-IN-4 — the record key holds GSTINs as the portal writes them."""
    found = problems(invoice(recipient=BUYER.lower()))
    assert [p.field for p in found] == ["ctin"]
    assert "capital letters" in found[0].message


def test_an_unregistered_recipient_is_refused() -> None:
    """Rule: R-IN-4"""
    found = problems(invoice(), ctx=context(registered=frozenset({OTHER_BUYER})))
    assert found == [
        Problem("b2b", "INV-101", "ctin", f"recipient {BUYER} is not a registered taxpayer")
    ]


def test_an_e_commerce_recipient_is_named_rtin() -> None:
    """Rule: R-IN-4"""
    found = problems(eco_invoice(recipient="29AABCR1718E1ZM"), ctx=context(supplier=OPERATOR))
    assert [p.field for p in found] == ["rtin"]


def test_an_e_commerce_invoice_must_name_its_actual_supplier() -> None:
    """Rule: R-IN-4"""
    found = problems(eco_invoice(actual_supplier=None), ctx=context(supplier=OPERATOR))
    assert [p.field for p in found] == ["stin"]
    assert "actual supplier" in found[0].message


def test_an_e_commerce_actual_supplier_gstin_is_check_character_tested() -> None:
    """Rule: R-IN-4"""
    found = problems(eco_invoice(actual_supplier="29AAACA1234B1ZF"), ctx=context(supplier=OPERATOR))
    assert [p.field for p in found] == ["stin"]
    assert "check character should be 'E'" in found[0].message


def test_the_actual_suppliers_state_decides_intra_state_for_an_e_commerce_invoice() -> None:
    """Rule: R-IN-4 (decision) — a seller in 29 with POS 29 is intra-state via an operator in 27."""
    ctx = context(supplier=OPERATOR)
    assert problems(eco_invoice(), ctx=ctx) == []
    assert "itms[0].iamt" in fields(eco_invoice(items=(item(igst=1800),)), ctx=ctx)


# --- document number -------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["1", "INV/2025-26/001", "A234567890123456", "inv-101", "9/-"])
def test_a_number_of_1_to_16_allowed_characters_is_accepted(number: str) -> None:
    """Rule: R-IN-4"""
    assert problems(invoice(number=number)) == []


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("", "missing"),
        ("A2345678901234567", "17 characters: at most 16"),
        ("INV 101", "may contain only"),
        ("INV_101", "may contain only"),
        ("INV#101", "may contain only"),
        (" INV101", "may contain only"),
        ("ÍNV101", "may contain only"),
        ("/INV101", "must not start with '/'"),
        ("-INV101", "must not start with '-'"),
    ],
)
def test_a_badly_formed_number_is_refused(number: str, says: str) -> None:
    """Rule: R-IN-4"""
    found = problems(invoice(number=number))
    assert [p.field for p in found] == ["inum"]
    assert says in found[0].message


def test_a_credit_note_number_is_named_nt_num() -> None:
    """Rule: R-IN-4"""
    assert fields(credit_note(number="-CN7")) == ["nt_num"]


# --- document date ---------------------------------------------------------------------------


def test_a_document_dated_after_the_return_period_is_refused() -> None:
    """Rule: R-IN-4"""
    found = problems(invoice(doc_date=date(2025, 12, 1)))
    assert [p.field for p in found] == ["idt"]
    assert found[0].message.startswith(
        "document date 01-12-2025 is after the end of the return period 112025 "
        "(01-11-2025 – 30-11-2025)"
    )


def test_a_quarterly_return_takes_documents_of_all_three_months_but_not_later() -> None:
    """Rule: R-IN-4 — a quarterly GSTR-1 is named by the quarter's last month."""
    quarter = context(
        return_period=Period(2025, 12), period_first_day=date(2025, 10, 1), today=date(2026, 1, 9)
    )
    assert problems(invoice(doc_date=date(2025, 10, 1)), ctx=quarter) == []
    assert problems(invoice(doc_date=date(2025, 12, 31)), ctx=quarter) == []
    assert fields(invoice(doc_date=date(2026, 1, 2)), ctx=quarter) == ["idt"]


def test_a_document_dated_in_the_future_is_refused() -> None:
    """Rule: R-IN-4 — saving during the period, a date after today is refused."""
    during = context(today=date(2025, 11, 10))
    found = problems(invoice(doc_date=date(2025, 11, 11)), ctx=during)
    assert found == [
        Problem(
            "b2b",
            "INV-101",
            "idt",
            "document date 11-11-2025 is in the future (today is 10-11-2025)",
        )
    ]


def test_a_document_older_than_october_2024_may_be_reported_late() -> None:
    """Rule: R-IN-4, R-CAL-4 — only the return period must be Oct 2024 or later."""
    assert problems(invoice(doc_date=date(2023, 3, 31))) == []


def test_a_credit_note_date_is_named_nt_dt() -> None:
    """Rule: R-IN-4"""
    assert fields(credit_note(doc_date=date(2025, 12, 1))) == ["nt_dt"]


# --- return period ---------------------------------------------------------------------------


def test_a_return_for_a_period_before_october_2024_is_refused() -> None:
    """Rule: R-CAL-4"""
    assert validate_return_period(Period(2024, 9)) == [
        Problem(
            "return",
            "",
            "fp",
            "return period 092024 is before 102024: gstims starts at the Oct 2024 period",
        )
    ]
    assert validate_return_period(Period(2024, 10)) == []


def test_validating_documents_also_refuses_a_return_period_before_october_2024() -> None:
    """Rule: R-CAL-4"""
    sept = context(
        return_period=Period(2024, 9), period_first_day=date(2024, 9, 1), today=date(2024, 10, 5)
    )
    assert fields(invoice(doc_date=date(2024, 9, 5)), ctx=sept) == ["fp"]


# --- uniqueness ------------------------------------------------------------------------------


def test_the_same_number_twice_in_one_request_is_refused_on_the_second() -> None:
    """Rule: R-IN-4 — the record key upper-cases the number."""
    found = problems(invoice(), invoice(number="inv-101"))
    assert [(p.number, p.field) for p in found] == [("inv-101", "inum")]
    assert found[0].message == "invoice (FY 2025-26) appears more than once in this request"


def test_the_same_number_for_two_recipients_in_one_request_is_refused() -> None:
    """Rule: R-IN-4 — a number is unique per supplier, kind and FY whoever the recipient."""
    assert fields(invoice(), invoice(recipient=OTHER_BUYER)) == ["inum"]


def test_the_same_number_in_another_financial_year_or_of_another_kind_is_fine() -> None:
    """Rule: R-IN-4"""
    last_year = invoice(doc_date=date(2025, 3, 31))
    note = invoice(section="cdnr", kind=Kind.DN)
    assert problems(invoice(), last_year, note) == []


def test_a_number_filed_for_another_recipient_is_refused() -> None:
    """Rule: R-IN-4"""
    ctx = filed(invoice(recipient=OTHER_BUYER))
    found = problems(invoice(), ctx=ctx)
    assert [p.field for p in found] == ["inum"]
    assert f"already used in FY 2025-26 for recipient {OTHER_BUYER}" in found[0].message


def test_a_saved_unfiled_number_may_move_to_another_recipient() -> None:
    """Rule: R-IN-4, R-IN-2 — only filed numbers are taken (rules.md §0)."""
    assert problems(invoice(), ctx=context(taken_numbers={})) == []


def test_a_filed_invoice_cannot_be_saved_again() -> None:
    """Rule: R-IN-4, R-IN-2 — a filed record changes only through an amendment."""
    found = problems(invoice(), ctx=filed(invoice()))
    assert [p.field for p in found] == ["inum"]
    assert "already filed" in found[0].message and "b2ba" in found[0].message


def test_a_filed_invoice_cannot_be_deleted() -> None:
    """Rule: R-IN-4, R-IN-2"""
    found = problems(invoice(delete=True), ctx=filed(invoice()))
    assert [p.field for p in found] == ["inum"]
    assert "cannot be deleted" in found[0].message


def test_a_deletion_needs_only_its_identity_checks() -> None:
    """Rule: R-IN-4 — amounts, dates and place of supply of a document being deleted don't count."""
    gone = invoice(delete=True, pos="99", items=(), value=money(-1), doc_date=date(2026, 1, 1))
    assert problems(gone) == []
    assert fields(replace(gone, number="/X")) == ["inum"]
    assert fields(replace(gone, recipient="29AABCR1718E1ZM")) == ["ctin"]


# --- place of supply, supply type, inter- and intra-state -----------------------------------


@pytest.mark.parametrize("pos", ["99", "00", "39", "7", ""])
def test_an_invalid_place_of_supply_is_refused(pos: str) -> None:
    """Rule: R-IN-4"""
    assert fields(invoice(pos=pos)) == ["pos"]


def test_other_countries_is_a_place_of_supply_and_inter_state() -> None:
    """Rule: R-IN-4"""
    assert problems(invoice(pos="96")) == []
    assert "itms[0].camt" in fields(invoice(pos="96", items=(item(cgst=900, sgst=900),)))


def test_an_unknown_supply_type_is_refused() -> None:
    """Rule: R-IN-4"""
    assert fields(invoice(supply_type="EXP")) == ["inv_typ"]


@pytest.mark.parametrize("supply_type", ["SEWP", "SEWOP", "CBW"])
def test_a_supply_to_an_sez_in_the_same_state_carries_igst_only(supply_type: str) -> None:
    """Rule: R-IN-4 — SEWP/SEWOP are inter-state; CBW too (decision)."""
    same_state = local_invoice(supply_type=supply_type)
    found = problems(same_state)
    assert [p.field for p in found] == ["itms[0].camt", "itms[0].samt", "itms[0].iamt"]
    assert f"(inv_typ {supply_type}): charge IGST only" in found[0].message
    assert problems(replace(same_state, items=(item(igst=1800),))) == []


def test_a_deemed_export_follows_the_place_of_supply() -> None:
    """Rule: R-IN-4"""
    assert problems(local_invoice(supply_type="DE")) == []


def test_igst_on_an_intra_state_supply_is_refused() -> None:
    """Rule: R-IN-4"""
    found = problems(local_invoice(items=(item(igst=1800, cgst=900, sgst=900),)))
    assert found == [
        Problem(
            "b2b",
            "INV-101",
            "itms[0].iamt",
            "IGST on an intra-state supply (supplier state 27 = POS 27): charge CGST + SGST",
        )
    ]


def test_cgst_and_sgst_must_be_equal_on_an_intra_state_supply() -> None:
    """Rule: R-IN-4"""
    found = problems(local_invoice(items=(item(cgst="900.50", sgst="899.60"),)))
    assert [p.field for p in found] == ["itms[0].samt"]
    assert "SGST 899.60 differs from CGST 900.50" in found[0].message


# --- rates and amounts -----------------------------------------------------------------------


def test_the_gst_rates_are_exactly_those_of_the_rules() -> None:
    """Rule: R-IN-4"""
    expected = ["0", "0.1", "0.25", "1", "1.5", "3", "5", "6", "7.5", "12", "18", "28", "40"]
    assert {Decimal(r) for r in expected} == RATES


@pytest.mark.parametrize("rate", ["0", "0.1", "0.25", "1", "1.5", "3", "5", "7.5", "28", "40"])
def test_every_gst_rate_is_accepted(rate: str) -> None:
    """Rule: R-IN-4"""
    igst = money(Decimal(rate) * 100)
    assert problems(invoice(items=(item(rate, "10000", igst=igst),))) == []


def test_a_rate_that_is_not_a_gst_rate_is_refused() -> None:
    """Rule: R-IN-4 — and the amounts are then not checked against it."""
    found = problems(invoice(items=(item("17", igst=1800),)))
    assert [p.field for p in found] == ["itms[0].rt"]
    assert found[0].message.startswith("rate 17% is not a GST rate (0, 0.1, 0.25, 1, 1.5")


@pytest.mark.parametrize("igst", ["1799.00", "1800.99", "1801.00"])
def test_igst_within_one_rupee_of_the_rate_is_accepted(igst: str) -> None:
    """Rule: R-IN-4"""
    assert problems(invoice(items=(item(igst=igst),))) == []


@pytest.mark.parametrize("igst", ["1798.99", "1801.01", "180"])
def test_igst_more_than_one_rupee_off_the_rate_is_refused(igst: str) -> None:
    """Rule: R-IN-4"""
    found = problems(invoice(items=(item(igst=igst),)))
    assert [p.field for p in found] == ["itms[0].iamt"]
    assert found[0].message == (
        f"IGST {money(igst)} is not 18% of the taxable value 10000.00: expected 1800.00 (± ₹1)"
    )


def test_cgst_and_sgst_are_each_checked_against_half_the_rate() -> None:
    """Rule: R-IN-4"""
    assert problems(local_invoice(items=(item(cgst="899.01", sgst="900.99"),))) == [
        Problem(
            "b2b",
            "INV-101",
            "itms[0].samt",
            "SGST 900.99 differs from CGST 899.01 on an intra-state supply "
            "(supplier state 27 = POS 27): each is half the tax",
        )
    ]
    found = problems(local_invoice(items=(item(cgst=1800, sgst=1800),)))
    assert [p.field for p in found] == ["itms[0].camt", "itms[0].samt"]
    assert "is not half of 18% of the taxable value 10000.00: expected 900.00" in found[0].message


def test_the_65_percent_concession_scales_the_expected_tax() -> None:
    """Rule: R-IN-4 — diff_percent 0.65."""
    concession = Decimal("0.65")
    assert problems(invoice(diff_percent=concession, items=(item(igst=1170),))) == []
    assert problems(local_invoice(diff_percent=concession, items=(item(cgst=585, sgst=585),))) == []
    found = problems(invoice(diff_percent=concession))
    assert [p.field for p in found] == ["itms[0].iamt"]
    assert "is not 65% of 18% of the taxable value" in found[0].message


def test_diff_percent_of_one_is_the_normal_rate() -> None:
    """Rule: R-IN-4"""
    assert problems(invoice(diff_percent=Decimal("1.00"))) == []


def test_a_diff_percent_other_than_0_65_is_refused() -> None:
    """Rule: R-IN-4"""
    assert fields(invoice(diff_percent=Decimal("0.5"))) == ["diff_percent"]


def test_cess_is_not_rate_checked() -> None:
    """Rule: R-IN-4"""
    assert problems(invoice(items=(item(igst=1800, cess=12345),))) == []


def test_each_item_is_checked_at_its_own_rate() -> None:
    """Rule: R-IN-4"""
    two = invoice(items=(item("5", "1000", igst=50), item("28", "1000", igst=50)))
    assert fields(two) == ["itms[1].iamt"]


# --- negative amounts, items -----------------------------------------------------------------


def test_negative_amounts_are_refused_field_by_field() -> None:
    """Rule: R-IN-4"""
    negative = invoice(
        value=money(-1),
        items=(item("0", "-100", igst=-1, cgst=0, sgst=0, cess=-3),),
    )
    assert fields(negative) == ["val", "itms[0].txval", "itms[0].iamt", "itms[0].csamt"]


def test_a_document_needs_at_least_one_item() -> None:
    """Rule: R-IN-4"""
    assert problems(invoice(items=())) == [
        Problem("b2b", "INV-101", "itms", "a document needs at least one item (itms)")
    ]


# --- amendments (R-IN-7) ---------------------------------------------------------------------


def test_an_amendment_of_a_filed_original_is_accepted() -> None:
    """Rule: R-IN-4, R-IN-7"""
    assert problems(amendment(), ctx=filed(invoice())) == []


def test_an_amendment_keeps_its_originals_record_key() -> None:
    """Rule: R-IN-7 — the original's number and date decide the key, even across years."""
    late = amendment(original_date=date(2025, 3, 28), original_number="inv-9")
    assert late.key == RecordKey(SUPPLIER, BUYER, Kind.INV, "INV-9", 2024)
    assert late.is_amendment and not invoice().is_amendment


def test_an_amendment_of_an_unfiled_or_unknown_original_is_refused() -> None:
    """Rule: R-IN-4, R-IN-7"""
    found = problems(amendment())
    assert [p.field for p in found] == ["oinum"]
    assert found[0].message == (
        f"no filed invoice INV-101 dated 05-11-2025 from {SUPPLIER} to {BUYER}: an amendment "
        "amends a filed original of the same supplier, recipient and kind"
    )


def test_an_amendment_naming_another_recipients_original_is_refused() -> None:
    """Rule: R-IN-4, R-IN-7 — same supplier, recipient and kind."""
    assert fields(amendment(), ctx=filed(invoice(recipient=OTHER_BUYER))) == ["oinum"]


def test_a_note_amendment_naming_a_filed_note_of_another_kind_is_refused() -> None:
    """Rule: R-IN-4, R-IN-7"""
    debit = credit_note(kind=Kind.DN)
    note_a = credit_note(section="cdnra", original_number="CN-7", original_date=date(2025, 11, 5))
    assert problems(note_a, ctx=filed(credit_note())) == []
    assert fields(note_a, ctx=filed(debit)) == ["ont_num"]


def test_an_amendment_must_name_its_original_number_and_date() -> None:
    """Rule: R-IN-4, R-IN-7"""
    assert fields(amendment(original_number=None, original_date=None)) == ["oinum", "oidt"]


def test_only_an_amendment_names_an_original() -> None:
    """Rule: R-IN-7"""
    found = problems(invoice(original_number="INV-1", original_date=date(2025, 11, 1)))
    assert [p.field for p in found] == ["oinum"]
    assert "use section b2ba" in found[0].message


def test_an_amendment_may_not_take_another_filed_documents_number() -> None:
    """Rule: R-IN-4, R-IN-7"""
    ctx = filed(invoice(), invoice(number="INV-101A", recipient=OTHER_BUYER))
    found = problems(amendment(), ctx=ctx)
    assert [p.field for p in found] == ["inum"]
    assert "the amended number must be a new one" in found[0].message


def test_an_amendment_may_keep_its_originals_number() -> None:
    """Rule: R-IN-7"""
    assert problems(amendment(number="INV-101"), ctx=filed(invoice())) == []


def test_two_amendments_of_one_original_in_a_request_are_refused() -> None:
    """Rule: R-IN-4, R-IN-7"""
    found = problems(amendment(), amendment(number="INV-101B"), ctx=filed(invoice()))
    assert [(p.number, p.field) for p in found] == [("INV-101B", "inum")]
    assert "an amendment of invoice INV-101" in found[0].message


# --- values and reporting --------------------------------------------------------------------


def test_a_document_sums_its_items() -> None:
    """Rule: R-IN-4"""
    two = invoice(items=(item(igst=1800, cess=10), item("5", "1000", igst=50)))
    assert two.tax == Tax.of(igst=1850, cess=10)
    assert two.taxable == money(11000)
    assert two.label == "b2b INV-101"


def test_a_document_of_an_unknown_section_or_wrong_kind_is_a_programming_error() -> None:
    """Rule: R-IN-4"""
    with pytest.raises(ValueError, match="unknown GSTR-1 section 'b2cl'"):
        invoice(section="b2cl")
    with pytest.raises(ValueError, match="section b2b cannot carry a CN document"):
        invoice(kind=Kind.CN)


def test_a_request_with_several_bad_documents_reports_every_problem() -> None:
    """Rule: R-IN-4 — all problems at once, in document order, each naming its document."""
    request = [
        invoice(number="GOOD-1"),
        invoice(number="/BAD", pos="99"),
        local_invoice(number="LOCAL-1", items=(item(igst=1800),)),
        credit_note(recipient="29AABCR1718E1ZM", doc_date=date(2025, 12, 1)),
        invoice(number="GOOD-1", items=()),
        amendment(),
    ]
    assert [(p.section, p.number, p.field) for p in problems(*request)] == [
        ("b2b", "/BAD", "inum"),
        ("b2b", "/BAD", "pos"),
        ("b2b", "LOCAL-1", "itms[0].iamt"),
        ("b2b", "LOCAL-1", "itms[0].camt"),
        ("b2b", "LOCAL-1", "itms[0].samt"),
        ("cdnr", "CN-7", "ctin"),
        ("cdnr", "CN-7", "nt_dt"),
        ("b2b", "GOOD-1", "inum"),
        ("b2b", "GOOD-1", "itms"),
        ("b2ba", "INV-101A", "oinum"),
    ]


# --- property: a correctly computed document is valid ---------------------------------------

PLACES = sorted(code for code in STATES if is_place_of_supply(code))


@st.composite
def correct_items(draw: st.DrawFn, intra: bool, factor: Decimal) -> Item:
    rate = draw(st.sampled_from(sorted(RATES)))
    taxable = money(Decimal(draw(st.integers(0, 10**11))) / 100)
    cess = money(Decimal(draw(st.integers(0, 10**8))) / 100)
    if taxable:  # the caps decision: cess at most CESS_MAX_PERCENT of the taxable value
        cess = min(cess, money(taxable * CESS_MAX_PERCENT / 100))
    full = rate * taxable * factor / 100
    if intra:
        half = money(full / 2)
        return Item(rate, taxable, Tax(cgst=half, sgst=half, cess=cess))
    return Item(rate, taxable, Tax(igst=money(full), cess=cess))


@st.composite
def correct_documents(draw: st.DrawFn) -> SupplierDocument:
    intra = draw(st.booleans())
    diff = draw(st.sampled_from([None, Decimal(1), Decimal("0.65")]))
    factor = diff if diff is not None else Decimal(1)
    items = draw(st.lists(correct_items(intra, factor), min_size=1, max_size=4))
    section, kind = draw(st.sampled_from([("b2b", Kind.INV), ("cdnr", Kind.CN), ("cdnr", Kind.DN)]))
    tax_total = sum((i.tax.total for i in items), money(0))
    return SupplierDocument(
        section=section,
        kind=kind,
        supplier=SUPPLIER,
        recipient=LOCAL_BUYER if intra else BUYER,
        number=draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9/\-]{0,15}", fullmatch=True)),
        doc_date=draw(st.dates(date(2017, 7, 1), date(2025, 11, 30))),
        value=sum((i.taxable for i in items), tax_total),
        pos="27" if intra else draw(st.sampled_from([p for p in PLACES if p != "27"])),
        supply_type=draw(st.sampled_from(["R", "DE"])) if intra else "R",
        reverse_charge=draw(st.booleans()),
        diff_percent=diff,
        items=tuple(items),
    )


@given(correct_documents())
def test_a_document_with_amounts_computed_from_its_rates_has_no_problem(
    doc: SupplierDocument,
) -> None:
    """Rule: R-IN-4 — any correct intra- or inter-state document passes."""
    assert problems(doc) == []


@pytest.mark.parametrize(
    ("value", "reverse_charge", "refused"),
    [
        ("11800.00", False, False),  # taxable value plus tax
        ("11799.00", False, False),  # rounded down to the rupee: within ₹1
        ("11850.00", False, False),  # ₹50 of freight outside GST
        ("11798.99", False, True),  # more than ₹1 short
        ("11000.00", False, True),  # above the taxable value, short of the tax
        ("10000.00", True, False),  # reverse charge: the supplier collects no tax
        ("9998.99", True, True),
    ],
)
def test_a_value_is_at_least_its_items_taxable_value_plus_tax_less_a_rupee(
    value: str, reverse_charge: bool, refused: bool
) -> None:
    """Rule: R-IN-4 — issue 14 item 15 (decision in docs/RULES.md): `val` is incl. tax."""
    found = problems(invoice(value=money(value), reverse_charge=reverse_charge))
    assert [p.field for p in found] == (["val"] if refused else [])
    if not reverse_charge and refused:
        assert "taxable value plus tax 11800.00 (± ₹1)" in found[0].message


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**9)
        ),
        max_size=4,
    )
)
def test_a_documents_totals_are_its_items_taxable_value_and_tax(amounts) -> None:
    """`totals()` (read off a lone item) is `taxable` and `tax.total` (summed) for any items."""
    items = tuple(
        Item(Decimal(18), money(Decimal(t).scaleb(-2)), Tax.of(igst=Decimal(x).scaleb(-2), cess=1))
        for t, x in amounts
    )
    doc = invoice(items=items)
    assert doc.totals() == (doc.taxable, doc.tax.total)
