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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from gstims.domain.actions import (
    Code,
    Refusal,
    decide,
    reset,
    view_of,
)
from gstims.domain.ims import ActionItem, ItemError
from gstims.domain.state import ImsState
from gstims.domain.taxpayer import Taxpayer
from gstims.services.context import gc_paused, new_reference, taxpayer
from gstims.services.ims_find import Match, find, read_facts, state_values
from gstims.services.ims_read import current_period_2b
from gstims.store.db import UnitOfWork
from gstims.store.records.audit import entry as audit_entry
from gstims.store.records.mapping import (
    period_of,
    route_of,
    state_of,
)

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
    today = uow.today()
    reference = new_reference()
    changes, errors = _judge_all(uow, items, find(uow, recipient, items), tp, today, kind)
    if changes:
        now = datetime.now()
        steps = Counter(match for match, _, _ in changes)  # each record's version steps
        _write_states(uow, recipient, changes, steps, actor, now)
        note = "reset" if kind == "RESET" else None
        stamp = {"actor": actor, "day": today, "at": now, "request_id": reference, "note": note}
        _write_audit(uow, recipient, changes, steps, {**stamp, "proposed_by": proposed_by})
    _record_request(uow, reference, recipient, kind, len(items), errors, today)
    return ActionResult(reference, len(changes), errors)


# A change the request makes: the record, its action before, its new state (in item order).
_Change = tuple[Match, str, ImsState]


def _judge_all(
    uow: UnitOfWork,
    items: Sequence[ActionItem],
    found: Sequence[Match | None],
    tp: Taxpayer,
    today: date,
    kind: str,
) -> tuple[list[_Change], list[ItemError]]:
    """Each item judged in order, a later item on a record seeing what the earlier ones did.

    What `_outcome` reads of a record beyond `find`'s columns is read first, in one query,
    for the records it will be asked about (`_judged_in_full`); the others share an answer.
    """
    questions = list(map(_question, items, found))
    read_facts(uow, tp.gstin, _judged_in_full(found, questions))
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
    match: Match | None,
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


def _question(item: ActionItem, match: Match | None) -> tuple[Any, ...] | None:
    """What `_outcome` answers for the item, as a memo key; None when it is asked alone."""
    if match is None or (key := match.key) is None:
        return None
    if item.declaration is None:
        return (key, item.action, item.prev_status, item.remarks, None)
    row = match.row
    taxes = (row["igst"], row["cgst"], row["sgst"], row["cess"])
    return (key, item.action, item.prev_status, item.remarks, item.declaration, taxes)


def _judged_in_full(
    found: Sequence[Match | None], questions: Sequence[tuple[Any, ...] | None]
) -> list[Match]:
    """The records whose facts `_outcome` will read: an amendment, a record more than one item
    names (its state, so its question, changes on the way), and of the others the first to ask
    each question (the rest share its answer)."""
    asked: set[tuple[Any, ...]] = set()
    wanted: list[Match] = []
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
    item: ActionItem, match: Match | None, tp: Taxpayer, today: date, kind: str
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


def _error(item: ActionItem, code: str, message: str, match: Match | None = None) -> ItemError:
    """A refusal, naming the record's own return period when the record is known."""
    rtnprd = item.rtnprd
    if match is not None:
        rtnprd = period_of(match.row["source_period"]).code
    return ItemError(item.section.value, item.supplier, item.number, rtnprd, code, message)


def _write_states(
    uow: UnitOfWork,
    recipient: str,
    changes: Sequence[_Change],
    steps: Counter[Match],
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
    steps: Counter[Match],
    stamp: dict[str, Any],
) -> None:
    """R-ACT-11, one entry per change. The records that made the same single change (most of
    a bulk SAVE) are audited set-based, a statement per group; the others entry by entry, in
    item order, so a record changed more than once keeps its entries in the order it went."""
    alike: dict[tuple[str, ImsState], list[int]] = {}
    for match, old, state in changes:
        if steps[match] == 1:
            alike.setdefault((old, state), []).append(match.id)
    shared = {change: ids for change, ids in alike.items() if len(ids) >= _SHARED}
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
