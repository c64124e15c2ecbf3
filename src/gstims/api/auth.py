"""Who is calling, and for which GSTIN.

Every `/taxpayerapi/...` request carries `auth-token` (a user's token; only its hash is
stored) and `gstin` (the GSTIN it acts for, which must be granted to that user). The GSTIN a
query or body names must equal the header: a forged header or a foreign GSTIN gets 403 and
no byte of anyone else's data. The user's role for that GSTIN must hold the capability the
route needs (`api/access.py`, asked through the one guard `services.access.require`) — checked
before the body is read. Sandbox requests carry the `admin-token`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from gstims.api.access import needed
from gstims.api.envelope import Unauthorised
from gstims.domain.errors import GSTIMS401, GSTIMS403
from gstims.services.access import require
from gstims.services.errors import Forbidden
from gstims.services.taxpayers import Principal, principal_by_token
from gstims.store.db import Database

GATEWAY_CALLER = "gstims.caller"
"""Where the GSTN gateway (`gstims.gstn.gateway`) puts the caller of a call it has opened."""


@dataclass(frozen=True, slots=True)
class Caller:
    principal: Principal
    gstin: str

    def require(self, gstin: object, field: str = "gstin") -> str:
        """The GSTIN a request names must be the one the caller acts for."""
        if not isinstance(gstin, str) or gstin.strip().upper() != self.gstin:
            raise Forbidden(GSTIMS403, f"{field} must be the GSTIN in the gstin header")
        return self.gstin


_CHECKED = "gstims.checked_caller"


async def guard(request: Request) -> None:
    """A router's dependency: the caller and its role checked before any parameter or body
    is read (FastAPI solves dependencies first), so a viewer's malformed upload is a 403."""
    await run_in_threadpool(authenticate, request.app.state.db, request)


def authenticate(db: Database, request: Request) -> Caller:
    """The caller, once its role for the `gstin` holds what the route needs (checked once a
    request: `guard` may have done it already)."""
    checked = request.scope.get(_CHECKED)
    if isinstance(checked, Caller):
        return checked
    caller = _identified(db, request)
    capability = needed(request)
    if capability is None:  # a route classified nowhere is refused, never served
        raise Forbidden(GSTIMS403, "this call is not open to anyone")
    require(caller.principal, caller.gstin, capability)
    request.scope[_CHECKED] = caller
    return caller


def _identified(db: Database, request: Request) -> Caller:
    opened = request.scope.get(GATEWAY_CALLER)
    if isinstance(opened, Caller):  # the GSTN session was checked by the gateway
        return opened
    token = request.headers.get("auth-token")
    if not token:
        raise Unauthorised(GSTIMS401, "the auth-token header is missing")
    with db.uow(write=False) as uow:
        principal = principal_by_token(uow, token)
    if principal is None:
        raise Unauthorised(GSTIMS401, "the auth-token is not valid, has expired or was revoked")
    if principal.scope == "read" and request.method not in ("GET", "HEAD"):
        raise Forbidden(GSTIMS403, "this token may only read (scope read): GET calls only")
    gstin = (request.headers.get("gstin") or "").strip().upper()
    if not gstin or not principal.may_act_for(gstin):
        raise Forbidden(GSTIMS403, "the gstin header names a GSTIN not granted to this token")
    return Caller(principal, gstin)


def require_admin(expected: str, request: Request) -> None:
    given = request.headers.get("admin-token") or ""
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorised(GSTIMS401, "the admin-token header is missing or wrong")
