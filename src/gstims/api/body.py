"""Reading a request body safely: size, JSON, nesting depth and string lengths.

Each limit answers a 4xx envelope before any use case runs; `json.loads` on 20,000 nested
arrays would otherwise exhaust the recursion limit, and a 100,000-character string has no
business in a GST document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gstims.api.envelope import BadRequest, TooLarge
from gstims.api.settings import Settings
from gstims.codec import loads


async def read_json(request: Request, settings: Settings) -> Mapping[str, Any]:
    body = await _read_limited(request, settings.max_body_bytes)
    try:
        data = loads(body)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from exc
    _check_shape(data, settings.max_depth, settings.max_string)
    if not isinstance(data, Mapping):
        raise BadRequest("the body must be a JSON object")
    return data


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge("GSTIMS413", f"the body is over the {limit:,}-byte limit")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge("GSTIMS413", f"the body is over the {limit:,}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_shape(data: Any, max_depth: int, max_string: int) -> None:
    """Walk the parsed body (iteratively) for over-deep nesting and over-long strings."""
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > max_depth:
            raise BadRequest(f"JSON nested too deep at {path}")
        if isinstance(node, str):
            if "\x00" in node:
                raise BadRequest(f"string at {path} contains a NUL character")
            if len(node) > max_string:
                raise BadRequest(
                    f"string at {path} is {len(node):,} characters; at most {max_string}"
                )
        elif isinstance(node, Mapping):
            for key, value in node.items():
                if len(key) > max_string:
                    raise BadRequest(f"a key at {path} is {len(key):,} characters")
                stack.append((value, f"{path}.{key}", depth + 1))
        elif isinstance(node, list):
            stack.extend((value, f"{path}[{i}]", depth + 1) for i, value in enumerate(node))


MAX_DRAIN = 64 * 1024 * 1024
"""Bytes of an unread request body read and dropped before an answer goes out."""


class DrainUnreadBody:
    """ASGI middleware: before a response starts, read and drop what is left of the request
    body, up to MAX_DRAIN (issue 14 item 12).

    A 413, 401 or 403 is answered without reading the body. A client that writes its whole
    body before reading (Python's urllib) then meets a closed socket with unread data in it,
    and the kernel answers with a reset instead of the refusal. Past MAX_DRAIN the
    connection is closed as before: a refusal is not worth unbounded reading.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        done = False

        async def watched() -> Message:
            nonlocal done
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                done = True
            return message

        async def draining(message: Message) -> None:
            nonlocal done
            if message["type"] == "http.response.start" and not done:
                drained = 0
                while not done and drained <= MAX_DRAIN:
                    drained += len((await watched()).get("body", b""))
            await send(message)

        await self.app(scope, watched, draining)
