"""Files through the store: GSTR-1 in, GETINV / offline / workbook out, actions back in.

The equivalence the issue asks for is checked on twin records: supplier S1's documents go in
through files, supplier S2's identical documents through the API's own readers and use cases
(`parse_gstr1` + `save_return`, `parse_action_request` + `save_actions`); afterwards each of
S1's records must have exactly the state of its S2 twin.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from tests.integration.harness import S1, S2, R, Sandbox, doc

from gstims.codec import loads, to_json_bytes
from gstims.domain.calendar import Period
from gstims.domain.documents import SupplierDocument
from gstims.domain.records import Kind
from gstims.formats.gstr1 import parse_gstr1
from gstims.formats.ims import parse_action_request
from gstims.services import files, ims, supplier

NOTE_KEYS = ("nt_num", "nt_dt")


def retsave(gstin: str, fp: str, *docs: SupplierDocument) -> dict[str, Any]:
    """A GSTR-1 file (portal shape) holding the documents."""
    sections: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    for d in docs:
        note = d.kind in (Kind.CN, Kind.DN)
        entry: dict[str, Any] = {
            ("nt_num" if note else "inum"): d.number,
            ("nt_dt" if note else "idt"): d.doc_date.strftime("%d-%m-%Y"),
            "val": d.value,
            "pos": d.pos,
            "rchrg": "Y" if d.reverse_charge else "N",
            "inv_typ": d.supply_type,
            "itms": [
                {
                    "num": n,
                    "itm_det": {
                        "rt": item.rate,
                        "txval": item.taxable,
                        "iamt": item.tax.igst,
                        "camt": item.tax.cgst,
                        "samt": item.tax.sgst,
                        "csamt": item.tax.cess,
                    },
                }
                for n, item in enumerate(d.items, start=1)
            ],
        }
        if note:
            entry["ntty"] = "C" if d.kind is Kind.CN else "D"
        sections[d.section].setdefault(d.recipient, []).append(entry)
    out: dict[str, Any] = {"gstin": gstin, "fp": fp, "version": "GST3.1.6", "hash": "hash"}
    for name, by_recipient in sections.items():
        key = "nt" if name.startswith("cdn") else "inv"
        out[name] = [{"ctin": ctin, key: entries} for ctin, entries in by_recipient.items()]
    return out


def october(supplier_gstin: str) -> list[SupplierDocument]:
    pos = None if supplier_gstin == S1 else "29"
    return [
        doc("INV-1", "10-10-2024", supplier_gstin=supplier_gstin, pos=pos),
        doc("INV-2", "12-10-2024", supplier_gstin=supplier_gstin, pos=pos, taxable=5000, rate=12),
        doc("INV-3", "14-10-2024", supplier_gstin=supplier_gstin, pos=pos, taxable=2000),
        doc(
            "CN-1", "20-10-2024", supplier_gstin=supplier_gstin, pos=pos, kind=Kind.CN, taxable=1000
        ),
    ]


def write_json(path: Path, obj: Any) -> Path:
    path.write_bytes(to_json_bytes(obj, indent=1))
    return path


def api_save(box: Sandbox, body: dict[str, Any], reset: bool = False) -> ims.ActionResult:
    rtin, items, problems = parse_action_request(body, reset=reset)
    assert not problems
    use_case = ims.reset_actions if reset else ims.save_actions
    return box.run(use_case, rtin, items, "tester")


def states(box: Sandbox) -> dict[tuple[str, str], Any]:
    return {(r.record.key.supplier, r.record.number): r.state for r in box.ims()}


def assert_twins_agree(box: Sandbox) -> None:
    found = states(box)
    for (gstin, number), state in found.items():
        if gstin == S1:
            assert state == found[(S2, number)], number


@pytest.fixture
def box(db, tmp_path):
    box = Sandbox(db)
    for gstin, name in [(S1, "Supplier One"), (S2, "Supplier Two"), (R, "Recipient")]:
        box.register(gstin, name=name)
    box.today("01-11-2024")
    files.import_gstr1(db, write_json(tmp_path / "s1.json", retsave(S1, "102024", *october(S1))))
    data = loads(to_json_bytes(retsave(S2, "102024", *october(S2))))
    docs, problems = parse_gstr1(data, gstin=S2)
    assert not problems
    box.run(supplier.save_return, S2, "GSTR1", Period.parse("102024"), docs)
    box.today("05-11-2024")
    box.file(S1, "102024")
    box.file(S2, "102024")
    return box


def test_r_in_4_a_gstr1_file_stores_what_the_same_retsave_stores(box):
    by_supplier: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in box.ims():
        rec = r.record
        by_supplier[rec.key.supplier].append((rec.number, rec.doc_date, rec.taxable, rec.tax))
    assert sorted(by_supplier[S1]) == sorted(by_supplier[S2])
    assert len(by_supplier[S1]) == 4


def test_r_act_9_an_edited_getinv_file_gives_the_state_of_the_equivalent_api_save(box, tmp_path):
    download = tmp_path / "getinv.json"
    assert files.export_ims(box.db, R, download) == 8
    getinv = loads(download.read_bytes())
    assert set(getinv) == {"b2b", "b2bcn"}
    wanted = {"INV-1": ("A", "goods received"), "INV-2": ("R", "not ordered"), "INV-3": ("P", None)}
    for rec in getinv["b2b"]:
        if rec["stin"] == S1 and rec["inum"] in wanted:
            rec["action"], rec["remarks"] = wanted[rec["inum"]]
    edited = write_json(tmp_path / "actions.json", getinv)

    result = files.import_actions(box.db, R, edited, actor="tester")
    assert (result.applied, result.unchanged, result.errors) == (3, 5, [])

    api_save(
        box,
        {
            "rtin": R,
            "reqtyp": "SAVE",
            "invdata": {
                "b2b": [
                    {
                        "stin": S2,
                        "inum": number,
                        "idt": day,
                        "action": action,
                        "prev_status": "N",
                        "remarks": remarks,
                    }
                    for number, day, (action, remarks) in [
                        ("INV-1", "10-10-2024", wanted["INV-1"]),
                        ("INV-2", "12-10-2024", wanted["INV-2"]),
                        ("INV-3", "14-10-2024", wanted["INV-3"]),
                    ]
                ]
            },
        },
    )
    assert_twins_agree(box)
    assert states(box)[(S1, "INV-2")].remarks == "not ordered"

    # a second round: INV-1 back to No action is a RESET (R-ACT-10)
    again = loads(download.read_bytes())
    again = {"b2b": [rec for rec in loads(to_json_bytes(again))["b2b"] if rec["stin"] == S1]}
    for rec in again["b2b"]:
        rec["action"], rec["remarks"] = {"INV-1": ("N", None)}.get(rec["inum"], (None, None))
        if rec["action"] is None:
            rec["action"], rec["remarks"] = wanted[rec["inum"]]
    files.import_actions(box.db, R, write_json(tmp_path / "reset.json", again), actor="tester")
    reset_body = {
        "rtin": R,
        "invdata": {
            "b2b": [{"stin": S2, "inum": "INV-1", "idt": "10-10-2024", "prev_status": "A"}]
        },
    }
    api_save(box, reset_body, reset=True)
    assert_twins_agree(box)
    assert states(box)[(S1, "INV-1")].action.value == "N"


def test_r_act_9_the_actions_workbook_gives_the_state_of_the_equivalent_api_save(box, tmp_path):
    book = tmp_path / "actions.xlsx"
    assert files.export_ims(box.db, R, book, actions=True) == 8
    wb = load_workbook(book)
    ws = wb["B2B"]
    header = [c.value for c in ws[1]]
    column = {name: header.index(name) + 1 for name in header}
    assert header[-1] == "Hash" and ws.column_dimensions["A"] is not None
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, column["GSTIN of supplier"]).value != S1:
            continue
        number = ws.cell(row, column["Invoice number"]).value
        if number == "INV-1":
            ws.cell(row, column["Action"]).value = "Accept"
        if number == "INV-2":
            ws.cell(row, column["Action"]).value = "R"
            ws.cell(row, column["Remarks"]).value = "not ordered"
    wb.save(book)

    result = files.import_actions(box.db, R, book, actor="tester")
    assert (result.applied, result.errors) == (2, [])
    api_save(
        box,
        {
            "rtin": R,
            "invdata": {
                "b2b": [
                    {
                        "stin": S2,
                        "inum": "INV-1",
                        "idt": "10-10-2024",
                        "action": "A",
                        "prev_status": "N",
                    },
                    {
                        "stin": S2,
                        "inum": "INV-2",
                        "idt": "12-10-2024",
                        "action": "R",
                        "prev_status": "N",
                        "remarks": "not ordered",
                    },
                ]
            },
        },
    )
    assert_twins_agree(box)


def test_r_act_9_a_bad_workbook_row_refuses_the_whole_workbook_and_names_the_cell(box, tmp_path):
    book = tmp_path / "actions.xlsx"
    files.export_ims(box.db, R, book, actions=True)
    wb = load_workbook(book)
    ws = wb["B2B"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("Action") + 1).value = "A"
    ws.cell(3, header.index("Action") + 1).value = "X"
    ws.cell(4, header.index("Invoice date") + 1).value = "31-02-2024"
    wb.save(book)
    with pytest.raises(files.FileRefused) as refused:
        files.import_actions(box.db, R, book, actor="tester")
    lines = refused.value.lines()
    assert f"{book}: sheet B2B row 3, column 'Action': " in lines[0]
    assert "expected one of N, A, R, P, got 'X'" in lines[0]
    assert "sheet B2B row 4, column 'Invoice date'" in lines[1]
    assert all(state.action.value == "N" for state in states(box).values())  # nothing stored


def test_r_act_9_an_offline_download_is_checked_like_the_api_by_its_prev_status(box, tmp_path):
    download = tmp_path / "offline.json"
    files.export_ims(box.db, R, download, offline=True)
    data = loads(download.read_bytes())
    assert data["rtin"] == R and {rec["prev_status"] for rec in data["imsDetails"]["b2b"]} == {"N"}
    someone_else = {"stin": S1, "inum": "INV-1", "idt": "10-10-2024", "prev_status": "N"}
    api_save(box, {"rtin": R, "invdata": {"b2b": [{**someone_else, "action": "R"}]}})
    for rec in data["imsDetails"]["b2b"]:
        rec["action"] = "A"
    result = files.import_actions(box.db, R, write_json(download, data), actor="tester")
    refused = {(e.supplier, e.number): e.code for _, e in result.errors}
    assert refused == {(S1, "INV-1"): "IMSSAV0010"}
    assert result.applied == 5
    where = dict((e.number, w) for w, e in result.errors)
    assert where["INV-1"].startswith("imsDetails.b2b[")


def test_r_act_9_a_getinv_record_the_supplier_changed_since_download_is_stale(box, tmp_path):
    download = tmp_path / "getinv.json"
    files.export_ims(box.db, R, download)
    data = loads(download.read_bytes())
    for rec in data["b2b"]:
        rec["action"] = "A"
    data["b2b"][0]["hash"] = "0" * 64  # as if the record changed after the download
    result = files.import_actions(box.db, R, write_json(download, data), actor="tester")
    assert [(w, e.code) for w, e in result.errors] == [("b2b[0]", "IMSSAV0010")]
    assert result.applied == 5


def test_an_actions_file_for_another_recipient_is_refused(box, tmp_path):
    path = write_json(tmp_path / "a.json", {"rtin": S1, "imsDetails": {"b2b": []}})
    with pytest.raises(files.FileRefused, match="the file is for"):
        files.import_actions(box.db, R, path, actor="tester")


def test_r_2b_7_our_2b_file_parses_with_the_portal_reader_and_compares_equal(box, tmp_path):
    rejected = {"stin": S1, "inum": "INV-2", "idt": "12-10-2024", "prev_status": "N"}
    api_save(box, {"rtin": R, "invdata": {"b2b": [{**rejected, "action": "R"}]}})
    box.today("14-11-2024")
    out = tmp_path / "2b.json"
    count = files.export_gstr2b(box.db, R, Period.parse("102024"), out)
    assert count == 8
    parsed = files.read_portal_2b(out)
    assert parsed.problems == () and parsed.gstin == R
    comparison, warnings = files.compare_2b_file(box.db, R, Period.parse("102024"), out)
    assert comparison.same and warnings == []

    portal = loads(out.read_bytes())
    portal["data"]["docdata"]["b2b"][0]["inv"].pop()  # the portal lacks one invoice
    portal["data"]["itcsumm"]["itcavl"]["nonrevsup"]["igst"] = Decimal("1.00")
    comparison, _ = files.compare_2b_file(
        box.db, R, Period.parse("102024"), write_json(tmp_path / "portal.json", portal)
    )
    assert [r.status for r in comparison.records] == ["only in gstims"]
    assert [h.path for h in comparison.heads] == ["itcavl.nonrevsup.igst"]

    book = tmp_path / "2b.xlsx"
    files.export_gstr2b(box.db, R, Period.parse("102024"), book)
    sheets = load_workbook(book, read_only=True).sheetnames
    assert sheets[:3] == ["Summary", "B2B", "B2BA"] and "B2B (Rejected)" in sheets


def test_r_3b_5_the_3b_file_carries_the_auto_populated_table_4(box, tmp_path):
    box.today("14-11-2024")
    out = tmp_path / "3b.json"
    assert files.export_gstr3b(box.db, R, Period.parse("102024"), out) is False
    data = loads(out.read_bytes())
    auto = box.autoliab("102024")
    oth = next(row for row in data["itc_elg"]["itc_avl"] if row["ty"] == "OTH")
    assert Decimal(oth["iamt"]) == auto.table4.available.all_other.igst
    assert "stale_2b" not in data and "inward_sup" in data


def test_a_2b_file_of_another_recipient_or_period_is_refused(box, tmp_path):
    box.today("14-11-2024")
    out = tmp_path / "2b.json"
    files.export_gstr2b(box.db, R, Period.parse("102024"), out)
    with pytest.raises(files.FileRefused, match="not of"):
        files.compare_2b_file(box.db, R, Period.parse("112024"), out)
