"""Auto-action rules on the sandbox clock and for a CA user's clients (issue 17).

`run_scheduled` is the clock's daily event (`Event.AUTO_RULES`): each rule set kept with
`on_day` equal to the day of the month is applied once per (rule set, GSTIN, month)
(`auto_rule_runs`), as the user who saved it. A user's rule set (`user:<name>`) acts on
every registered GSTIN granted to that user, one query per rule per GSTIN.

**(decision, ADR 19)** Unattended, a rule set acts as its owner (the user who saved it) with
the roles the owner holds *on the day it runs*, through the maker-checker seam: under a
GSTIN's maker-checker a preparer's scheduled rules file proposals; a GSTIN where the owner may
no longer change IMS (a viewer now, or no grant) is skipped and the run says so; a rule set
the CLI operator saved (`cli`, no such user) acts with the operator's every power.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gstims.domain.auto_rules import RuleSet
from gstims.domain.roles import Capability, Handling, Role, route_of_change
from gstims.services.auto_actions import Applied, Plan, apply, dry_run, read_rule_set
from gstims.services.taxpayers import Principal, principal_named
from gstims.store.db import UnitOfWork

OPERATOR = "cli"  # the CLI operator's name (`gstims rules import` without --user)


def run_scheduled(uow: UnitOfWork, day: date) -> dict[str, int]:
    """The clock's event: each rule set scheduled on this day of the month is applied, for
    each of its GSTINs, at most once a month (`auto_rule_runs`, which keeps what each run did
    per GSTIN), as the user who saved it. Answers counts, bounded whatever the GSTINs (issue 13)."""
    counts = {"rule_runs": 0, "rule_changed": 0, "rule_refused": 0}
    kept = uow.auto_rules.scheduled(day.day)
    if not kept:
        return counts
    done = uow.auto_rules.ran(day.year * 100 + day.month)
    for scope, definition, owner in kept:
        rules = read_rule_set(definition)
        who = principal_named(uow, owner)
        for gstin in _gstins_of(uow, scope):
            if (scope, gstin) in done:
                continue
            result, summary = _run_one(uow, gstin, rules, owner, who)
            uow.auto_rules.mark_ran(scope, gstin, day, summary)
            counts["rule_runs"] += 1
            if result is None:
                continue
            counts["rule_changed"] += result.applied
            counts["rule_refused"] += result.refused
            if result.proposals:  # maker-checker: a preparer's rules await an approver
                counts["rule_proposed"] = counts.get("rule_proposed", 0) + len(result.proposals)
    return counts


def _run_one(
    uow: UnitOfWork, gstin: str, rules: RuleSet, owner: str, who: Principal | None
) -> tuple[Applied | None, str]:
    """The rule set on one GSTIN as its owner (None: skipped) and what the run keeps of it."""
    if who is None and owner != OPERATOR:
        return None, f"skipped: no user {owner}"[:200]
    if who is not None and not who.may(gstin, Capability.PREPARE):
        return None, f"skipped: {owner} may not change this IMS"[:200]
    result = apply(uow, gstin, rules, owner, who)
    proposed = f", {len(result.proposals)} proposed" if result.proposals else ""
    return result, f"{result.applied} changed, {result.refused} refused{proposed}"


def _gstins_of(uow: UnitOfWork, scope: str) -> list[str]:
    kind, _, name = scope.partition(":")
    return [name] if kind == "gstin" else clients_of(uow, name)


def clients_of(uow: UnitOfWork, user: str) -> list[str]:
    """The registered GSTINs granted to the user (a user scope's rule set acts on each)."""
    granted = uow.auto_rules.granted_to(user)
    registered = {row["gstin"] for row in uow.taxpayers.by_gstin(granted)}
    return [g for g in granted if g in registered]


def dry_run_for_user(uow: UnitOfWork, user: str, rules: RuleSet) -> list[Plan]:
    """The user's rule set over each client: one query per rule per GSTIN."""
    return [dry_run(uow, gstin, rules) for gstin in clients_of(uow, user)]


@dataclass(frozen=True, slots=True)
class ClientPlan:
    """A user's rule set on one of their GSTINs: the dry run, and what applying it would do
    there with the role the user holds (apply, propose under maker-checker, or skip)."""

    gstin: str
    role: Role | None
    maker_checker: bool
    handling: Handling
    plan: Plan


def dry_run_as(uow: UnitOfWork, principal: Principal, rules: RuleSet) -> list[ClientPlan]:
    """The user's rule set over each client, each with what `apply_for_user` would do there:
    one query per rule per GSTIN, and one for every GSTIN's maker-checker setting."""
    clients = clients_of(uow, principal.name)
    checked = {row["gstin"]: bool(row["maker_checker"]) for row in uow.taxpayers.by_gstin(clients)}
    out = []
    for gstin in clients:
        role = principal.role(gstin)
        handling = route_of_change(role, checked[gstin])
        out.append(ClientPlan(gstin, role, checked[gstin], handling, dry_run(uow, gstin, rules)))
    return out


def apply_for_user(uow: UnitOfWork, principal: Principal, rules: RuleSet) -> list[Applied]:
    """The user's rule set on each client where their role may change IMS (through the
    maker-checker seam: a preparer's rules become proposals where a GSTIN asks for them)."""
    return [
        apply(uow, gstin, rules, principal.name, principal)
        for gstin in clients_of(uow, principal.name)
        if principal.may(gstin, Capability.PREPARE)
    ]


def skipped_for(uow: UnitOfWork, principal: Principal) -> list[str]:
    """The user's GSTINs `apply_for_user` leaves alone: their role there may not change IMS."""
    return [g for g in clients_of(uow, principal.name) if not principal.may(g, Capability.PREPARE)]
