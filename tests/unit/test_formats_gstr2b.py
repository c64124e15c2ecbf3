"""Tests for gstims.formats.gstr2b: the GSTN v4 2B JSON out, and any 2B JSON back in."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from builders import (
    OCT_2024,
    S1,
    S2,
    R,
    amendment,
    bill_of_entry,
    credit_note,
    declared,
    eco_record,
    entry,
    gstr2b,
    invoice,
)
from tests.shared import SAMPLES

from gstims.codec import document_bytes, loads, to_json_bytes
from gstims.domain.calendar import Period
from gstims.domain.gstr2b import Bucket, Group, Gstr2B, Rule37A, Section2B
from gstims.domain.money import Tax, money
from gstims.domain.records import Action, Origin, Route
from gstims.formats.gstr2b import ParsedGstr2B, gstr2b_json, read_gstr2b

ECO = "07AAGFF2194N1Z1"
ISD = "29AAACI1681G1ZN"
E_INVOICE_KEYS = {"srctyp", "irn", "irngendate"}  # gstims has no e-invoices


def sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = loads((SAMPLES / name).read_bytes())
    return data


V4 = sample("gstr2b_v4_ims_india_compliance.json")["data"]


def october_2b() -> Gstr2B:
    """example-month.md: R's 2B for 102024, drafted 14-11-2024."""
    filed_s2 = date(2024, 11, 8)
    return gstr2b(
        entry(
            invoice("INV-101", doc_date=date(2024, 10, 10), taxable=10000, igst=1800),
            trade_name="S1 Traders",
        ),
        entry(
            invoice("INV-102", doc_date=date(2024, 10, 12), taxable=5000, igst=600),
            Action.REJECT,
            remarks="not ordered",
            trade_name="S1 Traders",
        ),
        entry(
            invoice(
                "RCM-1", doc_date=date(2024, 10, 22), taxable=2000, igst=100, reverse_charge=True
            ),
            route=Route.REVERSE_CHARGE,
            trade_name="S1 Traders",
        ),
        entry(
            credit_note("CN-11", doc_date=date(2024, 10, 20), taxable=1000, igst=180),
            Action.ACCEPT,
            trade_name="S1 Traders",
        ),
        entry(
            invoice(
                "INV-201",
                supplier=S2,
                doc_date=date(2024, 10, 15),
                filed_on=filed_s2,
                pos="24",
                taxable=5000,
                cgst=450,
                sgst=450,
            ),
            route=Route.POS_INELIGIBLE,
            trade_name="S2 Mills",
        ),
        entry(
            invoice("INV-202", supplier=S2, filed_on=filed_s2, taxable=20000, igst=5600),
            Action.PENDING,
        ),
        period=OCT_2024,
    )


def round_trip(b: Gstr2B) -> ParsedGstr2B:
    return read_gstr2b(loads(to_json_bytes(gstr2b_json(b))))


def shape(tree: Any) -> Any:
    """The key structure of a JSON tree, values dropped."""
    if isinstance(tree, dict):
        return {k: shape(v) for k, v in tree.items()}
    return None


# -- writing: the example month ---------------------------------------------------------------


def test_example_month_header_and_itcsumm_figures() -> None:
    """Rule: R-2B-7 (example-month.md, GSTR-2B for 102024)."""
    data = gstr2b_json(october_2b())
    itc = data["itcsumm"]

    assert (data["gstin"], data["rtnprd"], data["version"], data["gendt"]) == (
        R,
        "102024",
        "1.0",
        "14-11-2024",
    )
    assert (
        itc["itcavl"]["nonrevsup"]["igst"]
        == itc["itcavl"]["nonrevsup"]["b2b"]["igst"]
        == money(1800)
    )
    assert (
        itc["itcavl"]["othersup"]["igst"] == itc["itcavl"]["othersup"]["cdnr"]["igst"] == money(180)
    )
    assert itc["itcavl"]["revsup"]["b2b"]["igst"] == money(100)
    assert (
        itc["itcunavl"]["nonrevsup"]["cgst"] == itc["itcunavl"]["nonrevsup"]["sgst"] == money(450)
    )
    assert itc["itcRejected"]["nonrevsup"]["b2b"] == {
        "igst": money(600),
        "cgst": money(0),
        "sgst": money(0),
        "cess": money(0),
    }


def test_example_month_docdata_wraps_documents_by_supplier_with_2b_spellings() -> None:
    data = gstr2b_json(october_2b())
    s1, s2 = data["docdata"]["b2b"]

    assert {k: s1[k] for k in ("ctin", "trdnm", "supfildt", "supprd")} == {
        "ctin": S1,
        "trdnm": "S1 Traders",
        "supfildt": "05-11-2024",
        "supprd": "102024",
    }
    inv_101, rcm_1 = s1["inv"]
    assert inv_101 == {
        "inum": "INV-101",
        "typ": "R",
        "dt": "10-10-2024",
        "val": money(11800),
        "pos": "29",
        "rev": "N",
        "itcavl": "Y",
        "rsn": "",
        "diffprcnt": 1,
        "txval": money(10000),
        "igst": money(1800),
        "cgst": money(0),
        "sgst": money(0),
        "cess": money(0),
    }
    assert (rcm_1["inum"], rcm_1["rev"]) == ("RCM-1", "Y")
    [inv_201] = s2["inv"]
    assert (s2["ctin"], inv_201["itcavl"], inv_201["rsn"]) == (S2, "N", "P")
    [cn_wrapper] = data["docdata"]["cdnr"]
    [cn_11] = cn_wrapper["nt"]
    assert (cn_11["ntnum"], cn_11["typ"], cn_11["suptyp"], cn_11["igst"]) == (
        "CN-11",
        "C",
        "R",
        money(180),
    )
    assert "INV-202" not in str(data)  # Pending: nowhere (R-2B-3)


def test_example_month_rejected_invoice_is_in_docrejdata_with_the_recipients_remarks() -> None:
    """Rule: R-2B-3, R-ACT-8"""
    data = gstr2b_json(october_2b())
    [wrapper] = data["docRejdata"]["b2b"]
    [inv_102] = wrapper["inv"]

    assert (wrapper["ctin"], inv_102["inum"], inv_102["remarks"]) == (S1, "INV-102", "not ordered")
    assert list(data["docRejdata"]) == ["b2b"]


def test_example_month_counterparty_rows() -> None:
    """Rule: R-2B-6"""
    data = gstr2b_json(october_2b())
    rows = {row["ctin"]: row for row in data["cpsumm"]["b2b"]}
    s1, s2 = rows[S1], rows[S2]

    assert s1 == {
        "ctin": S1,
        "trdnm": "S1 Traders",
        "supprd": "102024",
        "supfildt": "05-11-2024",
        "ttldocs": 2,
        "txval": money(12000),
        "igst": money(1900),
        "cgst": money(0),
        "sgst": money(0),
        "cess": money(0),
    }
    assert s2["ctin"] == S2
    assert data["cpsumm"]["cdnr"][0]["nttyp"] == "C"
    [rejected] = data["cpSummRej"]["b2b"]
    assert (rejected["ctin"], rejected["ttldocs"], rejected["igst"]) == (S1, 1, money(600))


# -- writing: the shape of the v4 sample ------------------------------------------------------


def test_itcsumm_has_exactly_the_tree_of_the_v4_sample() -> None:
    """Rule: R-2B-7: every bucket, group and section GSTN prints, no more."""
    ours = gstr2b_json(october_2b())["itcsumm"]

    assert shape(ours) == shape(V4["itcsumm"])
    assert list(ours) == ["itcavl", "itcunavl", "itcrev", "itcRejected"]


def test_documents_and_rows_carry_the_keys_of_the_v4_sample() -> None:
    data = gstr2b_json(october_2b())

    def keys(obj: dict[str, Any]) -> set[str]:
        return set(obj) - E_INVOICE_KEYS - {"remarks"}

    assert keys(data["docdata"]["b2b"][0]) == keys(V4["docdata"]["b2b"][0])
    assert keys(data["docdata"]["b2b"][0]["inv"][0]) == keys(V4["docdata"]["b2b"][0]["inv"][0])
    assert keys(data["docdata"]["cdnr"][0]["nt"][0]) == keys(V4["docdata"]["cdnr"][0]["nt"][0])
    assert keys(data["cpsumm"]["b2b"][0]) == keys(V4["cpsumm"]["b2b"][0])
    assert keys(data["cpsumm"]["cdnr"][0]) == keys(V4["cpsumm"]["cdnr"][0])
    assert set(data) == set(V4)


def test_an_empty_2b_is_still_a_statement_with_zero_totals() -> None:
    """Rule: R-SEQ-3"""
    data = gstr2b_json(gstr2b(period=OCT_2024))

    assert (data["docdata"], data["docRejdata"], data["cpsumm"], data["cpSummRej"]) == (
        {},
        {},
        {},
        {},
    )
    assert data["itcsumm"]["itcavl"]["nonrevsup"]["igst"] == money(0)


def test_sez_supply_types_use_the_2b_spellings() -> None:
    """GSTR-1 inv_typ SEWP / SEWOP is typ SEZWP / SEZWOP in GSTR-2B (formats.md §2.5)."""
    sez_wp = gstr2b(entry(replace(invoice("SEZ-1", igst=180), supply_type="SEWP")))
    sez_wop = gstr2b(entry(replace(credit_note("SEZ-C1", igst=18), supply_type="SEWOP")))

    assert gstr2b_json(sez_wp)["docdata"]["b2b"][0]["inv"][0]["typ"] == "SEZWP"
    assert gstr2b_json(sez_wop)["docdata"]["cdnr"][0]["nt"][0]["suptyp"] == "SEZWOP"


def mixed_2b() -> Gstr2B:
    """Amendments, notes, e-commerce, ISD, imports and a Rule 37A reversal in one 2B."""
    nov = Period(2024, 11)
    inv_7 = invoice("INV-7", doc_date=date(2024, 10, 7), taxable=10000, igst=1800)
    cn_1 = credit_note("CN-1", doc_date=date(2024, 10, 9), igst=100)
    eco = eco_record(
        "E-1",
        supplier=ECO,
        actual_supplier=S1,
        period=nov,
        filed_on=date(2024, 12, 5),
        taxable=1000,
        igst=180,
    )
    isd_note = credit_note(
        "ISD-C1",
        supplier=ISD,
        period=nov,
        filed_on=date(2024, 12, 5),
        cgst=50,
        sgst=50,
        origin=Origin.GSTR6,
    )
    isd_inv = invoice(
        "ISD-1",
        supplier=ISD,
        period=nov,
        filed_on=date(2024, 12, 5),
        cgst=200,
        sgst=200,
        origin=Origin.GSTR6,
    )
    boe = bill_of_entry(
        "INMAA1/2566282",
        doc_date=date(2024, 11, 3),
        ref_date=date(2024, 11, 6),
        taxable=10000,
        igst=1800,
        cess=Decimal("0.50"),
    )
    sez_boe = bill_of_entry(
        "INBOM4/77",
        supplier=S2,
        doc_date=date(2024, 11, 3),
        ref_date=date(2024, 11, 6),
        taxable=100,
        igst=18,
    )
    return gstr2b(
        entry(
            amendment(inv_7, igst=900, period=nov, filed_on=date(2024, 12, 5)),
            trade_name="S1 Traders",
        ),
        entry(
            amendment(cn_1, igst=150, number="CN-1A", period=nov, filed_on=date(2024, 12, 5)),
            Action.ACCEPT,
        ),
        entry(
            credit_note("CN-3", period=nov, filed_on=date(2024, 12, 5), igst=1000),
            Action.ACCEPT,
            declaration=declared(igst=400),
            remarks="part",
        ),
        entry(eco),
        entry(
            eco_record("E-2", supplier=ECO, period=nov, filed_on=date(2024, 12, 5), igst=18),
            Action.REJECT,
        ),
        entry(isd_inv, route=Route.ISD),
        entry(isd_note, route=Route.ISD),
        entry(boe, route=Route.IMPORTS),
        entry(sez_boe, route=Route.IMPORTS),
        adjustments=(Rule37A(S2, Period(2023, 4), Tax.of(igst=500), trade_name="S2 Mills"),),
        period=nov,
    )


def test_mixed_2b_places_each_kind_in_its_gstn_list() -> None:
    data = gstr2b_json(mixed_2b())
    docdata = data["docdata"]

    [b2ba] = docdata["b2ba"][0]["inv"]
    assert (b2ba["inum"], b2ba["oinum"], b2ba["oidt"], b2ba["igst"]) == (
        "INV-7",
        "INV-7",
        "07-10-2024",
        money(900),
    )
    [cdnra] = docdata["cdnra"][0]["nt"]
    assert (cdnra["onttyp"], cdnra["ontnum"], cdnra["ntnum"]) == ("C", "CN-1", "CN-1A")
    [eco] = docdata["ecom"][0]["inv"]
    assert (docdata["ecom"][0]["ctin"], eco["sply_gstin"]) == (ECO, S1)
    isd_docs = docdata["isd"][0]["doclist"]
    assert [(d["doctyp"], d["docnum"], d["itcelg"]) for d in isd_docs] == [
        ("ISDI", "ISD-1", "Y"),
        ("ISDC", "ISD-C1", "Y"),
    ]
    [impg] = docdata["impg"]
    assert impg == {
        "refdt": "06-11-2024",
        "recdt": "05-11-2024",
        "portcode": "INMAA1",
        "boenum": "2566282",
        "boedt": "03-11-2024",
        "isamd": "N",
        "txval": money(10000),
        "igst": money(1800),
        "cess": Decimal("0.50"),
    }
    [sez] = docdata["impgsez"]
    assert (sez["ctin"], sez["boe"][0]["portcode"], sez["boe"][0]["boenum"]) == (S2, "INBOM4", "77")
    assert data["cpsumm"]["impgsez"][0]["portcode"] == "INBOM4"
    assert data["cpsumm"]["itcrev"] == [
        {
            "b2b": {
                "ctin": S2,
                "trdnm": "S2 Mills",
                "supprd": "042023",
                "ttldocs": 0,
                "txval": money(0),
                "igst": money(500),
                "cgst": money(0),
                "sgst": money(0),
                "cess": money(0),
            }
        }
    ]
    assert data["itcsumm"]["itcrev"]["nonrevsup"]["b2b"]["igst"] == money(500)
    assert [w["inv"][0]["inum"] for w in data["docRejdata"]["ecom"]] == ["E-2"]


# -- reading ----------------------------------------------------------------------------------


def test_round_trip_of_the_example_month_gives_back_every_document_and_figure() -> None:
    """gstims' own output reads back: the same documents, amounts and itcsumm cells."""
    b = october_2b()
    parsed = round_trip(b)

    assert parsed.problems == ()
    assert (parsed.gstin, parsed.period, parsed.version, parsed.generated_on) == (
        R,
        "102024",
        "1.0",
        date(2024, 11, 14),
    )
    assert [
        (d.section, d.number, d.rejected, d.itc_available, d.reason) for d in parsed.documents
    ] == [
        ("b2b", "INV-101", False, True, ""),
        ("b2b", "RCM-1", False, True, ""),
        ("b2b", "INV-201", False, False, "P"),
        ("cdnr", "CN-11", False, True, ""),
        ("b2b", "INV-102", True, True, ""),
    ]
    by_number = {d.number: d for d in parsed.documents}
    for line in b.lines():
        doc = by_number[line.number]
        assert (doc.supplier, doc.doc_date, doc.value, doc.taxable, doc.tax) == (
            line.supplier,
            line.doc_date,
            line.value,
            line.taxable,
            line.tax,
        )
    assert by_number["RCM-1"].reverse_charge is True
    assert by_number["INV-102"].remarks == "not ordered"
    assert parsed.itc("itcavl.nonrevsup.igst") == money(1800)


def test_round_trip_keeps_every_itcsumm_cell_to_the_paisa() -> None:
    """Rule: R-2B-6, R-2B-7"""
    heads = ("igst", "cgst", "sgst", "cess")
    for b in (october_2b(), mixed_2b()):
        parsed = round_trip(b)
        printed = gstr2b_json(b)["itcsumm"]
        assert parsed.problems == ()
        for bucket in Bucket:
            for group, node in printed[bucket.value].items():
                totals = b.itc.bucket(bucket).group(Group(group))
                for key, value in node.items():
                    path = f"{bucket.value}.{group}.{key}"
                    if isinstance(value, dict):
                        cell = totals[Section2B(key)]
                        assert [parsed.itc(f"{path}.{h}") for h in heads] == list(cell.heads)
                    else:
                        assert parsed.itc(path) == getattr(totals.total, key), path


def test_round_trip_of_the_mixed_2b_reads_amendments_imports_and_rows() -> None:
    parsed = round_trip(mixed_2b())

    assert parsed.problems == ()
    [b2ba] = parsed.section("b2ba")
    assert (b2ba.original_number, b2ba.original_date, b2ba.tax) == (
        "INV-7",
        date(2024, 10, 7),
        Tax.of(igst=900),
    )
    assert parsed.itc("itcavl.nonrevsup.b2ba.igst") == money(-900)  # R-2B-5
    [impg] = parsed.section("impg")
    assert (impg.port_code, impg.number, impg.ref_date, impg.tax.cess) == (
        "INMAA1",
        "2566282",
        date(2024, 11, 6),
        Decimal("0.50"),
    )
    [eco] = parsed.section("ecom")
    assert (eco.supplier, eco.actual_supplier) == (ECO, S1)
    assert [d.doc_type for d in parsed.section("isd")] == ["ISDI", "ISDC"]
    [cn_3] = parsed.section("cdnr")
    assert cn_3.remarks == "part"
    rows = {(r.part, r.section, r.supplier) for r in parsed.counterparties}
    assert ("cpsumm", "itcrev.b2b", S2) in rows
    assert ("cpSummRej", "ecom", ECO) in rows


def test_v4_sample_reads_without_problems_with_document_level_amounts() -> None:
    parsed = read_gstr2b(sample("gstr2b_v4_ims_india_compliance.json"))

    assert parsed.problems == ()
    assert (parsed.gstin, parsed.period, parsed.version) == ("01AABCE2207R1Z5", "032020", "1.0")
    [b2b] = parsed.section("b2b")
    assert (b2b.number, b2b.doc_date, b2b.taxable, b2b.tax) == (
        "S008400",
        date(2016, 11, 24),
        money(12200),
        Tax.of(igst=183),
    )
    assert (b2b.itc_available, b2b.reason, b2b.doc_type) == (False, "P", "R")
    assert [d.number for d in parsed.section("ecoma")] == ["doc1", "E123"]
    assert parsed.section("ecoma")[0].original_number == "S008400"
    assert len(parsed.section("b2b", rejected=True)) == 1
    assert {d.section for d in parsed.documents if d.section.startswith("itcrev.")} == {
        "itcrev.b2b",
        "itcrev.b2ba",
        "itcrev.cdnr",
        "itcrev.cdnra",
    }
    assert parsed.itc("itcRejected.othersup.isda.cess") == money(100)
    assert parsed.itc("itcavl.nonrevsup.ecom.igst") == money(400)


def test_v1_sample_reads_without_problems_summing_rate_wise_items() -> None:
    parsed = read_gstr2b(sample("gstr2b_v1_india_compliance.json"))

    assert parsed.problems == ()
    [b2b] = parsed.section("b2b")
    assert (b2b.taxable, b2b.tax) == (money(400), Tax.of(cgst=200, sgst=200))
    [impgsez] = parsed.section("impgsez")
    assert (impgsez.supplier, impgsez.port_code, impgsez.tax.cess) == (
        "01AABCE2207R1Z5",
        "18272A",
        Decimal("0.50"),
    )
    assert parsed.itc("itcavl.imports.impg.igst") == money(400)
    assert parsed.itc("itcrev.nonrevsup.igst") == money(0)  # no itcrev before IMS


def test_malformed_2b_gives_problems_with_paths_never_an_exception() -> None:
    bad = {
        "gstin": R,
        "rtnprd": "1024",
        "itcsumm": {"itcavl": {"nonrevsup": {"igst": "x"}}},
        "docdata": {
            "b2b": [{"ctin": S1, "inv": [{"inum": "I-1", "dt": "2024-10-10"}]}],
            "cdnr": "none",
            "zzz": [],
        },
        "cpsumm": {"b2b": [{"ctin": S1, "ttldocs": "2"}]},
    }
    parsed = read_gstr2b(bad)

    assert parsed.documents == ()
    assert [(p.section, p.number, p.field) for p in parsed.problems] == [
        ("", "", "rtnprd"),
        ("", "", "itcsumm.itcavl.nonrevsup.igst"),
        ("b2b", "I-1", "docdata.b2b[0].inv[0].dt"),
        ("cdnr", "", "docdata.cdnr"),
        ("zzz", "", "docdata.zzz"),
        ("b2b", "", "cpsumm.b2b[0].ttldocs"),
    ]
    assert read_gstr2b([]).problems[0].field == "data"  # type: ignore[arg-type]


def test_kinds_of_written_documents_are_recognisable_when_read() -> None:
    parsed = round_trip(mixed_2b())
    kinds = {d.number: d.doc_type for d in parsed.documents}

    assert kinds["CN-1A"] == "C"
    assert kinds["INV-7"] == "R"
    assert kinds["ISD-C1"] == "ISDC"


def test_the_stored_2b_is_byte_for_byte_what_the_strict_encoder_writes() -> None:
    """`document_bytes` (C speed, no type checks) keeps a 2B: the writers give it nothing
    that `to_json_bytes` would write otherwise — amounts, -0.00, rates, dates, remarks."""
    negative = gstr2b(
        entry(amendment(invoice("INV-9", igst=1800), igst=0), Action.ACCEPT),  # 0 - 1800
        entry(credit_note("CN-9", igst=Decimal("0.00"), taxable=0), Action.REJECT),
    )
    for b in (october_2b(), mixed_2b(), negative):
        data = gstr2b_json(b)
        assert document_bytes(data) == to_json_bytes(data)
