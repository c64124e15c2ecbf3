"""Tests for gstims.formats.offline: actions files in every envelope, read as the API's SAVE."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.shared import SAMPLES

from gstims.codec import loads
from gstims.domain.money import Tax
from gstims.domain.records import Action, Section
from gstims.domain.state import Declaration
from gstims.formats.offline import read_actions

S1 = "27AAPFU0939F1ZV"
R = "29AABCR1718E1ZL"


def record(**changes: Any) -> dict[str, Any]:
    rec = {"stin": S1, "inum": "INV-1", "idt": "10-10-2024", "action": "A", "hash": "h1"}
    rec.update(changes)
    return rec


def test_the_portal_ims_sample_reads_with_gstin_warnings_not_errors():
    found = read_actions(loads((SAMPLES / "ims_getinv_india_compliance.json").read_bytes()))
    assert found.problems == ()
    assert [(line.item.section, line.item.number, line.where) for line in found.lines] == [
        (Section.B2B, "b1", "b2b[0]"),
        (Section.B2BA, "b1a", "b2ba[0]"),
        (Section.B2BDN, "dn2", "b2bdn[0]"),
        (Section.B2BDNA, "dna2", "b2bdna[0]"),
        (Section.B2BCN, "cn2", "b2bcn[0]"),
        (Section.B2BCNA, "cna2", "b2bcna[0]"),
    ]
    assert found.lines[0].item.action is Action.REJECT
    assert found.lines[0].hash.startswith("1f5fb5de")
    assert len(found.warnings) == 6
    assert found.warnings[0].field == "b2b[0].stin"
    assert "24MAYAS0100J1JD" in found.warnings[0].message


def test_r_act_9_a_save_body_is_read_with_its_prev_status_and_declaration():
    body = {
        "action": "SAVE",
        "data": {
            "rtin": R,
            "reqtyp": "SAVE",
            "invdata": {
                "b2bcn": [
                    {
                        "stin": S1,
                        "nt_num": "CN-3",
                        "nt_dt": "15-11-2025",
                        "action": "A",
                        "prev_status": "N",
                        "remarks": "only half availed",
                        "itcRedReq": "Y",
                        "declIgst": 9000,
                    }
                ]
            },
        },
    }
    found = read_actions(body)
    (line,) = found.lines
    assert found.rtin == R and not found.reset
    assert line.where == "data.invdata.b2bcn[0]"
    assert line.item.prev_status is Action.NO_ACTION
    assert line.item.doc_date == date(2025, 11, 15)
    assert line.item.declaration == Declaration(True, Tax.of(igst=9000))


def test_r_act_10_a_resetims_body_asks_for_no_action():
    body = {"action": "RESETIMS", "data": {"rtin": R, "invdata": {"b2b": [record()]}}}
    found = read_actions(body)
    assert found.reset
    assert [line.item.action for line in found.lines] == [Action.NO_ACTION]


def test_the_offline_download_envelope_reads_like_invdata():
    found = read_actions({"rtin": R, "imsDetails": {"b2b": [record(prev_status="N")]}})
    (line,) = found.lines
    assert (found.rtin, line.where, line.item.prev_status) == (
        R,
        "imsDetails.b2b[0]",
        Action.NO_ACTION,
    )


def test_a_getinv_response_envelope_reads_its_data():
    found = read_actions({"data": {"b2b": [record()]}, "status_cd": "1"})
    assert [line.where for line in found.lines] == ["data.b2b[0]"]
    assert found.lines[0].hash == "h1"


def test_a_bad_action_refuses_the_file_naming_the_json_path():
    found = read_actions({"b2b": [record(), record(inum="INV-2", action="X")]})
    assert found.lines == ()
    assert [str(p) for p in found.problems] == [
        "b2b INV-2 b2b[1].action: expected one of N, A, R, P, got 'X'"
    ]


def test_a_section_of_the_wrong_type_refuses_the_file():
    found = read_actions({"imsDetails": {"b2b": {"stin": S1}}})
    assert [(p.field, p.message) for p in found.problems] == [
        ("imsDetails.b2b", "expected a list, got an object")
    ]


def test_an_unknown_section_refuses_the_file():
    found = read_actions({"b2x": []})
    assert [p.field for p in found.problems] == ["b2x"]


def test_a_file_that_is_not_an_object_is_refused():
    assert [p.message for p in read_actions([1]).problems] == ["expected an object, got a list"]
