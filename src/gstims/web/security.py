"""Who is signed in, what they may open, and the CSRF token of every form.

- The session cookie (signed) holds a random session id and a random CSRF token; the session
  itself lives on the server (`services/sessions.py`): signing out, the idle and absolute
  timeouts and "sign out everywhere" end it there, so a copied cookie stops working. The
  user's GSTIN grants are read from the database on every request, so a revoked grant takes
  effect at once.
- Every POST must carry the session's token in the `csrf_token` field (compared in constant
  time); a missing or wrong token is refused with 403 before anything is read or written.
- Every page under `/g/{gstin}/` calls `granted()`: a GSTIN not granted to the user gets 403
  and no byte of its data, whatever the URL says; a role without the capability the route
  needs (`api/access.py`, asked through the one guard `services.access.require`) gets 403
  before anything is read or written.
- A page over all of the user's GSTINs (`/reconcile`, `/rules`) calls `granted_all()`: it
  works on exactly the GSTINs where the user's role holds what the route needs, and a route
  that needs more than reading is refused (403) when that leaves none.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData

from gstims.api.access import needed
from gstims.domain.roles import Capability
from gstims.services.access import LEAST_ROLE, RoleRefused, require
from gstims.services.dashboard import principal_of
from gstims.services.sessions import live_session, touch_session, utc_now
from gstims.services.taxpayers import Principal
from gstims.store.db import UnitOfWork

CSRF_FIELD = "csrf_token"


class SignInRequired(Exception):
    """No valid session: the page redirects to the sign-in form."""

    def __init__(self, next_url: str) -> None:
        super().__init__("sign in first")
        self.next_url = next_url


class PageForbidden(Exception):
    """403: a GSTIN that is not the user's, or a form without a valid CSRF token."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PageNotFound(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, form: Mapping[str, Any]) -> None:
    expected = request.session.get("csrf")
    given = form.get(CSRF_FIELD)
    if (
        not isinstance(expected, str)
        or not isinstance(given, str)
        or not hmac.compare_digest(expected.encode(), given.encode())
    ):
        raise PageForbidden(
            "This form was not sent from a page of this site, or the page is too old. "
            "Reload the page and try again."
        )


def sign_in(request: Request, session_id: str) -> None:
    """A fresh cookie for a new server-side session (a new CSRF token, nothing carried over)."""
    request.session.clear()
    request.session["sid"] = session_id
    csrf_token(request)


def session_id(request: Request) -> str | None:
    sid = request.session.get("sid")
    return sid if isinstance(sid, str) and sid else None


def signed_in(request: Request, uow: UnitOfWork) -> Principal:
    """The signed-in user, or `SignInRequired` when the session was ended or timed out."""
    sid, now = session_id(request), utc_now()
    limits = request.app.state.settings.session_limits
    live = live_session(uow, sid, now, limits) if sid else None
    principal = principal_of(uow, live.user_id) if live else None
    if principal is None:
        request.session.pop("sid", None)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(here if request.method == "GET" else "/home")
    if live is not None and sid is not None and live.needs_touch:
        with request.app.state.db.uow() as touching:  # a short write of its own, once a minute
            touch_session(touching, sid, now)
            touching.commit()
    return principal


def granted(principal: Principal, gstin: str, request: Request) -> str:
    """The GSTIN, when the user's role on it holds what this page needs; else 403."""
    wanted = gstin.strip().upper()
    if not principal.may_act_for(wanted):
        raise PageForbidden("This GSTIN is not one of yours.")
    capability = needed(request)
    if capability is None:  # a page classified nowhere is refused, never served
        raise PageForbidden("This page is not open to anyone.")
    try:
        return require(principal, wanted, capability)
    except RoleRefused as exc:
        raise PageForbidden(f"Your role does not allow this: {exc.message}.") from exc


def granted_all(principal: Principal, request: Request) -> list[str]:
    """The user's GSTINs (sorted) on which their role holds what this page needs; 403 when
    the page needs more than reading and no GSTIN's role holds it."""
    capability = needed(request)
    if capability is None:  # a page classified nowhere is refused, never served
        raise PageForbidden("This page is not open to anyone.")
    found = sorted(g for g in principal.gstins if principal.may(g, capability))
    if not found and capability > Capability.READ:
        raise PageForbidden(
            "Your role does not allow this: no GSTIN of yours gives you "
            f"{LEAST_ROLE[capability].value} or more."
        )
    return found


async def posted_all(request: Request) -> tuple[list[str], FormData, Principal]:
    """A form POSTed to a page over all the user's GSTINs: the GSTINs whose role holds what
    the route needs (`granted_all`), the form once its CSRF token holds, and the user."""
    form = await request.form()
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstins = granted_all(user, request)
    check_csrf(request, form)
    return gstins, form, user


async def posted(request: Request, gstin: str) -> tuple[str, FormData, Principal]:
    """A form POSTed to a GSTIN's page: the GSTIN once the user's role holds what the route
    needs, the form once its CSRF token holds, and the user."""
    form = await request.form()
    with request.app.state.db.uow(write=False) as uow:
        user = signed_in(request, uow)
        gstin = granted(user, gstin, request)
    check_csrf(request, form)
    return gstin, form, user


def safe_next(url: object) -> str:
    """Only a path on this site (never `//host` or a scheme) may follow sign-in."""
    if isinstance(url, str) and url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    return "/home"
