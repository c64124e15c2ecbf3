"""Errors a use case raises for a whole request; the API turns each into one envelope.

A refusal carries a code named in `domain/errors.py` (with its meaning and HTTP status) and a
message; `Invalid` carries every `Problem` of the request as well."""

from __future__ import annotations

from collections.abc import Sequence

from gstims.domain.errors import GSTIMS422, Problem


class ServiceError(Exception):
    """A refusal of the whole request: `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Forbidden(ServiceError):
    status = 403


class Invalid(ServiceError):
    """422: every problem of the request, each naming the record and field."""

    status = 422

    def __init__(self, problems: Sequence[Problem], code: str = GSTIMS422) -> None:
        first = problems[0] if problems else None
        summary = f"{len(problems)} problem(s)" + (
            f"; first: {first.section} {first.number} {first.field}: {first.message}"
            if first
            else ""
        )
        super().__init__(code, summary)
        self.problems = list(problems)
