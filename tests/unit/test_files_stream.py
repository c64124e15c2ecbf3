"""Tests for gstims.formats.stream: a GSTR-1 file read as a stream, problems at JSON paths."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest

from gstims.codec import to_json_bytes
from gstims.domain.records import Kind
from gstims.formats import stream
from gstims.formats.stream import CountingReader, Gstr1Stream

S1 = "27AAPFU0939F1ZV"
R = "29AABCR1718E1ZL"
R2 = "24AANFA2641L1ZF"


def invoice(number: str, when: str = "10-10-2024", **changes: Any) -> dict[str, Any]:
    doc = {
        "inum": number,
        "idt": when,
        "val": Decimal("11800.00"),
        "pos": "29",
        "rchrg": "N",
        "inv_typ": "R",
        "itms": [
            {
                "num": 1,
                "itm_det": {
                    "rt": 18,
                    "txval": Decimal("10000.00"),
                    "iamt": Decimal("1800.00"),
                    "camt": 0,
                    "samt": 0,
                    "csamt": 0,
                },
            }
        ],
    }
    doc.update(changes)
    return doc


def credit_note(number: str) -> dict[str, Any]:
    doc = invoice(number)
    doc["nt_num"] = doc.pop("inum")
    doc["nt_dt"] = doc.pop("idt")
    doc["ntty"] = "C"
    return doc


def read(data: Any, *, build: bool = True, raw: bytes | None = None) -> tuple[Gstr1Stream, list]:
    source = io.BytesIO(raw if raw is not None else to_json_bytes(data))
    s = Gstr1Stream(CountingReader(source), filer=S1, build=build)
    return s, list(s.chunks())


def test_each_document_comes_with_its_json_path_and_the_envelope_is_read():
    data = {
        "gstin": S1,
        "fp": "102024",
        "b2b": [{"ctin": R, "inv": [invoice("INV-1"), invoice("INV-2")]}],
        "cdnr": [{"ctin": R2, "nt": [credit_note("CN-1")]}],
        "hsn": {"data": []},
    }
    s, chunks = read(data)
    docs = [d for c in chunks for d in c.documents]
    paths = [p for c in chunks for p in c.paths]
    assert [(d.number, d.kind, d.recipient) for d in docs] == [
        ("INV-1", Kind.INV, R),
        ("INV-2", Kind.INV, R),
        ("CN-1", Kind.CN, R2),
    ]
    assert paths == ["b2b[0].inv[0]", "b2b[0].inv[1]", "cdnr[0].nt[0]"]
    assert (s.gstin, s.fp, s.documents) == (S1, "102024", 3)
    assert not any(c.problems for c in chunks)


def test_a_group_larger_than_a_chunk_is_handed_over_in_pieces(monkeypatch):
    monkeypatch.setattr(stream, "CHUNK", 2)
    data = {"b2b": [{"ctin": R, "inv": [invoice(f"INV-{n}") for n in range(5)]}]}
    _, chunks = read(data)
    assert [len(c.documents) for c in chunks] == [2, 2, 1]
    assert chunks[2].paths == ["b2b[0].inv[4]"]


def test_party_keys_written_after_the_documents_still_name_the_recipient():
    raw = (
        b'{"b2b":[{"inv":[' + to_json_bytes(invoice("INV-1")) + b'],"ctin":"' + R.encode() + b'"}]}'
    )
    _, chunks = read(None, raw=raw)
    assert [d.recipient for c in chunks for d in c.documents] == [R]


def test_r_in_4_a_bad_field_is_reported_at_its_json_path():
    data = {"b2b": [{"ctin": R, "inv": [invoice("INV-1"), invoice("INV-2", "2024-10-10")]}]}
    _, chunks = read(data)
    problems = [str(p) for c in chunks for p in c.problems]
    assert problems == ["b2b INV-2 b2b[0].inv[1].idt: a date must be dd-mm-yyyy, got '2024-10-10'"]


def test_a_section_of_the_wrong_type_is_named_by_its_path():
    _, chunks = read({"gstin": S1, "fp": "102024", "b2b": {"ctin": R}})
    assert [str(p) for c in chunks for p in c.problems] == [
        "b2b  b2b: expected a list, got an object"
    ]


def test_a_document_that_is_not_an_object_is_named_by_its_path():
    _, chunks = read({"cdnr": [{"ctin": R, "nt": ["CN-1"]}]}, build=False)
    assert [str(p) for c in chunks for p in c.problems] == [
        "cdnr  cdnr[0].nt[0]: expected an object, got a string"
    ]


def test_a_truncated_file_is_refused_after_the_last_document_read():
    whole = to_json_bytes({"b2b": [{"ctin": R, "inv": [invoice("INV-1"), invoice("INV-2")]}]})
    _, chunks = read(None, raw=whole[:-60], build=False)
    (problem,) = [p for c in chunks for p in c.problems]
    assert problem.field == "after b2b[0].inv[0]"
    assert problem.message.startswith("the JSON is cut short or broken near byte")


def test_a_file_that_is_not_an_object_is_refused():
    _, chunks = read([1, 2])
    assert [p.message for c in chunks for p in c.problems] == [
        "expected a GSTR-1 return object, got a list"
    ]


def test_the_retsave_body_is_read_with_paths_under_data():
    body = {"action": "RETSAVE", "data": {"gstin": S1, "fp": "102024", "b2b": [{"inv": []}]}}
    s, chunks = read(body)
    assert s.gstin == S1
    assert [str(p) for c in chunks for p in c.problems] == ["b2b  data.b2b[0].ctin: missing"]


def test_the_structure_pass_counts_documents_without_building_them():
    data = {"b2b": [{"ctin": R, "inv": [invoice("INV-1", "bad date")]}]}
    s, chunks = read(data, build=False)
    assert s.documents == 1
    assert chunks == []  # field problems are the second pass's


@pytest.mark.parametrize("value", [Decimal("1"), None])
def test_an_envelope_gstin_that_is_not_a_string_is_a_problem(value):
    s, _ = read({"gstin": value, "b2b": []})
    assert s.gstin is None
    assert [p.field for p in s.envelope_problems] == ["gstin"]
