"""Dry run and apply of a reconciliation's suggestions (R-REC-19).

A dry run counts, per outcome and suggested action, the records and the ITC effect of
applying, and lists what the rule table refuses. Apply sends the suggestions through the IMS
SAVE use case with `prev_status` as the run saw it, so a record whose action changed since is
refused as stale (`IMSSAV0010`, R-ACT-9), each record on its own. Its remarks name the run,
the outcome and the reason, and the audit trail keeps them with the request id. Applying
twice changes nothing: each record already holds the state asked for.

**(decision)** The ITC effect of an action is the record's tax (negative for a credit note)
when it is Accepted or left at No action (deemed accepted), nothing when Rejected or kept
Pending; the effect shown is the suggested action's minus the current one's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from gstims.domain.errors import RECON400
from gstims.domain.ims import ActionItem
from gstims.domain.money import ZERO
from gstims.domain.reconcile.model import Outcome
from gstims.domain.records import Action, Kind, Section
from gstims.domain.state import Declaration
from gstims.services import ims
from gstims.services.errors import ServiceError
from gstims.services.ims import ActionResult
from gstims.services.reconcile_runs import Run, get_run
from gstims.services.steps import Steps, no_steps
from gstims.store.db import UnitOfWork

APPLY_STEPS = 2


@dataclass(frozen=True, slots=True)
class Line:
    """One outcome and suggested action of a dry run: how many records, what ITC changes."""

    outcome: str
    action: str
    records: int
    itc_effect: Decimal


@dataclass(frozen=True, slots=True)
class DryRun:
    run_id: int
    lines: list[Line]
    refused: list[dict[str, Any]] = field(default_factory=list)  # what the rule table refuses

    @property
    def records(self) -> int:
        return sum(line.records for line in self.lines)


def _chosen(
    run: Run, outcomes: Sequence[str] | None
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    if outcomes is not None:
        unknown = sorted(set(outcomes) - {o.value for o in Outcome})
        if unknown:
            raise ServiceError(RECON400, f"unknown outcome(s): {', '.join(unknown)}")
    return [
        (result, portal)
        for result in run.results
        if outcomes is None or result["outcome"] in outcomes
        for portal in result["portal"]
    ]


def _itc(action: str, portal: Mapping[str, Any]) -> Decimal:
    if action in (Action.ACCEPT.value, Action.NO_ACTION.value):
        tax = Decimal(portal["tax"])
        return -tax if portal["kind"] == Kind.CN.value else tax
    return ZERO


def dry_run(
    uow: UnitOfWork,
    run_id: int,
    outcomes: Sequence[str] | None = None,
    gstins: Sequence[str] | None = None,
) -> DryRun:
    """R-REC-19: counts and ITC effect per outcome and action; the refusals of the rule table."""
    run = get_run(uow, run_id, gstins)
    lines: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    refused = []
    for result, portal in _chosen(run, outcomes):
        action = portal["suggested_action"]
        if action is None:
            if portal["refusal"]:
                refused.append(
                    {
                        "id": portal["id"],
                        "number": portal["number"],
                        "code": portal["refusal"],
                        "note": portal["note"],
                    }
                )
            continue
        lines[(result["outcome"], action)].append(
            _itc(action, portal) - _itc(portal["action"], portal)
        )
    return DryRun(
        run.id,
        [Line(o, a, len(effects), sum(effects, ZERO)) for (o, a), effects in sorted(lines.items())],
        refused,
    )


def apply_run(
    uow: UnitOfWork,
    run_id: int,
    actor: str,
    outcomes: Sequence[str] | None = None,
    gstins: Sequence[str] | None = None,
    steps: Steps = no_steps,
) -> ActionResult:
    """R-REC-19: the run's suggestions through SAVE, one request, `prev_status` as the run saw.
    Its `APPLY_STEPS` steps are named to `steps` as they start."""
    steps(f"reading reconciliation {run_id}")
    gstin, items = suggested_items(uow, run_id, outcomes, gstins)
    steps(f"saving {len(items):,} actions through SAVE")
    return ims.save_actions(uow, gstin, items, actor=f"{actor} (reconciliation {run_id})"[:100])


def suggested_items(
    uow: UnitOfWork,
    run_id: int,
    outcomes: Sequence[str] | None = None,
    gstins: Sequence[str] | None = None,
) -> tuple[str, list[ActionItem]]:
    """The GSTIN of the run and its suggestions as SAVE items (what `apply_run` applies; the
    entrypoints hand them to `approvals.submit_actions`, so maker-checker holds for them)."""
    run = get_run(uow, run_id, gstins)
    items = [
        ActionItem(
            section=Section(portal["section"]),
            supplier=portal["stin"],
            number=portal["number"],
            doc_date=datetime.strptime(portal["date"], "%d-%m-%Y").date(),
            action=Action(portal["suggested_action"]),
            prev_status=Action(portal["action"]),
            remarks=portal["remarks"],
            declaration=Declaration(required=True) if portal["declaration"] else None,
        )
        for _, portal in _chosen(run, outcomes)
        if portal["suggested_action"] is not None and portal["recipient"] == run.gstin
    ]
    if not items:
        raise ServiceError(RECON400, f"run {run_id} has no suggestion to apply")
    return run.gstin, items
