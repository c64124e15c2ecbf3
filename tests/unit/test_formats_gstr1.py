"""Tests for gstims.formats.gstr1: a RETSAVE payload read into supplier documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from gstims.codec import loads
from gstims.domain.calendar import Period
from gstims.domain.documents import Item, ReturnContext, SupplierDocument, validate_documents
from gstims.domain.money import Tax, money
from gstims.domain.records import Kind
from gstims.formats.gstr1 import gstr1_period, parse_gstr1

S1 = "27AAPFU0939F1ZV"
S2 = "24AANFA2641L1ZF"
R = "29AABCR1718E1ZL"
ECO = "07AAGFF2194N1Z1"

# example-month.md: S1's GSTR-1 for 102024, exactly as on the wire.
S1_RETSAVE = b"""
{"action": "RETSAVE", "data": {"gstin": "27AAPFU0939F1ZV", "fp": "102024",
  "b2b": [{"ctin": "29AABCR1718E1ZL", "inv": [
    {"inum": "INV-101", "idt": "10-10-2024", "val": 11800, "pos": "29", "rchrg": "N", "inv_typ": "R",
     "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 10000, "iamt": 1800, "camt": 0, "samt": 0, "csamt": 0}}]},
    {"inum": "INV-102", "idt": "12-10-2024", "val": 5600, "pos": "29", "rchrg": "N", "inv_typ": "R",
     "itms": [{"num": 1, "itm_det": {"rt": 12, "txval": 5000, "iamt": 600, "camt": 0, "samt": 0, "csamt": 0}}]},
    {"inum": "RCM-1", "idt": "22-10-2024", "val": 2100, "pos": "29", "rchrg": "Y", "inv_typ": "R",
     "itms": [{"num": 1, "itm_det": {"rt": 5, "txval": 2000, "iamt": 100, "camt": 0, "samt": 0, "csamt": 0}}]}]}],
  "cdnr": [{"ctin": "29AABCR1718E1ZL", "nt": [
    {"ntty": "C", "nt_num": "CN-11", "nt_dt": "20-10-2024", "val": 1180, "pos": "29", "rchrg": "N", "inv_typ": "R",
     "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 1000, "iamt": 180, "camt": 0, "samt": 0, "csamt": 0}}]}]}]}}
"""


def s1_data() -> dict[str, Any]:
    data: dict[str, Any] = loads(S1_RETSAVE)["data"]
    return data


def item(rate: int, taxable: int, **tax: int) -> Item:
    return Item(Decimal(rate), money(taxable), Tax.of(**tax))


def test_example_month_s1_payload_gives_its_three_invoices_and_credit_note() -> None:
    docs, problems = parse_gstr1(s1_data(), gstin=S1)

    assert problems == []
    assert [(d.section, d.kind, d.number) for d in docs] == [
        ("b2b", Kind.INV, "INV-101"),
        ("b2b", Kind.INV, "INV-102"),
        ("b2b", Kind.INV, "RCM-1"),
        ("cdnr", Kind.CN, "CN-11"),
    ]
    inv_101, _, rcm_1, cn_11 = docs
    assert inv_101 == SupplierDocument(
        section="b2b",
        kind=Kind.INV,
        supplier=S1,
        recipient=R,
        number="INV-101",
        doc_date=date(2024, 10, 10),
        value=money(11800),
        pos="29",
        supply_type="R",
        reverse_charge=False,
        items=(item(18, 10000, igst=1800),),
    )
    assert rcm_1.reverse_charge is True
    assert (cn_11.doc_date, cn_11.tax, cn_11.taxable) == (
        date(2024, 10, 20),
        Tax.of(igst=180),
        money(1000),
    )


def test_example_month_s1_documents_pass_the_domain_validation() -> None:
    """The parsed documents are what R-IN-4 validates: no problem for the example month."""
    docs, _ = parse_gstr1(s1_data(), gstin=S1)
    ctx = ReturnContext(
        supplier=S1,
        supplier_state="27",
        return_period=Period(2024, 10),
        period_first_day=date(2024, 10, 1),
        today=date(2024, 11, 1),
        registered={R},
        taken_numbers={},
        filed_originals=set(),
    )

    assert validate_documents(docs, ctx) == []


def test_example_month_s2_intra_state_invoice_carries_cgst_and_sgst() -> None:
    data = {
        "gstin": S2,
        "fp": "102024",
        "b2b": [
            {
                "ctin": R,
                "inv": [
                    {
                        "inum": "INV-201",
                        "idt": "15-10-2024",
                        "val": 5900,
                        "pos": "24",
                        "rchrg": "N",
                        "inv_typ": "R",
                        "itms": [
                            {
                                "num": 1,
                                "itm_det": {"rt": 18, "txval": 5000, "camt": 450, "samt": 450},
                            }
                        ],
                    }
                ],
            }
        ],
    }
    [inv_201], problems = parse_gstr1(data, gstin=S2)

    assert problems == []
    assert (inv_201.supplier, inv_201.pos, inv_201.tax) == (S2, "24", Tax.of(cgst=450, sgst=450))


def test_numeric_strings_are_amounts_and_the_period_is_read_from_fp() -> None:
    data = s1_data()
    data["b2b"][0]["inv"][0]["val"] = "11800.00"
    docs, problems = parse_gstr1(data, gstin=S1)

    assert problems == []
    assert docs[0].value == money(11800)
    assert gstr1_period(data) == (Period(2024, 10), [])


def test_amendments_and_debit_notes_carry_their_original_and_kind() -> None:
    data = {
        "b2ba": [
            {
                "ctin": R,
                "inv": [
                    {
                        "oinum": "INV-7",
                        "oidt": "05-06-2025",
                        "inum": "INV-7",
                        "idt": "05-06-2025",
                        "val": 5900,
                        "pos": "29",
                        "inv_typ": "SEWP",
                        "diff_percent": Decimal("0.65"),
                        "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 5000, "iamt": 585}}],
                    }
                ],
            }
        ],
        "cdnra": [
            {
                "ctin": R,
                "nt": [
                    {
                        "ntty": "D",
                        "ont_num": "DN-1",
                        "ont_dt": "01-06-2025",
                        "nt_num": "DN-1A",
                        "nt_dt": "02-07-2025",
                        "val": 118,
                        "pos": "29",
                        "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 100, "iamt": 18}}],
                    }
                ],
            }
        ],
    }
    (b2ba, cdnra), problems = parse_gstr1(data, gstin=S1)

    assert problems == []
    assert (b2ba.is_amendment, b2ba.original_number, b2ba.original_date) == (
        True,
        "INV-7",
        date(2025, 6, 5),
    )
    assert (b2ba.supply_type, b2ba.diff_percent) == ("SEWP", Decimal("0.65"))
    assert (cdnra.kind, cdnra.number, cdnra.original_number) == (Kind.DN, "DN-1A", "DN-1")


def test_ecommerce_document_is_the_operators_with_the_actual_supplier_beside_it() -> None:
    """rules.md §0: in IMS and 2B the e-commerce record's supplier is the operator."""
    data = {
        "ecomb2b": [
            {
                "stin": S1,
                "rtin": R,
                "inv": [
                    {
                        "inum": "E-1",
                        "idt": "10-10-2024",
                        "val": 1180,
                        "pos": "29",
                        "inv_typ": "R",
                        "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 1000, "iamt": 180}}],
                    }
                ],
            }
        ]
    }
    [doc], problems = parse_gstr1(data, gstin=ECO)

    assert problems == []
    assert (doc.kind, doc.supplier, doc.recipient, doc.actual_supplier) == (Kind.ECO, ECO, R, S1)


def test_a_document_flagged_d_is_a_deletion_and_needs_only_its_identity() -> None:
    data = {
        "cdnr": [
            {
                "ctin": R,
                "nt": [{"ntty": "C", "nt_num": "CN-11", "nt_dt": "20-10-2024", "flag": "D"}],
            }
        ]
    }
    [doc], problems = parse_gstr1(data, gstin=S1)

    assert problems == []
    assert (doc.delete, doc.kind, doc.number, doc.items) == (True, Kind.CN, "CN-11", ())


def test_sections_that_never_reach_ims_are_ignored() -> None:
    data = {"b2cs": [{"pos": "27"}], "hsn": {"data": []}, "nil": {}, "fp": "102024"}

    assert parse_gstr1(data, gstin=S1) == ([], [])


# -- malformed payloads: problems with JSON paths, never an exception ------------------------


def test_a_section_that_is_not_a_list_is_one_problem() -> None:
    docs, problems = parse_gstr1({"b2b": {"ctin": R}}, gstin=S1)

    assert docs == []
    assert [(p.section, p.number, p.field) for p in problems] == [("b2b", "", "b2b")]
    assert "expected a list, got an object" in problems[0].message


def test_every_problem_of_a_bad_payload_is_reported_with_its_json_path() -> None:
    data = s1_data()
    invoices = data["b2b"][0]["inv"]
    invoices[0]["idt"] = "2024-10-10"  # ISO, not dd-mm-yyyy
    del invoices[1]["itms"]
    invoices[2]["itms"] = "one item"  # a string where a list is expected
    data["cdnr"][0]["nt"][0]["ntty"] = "X"
    data["cdnr"][0]["nt"][0]["itms"][0]["itm_det"]["iamt"] = True

    docs, problems = parse_gstr1(data, gstin=S1)

    assert docs == []
    assert [(p.section, p.number, p.field) for p in problems] == [
        ("b2b", "INV-101", "b2b[0].inv[0].idt"),
        ("b2b", "INV-102", "b2b[0].inv[1].itms"),
        ("b2b", "RCM-1", "b2b[0].inv[2].itms"),
        ("cdnr", "CN-11", "cdnr[0].nt[0].ntty"),
        ("cdnr", "CN-11", "cdnr[0].nt[0].itms[0].itm_det.iamt"),
    ]
    messages = [p.message for p in problems]
    assert messages[0] == "a date must be dd-mm-yyyy, got '2024-10-10'"
    assert messages[1] == "missing"
    assert messages[2] == "expected a list, got a string"
    assert messages[3] == "expected one of C, D, got 'X'"
    assert messages[4] == "expected a number, got a boolean"


def test_unparseable_dates_amounts_and_types_are_problems() -> None:
    data = s1_data()
    inv = data["b2b"][0]["inv"][0]
    inv["idt"] = "31-02-2024"
    inv["val"] = "11,800"
    inv["inum"] = 101  # a number must stay a string
    inv["rchrg"] = "Yes"
    inv["itms"][0]["itm_det"]["txval"] = Decimal("10000.005")

    docs, problems = parse_gstr1(data, gstin=S1)

    assert [d.number for d in docs] == ["INV-102", "RCM-1", "CN-11"]
    assert [(p.field, p.message) for p in problems] == [
        ("b2b[0].inv[0].inum", "expected a string, got a number"),
        ("b2b[0].inv[0].idt", "not a real date: '31-02-2024'"),
        ("b2b[0].inv[0].val", "not a number: '11,800'"),
        ("b2b[0].inv[0].rchrg", "expected one of Y, N, got 'Yes'"),
        (
            "b2b[0].inv[0].itms[0].itm_det.txval",
            "an amount has at most two decimal places, got 10000.005",
        ),
    ]


def test_a_binary_float_amount_is_a_problem_not_a_silent_rounding() -> None:
    data = s1_data()
    data["b2b"][0]["inv"][0]["val"] = 11800.0

    _, problems = parse_gstr1(data, gstin=S1)

    assert [p.field for p in problems] == ["b2b[0].inv[0].val"]
    assert "float" in problems[0].message


def test_a_group_without_its_recipient_gives_no_documents() -> None:
    data = s1_data()
    del data["b2b"][0]["ctin"]
    data["cdnr"][0]["nt"] = [None, "x"]

    docs, problems = parse_gstr1(data, gstin=S1)

    assert docs == []
    assert [(p.field, p.message) for p in problems] == [
        ("b2b[0].ctin", "missing"),
        ("cdnr[0].nt[0]", "expected an object, got null"),
        ("cdnr[0].nt[1]", "expected an object, got a string"),
    ]


def test_data_that_is_not_an_object_and_a_bad_period_are_problems() -> None:
    docs, problems = parse_gstr1([], gstin=S1)  # type: ignore[arg-type]

    assert (docs, [p.field for p in problems]) == ([], ["data"])
    period, period_problems = gstr1_period({"fp": "132024"})
    assert period is None
    assert [p.field for p in period_problems] == ["fp"]
    assert gstr1_period({})[1][0].message == "missing"
