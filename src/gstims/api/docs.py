"""`/docs` (Swagger UI) and `/redoc`, served from this origin with a strict CSP (issue 14 item 6).

FastAPI's own pages load their scripts from a CDN path that is not pinned: whoever controls it
runs script on the dashboard's origin and reads a signed-in user's pages and CSRF token. Here
the scripts come from the `fastapi-offline` package (a pinned dependency, installed with
gstims, so nothing is fetched at runtime) under `/apidocs-assets`, and each page carries a
Content-Security-Policy that allows scripts only from this origin plus the page's own inline
start-up script, by its SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

ASSETS = "/apidocs-assets"
_ASSET_DIR = Path(fastapi_offline.__file__).parent / "static"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def csp(html: str) -> str:
    """The policy of one docs page: its inline scripts by hash, everything else from here."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'"
    )


def _answer(page: HTMLResponse) -> HTMLResponse:
    html = bytes(page.body).decode()
    headers = {"Content-Security-Policy": csp(html), "X-Content-Type-Options": "nosniff"}
    return HTMLResponse(html, headers={**headers, "Referrer-Policy": "same-origin"})


def install(app: FastAPI) -> None:
    """Mount the assets and the two pages (the app is made with docs_url=redoc_url=None)."""
    app.mount(ASSETS, StaticFiles(directory=_ASSET_DIR), name="apidocs-assets")
    openapi = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return _answer(
            get_swagger_ui_html(
                openapi_url=openapi,
                title=f"{app.title} – API",
                swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{ASSETS}/swagger-ui.css",
                swagger_favicon_url=f"{ASSETS}/favicon.png",
            )
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _answer(
            get_redoc_html(
                openapi_url=openapi,
                title=f"{app.title} – API",
                redoc_js_url=f"{ASSETS}/redoc.standalone.js",
                redoc_favicon_url=f"{ASSETS}/favicon.png",
                with_google_fonts=False,
            )
        )
