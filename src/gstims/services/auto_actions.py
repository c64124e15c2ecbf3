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
counts equal the dry run's (a test holds them equal). `_submit` is the maker-checker seam
(`approvals.submit_actions`, ADR 19): the role of the user the rules act for decides, so under
a GSTIN's maker-checker a preparer's rule apply files one proposal per rule and changes no
record until an approver approves it; the CLI operator (no user) holds every power.

**(decision)** The ITC effect of an action is the record's tax (negative for a credit note)
when Accepted or left at No action (deemed accepted), nothing when Rejected or Pending — as
the reconciliation's dry run counts it (`services/reconcile.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any

from gstims.domain.actions import Refusal
from gstims.domain.auto_rules import Calendar, RuleSet, RuleSetError, parse_rule_set, rule_set_json
from gstims.domain.documents import Problem
from gstims.domain.errors import RULES404, RULES422
from gstims.domain.ims import ActionItem
from gstims.domain.money import ZERO
from gstims.domain.records import Action, Kind
from gstims.services import approvals, reconcile
from gstims.services.context import gc_paused, taxpayer
from gstims.services.errors import Invalid, NotFound
from gstims.services.ims_find import FOUND_NAMES, Judge
from gstims.services.ims_save import ActionResult, Found
from gstims.services.taxpayers import Principal, operator
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import (
    from_paise,
)

RULES_INVALID = RULES422


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
        raise NotFound(RULES404, f"no auto-action rules kept for {scope}")
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
    remarks: str = ""
    changing: list[Sequence[Any]] = field(default_factory=list, repr=False)  # their rows
    refusing: list[Sequence[Any]] = field(default_factory=list, repr=False)

    @property
    def changes(self) -> int:
        return len(self.changing)

    def found(self) -> Found:
        """The SAVE of the records it changes, then of those the rule table refuses (SAVE
        refuses them again, so the request's report lists them)."""
        return Found((*self.changing, *self.refusing), _ACTION[self.action], self.remarks)

    def items(self) -> list[ActionItem]:
        """That SAVE's items, as a client would send them."""
        return self.found().items()


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
    rules: list[tuple[str, ActionResult | None]]  # per rule: its SAVE, None if none applied
    proposals: list[tuple[str, int]] = field(default_factory=list)  # (rule, proposal id)

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
        rows = uow.auto_rules.claimed(gstin, rules.rules, n, cal, outcome_ids, _COLUMNS)
        plans.append(_plan(uow, rule.name, rule.action, rule.remarks, rows, tp, today))
    return Plan(gstin, plans)


@gc_paused
def apply(
    uow: UnitOfWork, gstin: str, rules: RuleSet, user: str, principal: Principal | None = None
) -> Applied:
    """The dry run's changes, rule by rule, through `_submit` (the maker-checker seam), as
    `principal` (None: the CLI operator `user`, who holds every power). The dry run reads the
    records under the GSTIN's lock, so each rule's SAVE takes them as found (`Found`;
    the rules claim records no other rule claims)."""
    uow.lock([taxpayer(uow, gstin).gstin])
    plan = dry_run(uow, gstin, rules)
    who = operator(user, gstin) if principal is None else principal
    done: list[tuple[str, ActionResult | None]] = []
    proposed = []
    for rule, rule_plan in zip(rules.rules, plan.rules, strict=True):
        found = rule_plan.found()
        submitted = _submit(uow, who, rule.actor(user), gstin, found) if found.rows else None
        if isinstance(submitted, approvals.Proposed):
            proposed.append((rule.name, submitted.proposal_id))
            submitted = None
        done.append((rule.name, submitted.result if submitted is not None else None))
    return Applied(gstin, done, proposed)


def _submit(
    uow: UnitOfWork, principal: Principal, actor: str, gstin: str, found: Found
) -> approvals.Saved | approvals.Proposed:
    """THE one place an auto-action reaches IMS: `approvals.submit_actions`, the seam of every
    IMS change — SAVE now, or a proposal under maker-checker for a preparer."""
    return approvals.submit_actions(uow, principal, gstin, found, actor, label=actor)


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


# What a plan reads of each claimed record: what SAVE finds of a record, then its taxable value.
_COLUMNS = (*FOUND_NAMES, "taxable")
_AT = {name: at for at, name in enumerate(_COLUMNS)}
_ID, _SUPPLIER, _NUMBER, _TAXABLE = _AT["id"], _AT["supplier"], _AT["doc_number"], _AT["taxable"]
_TAXES = itemgetter(_AT["igst"], _AT["cgst"], _AT["sgst"], _AT["cess"])


def _plan(
    uow: UnitOfWork,
    name: str,
    action: Action,
    remarks: str,
    rows: Sequence[Sequence[Any]],
    tp: Any,
    today: date,
) -> RulePlan:
    """Each claimed record judged as SAVE judges it (`Judge`: the rule table asked once per
    distinct facts; the records judged from their view read in one query)."""
    plan = RulePlan(name, action.value, claimed=len(rows), remarks=remarks)
    judged = Judge(uow, tp, today, "SAVE", rows).uniform(rows, action, remarks)
    accepted = action.value in _GIVES_CREDIT
    for row, (outcome, changed) in zip(rows, judged, strict=True):
        if isinstance(outcome, Refusal):
            plan.refused.append(
                Refused(row[_ID], row[_SUPPLIER], row[_NUMBER], outcome.code.value, outcome.message)
            )
            plan.refusing.append(row)
        elif not changed:  # SAVE would change nothing
            plan.unchanged += 1
        else:
            plan.changing.append(row)
            plan.taxable += from_paise(row[_TAXABLE])
            tax = from_paise(sum(_TAXES(row)))
            plan.tax += tax
            signed = -tax if row[_AT["kind"]] == _CN else tax
            before = row[_AT["action"]] in _GIVES_CREDIT
            plan.itc_effect += (signed if accepted else ZERO) - (signed if before else ZERO)
    return plan


_CN = Kind.CN.value
_GIVES_CREDIT = frozenset({Action.ACCEPT.value, Action.NO_ACTION.value})
_ACTION = {a.value: a for a in Action}
