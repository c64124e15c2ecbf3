"""The reconciliation page of a GSTIN (R-REC-20): upload the register, run, read, act.

`/reconcile` summarises every GSTIN granted to the signed-in user (a CA user's clients), grouped
by PAN: outcome tiles per PAN (count and ₹, from each GSTIN's latest run) and a line per GSTIN
with links into its own page. `/g/{gstin}/reconcile` shows the upload form and the run form; with `?run=N` the run's outcome
tiles (count and ₹), the supplier-wise table, the results (filtered by outcome and supplier),
the detail of one result (`&result=n`: its reason, differences and near candidates), the
pair-by-hand form, the dry run (`&dry=1`) and the apply button. Every POST carries the CSRF
token and acts only on the signed-in user's own GSTIN; the use cases are the API's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from gstims.domain.calendar import Period, PeriodError
from gstims.domain.reconcile.model import DEFAULT_TOLERANCE
from gstims.domain.records import Action
from gstims.formats.register import MAX_BYTES
from gstims.services import approvals, books, reconcile
from gstims.services.errors import ServiceError
from gstims.web.approval_pages import submitted_message
from gstims.web.render import flash, page, redirect, shell, url
from gstims.web.security import PageNotFound, granted, granted_all, posted, signed_in

router = APIRouter()
SHOWN = 200  # results listed on the page at once


def _run_id(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


@router.get("/reconcile")
def overview_page(request: Request) -> Response:
    """R-REC-20: the signed-in user's GSTINs by PAN, each with its latest run's outcomes."""
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        frame = shell(uow, user, None, "reconcile-all")
        groups = reconcile.overview(uow, granted_all(user, request))
    return page(
        request,
        "reconcile_overview.html",
        title="Reconciliation by PAN",
        shell=frame,
        groups=groups,
        names=dict(frame.gstins),
    )


@router.get("/g/{gstin}/reconcile")
def reconcile_page(request: Request, gstin: str) -> Response:
    params = request.query_params
    run_id = _run_id(params.get("run"))
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        frame = shell(uow, user, gstin, "reconcile")
        runs = reconcile.recent_runs(uow, gstin)
        run = reconcile.get_run(uow, run_id, [gstin]) if run_id else None
        dry = (
            reconcile.dry_run(uow, run_id, None, [gstin])
            if run_id and run and params.get("dry")
            else None
        )
        today = uow.today()
    context: dict[str, Any] = {"run": run, "dry": dry, "runs": runs}
    if run is not None:
        context.update(_run_view(run, params))
    return page(
        request,
        "reconcile.html",
        title="Reconciliation",
        shell=frame,
        base=f"/g/{gstin}/reconcile",
        today_period=Period.of(today).prev().code,
        **context,
    )


def _tax(docs: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(d["tax"]) * (-1 if d.get("kind") == "CN" else 1) for d in docs), Decimal(0))


def _run_view(run: reconcile.Run, params: Any) -> dict[str, Any]:
    suppliers: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for r in run.results:
        row = suppliers[r["supplier"] or "imports"]
        row[0] += 1
        row[1] += _tax(r["books"])
        row[2] += _tax(r["portal"])
    outcome = params.get("outcome") or ""
    supplier = (params.get("supplier") or "").strip().upper()
    chosen = [
        r
        for r in run.results
        if (not outcome or r["outcome"] == outcome) and (not supplier or supplier in r["supplier"])
    ]
    n = params.get("result")
    detail = next((r for r in run.results if str(r["n"]) == n), None) if n else None
    return {
        "tiles": sorted(run.summary.items()),
        "suppliers": sorted(suppliers.items()),
        "results": chosen[:SHOWN],
        "matching": len(chosen),
        "outcome": outcome,
        "supplier": supplier,
        "detail": detail,
        "counts": Counter(r["outcome"] for r in run.results),
        "books_left": [r["books"][0] for r in run.results if r["outcome"] == "only_in_books"],
        "portal_left": [r["portal"][0] for r in run.results if r["outcome"] == "only_in_portal"],
    }


# -- actions ---------------------------------------------------------------------------------


async def _posted(request: Request, gstin: str) -> tuple[str, FormData, str]:
    gstin, form, user = await posted(request, gstin)
    return gstin, form, user.name


def _in_one_transaction(request: Request, fn: Any, *args: Any) -> Any:
    with request.app.state.db.transaction() as uow:
        return fn(uow, *args)


@router.post("/g/{gstin}/reconcile/books")
async def upload(request: Request, gstin: str) -> Response:
    gstin, form, user = await _posted(request, gstin)
    file = form.get("file")
    if not isinstance(file, UploadFile):
        await form.close()
        raise PageNotFound("The form carries no register file.")
    try:
        data = await file.read(MAX_BYTES + 1)
    finally:
        await form.close()  # the spooled upload's file, closed now rather than at collection
    profile = str(form.get("profile") or "generic")
    skip = form.get("skip_invalid") == "on"
    try:
        outcome = await run_in_threadpool(
            _in_one_transaction,
            request,
            books.import_file,
            gstin,
            data,
            file.filename or "register",
            profile,
            None,
            skip,
            user,
        )
    except ServiceError as exc:
        problems = getattr(exc, "problems", [])
        flash(request, f"Register refused ({exc.code}): {exc.message}", "error")
        for problem in problems[:50]:
            flash(request, str(problem), "error")
        return redirect(f"/g/{gstin}/reconcile")
    flash(
        request,
        f"Books version {outcome.version}: {outcome.documents} documents"
        + ("" if outcome.changed else " (unchanged: the same documents as before)")
        + (f"; {len(outcome.problems)} problem(s) skipped" if outcome.problems else ""),
    )
    return redirect(f"/g/{gstin}/reconcile")


def _periods(text: object) -> list[Period]:
    try:
        return [Period.parse(p.strip()) for p in str(text or "").split(",") if p.strip()]
    except PeriodError as exc:
        raise PageNotFound(f"Periods are MMYYYY: {exc}") from exc


@router.post("/g/{gstin}/reconcile/run")
async def run(request: Request, gstin: str) -> Response:
    gstin, form, user = await _posted(request, gstin)
    periods = _periods(form.get("periods"))
    try:
        run_id = await run_in_threadpool(
            _in_one_transaction,
            request,
            reconcile.run_reconciliation,
            gstin,
            periods,
            DEFAULT_TOLERANCE,
            (),
            user,
        )
    except ServiceError as exc:
        flash(request, f"Not run ({exc.code}): {exc.message}", "error")
        return redirect(f"/g/{gstin}/reconcile")
    return redirect(url(f"/g/{gstin}/reconcile", run=run_id))


@router.post("/g/{gstin}/reconcile/apply")
async def apply(request: Request, gstin: str) -> Response:
    gstin, form, user = await posted(request, gstin)
    run_id = _run_id(str(form.get("run") or ""))
    if run_id is None:
        raise PageNotFound("The form names no reconciliation.")
    try:
        result = await run_in_threadpool(
            _in_one_transaction, request, approvals.submit_run, user, gstin, run_id
        )
    except ServiceError as exc:
        flash(request, f"Not applied ({exc.code}): {exc.message}", "error")
        return redirect(url(f"/g/{gstin}/reconcile", run=run_id))
    flash(request, submitted_message(result))
    return redirect(url(f"/g/{gstin}/reconcile", run=run_id))


# after every fixed path of /reconcile/..., which would otherwise match {decision}
_ACTIONS = {a.value: a for a in (Action.ACCEPT, Action.REJECT, Action.PENDING)}
_DONE = {
    "pair": "Paired by hand",
    "unpair": "Kept apart by hand",
    "override": "Suggestion overridden by hand",
}


@router.post("/g/{gstin}/reconcile/{decision}")
async def by_hand(request: Request, gstin: str, decision: str) -> Response:
    """R-REC-18: pair, unpair (keep apart) or override; then a new run that keeps it."""
    if decision not in _DONE:
        raise PageNotFound("No such reconciliation action.")
    gstin, form, user = await _posted(request, gstin)
    run_id = _run_id(str(form.get("run") or ""))
    books_ref, portal_id = str(form.get("books") or ""), str(form.get("portal") or "")
    wanted = str(form.get("action") or "")
    if run_id is None or not portal_id.isdigit() or len(portal_id) > 9:
        raise PageNotFound("The form names no reconciliation and portal record.")
    if (decision != "override" and not books_ref) or (wanted and wanted not in _ACTIONS):
        raise PageNotFound("Choose one books document and one portal document.")
    try:
        new_id = await run_in_threadpool(
            _in_one_transaction,
            request,
            reconcile.by_hand,
            run_id,
            gstin,
            user,
            decision,
            int(portal_id),
            books_ref or None,
            _ACTIONS.get(wanted),
        )
    except ServiceError as exc:
        flash(request, f"Not done ({exc.code}): {exc.message}", "error")
        return redirect(url(f"/g/{gstin}/reconcile", run=run_id))
    flash(request, f"{_DONE[decision]}; reconciliation {new_id} keeps it.")
    return redirect(url(f"/g/{gstin}/reconcile", run=new_id))
