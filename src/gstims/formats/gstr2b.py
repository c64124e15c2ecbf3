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

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

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
from gstims.domain.money import ZERO, Tax
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
        name = _DOCDATA_NAME[line.placement.section]
        if name == "impg":
            sections.setdefault(name, []).append(_boe(line))
            continue
        record = line.entry.record
        key: tuple[Any, ...]
        if name != "impgsez":
            sp = record.supplier_period  # (year, month): a tuple hashes faster than a Period
            key = (name, record.key.supplier, sp.year, sp.month, record.filed_on)
        else:
            key = (name, record.key.supplier)
        wrapper = wrappers.get(key)
        if wrapper is None:
            wrapper = wrappers[key] = _wrapper(line, name)
            sections.setdefault(name, []).append(wrapper)
        wrapper[LIST_KEYS[name]].append(_document(line, name))
    return {name: sections[name] for name in _DOCDATA_ORDER if name in sections}


def _wrapper(line: DocLine, name: str) -> dict[str, Any]:
    wrapper: dict[str, Any] = {"ctin": line.supplier, "trdnm": line.trade_name}
    if name != "impgsez":
        wrapper["supfildt"] = day(line.supplier_filed_on)
        wrapper["supprd"] = line.supplier_period.code
    wrapper[LIST_KEYS[name]] = []
    return wrapper


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
