"""The approval queue, one batch with its ITC effect, approve / send back, and the GSTIN's
maker-checker setting (issue 17). Every page asks `granted()` for the capability
`api/access.py` names; every form carries the CSRF token.

    GET  /g/{gstin}/approvals                         the queue (awaiting, then decided)
    GET  /g/{gstin}/approvals/{id}                    a batch: items, stale ones, ITC effect
    POST /g/{gstin}/approvals/{id}/approve            approver, never the maker
    POST /g/{gstin}/approvals/{id}/send-back          with a comment
    GET  /g/{gstin}/settings / POST                   maker-checker on or off (admin)
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gstims.domain.roles import Capability
from gstims.services import approvals
from gstims.services.access import RoleRefused
from gstims.services.errors import NotFound, ServiceError
from gstims.web.forms import MAX_ID
from gstims.web.render import flash, page, redirect, shell
from gstims.web.security import PageForbidden, PageNotFound, check_csrf, granted, signed_in

router = APIRouter()


def submitted_message(outcome: approvals.Saved | approvals.Proposed) -> str:
    """What the user is told after an IMS change went through the seam."""
    if isinstance(outcome, approvals.Proposed):
        return (
            f"Proposed for approval: proposal {outcome.proposal_id} ({outcome.items} record(s)), "
            f"reference {outcome.reference_id} – awaiting approval."
        )
    result = outcome.result
    return (
        f"Applied through SAVE: reference {result.reference_id}, {result.applied} changed, "
        f"{len(result.errors)} refused."
    )


@router.get("/g/{gstin}/approvals")
def queue_page(request: Request, gstin: str) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        awaiting = approvals.queue(uow, gstin)
        decided = [
            *approvals.queue(uow, gstin, approvals.APPROVED),
            *approvals.queue(uow, gstin, approvals.SENT_BACK),
        ]
        frame = shell(uow, user, gstin, "approvals")
    return page(
        request,
        "approvals.html",
        title="Approvals",
        shell=frame,
        awaiting=awaiting,
        decided=sorted(decided, key=lambda r: -int(r["id"]))[:50],
        may_approve=user.may(gstin, Capability.APPROVE),
    )


def _proposal_id(value: int) -> int:
    if not 0 < value <= MAX_ID:
        raise PageNotFound("There is no such proposal for this GSTIN.")
    return value


@router.get("/g/{gstin}/approvals/{proposal_id}")
def batch_page(request: Request, gstin: str, proposal_id: int) -> Response:
    _proposal_id(proposal_id)
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        try:
            batch = approvals.batch(uow, gstin, proposal_id)
        except NotFound as exc:
            raise PageNotFound("There is no such proposal for this GSTIN.") from exc
        frame = shell(uow, user, gstin, "approvals")
    return page(
        request,
        "approval.html",
        title=f"Proposal {batch.id}",
        shell=frame,
        b=batch,
        may_decide=user.may(gstin, Capability.APPROVE) and user.name != batch.maker,
    )


@router.post("/g/{gstin}/approvals/{proposal_id}/approve")
async def approve(request: Request, gstin: str, proposal_id: int) -> Response:
    return await _decide(request, gstin, proposal_id, "approve")


@router.post("/g/{gstin}/approvals/{proposal_id}/send-back")
async def send_back(request: Request, gstin: str, proposal_id: int) -> Response:
    return await _decide(request, gstin, proposal_id, "send-back")


async def _decide(request: Request, gstin: str, proposal_id: int, verb: str) -> Response:
    _proposal_id(proposal_id)
    form = await request.form()
    return await run_in_threadpool(_decided, request, gstin, proposal_id, verb, dict(form))


def _decided(
    request: Request, gstin: str, proposal_id: int, verb: str, form: dict[str, Any]
) -> Response:
    db = request.app.state.db
    with db.uow(write=False) as uow:
        user = signed_in(request, uow)
    gstin = granted(user, gstin, request)
    check_csrf(request, form)
    here = f"/g/{gstin}/approvals/{proposal_id}"
    try:
        with db.transaction() as uow:
            if verb == "approve":
                d = approvals.approve(uow, user, gstin, proposal_id)
                text = (
                    f"Approved: {d.applied} applied through SAVE (reference {d.reference_id}), "
                    f"{d.stale} stale, {d.refused} refused."
                )
            else:
                approvals.send_back(uow, user, gstin, proposal_id, str(form.get("comment") or ""))
                text = f"Proposal {proposal_id} sent back."
    except RoleRefused as exc:  # their own proposal: refused as the route's roles are (403)
        raise PageForbidden(f"Your role does not allow this: {exc.message}.") from exc
    except ServiceError as exc:
        flash(request, f"Not done ({exc.code}): {exc.message}", "error")
        return redirect(here)
    flash(request, text)
    return redirect(here)


@router.get("/g/{gstin}/settings")
def settings_page(request: Request, gstin: str) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
        found = approvals.team_settings(uow, gstin)
        frame = shell(uow, user, gstin, "settings")
    return page(
        request,
        "settings.html",
        title="Team settings",
        shell=frame,
        s=found,
        may_change=user.may(gstin, Capability.ADMINISTER),
    )


@router.post("/g/{gstin}/settings")
async def change_settings(request: Request, gstin: str) -> Response:
    form = await request.form()
    return await run_in_threadpool(_changed_settings, request, gstin, dict(form))


def _changed_settings(request: Request, gstin: str, form: dict[str, Any]) -> Response:
    db = request.app.state.db
    with db.uow(write=False) as uow:
        user = signed_in(request, uow)
    gstin = granted(user, gstin, request)
    check_csrf(request, form)
    on = form.get("maker_checker") == "on"
    with db.transaction() as uow:
        approvals.set_maker_checker(uow, user, gstin, on)
    flash(request, f"Maker-checker is {'on' if on else 'off'} for {gstin}.")
    return redirect(f"/g/{gstin}/settings")
