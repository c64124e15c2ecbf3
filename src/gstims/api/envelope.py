"""The GSTN envelope: `{"status_cd": "1", "data": ...}` or `{"status_cd": "0", "error": ...}`.

Every failure of a whole request becomes one envelope here, in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from gstims.domain.documents import Problem
from gstims.formats.encoding import to_json_bytes
from gstims.services.errors import Invalid, ServiceError


class JsonResponse(Response):
    """JSON with exact Decimal amounts (never through float)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return to_json_bytes(content)


def ok(data: Any) -> JsonResponse:
    return JsonResponse({"status_cd": "1", "data": data})


def failure(status: int, code: str, message: str, details: Sequence[Any] = ()) -> JsonResponse:
    return JsonResponse(
        {
            "status_cd": "0",
            "error": {"error_cd": code, "message": message, "details": list(details)},
        },
        status_code=status,
    )


def problem_details(problems: Sequence[Problem]) -> list[dict[str, str]]:
    return [
        {"section": p.section, "number": p.number, "field": p.field, "message": p.message}
        for p in problems
    ]


class BadRequest(ServiceError):
    """400: malformed JSON, unknown action or section, a missing or ill-typed field."""

    status = 400

    def __init__(
        self, message: str, problems: Sequence[Problem] = (), code: str = "GSTIMS400"
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
        details = [
            {
                "section": "",
                "number": "",
                "field": ".".join(map(str, e["loc"])),
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        return failure(400, "GSTIMS400", "the request is malformed", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> Response:
        return failure(exc.status_code, f"GSTIMS{exc.status_code}", str(exc.detail))


__all__ = [
    "BadRequest",
    "Invalid",
    "JsonResponse",
    "TooLarge",
    "Unauthorised",
    "failure",
    "install",
    "ok",
]
