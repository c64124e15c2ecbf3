"""The reconciliation API under `/gstims/v1` (R-REC-22): books in, runs, dry run and apply.

gstims' own calls, not the GSTN taxpayer paths; same `auth-token` and `gstin` headers and
the same envelope. Routes stay thin: read the call, check who may make it, call one use
case in one transaction, answer the envelope.

    PUT  /gstims/v1/books                          JSON documents (R-REC-1 … 4)
    POST /gstims/v1/books/upload                   a CSV or XLSX register, multipart
    POST /gstims/v1/reconciliations                run → {"id"}
    GET  /gstims/v1/reconciliations/{id}           parameters, summary, results
    POST /gstims/v1/reconciliations/{id}/apply     {"dry_run": true|false, "outcomes"?}
    POST /gstims/v1/reconciliations/{id}/pair      {"books": ref, "portal": record id} → {"id"}
    POST /gstims/v1/reconciliations/{id}/unpair    the same: never pair these two again
    POST /gstims/v1/reconciliations/{id}/override  {"portal": record id, "action": "A"|"R"|"P"|null}

Work by hand (R-REC-18) is kept for every later run and answers a new run with the same
parameters, in the same transaction: `{"id": new run id}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

from gstims.api.auth import Caller, guard
from gstims.api.body import read_json
from gstims.api.edge import caller as _caller
from gstims.api.edge import in_transaction as _work
from gstims.api.envelope import RESPONSES, BadRequest, JsonResponse, ok
from gstims.domain.calendar import Period, PeriodError
from gstims.domain.errors import GSTIMS403
from gstims.domain.money import money
from gstims.domain.reconcile.books import FIELDS, RegisterRow
from gstims.domain.reconcile.model import DEFAULT_TOLERANCE, Tolerance
from gstims.domain.records import Action
from gstims.formats.register import MAX_BYTES
from gstims.services import approvals, books, reconcile
from gstims.services.errors import Forbidden

_UNSUPPORTED = {**RESPONSES[400], "description": "A register file that is not .csv or .xlsx"}
router = APIRouter(
    prefix="/gstims/v1",
    responses={**RESPONSES, 415: _UNSUPPORTED},
    tags=["reconciliation"],
    dependencies=[Depends(guard)],
)


def _problems(outcome: books.ImportOutcome) -> list[dict[str, Any]]:
    return [{"row": p.row, "field": p.field, "message": p.message} for p in outcome.problems]


def _imported(outcome: books.ImportOutcome) -> dict[str, Any]:
    return {
        "import_id": outcome.import_id,
        "version": outcome.version,
        "documents": outcome.documents,
        "changed": outcome.changed,
        "problems": _problems(outcome),
    }


@router.put("/books", summary="Import books documents (JSON)")
async def put_books(request: Request) -> JsonResponse:
    caller = await _caller(request)
    body = await read_json(request, request.app.state.settings)
    caller.require(body.get("gstin"))
    documents = body.get("documents")
    if not isinstance(documents, list) or not all(isinstance(d, Mapping) for d in documents):
        raise BadRequest("documents must be a list of JSON objects")
    for n, d in enumerate(documents, start=1):
        unknown = sorted(set(d) - set(FIELDS))
        if unknown:
            raise BadRequest(f"documents[{n}]: unknown field(s) {', '.join(map(str, unknown))}")
    rows = [RegisterRow(n, {f: d.get(f) for f in FIELDS}) for n, d in enumerate(documents, start=1)]
    outcome = await _work(
        request,
        books.import_rows,
        caller.gstin,
        rows,
        {f: f for f in FIELDS},
        "api",
        "json",
        body.get("skip_invalid") is True,
        caller.principal.name,
    )
    return ok(_imported(outcome))


@router.post("/books/upload", summary="Import a CSV or XLSX purchase register")
async def upload_books(
    request: Request,
    file: Annotated[UploadFile, File()],
    profile: Annotated[str, Form()] = "generic",
    skip_invalid: Annotated[bool, Form()] = False,
    sheet: Annotated[str | None, Form()] = None,
) -> JsonResponse:
    caller = await _caller(request)
    data = await file.read(MAX_BYTES + 1)
    outcome = await _work(
        request,
        books.import_file,
        caller.gstin,
        data,
        file.filename or "register",
        profile,
        sheet,
        skip_invalid,
        caller.principal.name,
    )
    return ok(_imported(outcome))


def _periods(value: object) -> list[Period]:
    if not isinstance(value, list) or not value:
        raise BadRequest("periods must be a non-empty list of MMYYYY")
    try:
        return [Period.parse(str(v)) for v in value]
    except PeriodError as exc:
        raise BadRequest(f"periods: {exc}") from exc


def _tolerance(value: object) -> Tolerance:
    if value is None:
        return DEFAULT_TOLERANCE
    if not isinstance(value, Mapping):
        raise BadRequest("tolerance must be a JSON object")
    unknown = sorted(set(value) - {"amount", "percent", "date_days", "note_date_days"})
    if unknown:
        raise BadRequest(f"tolerance: unknown field(s) {', '.join(unknown)}")
    try:
        amount = money(value.get("amount", DEFAULT_TOLERANCE.amount))
        percent = value.get("percent")
        days = int(value.get("date_days", DEFAULT_TOLERANCE.date_days))
        note_days = int(value.get("note_date_days", DEFAULT_TOLERANCE.note_date_days))
        tolerance = Tolerance(
            amount, Decimal(percent) if percent is not None else None, days, note_days
        )
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise BadRequest(f"tolerance: {exc}") from exc
    if amount < 0 or days < 0 or note_days < 0 or (percent is not None and Decimal(percent) < 0):
        raise BadRequest("tolerance: amounts and days must not be negative")
    return tolerance


def _others(caller: Caller, value: object) -> Sequence[str]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(g, str) for g in value):
        raise BadRequest("gstins must be a list of GSTINs")
    for g in value:
        if not caller.principal.may_act_for(g.strip().upper()):
            raise Forbidden(GSTIMS403, f"gstins: {g} is not granted to this token")
    return [g.strip().upper() for g in value]


@router.post("/reconciliations", summary="Run a reconciliation")
async def create_run(request: Request) -> JsonResponse:
    caller = await _caller(request)
    body = await read_json(request, request.app.state.settings)
    caller.require(body.get("gstin"))
    run_id = await _work(
        request,
        reconcile.run_reconciliation,
        caller.gstin,
        _periods(body.get("periods")),
        _tolerance(body.get("tolerance")),
        _others(caller, body.get("gstins")),
        caller.principal.name,
    )
    return ok({"id": run_id})


@router.get("/reconciliations/{run_id}", summary="A reconciliation: summary and results")
async def read_run(request: Request, run_id: int) -> JsonResponse:
    caller = await _caller(request)
    run = await _work(request, reconcile.get_run, run_id, [caller.gstin])
    return ok(reconcile.run_json(run))


@router.post("/reconciliations/{run_id}/apply", summary="Dry-run or apply the suggestions")
async def apply_run(request: Request, run_id: int) -> JsonResponse:
    caller = await _caller(request)
    body = await read_json(request, request.app.state.settings)
    outcomes = body.get("outcomes")
    if outcomes is not None and (
        not isinstance(outcomes, list) or not all(isinstance(o, str) for o in outcomes)
    ):
        raise BadRequest("outcomes must be a list of outcome names")
    if body.get("dry_run", True) is not False:
        dry = await _work(request, reconcile.dry_run, run_id, outcomes, [caller.gstin])
        return ok(
            {
                "run_id": dry.run_id,
                "records": dry.records,
                "lines": [
                    {
                        "outcome": line.outcome,
                        "action": line.action,
                        "records": line.records,
                        "itc_effect": line.itc_effect,
                    }
                    for line in dry.lines
                ],
                "refused": dry.refused,
            }
        )
    result = await _work(
        request, approvals.submit_run, caller.principal, caller.gstin, run_id, outcomes
    )
    if isinstance(result, approvals.Proposed):  # maker-checker: it awaits an approver
        return ok({"reference_id": result.reference_id, "proposal_id": result.proposal_id})
    return ok({"reference_id": result.reference_id, "applied": result.result.applied})


_ACTIONS = {a.value: a for a in (Action.ACCEPT, Action.REJECT, Action.PENDING)}


def _record_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= reconcile.MAX_ID:
        raise BadRequest("portal must be the id of a portal record (a positive integer)")
    return value


def _books_ref(value: object) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 120:
        raise BadRequest("books must be the ref of a books document (as a run lists it)")
    return value


async def _by_hand(request: Request, run_id: int, decision: str) -> JsonResponse:
    caller = await _caller(request)
    body = await read_json(request, request.app.state.settings)
    portal = _record_id(body.get("portal"))
    books_ref = action = None
    if decision == "override":
        wanted = body.get("action")
        if wanted is not None and wanted not in _ACTIONS:
            raise BadRequest(f"action must be one of {', '.join(_ACTIONS)} or null (review)")
        action = _ACTIONS[wanted] if wanted is not None else None
    else:
        books_ref = _books_ref(body.get("books"))
    new_id = await _work(
        request,
        reconcile.by_hand,
        run_id,
        caller.gstin,
        caller.principal.name,
        decision,
        portal,
        books_ref,
        action,
    )
    return ok({"id": new_id})


@router.post("/reconciliations/{run_id}/pair", summary="Pair two documents by hand")
async def pair(request: Request, run_id: int) -> JsonResponse:
    return await _by_hand(request, run_id, "pair")


@router.post("/reconciliations/{run_id}/unpair", summary="Keep two documents apart by hand")
async def unpair(request: Request, run_id: int) -> JsonResponse:
    return await _by_hand(request, run_id, "unpair")


@router.post("/reconciliations/{run_id}/override", summary="Override a record's suggestion")
async def override(request: Request, run_id: int) -> JsonResponse:
    return await _by_hand(request, run_id, "override")
