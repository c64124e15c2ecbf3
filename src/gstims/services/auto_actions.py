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

from gstims.domain.actions import Refusal, decide
from gstims.domain.auto_rules import Calendar, RuleSet, RuleSetError, parse_rule_set, rule_set_json
from gstims.domain.documents import Problem
from gstims.domain.ims import ActionItem
from gstims.domain.money import ZERO
from gstims.domain.records import SECTIONS, Action, Kind
from gstims.domain.state import ImsState
from gstims.services import approvals, ims, reconcile
from gstims.services.context import gc_paused, taxpayer
from gstims.services.errors import Invalid, NotFound
from gstims.services.ims import ActionResult
from gstims.services.taxpayers import Principal, operator
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import (
    RECORD_COLUMNS,
    STATE_COLUMNS,
    from_paise,
    state_columns,
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
    remarks: str = ""
    changing: list[Sequence[Any]] = field(default_factory=list, repr=False)  # their rows
    refusing: list[Sequence[Any]] = field(default_factory=list, repr=False)

    @property
    def changes(self) -> int:
        return len(self.changing)

    def items(self) -> list[ActionItem]:
        """The SAVE items: the records it changes, then those the rule table refuses (SAVE
        refuses them again, so the request's report lists them)."""
        action = _ACTION[self.action]
        return [_item(row, action, self.remarks) for row in (*self.changing, *self.refusing)]


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


def apply(
    uow: UnitOfWork, gstin: str, rules: RuleSet, user: str, principal: Principal | None = None
) -> Applied:
    """The dry run's changes, rule by rule, through `_submit` (the maker-checker seam), as
    `principal` (None: the CLI operator `user`, who holds every power)."""
    plan = dry_run(uow, gstin, rules)
    who = operator(user, gstin) if principal is None else principal
    done: list[tuple[str, ActionResult | None]] = []
    proposed = []
    for rule, rule_plan in zip(rules.rules, plan.rules, strict=True):
        items = rule_plan.items()
        submitted = _submit(uow, who, rule.actor(user), gstin, items) if items else None
        if isinstance(submitted, approvals.Proposed):
            proposed.append((rule.name, submitted.proposal_id))
            submitted = None
        done.append((rule.name, submitted.result if submitted is not None else None))
    return Applied(gstin, done, proposed)


def _submit(
    uow: UnitOfWork, principal: Principal, actor: str, gstin: str, items: Sequence[ActionItem]
) -> approvals.Saved | approvals.Proposed:
    """THE one place an auto-action reaches IMS: `approvals.submit_actions`, the seam of every
    IMS change — SAVE now, or a proposal under maker-checker for a preparer."""
    return approvals.submit_actions(uow, principal, gstin, items, actor, label=actor)


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


_KEY_COLUMNS = (
    "kind",
    "period_2b",
    "source_period",
    "origin",
    "supplier_frequency",
    "route",
    *STATE_COLUMNS,
)
# What a plan reads of each claimed record: what the rule table's memo key, the dry run's
# figures and the SAVE item need. The rest of a record is read for the few judged in full.
_COLUMNS = tuple(
    dict.fromkeys(
        (
            "id",
            "supplier",
            "doc_number",
            "doc_date",
            "taxable",
            "igst",
            "cgst",
            "sgst",
            "cess",
            "filed_on",
            "consumed_in",
            "orig_number",
            "orig_consumed",
            *_KEY_COLUMNS,
        )
    )
)
_AT = {name: at for at, name in enumerate(_COLUMNS)}
_KEY_VALUES = itemgetter(*(_AT[c] for c in _KEY_COLUMNS))
_STATE_VALUES = itemgetter(*(_AT[c] for c in STATE_COLUMNS))
_FULL = tuple(
    dict.fromkeys((*RECORD_COLUMNS, *STATE_COLUMNS, "hash", "route", "period_2b", "consumed_in"))
)
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
    """Each claimed record judged as SAVE would judge it, the rule table asked once per memo
    key (an amendment alone); the records judged in full are read in one query."""
    plan = RulePlan(name, action.value, claimed=len(rows), remarks=remarks)
    keys = [_judgment_key(row) for row in rows]
    judged: dict[Any, ImsState | Refusal] = {}
    wanted: dict[int, Any] = {}  # the records judged in full: the first of each key
    seen: set[Any] = set()
    for row, key in zip(rows, keys, strict=True):
        if key is None or key not in seen:
            seen.add(key)
            wanted[row[_ID]] = key if key is not None else ("alone", row[_ID])
    for record_id, *values in uow.records.facts(list(wanted), _FULL, tp.gstin):
        full = dict(zip(("id", *_FULL), (record_id, *values), strict=True))
        record = ims.ims_record(full, tp, today)
        outcome = decide(record.view, action, record.state.action, remarks, None, today)
        judged[wanted[record_id]] = outcome
    as_wanted = _state_values(ImsState(action, remarks, None))
    accepted = action.value in _GIVES_CREDIT
    for row, key in zip(rows, keys, strict=True):
        outcome = judged[key if key is not None else ("alone", row[_ID])]
        if isinstance(outcome, Refusal):
            plan.refused.append(
                Refused(row[_ID], row[_SUPPLIER], row[_NUMBER], outcome.code.value, outcome.message)
            )
            plan.refusing.append(row)
        elif _STATE_VALUES(row) == as_wanted:  # SAVE would change nothing
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


def _state_values(state: ImsState) -> tuple[Any, ...]:
    columns = state_columns(state)
    return tuple(columns[c] for c in STATE_COLUMNS)


def _judgment_key(row: Sequence[Any]) -> tuple[Any, ...] | None:
    """What the rule table reads of a record, as a memo key (the key SAVE memoises on); None
    for an amendment, judged alone."""
    if row[_AT["orig_number"]] is not None:
        return None
    return (
        *_KEY_VALUES(row),
        row[_SUPPLIER] == "",
        row[_AT["filed_on"]] is None,
        row[_AT["consumed_in"]] is None,
    )


_ACTION = {a.value: a for a in Action}
_KIND = {k.value: k for k in Kind}


def _item(row: Sequence[Any], action: Action, remarks: str) -> ActionItem:
    kind = _KIND[row[_AT["kind"]]]
    supplier = row[_SUPPLIER]
    section = SECTIONS[(kind, bool(row[_AT["orig_consumed"]]), kind is Kind.BOE and supplier != "")]
    return ActionItem(
        section=section,
        supplier=supplier,
        number=row[_NUMBER],
        doc_date=row[_AT["doc_date"]],
        action=action,
        prev_status=_ACTION[row[_AT["action"]]],
        remarks=remarks,
    )
