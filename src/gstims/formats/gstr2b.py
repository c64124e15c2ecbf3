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

`read_gstr2b` (in `gstr2b_reader`, re-exported here) reads the v1 fixture (rate-wise `items`), the
v4 fixture (document-level amounts) and this module's own output into `ParsedGstr2B`.

Example (example-month.md, 2B of R for 102024): `gstr2b_json(b)["itcsumm"]["itcavl"]
["nonrevsup"]` is `{"igst": 1800.00, ..., "b2b": {"igst": 1800.00, ...}, ...}` and
`docdata.b2b` holds S1's wrapper with INV-101 (`itcavl` "Y") and RCM-1 (`rev` "Y"), and S2's
with INV-201 (`itcavl` "N", `rsn` "P"); `read_gstr2b(...).itc("itcavl.nonrevsup.igst")` is
`Decimal("1800.00")`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from gstims.codec import Fragment, fragment, string_json
from gstims.domain.calendar import Period
from gstims.domain.gstr2b import (
    GROUP_SECTIONS,
    Bucket,
    DocLine,
    Group,
    Gstr2B,
    ItcBucket,
    ItcSummary,
    Reason,
    Rule37A,
    Section2B,
    SupplierRow,
)
from gstims.domain.money import NO_TAX, ZERO, Tax
from gstims.domain.records import Kind
from gstims.formats.encoding import amount, boe_parts, day, yes_no
from gstims.formats.gstr2b_reader import (
    LIST_KEYS,
    Counterparty2B,
    Document2B,
    ItcTree,
    ParsedGstr2B,
    read_gstr2b,
)

__all__ = [
    "USUAL_SECTIONS",
    "Counterparty2B",
    "Docdata",
    "Document2B",
    "ItcTree",
    "ParsedGstr2B",
    "gstr2b_json",
    "gstr2b_json_of",
    "read_gstr2b",
    "usual_document",
]

S = Section2B
_SEZ_TYPES = {"SEWP": "SEZWP", "SEWOP": "SEZWOP"}  # GSTR-1 inv_typ → 2B typ
_DOCDATA_SECTION = {S.IMPGA: "impg", S.IMPGASEZ: "impgsez"}  # amended BoEs: isamd Y
_DOCDATA_NAME = {s: _DOCDATA_SECTION.get(s, s.value) for s in Section2B}
_DOCDATA_ORDER = ("b2b", "b2ba", "cdnr", "cdnra", "isd", "isda", "impg", "impgsez", "ecom", "ecoma")
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
    documents, rejected = Docdata(), Docdata()
    for line in b.documents:
        documents.add(line)
    for line in b.rejected_documents:
        rejected.add(line)
    return gstr2b_json_of(b, documents, rejected)


def gstr2b_json_of(b: Gstr2B, documents: Docdata, rejected: Docdata) -> dict[str, Any]:
    """The `data` object of `b` whose `docdata` / `docRejdata` were written into `documents`
    / `rejected` (`b.documents` and `b.rejected_documents` are not read): how a 2B built
    column by column, which never makes its `DocLine`s, is written (`services/gstr2b_build`)."""
    return {
        "gstin": b.recipient,
        "rtnprd": b.period.code,
        "version": f"{b.version}.0",
        "gendt": day(b.generated_on),
        "itcsumm": _itcsumm(b.itc),
        "cpsumm": _cpsumm(b.suppliers, documents.port_codes, b.rule_37a),
        "docdata": documents.data(),
        "docRejdata": rejected.data(),
        "cpSummRej": _cpsumm(b.rejected_suppliers, rejected.port_codes, ()),
    }


def _tax(tax: Tax) -> dict[str, Decimal]:
    if tax is NO_TAX:  # most cells of a small 2B (what `amount` of each head gives)
        return {"igst": ZERO, "cgst": ZERO, "sgst": ZERO, "cess": ZERO}
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


class Docdata:
    """`docdata` (or `docRejdata`) written a document at a time, in the 2B's order: documents
    of one section, supplier, supplier period and filing date share a wrapper (`impgsez`: of
    one section and supplier; `impg` has none); sections come out in GSTN's order. Also keeps
    the port code of each importer's first bill of entry, for `cpsumm`."""

    __slots__ = ("port_codes", "sections", "wrappers")

    def __init__(self) -> None:
        self.sections: dict[str, list[dict[str, Any]]] = {}
        self.wrappers: dict[tuple[Any, ...], list[Any]] = {}  # its documents: dicts, fragments
        self.port_codes: dict[str, str] = {}

    def add(self, line: DocLine) -> None:
        name = _DOCDATA_NAME[line.placement.section]
        record = line.entry.record
        if record.key.kind is Kind.BOE and record.key.supplier:
            self.port_codes.setdefault(record.key.supplier, boe_parts(record)[0])
        if name == "impg":
            self.sections.setdefault(name, []).append(_boe(line))
            return
        self.documents(
            name, record.key.supplier, line.trade_name, record.supplier_period, record.filed_on
        ).append(_document(line, name))

    def documents(
        self, name: str, supplier: str, trade_name: str, period: Period, filed_on: date | None
    ) -> list[Any]:
        """The document list of the wrapper of these (made, at the end of its section, when
        it is the first); not for `impg`."""
        key: tuple[Any, ...]
        if name != "impgsez":
            key = (name, supplier, period.year, period.month, filed_on)
        else:
            key = (name, supplier)
        found = self.wrappers.get(key)
        if found is None:
            wrapper: dict[str, Any] = {"ctin": supplier, "trdnm": trade_name}
            if name != "impgsez":
                wrapper["supfildt"] = day(filed_on)
                wrapper["supprd"] = period.code
            found = self.wrappers[key] = wrapper[LIST_KEYS[name]] = []
            self.sections.setdefault(name, []).append(wrapper)
        return found

    def data(self) -> dict[str, list[dict[str, Any]]]:
        return {name: self.sections[name] for name in _DOCDATA_ORDER if name in self.sections}


def _document(line: DocLine, name: str) -> dict[str, Any]:
    if name == "b2b":  # the common case first
        doc = _invoice(line)
    elif name in ("cdnr", "cdnra"):
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
    record = line.entry.record
    original = record.original
    if original is None or not original.consumed:  # the common case: one dict, built once
        tax, diff, reason = record.tax, record.diff_percent, line.placement.reason
        supply_type = record.supply_type
        return {
            "inum": record.number,
            "typ": _SEZ_TYPES.get(supply_type, supply_type),
            "dt": day(record.doc_date),
            "val": amount(record.value),
            "pos": record.pos,
            "rev": "Y" if record.reverse_charge else "N",
            "itcavl": "Y" if reason is None else "N",
            "rsn": "" if reason is None else reason.value,
            "diffprcnt": 1 if diff is None or diff == 1 else diff,
            "txval": amount(record.taxable),
            "igst": amount(tax.igst),
            "cgst": amount(tax.cgst),
            "sgst": amount(tax.sgst),
            "cess": amount(tax.cess),
        }
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


USUAL_SECTIONS = frozenset({"b2b", "cdnr", "isd"})


def usual_document(
    name: str,
    credit_note: bool,
    number: str,
    supply_type: str,
    doc_date: str,
    value: int,
    pos: str,
    reverse_charge: bool,
    reason: Reason | None,
    taxable: int,
    igst: int,
    cgst: int,
    sgst: int,
    cess: int,
) -> Fragment:
    """The JSON text `_document` writes for the usual document of a `USUAL_SECTIONS`
    section — an invoice, note or ISD document with no original, remarks or differential
    percentage — from its values (`doc_date` as `day` writes it, amounts in paise, none
    negative), for a 2B
    built column by column: a template filled in, no dict and no `Decimal` (whose writing is
    most of what encoding a document costs). `tests/integration/test_gstr2b_build.py` holds
    the two together, byte for byte."""
    if value | taxable | igst | cgst | sgst | cess < 0:
        raise ValueError("a usual document's amounts are not negative")
    rev, available = (b"Y" if reverse_charge else b"N"), (b"Y" if reason is None else b"N")
    if name == "isd":
        return fragment(
            _ISD
            % (
                b"ISDC" if credit_note else b"ISDI",
                string_json(number),
                _text(doc_date),
                *divmod(igst, 100),
                *divmod(cgst, 100),
                *divmod(sgst, 100),
                *divmod(cess, 100),
                available,
            )
        )
    supply = _text(_SEZ_TYPES.get(supply_type, supply_type))
    if name == "b2b":
        template, kind = _B2B, supply
    elif name == "cdnr":
        template = _CDNR
        kind = (b'"C","suptyp":' if credit_note else b'"D","suptyp":') + supply
    else:
        raise ValueError(f"no usual document in {name}")
    return fragment(
        template
        % (
            string_json(number),
            kind,
            _text(doc_date),
            value // 100,
            value % 100,
            _text(pos),
            rev,
            available,
            b"" if reason is None else reason.value.encode(),
            taxable // 100,
            taxable % 100,
            igst // 100,
            igst % 100,
            cgst // 100,
            cgst % 100,
            sgst // 100,
            sgst % 100,
            cess // 100,
            cess % 100,
        )
    )


# amounts as `amount` writes them: paise p ≥ 0 as "%d.%02d" % (p // 100, p % 100)
_TERMS = (
    b',"dt":%b,"val":%d.%02d,"pos":%b,"rev":"%b","itcavl":"%b","rsn":"%b","diffprcnt":1,'
    b'"txval":%d.%02d,"igst":%d.%02d,"cgst":%d.%02d,"sgst":%d.%02d,"cess":%d.%02d}'
)
_B2B = b'{"inum":%b,"typ":%b' + _TERMS
_CDNR = b'{"ntnum":%b,"typ":%b' + _TERMS
_ISD = (
    b'{"doctyp":"%b","docnum":%b,"docdt":%b,"igst":%d.%02d,"cgst":%d.%02d,"sgst":%d.%02d,'
    b'"cess":%d.%02d,"itcelg":"%b"}'
)


class _Texts(dict[str, bytes]):
    """A string of a few distinct values (dates, states, supply types) → its JSON text."""

    def __missing__(self, value: str) -> bytes:
        text = string_json(value)
        if len(self) < 65536:
            self[value] = text
        return text


_text = _Texts().__getitem__


# cpsumm / cpSummRej


def _cpsumm(
    rows: Sequence[SupplierRow], port_codes: Mapping[str, str], rule_37a: Sequence[Rule37A]
) -> dict[str, list[dict[str, Any]]]:
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
