"""Auto-action rules: keep, dry-run, apply and schedule them (issue 17).

A rule set (`domain.auto_rules`) is kept per GSTIN (`gstin:<GSTIN>`) or per user
(`user:<name>`: every GSTIN granted to that user). Evaluating it for a GSTIN asks ONE query
per rule (`uow.auto_rules.claimed`): the records open in the GSTIN's IMS that meet the rule's
condition and no earlier rule's. When a rule names reconciliation outcomes, the GSTIN's
latest run is read once (`services.reconcile`), whatever the number of rules.

The dry run judges every claimed record with the rule table (`domain.actions.decide`, the
judgment SAVE makes, asked once per kind of record as SAVE asks it) and counts, per rule:
the records it would change (₹ taxable, tax, and the ITC effect), those already as the rule
wants them, and those the rule table refuses, with its reason. Apply sends the same records
through `_submit`, one request per rule, whose audit actor is `rule:<name> by <user>`; its
counts equal the dry run's (a test holds them equal).

**(decision)** The ITC effect of an action is the record's tax (negative for a credit note)
when Accepted or left at No action (deemed accepted), nothing when Rejected or Pending — as
the reconciliation's dry run counts it (`services/reconcile.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from gstims.domain.actions import Refusal, decide
from gstims.domain.auto_rules import Calendar, RuleSet, RuleSetError, parse_rule_set, rule_set_json
from gstims.domain.documents import Problem
from gstims.domain.ims import ActionItem
from gstims.domain.money import ZERO
from gstims.domain.records import SECTIONS, Action, Kind
from gstims.domain.state import ImsState
from gstims.services import ims, reconcile
from gstims.services.context import gc_paused, taxpayer
from gstims.services.errors import Invalid, NotFound
from gstims.services.ims import ActionResult
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import (
    RECORD_COLUMNS,
    STATE_COLUMNS,
    from_paise,
    state_of,
)

RULES_INVALID = "RULES422"


def gstin_scope(gstin: str) -> str:
    return f"gstin:{gstin}"


def user_scope(user: str) -> str:
    return f"user:{user}"


# -- keeping rule sets ------------------------------------------------------------------------


def read_rule_set(data: Any) -> RuleSet:
    """A rule set from its JSON, or `Invalid` (422) naming every bad rule and field."""
    try:
        return parse_rule_set(data)
    except RuleSetError as exc:
        raise Invalid(
            [
                Problem(
                    "rule set" if p.rule is None else f"rule {p.rule}",
                    p.name or "",
                    p.field,
                    p.message,
                )
                for p in exc.problems
            ],
            code=RULES_INVALID,
        ) from exc


def save_rule_set(uow: UnitOfWork, scope: str, data: Any, user: str) -> RuleSet:
    """Import: check the rule set and keep it under `scope` (replacing the one kept)."""
    rules = read_rule_set(data)
    uow.auto_rules.save(scope, rule_set_json(rules), rules.on_day, user)
    return rules


def rule_set(uow: UnitOfWork, scope: str) -> RuleSet:
    """The rule set kept under `scope`."""
    kept = uow.auto_rules.load(scope)
    if kept is None:
        raise NotFound("RULES404", f"no auto-action rules kept for {scope}")
    return read_rule_set(kept)


def export_rule_set(uow: UnitOfWork, scope: str) -> dict[str, Any]:
    """Export: the kept rule set as JSON data (`save_rule_set` reads it back)."""
    return rule_set_json(rule_set(uow, scope))


# -- dry run and apply ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refused:
    id: int
    supplier: str
    number: str
    code: str
    message: str


@dataclass(slots=True)
class RulePlan:
    """What one rule would do: the records it claims, split by what SAVE would make of them."""

    name: str
    action: str
    claimed: int = 0
    unchanged: int = 0  # already as the rule wants them
    taxable: Decimal = ZERO  # of the records it would change
    tax: Decimal = ZERO
    itc_effect: Decimal = ZERO
    refused: list[Refused] = field(default_factory=list)
    items: list[ActionItem] = field(default_factory=list, repr=False)  # what it changes
    refused_items: list[ActionItem] = field(default_factory=list, repr=False)

    @property
    def changes(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True)
class Plan:
    gstin: str
    rules: list[RulePlan]

    @property
    def changes(self) -> int:
        return sum(r.changes for r in self.rules)


@dataclass(frozen=True, slots=True)
class Applied:
    gstin: str
    rules: list[tuple[str, ActionResult | None]]  # per rule: its SAVE, None if nothing to do

    @property
    def applied(self) -> int:
        return sum(result.applied for _, result in self.rules if result is not None)

    @property
    def refused(self) -> int:
        return sum(len(result.errors) for _, result in self.rules if result is not None)


@gc_paused
def dry_run(uow: UnitOfWork, gstin: str, rules: RuleSet) -> Plan:
    """What every rule would do to the GSTIN's IMS now; changes nothing."""
    tp = taxpayer(uow, gstin)
    today = uow.today()
    cal = Calendar(today, tp.frequency, tp.state)
    outcome_ids = _outcome_ids(uow, gstin, rules)
    plans = []
    for n, rule in enumerate(rules.rules):
        rows = [
            dict(zip(_COLUMNS, values, strict=True))
            for values in uow.auto_rules.claimed(gstin, rules.rules, n, cal, outcome_ids, _COLUMNS)
        ]
        plans.append(_plan(rule.name, rule.action, rule.remarks, rows, tp, today))
    return Plan(gstin, plans)


def apply(uow: UnitOfWork, gstin: str, rules: RuleSet, user: str) -> Applied:
    """The dry run's changes, rule by rule, through `_submit` (SAVE)."""
    plan = dry_run(uow, gstin, rules)
    done = []
    for rule, rule_plan in zip(rules.rules, plan.rules, strict=True):
        items = rule_plan.items + rule_plan.refused_items  # SAVE refuses these again
        result = _submit(uow, rule.actor(user), gstin, items) if items else None
        done.append((rule.name, result))
    return Applied(gstin, done)


def _submit(uow: UnitOfWork, actor: str, gstin: str, items: Sequence[ActionItem]) -> ActionResult:
    """THE one place an auto-action reaches IMS: today the SAVE use case (after maker-checker,
    a proposal where the GSTIN asks for one)."""
    return ims.save_actions(uow, gstin, items, actor)


def _outcome_ids(uow: UnitOfWork, gstin: str, rules: RuleSet) -> list[list[int] | None]:
    """Per rule, the GSTIN's records whose outcome in its latest reconciliation is one the
    rule names (None when the rule names none)."""
    wanted = [rule.when.outcomes for rule in rules.rules]
    if not any(wanted):
        return [None] * len(wanted)
    latest = reconcile.recent_runs(uow, gstin, 1)
    outcome_of: dict[int, str] = {}
    if latest:
        run = reconcile.get_run(uow, latest[0][0], [gstin])
        for result in run.results:
            for portal in result["portal"]:
                if portal.get("recipient", gstin) == gstin:
                    outcome_of[int(portal["id"])] = result["outcome"]
    return [
        sorted(i for i, o in outcome_of.items() if o in outcomes) if outcomes else None
        for outcomes in wanted
    ]


# What a plan reads of each claimed record: its identity, facts and state.
_COLUMNS = tuple(
    dict.fromkeys(
        (
            "id",
            *RECORD_COLUMNS,
            *STATE_COLUMNS,
            "hash",
            "route",
            "period_2b",
            "consumed_in",
            "acted_by",
        )
    )
)


def _plan(
    name: str,
    action: Action,
    remarks: str,
    rows: Sequence[Mapping[str, Any]],
    tp: Any,
    today: date,
) -> RulePlan:
    plan = RulePlan(name, action.value, claimed=len(rows))
    judged: dict[tuple[Any, ...], ImsState | Refusal] = {}
    for row in rows:
        key = _judgment_key(row)
        outcome = judged.get(key) if key is not None else None
        if outcome is None:
            record = ims.ims_record(row, tp, today)
            outcome = decide(record.view, action, record.state.action, remarks, None, today)
            if key is not None:
                judged[key] = outcome
        if isinstance(outcome, Refusal):
            plan.refused.append(
                Refused(
                    row["id"],
                    row["supplier"],
                    row["doc_number"],
                    outcome.code.value,
                    outcome.message,
                )
            )
            plan.refused_items.append(_item(row, action, remarks))
        elif outcome == state_of(row):
            plan.unchanged += 1
        else:
            plan.items.append(_item(row, action, remarks))
            plan.taxable += from_paise(row["taxable"])
            tax = _tax(row)
            plan.tax += tax
            plan.itc_effect += _itc(action.value, row, tax) - _itc(row["action"], row, tax)
    return plan


def _judgment_key(row: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """What the rule table reads of a record, as a memo key (the key SAVE memoises on); None
    for an amendment, judged alone."""
    if row["orig_number"] is not None:
        return None
    return (
        *(row[c] for c in _KEY_COLUMNS),
        row["supplier"] == "",
        row["filed_on"] is None,
        row["consumed_in"] is None,
    )


_KEY_COLUMNS = (
    "kind",
    "period_2b",
    "source_period",
    "origin",
    "supplier_frequency",
    "route",
    *STATE_COLUMNS,
)


def _tax(row: Mapping[str, Any]) -> Decimal:
    return from_paise(row["igst"] + row["cgst"] + row["sgst"] + row["cess"])


def _itc(action: str, row: Mapping[str, Any], tax: Decimal) -> Decimal:
    if action in (Action.ACCEPT.value, Action.NO_ACTION.value):
        return -tax if row["kind"] == Kind.CN.value else tax
    return ZERO


def _item(row: Mapping[str, Any], action: Action, remarks: str) -> ActionItem:
    kind = Kind(row["kind"])
    section = SECTIONS[
        (kind, bool(row["orig_consumed"]), kind is Kind.BOE and row["supplier"] != "")
    ]
    return ActionItem(
        section=section,
        supplier=row["supplier"],
        number=row["doc_number"],
        doc_date=row["doc_date"],
        action=action,
        prev_status=Action(row["action"]),
        remarks=remarks,
    )


# -- on the clock -----------------------------------------------------------------------------


def run_scheduled(uow: UnitOfWork, day: date) -> str:
    """The clock's event: each rule set scheduled on this day of the month is applied, for
    each of its GSTINs, at most once a month (`auto_rule_runs`), as the user who saved it."""
    kept = uow.auto_rules.scheduled(day.day)
    if not kept:
        return ""
    done = uow.auto_rules.ran(day.year * 100 + day.month)
    ran = []
    for scope, definition, owner in kept:
        rules = read_rule_set(definition)
        for gstin in _gstins_of(uow, scope):
            if (scope, gstin) in done:
                continue
            try:
                result = apply(uow, gstin, rules, owner)
            except NotFound:  # granted but not registered: nothing to act on
                uow.auto_rules.mark_ran(scope, gstin, day, "not registered")
                continue
            summary = f"{result.applied} changed, {result.refused} refused"
            uow.auto_rules.mark_ran(scope, gstin, day, summary)
            ran.append(f"{gstin} {summary}")
    return f"auto-action rules: {'; '.join(ran)}" if ran else ""


def _gstins_of(uow: UnitOfWork, scope: str) -> list[str]:
    kind, _, name = scope.partition(":")
    return [name] if kind == "gstin" else uow.auto_rules.granted_to(name)
