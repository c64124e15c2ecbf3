"""A purchase register's rows as books documents (R-REC-2, R-REC-3, R-REC-4).

R-REC-2: amounts come as a register writes them — Indian digit grouping, a ₹ sign, negatives
as `-` or in parentheses, blanks as zero for the tax heads — and become `Decimal` at once:

    >>> parse_amount("₹ 1,23,456.78"), parse_amount("(2,000)"), parse_amount("")
    (Decimal('123456.78'), Decimal('-2000.00'), Decimal('0.00'))

Dates come as `dd-mm-yyyy`, `dd/mm/yyyy`, `dd/mm/yy`, `dd-Mon-yyyy`, ISO or an Excel serial
number (`45600` is 05-11-2024). A credit note is known by its document type or by negative
amounts, and is kept with positive amounts and kind CN, as the portal keeps it.

R-REC-3: rows with the same supplier, kind, number and date are one document: their amounts
add up and the document keeps every row number and voucher reference.

R-REC-4: every problem of every row is collected — row number, column, message — and none
is raised; a caller decides to refuse the file or keep the good rows. **(decision)** The same
number of one supplier and kind twice in one financial year under different dates is a
duplicate; every row of such a document is refused.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from gstims.domain.calendar import financial_year_of
from gstims.domain.errors import BOOKS422, Problem, Where
from gstims.domain.gstin import gstin_problems
from gstims.domain.money import ZERO, Tax, money, sum_tax
from gstims.domain.reconcile.model import Document
from gstims.domain.reconcile.volume import cycle_collector_paused
from gstims.domain.records import Kind

# The fields a register column may map to (R-REC-1); `number` and `supplier_gstin` are needed.
FIELDS = (
    "supplier_gstin",
    "number",
    "date",
    "kind",
    "taxable",
    "igst",
    "cgst",
    "sgst",
    "cess",
    "value",
    "pos",
    "reverse_charge",
    "posting_date",
    "ref",
    "port_code",
)
AMOUNTS = ("taxable", "igst", "cgst", "sgst", "cess")
REQUIRED = ("number", "date", "taxable")
MAX_AMOUNT = Decimal(10) ** 13  # ₹10 lakh crore: no purchase is larger
MAX_NUMBER = 60  # characters of a document number as the books write it
MAX_PORT_CODE = 10

KIND_WORDS: Mapping[str, Kind] = {
    "INV": Kind.INV,
    "INVOICE": Kind.INV,
    "TAX INVOICE": Kind.INV,
    "B2B": Kind.INV,
    "PURCHASE": Kind.INV,
    "PURCHASE INVOICE": Kind.INV,
    "BILL": Kind.INV,
    "DN": Kind.DN,
    "DEBIT NOTE": Kind.DN,
    "CN": Kind.CN,
    "CREDIT NOTE": Kind.CN,
    "PURCHASE RETURN": Kind.CN,
    "BOE": Kind.BOE,
    "BILL OF ENTRY": Kind.BOE,
    "IMPORT": Kind.BOE,
    "IMPORT OF GOODS": Kind.BOE,
}
_MONTHS = {
    m: n
    for n, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL = re.compile(r"[0-9]{5}(\.0+)?")
_DMY = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{2}|[0-9]{4})")
_D_MON_Y = re.compile(r"([0-9]{1,2})[- ]([A-Za-z]{3})[A-Za-z]*[- ]([0-9]{2}|[0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ].*)?")
_NOT_AMOUNT = re.compile(r"[₹,\s]|RS\.?|INR", flags=re.IGNORECASE)
_YES = {"Y", "YES", "TRUE", "1"}
_NO = {"N", "NO", "FALSE", "0", ""}


def parse_amount(cell: object) -> Decimal:
    """R-REC-2: an amount as a register writes it; blank is zero. Floats are refused."""
    if cell is None:
        return ZERO
    if isinstance(cell, Decimal | int) and not isinstance(cell, bool):
        return money(cell)
    if not isinstance(cell, str):
        raise ValueError(f"not an amount: {cell!r}")
    text = _NOT_AMOUNT.sub("", cell)
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    if not text:
        return ZERO
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount: {cell!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {cell!r}")
    if abs(amount) >= MAX_AMOUNT:
        raise ValueError(f"amount {cell!r} is too large (at most {MAX_AMOUNT - 1:,})")
    return money(-amount if negative else amount)


def parse_date(cell: object) -> date:
    """R-REC-2: a date in any of the register spellings, or an Excel serial number."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | Decimal) and not isinstance(cell, bool):
        return _serial(Decimal(cell), cell)
    text = str(cell or "").strip()
    try:
        if m := _DMY.fullmatch(text):
            d, mo, y = (int(g) for g in m.groups())
            return date(y + 2000 if y < 100 else y, mo, d)
        if m := _D_MON_Y.fullmatch(text):
            y = int(m.group(3))
            return date(y + 2000 if y < 100 else y, _MONTHS[m.group(2).upper()], int(m.group(1)))
        if m := _ISO.fullmatch(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if _SERIAL.fullmatch(text):
            return _serial(Decimal(text), cell)
    except (ValueError, KeyError):
        pass
    raise ValueError(f"not a date: {cell!r} (use dd-mm-yyyy)")


def _serial(number: Decimal, cell: object) -> date:
    if not 20000 <= number <= 80000 or number != number.to_integral_value():
        raise ValueError(f"not a date: {cell!r} (use dd-mm-yyyy)")
    return _EXCEL_EPOCH + timedelta(days=int(number))


def parse_flag(cell: object) -> bool:
    text = str(cell if cell is not None else "").strip().upper()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"expected Y or N, got {cell!r}")


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One row of the register: its number in the file and its cells by field."""

    row: int
    cells: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class RowProblem:
    """R-REC-4: what is wrong, where: the file's row number and the column as headed."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"

    @property
    def section(self) -> str:
        """Where, in the words every error report uses (the API's `details`)."""
        return f"row {self.row}"

    @property
    def number(self) -> str:
        return ""

    @property
    def where(self) -> Where:
        return Where(field=self.field, row=self.row)

    @property
    def problem(self) -> Problem:
        """The one shape (domain/errors.py), as the API's `details` shows it."""
        return Problem(self.section, self.number, self.field, self.message, BOOKS422)


@dataclass(frozen=True, slots=True)
class BooksDocument:
    """A books document and the rows it was summed from (R-REC-3)."""

    document: Document
    rows: tuple[int, ...]
    vouchers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Line:
    row: int
    supplier: str
    kind: Kind
    number: str
    doc_date: date
    taxable: Decimal
    tax: Tax
    value: Decimal | None
    pos: str | None
    reverse_charge: bool | None
    posting_date: date | None
    port_code: str | None
    voucher: str


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


class _RowReader:
    """Reads one row, collecting every problem instead of stopping at the first."""

    def __init__(
        self, row: RegisterRow, columns: Mapping[str, str], gstin_checks: dict[str, list[str]]
    ) -> None:
        self.row, self.columns, self.gstin_checks = row, columns, gstin_checks
        self.problems: list[RowProblem] = []

    def problem(self, field: str, message: str) -> None:
        self.problems.append(RowProblem(self.row.row, self.columns.get(field, field), message))

    def amount(self, field: str) -> Decimal:
        try:
            return parse_amount(self.row.cells.get(field))
        except ValueError as exc:
            self.problem(field, str(exc))
            return ZERO

    def day(self, field: str, required: bool) -> date | None:
        cell = self.row.cells.get(field)
        if cell is None or _text(cell) == "":
            if required:
                self.problem(field, "missing")
            return None
        try:
            return parse_date(cell)
        except ValueError as exc:
            self.problem(field, str(exc))
            return None

    def read(self) -> _Line | None:
        cells = self.row.cells
        number = _text(cells.get("number"))
        if not number:
            self.problem("number", "missing document number")
        elif len(number) > MAX_NUMBER:
            self.problem("number", f"{len(number)} characters; at most {MAX_NUMBER}")
        if len(_text(cells.get("port_code"))) > MAX_PORT_CODE:
            self.problem("port_code", f"at most {MAX_PORT_CODE} characters")
        amounts = [self.amount(f) for f in AMOUNTS]
        doc_date = self.day("date", required=True)
        posting = self.day("posting_date", required=False)
        kind = self.kind(amounts)
        supplier = _text(cells.get("supplier_gstin")).upper()
        if kind is not Kind.BOE or supplier:
            if supplier not in self.gstin_checks:
                self.gstin_checks[supplier] = (
                    gstin_problems(supplier) if supplier else ["missing supplier GSTIN"]
                )
            for message in self.gstin_checks[supplier]:
                self.problem("supplier_gstin", message)
        value = self.amount("value") if _text(cells.get("value")) else None
        flag = None
        if _text(cells.get("reverse_charge")):
            try:
                flag = parse_flag(cells.get("reverse_charge"))
            except ValueError as exc:
                self.problem("reverse_charge", str(exc))
        if self.problems or doc_date is None or kind is None:
            return None
        sign = -1 if any(a < 0 for a in amounts) else 1
        taxable, igst, cgst, sgst, cess = (a * sign for a in amounts)
        return _Line(
            self.row.row,
            supplier,
            kind,
            number,
            doc_date,
            taxable,
            Tax(igst, cgst, sgst, cess),
            abs(value) if value is not None else None,
            _text(cells.get("pos"))[:2] or None,
            flag,
            posting,
            _text(cells.get("port_code")).upper() or None,
            _text(cells.get("ref")),
        )

    def kind(self, amounts: Sequence[Decimal]) -> Kind | None:
        """R-REC-2: by document type, else by sign (a negative row is a credit note)."""
        word = _text(self.row.cells.get("kind")).upper()
        if word and word not in KIND_WORDS:
            self.problem("kind", f"unknown document type {word!r}")
            return None
        kind = KIND_WORDS.get(word, Kind.INV)
        if any(a < 0 for a in amounts):
            if any(a > 0 for a in amounts):
                self.problem("taxable", "positive and negative amounts in one row")
                return None
            if kind is Kind.INV:
                return Kind.CN
        return kind


def documents_from_rows(
    recipient: str, rows: Sequence[RegisterRow], columns: Mapping[str, str]
) -> tuple[list[BooksDocument], list[RowProblem]]:
    """R-REC-3 and R-REC-4: good rows summed into documents, and every problem found.

    `columns` names each field's column as the file heads it, for the problem report.
    """
    with cycle_collector_paused():
        return _documents_from_rows(recipient, rows, columns)


def _documents_from_rows(
    recipient: str, rows: Sequence[RegisterRow], columns: Mapping[str, str]
) -> tuple[list[BooksDocument], list[RowProblem]]:
    problems: list[RowProblem] = []
    groups: dict[tuple[str, Kind, str, date], list[_Line]] = defaultdict(list)
    gstin_checks: dict[str, list[str]] = {}  # a register names few suppliers, many times
    for row in rows:
        reader = _RowReader(row, columns, gstin_checks)
        line = reader.read()
        problems.extend(reader.problems)
        if line is not None:
            groups[(line.supplier, line.kind, line.number.upper(), line.doc_date)].append(line)
    dates: dict[tuple[str, Kind, str, int], list[date]] = defaultdict(list)
    for supplier, kind, number, day in groups:
        dates[(supplier, kind, number, financial_year_of(day))].append(day)
    documents = []
    for key, lines in groups.items():
        supplier, kind, number, day = key
        if len(dates[(supplier, kind, number, financial_year_of(day))]) > 1:
            problems.extend(
                RowProblem(
                    line.row,
                    columns.get("number", "number"),
                    f"duplicate document {line.number} of {supplier or 'imports'} in the "
                    "books under another date",
                )
                for line in lines
            )
            continue
        documents.append(_summed(recipient, lines))
    problems.sort(key=lambda p: (p.row, p.field))
    return documents, problems


def _summed(recipient: str, lines: list[_Line]) -> BooksDocument:
    first = lines[0]
    values = [line.value for line in lines if line.value is not None]
    postings = [line.posting_date for line in lines if line.posting_date is not None]
    tax = lines[0].tax if len(lines) == 1 else sum_tax(line.tax for line in lines)
    document = Document(
        ref=f"{first.kind.value}:{first.supplier}:{first.number.upper()}:{first.doc_date:%d-%m-%Y}",
        recipient=recipient,
        supplier=first.supplier,
        kind=first.kind,
        number=first.number,
        doc_date=first.doc_date,
        taxable=sum((line.taxable for line in lines), ZERO),
        tax=tax,
        value=sum(values, ZERO) if values else None,
        pos=first.pos,
        reverse_charge=first.reverse_charge,
        port_code=first.port_code,
        posting_date=max(postings) if postings else None,
    )
    return BooksDocument(
        document,
        tuple(line.row for line in lines),
        tuple(line.voucher for line in lines if line.voucher),
    )
