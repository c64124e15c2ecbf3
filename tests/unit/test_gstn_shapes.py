"""Where the GSTN wire differs from the plain answers (gstn-protocol.md §8, decision 4)."""

from __future__ import annotations

import hashlib

import pytest

from gstims.codec import to_json_bytes
from gstims.gstn import shapes


@pytest.mark.parametrize(
    ("sent", "meant"),
    [
        ("B2B", "b2b"),
        ("b2ba", "b2ba"),
        ("CN", "b2bcn"),
        ("cna", "b2bcna"),
        ("DN", "b2bdn"),
        ("DNA", "b2bdna"),
        ("B2BCN", "b2bcn"),
        ("ECOMA", "ecoma"),
        ("IMPG", "impg"),
        ("b2x", "b2x"),  # passed on, for the plain route to refuse by name
    ],
)
def test_ims_sections_are_read_short_or_long_in_any_case(sent, meant):
    """§13: IC sends CN/DN/CNA/DNA and reads b2bcn... back; accept both."""
    assert shapes.ims_section(sent) == meant


def test_getcnt_is_the_count_object_itself():
    plain = {"gstin": "X", "invoicecount": [{"all_oth": {"ttl_cnt": 3}, "imp_gds": {"ttl_cnt": 0}}]}
    assert shapes.gstn_data("ims", "GETCNT", "X", plain) == {
        "all_oth": {"ttl_cnt": 3},
        "imp_gds": {"ttl_cnt": 0},
    }


def test_get2b_is_wrapped_with_the_checksum_of_its_data():
    content = {"gstin": "29AABCR1718E1ZL", "rtnprd": "102024", "docdata": {}}
    wrapped = shapes.gstn_data("gstr2b", "GET2B", "29AABCR1718E1ZL", content)
    assert wrapped == {
        "chksum": hashlib.sha256(to_json_bytes(content)).hexdigest(),
        "data": content,
    }


def test_a_filing_answers_a_stable_15_character_acknowledgement_per_form_and_period():
    filed = {"gstin": "29AABCR1718E1ZL", "ret_period": "102024", "status": "filed"}
    first = shapes.gstn_data("gstr1", "RETFILE", filed["gstin"], filed)
    again = shapes.gstn_data("gstr1", "RETFILE", filed["gstin"], filed)
    other = shapes.gstn_data("gstr3b", "RETFILE", filed["gstin"], filed)
    assert len(first["ack_num"]) == 15 and first["ack_num"].startswith("AA29102024")
    assert first == again and first["ack_num"] != other["ack_num"]
    assert {k: v for k, v in first.items() if k != "ack_num"} == filed


def test_every_other_answer_is_the_plain_data():
    data = {"reference_id": "ABC"}
    assert shapes.gstn_data("ims", "SAVE", "X", data) is data


CONTENT_2B = {
    "gstin": "29AABCR1718E1ZL",
    "rtnprd": "102024",
    "version": "1.0",
    "gendt": "14-11-2024",
    "itcsumm": {"itcavl": {}},
    "cpsumm": {"b2b": [{"ctin": "S1"}]},
    "docdata": {
        "b2b": [
            {"ctin": "S1", "supprd": "102024", "inv": [{"inum": f"I{n}"} for n in range(4)]},
            {"ctin": "S2", "supprd": "102024", "inv": [{"inum": "J0"}]},
        ],
        "impg": [{"boenum": "B0"}, {"boenum": "B1"}],
    },
    "docRejdata": {"b2b": [{"ctin": "S3", "supprd": "102024", "inv": [{"inum": "K0"}]}]},
}


def documents(parts: list[dict], part: str = "docdata") -> list[tuple[str, str]]:
    out = []
    for p in parts:
        for section, entries in p.get(part, {}).items():
            for entry in entries:
                for doc in entry.get("inv", [entry]):
                    out.append((section, entry.get("ctin", ""), doc.get("inum") or doc["boenum"]))
    return out


def test_a_2b_above_the_size_is_cut_into_files_that_add_up_to_it():
    """gstn-protocol.md §7: GET2B with `fc`, then `file_num` 1..fc; no document lost or doubled."""
    parts = shapes.split_2b(CONTENT_2B, 3)
    assert len(parts) == 3  # 8 documents, 3 a file
    assert documents(parts) == documents([CONTENT_2B])
    assert documents(parts, "docRejdata") == documents([CONTENT_2B], "docRejdata")
    assert parts[0]["itcsumm"] == CONTENT_2B["itcsumm"] and "itcsumm" not in parts[1]
    assert all(p["gstin"] == CONTENT_2B["gstin"] and p["rtnprd"] == "102024" for p in parts)
    assert [len(documents([p])) + len(documents([p], "docRejdata")) for p in parts] == [3, 3, 2]


def test_get2b_answers_fc_first_then_each_file_and_refuses_a_file_that_is_not_there():
    whole = shapes.gstr2b_answer(CONTENT_2B, None, 100)
    assert whole["data"] == CONTENT_2B and "fc" not in whole["data"]
    assert shapes.gstr2b_answer(CONTENT_2B, "1", 100) == whole
    asked = shapes.gstr2b_answer(CONTENT_2B, None, 3)["data"]
    assert asked == {
        "gstin": "29AABCR1718E1ZL",
        "rtnprd": "102024",
        "version": "1.0",
        "gendt": "14-11-2024",
        "fc": 3,
    }
    second = shapes.gstr2b_answer(CONTENT_2B, "2", 3)
    assert second["data"]["fc"] == 3 and documents([second["data"]])
    for wrong in ("0", "4", "x"):
        with pytest.raises(shapes.GstnRefusal, match="file_num"):
            shapes.gstr2b_answer(CONTENT_2B, wrong, 3)
