"""The supplier follow-up in the domain's words, its e-mail text and its workbook (issue 17).

Rule: R-REC-20 — a per-supplier follow-up listing what to ask each supplier.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from gstims.domain.follow_up import Held, follow_up, message
from gstims.domain.records import Action, Kind
from gstims.formats.follow_up_excel import follow_up_workbook

S, T = "27AAPFU0939F1ZV", "24AANFA2641L1ZF"


def result(outcome: str, books: list, portal: list, supplier: str = S) -> dict:
    return {"outcome": outcome, "supplier": supplier, "books": books, "portal": portal,
            "reason": f"reason of {outcome}"}  # fmt: skip


def d(number: str, tax: str, kind: str = "INV", id: int = 0) -> dict:
    return {"number": number, "date": "10-10-2024", "tax": tax, "kind": kind, "id": id}


def held(id: int, number: str, action: Action, tax: str, kind: Kind = Kind.INV, **kw) -> Held:
    return Held(id, kw.get("supplier", S), kind, number, date(2024, 10, 10), action,
                kw.get("remarks"), Decimal(tax))  # fmt: skip


def test_the_worked_example_missing_and_pending_put_their_tax_at_risk():
    found = follow_up(
        [result("only_in_books", [d("INV-9", "900.00")], [])],
        [held(3, "INV-3", Action.PENDING, "1800.00", remarks="awaiting delivery")],
    )
    (s,) = found
    assert [(a.kind, a.number, a.at_risk) for a in s.asks] == [
        ("missing", "INV-9", Decimal("900.00")),
        ("pending", "INV-3", Decimal("1800.00")),
    ]
    assert s.at_risk == Decimal("2700.00")


def test_a_difference_risks_only_the_books_tax_above_the_portals_and_is_listed_once():
    found = follow_up(
        [
            result("value_mismatch", [d("INV-1", "200.00")], [d("INV-1", "180.00", id=7)]),
            result("value_mismatch", [d("INV-2", "100.00")], [d("INV-2", "180.00", id=8)]),
            result("matched", [d("INV-5", "1.00")], [d("INV-5", "1.00", id=9)]),
        ],
        [held(7, "INV-1", Action.PENDING, "180.00")],  # also Pending: listed once
    )
    assert [(a.kind, a.number, a.at_risk) for a in found[0].asks] == [
        ("differs", "INV-1", Decimal("20.00")),
        ("differs", "INV-2", Decimal("0.00")),
    ]


def test_a_rejected_credit_note_puts_no_itc_at_risk():
    (s,) = follow_up([], [held(1, "CN-1", Action.REJECT, "180.00", kind=Kind.CN)])
    assert s.at_risk == Decimal("0.00")


def test_the_message_shows_no_control_character_of_a_supplier_or_a_file():
    (s,) = follow_up(
        [result("only_in_books", [d("INV\u202e-9\r\nBcc: x@y", "900.00")], [])],
        [held(1, "INV-1", Action.REJECT, "10.00", remarks="wrong\u0007 rate")],
    )
    text = message(s, "29AABCR1718E1ZL", "Rao\u0000 Retail")
    assert "\u202e" not in text and "\r" not in text and "\u0007" not in text
    assert "INV<U+202E>-9<U+000D><U+000A>Bcc: x@y" in text
    assert "Input tax credit at risk: Rs 910.00" in text
    assert text.splitlines()[1] == "From: Rao<U+0000> Retail (GSTIN 29AABCR1718E1ZL)"


def test_the_workbook_has_a_sheet_per_supplier_its_totals_and_no_formula():
    found = follow_up(
        [result("only_in_books", [d("=1+1", "900.00")], [])],
        [held(1, "B-1", Action.REJECT, "10.00", supplier=T, remarks="@SUM(A1)")],
    )
    wb = load_workbook(BytesIO(follow_up_workbook("29AABCR1718E1ZL", found)))
    assert wb.sheetnames == ["Summary", T, S]  # suppliers in GSTIN order
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert {c.value for c in cells} >= {"=1+1", "@SUM(A1)"}
    totals = {name: list(wb[name].iter_rows(values_only=True))[-1][5] for name in (S, T)}
    assert totals == {S: 900, T: 10}
