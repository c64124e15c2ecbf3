"""Recipient IMS use cases: list, count, SAVE, RESETIMS and the request status (R-ACT-1..11).

A SAVE or RESET is one transaction that decides every record on its own (R-ACT-9): the rule
table `gstims.domain.actions` says yes (a new state) or no (a refusal with its code). The
accepted changes are written with one UPDATE statement over the selection and one audit
INSERT (R-ACT-11); the refusals go to the request's error report (REQSTS `PE`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select

from gstims.domain.actions import (
    Code,
    RecordView,
    Refusal,
    decide,
    declaration_blocked,
    pending_blocked,
    reset,
    view_of,
)
from gstims.domain.calendar import Period
from gstims.domain.records import (
    SECTION_KIND,
    SECTIONS,
    Action,
    Kind,
    Record,
    Route,
    Section,
    normalise_number,
    period_2b,
)
from gstims.domain.state import Declaration, ImsState
from gstims.services.context import (
    Taxpayer,
    audit_entry,
    bump_ims_version,
    gc_paused,
    new_reference,
    taxpayer,
    write_audit,
)
from gstims.services.errors import NotFound
from gstims.services.rows import (
    RECORD_COLUMNS,
    STATE_COLUMNS,
    period_of,
    record_of,
    state_columns,
    state_of,
)
from gstims.store.bulk import in_values, update_many
from gstims.store.db import UnitOfWork
from gstims.store.tables import audit_log, records, requests


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One record of a SAVE or RESET, as the client identified it."""

    section: Section
    supplier: str  # stin; for a bill of entry the SEZ supplier, or ""
    number: str  # inum / nt_num; for a bill of entry "PORTCODE/BOENUM"
    doc_date: date
    action: Action = Action.NO_ACTION
    prev_status: Action | None = None
    remarks: str | None = None
    declaration: Declaration | None = None
    rtnprd: str | None = None


@dataclass(frozen=True, slots=True)
class ItemError:
    section: str
    supplier: str
    number: str
    rtnprd: str | None
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ImsRecord:
    """A record as the recipient's IMS shows it (GETINV)."""

    id: int
    record: Record
    state: ImsState
    section: Section
    view: RecordView
    pending_blocked: bool
    declaration_blocked: bool
    hash: str


@dataclass(frozen=True, slots=True)
class ImsFilter:
    section: Section | None = None
    supplier: str | None = None
    action: Action | None = None
    page: int = 1
    page_size: int | None = None


def _in_ims(recipient: str) -> Any:
    return and_(
        records.c.recipient == recipient,
        records.c.live.is_(True),
        records.c.consumed_in.is_(None),
        records.c.route == Route.IMS.value,
    )


def _section_clause(section: Section) -> Any:
    kind, amends_consumed, sez = SECTION_KIND[section]
    clauses = [records.c.kind == kind.value]
    if amends_consumed:
        clauses.append(records.c.orig_consumed.is_(True))
    else:
        clauses.append(func.coalesce(records.c.orig_consumed, False).is_(False))
    if kind is Kind.BOE:
        clauses.append(records.c.supplier != "" if sez else records.c.supplier == "")
    return and_(*clauses)


def list_records(uow: UnitOfWork, recipient: str, flt: ImsFilter = ImsFilter()) -> list[ImsRecord]:
    """GETINV: the live, unconsumed IMS records naming the recipient, filtered and paged."""
    tp = taxpayer(uow, recipient)
    today = uow.today()
    query = select(records).where(_in_ims(recipient)).order_by(records.c.id)
    if flt.section is not None:
        query = query.where(_section_clause(flt.section))
    if flt.supplier:
        query = query.where(records.c.supplier == flt.supplier)
    if flt.action is not None:
        query = query.where(records.c.action == flt.action.value)
    if flt.page_size:
        query = query.limit(flt.page_size).offset((max(flt.page, 1) - 1) * flt.page_size)
    return [ims_record(row, tp, today) for row in uow.conn.execute(query).mappings()]


def ims_record(row: Mapping[str, Any], tp: Taxpayer, today: date) -> ImsRecord:
    record = record_of(row)
    state = state_of(row)
    view = view_of(record, state, current_period_2b(row, record, tp, today), tp.frequency, tp.state)
    return ImsRecord(
        row["id"],
        record,
        state,
        record.section,
        view,
        pending_blocked(view, today),
        declaration_blocked(view),
        row["hash"],
    )


def current_period_2b(row: Mapping[str, Any], record: Record, tp: Taxpayer, today: date) -> Period:
    """The stored 2B period, or for a saved, unfiled record the one it would get if filed today.

    rules.md §0 **(decision)**: the provisional period (and so the era, R-ACT-3/4) moves with
    the clock until the supplier files.
    """
    if row["filed_on"] is None:
        return period_2b(record, tp.frequency, today)
    return period_of(row["period_2b"])


def counts(uow: UnitOfWork, recipient: str) -> dict[Section, dict[Action, int]]:
    """GETCNT: records by section and action, in one aggregate query."""
    taxpayer(uow, recipient)
    consumed_flag = func.coalesce(records.c.orig_consumed, False)
    sez = records.c.supplier != ""
    rows = uow.conn.execute(
        select(records.c.kind, consumed_flag, sez, records.c.action, func.count())
        .where(_in_ims(recipient))
        .group_by(records.c.kind, consumed_flag, sez, records.c.action)
    ).all()
    out: dict[Section, dict[Action, int]] = {s: {a: 0 for a in Action} for s in Section}
    for kind, amends, is_sez, action, n in rows:
        key = (Kind(kind), bool(amends), bool(is_sez) and kind == Kind.BOE.value)
        section = _SECTIONS_BY_KEY[key]
        out[section][Action(action)] += n
    return out


_SECTIONS_BY_KEY = {v: k for k, v in SECTION_KIND.items()}


# -- SAVE and RESET ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionResult:
    reference_id: str
    applied: int
    errors: list[ItemError]


@gc_paused
def save_actions(
    uow: UnitOfWork, recipient: str, items: Sequence[ActionItem], actor: str
) -> ActionResult:
    """SAVE: accept, reject or keep pending, each record on its own (R-ACT-9)."""
    return _act(uow, recipient, items, actor, "SAVE")


@gc_paused
def reset_actions(
    uow: UnitOfWork, recipient: str, items: Sequence[ActionItem], actor: str
) -> ActionResult:
    """RESETIMS: back to No action (R-ACT-10)."""
    return _act(uow, recipient, items, actor, "RESET")


def _act(
    uow: UnitOfWork, recipient: str, items: Sequence[ActionItem], actor: str, kind: str
) -> ActionResult:
    tp = taxpayer(uow, recipient)
    uow.lock([recipient])
    today = uow.today()
    reference = new_reference()
    found = _find(uow, recipient, items)
    changes: dict[int, dict[str, Any]] = {}  # record id → its new columns
    times: Counter[int] = Counter()  # how many changes each record had (its version steps)
    audit: list[dict[str, Any]] = []
    errors: list[ItemError] = []
    judged: dict[tuple[Any, ...], ImsState | Refusal] = {}
    for item, match in zip(items, found, strict=True):
        outcome = _judged(judged, item, match, tp, today, kind)
        if isinstance(outcome, Refusal):
            errors.append(_error(item, outcome.code.value, outcome.message, match))
            continue
        row = match.row if match is not None else None
        if row is None or outcome == state_of(row):  # _outcome refuses unknown records
            continue
        columns = state_columns(outcome)
        changes[row["id"]] = columns
        times[row["id"]] += 1
        audit.append(
            audit_entry(
                row,
                outcome.action.value,
                actor=actor,
                day=today,
                remarks=outcome.remarks,
                request_id=reference,
                note="reset" if kind == "RESET" else None,
            )
        )
        row.update(columns)  # a later item naming the same record sees it
    if changes:
        now = datetime.now()
        update_many(
            uow.conn,
            records,
            [
                {"id": i, **columns, "acted_by": actor, "acted_at": now, "version": times[i]}
                for i, columns in changes.items()
            ],
            increment=("version",),
        )
        write_audit(uow, audit)
        bump_ims_version(uow, [recipient])
    _record_request(uow, reference, recipient, kind, len(items), errors, today)
    uow.commit()
    return ActionResult(reference, len(audit), errors)


def _judged(
    judged: dict[tuple[Any, ...], ImsState | Refusal],
    item: ActionItem,
    match: _Match | None,
    tp: Taxpayer,
    today: date,
    kind: str,
) -> ImsState | Refusal:
    """The rule table's answer, asked once per distinct question.

    A record that amends nothing is judged on its kind, its 2B period, its state and the
    item's request (its tax only when a declaration is checked against it), so a bulk accept of
    thousands of invoices asks `decide` a handful of times. Amendments are judged one by one.
    """
    row = match.row if match is not None else None
    if row is None or row["orig_number"] is not None:
        return _outcome(item, match, tp, today, kind)
    key = (
        row["kind"],
        row["supplier"] == "",
        row["period_2b"],
        row["filed_on"] is None,  # an unfiled record's 2B period follows today: it's fixed below
        row["source_period"],
        row["origin"],
        row["supplier_frequency"],
        row["route"],
        row["consumed_in"] is None,
        *(row[c] for c in _STATE_KEY),
        item.action,
        item.prev_status,
        item.remarks,
        item.declaration,
        *((row["igst"], row["cgst"], row["sgst"], row["cess"]) if item.declaration else ()),
    )
    outcome = judged.get(key)
    if outcome is None:
        outcome = judged[key] = _outcome(item, match, tp, today, kind)
    return outcome


_STATE_KEY = (
    "action",
    "remarks",
    "itc_red_req",
    "decl_igst",
    "decl_cgst",
    "decl_sgst",
    "decl_cess",
)


def _outcome(
    item: ActionItem, match: _Match | None, tp: Taxpayer, today: date, kind: str
) -> ImsState | Refusal:
    if match is None:
        return Refusal(Code.UNKNOWN_RECORD, "no such record in this recipient's IMS")
    row = match.row
    if row["consumed_in"] is not None:
        return Refusal(Code.CONSUMED, "the record is in a filed GSTR-3B and can no longer change")
    if row["route"] != Route.IMS.value:
        return Refusal(Code.NOT_IN_IMS, _NOT_IN_IMS.get(row["route"], "the record is not in IMS"))
    period = current_period_2b(row, match.record, tp, today)
    view = view_of(match.record, state_of(row), period, tp.frequency, tp.state)
    if kind == "RESET":
        return reset(view, item.prev_status)
    return decide(view, item.action, item.prev_status, item.remarks, item.declaration, today)


_NOT_IN_IMS = {
    Route.REVERSE_CHARGE.value: "a reverse-charge record goes straight to GSTR-2B (R-IN-5a)",
    Route.POS_INELIGIBLE.value: "ITC is not available by place of supply (R-IN-5e)",
    Route.TIME_BARRED.value: "past the section 16(4) limit: ITC not available (R-IN-5f)",
    Route.IMPORTS.value: "a bill of entry before October 2025 goes straight to GSTR-2B",
}


def _error(item: ActionItem, code: str, message: str, match: _Match | None = None) -> ItemError:
    """A refusal, naming the record's own return period when the record is known."""
    rtnprd = item.rtnprd
    if match is not None:
        rtnprd = period_of(match.row["source_period"]).code
    return ItemError(item.section.value, item.supplier, item.number, rtnprd, code, message)


class _Match:
    """An item's record: its row (updated as the request acts on it) and, when asked, its facts."""

    __slots__ = ("_record", "row")

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row
        self._record: Record | None = None

    @property
    def record(self) -> Record:
        if self._record is None:
            self._record = record_of(self.row)
        return self._record

    @property
    def section(self) -> Section:
        row = self.row
        kind = Kind(row["kind"])
        return SECTIONS[
            (kind, bool(row["orig_consumed"]), kind is Kind.BOE and row["supplier"] != "")
        ]


# what judging an item needs: the record, its state, where it is, and the audit's key
_MATCH_COLUMNS = [
    records.c[c]
    for c in (*RECORD_COLUMNS, *STATE_COLUMNS, "id", "route", "period_2b", "consumed_in")
]


def _find(uow: UnitOfWork, recipient: str, items: Sequence[ActionItem]) -> list[_Match | None]:
    """Each item's record: the live record with that supplier, kind, number and date.

    One query, through the record-key index: a record that amends nothing carries its own
    normalised number as its key number, so the candidates are the records with the items'
    numbers, plus the (few) amendments, whose key number is their original's. The exact
    identity is then matched here, as before.
    """
    kinds = sorted({SECTION_KIND[i.section][0].value for i in items})
    numbers = sorted({normalise_number(i.number) for i in items})
    suppliers = sorted({i.supplier for i in items})
    candidates = uow.conn.execute(
        select(*_MATCH_COLUMNS).where(
            records.c.recipient == recipient,
            in_values(uow.conn, records.c.supplier, suppliers),
            records.c.kind.in_(kinds),
            or_(
                in_values(uow.conn, records.c.number, numbers),
                records.c.orig_number.is_not(None),
            ),
            records.c.live.is_(True),
        )
    )
    keys = list(candidates.keys())
    supplier_at, kind_at, number_at, date_at, consumed_at, id_at = (
        keys.index(k) for k in ("supplier", "kind", "doc_number", "doc_date", "consumed_in", "id")
    )
    by_identity: dict[tuple[str, str, str, date], Any] = {}
    for values in candidates.all():
        ident = (
            values[supplier_at],
            values[kind_at],
            values[number_at].strip().upper(),
            values[date_at],
        )
        current = by_identity.get(ident)
        if current is None or (current[consumed_at] is not None and values[consumed_at] is None):
            by_identity[ident] = values
    kind_of_section = {s: SECTION_KIND[s][0].value for s in {i.section for i in items}}
    matches: dict[int, _Match] = {}
    found: list[_Match | None] = []
    for item in items:
        values = by_identity.get(
            (
                item.supplier,
                kind_of_section[item.section],
                normalise_number(item.number),
                item.doc_date,
            )
        )
        if values is None:
            found.append(None)
            continue
        match = matches.get(values[id_at])
        if match is None:
            row = dict(zip(keys, values, strict=True))
            match = matches[row["id"]] = _Match(row)  # one per record: later items see earlier ones
        if match.row["consumed_in"] is None and match.section is not item.section:
            match = None
        found.append(match)
    return found


def _record_request(
    uow: UnitOfWork,
    reference: str,
    gstin: str,
    kind: str,
    count: int,
    errors: list[ItemError],
    today: date,
) -> None:
    uow.conn.execute(
        insert(requests).values(
            reference_id=reference,
            gstin=gstin,
            kind=kind,
            status="PE" if errors else "P",
            proc_cnt=count - len(errors),
            err_cnt=len(errors),
            error_report=[_as_dict(e) for e in errors],
            created_on=today,
        )
    )


def _as_dict(error: ItemError) -> dict[str, Any]:
    return {
        "section": error.section,
        "supplier": error.supplier,
        "number": error.number,
        "rtnprd": error.rtnprd,
        "code": error.code,
        "message": error.message,
    }


@dataclass(frozen=True, slots=True)
class RequestStatus:
    reference_id: str
    kind: str
    status: str
    processed: int
    errors: list[ItemError]


def request_status(uow: UnitOfWork, gstin: str, reference_id: str) -> RequestStatus:
    """REQSTS / GENSTS2B: a request of this GSTIN, by its reference id."""
    row = (
        uow.conn.execute(
            select(requests).where(
                requests.c.reference_id == reference_id, requests.c.gstin == gstin
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound("GSTIMS404", f"no request {reference_id} for {gstin}")
    errors = [ItemError(**e) for e in row["error_report"] or []]
    return RequestStatus(row["reference_id"], row["kind"], row["status"], row["proc_cnt"], errors)


def history(uow: UnitOfWork, recipient: str, record_id: int) -> Iterator[Mapping[str, Any]]:
    """A record's audit trail, oldest first."""
    yield from uow.conn.execute(
        select(audit_log)
        .where(audit_log.c.recipient == recipient, audit_log.c.record_id == record_id)
        .order_by(audit_log.c.id)
    ).mappings()
