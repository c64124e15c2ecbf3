"""Where the GSTN wire differs from the plain answers (gstn-protocol.md §8, decision 4)."""

from __future__ import annotations

import hashlib

import pytest

from gstims.formats.encoding import to_json_bytes
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
