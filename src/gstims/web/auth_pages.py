"""Sign in and out, the home page (each GSTIN's counts) and the GSTIN switcher.

Signing in is throttled per account and per client address (`services/sessions.py`) and
hashes on its own bounded pool (`web/hashing.py`); every answer to a wrong name or password
is the same page, after the same one hash.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gstims.services import dashboard, notifications
from gstims.services.passwords import PASSWORD_MAX_LENGTH
from gstims.services.sessions import (
    clear_failures,
    end_all_sessions,
    end_session,
    locked_for,
    record_failure,
    start_session,
    throttle_keys,
    utc_now,
)
from gstims.services.taxpayers import principal_by_password
from gstims.store.db import Database, UnitOfWork
from gstims.web.hashing import HashingBusy
from gstims.web.render import page, redirect, shell, url
from gstims.web.security import (
    check_csrf,
    granted,
    safe_next,
    session_id,
    sign_in,
    signed_in,
)

router = APIRouter()
PAGES = (
    "ims",
    "outward",
    "gstr2b",
    "gstr3b",
    "reconcile",
    "rules",
    "follow-up",
    "approvals",
    "settings",
)


@router.get("/")
def root(request: Request) -> Response:
    return redirect("/home" if session_id(request) else "/login")


@router.get("/login")
def login_form(request: Request) -> Response:
    return page(
        request,
        "login.html",
        title="Sign in",
        next=safe_next(request.query_params.get("next")),
        error="",
    )


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    name, password = form.get("username"), form.get("password")
    target = safe_next(form.get("next"))
    if not isinstance(name, str) or not isinstance(password, str) or not name.strip():
        return _refused(request, target, 401, WRONG)
    keys = throttle_keys(name.strip(), request.client.host if request.client else None)
    try:
        outcome = await request.app.state.hashing.run(
            partial(_check_sign_in, request.app.state.db, name.strip(), password, keys)
        )
    except HashingBusy:
        return _refused(request, target, 429, BUSY, retry_after=1)
    if isinstance(outcome, timedelta):
        seconds = max(1, math.ceil(outcome.total_seconds()))
        return _refused(request, target, 429, LOCKED.format(seconds=seconds), seconds)
    if outcome is None:
        return _refused(request, target, 401, WRONG)
    sign_in(request, outcome)
    return redirect(target)


WRONG = "The user name or password is wrong."
LOCKED = (
    "Too many failed sign-ins for this user name or from this address: "
    "try again in {seconds} seconds."
)
CHECKED_LENGTH = 8 * PASSWORD_MAX_LENGTH  # a longer guess is as wrong; hashing it is not free
BUSY = "Too many sign-ins are being checked right now: try again in a moment."


def _check_sign_in(
    db: Database, name: str, password: str, keys: tuple[str, ...]
) -> timedelta | str | None:
    """A new session's id; how long the account or address is still locked; or None."""
    at = utc_now()
    with db.uow(write=False) as uow:
        locked = locked_for(uow, keys, at)
        if locked is not None:
            return locked  # refused before any password is hashed
        principal = principal_by_password(uow, name, password[:CHECKED_LENGTH])
    with db.uow() as uow:
        if principal is None:
            record_failure(uow, keys, at)
            uow.commit()
            return None
        clear_failures(uow, keys[0])
        sid = start_session(uow, principal.user_id, at)
        uow.commit()
    return sid


def _refused(
    request: Request, target: str, status: int, error: str, retry_after: int | None = None
) -> Response:
    answer = page(request, "login.html", status, title="Sign in", next=target, error=error)
    if retry_after is not None:
        answer.headers["Retry-After"] = str(retry_after)
    return answer


@router.post("/logout")
async def logout(request: Request) -> Response:
    check_csrf(request, await request.form())
    sid = session_id(request)
    if sid is not None:
        await run_in_threadpool(_end, request.app.state.db, end_session, sid)
    request.session.clear()
    return redirect("/login")


@router.post("/logout/everywhere")
async def logout_everywhere(request: Request) -> Response:
    """Sign out every session of the signed-in user (every browser, every copied cookie)."""
    form = await request.form()
    check_csrf(request, form)

    def user_id() -> int:
        with request.app.state.db.uow(write=False) as uow:
            return signed_in(request, uow).user_id

    uid = await run_in_threadpool(user_id)
    await run_in_threadpool(_end, request.app.state.db, end_all_sessions, uid)
    request.session.clear()
    return redirect("/login")


def _end(db: Database, ending: Callable[[UnitOfWork, Any], object], what: Any) -> None:
    with db.uow() as uow:
        ending(uow, what)
        uow.commit()


@router.get("/home")
def home(request: Request) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        rows = dashboard.home(uow, user.gstins)
        frame = shell(uow, user, None, "home")
        today = uow.today()
        found = notifications.notices(uow, user)
    return page(
        request,
        "home.html",
        title="Your GSTINs",
        shell=frame,
        rows=rows,
        today=today,
        notices=found,
    )


@router.get("/switch")
def switch(request: Request) -> Response:
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
    gstin = granted(user, request.query_params.get("gstin", ""), request)
    to = request.query_params.get("to", "ims")
    return redirect(url(f"/g/{gstin}/{to if to in PAGES else 'ims'}"))
