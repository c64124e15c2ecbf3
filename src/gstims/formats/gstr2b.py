"""GSTR-2B JSON: gstims' `Gstr2B` → the GSTN v4 `data` object, and any 2B JSON → a neutral read.

R-2B-7: the output is the GSTN GSTR-2B JSON in its IMS-era ("v4") shape (formats.md §2, sample
`gstr2b_v4_ims_india_compliance.json`):

    gstin, rtnprd, version, gendt
    itcsumm      itcavl / itcunavl / itcrev / itcRejected → groups with their totals
                 ({igst, cgst, sgst, cess}) beside their sections' leaves
    cpsumm       {section: [{ctin, trdnm, supprd, supfildt, [nttyp|doctyp], ttldocs, txval,
                 igst, cgst, sgst, cess}]}; impgsez rows {ctin, trdnm, portcode, ttldocs, ...}
    docdata      b2b b2ba ecom ecoma: [{ctin, trdnm, supfildt, supprd, inv: [...]}];
                 cdnr cdnra: [... nt: [...]]; isd isda: [... doclist: [...]];
                 impg: [bill of entry, ...] (flat); impgsez: [{ctin, trdnm, boe: [...]}]
    docRejdata   the same for documents rejected in IMS; cpSummRej the same as cpsumm

2B spellings differ from GSTR-1 and IMS: `dt` (not `idt`), `ntnum` (not `nt_num`), `igst`..
`cess` (not `iamt`..`csamt`), `typ` SEZWP / SEZWOP (GSTR-1 `inv_typ` SEWP / SEWOP), notes
`typ` C / D with the supply type in `suptyp`, `itcavl` Y/N, `rsn` P/C ("" when available),
`rev` Y/N. A document shows its own values (whatever its ITC effect); remarks of the recipient
are shown as `remarks` (R-ACT-8).

Decisions **(decision)**:
- `version` is the 2B's generation number written "N.0" ("1.0", "2.0", ...: R-2B-7).
- Amended bills of entry (impga, impgasez) sit in docdata `impg` / `impgsez` with `isamd` Y,
  as GSTN's docdata has no amendment list for them; `recdt` is the day gstims received them.
- An e-commerce document shows the actual supplier as `sply_gstin` (as in IMS; `ctin` is the
  operator, rules.md §0).
- `itcsumm.itcrev` prints what GSTN prints (no `revsup`, no `ecom`) with the full group totals;
  Rule 37A reversals (R-2B-8) are also listed in `cpsumm.itcrev` as `{"b2b": {ctin, trdnm,
  supprd, ttldocs 0, txval 0, igst, cgst, sgst, cess}}` so the reversal names its supplier.
- Empty sections are left out of `cpsumm`, `docdata`, `docRejdata` and `cpSummRej` (an empty
  2B still has all four objects, R-SEQ-3).

`read_gstr2b` reads the v1 fixture (rate-wise `items`), the v4 fixture (document-level amounts)
and this module's own output into `ParsedGstr2B`; shape problems are collected, never raised.

Example (example-month.md, 2B of R for 102024): `gstr2b_json(b)["itcsumm"]["itcavl"]
["nonrevsup"]` is `{"igst": 1800.00, ..., "b2b": {"igst": 1800.00, ...}, ...}` and
`docdata.b2b` holds S1's wrapper with INV-101 (`itcavl` "Y") and RCM-1 (`rev` "Y"), and S2's
with INV-201 (`itcavl` "N", `rsn` "P"); `read_gstr2b(...).itc("itcavl.nonrevsup.igst")` is
`Decimal("1800.00")`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeAlias

from gstims.domain.documents import Problem
from gstims.domain.gstr2b import (
    GROUP_SECTIONS,
    Bucket,
    DocLine,
    Group,
    Gstr2B,
    ItcBucket,
    ItcSummary,
    Rule37A,
    Section2B,
    SupplierRow,
)
from gstims.domain.money import ZERO, Tax, money, sum_tax
from gstims.domain.records import Kind
from gstims.formats.encoding import amount, boe_parts, day, yes_no
from gstims.formats.reading import Fields, decimal_of, kind_of, objects

__all__ = [
    "Counterparty2B",
    "Document2B",
    "ItcTree",
    "ParsedGstr2B",
    "gstr2b_json",
    "read_gstr2b",
]

S = Section2B
_SEZ_TYPES = {"SEWP": "SEZWP", "SEWOP": "SEZWOP"}  # GSTR-1 inv_typ → 2B typ
_DOCDATA_SECTION = {S.IMPGA: "impg", S.IMPGASEZ: "impgsez"}  # amended BoEs: isamd Y
_DOCDATA_ORDER = ("b2b", "b2ba", "cdnr", "cdnra", "isd", "isda", "impg", "impgsez", "ecom", "ecoma")
_LIST_KEY = {
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
# What GSTN prints of itcrev: no revsup, no ecom (formats.md §2.3); other buckets print all.
_ITCREV_PRINTED: Mapping[Group, tuple[Section2B, ...]] = {
    Group.NONREVSUP: (S.B2B, S.B2BA, S.CDNR, S.CDNRA),
    Group.ISDSUP: GROUP_SECTIONS[Group.ISDSUP],
    Group.IMPORTS: GROUP_SECTIONS[Group.IMPORTS],
    Group.OTHERSUP: GROUP_SECTIONS[Group.OTHERSUP],
}


# -- writing ----------------------------------------------------------------------------------


def gstr2b_json(b: Gstr2B) -> dict[str, Any]:
    """The GSTR-2B `data` object of GET2B (R-2B-7)."""
    return {
        "gstin": b.recipient,
        "rtnprd": b.period.code,
        "version": f"{b.version}.0",
        "gendt": day(b.generated_on),
        "itcsumm": _itcsumm(b.itc),
        "cpsumm": _cpsumm(b.suppliers, b.documents, b.rule_37a),
        "docdata": _docdata(b.documents),
        "docRejdata": _docdata(b.rejected_documents),
        "cpSummRej": _cpsumm(b.rejected_suppliers, b.rejected_documents, ()),
    }


def _tax(tax: Tax) -> dict[str, Decimal]:
    return {
        "igst": amount(tax.igst),
        "cgst": amount(tax.cgst),
        "sgst": amount(tax.sgst),
        "cess": amount(tax.cess),
    }


def _itcsumm(itc: ItcSummary) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for bucket in Bucket:
        printed = _ITCREV_PRINTED if bucket is Bucket.ITCREV else GROUP_SECTIONS
        out[bucket.value] = _itc_bucket(itc.bucket(bucket), printed)
    return out


def _itc_bucket(
    bucket: ItcBucket, printed: Mapping[Group, tuple[Section2B, ...]]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for group, sections in printed.items():
        totals = bucket.group(group)
        node: dict[str, Any] = _tax(totals.total)
        for section in sections:
            node[section.value] = _tax(totals[section])
        out[group.value] = node
    return out


# docdata / docRejdata


def _docdata(lines: Iterable[DocLine]) -> dict[str, list[dict[str, Any]]]:
    sections: dict[str, list[dict[str, Any]]] = {}
    wrappers: dict[tuple[Any, ...], dict[str, Any]] = {}
    for line in lines:
        name = _DOCDATA_SECTION.get(line.section, line.section.value)
        if name == "impg":
            sections.setdefault(name, []).append(_boe(line))
            continue
        key: tuple[Any, ...] = (name, line.supplier)
        if name != "impgsez":
            key += (line.supplier_period, line.supplier_filed_on)
        wrapper = wrappers.get(key)
        if wrapper is None:
            wrapper = wrappers[key] = _wrapper(line, name)
            sections.setdefault(name, []).append(wrapper)
        wrapper[_LIST_KEY[name]].append(_document(line, name))
    return {name: sections[name] for name in _DOCDATA_ORDER if name in sections}


def _wrapper(line: DocLine, name: str) -> dict[str, Any]:
    wrapper: dict[str, Any] = {"ctin": line.supplier, "trdnm": line.trade_name}
    if name != "impgsez":
        wrapper["supfildt"] = day(line.supplier_filed_on)
        wrapper["supprd"] = line.supplier_period.code
    wrapper[_LIST_KEY[name]] = []
    return wrapper


def _document(line: DocLine, name: str) -> dict[str, Any]:
    if name in ("cdnr", "cdnra"):
        doc = _note(line)
    elif name in ("isd", "isda"):
        doc = _isd(line)
    elif name == "impgsez":
        doc = _boe(line)
    else:
        doc = _invoice(line)
        if line.kind is Kind.ECO and line.record.actual_supplier:
            doc["sply_gstin"] = line.record.actual_supplier
    if line.state.remarks is not None:
        doc["remarks"] = line.state.remarks
    return doc


def _invoice(line: DocLine) -> dict[str, Any]:
    doc: dict[str, Any] = {"inum": line.number}
    if line.original_number is not None:
        doc["oinum"] = line.original_number
        doc["oidt"] = day(line.original_date)
    doc["typ"] = _SEZ_TYPES.get(line.supply_type, line.supply_type)
    doc.update(_document_terms(line))
    return doc


def _note(line: DocLine) -> dict[str, Any]:
    note_type = "C" if line.kind is Kind.CN else "D"
    doc: dict[str, Any] = {}
    if line.original_number is not None:
        doc["onttyp"] = note_type
        doc["ontnum"] = line.original_number
        doc["ontdt"] = day(line.original_date)
    doc["ntnum"] = line.number
    doc["typ"] = note_type
    doc["suptyp"] = _SEZ_TYPES.get(line.supply_type, line.supply_type)
    doc.update(_document_terms(line))
    return doc


def _document_terms(line: DocLine) -> dict[str, Any]:
    """What invoices and notes share, after their number and type."""
    diff = line.diff_percent
    return {
        "dt": day(line.doc_date),
        "val": amount(line.value),
        "pos": line.pos,
        "rev": yes_no(line.reverse_charge),
        "itcavl": yes_no(line.itc_available),
        "rsn": "" if line.reason is None else line.reason.value,
        "diffprcnt": 1 if diff is None or diff == 1 else diff,
        "txval": amount(line.taxable),
        **_tax(line.tax),
    }


def _isd(line: DocLine) -> dict[str, Any]:
    doc_type = "ISDC" if line.kind is Kind.CN else "ISDI"
    doc: dict[str, Any] = {}
    if line.original_number is not None:
        doc["odoctyp"] = doc_type
        doc["odocnum"] = line.original_number
        doc["odocdt"] = day(line.original_date)
    doc.update({"doctyp": doc_type, "docnum": line.number, "docdt": day(line.doc_date)})
    doc.update(_tax(line.tax))
    doc["itcelg"] = yes_no(line.itc_available)
    return doc


def _boe(line: DocLine) -> dict[str, Any]:
    port_code, boe_number = boe_parts(line.record)
    doc: dict[str, Any] = {
        "refdt": day(line.record.ref_date),
        "recdt": day(line.supplier_filed_on),
        "portcode": port_code,
        "boenum": boe_number,
        "boedt": day(line.doc_date),
        "isamd": yes_no(line.section in _DOCDATA_SECTION),
        "txval": amount(line.taxable),
        "igst": amount(line.tax.igst),
        "cess": amount(line.tax.cess),
    }
    if line.state.remarks is not None:
        doc["remarks"] = line.state.remarks
    return doc


# cpsumm / cpSummRej


def _cpsumm(
    rows: Sequence[SupplierRow], lines: Sequence[DocLine], rule_37a: Sequence[Rule37A]
) -> dict[str, list[dict[str, Any]]]:
    port_codes: dict[str, str] = {}
    for line in lines:
        if line.kind is Kind.BOE and line.supplier:
            port_codes.setdefault(line.supplier, boe_parts(line.record)[0])
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        name = _DOCDATA_SECTION.get(row.section, row.section.value)
        if name == "impg":
            continue  # ICEGATE imports have no counterparty
        out.setdefault(name, []).append(_cp_row(row, name, port_codes.get(row.supplier, "")))
    reversals = [r for r in rule_37a if not r.reclaim]
    if reversals:
        out["itcrev"] = [{"b2b": _rule_37a_row(r)} for r in reversals]
    return {name: out[name] for name in (*_DOCDATA_ORDER, "itcrev") if name in out}


def _cp_row(row: SupplierRow, name: str, port_code: str) -> dict[str, Any]:
    out: dict[str, Any] = {"ctin": row.supplier, "trdnm": row.trade_name}
    if name == "impgsez":
        out.update({"portcode": port_code, "ttldocs": row.documents})
        out.update({"txval": amount(row.taxable), "igst": amount(row.tax.igst)})
        out["cess"] = amount(row.tax.cess)
        return out
    out["supprd"] = row.supplier_period.code
    out["supfildt"] = day(row.filed_on)
    if name in ("cdnr", "cdnra"):
        out["nttyp"] = "C" if row.kind is Kind.CN else "D"
    elif name in ("isd", "isda"):
        out["doctyp"] = "ISDC" if row.kind is Kind.CN else "ISDI"
    out["ttldocs"] = row.documents
    if name not in ("isd", "isda"):
        out["txval"] = amount(row.taxable)
    out.update(_tax(row.tax))
    return out


def _rule_37a_row(reversal: Rule37A) -> dict[str, Any]:
    return {
        "ctin": reversal.supplier,
        "trdnm": reversal.trade_name,
        "supprd": reversal.supplier_period.code,
        "ttldocs": 0,
        "txval": amount(ZERO),
        **_tax(reversal.tax),
    }


# -- reading ----------------------------------------------------------------------------------

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
        for doc in group.children(_LIST_KEY[name]):
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
