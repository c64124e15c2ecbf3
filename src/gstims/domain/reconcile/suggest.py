"""The IMS action a reconciliation suggests, as the rule table allows it (R-REC-15, R-REC-16).

Each outcome has a default action (R-REC-15; a setting may change the defaults). A value
mismatch suggests Pending when the supplier reported more tax than the books hold, and Reject
(ask the supplier to amend) when less. The suggestion is then put to the one rule table,
`actions.decide`, exactly as a SAVE would be (R-REC-16):

    refused Pending  → Reject, noted "pending not allowed" (a specified record in era E1)
    refused Reject   → no suggestion (a bill of entry)
    consumed record  → no suggestion
    Accept on a specified record of era E2 → with the full ITC-reduction declaration

A portal document that bypasses IMS (reverse charge, POS-ineligible, time-barred, ISD,
non-resident, imports; R-REC-12) is reconciled but gets no suggestion.

Example: a credit note only in the portal, 2B period 092025 (era E1): the default Pending is
refused (R-ACT-3), so the suggestion is Reject with the note "pending not allowed".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from gstims.domain.actions import MAX_REMARKS, RecordView, Refusal, decide
from gstims.domain.calendar import Era
from gstims.domain.reconcile.model import Document, Outcome, Result
from gstims.domain.records import Action, Route
from gstims.domain.state import Declaration

FULL_REDUCTION = Declaration(required=True)

DEFAULT_ACTIONS: Mapping[Outcome, Action | None] = {
    Outcome.MATCHED: Action.ACCEPT,
    Outcome.MATCHED_WITHIN_TOLERANCE: Action.ACCEPT,
    Outcome.MATCHED_NUMBER_FORMAT: Action.ACCEPT,
    Outcome.MATCHED_DATE_DIFFERS: Action.ACCEPT,
    Outcome.MATCHED_CLUBBED: Action.ACCEPT,
    Outcome.PROBABLE_SIMILAR_NUMBER: None,
    Outcome.PROBABLE_AMOUNT_ONLY: None,
    Outcome.AMBIGUOUS: None,
    Outcome.VALUE_MISMATCH: Action.PENDING,  # or REJECT: see `default_action`
    Outcome.TAX_TYPE_MISMATCH: Action.PENDING,
    Outcome.OTHER_GSTIN_SAME_PAN: Action.REJECT,
    Outcome.REPORTED_TO_OTHER_GSTIN: Action.REJECT,
    Outcome.ONLY_IN_PORTAL: Action.PENDING,
    Outcome.ONLY_IN_BOOKS: None,
    Outcome.BOOKED_LATER: Action.PENDING,
    Outcome.FINANCIAL_YEAR_DIFFERS: None,
}

PENDING_NOT_ALLOWED = "pending not allowed"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The action to apply (None: review by hand), its declaration, and why."""

    action: Action | None
    declaration: Declaration | None = None
    note: str = ""
    refusal: Refusal | None = None  # what the rule table said to the default, when it refused


def default_action(
    result: Result, defaults: Mapping[Outcome, Action | None] = DEFAULT_ACTIONS
) -> Action | None:
    """R-REC-15: the outcome's action; a value mismatch by which side reported more."""
    action = defaults[result.outcome]
    if result.outcome is Outcome.VALUE_MISMATCH and action is Action.PENDING:
        books = sum(d.tax.total for d in result.books)
        portal = sum(d.tax.total for d in result.portal)
        return Action.PENDING if portal > books else Action.REJECT
    return action


def remarks_for(result: Result, run_label: str) -> str:
    """The record's remarks: the run and the reason, cut to the rule table's limit (R-REC-19)."""
    text = f"{run_label}: {result.outcome.value}: {result.reason}"
    return text if len(text) <= MAX_REMARKS else text[: MAX_REMARKS - 1] + "…"


def suggest(
    result: Result,
    document: Document,
    view: RecordView | None,
    today: date,
    remarks: str | None = None,
    defaults: Mapping[Outcome, Action | None] = DEFAULT_ACTIONS,
) -> Suggestion:
    """R-REC-16: the default action for one portal document of `result`, as decide() allows."""
    if document.route is not Route.IMS:
        route = document.route.value if document.route else "none"
        return Suggestion(None, note=f"bypasses IMS (route {route}): nothing to act on")
    wanted = default_action(result, defaults)
    if wanted is None:
        return Suggestion(None, note="review by hand")
    if view is None:
        return Suggestion(None, note="the record is no longer in IMS")
    chain = [wanted, Action.REJECT] if wanted is Action.PENDING else [wanted]
    refusals: list[Refusal] = []
    for action in chain:
        declaration = (
            FULL_REDUCTION
            if action is Action.ACCEPT and view.specified and view.era is Era.E2
            else None
        )
        answer = decide(view, action, view.state.action, remarks, declaration, today)
        if not isinstance(answer, Refusal):
            note = PENDING_NOT_ALLOWED if action is not wanted else ""
            return Suggestion(action, declaration, note, refusals[0] if refusals else None)
        refusals.append(answer)
    return Suggestion(None, note=refusals[0].message, refusal=refusals[0])
