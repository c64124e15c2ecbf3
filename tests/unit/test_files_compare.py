"""Tests for gstims.formats.compare and .returns: the portal's 2B against ours; 2B/3B files."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from tests.shared import SAMPLES

from gstims.codec import loads, to_json_bytes
from gstims.domain.calendar import Period
from gstims.domain.gstr3b import ItcAvailable, SupplyTotals, Table4
from gstims.domain.money import Tax
from gstims.formats.compare import (
    DIFFERENT,
    ONLY_GSTIMS,
    ONLY_PORTAL,
    compare_2b,
    comparison_json,
    portal_warnings,
)
from gstims.formats.gstr2b_reader import read_gstr2b
from gstims.formats.gstr3b import read_gstr3b
from gstims.formats.returns import gstr2b_file, gstr3b_file

R = "29AABCR1718E1ZL"


def sample(name: str) -> Any:
    return loads((SAMPLES / name).read_bytes())


def test_both_portal_2b_samples_parse_and_their_bad_gstins_are_only_warnings():
    for name in ("gstr2b_v1_india_compliance.json", "gstr2b_v4_ims_india_compliance.json"):
        parsed = read_gstr2b(sample(name))
        assert parsed.problems == ()
        warned = {w.message.split(":")[0] for w in portal_warnings(parsed)}
        assert "GSTIN 01AABCE2207R1Z5" in warned


def test_a_2b_compared_with_itself_is_the_same():
    parsed = read_gstr2b(sample("gstr2b_v4_ims_india_compliance.json"))
    c = compare_2b(parsed, parsed)
    assert c.same
    assert c.matched == len(parsed.documents)


def test_r_2b_3_a_document_rejected_on_the_portal_but_not_in_gstims_differs_in_its_part():
    portal = sample("gstr2b_v4_ims_india_compliance.json")
    ours = copy.deepcopy(portal)
    moved = ours["data"]["docRejdata"].pop("b2b")
    ours["data"]["docdata"]["b2b"] += moved
    ours["data"]["itcsumm"]["itcRejected"]["nonrevsup"]["b2b"]["igst"] = Decimal("0")
    c = compare_2b(read_gstr2b(portal), read_gstr2b(ours))
    (record,) = c.records
    assert (record.status, record.number) == (DIFFERENT, "S008400")
    assert [(f.field, f.portal, f.gstims) for f in record.fields] == [
        ("part", "docRejdata", "docdata")
    ]
    assert [(h.path, h.portal, h.gstims) for h in c.heads] == [
        ("itcRejected.nonrevsup.b2b.igst", Decimal("400.00"), Decimal("0.00"))
    ]


def test_documents_on_one_side_only_and_head_by_head_differences_are_listed():
    portal = sample("gstr2b_v4_ims_india_compliance.json")
    ours = copy.deepcopy(portal)
    ours["data"]["docdata"].pop("cdnra")
    ours["data"]["docRejdata"].pop("cdnra")
    ours["data"]["docdata"]["b2b"][0]["inv"][0]["igst"] = Decimal("200")
    ours["data"]["docdata"]["b2b"][0]["inv"].append(
        {**portal["data"]["docdata"]["b2b"][0]["inv"][0], "inum": "NEW-1"}
    )
    c = compare_2b(read_gstr2b(portal), read_gstr2b(ours))
    assert {(r.status, r.number) for r in c.records} == {
        (DIFFERENT, "S008400"),
        (ONLY_PORTAL, "533515"),
        (ONLY_GSTIMS, "NEW-1"),
    }
    different = next(r for r in c.records if r.status == DIFFERENT)
    assert [(f.field, f.portal, f.gstims) for f in different.fields] == [
        ("igst", "183.00", "200.00")
    ]
    report = loads(to_json_bytes(comparison_json(c)))
    assert report["counts"]["only_portal"] == 2 and report["same"] is False


def test_r_2b_7_the_v1_sample_is_matched_document_by_document_with_the_v4_sample():
    c = compare_2b(
        read_gstr2b(sample("gstr2b_v1_india_compliance.json")),
        read_gstr2b(sample("gstr2b_v4_ims_india_compliance.json")),
    )
    statuses = {r.status for r in c.records}
    assert ONLY_GSTIMS in statuses  # v4 adds ecom, ecoma, itcrev and docRejdata
    assert any(h.path.startswith("itcRejected.") for h in c.heads)


def test_r_2b_7_the_get2b_envelope_carries_a_checksum_and_reads_back():
    data = read_gstr2b(sample("gstr2b_v4_ims_india_compliance.json"))
    inner = sample("gstr2b_v4_ims_india_compliance.json")["data"]
    wrapped = gstr2b_file(inner)
    assert len(wrapped["chksum"]) == 64
    again = read_gstr2b(loads(to_json_bytes(wrapped)))
    assert again.problems == () and again.documents == data.documents


def test_r_3b_5_the_3b_file_has_every_table_of_the_template_and_reads_back():
    table = Table4(available=ItcAvailable(all_other=Tax.of(igst=1620)))
    outward = SupplyTotals(Decimal("14000.00"), Tax.of(igst=2220))
    out = loads(to_json_bytes(gstr3b_file(R, Period(2024, 10), table, outward)))
    template = sample("gstr3b_template_india_compliance.json")
    assert set(out) == set(template)
    for key in ("sup_details", "itc_elg", "eco_dtls", "inter_sup", "inward_sup"):
        assert set(out[key]) == set(template[key])
    parsed = read_gstr3b(out)
    assert parsed.problems == ()
    assert parsed.table4.available.all_other.igst == 1620
    assert parsed.outward.tax.igst == 2220
    assert read_gstr3b(template).problems == ()
