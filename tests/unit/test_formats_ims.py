"""Tests for gstims.formats.ims: GETINV records, SAVE / RESETIMS bodies, REQSTS and GETCNT."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from builders import (
    OCT_2024,
    S1,
    R,
    amendment,
    bill_of_entry,
    credit_note,
    eco_record,
    invoice,
)
from tests.shared import SAMPLES

from gstims.codec import loads, to_json_bytes
from gstims.domain.actions import declaration_blocked, pending_blocked, view_of
from gstims.domain.calendar import Frequency, Period
from gstims.domain.ims import ActionItem, ImsRecord, ItemError
from gstims.domain.money import Tax, money
from gstims.domain.records import Action, Record, Section
from gstims.domain.state import NO_ACTION, Declaration, ImsState
from gstims.formats.ims import (
    error_report,
    getcnt,
    getinv_data,
    getinv_record,
    parse_action_request,
)

HASH = "1f5fb5de9e491c24dcdee9ac01d3fa5f7889f20d3a8c923bfd2e3c7f0d0125f1"
ECO = "07AAGFF2194N1Z1"
NOV_2025 = Period(2025, 11)


def ims_record(
    rec: Record,
    state: ImsState = NO_ACTION,
    *,
    period_2b: Period = OCT_2024,
    today: date = date(2024, 11, 9),
) -> ImsRecord:
    view = view_of(rec, state, period_2b, Frequency.MONTHLY, "29")
    return ImsRecord(
        1,
        rec,
        state,
        rec.section,
        view,
        pending_blocked(view, today),
        declaration_blocked(view),
        HASH,
    )


def inv_101() -> Record:
    return invoice("INV-101", doc_date=date(2024, 10, 10), taxable=10000, igst=1800)


def cn_3() -> Record:
    """rules.md §9 ex. 7: CN-3, IGST 18,000, 2B period 112025 (era E2)."""
    return credit_note(
        "CN-3",
        doc_date=date(2025, 11, 3),
        period=NOV_2025,
        filed_on=date(2025, 12, 5),
        taxable=100000,
        igst=18000,
    )


# -- GETINV -----------------------------------------------------------------------------------


def test_getinv_invoice_record_carries_every_field_of_api_md_with_ims_spellings() -> None:
    record = getinv_record(ims_record(inv_101()))

    assert record == {
        "stin": S1,
        "inum": "INV-101",
        "idt": "10-10-2024",
        "inv_typ": "R",
        "srcform": "R1",
        "rtnprd": "102024",
        "srcfilstatus": "Filed",
        "val": money(11800),
        "pos": "29",
        "txval": money(10000),
        "iamt": money(1800),
        "camt": money(0),
        "samt": money(0),
        "cess": money(0),
        "action": "N",
        "ispendactblocked": "N",
        "isItcRedReqBlocked": "Y",
        "isRemarksBlocked": "N",
        "remarks": None,
        "itcRedReq": None,
        "declIgst": None,
        "declCgst": None,
        "declSgst": None,
        "declCess": None,
        "hash": HASH,
    }
    assert b'"iamt":1800.00,"camt":0.00' in to_json_bytes(record)


def test_getinv_credit_note_in_era_e1_uses_note_spellings_and_blocks_pending() -> None:
    """Rule: R-ACT-3 (example-month.md: CN-11 with ispendactblocked Y)."""
    cn_11 = credit_note("CN-11", doc_date=date(2024, 10, 20), taxable=1000, igst=180)
    r = ims_record(cn_11)
    record = getinv_record(r)

    assert r.section is Section.B2BCN
    assert (record["nt_num"], record["nt_dt"]) == ("CN-11", "20-10-2024")
    assert "inum" not in record
    assert (record["ispendactblocked"], record["isItcRedReqBlocked"]) == ("Y", "Y")


def test_getinv_shows_a_partial_declaration_and_leaves_decl_null_for_a_full_one() -> None:
    """Rule: R-ACT-7 (rules.md §9 ex. 7)."""
    half = ImsState(Action.ACCEPT, "only half availed", Declaration(True, Tax.of(igst=9000)))
    partial = getinv_record(ims_record(cn_3(), half, period_2b=NOV_2025, today=date(2025, 12, 10)))
    full = getinv_record(
        ims_record(cn_3(), ImsState(Action.ACCEPT, None, Declaration(True)), period_2b=NOV_2025)
    )

    assert partial["isItcRedReqBlocked"] == "N"
    assert (partial["action"], partial["remarks"], partial["itcRedReq"]) == (
        "A",
        "only half availed",
        "Y",
    )
    assert [partial[k] for k in ("declIgst", "declCgst", "declSgst", "declCess")] == [
        money(9000),
        money(0),
        money(0),
        money(0),
    ]
    assert full["itcRedReq"] == "Y"
    assert full["declIgst"] is None


def test_getinv_amendment_shows_its_original_whenever_it_has_one() -> None:
    """Rule: R-IN-7: a replacing amendment sits in b2b, one of a consumed original in b2ba."""
    original = inv_101()
    replacing = getinv_record(ims_record(amendment(original, igst=900, consumed=False)))
    separate = ims_record(amendment(original, igst=900, number="INV-101A"))

    assert (replacing["oinum"], replacing["oidt"]) == ("INV-101", "10-10-2024")
    assert separate.section is Section.B2BA
    assert getinv_record(separate)["inum"] == "INV-101A"
    assert getinv_record(separate)["oinum"] == "INV-101"


def test_getinv_unfiled_record_reads_not_filed() -> None:
    """Rule: R-IN-1"""
    record = getinv_record(ims_record(invoice("INV-9", filed_on=None)))

    assert record["srcfilstatus"] == "Not Filed"


def test_getinv_ecommerce_record_names_the_operator_as_stin_and_the_actual_supplier_beside() -> (
    None
):
    rec = eco_record("E-1", supplier=ECO, actual_supplier=S1, taxable=1000, igst=180)
    record = getinv_record(ims_record(rec))

    assert (record["stin"], record["sply_gstin"], record["inum"]) == (ECO, S1, "E-1")


def test_getinv_bill_of_entry_carries_port_boe_number_and_dates() -> None:
    """Rule: R-IN-6"""
    boe = bill_of_entry(
        "INMAA1/2566282",
        doc_date=date(2025, 10, 3),
        ref_date=date(2025, 10, 6),
        taxable=10000,
        igst=1800,
    )
    sez = bill_of_entry("INMAA1/77", supplier=S1, doc_date=date(2025, 10, 3), igst=10)
    record = getinv_record(ims_record(boe, period_2b=Period(2025, 10)))
    sez_record = getinv_record(ims_record(sez, period_2b=Period(2025, 10)))

    assert record == {
        "portcd": "INMAA1",
        "boenum": "2566282",
        "boedt": "03-10-2025",
        "refdt": "06-10-2025",
        "txval": money(10000),
        "igst": money(1800),
        "cess": money(0),
        "action": "N",
        "ispendactblocked": "N",
        "isRemarksBlocked": "N",
        "remarks": None,
        "hash": HASH,
    }
    assert (sez_record["sgstin"], sez_record["boenum"]) == (S1, "77")


def test_getinv_data_groups_records_by_section_and_keeps_asked_sections_even_empty() -> None:
    cn_11 = credit_note("CN-11", doc_date=date(2024, 10, 20), igst=180)
    data = getinv_data([ims_record(inv_101()), ims_record(cn_11)], [Section.B2B, Section.ECOM])

    assert {k: [r.get("inum") or r.get("nt_num") for r in v] for k, v in data.items()} == {
        "b2b": ["INV-101"],
        "ecom": [],
        "b2bcn": ["CN-11"],
    }


# -- SAVE / RESETIMS --------------------------------------------------------------------------


def save_body(invdata: dict[str, Any], reqtyp: str = "SAVE") -> dict[str, Any]:
    return {"rtin": R, "reqtyp": reqtyp, "invdata": invdata}


def test_save_of_the_example_month_actions_reads_each_record() -> None:
    """example-month.md: INV-102 rejected with remarks, CN-11 accepted, INV-202 pending."""
    body = save_body(
        {
            "b2b": [
                {
                    "stin": S1,
                    "inum": "INV-102",
                    "idt": "12-10-2024",
                    "inv_typ": "R",
                    "rtnprd": "102024",
                    "val": 5600,
                    "iamt": 600,
                    "action": "R",
                    "prev_status": "N",
                    "remarks": "not ordered",
                    "hash": HASH,
                    "srcfilstatus": "Filed",
                },
                {
                    "stin": "24AANFA2641L1ZF",
                    "inum": "INV-202",
                    "idt": "16-10-2024",
                    "action": "P",
                    "prev_status": "N",
                    "remarks": "",
                },
            ],
            "b2bcn": [
                {
                    "stin": S1,
                    "nt_num": "CN-11",
                    "nt_dt": "20-10-2024",
                    "action": "A",
                    "prev_status": "N",
                    "remarks": None,
                }
            ],
        }
    )
    rtin, items, problems = parse_action_request(body, reset=False)

    assert (rtin, problems) == (R, [])
    assert items == [
        ActionItem(
            Section.B2B,
            S1,
            "INV-102",
            date(2024, 10, 12),
            Action.REJECT,
            Action.NO_ACTION,
            "not ordered",
            None,
            "102024",
        ),
        ActionItem(
            Section.B2B,
            "24AANFA2641L1ZF",
            "INV-202",
            date(2024, 10, 16),
            Action.PENDING,
            Action.NO_ACTION,
        ),
        ActionItem(Section.B2BCN, S1, "CN-11", date(2024, 10, 20), Action.ACCEPT, Action.NO_ACTION),
    ]


def test_save_with_an_unknown_section_reports_it_as_a_problem() -> None:
    """Rule: R-ACT-9: a malformed request fails as a whole."""
    body = save_body({"b2x": [{"stin": S1}], "b2b": []})
    _, items, problems = parse_action_request(body, reset=False)

    assert items == []
    assert [(p.section, p.field) for p in problems] == [("b2x", "invdata.b2x")]
    assert problems[0].message.startswith("unknown IMS section 'b2x'; one of b2b, b2ba")


def test_save_declarations_follow_itcredreq_and_the_decl_amounts() -> None:
    """Rule: R-ACT-7, R-ACT-9: null or empty itcRedReq and decl* mean none."""
    base: dict[str, Any] = {
        "stin": S1,
        "nt_num": "CN-3",
        "nt_dt": "03-11-2025",
        "action": "A",
        "prev_status": "N",
    }
    variants: list[dict[str, Any]] = [
        {"itcRedReq": "Y", "declIgst": 9000, "declCgst": None, "declSgst": "", "declCess": 0},
        {"itcRedReq": "Y", "declIgst": None, "declCgst": None, "declSgst": None, "declCess": None},
        {"itcRedReq": "N", "declIgst": 5},
        {"itcRedReq": None, "declIgst": 9000},
        {"itcRedReq": ""},
    ]
    body = save_body({"b2bcn": [{**base, **v} for v in variants]})
    _, items, problems = parse_action_request(body, reset=False)

    assert problems == []
    assert [i.declaration for i in items] == [
        Declaration(True, Tax.of(igst=9000)),
        Declaration(True),
        Declaration(False),
        None,
        None,
    ]


def test_reset_reads_identity_and_prev_status_and_ignores_action_remarks_and_declaration() -> None:
    """Rule: R-ACT-10"""
    body = save_body(
        {
            "b2b": [
                {
                    "stin": S1,
                    "inum": "INV-102",
                    "idt": "12-10-2024",
                    "prev_status": "R",
                    "action": "Z",
                    "remarks": 5,
                    "itcRedReq": "maybe",
                }
            ]
        },
        reqtyp="RESET",
    )
    _, [item], problems = parse_action_request(body, reset=True)

    assert problems == []
    assert (item.action, item.prev_status, item.remarks, item.declaration) == (
        Action.NO_ACTION,
        Action.REJECT,
        None,
        None,
    )


def test_save_reads_bills_of_entry_by_port_code_and_boe_number() -> None:
    body = save_body(
        {
            "impg": [
                {"portcd": "INMAA1", "boenum": "2566282", "boedt": "03-10-2025", "action": "A"}
            ],
            "impgsez": [
                {
                    "sgstin": S1,
                    "portcd": "INMAA1",
                    "boenum": "77",
                    "boedt": "03-10-2025",
                    "action": "P",
                    "prev_status": "N",
                }
            ],
        }
    )
    _, items, problems = parse_action_request(body, reset=False)

    assert problems == []
    assert [(i.section, i.supplier, i.number, i.doc_date) for i in items] == [
        (Section.IMPG, "", "INMAA1/2566282", date(2025, 10, 3)),
        (Section.IMPGSEZ, S1, "INMAA1/77", date(2025, 10, 3)),
    ]


def test_save_without_action_asks_for_no_action_which_the_rule_table_refuses_per_record() -> None:
    body = save_body({"b2b": [{"stin": S1, "inum": "INV-1", "idt": "10-10-2024"}]})
    _, [item], problems = parse_action_request(body, reset=False)

    assert problems == []
    assert (item.action, item.prev_status) == (Action.NO_ACTION, None)


def test_malformed_records_and_envelope_give_problems_with_paths() -> None:
    body = {
        "reqtyp": "RESET",
        "invdata": {
            "b2b": [
                {"stin": S1, "inum": "INV-1", "idt": "2024-10-10", "action": "X"},
                {
                    "inum": "INV-2",
                    "idt": "10-10-2024",
                    "prev_status": "Q",
                    "itcRedReq": "Y",
                    "declIgst": "lots",
                },
            ],
            "b2bcn": {"stin": S1},
        },
    }
    rtin, items, problems = parse_action_request(body, reset=False)

    assert (rtin, items) == ("", [])
    assert [(p.section, p.number, p.field) for p in problems] == [
        ("", "", "rtin"),
        ("", "", "reqtyp"),
        ("b2b", "INV-1", "invdata.b2b[0].idt"),
        ("b2b", "INV-1", "invdata.b2b[0].action"),
        ("b2b", "INV-2", "invdata.b2b[1].stin"),
        ("b2b", "INV-2", "invdata.b2b[1].prev_status"),
        ("b2b", "INV-2", "invdata.b2b[1].declIgst"),
        ("b2bcn", "", "invdata.b2bcn"),
    ]


def test_missing_invdata_and_a_non_object_body_are_problems() -> None:
    assert [p.field for p in parse_action_request({"rtin": R}, reset=False)[2]] == ["invdata"]
    assert [p.field for p in parse_action_request("x", reset=True)[2]] == ["data"]  # type: ignore[arg-type]


def test_the_offline_tool_envelope_imsdetails_reads_like_invdata() -> None:
    body = {
        "rtin": R,
        "imsDetails": {"b2b": [{"stin": S1, "inum": "I-1", "idt": "01-10-2024", "action": "A"}]},
    }

    _, [item], problems = parse_action_request(body, reset=False)

    assert (problems, item.number) == ([], "I-1")


def test_the_getinv_sample_reads_as_a_save_body_with_its_read_only_fields_ignored() -> None:
    invdata = loads((SAMPLES / "ims_getinv_india_compliance.json").read_bytes())
    _, items, problems = parse_action_request(save_body(invdata), reset=False)

    assert problems == []
    assert [(i.section.value, i.number, i.action.value) for i in items] == [
        ("b2b", "b1", "R"),
        ("b2ba", "b1a", "A"),
        ("b2bdn", "dn2", "A"),
        ("b2bdna", "dna2", "A"),
        ("b2bcn", "cn2", "A"),
        ("b2bcna", "cna2", "A"),
    ]
    assert items[0].rtnprd == "012023"


# -- REQSTS and GETCNT ------------------------------------------------------------------------


def test_error_report_groups_records_by_section_supplier_and_error() -> None:
    """Rule: R-ACT-9 (example-month.md: a Pending on CN-11 comes back in REQSTS)."""
    pending = "Pending is not allowed (R-ACT-3)"
    errors = [
        ItemError("b2bcn", S1, "CN-11", "102024", "IMSACT001", pending),
        ItemError("b2bcn", S1, "CN-12", "102024", "IMSACT001", pending),
        ItemError("b2b", S1, "INV-9", "102024", "IMSSAV0010", "stale"),
        ItemError("impg", "", "INMAA1/2566282", None, "IMSACT003", "no reject"),
    ]

    assert error_report(errors) == {
        "b2bcn": [
            {
                "stin": S1,
                "error_cd": "IMSACT001",
                "error_msg": pending,
                "inv": [
                    {"nt_num": "CN-11", "rtnprd": "102024"},
                    {"nt_num": "CN-12", "rtnprd": "102024"},
                ],
            }
        ],
        "b2b": [
            {
                "stin": S1,
                "error_cd": "IMSSAV0010",
                "error_msg": "stale",
                "inv": [{"inum": "INV-9", "rtnprd": "102024"}],
            }
        ],
        "impg": [
            {
                "stin": "",
                "error_cd": "IMSACT003",
                "error_msg": "no reject",
                "inv": [{"portcd": "INMAA1", "boenum": "2566282", "rtnprd": None}],
            }
        ],
    }


def test_getcnt_counts_every_section_by_action_with_group_totals() -> None:
    counts = {
        Section.B2B: {Action.NO_ACTION: 1, Action.REJECT: 1, Action.PENDING: 1},
        Section.B2BCN: {Action.ACCEPT: 1},
        Section.IMPG: {Action.NO_ACTION: 2},
    }
    data = getcnt(R, counts)

    [count] = data["invoicecount"]
    assert data["gstin"] == R
    assert count["all_oth"]["b2b"] == {"noaction": 1, "accept": 0, "reject": 1, "pending": 1}
    assert count["all_oth"]["b2bcn"]["accept"] == 1
    assert count["all_oth"]["ecoma"] == {"noaction": 0, "accept": 0, "reject": 0, "pending": 0}
    assert count["all_oth"]["ttl_cnt"] == 4
    assert list(count["imp_gds"]) == ["impg", "impga", "impgsez", "impgseza", "ttl_cnt"]
    assert count["imp_gds"]["ttl_cnt"] == 2
    assert list(count["all_oth"])[:8] == [s.value for s in Section][:8]


def test_ims_amounts_are_exact_decimals_on_the_wire() -> None:
    rec = invoice("INV-3", taxable=Decimal("1000.10"), igst=Decimal("180.02"))
    assert b'"txval":1000.10' in to_json_bytes(getinv_record(ims_record(rec)))
