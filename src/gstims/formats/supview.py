"""SUPVIEW: the supplier's own records with each recipient's action and remarks (R-SUP-1).

Shape (ims-research.md §9.7): `{gstin, rtnprd, gstr1: {b2b: [{ctin, inv: [{inum, idt, val,
pos, rchrg, inv_typ, imsactn, remarks, itms, oinum?, oidt?}]}], cdnr: [{ctin, nt: [...]}],
ecom: {b2b: [...]}}}` — `ctin` is the recipient. A consumed record shows the action its
recipient's GSTR-3B consumed it with.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gstims.domain.calendar import Period
from gstims.domain.ims import SupplierRecord
from gstims.domain.records import Kind
from gstims.formats.encoding import amount, day, yes_no

_SECTION = {Kind.INV: "b2b", Kind.DN: "cdnr", Kind.CN: "cdnr", Kind.ECO: "ecom"}


def supview_json(
    gstin: str, period: Period, form: str, rows: Iterable[SupplierRecord]
) -> dict[str, Any]:
    sections: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in rows:
        record = row.record
        name = _SECTION[record.key.kind]
        if record.original is not None:
            name += "a"
        by_recipient = sections.setdefault(name, {})
        by_recipient.setdefault(record.key.recipient, []).append(_document(row))
    body = {
        name: [{"ctin": ctin, _SECTION_KEYS[name]: docs} for ctin, docs in by_recipient.items()]
        for name, by_recipient in sections.items()
    }
    return {"gstin": gstin, "rtnprd": period.code, form.lower(): body}


_SECTION_KEYS = {
    "b2b": "inv",
    "b2ba": "inv",
    "cdnr": "nt",
    "cdnra": "nt",
    "ecom": "inv",
    "ecoma": "inv",
}


def _document(row: SupplierRecord) -> dict[str, Any]:
    record, state = row.record, row.state
    note = record.key.kind in (Kind.CN, Kind.DN)
    out: dict[str, Any] = {
        ("nt_num" if note else "inum"): record.number,
        ("nt_dt" if note else "idt"): day(record.doc_date),
        "val": amount(record.value),
        "pos": record.pos,
        "rchrg": yes_no(record.reverse_charge),
        "inv_typ": record.supply_type,
        "imsactn": state.action.value,
        "remarks": state.remarks,
        "consumed": yes_no(row.consumed),
        "itms": [
            {
                "num": 1,
                "itm_det": {
                    "rt": record.rate if record.rate is not None else None,
                    "txval": amount(record.taxable),
                    "iamt": amount(record.tax.igst),
                    "camt": amount(record.tax.cgst),
                    "samt": amount(record.tax.sgst),
                    "csamt": amount(record.tax.cess),
                },
            }
        ],
    }
    if note:
        out["ntty"] = "C" if record.key.kind is Kind.CN else "D"
    if record.key.kind is Kind.ECO:
        out["sply_gstin"] = record.actual_supplier
    if record.original is not None:
        out["ont_num" if note else "oinum"] = record.original.number
        out["ont_dt" if note else "oidt"] = day(record.original.doc_date)
    return out
