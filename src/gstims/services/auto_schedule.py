"""Auto-action rules on the sandbox clock and for a CA user's clients (issue 17).

`run_scheduled` is the clock's daily event (`Event.AUTO_RULES`): each rule set kept with
`on_day` equal to the day of the month is applied once per (rule set, GSTIN, month)
(`auto_rule_runs`), as the user who saved it. A user's rule set (`user:<name>`) acts on
every registered GSTIN granted to that user, one query per rule per GSTIN.
"""

from __future__ import annotations

from datetime import date

from gstims.domain.auto_rules import RuleSet
from gstims.services.auto_actions import Applied, Plan, apply, dry_run, read_rule_set
from gstims.store.db import UnitOfWork


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
        for gstin in _gstins_of(uow, scope):
            if (scope, gstin) in done:
                continue
            result = apply(uow, gstin, rules, owner)
            summary = f"{result.applied} changed, {result.refused} refused"
            uow.auto_rules.mark_ran(scope, gstin, day, summary)
            counts["rule_runs"] += 1
            counts["rule_changed"] += result.applied
            counts["rule_refused"] += result.refused
    return counts


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


def apply_for_user(uow: UnitOfWork, user: str, rules: RuleSet) -> list[Applied]:
    return [apply(uow, gstin, rules, user) for gstin in clients_of(uow, user)]
