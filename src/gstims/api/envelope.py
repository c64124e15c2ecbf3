"""The GSTN envelope: `{"status_cd": "1", "data": ...}` or `{"status_cd": "0", "error": ...}`.

Every failure of a whole request becomes one envelope here, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response
from starlette.routing import Match

from gstims.codec import to_json_bytes
from gstims.domain.errors import (
    GSTIMS400,
    GSTIMS409,
    GSTIMS500,
    Problem,
    detail,
    request_code,
)
from gstims.domain.reconcile.books import RowProblem
from gstims.services.errors import Invalid, ServiceError


class JsonResponse(Response):
    """JSON with exact Decimal amounts (never through float)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return to_json_bytes(content)


def ok(data: Any) -> JsonResponse:
    return JsonResponse({"status_cd": "1", "data": data})


def ok_json(data: bytes) -> Response:
    """`ok` of a data object that is already JSON text (a kept GSTR-2B)."""
    return Response(b'{"status_cd":"1","data":' + data + b"}", media_type="application/json")


def failure(
    status: int,
    code: str,
    message: str,
    details: Sequence[Any] = (),
    headers: Mapping[str, str] | None = None,
) -> JsonResponse:
    return JsonResponse(
        {
            "status_cd": "0",
            "error": {"error_cd": code, "message": message, "details": list(details)},
        },
        status_code=status,
        headers=headers,
    )


def problem_details(problems: Sequence[Problem | RowProblem]) -> list[dict[str, str]]:
    """The envelope's `details`: each problem in the one shape (domain/errors.py)."""
    return [detail(p if isinstance(p, Problem) else p.problem) for p in problems]


_SUCCESS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status_cd", "data"],
    "properties": {"status_cd": {"type": "string", "enum": ["1"]}, "data": {}},
}
_FAILURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status_cd", "error"],
    "properties": {
        "status_cd": {"type": "string", "enum": ["0"]},
        "error": {
            "type": "object",
            "required": ["error_cd", "message", "details"],
            "properties": {
                "error_cd": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
            },
        },
    },
}
_FAILURES = {
    400: "Malformed JSON, an unknown action or section, a missing or ill-typed field",
    401: "No `auth-token` / `admin-token`, or a wrong one",
    403: "The GSTIN named is not granted to this token",
    404: "Unknown return, statement, request or taxpayer",
    409: "State conflict: already filed, out of sequence, not yet possible",
    413: "Body over the configured limit (default 20 MiB)",
    422: "Validation: `details` lists every problem (section, number, field, message)",
}


def _documented(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: _documented(_SUCCESS_SCHEMA, "Success: the envelope `{status_cd: 1, data}`"),
    **{status: _documented(_FAILURE_SCHEMA, text) for status, text in _FAILURES.items()},
}
"""Every answer of the API, for the OpenAPI document: the success envelope and each failure."""


class BadRequest(ServiceError):
    """400: malformed JSON, unknown action or section, a missing or ill-typed field."""

    status = 400

    def __init__(
        self, message: str, problems: Sequence[Problem] = (), code: str = GSTIMS400
    ) -> None:
        super().__init__(code, message)
        self.problems = list(problems)


class Unauthorised(ServiceError):
    status = 401


class TooLarge(ServiceError):
    status = 413


def install(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> Response:
        problems = getattr(exc, "problems", [])
        return failure(exc.status, exc.code, exc.message, problem_details(problems))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> Response:
        problems = [Problem("", "", ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
        return failure(400, GSTIMS400, "the request is malformed", problem_details(problems))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # RFC 9110: a 405 names every method the path takes
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return failure(
            exc.status_code, request_code(exc.status_code), str(exc.detail), headers=headers
        )

    @app.exception_handler(IntegrityError)
    async def _conflict(request: Request, exc: IntegrityError) -> Response:
        # two requests raced (e.g. registering one GSTIN twice on PostgreSQL): the loser's
        # transaction rolled back, so nothing of it is stored (issue 14 item 11)
        message = "the request conflicts with another made at the same time; nothing was stored"
        return _unexpected(request, 409, GSTIMS409, message + ": try again")

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        # the one answer to a bug: the envelope, never a traceback (the server log has it)
        message = "an internal error; nothing of the request was stored"
        return _unexpected(request, 500, GSTIMS500, message)


API_PREFIXES = ("/taxpayerapi", "/plain/taxpayerapi", "/sandbox", "/gstims/")


def _unexpected(request: Request, status: int, code: str, message: str) -> Response:
    """The envelope on the API; a short plain page on the dashboard (nothing of the request)."""
    if request.url.path.startswith(API_PREFIXES):
        return failure(status, code, message)
    html = f"<!doctype html><title>{status}</title><p>{message.capitalize()}.</p>"
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _allowed_methods(request: Request) -> list[str]:
    """The methods of every route on the request's path (Starlette names only the first's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


__all__ = [
    "API_PREFIXES",
    "RESPONSES",
    "BadRequest",
    "Invalid",
    "JsonResponse",
    "TooLarge",
    "Unauthorised",
    "failure",
    "install",
    "ok",
]
