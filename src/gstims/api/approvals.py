"""Maker-checker and notifications under `/gstims/v1` (issue 17): gstims' own calls, the
same `auth-token` and `gstin` headers and envelope as the taxpayer API. Every route asks the
one guard for the capability `api/access.py` names.

    GET  /gstims/v1/proposals?status=awaiting|approved|sent_back   the queue, newest first
    GET  /gstims/v1/proposals/{id}                 one batch: items, stale ones, ITC effect
    POST /gstims/v1/proposals/{id}/approve         through SAVE; stale items refused, counted
    POST /gstims/v1/proposals/{id}/send-back       {"comment"}
    GET  /gstims/v1/settings                       maker-checker and who holds which role
    PUT  /gstims/v1/settings                       {"gstin", "maker_checker": true|false}
    GET  /gstims/v1/notifications                  what needs the caller today
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from gstims.api.auth import guard
from gstims.api.body import read_json
from gstims.api.edge import caller as _caller
from gstims.api.edge import in_transaction as _work
from gstims.api.envelope import RESPONSES, BadRequest, JsonResponse, ok
from gstims.services import approvals, notifications

router = APIRouter(
    prefix="/gstims/v1", responses=RESPONSES, tags=["maker-checker"], dependencies=[Depends(guard)]
)


def _proposal_json(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "reference_id": row["reference_id"],
        "maker": row["maker"],
        "remarks": row["remarks"],
        "proposed_on": row["day"].strftime("%d-%m-%Y"),
        "items": row["items"],
        "status": row["status"],
        "checker": row["checker"],
        "comment": row["comment"],
        "applied": row["applied"],
        "stale": row["stale"],
        "refused": row["refused"],
    }


@router.get("/proposals", summary="Proposals of the GSTIN (awaiting approval unless told)")
async def list_proposals(
    request: Request, status: str = Query("awaiting", pattern="^(awaiting|approved|sent_back)$")
) -> JsonResponse:
    caller = await _caller(request)
    rows = await _work(request, approvals.queue, caller.gstin, status, write=False)
    return ok({"proposals": [_proposal_json(r) for r in rows]})


@router.get("/proposals/{proposal_id}", summary="One proposal with its ITC effect")
async def read_proposal(request: Request, proposal_id: int) -> JsonResponse:
    caller = await _caller(request)
    b = await _work(request, approvals.batch, caller.gstin, proposal_id, write=False)
    return ok(
        {
            "id": b.id,
            "kind": b.kind,
            "reference_id": b.reference_id,
            "maker": b.maker,
            "remarks": b.remarks,
            "status": b.status,
            "checker": b.checker,
            "comment": b.comment,
            "itc_effect": b.itc_effect,
            "items": [
                {
                    "section": i.section.value,
                    "stin": i.supplier,
                    "number": i.number,
                    "date": i.doc_date.strftime("%d-%m-%Y"),
                    "action": i.action.value,
                    "prev_status": i.prev_status.value if i.prev_status else None,
                    "remarks": i.remarks,
                    "stale": seq in b.stale,
                }
                for seq, i in enumerate(b.items)
            ],
        }
    )


@router.post("/proposals/{proposal_id}/approve", summary="Approve: apply through SAVE")
async def approve(request: Request, proposal_id: int) -> JsonResponse:
    caller = await _caller(request)
    d = await _work(request, approvals.approve, caller.principal, caller.gstin, proposal_id)
    return ok(
        {
            "id": d.proposal_id,
            "reference_id": d.reference_id,
            "applied": d.applied,
            "stale": d.stale,
            "refused": d.refused,
        }
    )


@router.post("/proposals/{proposal_id}/send-back", summary="Send back with a comment")
async def send_back(request: Request, proposal_id: int) -> JsonResponse:
    caller = await _caller(request)
    body = await read_json(request, request.app.state.settings)
    comment = body.get("comment")
    if not isinstance(comment, str):
        raise BadRequest("comment must be a string: say why it is sent back")
    await _work(request, approvals.send_back, caller.principal, caller.gstin, proposal_id, comment)
    return ok({"id": proposal_id, "status": approvals.SENT_BACK})


def _settings_json(s: approvals.TeamSettings) -> dict[str, Any]:
    return {
        "gstin": s.gstin,
        "maker_checker": s.maker_checker,
        "people": [{"user": name, "role": role} for name, role in s.people],
    }


@router.get("/settings", summary="Maker-checker and the roles held for the GSTIN")
async def read_settings(request: Request) -> JsonResponse:
    caller = await _caller(request)
    found = await _work(request, approvals.team_settings, caller.gstin, write=False)
    return ok(_settings_json(found))


@router.put("/settings", summary="Turn maker-checker on or off (admin)")
async def put_settings(request: Request) -> JsonResponse:
    caller = await _caller(request)
    body = await read_json(request, request.app.state.settings)
    caller.require(body.get("gstin"))
    on = body.get("maker_checker")
    if not isinstance(on, bool):
        raise BadRequest("maker_checker must be true or false")
    await _work(request, approvals.set_maker_checker, caller.principal, caller.gstin, on)
    found = await _work(request, approvals.team_settings, caller.gstin, write=False)
    return ok(_settings_json(found))


@router.get("/notifications", summary="What needs the caller today")
async def read_notifications(request: Request) -> JsonResponse:
    caller = await _caller(request)
    found = await _work(request, notifications.notices, caller.principal, write=False)
    return ok(
        {
            "notifications": [
                {"gstin": n.gstin, "kind": n.kind, "text": n.text, "urgent": n.urgent}
                for n in found
            ]
        }
    )
