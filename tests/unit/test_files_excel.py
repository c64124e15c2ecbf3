"""Tests for gstims.formats.excel: the GSTR-2B in the portal's layout, actions workbooks read."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from tests.shared import SAMPLES

from gstims.codec import loads
from gstims.domain.records import Action, Section
from gstims.formats.excel import gstr2b_workbook, read_actions_workbook
from gstims.formats.gstr2b_reader import read_gstr2b

S1 = "27AAPFU0939F1ZV"


def test_r_2b_7_the_v4_sample_as_a_workbook_has_a_summary_and_a_sheet_per_section(tmp_path):
    parsed = read_gstr2b(loads((SAMPLES / "gstr2b_v4_ims_india_compliance.json").read_bytes()))
    path = tmp_path / "2b.xlsx"
    assert gstr2b_workbook(path, parsed) == len(parsed.documents)
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames[:11] == [
        "Summary",
        "B2B",
        "B2BA",
        "B2B-CDNR",
        "B2B-CDNRA",
        "ECO",
        "ECOA",
        "ISD",
        "ISDA",
        "IMPG",
        "IMPGSEZ",
    ]
    assert "B2B (Rejected)" in wb.sheetnames and "B2B (ITC Reversal)" in wb.sheetnames
    b2b = list(wb["B2B"].iter_rows(values_only=True))
    assert b2b[0][:4] == ("GSTIN of supplier", "Trade/Legal name", "Invoice number", "Invoice type")
    assert b2b[1][:3] == ("01AABCE2207R1Z5", "GSTN", "S008400")
    summary = list(wb["Summary"].iter_rows(values_only=True))
    assert ("itcavl", "nonrevsup", "Total", 1600, 800, 800, 400) in summary


def actions_book(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "B2B-CN"
    headings = ["GSTIN of supplier", "Note number", "Note date", "Action at download", "Action"]
    ws.append([*headings, "Remarks", "ITC reduction required", "Declared IGST (₹)"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_r_act_7_a_workbook_row_reads_as_the_save_record_it_stands_for(tmp_path):
    path = actions_book(
        tmp_path / "a.xlsx",
        [
            [S1, "CN-3", datetime(2025, 11, 15), "N", "accept", "only half", "Yes", 9000.5],
            [S1, 12345, "16-11-2025", "N", None, None, None, None],  # no action: left as is
        ],
    )
    found = read_actions_workbook(path)
    assert found.problems == ()
    (line,) = found.lines
    item = line.item
    assert (item.section, item.number, item.action) == (Section.B2BCN, "CN-3", Action.ACCEPT)
    assert item.prev_status is Action.NO_ACTION and item.remarks == "only half"
    assert item.declaration is not None and item.declaration.amounts.igst == Decimal("9000.50")
    assert line.where == "sheet B2B-CN row 2"


def test_a_declared_amount_with_three_places_is_refused_at_its_cell(tmp_path):
    path = actions_book(
        tmp_path / "a.xlsx", [[S1, "CN-3", "15-11-2025", "N", "A", "x", "Y", 1.234]]
    )
    (problem,) = read_actions_workbook(path).problems
    assert problem.field == "sheet B2B-CN row 2, column 'Declared IGST (₹)'"
    assert "at most two decimal places" in problem.message


def test_a_workbook_without_an_action_column_or_section_sheet_is_refused(tmp_path):
    wb = Workbook()
    wb.active.title = "Notes"
    wb.save(tmp_path / "none.xlsx")
    (problem,) = read_actions_workbook(tmp_path / "none.xlsx").problems
    assert problem.message.startswith("no IMS section sheet")
    (tmp_path / "junk.xlsx").write_bytes(b"not a workbook")
    (problem,) = read_actions_workbook(tmp_path / "junk.xlsx").problems
    assert problem.message.startswith("not a workbook")
