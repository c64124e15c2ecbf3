"""Reconciliation use cases: run, read, dry run and apply (R-REC-13, R-REC-14, R-REC-19).

A run reads, in two queries, the recipient's current books (from the start of the previous
financial year to the end of the run's last period, R-REC-13) and its portal documents (the
open IMS records, and every record whose GSTR-2B period is one of the run's), matches them
(`domain.reconcile.matcher`), asks the rule table for each IMS record's suggestion
(`domain.reconcile.suggest`, R-REC-16) and keeps the whole answer as one snapshot. Nothing a
later run finds changes an earlier run.

A dry run counts, per outcome and suggested action, the records and the ITC effect of
applying (R-REC-19), and lists what the rule table refuses. Apply sends the suggestions
through the IMS SAVE use case with `prev_status` as the run saw it, so a record whose action
changed since is refused as stale (`IMSSAV0010`, R-ACT-9), each record on its own. Its
remarks name the run, the outcome and the reason, and the audit trail keeps them with the
request id. Applying twice changes nothing: each record already holds the state asked for.

**(decision)** The ITC effect of an action is the record's tax (negative for a credit note)
when it is Accepted or left at No action (deemed accepted), nothing when Rejected or kept
Pending; the effect shown is the suggested action's minus the current one's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, or_, select

from gstims.domain.calendar import Period, financial_year_of
from gstims.domain.ims import ActionItem, ImsRecord
from gstims.domain.money import ZERO
from gstims.domain.reconcile.matcher import Manual, reconcile, shown
from gstims.domain.reconcile.model import (
    DEFAULT_TOLERANCE,
    Document,
    Outcome,
    Result,
    Tolerance,
    totals_by_outcome,
)
from gstims.domain.reconcile.suggest import DEFAULT_ACTIONS, remarks_for, suggest
from gstims.domain.records import Action, Kind, Route, Section
from gstims.domain.state import Declaration
from gstims.services import ims
from gstims.services.books import current_books
from gstims.services.context import gc_paused, taxpayer
from gstims.services.errors import NotFound, ServiceError
from gstims.services.ims import ActionResult
from gstims.store.books_tables import recon_manual, recon_runs
from gstims.store.db import UnitOfWork
from gstims.store.tables import records

MAX_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Run:
    """A stored run: its parameters, summary and results as the API shows them."""

    id: int
    gstin: str
    gstins: list[str]
    periods: list[str]
    parameters: dict[str, Any]
    summary: dict[str, Any]
    results: list[dict[str, Any]]


@gc_paused
def run_reconciliation(
    uow: UnitOfWork,
    gstin: str,
    periods: Sequence[Period],
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    other_gstins: Sequence[str] = (),
    user: str | None = None,
) -> int:
    """Match, explain and suggest; keep the run as a snapshot. Returns the run's id."""
    if not periods:
        raise ServiceError("RECON400", "a run needs at least one period")
    gstins = [gstin, *(g for g in dict.fromkeys(other_gstins) if g != gstin)]
    taxpayers = {g: taxpayer(uow, g) for g in gstins}
    today = uow.today()
    first, last = min(periods), max(periods)
    books_from = date(financial_year_of(first.first_day) - 1, 4, 1)
    books = current_books(uow, gstins, books_from, last.last_day)
    rows = uow.conn.execute(
        select(records)
        .where(
            records.c.recipient.in_(gstins),
            records.c.live.is_(True),
            or_(
                (records.c.route == Route.IMS.value) & records.c.consumed_in.is_(None),
                records.c.period_2b.in_([p.year * 100 + p.month for p in periods]),
            ),
        )
        .order_by(records.c.id)
    ).mappings()
    portal: list[Document] = []
    known: dict[str, ImsRecord] = {}
    for row in rows:
        record = ims.ims_record(row, taxpayers[row["recipient"]], today)
        known[str(record.id)] = record
        portal.append(_portal_document(record, Route(row["route"])))
    manual, overrides = _manual(uow, gstins)
    results = reconcile(books, portal, tolerance, last.last_day, manual)
    run_id = uow.conn.execute(
        insert(recon_runs)
        .values(
            gstin=gstin,
            gstins=gstins,
            periods=[p.code for p in periods],
            parameters=_parameters(tolerance),
            created_at=datetime.now(),
            created_by=user,
            summary={},
            results=[],
        )
        .returning(recon_runs.c.id)
    ).scalar_one()
    label = f"gstims reconciliation {run_id}"
    encoded = [
        _result(n, r, known, today, label, overrides) for n, r in enumerate(results, start=1)
    ]
    uow.conn.execute(
        recon_runs.update()
        .where(recon_runs.c.id == run_id)
        .values(summary=_summary(results), results=encoded)
    )
    return int(run_id)


def _portal_document(r: ImsRecord, route: Route) -> Document:
    record = r.record
    original = record.original
    return Document(
        ref=str(r.id),
        recipient=record.key.recipient,
        supplier=record.key.supplier,
        kind=record.key.kind,
        number=record.number,
        doc_date=record.doc_date,
        taxable=record.taxable,
        tax=record.tax,
        value=record.value,
        pos=record.pos,
        reverse_charge=record.reverse_charge,
        port_code=record.port_code,
        section=r.section.value,
        route=route,
        original_number=original.number if original is not None else None,
        original_date=original.doc_date if original is not None else None,
    )


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
    known: Mapping[str, ImsRecord],
    today: date,
    label: str,
    overrides: Mapping[int, Action | None],
) -> dict[str, Any]:
    record = known[d.ref]
    view = record.view if d.route is Route.IMS else None
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
    known: Mapping[str, ImsRecord],
    today: date,
    label: str,
    overrides: Mapping[int, Action | None],
) -> dict[str, Any]:
    portal = [_portal_json(r, d, known, today, label, overrides) for d in r.portal]
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


def recent_runs(uow: UnitOfWork, gstin: str, count: int = 10) -> Sequence[Any]:
    """The GSTIN's latest runs, newest first: (id, periods, created_at)."""
    return uow.conn.execute(
        select(recon_runs.c.id, recon_runs.c.periods, recon_runs.c.created_at)
        .where(recon_runs.c.gstin == gstin)
        .order_by(recon_runs.c.id.desc())
        .limit(count)
    ).all()


def get_run(uow: UnitOfWork, run_id: int, gstins: Sequence[str] | None = None) -> Run:
    """A stored run; `gstins` (the caller's) must hold the run's own GSTIN."""
    if not 0 < run_id <= MAX_ID:  # a number no run can have (and past PostgreSQL's INTEGER)
        raise NotFound("RECON404", f"no reconciliation run {run_id}")
    row = uow.conn.execute(select(recon_runs).where(recon_runs.c.id == run_id)).mappings().first()
    if row is None or (gstins is not None and row["gstin"] not in gstins):
        raise NotFound("RECON404", f"no reconciliation run {run_id}")
    return Run(
        row["id"],
        row["gstin"],
        list(row["gstins"]),
        list(row["periods"]),
        dict(row["parameters"]),
        dict(row["summary"]),
        list(row["results"]),
    )


def run_json(run: Run) -> dict[str, Any]:
    """R-REC-22: the run as the API and `--json` give it."""
    return {
        "id": run.id,
        "gstin": run.gstin,
        "gstins": run.gstins,
        "periods": run.periods,
        "parameters": run.parameters,
        "summary": run.summary,
        "results": run.results,
    }


# -- manual work (R-REC-18) -------------------------------------------------------------------


def _manual(uow: UnitOfWork, gstins: Sequence[str]) -> tuple[Manual, dict[int, Action | None]]:
    """The active decisions made by hand for these GSTINs, in one query."""
    m = recon_manual
    rows = uow.conn.execute(
        select(m.c.decision, m.c.books_ref, m.c.portal_id, m.c.action)
        .where(m.c.gstin.in_(list(gstins)), m.c.revoked_at.is_(None))
        .order_by(m.c.id)
    ).all()
    pairs = frozenset((r.books_ref, str(r.portal_id)) for r in rows if r.decision == "pair")
    apart = frozenset((r.books_ref, str(r.portal_id)) for r in rows if r.decision == "apart")
    overrides = {
        r.portal_id: Action(r.action) if r.action else None
        for r in rows
        if r.decision == "override"
    }
    return Manual(pairs, apart), overrides


def _check_own(uow: UnitOfWork, gstin: str, books_ref: str | None, portal_id: int) -> None:
    """Tenant isolation: both documents must be the GSTIN's own."""
    if books_ref is not None and not books_ref.startswith(f"{gstin}/"):
        raise NotFound("RECON404", f"no books document {books_ref} of {gstin}")
    owner = uow.conn.execute(select(records.c.recipient).where(records.c.id == portal_id)).scalar()
    if owner != gstin:
        raise NotFound("RECON404", f"no portal record {portal_id} of {gstin}")


def _revoke(uow: UnitOfWork, user: str, now: datetime, *where: Any) -> None:
    uow.conn.execute(
        recon_manual.update()
        .where(recon_manual.c.revoked_at.is_(None), *where)
        .values(revoked_by=user, revoked_at=now)
    )


def _decide(
    uow: UnitOfWork,
    gstin: str,
    decision: str,
    books_ref: str | None,
    portal_id: int,
    user: str,
    action: Action | None = None,
) -> None:
    _check_own(uow, gstin, books_ref, portal_id)
    now = datetime.now()
    m = recon_manual
    same = (m.c.gstin == gstin, m.c.portal_id == portal_id)
    if decision == "override":
        _revoke(uow, user, now, *same, m.c.decision == "override")
    else:
        _revoke(uow, user, now, *same, m.c.books_ref == books_ref, m.c.decision != "override")
    uow.conn.execute(
        insert(m).values(
            gstin=gstin,
            decision=decision,
            books_ref=books_ref,
            portal_id=portal_id,
            action=action.value if action else None,
            made_by=user,
            made_at=now,
        )
    )


def pair_by_hand(uow: UnitOfWork, gstin: str, books_ref: str, portal_id: int, user: str) -> None:
    """R-REC-18: these two pair in every later run (until unpaired)."""
    _decide(uow, gstin, "pair", books_ref, portal_id, user)


def unpair_by_hand(uow: UnitOfWork, gstin: str, books_ref: str, portal_id: int, user: str) -> None:
    """R-REC-18: these two never pair again (until paired by hand)."""
    _decide(uow, gstin, "apart", books_ref, portal_id, user)


def override_suggestion(
    uow: UnitOfWork, gstin: str, portal_id: int, action: Action | None, user: str
) -> None:
    """R-REC-18: the record's suggestion in every later run (still asked of the rule table)."""
    _decide(uow, gstin, "override", None, portal_id, user, action)


# -- dry run and apply ------------------------------------------------------------------------


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
            raise ServiceError("RECON400", f"unknown outcome(s): {', '.join(unknown)}")
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
) -> ActionResult:
    """R-REC-19: the run's suggestions through SAVE, one request, `prev_status` as the run saw."""
    gstin, items = suggested_items(uow, run_id, outcomes, gstins)
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
        raise ServiceError("RECON400", f"run {run_id} has no suggestion to apply")
    return run.gstin, items
