"""GSTR-1 / IFF / GSTR-1A RETSAVE `data` → `SupplierDocument`s (formats.md §1, api.md).

Read sections, and the document each gives:

    section    group keys      document list   kind                      number, date
    b2b        ctin            inv             INV                       inum, idt
    b2ba       ctin            inv             INV (amendment)           inum, idt + oinum, oidt
    cdnr       ctin            nt              ntty C → CN, D → DN       nt_num, nt_dt
    cdnra      ctin            nt              CN / DN (amendment)       + ont_num, ont_dt
    ecomb2b    stin, rtin      inv             ECO                       inum, idt
    ecomab2b   stin, rtin      inv             ECO (amendment)           + oinum, oidt

Each document carries `val`, `pos`, `rchrg` (Y/N, default N), `inv_typ` (default R),
`diff_percent` (optional) and `itms: [{num, itm_det: {rt, txval, iamt, camt, samt, csamt}}]`
(a missing tax head is 0). `"flag": "D"` deletes the document: only its identity (number,
date, and `ntty` for a note) is then needed. For an e-commerce document (Table 15, tax paid by
the operator u/s 9(5)) the supplier is the filer — the operator, `gstin` — the recipient is
`rtin` and the actual supplier `stin` (rules.md §0).

Ignored: the envelope (`gstin`, `fp`, `gt`, `cur_gt`, `version`, `hash`), download bookkeeping
(`chksum`, `updby`, `cflag`, `opd`, `cfs`, `irn`, ...), older keys (`etin`, `p_gst`, a note's
`inum`/`idt`) and every section that never reaches a recipient's IMS: `b2cl`, `b2cla`, `b2cs`,
`b2csa`, `cdnur`, `cdnura`, `exp`, `expa`, `at`, `ata`, `txpd`, `txpda`, `nil`, `hsn`,
`doc_issue`, `supeco`, `supecoa`, `ecomurp2b`, `ecomb2c`, `ecomurp2c`, `ecomaurp2b`,
`ecomab2c`, `ecomaurp2c`.

Only shape and type are checked here; every problem is collected with its JSON path and
nothing raises. Business checks (GSTIN check character, rates, amounts, dates in the period,
R-IN-4) are `gstims.domain.documents.validate_documents`' job. A document with any problem is
left out of the returned list, so a caller stores nothing when problems come back.

Example (example-month.md): S1 saves

    {"b2b": [{"ctin": "29AABCR1718E1ZL", "inv": [{"inum": "INV-101", "idt": "10-10-2024",
      "val": 11800, "pos": "29", "rchrg": "N", "inv_typ": "R", "itms": [{"num": 1,
      "itm_det": {"rt": 18, "txval": 10000, "iamt": 1800, "camt": 0, "samt": 0, "csamt": 0}}]}]}]}

and `parse_gstr1(data, gstin="27AAPFU0939F1ZV")` gives one INV document INV-101 of
27AAPFU0939F1ZV to 29AABCR1718E1ZL, value 11800.00, one item at 18 % on 10000.00 with IGST
1800.00. Had `idt` been "2024-10-10", the problem would read
`b2b INV-101 b2b[0].inv[0].idt: a date must be dd-mm-yyyy, got '2024-10-10'`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeGuard, cast

from gstims.domain.calendar import Period, PeriodError
from gstims.domain.documents import Item, Problem, SupplierDocument
from gstims.domain.money import PAISA, ZERO, Tax
from gstims.domain.records import Kind
from gstims.formats.reading import MAX_AMOUNT, Fields, cached_date_of, kind_of, objects

__all__ = ["READ_SECTIONS", "gstr1_period", "parse_gstr1"]


@dataclass(frozen=True, slots=True)
class _Section:
    """How one GSTR-1 section is spelt."""

    documents: str  # the document list key under a group: inv / nt
    number: str
    date: str
    original_number: str
    original_date: str
    notes: bool = False  # kind from ntty
    ecommerce: bool = False  # groups carry stin + rtin


_INV = ("inv", "inum", "idt", "oinum", "oidt")
_NT = ("nt", "nt_num", "nt_dt", "ont_num", "ont_dt")
_SECTIONS: Mapping[str, _Section] = {
    "b2b": _Section(*_INV),
    "b2ba": _Section(*_INV),
    "cdnr": _Section(*_NT, notes=True),
    "cdnra": _Section(*_NT, notes=True),
    "ecomb2b": _Section(*_INV, ecommerce=True),
    "ecomab2b": _Section(*_INV, ecommerce=True),
}
READ_SECTIONS = tuple(_SECTIONS)
"""The GSTR-1 sections whose documents reach a recipient's IMS; the rest are ignored."""

_NOTE_KINDS = {"C": Kind.CN, "D": Kind.DN}
_HEADS = ("iamt", "camt", "samt", "csamt")


def parse_gstr1(
    data: Mapping[str, Any], *, gstin: str
) -> tuple[list[SupplierDocument], list[Problem]]:
    """The documents of a RETSAVE `data` object filed by `gstin`, and every shape problem."""
    problems: list[Problem] = []
    documents: list[SupplierDocument] = []
    if not isinstance(data, Mapping):
        problems.append(Problem("return", "", "data", f"expected an object, got {kind_of(data)}"))
        return documents, problems
    for name, section in _SECTIONS.items():
        if data.get(name) is None:
            continue
        for group in objects(data[name], name, problems, name):
            documents.extend(_group(group, name, section, gstin))
    return documents, problems


def gstr1_period(data: Mapping[str, Any]) -> tuple[Period | None, list[Problem]]:
    """The return period of a RETSAVE `data` object: `fp` (or `ret_period`), `MMYYYY`."""
    key = "ret_period" if "fp" not in data and "ret_period" in data else "fp"
    value = data.get(key)
    if not isinstance(value, str):
        found = "missing" if value is None else f"expected an MMYYYY string, got {kind_of(value)}"
        return None, [Problem("return", "", key, found)]
    try:
        return Period.parse(value), []
    except PeriodError as exc:
        return None, [Problem("return", "", key, str(exc))]


def _group(group: Fields, name: str, section: _Section, filer: str) -> list[SupplierDocument]:
    if section.ecommerce:
        recipient = group.text("rtin", blank=False)
        actual_supplier = group.text("stin", required=False)
    else:
        recipient = group.text("ctin", blank=False)
        actual_supplier = None
    parties_ok = group.ok  # a bad party spoils the group's documents, a bad sibling does not
    listed = group.obj.get(section.documents)
    if type(listed) is list and all(type(doc) is dict for doc in listed):
        path = group.at(section.documents)
        parsed = [
            quick_document(doc, name, section, filer, recipient or "", actual_supplier)
            or _document(
                Fields(doc, f"{path}[{index}]", group.problems, name),
                name,
                section,
                filer,
                recipient or "",
                actual_supplier,
            )
            for index, doc in enumerate(listed)
        ]
    else:
        parsed = [
            _document(doc, name, section, filer, recipient or "", actual_supplier)
            for doc in group.children(section.documents)
        ]
    if not parties_ok:
        return []
    return [doc for doc in parsed if doc is not None]


def _document(
    doc: Fields,
    name: str,
    section: _Section,
    supplier: str,
    recipient: str,
    actual_supplier: str | None,
) -> SupplierDocument | None:
    number = doc.text(section.number, blank=False)
    doc.number = number or ""
    doc_date = doc.date(section.date)
    kind = _kind(doc, section)
    delete = doc.obj.get("flag") == "D"
    original_number = doc.text(section.original_number, required=False, blank=False)
    original_date = doc.date(section.original_date, required=False)
    if delete:  # only the identity matters
        value: Decimal | None = ZERO
        pos: str | None = doc.text("pos", required=False) or ""
        supply_type, reverse_charge, diff_percent = "R", False, None
    else:
        value = doc.amount("val", required=True)
        pos = doc.text("pos")
        supply_type = doc.text("inv_typ", required=False) or "R"
        reverse_charge = doc.yes_no("rchrg")
        diff_percent = doc.decimal("diff_percent", required=False)
    items = _items(doc, required=not delete)
    if (
        not doc.ok
        or number is None
        or doc_date is None
        or kind is None
        or value is None
        or pos is None
    ):
        return None
    return SupplierDocument(
        section=name,
        kind=kind,
        supplier=supplier,
        recipient=recipient,
        number=number,
        doc_date=doc_date,
        value=value,
        pos=pos,
        supply_type=supply_type,
        reverse_charge=reverse_charge,
        diff_percent=diff_percent,
        items=items,
        original_number=original_number,
        original_date=original_date,
        actual_supplier=actual_supplier,
        delete=delete,
    )


def quick_document(
    obj: dict[str, Any],
    name: str,
    section: _Section,
    supplier: str,
    recipient: str,
    actual_supplier: str | None,
) -> SupplierDocument | None:
    """The usual document read in one go, or None: then `_document` reads it field by field
    and reports what is wrong (issue 13: a lakh of documents over HTTP).

    The usual document: not a deletion, no original named, no `diff_percent`; strings
    visible; amounts JSON integers or numbers of two places; rates numbers of at most two
    places. For it the result equals `_document`'s (a property test holds the two together);
    anything else is the plain reader's.
    """
    get = obj.get
    number, kind = get(section.number), _QUICK_KINDS[section.notes, section.ecommerce]
    if section.notes:
        note_type = get("ntty")
        kind = _NOTE_KINDS.get(note_type) if type(note_type) is str else None
    if (
        kind is None
        or get("flag") == "D"
        or get(section.original_number) is not None
        or get(section.original_date) is not None
        or get("diff_percent") is not None
        or not _visible(number)
    ):
        return None
    day = quick_date(get(section.date))
    value = quick_amount(get("val"))
    pos = get("pos")
    supply_type = get("inv_typ")
    supply_type = "R" if supply_type is None or supply_type == "" else supply_type
    reverse_charge = _QUICK_YES_NO.get(get("rchrg")) if _hashable(get("rchrg")) else None
    items = quick_items(get("itms"))
    if (
        day is None
        or value is None
        or not (pos == "" or _visible(pos))
        or not _visible(supply_type)
        or reverse_charge is None
        or items is None
    ):
        return None
    return SupplierDocument(
        section=name,
        kind=kind,
        supplier=supplier,
        recipient=recipient,
        number=number,
        doc_date=day,
        value=value,
        pos=pos,
        supply_type=supply_type,
        reverse_charge=reverse_charge,
        items=items,
        actual_supplier=actual_supplier,
    )


_QUICK_KINDS = {(False, False): Kind.INV, (False, True): Kind.ECO, (True, False): None}
_QUICK_YES_NO: Mapping[Any, bool] = {None: False, "": False, "N": False, "Y": True}


def _hashable(value: Any) -> bool:
    return value is None or type(value) is str


def _visible(text: Any) -> TypeGuard[str]:
    """A non-empty string without an invisible character (`text_problem` finds none)."""
    return type(text) is str and text != "" and text.isprintable()


def quick_items(rows: Any) -> tuple[Item, ...] | None:
    """`itms` of well-formed rows, or None (the plain reader then says what is wrong)."""
    if type(rows) is not list:
        return None
    items = []
    for row in rows:
        detail = row.get("itm_det") if type(row) is dict else None
        if type(detail) is not dict:
            return None
        get = detail.get
        rate, taxable = quick_rate(get("rt")), quick_amount(get("txval"))
        igst, cgst = quick_amount(get("iamt", 0)), quick_amount(get("camt", 0))
        sgst, cess = quick_amount(get("samt", 0)), quick_amount(get("csamt", 0))
        if (
            rate is None
            or taxable is None
            or igst is None
            or cgst is None
            or sgst is None
            or cess is None
        ):
            return None
        items.append(Item(rate, taxable, Tax(igst, cgst, sgst, cess)))
    return tuple(items)


def quick_amount(value: Any) -> Decimal | None:
    """`Fields.amount`'s result for a JSON integer or a number of exactly two places (an
    absent head is 0), or None for anything else."""
    if value is None:
        return None
    kind = type(value)
    if kind is Decimal:
        if value.as_tuple().exponent == -2 and -MAX_AMOUNT <= value <= MAX_AMOUNT:
            return cast(Decimal, value)  # what `money` makes of it: the same digits and places
        return None
    if kind is int and -MAX_AMOUNT <= value <= MAX_AMOUNT:
        return ZERO if value == 0 else Decimal(value).quantize(PAISA)
    return None


def quick_rate(value: Any) -> Decimal | None:
    """A rate as `_items` keeps it (`18.00` → 18), for an integer or a number of at most two
    places under 1,000; None for anything else."""
    kind = type(value)
    if kind is int:
        return _int_rate(value) if -1000 < value < 1000 else None
    if kind is Decimal and value.is_finite():
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -2 and abs(value) < 1000:
            return cast(Decimal, value.normalize() + 0)
    return None


@functools.cache
def _int_rate(value: int) -> Decimal:
    """An integral rate as `_items` keeps it (a few values, read a lakh of times)."""
    return Decimal(value).normalize() + 0


def quick_date(value: Any) -> date | None:
    """A `dd-mm-yyyy` string's date (as `Fields.date`), or None."""
    if type(value) is not str:
        return None
    parsed = cached_date_of(value)
    return parsed if isinstance(parsed, date) else None


def _kind(doc: Fields, section: _Section) -> Kind | None:
    if not section.notes:
        return Kind.ECO if section.ecommerce else Kind.INV
    note_type = doc.choice("ntty", tuple(_NOTE_KINDS))
    return None if note_type is None else _NOTE_KINDS[note_type]


def _items(doc: Fields, required: bool) -> tuple[Item, ...]:
    items: list[Item] = []
    for row in doc.children("itms", required=required):
        detail = row.child("itm_det")
        if detail is None:
            continue
        rate = detail.decimal("rt")
        if rate is not None and (rate.as_tuple().exponent < -2 or abs(rate) >= 1000):  # type: ignore[operator]
            detail.report(
                "rt", f"a rate has at most two decimal places and three digits, got {rate}"
            )
            rate = None
        taxable = detail.amount("txval", required=True)
        igst, cgst, sgst, cess = (detail.amount(head) for head in _HEADS)
        if (
            rate is None
            or taxable is None
            or igst is None
            or cgst is None
            or sgst is None
            or cess is None
        ):
            continue
        # "18.00" is the rate 18: keep one spelling of it
        items.append(Item(rate.normalize() + 0, taxable, Tax(igst, cgst, sgst, cess)))
    return tuple(items)
