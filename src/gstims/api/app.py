"""The ASGI application: the taxpayer API, the sandbox API and the web dashboard."""

from __future__ import annotations

from fastapi import FastAPI

from gstims import __version__, web
from gstims.api import docs, envelope, sandbox, sandbox_tokens, taxpayer
from gstims.api.body import DrainUnreadBody
from gstims.api.settings import Settings
from gstims.services.taxpayers import start_clock
from gstims.store.db import DEFAULT_TODAY, Database

DESCRIPTION = """
gstims speaks the GSTN taxpayer API for IMS, GSTR-1/1A, GSTR-2B and GSTR-3B, with two
deliberate differences: payloads are plain JSON (no AES envelope, no OTP session), and a
sandbox API (`/sandbox/v1`) registers taxpayers, issues tokens, moves the clock and feeds
GSTR-5, GSTR-6 and ICEGATE documents. Every taxpayer call carries `auth-token` and `gstin`.
"""


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    database = db or Database(settings.database_url)
    database.migrate()
    if settings.sandbox:
        with database.uow() as uow:
            start_clock(uow, settings.start_date or DEFAULT_TODAY)
    app = FastAPI(
        title="gstims",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # served by api/docs.py: from this origin, under a CSP
        redoc_url=None,
    )
    app.state.db = database
    app.state.settings = settings
    envelope.install(app)
    docs.install(app)
    app.include_router(taxpayer.router)
    if settings.sandbox:
        app.include_router(sandbox.router)
        app.include_router(sandbox_tokens.router)
    web.install(app, settings)
    app.add_middleware(DrainUnreadBody)  # outermost: drains before any answer goes out
    return app
