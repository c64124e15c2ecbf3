"""IMS wire formats: GETINV records, the SAVE / RESETIMS body, REQSTS errors, GETCNT (api.md).

Sections (`b2b b2ba b2bdn b2bdna b2bcn b2bcna ecom ecoma impg impga impgsez impgseza`) and how
a record identifies itself in each:

    b2b b2ba ecom ecoma          stin + inum + idt        (amendments also oinum, oidt)
    b2bdn b2bdna b2bcn b2bcna    stin + nt_num + nt_dt    (amendments also ont_num, ont_dt)
    impg impga                   portcd + boenum + boedt
    impgsez impgseza             sgstin + portcd + boenum + boedt

A GETINV record carries amounts under `val`, `txval`, `iamt`, `camt`, `samt` and — IMS's own
spelling — `cess` (formats.md §0, §3.3); a bill of entry carries `txval`, `igst`, `cess`.
Credit-note amounts are positive. `itcRedReq` and `decl*` are null until a declaration exists
(R-ACT-7); `decl*` stay null for a full reduction (`itcRedReq` Y without amounts).

Decisions **(decision)**:
- An e-commerce record's `stin` is the operator that reported it (rules.md §0); the actual
  supplier is shown beside it as `sply_gstin`, a gstims extension (GSTN publishes no name).
- `oinum`/`oidt` (`ont_num`/`ont_dt`) are shown whenever the record amends another, also when
  the amendment replaced an unconsumed original in its plain section (R-IN-7).
- A bill of entry's record-key number is "PORTCODE/BOENUM"; REQSTS names it by `portcd` and
  `boenum`.
- In a SAVE, a record without `action` asks for No action, which the rule table refuses per
  record (R-ACT-9: use RESETIMS); `reqtyp`, when sent, must match the action. The offline-tool
  envelope `imsDetails` is read like `invdata` (formats.md §3.7).

Example (R-ACT-9). The SAVE body

    {"rtin": "29AABCR1718E1ZL", "reqtyp": "SAVE", "invdata": {"b2b": [{"stin":
     "27AAPFU0939F1ZV", "inum": "INV-102", "idt": "12-10-2024", "action": "R",
     "prev_status": "N", "remarks": "not ordered", "hash": "..."}], "b2x": []}}

reads as one `ActionItem(Section.B2B, "27AAPFU0939F1ZV", "INV-102", 12-10-2024, Action.REJECT,
prev_status=Action.NO_ACTION, remarks="not ordered")` (`hash` is read-only and ignored) and one
problem `b2x  invdata.b2x: unknown IMS section ...` — a malformed request, refused as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from gstims.codec import to_json_bytes
from gstims.domain.documents import Problem
from gstims.domain.ims import ActionItem, ImsRecord, ItemError
from gstims.domain.money import ZERO, Tax
from gstims.domain.records import SECTION_KIND, Action, Kind, Section
from gstims.domain.state import Declaration
from gstims.formats.encoding import amount, boe_parts, day, yes_no
from gstims.formats.reading import Fields, kind_of, objects

__all__ = [
    "error_report",
    "getcnt",
    "getinv_data",
    "getinv_record",
    "parse_action_request",
    "to_json_bytes",
]

_SECTIONS = {section.value: section for section in Section}
_ALL_OTHER = (
    Section.B2B,
    Section.B2BA,
    Section.B2BDN,
    Section.B2BDNA,
    Section.B2BCN,
    Section.B2BCNA,
    Section.ECOM,
    Section.ECOMA,
)
_IMPORTS = (Section.IMPG, Section.IMPGA, Section.IMPGSEZ, Section.IMPGSEZA)
_COUNT_KEYS = {
    Action.NO_ACTION: "noaction",
    Action.ACCEPT: "accept",
    Action.REJECT: "reject",
    Action.PENDING: "pending",
}
_DECLARED = ("declIgst", "declCgst", "declSgst", "declCess")
_ACTIONS = tuple(a.value for a in Action)


def _numbering(kind: Kind) -> tuple[str, str, str, str]:
    """(number, date, original number, original date) keys of a document kind."""
    if kind in (Kind.DN, Kind.CN):
        return "nt_num", "nt_dt", "ont_num", "ont_dt"
    return "inum", "idt", "oinum", "oidt"


# -- GETINV -----------------------------------------------------------------------------------


def getinv_data(
    records: Iterable[ImsRecord], sections: Iterable[Section] = ()
) -> dict[str, list[dict[str, Any]]]:
    """GETINV `data`: `{section: [record, ...]}`; each of `sections` appears even if empty."""
    out: dict[str, list[dict[str, Any]]] = {section.value: [] for section in sections}
    for r in records:
        out.setdefault(r.section.value, []).append(getinv_record(r))
    return out


def getinv_record(r: ImsRecord) -> dict[str, Any]:
    """One GETINV record as the recipient's IMS shows it."""
    if r.record.key.kind is Kind.BOE:
        return _boe_record(r)
    record, state = r.record, r.state
    number, doc_date, original_number, original_date = _numbering(record.key.kind)
    out: dict[str, Any] = {
        "stin": record.key.supplier,
        number: record.number,
        doc_date: day(record.doc_date),
    }
    if record.original is not None:
        out[original_number] = record.original.number
        out[original_date] = day(record.original.doc_date)
    if record.key.kind is Kind.ECO and record.actual_supplier:
        out["sply_gstin"] = record.actual_supplier
    declaration = state.declaration
    amounts = declaration.amounts if declaration is not None else None
    out.update(
        {
            "inv_typ": record.supply_type,
            "srcform": record.origin.value,
            "rtnprd": record.supplier_period.code,
            "srcfilstatus": "Filed" if record.is_filed else "Not Filed",
            "val": amount(record.value),
            "pos": record.pos,
            "txval": amount(record.taxable),
            "iamt": amount(record.tax.igst),
            "camt": amount(record.tax.cgst),
            "samt": amount(record.tax.sgst),
            "cess": amount(record.tax.cess),
            "action": state.action.value,
            "ispendactblocked": yes_no(r.pending_blocked),
            "isItcRedReqBlocked": yes_no(r.declaration_blocked),
            "isRemarksBlocked": "N",
            "remarks": state.remarks,
            "itcRedReq": None if declaration is None else yes_no(declaration.required),
            **dict(zip(_DECLARED, _declared(amounts), strict=True)),
            "hash": r.hash,
        }
    )
    return out


def _declared(amounts: Tax | None) -> tuple[Decimal | None, ...]:
    if amounts is None:
        return (None, None, None, None)
    return tuple(amount(head) for head in amounts.heads)


def _boe_record(r: ImsRecord) -> dict[str, Any]:
    record, state = r.record, r.state
    port_code, boe_number = boe_parts(record)
    out: dict[str, Any] = {}
    if record.key.supplier:
        out["sgstin"] = record.key.supplier
    out.update(
        {
            "portcd": port_code,
            "boenum": boe_number,
            "boedt": day(record.doc_date),
            "refdt": day(record.ref_date),
            "txval": amount(record.taxable),
            "igst": amount(record.tax.igst),
            "cess": amount(record.tax.cess),
            "action": state.action.value,
            "ispendactblocked": yes_no(r.pending_blocked),
            "isRemarksBlocked": "N",
            "remarks": state.remarks,
            "hash": r.hash,
        }
    )
    return out


# -- SAVE / RESETIMS --------------------------------------------------------------------------


def parse_action_request(
    data: Mapping[str, Any], *, reset: bool
) -> tuple[str, list[ActionItem], list[Problem]]:
    """The `data` of a SAVE (`reset=False`) or RESETIMS body: (rtin, items, problems).

    Problems are malformed parts (R-ACT-9: the request fails as a whole); business refusals
    are the rule table's, per item. Read-only fields (`hash`, amounts, `ispendactblocked`,
    `srcfilstatus`, ...) are ignored; in a RESET so are `action`, `remarks` and the
    declaration (R-ACT-10).
    """
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        problems.append(Problem("", "", "data", f"expected an object, got {kind_of(data)}"))
        return "", [], problems
    top = Fields(data, "", problems, "")
    rtin = top.text("rtin", blank=False) or ""
    expected = "RESET" if reset else "SAVE"
    reqtyp = top.text("reqtyp", required=False)
    if reqtyp is not None and reqtyp != expected:
        top.report("reqtyp", f"expected {expected!r}, got {reqtyp!r}")
    envelope = "imsDetails" if "invdata" not in data and "imsDetails" in data else "invdata"
    invdata = top.child(envelope)
    items: list[ActionItem] = []
    if invdata is not None:
        for name, records in invdata.obj.items():
            items.extend(_section_items(invdata, name, records, reset))
    return rtin, items, problems


def _section_items(invdata: Fields, name: str, records: Any, reset: bool) -> list[ActionItem]:
    section = _SECTIONS.get(name)
    if section is None:
        known = ", ".join(_SECTIONS)
        invdata.problems.append(
            Problem(name, "", invdata.at(name), f"unknown IMS section {name!r}; one of {known}")
        )
        return []
    if records is None:
        return []
    items: list[ActionItem] = []
    for rec in objects(records, invdata.at(name), invdata.problems, name):
        item = _action_item(rec, section, reset)
        if item is not None:
            items.append(item)
    return items


def _action_item(rec: Fields, section: Section, reset: bool) -> ActionItem | None:
    kind, _, sez = SECTION_KIND[section]
    if kind is Kind.BOE:
        port_code = rec.text("portcd", blank=False)
        boe_number = rec.text("boenum", blank=False)
        number = f"{port_code}/{boe_number}" if port_code and boe_number else None
        rec.number = number or boe_number or ""
        supplier = rec.text("sgstin", blank=False) if sez else ""
        doc_date = rec.date("boedt")
    else:
        number_key, date_key, _, _ = _numbering(kind)
        number = rec.text(number_key, blank=False)
        rec.number = number or ""
        supplier = rec.text("stin", blank=False)
        doc_date = rec.date(date_key)
    prev_status = _action(rec, "prev_status")
    action, remarks, declaration = Action.NO_ACTION, None, None
    if not reset:
        action = _action(rec, "action") or Action.NO_ACTION
        remarks = rec.text("remarks", required=False, blank=False)
        declaration = _declaration(rec)
    rtnprd = rec.obj.get("rtnprd")
    if not rec.ok or supplier is None or number is None or doc_date is None:
        return None
    return ActionItem(
        section=section,
        supplier=supplier,
        number=number,
        doc_date=doc_date,
        action=action,
        prev_status=prev_status,
        remarks=remarks,
        declaration=declaration,
        rtnprd=rtnprd if isinstance(rtnprd, str) else None,
    )


def _action(rec: Fields, key: str) -> Action | None:
    value = rec.choice(key, _ACTIONS, required=False)
    return None if value is None else Action(value)


def _declaration(rec: Fields) -> Declaration | None:
    """`itcRedReq` + `decl*` (R-ACT-7); null or "" means none (R-ACT-9)."""
    flag = rec.choice("itcRedReq", ("Y", "N"), required=False)
    declared = [_optional_amount(rec, key) for key in _DECLARED]
    if flag is None:
        return None
    if flag == "N":
        return Declaration(required=False)
    if all(head is None for head in declared):
        return Declaration(required=True)  # Y without amounts: the full tax
    igst, cgst, sgst, cess = (ZERO if head is None else head for head in declared)
    return Declaration(required=True, amounts=Tax(igst, cgst, sgst, cess))


def _optional_amount(rec: Fields, key: str) -> Decimal | None:
    if rec.obj.get(key) in (None, ""):
        return None
    return rec.amount(key)


# -- REQSTS and GETCNT ------------------------------------------------------------------------


def error_report(errors: Sequence[ItemError]) -> dict[str, list[dict[str, Any]]]:
    """REQSTS `error_report`: per section, one entry per supplier and error, naming the records.

    `{"b2bcn": [{"stin": ..., "error_cd": "IMSACT001", "error_msg": ..., "inv": [{"nt_num":
    "CN-11", "rtnprd": "102024"}]}]}` (R-ACT-9).
    """
    report: dict[str, list[dict[str, Any]]] = {}
    entries: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for error in errors:
        key = (error.section, error.supplier, error.code, error.message)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = {
                "stin": error.supplier,
                "error_cd": error.code,
                "error_msg": error.message,
                "inv": [],
            }
            report.setdefault(error.section, []).append(entry)
        entry["inv"].append(_error_document(error))
    return report


def _error_document(error: ItemError) -> dict[str, Any]:
    section = _SECTIONS.get(error.section)
    kind = SECTION_KIND[section][0] if section is not None else Kind.INV
    if kind is Kind.BOE:
        port_code, _, boe_number = error.number.partition("/")
        return {"portcd": port_code, "boenum": boe_number, "rtnprd": error.rtnprd}
    return {_numbering(kind)[0]: error.number, "rtnprd": error.rtnprd}


def getcnt(gstin: str, counts: Mapping[Section, Mapping[Action, int]]) -> dict[str, Any]:
    """GETCNT `data`: records by section and action, other documents and imports apart."""
    return {
        "gstin": gstin,
        "invoicecount": [
            {"all_oth": _count_group(_ALL_OTHER, counts), "imp_gds": _count_group(_IMPORTS, counts)}
        ],
    }


def _count_group(
    sections: Sequence[Section], counts: Mapping[Section, Mapping[Action, int]]
) -> dict[str, Any]:
    group: dict[str, Any] = {}
    total = 0
    for section in sections:
        by_action = counts.get(section, {})
        group[section.value] = {key: by_action.get(a, 0) for a, key in _COUNT_KEYS.items()}
        total += sum(by_action.get(a, 0) for a in _COUNT_KEYS)
    group["ttl_cnt"] = total
    return group
