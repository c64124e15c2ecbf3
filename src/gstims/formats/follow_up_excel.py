"""The supplier follow-up as Excel: a summary sheet, then one sheet per supplier (issue 17).

Each supplier's sheet lists what to ask it (missing, differs, rejected, pending), with our
tax, the portal's, the ITC at risk and why, and ends with the supplier's total ITC at risk —
the figure the dashboard page shows. Cells are written by `recon_excel`'s writer: every text
stays text, never a formula.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook

from gstims.domain.follow_up import ASK, KINDS, SupplierAsks
from gstims.formats.recon_excel import _append, _saved

SUMMARY = "Summary"
TOTAL = "ITC at risk"
HEADER = ["What", "Number", "Date", "Our tax", "Portal tax", TOTAL, "Why"]


def sheet_name(supplier: str) -> str:
    """A supplier's sheet: its GSTIN (15 characters, within Excel's 31), or "imports"."""
    return supplier or "imports"


def follow_up_workbook(gstin: str, suppliers: Sequence[SupplierAsks]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SUMMARY)
    _append(ws, ["Our GSTIN", gstin])
    _append(ws, ["Supplier", *(k.capitalize() for k in KINDS), TOTAL])
    for s in suppliers:
        _append(ws, [sheet_name(s.supplier), *(s.count(k) for k in KINDS), s.at_risk])
    for s in suppliers:
        ws = wb.create_sheet(sheet_name(s.supplier))
        _append(ws, ["Supplier", s.supplier or "imports"])
        _append(ws, ["Our GSTIN", gstin])
        _append(ws, [])
        _append(ws, HEADER)
        for a in s.asks:
            _append(
                ws,
                [
                    ASK[a.kind],
                    a.number,
                    a.doc_date,
                    "" if a.books_tax is None else a.books_tax,
                    "" if a.portal_tax is None else a.portal_tax,
                    a.at_risk,
                    a.why,
                ],
            )
        _append(ws, [])
        _append(ws, [f"Total {TOTAL}", "", "", "", "", s.at_risk])
    return _saved(wb)
