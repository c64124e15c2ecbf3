"""Who is signed in, what they may open, and the CSRF token of every form.

- The session (a signed cookie) holds the user's id and a random CSRF token; the user's
  GSTIN grants are read from the database on every request, so a revoked grant takes effect
  at once.
- Every POST must carry the session's token in the `csrf_token` field (compared in constant
  time); a missing or wrong token is refused with 403 before anything is read or written.
- Every page under `/g/{gstin}/` calls `granted()`: a GSTIN not granted to the user gets 403
  and no byte of its data, whatever the URL says.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from fastapi import Request

from gstims.services.dashboard import principal_of
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


def sign_in(request: Request, principal: Principal) -> None:
    """A fresh session for the user (a new CSRF token, nothing carried over)."""
    request.session.clear()
    request.session["uid"] = principal.user_id
    csrf_token(request)


def signed_in(request: Request, uow: UnitOfWork) -> Principal:
    uid = request.session.get("uid")
    principal = principal_of(uow, uid) if isinstance(uid, int) else None
    if principal is None:
        request.session.pop("uid", None)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(here if request.method == "GET" else "/home")
    return principal


def granted(principal: Principal, gstin: str) -> str:
    wanted = gstin.strip().upper()
    if not principal.may_act_for(wanted):
        raise PageForbidden("This GSTIN is not one of yours.")
    return wanted


def safe_next(url: object) -> str:
    """Only a path on this site (never `//host` or a scheme) may follow sign-in."""
    if isinstance(url, str) and url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    return "/home"
