"""Excel workbooks (xlsx): the IMS list, the actions workbook, the GSTR-2B, and reports.

Written with openpyxl's write-only mode and read in read-only mode, so a workbook of a million
rows streams through in bounded memory. Layout, as the portal's downloads: a `Summary` sheet
first, then one sheet per section named as the portal names it (`B2B`, `B2BA`, `B2B-CN`,
...), one header row, one row per document. Dates are text `dd-mm-yyyy` as on the portal;
amounts are numbers.

The actions workbook is the IMS list with, at the right, what the user edits — `Action` (A, R,
P, or N to reset; a word such as "Accept" does too), `Remarks`, `ITC reduction required` and
the declared heads (R-ACT-7) — beside `Action at download`, which is the SAVE's
`prev_status` (R-ACT-9), and a hidden `Hash`. Reading it back turns each row with an action
into the GETINV record the API reader takes (`offline.read_action_sections`); a row that is
wrong is refused with its sheet, row and column:

    sheet B2B row 7, column 'Action': expected one of N, A, R, P, got 'X'

An empty `Action` leaves the row's record as it is.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from gstims.domain.documents import Problem
from gstims.domain.ims import ImsRecord
from gstims.domain.money import NO_TAX, ZERO, Tax
from gstims.domain.records import SECTION_KIND, Action, Kind, Section
from gstims.formats.compare import Comparison
from gstims.formats.encoding import day
from gstims.formats.gstr2b_reader import Document2B, ItcTree, ParsedGstr2B
from gstims.formats.ims import getinv_record
from gstims.formats.limits import MAX_ROWS, workbook_problems
from gstims.formats.offline import ActionsFile, read_action_sections

__all__ = [
    "IMS_SHEETS",
    "comparison_workbook",
    "gstr2b_workbook",
    "ims_workbook",
    "read_actions_workbook",
    "table_workbook",
]

IMS_SHEETS: Mapping[Section, str] = {
    Section.B2B: "B2B",
    Section.B2BA: "B2BA",
    Section.B2BDN: "B2B-DN",
    Section.B2BDNA: "B2B-DNA",
    Section.B2BCN: "B2B-CN",
    Section.B2BCNA: "B2B-CNA",
    Section.ECOM: "ECO",
    Section.ECOMA: "ECOA",
    Section.IMPG: "IMPG",
    Section.IMPGA: "IMPGA",
    Section.IMPGSEZ: "IMPGSEZ",
    Section.IMPGSEZA: "IMPGSEZA",
}
"""The sheet of each IMS section; bills of entry get a sheet only when there are some."""

_BOLD = Font(bold=True)
_EDITABLE = PatternFill("solid", fgColor="FFF2CC")
_DATE_KEYS = frozenset({"idt", "nt_dt", "oidt", "ont_dt", "boedt", "refdt"})
_AMOUNT_KEYS = frozenset({"declIgst", "declCgst", "declSgst", "declCess"})
_ACTION_WORDS = {
    "ACCEPT": "A",
    "ACCEPTED": "A",
    "REJECT": "R",
    "REJECTED": "R",
    "PENDING": "P",
    "NO ACTION": "N",
    "RESET": "N",
}

# -- IMS columns: (GETINV key, heading) -------------------------------------------------------

_DOC_INV = [("stin", "GSTIN of supplier"), ("inum", "Invoice number"), ("idt", "Invoice date")]
_ORIG_INV = [("oinum", "Original invoice number"), ("oidt", "Original invoice date")]
_DOC_NOTE = [("stin", "GSTIN of supplier"), ("nt_num", "Note number"), ("nt_dt", "Note date")]
_ORIG_NOTE = [("ont_num", "Original note number"), ("ont_dt", "Original note date")]
_COMMON = [
    ("inv_typ", "Supply type"),
    ("srcform", "Source form"),
    ("rtnprd", "Supplier return period"),
    ("srcfilstatus", "Supplier filing status"),
    ("val", "Document value (₹)"),
    ("pos", "Place of supply"),
    ("txval", "Taxable value (₹)"),
    ("iamt", "Integrated tax (₹)"),
    ("camt", "Central tax (₹)"),
    ("samt", "State/UT tax (₹)"),
    ("cess", "Cess (₹)"),
    ("ispendactblocked", "Pending not allowed"),
    ("isItcRedReqBlocked", "ITC reduction not allowed"),
]
_BOE = [
    ("portcd", "Port code"),
    ("boenum", "Bill of entry number"),
    ("boedt", "Bill of entry date"),
    ("refdt", "ICEGATE reference date"),
    ("txval", "Taxable value (₹)"),
    ("igst", "Integrated tax (₹)"),
    ("cess", "Cess (₹)"),
    ("ispendactblocked", "Pending not allowed"),
]
_STATE = [
    ("action", "Action"),
    ("remarks", "Remarks"),
    ("itcRedReq", "ITC reduction required"),
    ("declIgst", "Declared IGST (₹)"),
    ("declCgst", "Declared CGST (₹)"),
    ("declSgst", "Declared SGST (₹)"),
    ("declCess", "Declared cess (₹)"),
]
_PREV = ("prev_status", "Action at download")
_HASH = ("hash", "Hash")
_EDITED = frozenset(key for key, _ in _STATE)
_HEADINGS = {
    heading.lower(): key
    for key, heading in [
        *_DOC_INV,
        *_ORIG_INV,
        *_DOC_NOTE,
        *_ORIG_NOTE,
        *_COMMON,
        *_BOE,
        *_STATE,
        _PREV,
        _HASH,
        ("sgstin", "GSTIN of SEZ supplier"),
        ("sply_gstin", "GSTIN of actual supplier"),
    ]
}


def _ims_columns(section: Section, actions: bool) -> list[tuple[str, str]]:
    kind, amends, sez = SECTION_KIND[section]
    if kind is Kind.BOE:
        columns = ([("sgstin", "GSTIN of SEZ supplier")] if sez else []) + _BOE
    else:
        note = kind in (Kind.DN, Kind.CN)
        columns = list(_DOC_NOTE if note else _DOC_INV)
        if amends:
            columns += _ORIG_NOTE if note else _ORIG_INV
        if kind is Kind.ECO:
            columns.append(("sply_gstin", "GSTIN of actual supplier"))
        columns += _COMMON
    if actions:
        return [*columns, _PREV, *_STATE, _HASH]
    return [*columns, *_STATE]


# -- writing ----------------------------------------------------------------------------------


def text_cells(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row whose strings are text cells, never formulas (issue 14 item 5).

    openpyxl makes any string that begins with `=` a formula: a trade name, a remark or a
    portal number such as `=HYPERLINK("http://evil", "Refund")` would run in the reader's
    spreadsheet. Every spreadsheet writer of gstims appends its rows through this.
    """
    row = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def append_text(ws: Any, values: Iterable[Any]) -> None:
    """`ws.append` through `text_cells`."""
    ws.append(text_cells(ws, values))


def _header(ws: Any, headings: Sequence[str], editable: Iterable[str] = ()) -> None:
    marked = set(editable)
    cells = []
    for index, heading in enumerate(headings, start=1):
        cell = WriteOnlyCell(ws, value=heading)
        cell.font = _BOLD
        if heading in marked:
            cell.fill = _EDITABLE
        cells.append(cell)
        ws.column_dimensions[get_column_letter(index)].width = max(12, min(len(heading) + 2, 40))
    ws.freeze_panes = "A2"
    ws.append(cells)


@dataclass
class _Totals:
    count: int = 0
    taxable: Decimal = ZERO
    tax: Tax = NO_TAX
    actions: Counter[str] | None = None


def ims_workbook(
    path: Path | str,
    sections: Iterable[tuple[Section, Iterable[ImsRecord]]],
    *,
    gstin: str,
    actions: bool = False,
) -> int:
    """The IMS list (or, with `actions`, the actions workbook) of `gstin`; returns the rows."""
    wb = Workbook(write_only=True)
    summary = wb.create_sheet("Summary")
    if actions:
        _read_me(wb.create_sheet("Read me"))
    totals: dict[Section, _Totals] = {}
    for section, records in sections:
        sheet = None
        kind = SECTION_KIND[section][0]
        columns = _ims_columns(section, actions)
        total = totals.setdefault(section, _Totals(actions=Counter()))
        if kind is not Kind.BOE:
            sheet = _ims_sheet(wb, section, columns, actions)
        for r in records:
            if sheet is None:
                sheet = _ims_sheet(wb, section, columns, actions)
            row = {**getinv_record(r), "prev_status": r.state.action.value}
            append_text(sheet, [_cell(row.get(key)) for key, _ in columns])
            total.count += 1
            total.taxable += r.record.taxable
            total.tax = total.tax + r.record.tax
            assert total.actions is not None
            total.actions[r.state.action.value] += 1
    _ims_summary(summary, gstin, totals)
    wb.save(path)
    return sum(t.count for t in totals.values())


def _ims_sheet(
    wb: Workbook, section: Section, columns: list[tuple[str, str]], actions: bool
) -> Any:
    ws = wb.create_sheet(IMS_SHEETS[section])
    headings = [heading for _, heading in columns]
    editable = [heading for key, heading in columns if actions and key in _EDITED]
    _header(ws, headings, editable)
    if actions:
        ws.column_dimensions[get_column_letter(len(columns))].hidden = True
    return ws


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, str | int | Decimal):
        return value
    return str(value)


def _ims_summary(ws: Any, gstin: str, totals: Mapping[Section, _Totals]) -> None:
    append_text(ws, ["IMS of", gstin])
    append_text(ws, [])
    headings = ["Section", "Sheet", "Records", "No action", "Accepted", "Rejected", "Pending"]
    headings += ["Taxable value (₹)", "IGST (₹)", "CGST (₹)", "SGST (₹)", "Cess (₹)"]
    _header(ws, headings)
    for section, t in totals.items():
        if not t.count and SECTION_KIND[section][0] is Kind.BOE:
            continue
        actions = t.actions or Counter()
        append_text(
            ws,
            [section.value, IMS_SHEETS[section], t.count]
            + [actions.get(a.value, 0) for a in Action]
            + [t.taxable, *t.tax.heads],
        )


def _read_me(ws: Any) -> None:
    lines = [
        "How to use this workbook",
        "",
        "1. Each section's sheet lists the records in your IMS, one row per document.",
        "2. Set 'Action' to A (accept), R (reject), P (pending) or N (reset to no action).",
        "   Leave it as it is, or empty, to change nothing for that row.",
        "3. 'Remarks' (up to 250 characters) go with A, R or P.",
        "4. 'ITC reduction required' (Y/N) and the declared amounts apply only when",
        "   accepting a credit note or other ITC-reducing record of October 2025 or later.",
        "   A partial or nil declaration needs remarks.",
        "5. Do not edit 'Action at download' or the hidden 'Hash' column: they tell gstims",
        "   whether someone acted on the record since this workbook was made.",
        "6. Import it with: gstims import actions --gstin <GSTIN> <this file>",
        "   A malformed row refuses the whole workbook (nothing is stored); a record the",
        "   rules refuse is reported on its own row while the others apply.",
    ]
    for line in lines:
        append_text(ws, [line])


# -- reading the actions workbook -------------------------------------------------------------


def read_actions_workbook(path: Path | str) -> ActionsFile:
    """The rows of an actions workbook that carry an action, read as a SAVE (module doc)."""
    if too_big := workbook_problems(path):  # bounds first: a 1.5 MB file may unpack to GBs
        return ActionsFile(None, (), tuple(too_big), ())
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        return ActionsFile(None, (), (Problem("file", "", "(file)", f"not a workbook: {exc}"),), ())
    try:
        return _read_workbook(wb)
    except (zipfile.BadZipFile, ValueError, KeyError) as exc:  # a part that lied about its size
        return ActionsFile(
            None, (), (Problem("file", "", "(file)", f"broken workbook: {exc}"),), ()
        )
    finally:
        wb.close()


def _read_workbook(wb: Any) -> ActionsFile:
    by_title = {title: section for section, title in IMS_SHEETS.items()}
    sections: dict[str, list[dict[str, Any]]] = {}
    rows: dict[str, list[int]] = {}
    headings: dict[str, dict[str, str]] = {}
    titles: dict[str, str] = {}
    problems: list[Problem] = []
    for ws in wb.worksheets:
        section = by_title.get(ws.title)
        if section is None:
            continue
        name = section.value
        titles[name] = ws.title
        records, numbers, keys = _read_sheet(ws, name, problems)
        sections[name], rows[name], headings[name] = records, numbers, keys
    if not sections and not problems:
        known = ", ".join(IMS_SHEETS.values())
        problems.append(Problem("file", "", "(file)", f"no IMS section sheet ({known})"))
    if problems:
        return ActionsFile(None, (), tuple(problems), ())

    def locate(section: str, index: int, key: str | None) -> str:
        where = f"sheet {titles.get(section, section)} row {rows[section][index]}"
        if key is None:
            return where
        heading = headings[section].get(key.split(".")[0], key)
        return f"{where}, column '{heading}'"

    return read_action_sections(sections, locate=locate)


def _read_sheet(
    ws: Any, name: str, problems: list[Problem]
) -> tuple[list[dict[str, Any]], list[int], dict[str, str]]:
    lines = ws.iter_rows(values_only=True)
    header = next(lines, None) or ()
    columns = [_HEADINGS.get(str(h).strip().lower()) if h is not None else None for h in header]
    keys = {key: str(h) for key, h in zip(columns, header, strict=True) if key is not None}
    if "action" not in keys:
        problems.append(Problem(name, "", f"sheet {ws.title} row 1", "no 'Action' column"))
        return [], [], keys
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    for number, values in enumerate(lines, start=2):
        if number > MAX_ROWS:
            message = f"more than {MAX_ROWS:,} rows: split the workbook"
            problems.append(Problem(name, "", f"sheet {ws.title} row {number}", message))
            break
        record = {
            key: _value(value, key)
            for key, value in zip(columns, values, strict=False)
            if key is not None
        }
        if record.get("action") in (None, ""):
            continue  # no action asked: the row's record stays as it is
        records.append(record)
        numbers.append(number)
    return records, numbers, keys


def _value(value: Any, key: str) -> Any:
    """A cell as the GETINV JSON would carry it."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return day(value.date() if isinstance(value, datetime) else value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        if key in _AMOUNT_KEYS:
            return number
        return str(int(number)) if number == number.to_integral_value() else str(number)
    if isinstance(value, int) and not isinstance(value, bool):
        return value if key in _AMOUNT_KEYS else str(value)
    if isinstance(value, str):
        text = value.strip()
        if key in ("action", "prev_status"):
            upper = text.upper()
            return _ACTION_WORDS.get(upper, upper)
        if key == "itcRedReq":
            return text.upper()[:1] if text.upper() in ("Y", "N", "YES", "NO") else text
        return text or None
    return value


# -- GSTR-2B ----------------------------------------------------------------------------------

_Getter = Callable[[Document2B], Any]


def _amounts(heads: Sequence[tuple[str, str]]) -> list[tuple[str, _Getter]]:
    getters: dict[str, _Getter] = {
        "txval": lambda d: d.taxable,
        "igst": lambda d: d.tax.igst,
        "cgst": lambda d: d.tax.cgst,
        "sgst": lambda d: d.tax.sgst,
        "cess": lambda d: d.tax.cess,
    }
    return [(heading, getters[key]) for key, heading in heads]


_TAXES = _amounts(
    [
        ("txval", "Taxable value (₹)"),
        ("igst", "Integrated tax (₹)"),
        ("cgst", "Central tax (₹)"),
        ("sgst", "State/UT tax (₹)"),
        ("cess", "Cess (₹)"),
    ]
)
_SUPPLIER: list[tuple[str, _Getter]] = [
    ("GSTIN of supplier", lambda d: d.supplier),
    ("Trade/Legal name", lambda d: d.trade_name),
]
_FILING: list[tuple[str, _Getter]] = [
    ("GSTR-1/IFF/GSTR-5 period", lambda d: d.supplier_period),
    ("GSTR-1/IFF/GSTR-5 filing date", lambda d: day(d.supplier_filed)),
    ("ITC availability", lambda d: _yes_no(d.itc_available)),
    ("Reason", lambda d: d.reason),
    ("Applicable % of tax rate", lambda d: _percent(d.diff_percent)),
]


def _yes_no(flag: bool | None) -> str:
    return "" if flag is None else ("Yes" if flag else "No")


def _percent(diff: Decimal | None) -> Decimal:
    return Decimal(100) if diff is None else diff * 100


def _doc_columns(base: str) -> list[tuple[str, _Getter]]:
    """The portal's columns of a GSTR-2B docdata section."""
    original: list[tuple[str, _Getter]] = []
    if base in ("b2ba", "ecoma", "cdnra", "isda"):
        noun = {"cdnra": "note", "isda": "document"}.get(base, "invoice")
        original = [
            (f"Original {noun} number", lambda d: d.original_number),
            (f"Original {noun} date", lambda d: day(d.original_date)),
        ]
    if base in ("impg", "impgsez"):
        boe: list[tuple[str, _Getter]] = [
            ("ICEGATE reference date", lambda d: day(d.ref_date)),
            ("Port code", lambda d: d.port_code),
            ("Bill of entry number", lambda d: d.number),
            ("Bill of entry date", lambda d: day(d.doc_date)),
            *_TAXES[:2],
            _TAXES[4],
            ("Amended (Yes/No)", lambda d: _yes_no(d.amended)),
        ]
        return _SUPPLIER + boe if base == "impgsez" else boe
    if base in ("isd", "isda"):
        return [
            ("GSTIN of ISD", lambda d: d.supplier),
            ("Trade/Legal name", lambda d: d.trade_name),
            *original,
            ("ISD document type", lambda d: d.doc_type),
            ("ISD document number", lambda d: d.number),
            ("ISD document date", lambda d: day(d.doc_date)),
            *_TAXES[1:],
            ("ISD GSTR-6 period", lambda d: d.supplier_period),
            ("ISD GSTR-6 filing date", lambda d: day(d.supplier_filed)),
            ("Eligibility of ITC", lambda d: _yes_no(d.itc_available)),
        ]
    note = base in ("cdnr", "cdnra")
    noun = "Note" if note else "Invoice"
    columns: list[tuple[str, _Getter]] = [
        *_SUPPLIER,
        *original,
        (f"{noun} number", lambda d: d.number),
        (f"{noun} type", lambda d: d.doc_type),
        (f"{noun} date", lambda d: day(d.doc_date)),
        (f"{noun} value (₹)", lambda d: d.value),
        ("Place of supply", lambda d: d.pos),
        ("Supply attracts reverse charge", lambda d: _yes_no(d.reverse_charge)),
        *_TAXES,
        *_FILING,
        ("Remarks", lambda d: d.remarks),
    ]
    if base in ("ecom", "ecoma"):
        columns.insert(2, ("GSTIN of actual supplier", lambda d: d.actual_supplier))
    return columns


_2B_SHEETS = {
    "b2b": "B2B",
    "b2ba": "B2BA",
    "cdnr": "B2B-CDNR",
    "cdnra": "B2B-CDNRA",
    "ecom": "ECO",
    "ecoma": "ECOA",
    "isd": "ISD",
    "isda": "ISDA",
    "impg": "IMPG",
    "impgsez": "IMPGSEZ",
}


def _2b_sheet_name(part: str, section: str) -> str:
    base = section.removeprefix("itcrev.")
    name = _2B_SHEETS.get(base, base.upper())
    if section.startswith("itcrev."):
        name += " (ITC Reversal)"
    if part == "docRejdata":
        name += " (Rejected)"
    return name[:31]


def gstr2b_workbook(path: Path | str, parsed: ParsedGstr2B) -> int:
    """A GSTR-2B (any version, read by `read_gstr2b`) in the portal's layout; returns rows."""
    wb = Workbook(write_only=True)
    summary = wb.create_sheet("Summary")
    append_text(summary, ["GSTIN", parsed.gstin])
    append_text(summary, ["Return period", parsed.period])
    append_text(summary, ["Version", parsed.version])
    append_text(summary, ["Generated on", day(parsed.generated_on)])
    summary.append([])
    _header(summary, ["ITC", "Group", "Section", "IGST (₹)", "CGST (₹)", "SGST (₹)", "Cess (₹)"])
    for row in _itc_rows(parsed.itcsumm):
        append_text(summary, row)
    sheets: dict[str, tuple[Any, list[tuple[str, _Getter]]]] = {}
    for part in ("docdata", "docRejdata"):
        for name in _2B_SHEETS:
            if part == "docdata" or any(
                d.part == part and d.section == name for d in parsed.documents
            ):
                sheets.setdefault(_2b_sheet_name(part, name), _new_2b_sheet(wb, part, name))
    for doc in parsed.documents:
        title = _2b_sheet_name(doc.part, doc.section)
        if title not in sheets:
            sheets[title] = _new_2b_sheet(wb, doc.part, doc.section)
        ws, columns = sheets[title]
        append_text(ws, [getter(doc) for _, getter in columns])
    wb.save(path)
    return len(parsed.documents)


def _new_2b_sheet(wb: Workbook, part: str, section: str) -> tuple[Any, list[tuple[str, _Getter]]]:
    ws = wb.create_sheet(_2b_sheet_name(part, section))
    columns = _doc_columns(section.removeprefix("itcrev."))
    _header(ws, [heading for heading, _ in columns])
    return ws, columns


_HEADS = ("igst", "cgst", "sgst", "cess")


def _itc_rows(tree: ItcTree) -> Iterator[list[Any]]:
    """itcsumm as rows: each group's total, then its sections."""
    for bucket, groups in tree.items():
        if not isinstance(groups, dict):
            continue
        for group, node in groups.items():
            if not isinstance(node, dict):
                continue
            yield [bucket, group, "Total", *(node.get(h, ZERO) for h in _HEADS)]
            for section, leaf in node.items():
                if isinstance(leaf, dict):
                    yield [bucket, group, section, *(leaf.get(h, ZERO) for h in _HEADS)]


# -- reports ----------------------------------------------------------------------------------


def table_workbook(
    path: Path | str, title: str, headings: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """One sheet of rows under a header: an error report, a list of problems."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    _header(ws, headings)
    for row in rows:
        append_text(ws, row)
    wb.save(path)


def comparison_workbook(path: Path | str, c: Comparison) -> None:
    """The GSTR-2B difference report: summary, head differences, record differences."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Summary")
    append_text(ws, ["GSTIN", c.gstin])
    append_text(ws, ["Return period", c.period])
    append_text(ws, ["Documents on the portal", c.portal_documents])
    append_text(ws, ["Documents in gstims", c.gstims_documents])
    append_text(ws, ["Matched and equal", c.matched])
    for status in ("different", "only on the portal", "only in gstims"):
        append_text(ws, [f"Documents {status}", c.count(status)])
    append_text(ws, ["ITC amounts that differ", len(c.heads)])
    heads = wb.create_sheet("Heads")
    _header(heads, ["itcsumm path", "Portal (₹)", "gstims (₹)", "gstims − portal (₹)"])
    for h in c.heads:
        append_text(heads, [h.path, h.portal, h.gstims, h.difference])
    docs = wb.create_sheet("Records")
    headings = ["Status", "Section", "GSTIN of supplier", "Number", "Date", "Field", "Portal"]
    _header(docs, [*headings, "gstims"])
    for r in c.records:
        when = day(r.doc_date) if r.doc_date != date.min else ""
        lead = [r.status, r.section, r.supplier, r.number, when]
        if not r.fields:
            append_text(docs, [*lead, "", "", ""])
        for f in r.fields:
            append_text(docs, [*lead, f.field, f.portal, f.gstims])
    wb.save(path)
