"""The reconciliation report and the per-supplier follow-up workbook (R-REC-20)."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from gstims.formats.recon_excel import follow_up_workbook, report_workbook

S = "27AAPFU0939F1ZV"
EVIL = '=HYPERLINK("http://x.example","click")'


def result(outcome, books=(), portal=(), tax_delta="0", reason="why"):
    return {
        "outcome": outcome,
        "pass": "1 exact",
        "supplier": S,
        "reason": reason,
        "books": [
            {"number": n, "date": "10-10-2024", "tax": Decimal(t), "kind": "INV"} for n, t in books
        ],
        "portal": [
            {"number": n, "date": "10-10-2024", "tax": Decimal(t), "kind": "INV", "section": "b2b"}
            for n, t in portal
        ],
        "differences": [],
        "tax_delta": Decimal(tax_delta),
        "suggested_action": None,
    }


RUN = {
    "id": 7,
    "gstin": "29AABCR1718E1ZL",
    "gstins": ["29AABCR1718E1ZL"],
    "periods": ["102024"],
    "parameters": {
        "amount": Decimal("1.00"),
        "percent": None,
        "date_days": 10,
        "note_date_days": 30,
    },
    "summary": {
        "matched": {
            "count": 1,
            "books_taxable": 1,
            "books_tax": 2,
            "portal_taxable": 3,
            "portal_tax": 4,
        }
    },
    "results": [
        result("matched", [("INV-1", "180")], [("INV-1", "180")]),
        result("only_in_books", [(EVIL, "90")], tax_delta="-90", reason=EVIL),
        result("value_mismatch", [("INV-3", "180")], [("INV-3", "100")], tax_delta="-80"),
    ],
}


def sheets(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_r_rec_20_the_report_has_parameters_summary_suppliers_and_outcome_groups():
    wb = sheets(report_workbook(RUN))
    assert wb.sheetnames[:3] == ["Parameters", "Summary", "Suppliers"]
    assert {"Matched", "Mismatches", "Only in books", "Only in portal", "Review"} <= set(
        wb.sheetnames
    )
    supplier = [c.value for c in wb["Suppliers"][2]]
    assert supplier[0] == S and supplier[1] == 3
    assert Decimal(str(supplier[5])) == Decimal("170")  # 90 only in books + 80 short


def test_r_rec_20_a_number_that_looks_like_a_formula_stays_text():
    wb = sheets(report_workbook(RUN))
    row = next(wb["Only in books"].iter_rows(min_row=2, values_only=False))
    cell = row[3]
    assert cell.value == EVIL and cell.data_type == "s"
    assert row[12].data_type == "s"


def test_r_rec_20_the_follow_up_asks_each_supplier_what_to_fix():
    wb = sheets(follow_up_workbook(RUN))
    assert wb.sheetnames == [S]
    asks = [r[0] for r in wb[S].iter_rows(min_row=5, values_only=True)]
    assert asks == [
        "not reported by you: please report it in GSTR-1 / IFF",
        "amounts differ from our books: please check and amend",
    ]
