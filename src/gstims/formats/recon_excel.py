"""A reconciliation run as Excel: the report and the per-supplier follow-up (R-REC-20).

The report has the parameters and tolerances used, a summary per outcome, a supplier-wise
sheet (books against portal, difference, ITC at risk) and one sheet per outcome group with
every result, its reason and its differences. The follow-up workbook has one sheet per
supplier listing what to ask it: documents only in the books, value mismatches, documents
reported under another of its GSTINs.

Every text cell is written as text: a document number or reason that starts with `=`, `+`,
`-` or `@` stays a string and never becomes a formula in the user's spreadsheet.

**(decision)** ITC at risk of a supplier is the books tax of its documents only in the books
plus, on each value mismatch, the books tax above the portal's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

GROUPS: Mapping[str, tuple[str, ...]] = {
    "Matched": (
        "matched",
        "matched_within_tolerance",
        "matched_number_format",
        "matched_date_differs",
        "matched_clubbed",
        "booked_later",
    ),
    "Review": (
        "probable_similar_number",
        "probable_amount_only",
        "ambiguous",
        "financial_year_differs",
    ),
    "Mismatches": (
        "value_mismatch",
        "tax_type_mismatch",
        "other_gstin_same_pan",
        "reported_to_other_gstin",
    ),
    "Only in portal": ("only_in_portal",),
    "Only in books": ("only_in_books",),
}
FOLLOW_UP = {
    "only_in_books": "not reported by you: please report it in GSTR-1 / IFF",
    "value_mismatch": "amounts differ from our books: please check and amend",
    "other_gstin_same_pan": "reported under another of your GSTINs: please amend the GSTIN",
}
RESULT_HEADER = [
    *("Outcome", "Pass", "Supplier", "Books number", "Books date", "Portal number"),
    *("Portal date", "Section", "Books tax", "Portal tax", "Tax difference", "Suggested action"),
    *("Reason", "Differences"),
]
ZERO = Decimal("0.00")


def _cell(ws: Any, value: Any) -> Any:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
    return cell


def _append(ws: Any, row: Sequence[Any]) -> None:
    ws.append([_cell(ws, v) for v in row])


def _sum(docs: Iterable[Mapping[str, Any]]) -> Decimal:
    """Total tax of documents; a credit note counts negatively."""
    return sum((Decimal(d["tax"]) * (-1 if d.get("kind") == "CN" else 1) for d in docs), ZERO)


def _result_row(r: Mapping[str, Any]) -> list[Any]:
    books, portal = r["books"], r["portal"]
    differences = "; ".join(f"{d['field']}: {d['books']} → {d['portal']}" for d in r["differences"])
    return [
        r["outcome"],
        r["pass"],
        r["supplier"],
        ", ".join(d["number"] for d in books),
        ", ".join(d["date"] for d in books),
        ", ".join(d["number"] for d in portal),
        ", ".join(d["date"] for d in portal),
        ", ".join(str(d["section"]) for d in portal),
        _sum(books),
        _sum(portal),
        Decimal(r["tax_delta"]),
        r["suggested_action"] or "",
        r["reason"],
        differences,
    ]


def _at_risk(r: Mapping[str, Any]) -> Decimal:
    if r["outcome"] == "only_in_books":
        return _sum(r["books"])
    if r["outcome"] == "value_mismatch":
        return max(_sum(r["books"]) - _sum(r["portal"]), ZERO)
    return ZERO


def report_workbook(run: Mapping[str, Any]) -> bytes:
    """R-REC-20: parameters, summary, suppliers and one sheet per outcome group."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Parameters")
    _append(ws, ["Reconciliation", run["id"]])
    _append(ws, ["GSTIN(s)", ", ".join(run["gstins"])])
    _append(ws, ["Periods", ", ".join(run["periods"])])
    for name, value in run["parameters"].items():
        _append(ws, [f"Tolerance: {name}", "" if value is None else value])
    ws = wb.create_sheet("Summary")
    _append(
        ws, ["Outcome", "Results", "Books taxable", "Books tax", "Portal taxable", "Portal tax"]
    )
    for outcome, t in sorted(run["summary"].items()):
        _append(
            ws,
            [
                outcome,
                t["count"],
                t["books_taxable"],
                t["books_tax"],
                t["portal_taxable"],
                t["portal_tax"],
            ],
        )
    ws = wb.create_sheet("Suppliers")
    _append(ws, ["Supplier", "Results", "Books tax", "Portal tax", "Difference", "ITC at risk"])
    by_supplier: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])
    for r in run["results"]:
        totals = by_supplier[r["supplier"]]
        totals[0] += 1
        totals[1] += _sum(r["books"])
        totals[2] += _sum(r["portal"])
        totals[3] += _at_risk(r)
    for supplier, (count, books, portal, risk) in sorted(by_supplier.items()):
        _append(ws, [supplier, int(count), books, portal, portal - books, risk])
    for title, outcomes in GROUPS.items():
        ws = wb.create_sheet(title)
        _append(ws, RESULT_HEADER)
        for r in run["results"]:
            if r["outcome"] in outcomes:
                _append(ws, _result_row(r))
    return _saved(wb)


def follow_up_workbook(run: Mapping[str, Any]) -> bytes:
    """R-REC-20: one sheet per supplier, what to ask it."""
    wb = Workbook(write_only=True)
    asks: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in run["results"]:
        if r["outcome"] in FOLLOW_UP:
            asks[r["supplier"] or "imports"].append(r)
    if not asks:
        _append(
            wb.create_sheet("Nothing to ask"), ["Every supplier's documents agree with the books"]
        )
    for supplier, results in sorted(asks.items()):
        ws = wb.create_sheet(supplier[:31])
        _append(ws, ["Supplier", supplier])
        _append(ws, ["Our GSTIN", run["gstin"]])
        _append(ws, [])
        _append(ws, ["Please", "Our number", "Our date", "Our tax", "Your number", "Your tax"])
        for r in results:
            _append(
                ws,
                [
                    FOLLOW_UP[r["outcome"]],
                    ", ".join(d["number"] for d in r["books"]),
                    ", ".join(d["date"] for d in r["books"]),
                    _sum(r["books"]),
                    ", ".join(d["number"] for d in r["portal"]),
                    _sum(r["portal"]) if r["portal"] else "",
                ],
            )
    return _saved(wb)


def _saved(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
