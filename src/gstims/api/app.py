"""The ASGI application: the taxpayer API, the sandbox API and the web dashboard."""

from __future__ import annotations

from fastapi import FastAPI

from gstims import __version__, web
from gstims.api import (
    approvals,
    docs,
    envelope,
    reconcile,
    rules,
    sandbox,
    sandbox_tokens,
    taxpayer,
)
from gstims.api.body import DrainUnreadBody
from gstims.api.settings import Settings
from gstims.gstn import files, keys, routes
from gstims.gstn.gateway import Gateway
from gstims.services.taxpayers import start_clock
from gstims.store.db import DEFAULT_TODAY, Database

DESCRIPTION = """
gstims speaks the GSTN taxpayer API for IMS, GSTR-1/1A, GSTR-2B and GSTR-3B. On
`/taxpayerapi/v{N}.{N}/...` it speaks GSTN's protocol (OTP login, AES-encrypted payloads,
HMAC, tokens for large downloads; see docs/API.md); the routes below are the same calls in
plain JSON, served at `/plain/taxpayerapi/v1.0/...` (and on `/taxpayerapi/...` itself with
`GSTIMS_PROTOCOL=plain`), where every call carries `auth-token` and `gstin`. A sandbox API
(`/sandbox/v1`) registers taxpayers, issues tokens and GSTN client credentials, lists OTPs,
moves the clock and feeds GSTR-5, GSTR-6 and ICEGATE documents.
"""


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    database = db or Database(settings.database_url)
    database.migrate()
    if settings.sandbox:
        with database.transaction() as uow:
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
    app.include_router(routes.public)
    app.include_router(reconcile.router)
    app.include_router(approvals.router)
    app.include_router(rules.router)
    if settings.sandbox:
        app.include_router(sandbox.router)
        app.include_router(routes.sandbox)
        app.include_router(sandbox_tokens.router)
    web.install(app, settings)
    key = keys.load_or_create(keys.key_directory(settings.gstn.key_dir))
    signer = files.UrlSigner(key.secret("gstn-files"), settings.gstn.file_url_seconds)
    app.state.gstn_key, app.state.gstn_signer = key, signer
    app.add_middleware(Gateway, settings=settings, db=database, key=key, signer=signer)
    if settings.gstn.enabled:
        routes.document_plain_prefix(app)
    app.add_middleware(DrainUnreadBody)  # outermost: drains before any answer goes out
    return app
