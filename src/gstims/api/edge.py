"""The two steps every API route takes at the edge: who calls (checked once a request, role
included: `auth.authenticate`), and one use case in one transaction, committed here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from gstims.api.auth import Caller, authenticate


async def caller(request: Request) -> Caller:
    return await run_in_threadpool(authenticate, request.app.state.db, request)


async def in_transaction(
    request: Request, fn: Callable[..., Any], *args: Any, write: bool = True
) -> Any:
    """`fn(uow, *args)` in one transaction: committed when it returns, rolled back if it raises."""
    db = request.app.state.db

    def work() -> Any:
        with db.transaction(write=write) as uow:
            return fn(uow, *args)

    return await run_in_threadpool(work)
