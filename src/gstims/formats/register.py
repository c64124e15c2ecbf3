"""Purchase registers in: CSV and XLSX files, their header row, and mapping profiles (R-REC-1).

A register's header need not be row 1 (Tally and Zoho exports open with a title block): the
header is the first of the top `HEADER_SEARCH_ROWS` rows that names a document number and at
least `HEADER_MIN_FIELDS` known fields. Columns map to fields by a profile — `generic` (the
common names), `tally` (Tally's GSTR-2 / purchase-register export), `zoho` (Zoho Books'
bills export) or a user's saved one — a map of field to the header names it accepts.

Files are bounded before anything is parsed (R-REC-4, bad input): at most `MAX_BYTES` and
`MAX_ROWS`; a CSV must be UTF-8; an .xlsx is a zip whose members may not inflate past
`MAX_UNPACKED` bytes or `MAX_RATIO` times their packed size (a zip bomb), and whose XML may
not declare a DTD or entities (an entity bomb). Each refusal is a `RegisterError` naming the
file and the limit.

Excel keeps numbers as binary doubles: a numeric cell reaches us as the shortest decimal
that round-trips (`repr`), which is the number typed for every value of up to 15 significant
digits — Excel's own limit — so amounts become `Decimal` without a float's error.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from gstims.domain.reconcile.books import FIELDS, RegisterRow

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 100
HEADER_SEARCH_ROWS = 30
HEADER_MIN_FIELDS = 3
PROLOG_BYTES = 65536
_XML_DECLARATIONS = re.compile(rb"<!(DOCTYPE|ENTITY)", flags=re.IGNORECASE)
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")


class RegisterError(ValueError):
    """A file refused as a whole (type, size, encoding, bombs, no header), with its status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


GENERIC: Mapping[str, tuple[str, ...]] = {
    "supplier_gstin": (
        "supplier gstin",
        "gstin of supplier",
        "party gstin",
        "gstin/uin of supplier",
        "gstin",
        "supplier gstin/uin",
        "vendor gstin",
    ),
    "number": (
        "invoice no",
        "invoice number",
        "bill no",
        "bill number",
        "supplier invoice no",
        "supplier invoice number",
        "document number",
        "doc no",
        "note number",
    ),
    "date": ("invoice date", "bill date", "document date", "doc date", "note date"),
    "kind": ("document type", "voucher type", "doc type", "type", "note type"),
    "taxable": ("taxable value", "taxable amount", "assessable value", "taxable"),
    "igst": ("igst", "integrated tax", "igst amount", "integrated tax amount"),
    "cgst": ("cgst", "central tax", "cgst amount", "central tax amount"),
    "sgst": ("sgst", "utgst", "sgst/utgst", "state/ut tax", "sgst amount", "state tax"),
    "cess": ("cess", "cess amount"),
    "value": ("invoice value", "document value", "bill value", "total", "invoice amount"),
    "pos": ("place of supply", "pos"),
    "reverse_charge": ("reverse charge", "rcm", "reverse charge applicable"),
    "posting_date": ("posting date", "voucher date", "accounting date", "gl date"),
    "ref": ("voucher no", "voucher number", "voucher ref", "reference", "ref"),
    "port_code": ("port code",),
}

# Tally's GSTR-2 / purchase register export: "Particulars" rows above a header led by Date.
TALLY: Mapping[str, tuple[str, ...]] = {
    "supplier_gstin": ("gstin/uin",),
    "number": ("supplier invoice no.", "supplier invoice no"),
    "date": ("supplier invoice date",),
    "kind": ("voucher type",),
    "taxable": ("taxable value", "taxable amount"),
    "igst": ("integrated tax amount", "igst"),
    "cgst": ("central tax amount", "cgst"),
    "sgst": ("state tax amount", "sgst/utgst"),
    "cess": ("cess amount", "cess"),
    "value": ("invoice value", "gross total"),
    "pos": ("place of supply",),
    "reverse_charge": ("reverse charge",),
    "posting_date": ("date",),
    "ref": ("voucher no.", "voucher no"),
}

# Zoho Books' bills export (Purchases → Bills → Export).
ZOHO: Mapping[str, tuple[str, ...]] = {
    "supplier_gstin": ("gst identification number (gstin)", "vendor gstin"),
    "number": ("bill number",),
    "date": ("bill date",),
    "kind": ("bill type",),
    "taxable": ("subtotal", "sub total"),
    "igst": ("igst",),
    "cgst": ("cgst",),
    "sgst": ("sgst",),
    "cess": ("cess",),
    "value": ("total",),
    "pos": ("place of supply", "destination of supply"),
    "reverse_charge": ("is reverse charge applied", "reverse charge"),
    "posting_date": ("accounting date",),
    "ref": ("bill id",),
}

PROFILES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "generic": GENERIC,
    "tally": TALLY,
    "zoho": ZOHO,
}


@dataclass(frozen=True, slots=True)
class Register:
    """The rows under the header, mapped to fields, and each field's column as headed."""

    rows: list[RegisterRow]
    columns: dict[str, str]


def _heading(cell: object) -> str:
    return " ".join(str(cell or "").replace("\n", " ").lower().split())


def check_profile(mapping: Mapping[str, Sequence[str]]) -> list[str]:
    """What is wrong with a user's profile: unknown fields, no number column."""
    problems = [f"unknown field {name!r}" for name in mapping if name not in FIELDS]
    if "number" not in mapping:
        problems.append("the profile must map the document number")
    return problems


def _columns(header: Sequence[object], profile: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Each field's column: the first header cell among the field's names (in that order)."""
    cells = [_heading(c) for c in header]
    found: dict[str, int] = {}
    taken: set[int] = set()
    for field, names in profile.items():
        for name in names:
            hits = [n for n, cell in enumerate(cells) if cell == name.lower() and n not in taken]
            if hits:
                found[field] = hits[0]
                taken.add(hits[0])
                break
    return found


def find_header(
    table: Sequence[Sequence[object]], profile: Mapping[str, Sequence[str]]
) -> tuple[int, dict[str, int]]:
    """R-REC-1: the header row's index and its field columns."""
    for n, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns = _columns(row, profile)
        if "number" in columns and len(columns) >= HEADER_MIN_FIELDS:
            return n, columns
    names = ", ".join(profile.get("number", ()))
    raise RegisterError(
        f"no header row in the first {HEADER_SEARCH_ROWS} rows: expected a document-number "
        f"column ({names}) and at least {HEADER_MIN_FIELDS} known columns"
    )


def read_register(
    data: bytes, filename: str, profile: Mapping[str, Sequence[str]], sheet: str | None = None
) -> Register:
    """A CSV or XLSX register, bounded, its header found and its columns mapped."""
    if len(data) > MAX_BYTES:
        raise RegisterError(f"{filename}: {len(data)} bytes; at most {MAX_BYTES}", 413)
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "csv":
        table = _csv_table(data, filename)
    elif suffix == "xlsx":
        table = _xlsx_table(data, filename, sheet)
    else:
        raise RegisterError(f"{filename}: not a .csv or .xlsx file", 415)
    start, columns = find_header(table, profile)
    header = table[start]
    rows = []
    for n, row in enumerate(table[start + 1 :], start=start + 2):
        if not any(_present(cell) for cell in row):
            continue
        cells = {f: row[c] if c < len(row) else None for f, c in columns.items()}
        rows.append(RegisterRow(n, cells))
    return Register(rows, {f: str(header[c]).strip() for f, c in columns.items()})


def _present(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def _bounded(rows: Iterator[list[object]], filename: str) -> list[list[object]]:
    table = []
    for row in rows:
        table.append(row)
        if len(table) > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise RegisterError(f"{filename}: more than {MAX_ROWS} rows", 413)
    return table


def _csv_table(data: bytes, filename: str) -> list[list[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterError(
            f"{filename}: not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"
        ) from None
    if "\x00" in text:
        raise RegisterError(f"{filename}: not a text file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return _bounded((list(r) for r in csv.reader(io.StringIO(text), dialect)), filename)


def _check_zip(data: bytes, filename: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise RegisterError(f"{filename}: not an .xlsx workbook (not a zip archive)") from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if total > MAX_UNPACKED:
            raise RegisterError(f"{filename}: unpacks to more than {MAX_UNPACKED} bytes")
        if info.compress_size and info.file_size > MAX_RATIO * info.compress_size > 1_000_000:
            raise RegisterError(f"{filename}: {info.filename} is compressed suspiciously well")
        if info.filename.endswith((".xml", ".rels")) and _declares(archive, info):
            raise RegisterError(
                f"{filename}: {info.filename} declares a DTD or entities, which a workbook "
                "never needs"
            )
    return archive


def _declares(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """A DTD can only stand before the root element: read up to it (a bounded prolog)."""
    with archive.open(info) as member:
        head = member.read(PROLOG_BYTES)
    root = _ROOT_ELEMENT.search(head)
    prolog = head[: root.start()] if root else head
    return bool(_XML_DECLARATIONS.search(prolog)) or (root is None and len(head) == PROLOG_BYTES)


def _xlsx_table(data: bytes, filename: str, sheet: str | None) -> list[list[object]]:
    _check_zip(data, filename)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise RegisterError(f"{filename}: not a readable .xlsx workbook ({exc})") from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise RegisterError(f"{filename}: no sheet {sheet!r} (sheets: {wb.sheetnames})")
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        rows = ([_cell(c) for c in row] for row in ws.iter_rows(values_only=True))
        return _bounded(rows, filename)
    finally:
        wb.close()


def _cell(value: Any) -> object:
    """A cell without floats: see the module docstring."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date | int | str | Decimal) or value is None:
        return value
    return str(value)
