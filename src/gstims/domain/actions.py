"""The one rule table of IMS actions (R-ACT-1..10).

Every place that lets a user act — the API's SAVE and RESETIMS, the web page, the bulk
tools — asks `decide()` and nothing else. It answers either the record's new `ImsState` or a
`Refusal` with its error code, so each record of a bulk request succeeds or fails on its own
(R-ACT-9).

The table, by era of the record's 2B period (rules.md §0):

    record                         era E1                    era E2
    specified (CN, ...)            A R        (no P)         A R P until the 3B due date of the
                                                             period after its 2B period (R-ACT-4);
                                                             A may carry a declaration (R-ACT-7)
    bill of entry                  — (not in IMS)            A P  (no R, R-ACT-6)
    any other record               A R P                     A R P  (P until 16(4), R-ACT-5)

Worked example (rules.md §9 ex. 5): CN-2 is in the Oct-2025 GSTR-1 filed on 10-11-2025, so its
2B period is 102025 (era E2). The recipient is monthly, so Pending is allowed through
20-12-2025 (the 3B due date of 112025); on 21-12-2025 `decide()` refuses Pending with
`IMSACT002` and the daily event turns a pending CN-2 back to No action.

**(decision)** A request that asks for exactly the state a record already has is a success
that changes nothing, whatever its `prev_status`: retrying a SAVE is safe.

The table reads a record only through its `ActionFacts` (kind, ITC-reducing or not, 2B period,
era, Pending deadline, state, consumed, route, and its tax when a declaration is checked):
`decide(view, ...)` is `decide_on(action_facts(view, ...), ...)`. Records with equal facts get
the same answer to the same request, so a bulk SAVE memoises on the facts value (ADR 0013,
ADR 0020).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from gstims.domain.calendar import Era, Frequency, Period, era_of, gstr3b_due, next_return_period
from gstims.domain.errors import (
    IMSACT001,
    IMSACT002,
    IMSACT003,
    IMSACT004,
    IMSACT005,
    IMSACT006,
    IMSACT007,
    IMSACT008,
    IMSACT009,
    IMSACT010,
    IMSACT011,
    IMSACT012,
    IMSACT013,
    IMSSAV0010,
)
from gstims.domain.money import Tax
from gstims.domain.records import Action, Kind, Record, Route, is_specified, is_specified_record
from gstims.domain.state import NO_ACTION, Declaration, ImsState
from gstims.domain.text import canonical_text, text_problem

MAX_REMARKS = 250


class Code(StrEnum):
    """Per-record refusal codes. IMSSAV0010 is GSTN's; the others are gstims' own."""

    STALE = IMSSAV0010
    PENDING_NOT_ALLOWED = IMSACT001
    PENDING_PERIOD_OVER = IMSACT002
    REJECT_NOT_ALLOWED = IMSACT003
    DECLARATION_NOT_ALLOWED = IMSACT004
    DECLARATION_INVALID = IMSACT005
    REMARKS_REQUIRED = IMSACT006
    REMARKS_TOO_LONG = IMSACT007
    CONSUMED = IMSACT008
    UNKNOWN_RECORD = IMSACT009
    NOT_IN_IMS = IMSACT010
    ACTION_INVALID = IMSACT011
    PREV_STATUS_MISSING = IMSACT012
    REMARKS_INVALID = IMSACT013


@dataclass(frozen=True, slots=True)
class Refusal:
    code: Code
    message: str


@dataclass(frozen=True, slots=True)
class RecordView:
    """What the rules need to know about one record on one day."""

    record: Record
    state: ImsState
    period_2b: Period
    era: Era
    specified: bool
    pending_until: date | None  # R-ACT-4 deadline of a specified record in era E2
    consumed: bool = False  # a filed GSTR-3B consumed it (R-3B-3)
    route: Route = Route.IMS  # R-IN-5: off the IMS route, no action applies


def pending_deadline(period_2b: Period, frequency: Frequency, state_code: str) -> date:
    """R-ACT-4: the GSTR-3B due date of the recipient period after the 2B period."""
    return gstr3b_due(next_return_period(period_2b, frequency), frequency, state_code)


def view_of(
    record: Record,
    state: ImsState,
    period_2b: Period,
    recipient_frequency: Frequency,
    recipient_state: str,
    consumed: bool = False,
    route: Route = Route.IMS,
) -> RecordView:
    era = era_of(period_2b)
    specified = is_specified_record(record)
    until = _pending_until(specified, era, period_2b, recipient_frequency, recipient_state)
    return RecordView(record, state, period_2b, era, specified, until, consumed, route)


def _pending_until(
    specified: bool, era: Era, period_2b: Period, frequency: Frequency, state_code: str
) -> date | None:
    """R-ACT-4: a specified record of era E2 may be kept Pending until this day; else None."""
    if specified and era is Era.E2:
        return pending_deadline(period_2b, frequency, state_code)
    return None


class ActionFacts(NamedTuple):
    """Everything the rule table reads of a record on a day: records with equal facts get the
    same answer to the same request (`decide_on`, `reset_on`), so a bulk SAVE asks it once per
    distinct value (ADR 0020)."""

    kind: Kind
    specified: bool  # R-ACT-2
    period_2b: Period
    era: Era
    pending_until: date | None  # R-ACT-4
    state: ImsState
    consumed: bool
    route: Route
    tax: Tax | None  # the record's own tax when a declaration is checked against it, else None


def action_facts(view: RecordView, declared: bool = False) -> ActionFacts:
    """The facts of the record a view shows (its tax only when `declared`)."""
    tax = view.record.tax if declared else None
    kind = view.record.key.kind
    return ActionFacts(
        kind,
        view.specified,
        view.period_2b,
        view.era,
        view.pending_until,
        view.state,
        view.consumed,
        view.route,
        tax,
    )


def plain_facts(
    kind: Kind,
    period_2b: Period,
    state: ImsState,
    recipient_frequency: Frequency,
    recipient_state: str,
    consumed: bool,
    route: Route,
    tax: Tax | None = None,
) -> ActionFacts:
    """The facts of a record that amends nothing, from the few values they depend on: its
    kind (R-ACT-2 of a record with no original reads nothing else) and its 2B period, as a
    filed record stores it (`view_of` of such a record gives the same facts)."""
    era = era_of(period_2b)
    specified = is_specified(kind)
    until = _pending_until(specified, era, period_2b, recipient_frequency, recipient_state)
    return ActionFacts(kind, specified, period_2b, era, until, state, consumed, route, tax)


def pending_blocked(view: RecordView | ActionFacts, today: date) -> bool:
    """`ispendactblocked`: R-ACT-3 (E1 specified) and R-ACT-4 (E2 specified, deadline past)."""
    if not view.specified:
        return False
    if view.era is Era.E1:
        return True
    return view.pending_until is not None and today > view.pending_until


def declaration_blocked(view: RecordView | ActionFacts) -> bool:
    """`isItcRedReqBlocked`: a declaration is possible only on E2 specified records (R-ACT-7)."""
    return not (view.specified and view.era is Era.E2)


def pending_expired(view: RecordView | ActionFacts, today: date) -> bool:
    """R-ACT-4: a specified E2 record still Pending after its deadline returns to No action."""
    return (
        view.state.action is Action.PENDING and view.era is Era.E2 and pending_blocked(view, today)
    )


def decide(
    view: RecordView,
    action: Action,
    prev_status: Action | None,
    remarks: str | None,
    declaration: Declaration | None,
    today: date,
) -> ImsState | Refusal:
    """The outcome of asking for `action` on one record (R-ACT-1..9)."""
    facts = action_facts(view, declared=declaration is not None)
    return decide_on(facts, action, prev_status, remarks, declaration, today)


def decide_on(
    facts: ActionFacts,
    action: Action,
    prev_status: Action | None,
    remarks: str | None,
    declaration: Declaration | None,
    today: date,
) -> ImsState | Refusal:
    """`decide` of a record with these facts (which carry its tax when `declaration` is set)."""
    remarks = canonical_text(remarks or "") or None  # one form for every channel (item 13)
    wanted = ImsState(action, remarks, declaration)
    return (
        _check_change(facts, wanted, prev_status)
        or _check_action(facts, action, today)
        or _check_remarks(remarks)
        or _check_declaration(facts, action, remarks, declaration)
        or wanted
    )


def reset(view: RecordView, prev_status: Action | None) -> ImsState | Refusal:
    """R-ACT-10: back to No action, remarks and declaration cleared."""
    return reset_on(action_facts(view), prev_status)


def reset_on(facts: ActionFacts, prev_status: Action | None) -> ImsState | Refusal:
    """`reset` of a record with these facts."""
    return _check_change(facts, NO_ACTION, prev_status) or NO_ACTION


def _check_change(
    view: ActionFacts, wanted: ImsState, prev_status: Action | None
) -> ImsState | Refusal | None:
    """Consumed and non-IMS records cannot change; asking for the state held is a no-op; else
    prev_status."""
    refusal = cannot_act(view.consumed, view.route)
    if refusal is not None:
        return refusal
    if wanted == view.state:
        return view.state
    if prev_status is None:
        return Refusal(Code.PREV_STATUS_MISSING, "prev_status is required (A, R, P or N)")
    if prev_status is not view.state.action:
        return Refusal(
            Code.STALE,
            f"prev_status {prev_status.value} differs from the current action "
            f"{view.state.action.value}: the record changed since it was read",
        )
    return None


_NOT_IN_IMS = {
    Route.REVERSE_CHARGE: "a reverse-charge record goes straight to GSTR-2B (R-IN-5a)",
    Route.POS_INELIGIBLE: "ITC is not available by place of supply (R-IN-5e)",
    Route.TIME_BARRED: "past the section 16(4) limit: ITC not available (R-IN-5f)",
    Route.IMPORTS: "a bill of entry before October 2025 goes straight to GSTR-2B",
}


def cannot_act(consumed: bool, route: Route) -> Refusal | None:
    """Why no action applies to a record whatever is asked, or None: a record a filed GSTR-3B
    consumed can no longer change (R-3B-3); one off the IMS route never was in IMS (R-IN-5)."""
    if consumed:
        return Refusal(Code.CONSUMED, "the record is in a filed GSTR-3B and can no longer change")
    if route is not Route.IMS:
        return Refusal(Code.NOT_IN_IMS, _NOT_IN_IMS.get(route, "the record is not in IMS"))
    return None


def _check_action(view: ActionFacts, action: Action, today: date) -> Refusal | None:
    kind = view.kind
    if action is Action.NO_ACTION:
        return Refusal(Code.ACTION_INVALID, "SAVE takes A, R or P; use RESETIMS for No action")
    if action is Action.REJECT and kind is Kind.BOE:
        return Refusal(Code.REJECT_NOT_ALLOWED, "a bill of entry cannot be rejected (R-ACT-6)")
    if action is Action.PENDING and view.specified:
        if view.era is Era.E1:
            return Refusal(
                Code.PENDING_NOT_ALLOWED,
                "Pending is not allowed on a credit note or other ITC-reducing record whose "
                f"GSTR-2B period {view.period_2b} is before October 2025 (R-ACT-3)",
            )
        if pending_blocked(view, today) and view.pending_until is not None:
            return Refusal(
                Code.PENDING_PERIOD_OVER,
                f"Pending was allowed until {view.pending_until:%d-%m-%Y} (R-ACT-4)",
            )
    return None


def _check_remarks(remarks: str | None) -> Refusal | None:
    if remarks is not None and (problem := text_problem(remarks)):  # issue 14 item 13
        return Refusal(Code.REMARKS_INVALID, f"remarks {problem}: write visible text only")
    if remarks is not None and len(remarks) > MAX_REMARKS:
        return Refusal(
            Code.REMARKS_TOO_LONG,
            f"remarks are {len(remarks)} characters; at most {MAX_REMARKS} (R-ACT-8)",
        )
    return None


def _check_declaration(
    view: ActionFacts, action: Action, remarks: str | None, declaration: Declaration | None
) -> Refusal | None:
    if declaration is None:
        return None
    if action is not Action.ACCEPT or declaration_blocked(view):
        return Refusal(
            Code.DECLARATION_NOT_ALLOWED,
            "an ITC-reduction declaration is allowed only when accepting a credit note or other "
            "ITC-reducing record whose GSTR-2B period is October 2025 or later (R-ACT-7)",
        )
    amounts = declaration.amounts
    if amounts is not None:
        if view.tax is None:
            raise ValueError("a declaration is checked against the record's tax: give its facts")
        problem = _amount_problem(amounts, view.tax)
        if problem:
            return Refusal(Code.DECLARATION_INVALID, problem)
    if declaration.is_partial_or_nil and remarks is None:
        return Refusal(
            Code.REMARKS_REQUIRED,
            "a partial or nil ITC-reduction declaration needs remarks saying why (R-ACT-7)",
        )
    return None


def _amount_problem(declared: Tax, own: Tax) -> str | None:
    names = ("declIgst", "declCgst", "declSgst", "declCess")
    for name, amount, limit in zip(names, declared.heads, own.heads, strict=True):
        if amount < 0:
            return f"{name} {amount} is negative"
        if amount > limit:
            return f"{name} {amount} exceeds the record's own tax {limit} (R-ACT-7)"
    if declared.cgst != declared.sgst:
        return f"declCgst {declared.cgst} must equal declSgst {declared.sgst} (R-ACT-7)"
    return None
