"""Reconciliation runs (R-REC-13, R-REC-14, R-REC-18): match, explain, suggest, keep.

A run reads, in two queries, the recipient's current books (from the start of the previous
financial year to the end of the run's last period, R-REC-13) and its portal documents (the
open IMS records, and every record whose GSTR-2B period is one of the run's), matches them
(`domain.reconcile.matcher`) with the decisions made by hand (`reconcile_manual`), asks the
rule table for each IMS record's suggestion (`domain.reconcile.suggest`, R-REC-16) and keeps
the whole answer as one snapshot (one row, one compressed document). Nothing a later run
finds changes an earlier run.

This module is the public face of reconciliation: the stored runs (`reconcile_runs`), the
decisions made by hand (`reconcile_manual`) and the dry run and apply (`reconcile_apply`)
are reached through it under their own names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from gstims.domain.actions import RecordView
from gstims.domain.calendar import Period, financial_year_of
from gstims.domain.errors import RECON400
from gstims.domain.reconcile.matcher import reconcile, shown
from gstims.domain.reconcile.model import (
    DEFAULT_TOLERANCE,
    Document,
    Result,
    Tolerance,
    totals_by_outcome,
)
from gstims.domain.reconcile.suggest import DEFAULT_ACTIONS, remarks_for, suggest
from gstims.domain.records import Action, Route
from gstims.services.books import current_books
from gstims.services.context import gc_paused, taxpayer
from gstims.services.errors import ServiceError
from gstims.services.reconcile_apply import APPLY_STEPS, DryRun, Line, apply_run, dry_run
from gstims.services.reconcile_manual import (
    manual_for,
    override_suggestion,
    pair_by_hand,
    unpair_by_hand,
)
from gstims.services.reconcile_portal import portal_documents
from gstims.services.reconcile_runs import (
    MAX_ID,
    Latest,
    PanGroup,
    Run,
    get_run,
    latest_runs,
    overview,
    recent_runs,
    run_json,
)
from gstims.services.steps import Steps, no_steps
from gstims.store.db import UnitOfWork

RUN_STEPS = 5

__all__ = [
    "APPLY_STEPS",
    "MAX_ID",
    "RUN_STEPS",
    "DryRun",
    "Latest",
    "Line",
    "PanGroup",
    "Run",
    "apply_run",
    "by_hand",
    "dry_run",
    "get_run",
    "latest_runs",
    "override_suggestion",
    "overview",
    "pair_by_hand",
    "recent_runs",
    "rerun",
    "run_json",
    "run_reconciliation",
    "unpair_by_hand",
]


@gc_paused
def run_reconciliation(
    uow: UnitOfWork,
    gstin: str,
    periods: Sequence[Period],
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    other_gstins: Sequence[str] = (),
    user: str | None = None,
    steps: Steps = no_steps,
) -> int:
    """Match, explain and suggest; keep the run as a snapshot. Returns the run's id.
    Its `RUN_STEPS` steps are named to `steps` as they start."""
    if not periods:
        raise ServiceError(RECON400, "a run needs at least one period")
    gstins = [gstin, *(g for g in dict.fromkeys(other_gstins) if g != gstin)]
    taxpayers = {g: taxpayer(uow, g) for g in gstins}
    today = uow.today()
    first, last = min(periods), max(periods)
    books_from = date(financial_year_of(first.first_day) - 1, 4, 1)
    steps("reading the books")
    books = current_books(uow, gstins, books_from, last.last_day)
    steps("reading the portal records")
    portal, views = portal_documents(uow, gstins, periods, taxpayers, today)
    manual, overrides = manual_for(uow, gstins)
    steps(f"matching {len(books):,} books against {len(portal):,} portal documents")
    results = reconcile(books, portal, tolerance, last.last_day, manual)
    steps(f"explaining {len(results):,} results and suggesting actions")
    run_id = uow.recon.add_run(
        {
            "gstin": gstin,
            "gstins": gstins,
            "periods": [p.code for p in periods],
            "parameters": _parameters(tolerance),
            "created_at": datetime.now(),
            "created_by": user,
        }
    )
    label = f"gstims reconciliation {run_id}"
    encoded = [
        _result(n, r, views, today, label, overrides) for n, r in enumerate(results, start=1)
    ]
    steps("storing the run")
    uow.recon.keep(run_id, _summary(results), encoded)
    return run_id


def rerun(uow: UnitOfWork, run_id: int, gstins: Sequence[str] | None, user: str) -> int:
    """A new run with an earlier run's periods, GSTINs and tolerance (after work by hand)."""
    old = get_run(uow, run_id, gstins)
    p = old.parameters
    percent = p.get("percent")
    tolerance = Tolerance(
        Decimal(p["amount"]),
        Decimal(percent) if percent is not None else None,
        int(p["date_days"]),
        int(p["note_date_days"]),
    )
    periods = [Period.parse(code) for code in old.periods]
    return run_reconciliation(uow, old.gstin, periods, tolerance, old.gstins[1:], user)


BY_HAND = ("pair", "unpair", "override")


def by_hand(
    uow: UnitOfWork,
    run_id: int,
    gstin: str,
    user: str,
    decision: str,
    portal_id: int,
    books_ref: str | None = None,
    action: Action | None = None,
) -> int:
    """R-REC-18: pair, unpair or override on run `run_id` of `gstin`, then run again with the
    same parameters (every later run keeps the decision). Returns the new run's id."""
    get_run(uow, run_id, [gstin])  # the caller's own run, or "not found"
    if decision == "override":
        override_suggestion(uow, gstin, portal_id, action, user)
    elif decision in BY_HAND:
        if not books_ref:
            raise ServiceError(RECON400, f"{decision} names a books document and a record")
        (pair_by_hand if decision == "pair" else unpair_by_hand)(
            uow, gstin, books_ref, portal_id, user
        )
    else:
        raise ServiceError(RECON400, f"unknown decision {decision!r}: {', '.join(BY_HAND)}")
    return rerun(uow, run_id, [gstin], user)


def _parameters(t: Tolerance) -> dict[str, Any]:
    return {
        "amount": t.amount,
        "percent": t.percent,
        "date_days": t.date_days,
        "note_date_days": t.note_date_days,
    }


def _amount(value: Decimal) -> Decimal:
    return value + 0  # never -0.00


def _summary(results: Sequence[Result]) -> dict[str, Any]:
    return {
        outcome.value: {
            "count": t.count,
            "books_taxable": _amount(t.books_taxable),
            "books_tax": _amount(t.books_tax),
            "portal_taxable": _amount(t.portal_taxable),
            "portal_tax": _amount(t.portal_tax),
        }
        for outcome, t in totals_by_outcome(results).items()
    }


def _books_json(d: Document) -> dict[str, Any]:
    return {
        "ref": d.ref,
        "supplier": d.supplier,
        "kind": d.kind.value,
        "number": d.number,
        "date": shown(d.doc_date),
        "taxable": d.taxable,
        "tax": d.tax.total,
    }


def _portal_json(
    result: Result,
    d: Document,
    views: Mapping[str, RecordView],
    today: date,
    label: str,
    overrides: Mapping[int, Action | None],
) -> dict[str, Any]:
    record = views[d.ref]
    view = record if d.route is Route.IMS else None
    remarks = remarks_for(result, label)
    overridden = int(d.ref) in overrides
    defaults = (
        {**DEFAULT_ACTIONS, result.outcome: overrides[int(d.ref)]}
        if overridden
        else DEFAULT_ACTIONS
    )
    s = suggest(result, d, view, today, remarks, defaults)
    return {
        "id": int(d.ref),
        "recipient": d.recipient,
        "section": d.section,
        "stin": d.supplier,
        "kind": d.kind.value,
        "number": d.number,
        "date": shown(d.doc_date),
        "taxable": d.taxable,
        "tax": d.tax.total,
        "route": d.route.value if d.route else None,
        "action": record.state.action.value,
        "suggested_action": s.action.value if s.action else None,
        "declaration": s.declaration is not None,
        "remarks": remarks if s.action else None,
        "note": ("overridden by hand; " if overridden else "") + s.note,
        "refusal": s.refusal.code.value if s.refusal else None,
    }


def _result(
    n: int,
    r: Result,
    views: Mapping[str, RecordView],
    today: date,
    label: str,
    overrides: Mapping[int, Action | None],
) -> dict[str, Any]:
    portal = [_portal_json(r, d, views, today, label, overrides) for d in r.portal]
    return {
        "n": n,
        "outcome": r.outcome.value,
        "pass": r.decided_by.value,
        "supplier": r.supplier,
        "reason": r.reason,
        "books": [_books_json(d) for d in r.books],
        "portal": portal,
        "differences": [
            {
                "field": d.field,
                "books": d.books,
                "portal": d.portal,
                "delta": d.delta,
                "tolerance": d.tolerance,
            }
            for d in r.differences
        ],
        "candidates": [
            {"number": c.document.number, "date": shown(c.document.doc_date), "why": c.why_not}
            for c in r.candidates
        ],
        "taxable_delta": _amount(r.taxable_delta),
        "tax_delta": _amount(r.tax_delta),
        "suggested_action": next(
            (p["suggested_action"] for p in portal if p["suggested_action"]), None
        ),
    }
