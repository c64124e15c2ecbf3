"""The taxpayer API: GSTR-1 / GSTR-1A, IMS, GSTR-2B and GSTR-3B, as `../shared/spec/api.md`.

Routes stay thin: read the call, check who may make it, call one use case, answer the
envelope. Errors become envelopes in `envelope.install`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gstims.api import examples
from gstims.api.auth import Caller, guard
from gstims.api.body import read_json
from gstims.api.edge import caller as _caller
from gstims.api.edge import in_transaction as _run
from gstims.api.envelope import RESPONSES, BadRequest, JsonResponse, TooLarge, ok, ok_json
from gstims.domain.calendar import Period, PeriodError
from gstims.domain.errors import GSTIMS404, GSTIMS413, RET11416
from gstims.domain.ims import ImsFilter
from gstims.domain.records import Action, Kind, Record, Section
from gstims.formats import ims as ims_json
from gstims.formats.gstr1 import gstr1_period, parse_gstr1
from gstims.formats.gstr3b import gstr3b_json, read_gstr3b
from gstims.formats.supview import supview_json
from gstims.services import (
    approvals,
    dashboard,
    gstr1_reset,
    gstr2b,
    gstr3b,
    gstr3b_draft,
    ims,
    supplier,
    views,
)
from gstims.services.errors import NotFound

router = APIRouter(
    prefix="/taxpayerapi/v1.0/returns", responses=RESPONSES, dependencies=[Depends(guard)]
)


def _period(value: Any, field: str) -> Period:
    try:
        return Period.parse(str(value))
    except PeriodError as exc:
        raise BadRequest(f"{field}: {exc}") from exc


def _action(body: Mapping[str, Any], allowed: tuple[str, ...]) -> tuple[str, Mapping[str, Any]]:
    action = body.get("action")
    if action not in allowed:
        raise BadRequest(f"action must be one of {', '.join(allowed)}; got {action!r}")
    data = body.get("data")
    if not isinstance(data, Mapping):
        raise BadRequest("data must be a JSON object")
    return action, data


# -- GSTR-1 and GSTR-1A -----------------------------------------------------------------------


async def _period_request(
    request: Request, allowed: tuple[str, ...]
) -> tuple[Caller, str, Mapping[str, Any], Period]:
    """A POST / PUT naming the caller's `gstin` and a `ret_period`: who, which action, its
    data and the period."""
    caller = await _caller(request)
    action, data = _action(await read_json(request, request.app.state.settings), allowed)
    caller.require(data.get("gstin"))
    return caller, action, data, _period(data.get("ret_period"), "ret_period")


ITEMS_PER_DOCUMENT = 4
"""On SQLite a RETSAVE carries at most this many items per document of its bound, on average."""


def _within_sqlite_bound(request: Request, documents: int, items: int) -> None:
    """Issue 14 item 10: on SQLite one write lock serves every taxpayer, and a save holds it
    while its documents are checked and stored; a RETSAVE there carries at most
    `sqlite_max_save_documents` documents and ITEMS_PER_DOCUMENT times as many items (its
    items, not only its documents, make the time: bench/sqlite_lock.py, docs/BENCHMARKS.md).
    PostgreSQL locks per taxpayer: no bound."""
    limit = request.app.state.settings.sqlite_max_save_documents
    if not request.app.state.db.is_sqlite:
        return
    if documents > limit:
        raise TooLarge(
            GSTIMS413,
            f"{documents:,} documents in one RETSAVE: on SQLite at most {limit:,} "
            f"(send them in several RETSAVEs, or serve from PostgreSQL)",
        )
    if items > limit * ITEMS_PER_DOCUMENT:
        raise TooLarge(
            GSTIMS413,
            f"{items:,} items in one RETSAVE: on SQLite at most {limit * ITEMS_PER_DOCUMENT:,} "
            f"(send the documents in several RETSAVEs, or serve from PostgreSQL)",
        )


def _return_routes(path: str, form: str) -> None:
    @router.put(path, summary=f"RETSAVE {form}", openapi_extra=examples.body(examples.RETSAVE))
    async def save(request: Request) -> JsonResponse:
        caller = await _caller(request)
        _, data = _action(await read_json(request, request.app.state.settings), ("RETSAVE",))
        caller.require(data.get("gstin"))
        period, problems = gstr1_period(data)
        # thousands of documents: read off the event loop (issue 14 item 10)
        docs, shape = await run_in_threadpool(parse_gstr1, data, gstin=caller.gstin)
        if problems or shape or period is None:
            raise BadRequest("the return is malformed", problems + shape)
        _within_sqlite_bound(request, len(docs), sum(len(d.items) for d in docs))
        result = await _run(request, supplier.save_return, caller.gstin, form, period, docs)
        return ok(
            {
                "reference_id": result.reference_id,
                "saved": result.saved,
                "deleted": result.deleted,
                "unchanged": result.unchanged,
            }
        )

    @router.post(
        path, summary=f"RETFILE / RESET {form}", openapi_extra=examples.body(examples.RETFILE)
    )
    async def file(request: Request) -> JsonResponse:
        caller, action, _, period = await _period_request(request, ("RETFILE", "RESET"))
        if action == "RESET":
            reset = await _run(request, gstr1_reset.reset_return, caller.gstin, form, period)
            return ok({"reference_id": reset.reference_id, "discarded": reset.discarded})
        filed_on = await _run(request, supplier.file_return, caller.gstin, form, period)
        return ok(
            {
                "gstin": caller.gstin,
                "ret_period": period.code,
                "status": "filed",
                "filed_on": filed_on.strftime("%d-%m-%Y"),
            }
        )

    @router.get(path, summary=f"RETSUM {form}")
    async def summary(
        request: Request,
        action: str = Query(..., pattern="^RETSUM$"),
        gstin: str = Query(...),
        ret_period: str = Query(...),
    ) -> JsonResponse:
        caller = await _caller(request)
        caller.require(gstin)
        s = await _run(
            request,
            views.return_summary,
            caller.gstin,
            form,
            _period(ret_period, "ret_period"),
            write=False,
        )
        return ok(
            {
                "gstin": s.gstin,
                "ret_period": s.period.code,
                "rtn_typ": form,
                "status": s.status,
                "filed_on": s.filed_on.strftime("%d-%m-%Y") if s.filed_on else None,
                "counts": s.counts,
            }
        )


_return_routes("/gstr1", "GSTR1")
_return_routes("/gstr1a", "GSTR1A")


@router.post("/gstrptf", summary="RETNEWPTF (proceed to file) GSTR-1 / 1A")
async def proceed_to_file(request: Request) -> JsonResponse:
    caller, _, data, period = await _period_request(request, ("RETNEWPTF",))
    form = data.get("rtn_typ", "GSTR1")
    if form not in ("GSTR1", "GSTR1A"):
        raise BadRequest(f"rtn_typ must be GSTR1 or GSTR1A; got {form!r}")
    reference = await _run(request, gstr1_reset.proceed_to_file, caller.gstin, form, period)
    return ok({"reference_id": reference})


# -- IMS --------------------------------------------------------------------------------------


def _section(value: str | None) -> Section | None:
    if value is None or value == "":
        return None
    try:
        return Section(value)
    except ValueError as exc:
        raise BadRequest(f"unknown section {value!r}") from exc


@router.get("/ims", summary="GETINV / GETCNT / REQSTS / SUPVIEW")
async def ims_get(
    request: Request,
    action: str = Query(..., pattern="^(GETINV|GETCNT|REQSTS|SUPVIEW)$"),
    gstin: str = Query(...),
    section: str | None = Query(None),
    stin: str | None = Query(None),
    status: str | None = Query(None, pattern="^[ARPN]$"),
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int | None = Query(None, ge=1, le=10_000),
    int_tran_id: str | None = Query(None, max_length=40),
    ret_period: str | None = Query(None),
    rtn_typ: str | None = Query(None, pattern="^(GSTR1|GSTR1A)$"),
) -> JsonResponse:
    caller = await _caller(request)
    caller.require(gstin)
    if action == "GETINV":
        chosen = _section(section)
        flt = ImsFilter(chosen, stin, Action(status) if status else None, page, page_size)
        rows = await _run(request, ims.list_records, caller.gstin, flt, write=False)
        return ok(ims_json.getinv_data(rows, [chosen] if chosen else ()))
    if action == "GETCNT":
        counts = await _run(request, dashboard.ims_counts, caller.gstin, write=False)
        return ok(ims_json.getcnt(caller.gstin, counts))
    if action == "REQSTS":
        if not int_tran_id:
            raise BadRequest("int_tran_id is required")
        status_ = await _run(request, ims.request_status, caller.gstin, int_tran_id, write=False)
        return ok(
            {
                **_REQUEST_STATUS.get(status_.status, {"status_cd": status_.status}),
                "proc_cnt": status_.processed,
                "err_cnt": len(status_.errors),
                "error_report": ims_json.error_report(status_.errors),
            }
        )
    period = _period(ret_period, "ret_period")
    form = rtn_typ or "GSTR1"
    kinds = {
        "b2b": Kind.INV,
        "b2ba": Kind.INV,
        "cdnr": None,
        "cdnra": None,
        "ecom": Kind.ECO,
        "ecoma": Kind.ECO,
    }
    if section not in (None, "") and section not in kinds:
        raise BadRequest(f"unknown section {section!r}")
    rows = await _run(request, views.supplier_view, caller.gstin, period, form, None, write=False)
    if section:  # b2ba asks for amendments only, b2b for the rest (as supview_json names them)
        rows = [r for r in rows if _supview_section(r.record) == section]
    return ok(supview_json(caller.gstin, period, form, rows))


def _supview_section(record: Record) -> str:
    base = {"INV": "b2b", "ECO": "ecom"}.get(record.key.kind.value, "cdnr")
    return base + ("a" if record.original is not None else "")


@router.put("/ims", summary="SAVE / RESETIMS", openapi_extra=examples.body(examples.SAVE))
async def ims_put(request: Request) -> JsonResponse:
    caller = await _caller(request)
    action, data = _action(
        await read_json(request, request.app.state.settings), ("SAVE", "RESETIMS")
    )
    rtin, items, problems = await run_in_threadpool(
        ims_json.parse_action_request, data, reset=action == "RESETIMS"
    )
    caller.require(rtin, "rtin")
    if problems:
        raise BadRequest("the request is malformed", problems)
    kind = "RESET" if action == "RESETIMS" else "SAVE"
    submit = partial(approvals.submit_actions, kind=kind)
    result = await _run(request, submit, caller.principal, caller.gstin, items)
    if isinstance(result, approvals.Proposed):  # maker-checker: REQSTS says awaiting approval
        return ok({"reference_id": result.reference_id, "proposal_id": result.proposal_id})
    return ok({"reference_id": result.reference_id})


# A SAVE a preparer made under maker-checker (issue 17): GSTN's "in progress" (a GSTN client
# keeps polling) with gstims' reason beside it; sent back, it is an error.
_REQUEST_STATUS = {
    approvals.AWAITING_APPROVAL: {"status_cd": "IP", "status_desc": "awaiting approval"},
    approvals.SENT_BACK_STATUS: {"status_cd": "ER", "status_desc": "sent back by the approver"},
}


# -- GSTR-2B and GSTR-3B ----------------------------------------------------------------------


@router.get("/gstr2b", summary="GET2B / GENSTS2B")
async def gstr2b_get(
    request: Request,
    action: str = Query(..., pattern="^(GET2B|GENSTS2B)$"),
    gstin: str = Query(...),
    rtnprd: str | None = Query(None),
    int_tran_id: str | None = Query(None, max_length=40),
) -> Response:
    caller = await _caller(request)
    caller.require(gstin)
    if action == "GET2B":
        content = await _run(
            request, gstr2b.get_2b_json, caller.gstin, _period(rtnprd, "rtnprd"), write=False
        )
        return ok_json(content)
    if not int_tran_id:
        raise BadRequest("int_tran_id is required")
    status_ = await _run(request, ims.request_status, caller.gstin, int_tran_id, write=False)
    if status_.kind != "GEN2B":
        raise NotFound(GSTIMS404, "no GEN2B request with that id")
    return ok({"status_cd": status_.status, "int_tran_id": status_.reference_id})


@router.put("/gstr2b", summary="GEN2B", openapi_extra=examples.body(examples.GEN2B))
async def gstr2b_put(request: Request) -> JsonResponse:
    caller = await _caller(request)
    _, data = _action(await read_json(request, request.app.state.settings), ("GEN2B",))
    caller.require(data.get("rtin"), "rtin")
    generated = await _run(
        request, gstr2b.generate_2b, caller.gstin, _period(data.get("itcprd"), "itcprd")
    )
    return ok({"reference_id": generated.reference_id})


@router.get("/gstr3b", summary="AUTOLIAB / RETSUM GSTR-3B")
async def gstr3b_get(
    request: Request,
    action: str = Query(..., pattern="^(AUTOLIAB|RETSUM)$"),
    gstin: str = Query(...),
    ret_period: str = Query(...),
) -> JsonResponse:
    caller = await _caller(request)
    caller.require(gstin)
    period = _period(ret_period, "ret_period")
    if action == "RETSUM":  # the taxpayer's saved draft (GSTR-3B RETSAVE)
        draft = await _run(request, gstr3b_draft.draft_3b, caller.gstin, period, write=False)
        if draft is None:
            raise NotFound(RET11416, f"no GSTR-3B saved for {period}")
        return ok(draft)
    auto = await _run(request, gstr3b.auto_liability, caller.gstin, period, write=False)
    return ok(gstr3b_json(caller.gstin, period, auto.table4, auto.outward, auto.stale_2b))


@router.put("/gstr3b", summary="RETSAVE GSTR-3B")
async def gstr3b_put(request: Request) -> JsonResponse:
    caller, _, data, period = await _period_request(request, ("RETSAVE",))
    parsed = read_gstr3b(data)
    if parsed.problems:
        raise BadRequest("the GSTR-3B is malformed", list(parsed.problems))
    known = gstr3b_json(caller.gstin, period, parsed.table4, parsed.outward, False)
    del known["stale_2b"]  # AUTOLIAB's note, not part of a return
    content = {**data, **known}  # tables gstims does not read (3.1(b), 3.2, 5, ...) as sent
    for part in ("sup_details", "itc_elg"):
        if isinstance(data.get(part), Mapping):
            content[part] = {**data[part], **known[part]}
    reference = await _run(request, gstr3b_draft.save_3b, caller.gstin, period, content)
    return ok({"reference_id": reference})


@router.post("/gstr3b", summary="RETFILE GSTR-3B", openapi_extra=examples.body(examples.RETFILE))
async def gstr3b_post(request: Request) -> JsonResponse:
    caller = await _caller(request)
    _, data = _action(await read_json(request, request.app.state.settings), ("RETFILE",))
    caller.require(data.get("gstin"))
    period = _period(data.get("ret_period"), "ret_period")
    filed_on = await _run(request, gstr3b.file_3b, caller.gstin, period)
    return ok(
        {
            "gstin": caller.gstin,
            "ret_period": period.code,
            "status": "filed",
            "filed_on": filed_on.strftime("%d-%m-%Y"),
        }
    )
