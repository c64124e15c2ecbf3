"""GSTR-2B as an Excel workbook: the summary, the supplier-wise rows and every document.

Text cells are always written as text: a trade name or remark that starts with `=` stays a
string and never becomes a formula in the user's spreadsheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from gstims.formats.excel import append_text
from gstims.formats.gstr2b import Counterparty2B, Document2B, ParsedGstr2B

HEADS = ("igst", "cgst", "sgst", "cess")


SUMMARY_HEADER = ["Part", "Group", "Section", "IGST", "CGST", "SGST", "Cess"]
SUPPLIER_HEADER = [
    *("Part", "Section", "GSTIN", "Trade name", "Period", "Filed on", "Documents", "Taxable"),
    *("IGST", "CGST", "SGST", "Cess"),
]
DOCUMENT_HEADER = [
    *("Part", "Section", "GSTIN", "Trade name", "Number", "Date", "Type", "Value", "Taxable"),
    *("IGST", "CGST", "SGST", "Cess", "ITC available", "Reason", "Remarks"),
]
YES_NO = {True: "Y", False: "N", None: ""}


def gstr2b_workbook(parsed: ParsedGstr2B) -> bytes:
    book = Workbook()
    summary = book.worksheets[0]
    summary.title = "Summary"
    _rows(summary, SUMMARY_HEADER, _summary(parsed))
    _rows(
        book.create_sheet("Suppliers"), SUPPLIER_HEADER, map(_supplier_row, parsed.counterparties)
    )
    _rows(book.create_sheet("Documents"), DOCUMENT_HEADER, map(_document_row, parsed.documents))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _supplier_row(c: Counterparty2B) -> list[Any]:
    return [
        *(c.part, c.section, c.supplier, c.trade_name, c.supplier_period, c.supplier_filed),
        *(c.documents, c.taxable, *c.tax.heads),
    ]


def _document_row(d: Document2B) -> list[Any]:
    return [
        *(d.part, d.section, d.supplier, d.trade_name, d.number, d.doc_date, d.doc_type),
        *(d.value, d.taxable, *d.tax.heads),
        *(YES_NO[d.itc_available], d.reason, d.remarks or ""),
    ]


def _summary(parsed: ParsedGstr2B) -> Iterable[list[Any]]:
    for part, groups in parsed.itcsumm.items():
        if not isinstance(groups, dict):
            continue
        for group, node in groups.items():
            if not isinstance(node, dict):
                continue
            yield [part, group, "(total)", *(node.get(h, Decimal(0)) for h in HEADS)]
            for section, leaf in node.items():
                if isinstance(leaf, dict):
                    yield [part, group, section, *(leaf.get(h, Decimal(0)) for h in HEADS)]


def _rows(sheet: Worksheet, header: list[str], rows: Iterable[list[Any]]) -> None:
    sheet.append(header)
    for row in rows:
        append_text(sheet, row)  # never a formula
    sheet.freeze_panes = "A2"
