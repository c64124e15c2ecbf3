"""One shape for a problem and every code named once (issue 11, ADR 0023): the codes of
`domain/errors.py` are the only ones spelled in `src/`, `docs/API.md` lists exactly them, and
each report renders the one `Problem` as it always has."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from gstims.api.envelope import problem_details
from gstims.domain.errors import (
    BOOKS422,
    CODES,
    IMSACT009,
    Problem,
    Where,
    detail,
    report_line,
    request_code,
)
from gstims.domain.ims import ItemError
from gstims.domain.reconcile.books import RowProblem
from gstims.services.errors import Invalid
from gstims.services.file_refusal import FileRefused

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "gstims"
REGISTRY = SRC / "domain" / "errors.py"

# What an error code looks like: a family and a number, or gstims' GSTIMS and a word.
CODE_SHAPE = re.compile(
    r"(?:AUTH|BOOKS|GSTIMS|IMS2B|IMSACT|IMSSAV|RECON|RET|RET2B|RULES|TEC)\d+|GSTIMS[A-Z]+"
)

# Files that still spell a code themselves: none now; the set may only stay empty.
SPELLED_ELSEWHERE: set[str] = set()


def code_literals() -> dict[str, set[str]]:
    """Every string constant of src/ that is a whole code, by file (docstrings and messages
    that mention a code are longer strings, so never one)."""
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and CODE_SHAPE.fullmatch(value):
                found.setdefault(str(path.relative_to(SRC)), set()).add(value)
    return found


def test_every_code_spelled_in_src_is_named_in_the_one_module() -> None:
    spelled = set().union(*code_literals().values())
    assert spelled - set(CODES) == set()


def test_no_code_is_spelled_outside_the_one_module_but_in_the_files_not_yet_moved() -> None:
    elsewhere = {f for f in code_literals() if f != "domain/errors.py"}
    assert elsewhere == SPELLED_ELSEWHERE


def test_each_code_is_spelled_once_in_the_one_module() -> None:
    text = REGISTRY.read_text(encoding="utf-8")
    for code in CODES:
        assert text.count(f'"{code}"') == 1, code


def doc_codes() -> dict[str, list[str]]:
    """The rows of docs/API.md's code tables: code → the cells after it."""
    rows: dict[str, list[str]] = {}
    for line in (ROOT / "docs" / "API.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and CODE_SHAPE.fullmatch(cells[0].strip("`")):
            rows.setdefault(cells[0].strip("`"), cells[1:])
    return rows


def test_the_api_doc_lists_every_code_and_no_other() -> None:
    assert set(doc_codes()) == set(CODES)


def test_the_api_doc_gives_each_code_its_http_status() -> None:
    """Where a table has an HTTP column, it says the statuses the module names ("REQSTS":
    a per-record code, none)."""
    checked = 0
    for code, cells in doc_codes().items():
        if len(cells) == 2 and re.fullmatch(r"[\d /]+|REQSTS", cells[0]):
            statuses = tuple(int(s) for s in re.findall(r"\d+", cells[0]))
            assert statuses == CODES[code].statuses, code
            checked += 1
    assert checked >= 20  # the request codes and GSTN's own


def test_a_bare_http_status_keeps_its_gstims_code() -> None:
    assert request_code(404) == "GSTIMS404" and "GSTIMS404" in CODES
    assert request_code(405) == "GSTIMS405" and "GSTIMS405" in CODES


# -- rendering --------------------------------------------------------------------------------

PROBLEM = Problem("b2b", "INV-1", "itms[0].iamt", "IGST 0.00 is not 18% of 10000.00")


def test_a_problem_renders_as_the_envelopes_detail_and_a_file_reports_line() -> None:
    assert detail(PROBLEM) == {
        "section": "b2b",
        "number": "INV-1",
        "field": "itms[0].iamt",
        "message": "IGST 0.00 is not 18% of 10000.00",
    }
    assert report_line(PROBLEM) == "itms[0].iamt: b2b INV-1: IGST 0.00 is not 18% of 10000.00"
    assert str(PROBLEM) == "b2b INV-1 itms[0].iamt: IGST 0.00 is not 18% of 10000.00"
    assert PROBLEM.where == Where("b2b", "INV-1", "itms[0].iamt")


@pytest.mark.parametrize("section", ["file", "return", ""])
def test_a_files_own_problem_names_no_record_in_its_line(section: str) -> None:
    problem = Problem(section, "", "line 3", "the JSON is cut short")
    assert report_line(problem) == "line 3: the JSON is cut short"
    refused = FileRefused("in.json", [problem], more=2)
    assert refused.lines() == [
        "in.json: line 3: the JSON is cut short",
        "in.json: ... and 2 more problem(s)",
    ]
    assert str(refused) == "in.json refused, 3 problem(s): line 3: the JSON is cut short"


def test_a_refused_ims_item_is_a_problem_of_its_record_with_its_own_code() -> None:
    item = ItemError("b2b", "27AAPFU0939F1ZV", "INV-1", "102024", IMSACT009, "no such record")
    assert item.problem == Problem("b2b", "INV-1", "", "no such record", IMSACT009)
    assert item.where == Where("b2b", "INV-1", supplier="27AAPFU0939F1ZV", rtnprd="102024")


def test_a_register_rows_problem_renders_in_the_envelope_as_before() -> None:
    row = RowProblem(3, "Invoice date", "not a date")
    assert row.where == Where(field="Invoice date", row=3)
    assert row.problem.code == BOOKS422
    assert problem_details([row, PROBLEM]) == [
        {"section": "row 3", "number": "", "field": "Invoice date", "message": "not a date"},
        detail(PROBLEM),
    ]


def test_a_refusal_of_the_whole_request_summarises_its_first_problem() -> None:
    refusal = Invalid([PROBLEM, Problem("b2b", "INV-2", "val", "negative")])
    assert (refusal.code, refusal.status) == ("GSTIMS422", 422)
    assert refusal.message == f"2 problem(s); first: {PROBLEM}"
    assert CODES[refusal.code].statuses == (refusal.status,)
