"""Any GSTR-2B JSON → `ParsedGstr2B`, a neutral read of documents, rows and `itcsumm`.

Reads the pre-IMS "v1" shape (documents with rate-wise `items: [{num, rt, txval, igst, cgst,
sgst, cess}]`), the IMS-era "v4" shape (document-level `txval`, `igst`..`cess`) and gstims' own
`gstr2b_json` output (formats.md §2.5: "Parse both"). The GET2B envelope `{chksum, data}` or
its `data` object are both accepted. Shape problems are collected with their JSON paths
(`docdata.b2b[0].inv[0].dt`) in `ParsedGstr2B.problems`; nothing raises for bad data.

Documents keep the 2B's own words: `section` is the docdata section (`b2b`, `cdnr`, `isd`,
`impg`, ...; `itcrev.b2b` for a document of the `itcrev` list), `doc_type` is `typ` or
`doctyp`, and `itcsumm` is the tree of nested dicts of `Decimal` as printed.

Example: the v4 sample's `docdata.b2b[0].inv[0]` reads as `Document2B(part="docdata",
section="b2b", supplier="01AABCE2207R1Z5", number="S008400", doc_date=date(2016, 11, 24),
doc_type="R", taxable=Decimal("12200.00"), tax=Tax(igst=Decimal("183.00"), ...),
itc_available=False, reason="P", ...)`, and `parsed.itc("itcavl.nonrevsup.igst")` is
`Decimal("1600.00")`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeAlias

from gstims.domain.documents import Problem
from gstims.domain.money import ZERO, Tax, money, sum_tax
from gstims.formats.reading import Fields, decimal_of, kind_of, objects

__all__ = [
    "LIST_KEYS",
    "Counterparty2B",
    "Document2B",
    "ItcTree",
    "ParsedGstr2B",
    "read_gstr2b",
]

LIST_KEYS: Mapping[str, str] = {
    "b2b": "inv",
    "b2ba": "inv",
    "ecom": "inv",
    "ecoma": "inv",
    "cdnr": "nt",
    "cdnra": "nt",
    "isd": "doclist",
    "isda": "doclist",
    "impgsez": "boe",
}
"""The document list key of each wrapped docdata section (`impg` is a flat list)."""

ItcTree: TypeAlias = "dict[str, Decimal | ItcTree]"
"""`itcsumm` as nested dicts: a group's totals beside its sections' leaves."""


@dataclass(frozen=True, slots=True)
class Document2B:
    """One document of `docdata` / `docRejdata`, whatever the 2B version.

    `section` is the docdata section (`b2b`, `cdnr`, `isd`, `impg`, ...; `itcrev.b2b` for a
    document of the itcrev list); `doc_type` is `typ` (R, SEZWP, ... / C, D) or `doctyp`.
    """

    part: str  # "docdata" or "docRejdata"
    section: str
    supplier: str  # ctin; "" for an ICEGATE bill of entry
    trade_name: str
    supplier_period: str  # supprd, "" when absent
    supplier_filed: date | None  # supfildt
    number: str  # inum / ntnum / docnum / boenum
    doc_date: date
    doc_type: str
    value: Decimal
    taxable: Decimal
    tax: Tax
    pos: str = ""
    reverse_charge: bool = False
    itc_available: bool | None = None  # itcavl / itcelg Y/N
    reason: str = ""  # rsn
    diff_percent: Decimal | None = None
    original_number: str | None = None
    original_date: date | None = None
    port_code: str = ""
    ref_date: date | None = None
    amended: bool = False  # isamd
    remarks: str | None = None
    actual_supplier: str | None = None  # sply_gstin of an e-commerce document

    @property
    def rejected(self) -> bool:
        return self.part == "docRejdata"


@dataclass(frozen=True, slots=True)
class Counterparty2B:
    """One row of `cpsumm` / `cpSummRej` (`section` `itcrev.b2b` for a cpsumm.itcrev row)."""

    part: str  # "cpsumm" or "cpSummRej"
    section: str
    supplier: str
    trade_name: str
    supplier_period: str
    supplier_filed: date | None
    doc_type: str  # nttyp / doctyp, "" when absent
    documents: int
    taxable: Decimal
    tax: Tax
    port_code: str = ""


@dataclass(frozen=True, slots=True)
class ParsedGstr2B:
    gstin: str
    period: str  # rtnprd, MMYYYY
    version: str
    generated_on: date | None
    itcsumm: ItcTree
    documents: tuple[Document2B, ...]
    counterparties: tuple[Counterparty2B, ...]
    problems: tuple[Problem, ...]

    def itc(self, path: str) -> Decimal:
        """An `itcsumm` amount by dotted path, e.g. "itcavl.nonrevsup.b2b.igst"; 0 if absent."""
        node: Decimal | ItcTree = self.itcsumm
        for key in path.split("."):
            if not isinstance(node, dict) or key not in node:
                return ZERO
            node = node[key]
        if isinstance(node, dict):
            raise KeyError(f"{path} is a group, not an amount")
        return node

    def section(self, name: str, *, rejected: bool = False) -> list[Document2B]:
        return [d for d in self.documents if d.section == name and d.rejected == rejected]


@dataclass(frozen=True, slots=True)
class _Wrapper:
    supplier: str
    trade_name: str
    supplier_period: str
    supplier_filed: date | None


_NO_WRAPPER = _Wrapper("", "", "", None)


@dataclass(frozen=True, slots=True)
class _Layout:
    """How a docdata section spells a document."""

    number: str
    date: str
    original_number: str
    original_date: str
    doc_type: str
    itc_flag: str


_INV = _Layout("inum", "dt", "oinum", "oidt", "typ", "itcavl")
_NT = _Layout("ntnum", "dt", "ontnum", "ontdt", "typ", "itcavl")
_DOC = _Layout("docnum", "docdt", "odocnum", "odocdt", "doctyp", "itcelg")
_BOE = _Layout("boenum", "boedt", "", "", "", "")
_LAYOUTS: Mapping[str, _Layout] = {
    "b2b": _INV,
    "b2ba": _INV,
    "ecom": _INV,
    "ecoma": _INV,
    "cdnr": _NT,
    "cdnra": _NT,
    "isd": _DOC,
    "isda": _DOC,
    "impg": _BOE,
    "impgsez": _BOE,
}
_AMOUNTS = ("txval", "igst", "cgst", "sgst", "cess")


def read_gstr2b(obj: Mapping[str, Any]) -> ParsedGstr2B:
    """Any GSTR-2B JSON — the GET2B envelope `{chksum, data}` or its `data` — read neutrally."""
    problems: list[Problem] = []
    if isinstance(obj, Mapping) and isinstance(obj.get("data"), Mapping):
        obj = obj["data"]
    if not isinstance(obj, Mapping):
        problems.append(Problem("", "", "data", f"expected an object, got {kind_of(obj)}"))
        return ParsedGstr2B("", "", "", None, {}, (), (), tuple(problems))
    top = Fields(obj, "", problems, "")
    gstin = top.text("gstin") or ""
    period = top.period("rtnprd") or ""
    version = _version(top)
    generated_on = top.date("gendt", required=False)
    itcsumm_node = top.child("itcsumm", required=False)
    itcsumm = {} if itcsumm_node is None else _tree(itcsumm_node)
    documents: list[Document2B] = []
    for part in ("docdata", "docRejdata"):
        node = top.child(part, required=False)
        if node is not None:
            documents.extend(_part_documents(node, part))
    counterparties: list[Counterparty2B] = []
    for part in ("cpsumm", "cpSummRej"):
        node = top.child(part, required=False)
        if node is not None:
            counterparties.extend(_part_rows(node, part))
    return ParsedGstr2B(
        gstin=gstin,
        period=period,
        version=version,
        generated_on=generated_on,
        itcsumm=itcsumm,
        documents=tuple(documents),
        counterparties=tuple(counterparties),
        problems=tuple(problems),
    )


def _version(top: Fields) -> str:
    value = top.obj.get("version")
    if value is None or isinstance(value, str):
        return value or ""
    number = decimal_of(value)
    if isinstance(number, str):
        top.report("version", number)
        return ""
    return str(number)


def _tree(node: Fields) -> ItcTree:
    out: ItcTree = {}
    for key, value in node.obj.items():
        if isinstance(value, Mapping):
            out[key] = _tree(Fields(value, node.at(key), node.problems, node.section))
            continue
        parsed = node.amount(key)
        if parsed is not None:
            out[key] = parsed
    return out


# documents


def _part_documents(node: Fields, part: str) -> list[Document2B]:
    documents: list[Document2B] = []
    for name, value in node.obj.items():
        if name == "itcrev":
            for entry in objects(value, node.at(name), node.problems, name):
                for sub, wrappers in entry.obj.items():
                    path = entry.at(sub)
                    documents.extend(_section_documents(wrappers, path, node, part, sub, "itcrev."))
            continue
        documents.extend(_section_documents(value, node.at(name), node, part, name, ""))
    return documents


def _section_documents(
    value: Any, path: str, node: Fields, part: str, name: str, prefix: str
) -> list[Document2B]:
    layout = _LAYOUTS.get(name)
    section = prefix + name
    if layout is None:
        known = ", ".join(_LAYOUTS)
        node.problems.append(Problem(section, "", path, f"unknown GSTR-2B section; one of {known}"))
        return []
    out: list[Document2B] = []
    if name == "impg":  # a flat list, no supplier wrapper
        for doc in objects(value, path, node.problems, section):
            out.extend(_one(_read_document(doc, part, section, layout, _NO_WRAPPER)))
        return out
    for group in objects(value, path, node.problems, section):
        wrapper = _Wrapper(
            supplier=group.text("ctin") or "",
            trade_name=group.text("trdnm", required=False) or "",
            supplier_period=group.period("supprd", required=False) or "",
            supplier_filed=_optional_date(group, "supfildt"),
        )
        for doc in group.children(LIST_KEYS[name]):
            out.extend(_one(_read_document(doc, part, section, layout, wrapper)))
    return out


def _one(document: Document2B | None) -> list[Document2B]:
    return [] if document is None else [document]


def _optional_date(fields: Fields, key: str) -> date | None:
    """A date that may be absent or "" (an unknown filing or reference date)."""
    if fields.obj.get(key) in (None, ""):
        return None
    return fields.date(key)


def _read_document(
    doc: Fields, part: str, section: str, layout: _Layout, wrapper: _Wrapper
) -> Document2B | None:
    number = doc.text(layout.number)
    doc.number = number or ""
    doc_date = doc.date(layout.date)
    taxable, tax = _amounts(doc)
    value = doc.amount("val")
    flag = doc.choice(layout.itc_flag, ("Y", "N", "T"), required=False) if layout.itc_flag else None
    original_number = (
        doc.text(layout.original_number, required=False) if layout.original_number else None
    )
    original_date = _optional_date(doc, layout.original_date) if layout.original_date else None
    document = Document2B(
        part=part,
        section=section,
        supplier=wrapper.supplier,
        trade_name=wrapper.trade_name,
        supplier_period=wrapper.supplier_period,
        supplier_filed=wrapper.supplier_filed,
        number=number or "",
        doc_date=doc_date or date.min,
        doc_type=(doc.text(layout.doc_type, required=False) or "") if layout.doc_type else "",
        value=value or ZERO,
        taxable=taxable,
        tax=tax,
        pos=doc.text("pos", required=False) or "",
        reverse_charge=doc.yes_no("rev"),
        itc_available=None if flag in (None, "T") else flag == "Y",
        reason=doc.text("rsn", required=False) or "",
        diff_percent=doc.decimal("diffprcnt", required=False),
        original_number=original_number,
        original_date=original_date,
        port_code=doc.text("portcode", required=False) or "",
        ref_date=_optional_date(doc, "refdt"),
        amended=doc.yes_no("isamd"),
        remarks=doc.text("remarks", required=False),
        actual_supplier=doc.text("sply_gstin", required=False),
    )
    return document if doc.ok else None


def _amounts(doc: Fields) -> tuple[Decimal, Tax]:
    """Document-level amounts (v4), else the sum of rate-wise `items` (v1)."""
    if "items" in doc.obj and not any(key in doc.obj for key in _AMOUNTS):
        rows = [_amounts(item) for item in doc.children("items")]
        return sum((t for t, _ in rows), ZERO), sum_tax(tax for _, tax in rows)
    txval, igst, cgst, sgst, cess = (doc.amount(key) or ZERO for key in _AMOUNTS)
    return money(txval), Tax(igst, cgst, sgst, cess)


# counterparty rows


def _part_rows(node: Fields, part: str) -> list[Counterparty2B]:
    rows: list[Counterparty2B] = []
    for name, value in node.obj.items():
        if name == "itcrev":
            for entry in objects(value, node.at(name), node.problems, name):
                for sub in entry.obj:
                    row = entry.child(sub)
                    if row is not None:
                        rows.extend(_one_row(_read_row(row, part, f"itcrev.{sub}")))
            continue
        for row in objects(value, node.at(name), node.problems, name):
            rows.extend(_one_row(_read_row(row, part, name)))
    return rows


def _one_row(row: Counterparty2B | None) -> list[Counterparty2B]:
    return [] if row is None else [row]


def _read_row(row: Fields, part: str, section: str) -> Counterparty2B | None:
    taxable, tax = _amounts(row)
    parsed = Counterparty2B(
        part=part,
        section=section,
        supplier=row.text("ctin") or "",
        trade_name=row.text("trdnm", required=False) or "",
        supplier_period=row.period("supprd", required=False) or "",
        supplier_filed=_optional_date(row, "supfildt"),
        doc_type=(row.text("nttyp", required=False) or row.text("doctyp", required=False) or ""),
        documents=row.integer("ttldocs") or 0,
        taxable=taxable,
        tax=tax,
        port_code=row.text("portcode", required=False) or "",
    )
    return parsed if row.ok else None
