"""Recipient IMS use cases: list, count, SAVE, RESETIMS and the request status (R-ACT-1..11).

A SAVE or RESET is one transaction that decides every record on its own (R-ACT-9): the rule
table `gstims.domain.actions` says yes (a new state) or no (a refusal with its code). The
accepted changes are written set-based: one UPDATE per group of records that end in the same
state, and their audit entries (R-ACT-11) copied from the records by one INSERT ... SELECT
per group that made the same change. The refusals go to the request's error report (REQSTS
`PE`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from types import EllipsisType
from typing import Any

from gstims.domain.actions import (
    Code,
    Refusal,
    decide,
    declaration_blocked,
    pending_blocked,
    reset,
    view_of,
)
from gstims.domain.calendar import Period
from gstims.domain.ims import ActionItem, ImsFilter, ImsRecord, ItemError
from gstims.domain.records import (
    SECTION_KIND,
    SECTIONS,
    Action,
    Kind,
    Record,
    Section,
    normalise_number,
    period_2b,
)
from gstims.domain.state import ImsState
from gstims.domain.taxpayer import Taxpayer
from gstims.services.context import gc_paused, new_reference, taxpayer
from gstims.services.errors import NotFound
from gstims.store.db import UnitOfWork
from gstims.store.records.audit import entry as audit_entry
from gstims.store.records.mapping import (
    RECORD_COLUMNS,
    STATE_COLUMNS,
    period_of,
    record_of,
    route_of,
    state_columns,
    state_of,
)

_EVERY_RECORD = ImsFilter()


def list_records(
    uow: UnitOfWork, recipient: str, flt: ImsFilter = _EVERY_RECORD
) -> list[ImsRecord]:
    """GETINV: the live, unconsumed IMS records naming the recipient, filtered and paged."""
    tp = taxpayer(uow, recipient)
    today = uow.today()
    rows = uow.records.in_ims(
        recipient,
        section=flt.section,
        supplier=flt.supplier,
        action=flt.action,
        limit=flt.page_size,
        offset=(max(flt.page, 1) - 1) * (flt.page_size or 0),
    )
    return [ims_record(row, tp, today) for row in rows]


def ims_record(row: Mapping[Any, Any], tp: Taxpayer, today: date) -> ImsRecord:
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


def current_period_2b(row: Mapping[Any, Any], record: Record, tp: Taxpayer, today: date) -> Period:
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
    out: dict[Section, dict[Action, int]] = {s: {a: 0 for a in Action} for s in Section}
    for kind, amends, has_supplier, action, n in uow.records.count_in_ims(recipient):
        key = (Kind(kind), amends, has_supplier and kind == Kind.BOE.value)
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
    changes, errors = _judge_all(uow, items, _find(uow, recipient, items), tp, today, kind)
    if changes:
        now = datetime.now()
        steps = Counter(match for match, _, _ in changes)  # each record's version steps
        _write_states(uow, recipient, changes, steps, actor, now)
        note = "reset" if kind == "RESET" else None
        _write_audit(
            uow,
            recipient,
            changes,
            steps,
            actor=actor,
            day=today,
            at=now,
            request=reference,
            note=note,
        )
    _record_request(uow, reference, recipient, kind, len(items), errors, today)
    return ActionResult(reference, len(changes), errors)


# A change the request makes: the record, its action before, its new state (in item order).
_Change = tuple["_Match", str, ImsState]


def _judge_all(
    uow: UnitOfWork,
    items: Sequence[ActionItem],
    found: Sequence[_Match | None],
    tp: Taxpayer,
    today: date,
    kind: str,
) -> tuple[list[_Change], list[ItemError]]:
    """Each item judged in order, a later item on a record seeing what the earlier ones did.

    What `_outcome` reads of a record beyond `_find`'s columns is read first, in one query,
    for the records it will be asked about (`_judged_in_full`); the others share an answer.
    """
    questions = list(map(_question, items, found))
    _read_facts(uow, tp.gstin, _judged_in_full(found, questions))
    judged: dict[tuple[Any, ...], tuple[ImsState | Refusal, bool]] = {}
    changes: list[_Change] = []
    errors: list[ItemError] = []
    for item, match, question in zip(items, found, questions, strict=True):
        again = match is not None and match.named > 1
        if again:  # its state, so its question, may have changed on the way
            question = _question(item, match)
        outcome, changed = _judged(judged, question, item, match, tp, today, kind)
        if isinstance(outcome, Refusal):
            errors.append(_error(item, outcome.code.value, outcome.message, match))
        elif changed and match is not None:
            changes.append((match, match.action, outcome))
            if again:  # a record no other item names is not read again
                match.become(outcome)
    return changes, errors


def _judged(
    judged: dict[tuple[Any, ...], tuple[ImsState | Refusal, bool]],
    question: tuple[Any, ...] | None,
    item: ActionItem,
    match: _Match | None,
    tp: Taxpayer,
    today: date,
    kind: str,
) -> tuple[ImsState | Refusal, bool]:
    """The rule table's answer, and whether it changes the record, asked once per question.

    A record that amends nothing is judged on its kind, its 2B period, its state and the
    item's request (its tax only when a declaration is checked against it), so a bulk accept of
    thousands of invoices asks `decide` a handful of times. Amendments are judged one by one.
    """
    answer = judged.get(question) if question is not None else None
    if answer is None:
        outcome = _outcome(item, match, tp, today, kind)
        changed = (
            match is not None
            and not isinstance(outcome, Refusal)
            and outcome != state_of(match.row)
        )
        answer = (outcome, changed)
        if question is not None:
            judged[question] = answer
    return answer


def _question(item: ActionItem, match: _Match | None) -> tuple[Any, ...] | None:
    """What `_outcome` answers for the item, as a memo key; None when it is asked alone."""
    if match is None or (key := match.key) is None:
        return None
    if item.declaration is None:
        return (key, item.action, item.prev_status, item.remarks, None)
    row = match.row
    taxes = (row["igst"], row["cgst"], row["sgst"], row["cess"])
    return (key, item.action, item.prev_status, item.remarks, item.declaration, taxes)


def _judged_in_full(
    found: Sequence[_Match | None], questions: Sequence[tuple[Any, ...] | None]
) -> list[_Match]:
    """The records whose facts `_outcome` will read: an amendment, a record more than one item
    names (its state, so its question, changes on the way), and of the others the first to ask
    each question (the rest share its answer)."""
    asked: set[tuple[Any, ...]] = set()
    wanted: list[_Match] = []
    for match, question in zip(found, questions, strict=True):
        if match is None:
            continue
        if question is None or match.named > 1:
            wanted.append(match)
        elif question not in asked:
            asked.add(question)
            wanted.append(match)
    return wanted


def _outcome(
    item: ActionItem, match: _Match | None, tp: Taxpayer, today: date, kind: str
) -> ImsState | Refusal:
    if match is None:
        return Refusal(Code.UNKNOWN_RECORD, "no such record in this recipient's IMS")
    row = match.row
    period = current_period_2b(row, match.record, tp, today)
    consumed, route = row["consumed_in"] is not None, route_of(row["route"])
    view = view_of(match.record, state_of(row), period, tp.frequency, tp.state, consumed, route)
    if kind == "RESET":
        return reset(view, item.prev_status)
    return decide(view, item.action, item.prev_status, item.remarks, item.declaration, today)


def _error(item: ActionItem, code: str, message: str, match: _Match | None = None) -> ItemError:
    """A refusal, naming the record's own return period when the record is known."""
    rtnprd = item.rtnprd
    if match is not None:
        rtnprd = period_of(match.row["source_period"]).code
    return ItemError(item.section.value, item.supplier, item.number, rtnprd, code, message)


class _Match:
    """An item's record: what `_find` read of it, in the state the request has left it."""

    __slots__ = ("_key", "_record", "_row", "facts", "id", "named", "section", "values")

    def __init__(self, values: Sequence[Any]) -> None:
        self.values = values  # by `_MATCH_NAMES`: a lakh of records, no mapping made for each
        self.id: int = values[0]
        self.facts: Sequence[Any] | None = None  # by `_FACT_NAMES`, once `_read_facts` reads them
        self.named = 0  # by how many of the request's items
        self._row: dict[str, Any] | None = None
        self._record: Record | None = None
        self._key: tuple[Any, ...] | EllipsisType | None = ...  # ...: not yet worked out
        kind = values[_AT["kind"]]
        amends_consumed = bool(values[_AT["orig_consumed"]])
        sez = kind == _BOE and values[_AT["supplier"]] != ""
        self.section = _SECTION_OF_ROW[(kind, amends_consumed, sez)]

    @property
    def action(self) -> str:
        action: str = self.values[_AT["action"]]
        return action

    @property
    def row(self) -> dict[str, Any]:
        """The record's columns by name, its facts among them once read."""
        if self._row is None:
            self._row = dict(zip(_MATCH_NAMES, self.values, strict=True))
            if self.facts is not None:
                self._row.update(zip(_FACT_NAMES, self.facts, strict=True))
        return self._row

    @property
    def record(self) -> Record:
        """The record's facts (read them first: see `_read_facts`)."""
        if self._record is None:
            self._record = record_of(self.row)
        return self._record

    @property
    def key(self) -> tuple[Any, ...] | None:
        """What judging reads of the record, as the record's part of a memo key: its kind, 2B
        period and state (its tax is the item's part); None for an amendment, judged alone."""
        if self._key is ...:
            values = self.values
            self._key = None
            if values[_AT["orig_number"]] is None:
                self._key = (
                    *_KEY_VALUES(values),
                    values[_AT["supplier"]] == "",
                    values[_AT["filed_on"]] is None,  # an unfiled record's 2B period follows today
                    values[_AT["consumed_in"]] is None,
                )
        return self._key

    def read(self, facts: Sequence[Any]) -> None:
        self.facts = facts
        self._row = None

    def become(self, state: ImsState) -> None:
        """The request changed the record: a later item naming it sees its new state."""
        values = list(self.values)
        for name, value in _columns(state).items():
            values[_AT[name]] = value
        self.values = values
        self._row = None
        self._key = ...


_BOE = Kind.BOE.value
_SECTION_OF_ROW = {(k.value, amends, sez): s for (k, amends, sez), s in SECTIONS.items()}
_columns = lru_cache(maxsize=256)(state_columns)  # a handful of states; the dicts are only read

# What finding, judging and auditing an item read of each candidate: its identity, where it
# is, its state, and its tax (a declaration is checked against it). The rest of the record's
# facts are read by `_read_facts`, for the few records judged in full.
_MATCH_NAMES = (
    "id",  # first: a candidate's values[0]
    "recipient",
    "supplier",
    "kind",
    "number",
    "fy",
    "doc_number",
    "doc_date",
    "source_period",
    "origin",
    "supplier_frequency",
    "filed_on",
    "period_2b",
    "route",
    "consumed_in",
    "orig_number",
    "orig_consumed",
    "igst",
    "cgst",
    "sgst",
    "cess",
    *STATE_COLUMNS,
)
_FACT_NAMES = tuple(c for c in RECORD_COLUMNS if c not in _MATCH_NAMES)
_AT = {name: at for at, name in enumerate(_MATCH_NAMES)}
_KEY_VALUES = itemgetter(
    *(
        _AT[c]
        for c in (
            "kind",
            "period_2b",
            "source_period",
            "origin",
            "supplier_frequency",
            "route",
            *STATE_COLUMNS,
        )
    )
)


def _find(uow: UnitOfWork, recipient: str, items: Sequence[ActionItem]) -> list[_Match | None]:
    """Each item's record: the live record with that supplier, kind, number and date.

    One query, through the record-key index: a record that amends nothing carries its own
    normalised number as its key number, so the candidates are the records with the items'
    numbers, plus the (few) amendments, whose key number is their original's. The exact
    identity is then matched here, as before.
    """
    kind_of_section = {s: SECTION_KIND[s][0].value for s in {i.section for i in items}}
    numbers = [normalise_number(i.number) for i in items]
    suppliers = sorted({i.supplier for i in items})
    candidates = uow.records.candidates(
        recipient,
        _MATCH_NAMES,
        suppliers=suppliers,
        kinds=sorted(set(kind_of_section.values())),
        numbers=sorted(set(numbers)),
    )
    by_identity = _by_identity(candidates)
    matches: dict[int, _Match] = {}
    found: list[_Match | None] = []
    for item, number in zip(items, numbers, strict=True):
        values = by_identity.get(
            (item.supplier, kind_of_section[item.section], number, item.doc_date)
        )
        if values is None:
            found.append(None)
            continue
        match = matches.get(values[0])
        if match is None:  # one per record: later items see what earlier ones did
            match = matches[values[0]] = _Match(values)
        if values[_AT["consumed_in"]] is None and match.section is not item.section:
            found.append(None)
            continue
        match.named += 1
        found.append(match)
    return found


def _by_identity(candidates: Sequence[Sequence[Any]]) -> dict[tuple[Any, ...], Sequence[Any]]:
    """The candidates by (supplier, kind, normalised number, date); of two live records with
    one identity (a consumed original and its amendment), the unconsumed one."""
    if not candidates:
        return {}
    columns = list(zip(*candidates, strict=True))
    supplier, kind, number, day = (columns[_MATCH_NAMES.index(c)] for c in _IDENTITY)
    normalised = map(str.upper, map(str.strip, number))
    idents = list(zip(supplier, kind, normalised, day, strict=True))
    by_identity = dict(zip(idents, candidates, strict=True))
    if len(by_identity) == len(candidates):
        return by_identity
    consumed_at = _MATCH_NAMES.index("consumed_in")
    by_identity = {}
    for ident, values in zip(idents, candidates, strict=True):
        current = by_identity.get(ident)
        if current is None or (current[consumed_at] is not None and values[consumed_at] is None):
            by_identity[ident] = values
    return by_identity


_IDENTITY = ("supplier", "kind", "doc_number", "doc_date")


def _read_facts(uow: UnitOfWork, recipient: str, matches: Iterable[_Match]) -> None:
    """Read the rest of what `record_of` reads for these (recipient's) records, in one query."""
    wanted = {match.id: match for match in matches}
    if not wanted:
        return
    for record_id, *values in uow.records.facts(list(wanted), _FACT_NAMES, recipient):
        wanted[record_id].read(values)


def _write_states(
    uow: UnitOfWork,
    recipient: str,
    changes: Sequence[_Change],
    steps: Counter[_Match],
    actor: str,
    now: datetime,
) -> None:
    """Each changed record's last state, its version stepped once per change (IMSSAV0010):
    one UPDATE per group of records that end alike."""
    last = {match: state for match, _, state in changes}
    groups: dict[tuple[ImsState, int], list[int]] = {}
    for match, state in last.items():
        groups.setdefault((state, steps[match]), []).append(match.id)
    uow.records.set_states(
        recipient,
        {
            (*_columns(state).items(), ("acted_by", actor), ("acted_at", now), ("version", n)): ids
            for (state, n), ids in groups.items()
        },
    )


def _write_audit(
    uow: UnitOfWork,
    recipient: str,
    changes: Sequence[_Change],
    steps: Counter[_Match],
    *,
    actor: str,
    day: date,
    at: datetime,
    request: str,
    note: str | None,
) -> None:
    """R-ACT-11, one entry per change. The records that made the same single change (most of
    a bulk SAVE) are audited set-based, a statement per group; the others entry by entry, in
    item order, so a record changed more than once keeps its entries in the order it went."""
    alike: dict[tuple[str, ImsState], list[int]] = {}
    for match, old, state in changes:
        if steps[match] == 1:
            alike.setdefault((old, state), []).append(match.id)
    shared = {change: ids for change, ids in alike.items() if len(ids) >= _SHARED}
    stamp: dict[str, Any] = {
        "actor": actor,
        "day": day,
        "at": at,
        "request_id": request,
        "note": note,
    }
    for (old, state), ids in shared.items():
        uow.audit.copy_of(
            ids, old, state.action.value, remarks=state.remarks, recipient=recipient, **stamp
        )
    uow.audit.write(
        [
            audit_entry(
                match.row, state.action.value, old_action=old, remarks=state.remarks, **stamp
            )
            for match, old, state in changes
            if steps[match] > 1 or (old, state) not in shared
        ],
    )


_SHARED = 50  # records that made one change alike: from this many, audited by one statement


def _record_request(
    uow: UnitOfWork,
    reference: str,
    gstin: str,
    kind: str,
    count: int,
    errors: list[ItemError],
    today: date,
) -> None:
    uow.requests.record(
        reference,
        gstin,
        kind,
        processed=count - len(errors),
        errors=[_as_dict(e) for e in errors],
        day=today,
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
    row = uow.requests.find(gstin, reference_id)
    if row is None:
        raise NotFound("GSTIMS404", f"no request {reference_id} for {gstin}")
    errors = [ItemError(**e) for e in row["error_report"] or []]
    return RequestStatus(row["reference_id"], row["kind"], row["status"], row["proc_cnt"], errors)


def history(uow: UnitOfWork, recipient: str, record_id: int) -> Iterator[Mapping[Any, Any]]:
    """A record's audit trail, oldest first."""
    return uow.audit.history(recipient, record_id)
