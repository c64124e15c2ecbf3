"""Sandbox calls for tokens, grants and users (issue 14 item 9); each carries `admin-token`
and each change is one transaction with its security-log entry (`services/tokens.py`).

    POST   /sandbox/v1/users/{name}/tokens          {"scope": "read"|"write", "days"?}
    POST   /sandbox/v1/tokens/{id}/rotate           {"days"?}
    DELETE /sandbox/v1/tokens/{id}
    POST   /sandbox/v1/users/{name}/grants          {"gstin"}
    DELETE /sandbox/v1/users/{name}/grants/{gstin}
    DELETE /sandbox/v1/users/{name}
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from gstims.api.envelope import RESPONSES, BadRequest, JsonResponse, ok
from gstims.api.sandbox import _admin_body, _fields
from gstims.services import tokens
from gstims.services.tokens import IssuedToken

router = APIRouter(prefix="/sandbox/v1", responses=RESPONSES)
ACTOR = "admin"  # whoever holds the admin token


async def _change(request: Request, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    db = request.app.state.db

    def work() -> Any:
        with db.uow() as uow:
            result = fn(uow, *args, actor=ACTOR, **kw)
            uow.commit()
            return result

    return await run_in_threadpool(work)


def _days(request_body: Any) -> int | None:
    f, problems = _fields(request_body, "token")
    days = f.decimal("days", required=False)
    if problems or (days is not None and days != int(days)):
        raise BadRequest("days is a whole number of days", problems)
    return None if days is None else int(days)


def _issued(token: IssuedToken) -> JsonResponse:
    expires = f"{token.expires_at:%d-%m-%Y %H:%M}" if token.expires_at else None
    return ok(
        {
            "id": token.id,
            "user": token.user,
            "scope": token.scope,
            "token": token.token,
            "expires_at": expires,
        }
    )


@router.post("/users/{name}/tokens", summary="Issue a token (scope read or write, days)")
async def issue(request: Request, name: str) -> JsonResponse:
    body = await _admin_body(request)
    f, problems = _fields(body, "token")
    scope = f.text("scope", required=False) or "write"
    if problems:
        raise BadRequest("the token is malformed", problems)
    return _issued(await _change(request, tokens.issue_token, name, scope, days=_days(body)))


@router.post("/tokens/{token_id}/rotate", summary="A new token for an old one, revoking it")
async def rotate(request: Request, token_id: int) -> JsonResponse:
    body = await _admin_body(request)
    return _issued(await _change(request, tokens.rotate_token, token_id, days=_days(body)))


@router.delete("/tokens/{token_id}", summary="Revoke a token")
async def revoke(request: Request, token_id: int) -> JsonResponse:
    await _admin_body(request, body=False)
    await _change(request, tokens.revoke_token, token_id)
    return ok({"revoked": token_id})


@router.post(
    "/users/{name}/grants", summary="Grant a GSTIN to a user with a role (default approver)"
)
async def add_grant(request: Request, name: str) -> JsonResponse:
    body = await _admin_body(request)
    f, problems = _fields(body, "grant")
    gstin = f.text("gstin", blank=False)
    role = f.text("role", required=False) or "approver"
    if problems or gstin is None:
        raise BadRequest("the grant is malformed", problems)
    await _change(request, partial(tokens.grant, role=role), name, gstin.strip().upper())
    return ok({"user": name, "gstin": gstin.strip().upper(), "role": role.strip().lower()})


@router.delete("/users/{name}/grants/{gstin}", summary="Withdraw a GSTIN from a user")
async def withdraw(request: Request, name: str, gstin: str) -> JsonResponse:
    await _admin_body(request, body=False)
    await _change(request, tokens.withdraw_grant, name, gstin.strip().upper())
    return ok({"user": name, "withdrawn": gstin.strip().upper()})


@router.delete("/users/{name}", summary="Remove a user: tokens revoked, sessions ended")
async def remove(request: Request, name: str) -> JsonResponse:
    await _admin_body(request, body=False)
    await _change(request, tokens.remove_user, name)
    return ok({"removed": name})
