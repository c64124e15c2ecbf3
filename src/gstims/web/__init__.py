"""The web dashboard: server-rendered pages for IMS, GSTR-2B, GSTR-3B and the supplier view.

Pages are Jinja2 templates (autoescaped) rendered by thin routes that call the services;
there is one CSS file and one small script, both served from `/static`, nothing from outside.
A user signs in with a password (`principal_by_password`, scrypt, on the bounded pool of
`web/hashing.py`, throttled per account and address); the session lives on the server
(`services/sessions.py`) and its id travels in a signed cookie (Starlette's SessionMiddleware
with `settings.session_secret`); every form carries the session's CSRF token; every page under
`/g/{gstin}/` checks that GSTIN is granted to the user.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles

from gstims.api.settings import Settings
from gstims.web import (
    approval_pages,
    auth_pages,
    auto_pages,
    ims_pages,
    reconcile_pages,
    return_pages,
    user_rules_pages,
)
from gstims.web.cookies import SecureCookiesOnHttps
from gstims.web.hashing import HashingPool
from gstims.web.render import compile_templates, install_handlers
from gstims.web.timing import ServerTiming


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the dashboard on the API's app."""
    app.state.hashing = HashingPool()
    app.add_middleware(ServerTiming)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie="gstims_session",
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(SecureCookiesOnHttps)  # outside the session: sees its Set-Cookie
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    install_handlers(app)
    compile_templates()
    pages = (
        auth_pages,
        ims_pages,
        return_pages,
        reconcile_pages,
        auto_pages,
        user_rules_pages,
        approval_pages,
    )
    for module in pages:
        app.include_router(module.router, include_in_schema=False)
