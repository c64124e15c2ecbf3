"""Recipient IMS SAVE and RESETIMS (R-ACT-1..11).

A SAVE or RESET is one transaction that decides every record on its own (R-ACT-9): the rule
table `gstims.domain.actions` says yes (a new state) or no (a refusal with its code). The
accepted changes are written set-based: one UPDATE per group of records that end in the same
state, and their audit entries (R-ACT-11) copied from the records by one INSERT ... SELECT
per group that made the same change. The refusals go to the request's error report (REQSTS
`PE`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from gstims.domain.actions import Code
from gstims.domain.ims import ActionItem, ItemError
from gstims.domain.records import Action
from gstims.domain.state import ImsState
from gstims.domain.taxpayer import Taxpayer
from gstims.services.context import gc_paused, new_reference, taxpayer
from gstims.services.ims_find import (
    AT,
    Ask,
    Judge,
    Row,
    find,
    row_dict,
    section_of,
    state_values,
    with_state,
)
from gstims.store.db import UnitOfWork
from gstims.store.records.audit import entry as audit_entry
from gstims.store.records.mapping import period_of

# -- SAVE and RESET ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionResult:
    reference_id: str
    applied: int
    errors: list[ItemError]


@gc_paused
def save_actions(
    uow: UnitOfWork,
    recipient: str,
    items: Sequence[ActionItem],
    actor: str,
    proposed_by: str | None = None,
) -> ActionResult:
    """SAVE: accept, reject or keep pending, each record on its own (R-ACT-9). `proposed_by`:
    the maker of a proposal `actor` approved (both are audited)."""
    return _act(uow, recipient, items, actor, "SAVE", proposed_by)


@gc_paused
def reset_actions(
    uow: UnitOfWork,
    recipient: str,
    items: Sequence[ActionItem],
    actor: str,
    proposed_by: str | None = None,
) -> ActionResult:
    """RESETIMS: back to No action (R-ACT-10)."""
    return _act(uow, recipient, items, actor, "RESET", proposed_by)


@dataclass(frozen=True, slots=True)
class Found:
    """A SAVE of records the caller found in this transaction, under the recipient's lock
    (`uow.lock`), each as its values by `ims_find.FOUND_NAMES` (values after those are not
    read): every one asked for `action` with `remarks`, its prev_status its action now — the
    request `items()` names, found again (an auto-action rule's records, issue 17)."""

    rows: Sequence[Row]
    action: Action
    remarks: str | None = None

    def items(self) -> list[ActionItem]:
        """The SAVE items naming these records, as a client would send them."""
        return [
            ActionItem(
                section=section_of(row),
                supplier=row[_SUPPLIER],
                number=row[_NUMBER],
                doc_date=row[AT["doc_date"]],
                action=self.action,
                prev_status=_ACTION_OF[row[_ACTION]],
                remarks=self.remarks,
            )
            for row in self.rows
        ]


@gc_paused
def save_found(
    uow: UnitOfWork, recipient: str, found: Found, actor: str, proposed_by: str | None = None
) -> ActionResult:
    """`save_actions` of `found.items()`, without finding the records again (a property test
    holds the two equal): the fast path of a rule apply."""
    tp = taxpayer(uow, recipient)
    uow.lock([recipient])
    rows = found.rows
    if len({row[0] for row in rows}) < len(rows):  # a record named again: item by item
        asks = [(found.action, _ACTION_OF[row[_ACTION]], found.remarks, None) for row in rows]
        return _decided(uow, tp, rows, None, actor, "SAVE", proposed_by, _asked(rows, asks))

    def judging(judge: Judge) -> tuple[list[_Change], list[_Refused]]:
        changes: list[_Change] = []
        refusals: list[_Refused] = []
        for at, (row, (outcome, changed)) in enumerate(
            zip(rows, judge.uniform(rows, found.action, found.remarks), strict=True)
        ):
            if isinstance(outcome, ImsState):
                if changed:
                    changes.append((row, row[_ACTION], outcome))
            else:
                refusals.append((at, row, outcome.code.value, outcome.message))
        return changes, refusals

    return _decided(uow, tp, rows, None, actor, "SAVE", proposed_by, judging)


def _act(
    uow: UnitOfWork,
    recipient: str,
    items: Sequence[ActionItem],
    actor: str,
    kind: str,
    proposed_by: str | None = None,
) -> ActionResult:
    tp = taxpayer(uow, recipient)
    uow.lock([recipient])
    rows = find(uow, tp.gstin, items)
    asks = [(i.action, i.prev_status, i.remarks, i.declaration) for i in items]
    return _decided(uow, tp, rows, items, actor, kind, proposed_by, _asked(rows, asks))


def _decided(
    uow: UnitOfWork,
    tp: Taxpayer,
    rows: Sequence[Row | None],
    items: Sequence[ActionItem] | None,
    actor: str,
    kind: str,
    proposed_by: str | None,
    judging: _Judging,
) -> ActionResult:
    """Judge the found records (None: an item naming no record) by `judging`, write the
    changes set-based, record the request; refusals are named by the item (by the record
    when no items are given)."""
    today = uow.today()
    reference = new_reference()
    changes, refusals = judging(Judge(uow, tp, today, kind, [r for r in rows if r is not None]))
    if changes:
        now = datetime.now()
        steps = Counter(row[0] for row, _, _ in changes)  # each record's version steps
        _write_states(uow, tp.gstin, changes, steps, actor, now)
        note = "reset" if kind == "RESET" else None
        stamp = {"actor": actor, "day": today, "at": now, "request_id": reference, "note": note}
        _write_audit(uow, tp.gstin, changes, steps, {**stamp, "proposed_by": proposed_by})
    errors = [_error(items, at, row, code, message) for at, row, code, message in refusals]
    _record_request(uow, reference, tp.gstin, kind, len(rows), errors, today)
    return ActionResult(reference, len(changes), errors)


# A change the request makes: the record, its action before, its new state (in item order).
_Change = tuple[Row, str, ImsState]
_Refused = tuple[int, Row | None, str, str]  # the item's place, its record, code, message
_Judging = Callable[[Judge], tuple[list[_Change], list[_Refused]]]
_UNKNOWN = (Code.UNKNOWN_RECORD.value, "no such record in this recipient's IMS")


def _asked(rows: Sequence[Row | None], asks: Sequence[Ask]) -> _Judging:
    """Judging each of `rows` for its ask, in order (`_judge_all`)."""
    return lambda judge: _judge_all(judge, rows, asks)


def _judge_all(
    judge: Judge, rows: Sequence[Row | None], asks: Sequence[Ask]
) -> tuple[list[_Change], list[_Refused]]:
    """Each item judged in order, a later item on a record seeing what the earlier ones did
    (a record more than one item names is followed in a copy of its values)."""
    named = Counter(row[0] for row in rows if row is not None)
    again = {record_id for record_id, n in named.items() if n > 1}
    now: dict[int, list[Any]] = {}
    changes: list[_Change] = []
    refusals: list[_Refused] = []
    for at, (row, ask) in enumerate(zip(rows, asks, strict=True)):
        if row is None:
            refusals.append((at, None, *_UNKNOWN))
            continue
        if again and row[0] in again:
            row = now.setdefault(row[0], list(row))
        outcome, changed = judge(row, ask)
        if isinstance(outcome, ImsState):
            if changed:
                changes.append((row, row[_ACTION], outcome))
                if again and row[0] in again:
                    now[row[0]] = with_state(row, outcome)
        else:
            refusals.append((at, row, outcome.code.value, outcome.message))
    return changes, refusals


def _error(
    items: Sequence[ActionItem] | None, at: int, row: Row | None, code: str, message: str
) -> ItemError:
    """A refusal, naming the record's own return period when the record is known."""
    rtnprd = None if row is None else period_of(row[AT["source_period"]]).code
    if items is None:
        assert row is not None  # a found record
        return ItemError(section_of(row).value, row[_SUPPLIER], row[_NUMBER], rtnprd, code, message)
    item = items[at]
    if rtnprd is None:
        rtnprd = item.rtnprd
    return ItemError(item.section.value, item.supplier, item.number, rtnprd, code, message)


def _write_states(
    uow: UnitOfWork,
    recipient: str,
    changes: Sequence[_Change],
    steps: Counter[int],
    actor: str,
    now: datetime,
) -> None:
    """Each changed record's last state, its version stepped once per change (IMSSAV0010):
    one UPDATE per group of records that end alike."""
    last = {row[0]: state for row, _, state in changes}
    groups: dict[tuple[ImsState, int], list[int]] = {}
    for record_id, state in last.items():
        groups.setdefault((state, steps[record_id]), []).append(record_id)
    uow.records.set_states(
        recipient,
        {
            (
                *state_values(state).items(),
                ("acted_by", actor),
                ("acted_at", now),
                ("version", n),
            ): ids
            for (state, n), ids in groups.items()
        },
    )


def _write_audit(
    uow: UnitOfWork,
    recipient: str,
    changes: Sequence[_Change],
    steps: Counter[int],
    stamp: dict[str, Any],
) -> None:
    """R-ACT-11, one entry per change. The records that made the same single change (most of
    a bulk SAVE) are audited set-based, a statement per group; the others entry by entry, in
    item order, so a record changed more than once keeps its entries in the order it went."""
    alike: dict[tuple[str, ImsState], list[int]] = {}
    for row, old, state in changes:
        if steps[row[0]] == 1:
            alike.setdefault((old, state), []).append(row[0])
    shared = {change: ids for change, ids in alike.items() if len(ids) >= _SHARED}
    for (old, state), ids in shared.items():
        uow.audit.copy_of(
            ids, old, state.action.value, remarks=state.remarks, recipient=recipient, **stamp
        )
    uow.audit.write(
        [
            audit_entry(
                {"recipient": recipient, **row_dict(row)},
                state.action.value,
                old_action=old,
                remarks=state.remarks,
                **stamp,
            )
            for row, old, state in changes
            if steps[row[0]] > 1 or (old, state) not in shared
        ],
    )


_SHARED = 50  # records that made one change alike: from this many, audited by one statement
_ACTION, _SUPPLIER, _NUMBER = AT["action"], AT["supplier"], AT["doc_number"]
_ACTION_OF = {a.value: a for a in Action}


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
