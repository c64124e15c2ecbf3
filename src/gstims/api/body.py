"""Reading a request body safely: size, JSON, nesting depth and string lengths.

Each limit answers a 4xx envelope before any use case runs; `json.loads` on 20,000 nested
arrays would otherwise exhaust the recursion limit, and a 100,000-character string has no
business in a GST document.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gstims.api.envelope import BadRequest, TooLarge
from gstims.api.settings import Settings
from gstims.codec import loads
from gstims.domain.errors import GSTIMS413

INLINE_BYTES = 64 * 1024
"""A body larger than this is decoded and walked on a worker thread, not the event loop."""


async def read_json(request: Request, settings: Settings) -> Mapping[str, Any]:
    """The body as a JSON object, within the size, depth and length limits.

    A large body (a RETSAVE of thousands of documents, a SAVE of a lakh of actions) takes
    tenths of a second to decode and walk: off the event loop, so that every other request
    is still served meanwhile (issue 14 item 10).
    """
    body = await _read_limited(request, settings.max_body_bytes)
    if len(body) > INLINE_BYTES:
        return await run_in_threadpool(_decoded, body, settings)
    return _decoded(body, settings)


def _decoded(body: bytes, settings: Settings) -> Mapping[str, Any]:
    try:
        data = loads(body)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from exc
    if not plainly_within(body, settings.max_depth, settings.max_string):
        _check_shape(data, settings.max_depth, settings.max_string)
    if not isinstance(data, Mapping):
        raise BadRequest("the body must be a JSON object")
    return data


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(GSTIMS413, f"the body is over the {limit:,}-byte limit")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(GSTIMS413, f"the body is over the {limit:,}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def plainly_within(body: bytes, max_depth: int, max_string: int) -> bool:
    """Whether the JSON text itself shows that what it decodes to is within the limits, at C
    speed; False means "not shown" and `_check_shape` walks the decoded body (and says what,
    if anything, is wrong). A fast path: True only where `_check_shape` passes (a property
    test holds the two together), so a refusal is always the walk's.

    Shown when the text has no escaped quote and no NUL escape (then every string is one run
    between two quotes, and its characters are at most its bytes), no run of more than
    `max_string` bytes after a quote (no string or key is over-long), and its brackets,
    strings removed, nest at most `max_depth` deep (peeled a level a pass: no container lies
    deeper than `max_depth - 1` members below the top, nor a value deeper than `max_depth`).
    """
    if b'\\"' in body or b"\\u0000" in body or b"\x00" in body:
        return False
    if _over_long(max_string).search(body):
        return False
    skeleton = body.translate(None, _NOT_SKELETON)  # its quotes and brackets, in order
    # every string is then a pair of quotes around the brackets it holds: "" when it holds
    # none; taken left to right, a quote is left over exactly when some string holds one
    brackets = skeleton.replace(b'""', b"")
    if b'"' in brackets:
        brackets = _STRINGS.sub(b"", skeleton)
    for _ in range(max_depth):
        if not brackets:
            return True
        brackets = _INNERMOST.sub(b"", brackets)
    return not brackets


_NOT_SKELETON = bytes(c for c in range(256) if c not in b'"[]{}')
_STRINGS = re.compile(rb'"[^"]*"')
_INNERMOST = re.compile(rb"\{\}|\[\]")


@functools.cache
def _over_long(max_string: int) -> re.Pattern[bytes]:
    return re.compile(rb'"[^"]{%d}' % (max_string + 1))  # a run after a quote: a string's


def _check_shape(data: Any, max_depth: int, max_string: int) -> None:
    """Walk the parsed body (iteratively) for over-deep nesting and over-long strings.

    A node is over-deep when it lies more than `max_depth` members below the top; a string
    (value or key) over-long past `max_string` characters; a NUL character is refused. A lakh
    of documents is two million nodes: strings are judged where their container is read, only
    containers go on the stack, and a node's JSON path is spelt only for the message.
    """
    stack: list[tuple[Any, _Where, int]] = [(data, None, 0)]
    while stack:
        node, where, depth = stack.pop()
        if type(node) is dict or isinstance(node, Mapping):
            members: Any = node.items()
        elif type(node) is list:
            members = enumerate(node)
        else:  # the top itself is a scalar
            _check_scalar(node, where, depth, max_depth, max_string)
            continue
        if depth > max_depth:
            raise BadRequest(f"JSON nested too deep at {_path(where)}")
        for key, value in members:
            if type(key) is str and len(key) > max_string:
                raise BadRequest(f"a key at {_path(where)} is {len(key):,} characters")
            kind = type(value)
            if kind is dict or kind is list or isinstance(value, Mapping):
                stack.append((value, (where, key), depth + 1))
            elif depth + 1 > max_depth or kind is str or isinstance(value, str):
                _check_scalar(value, (where, key), depth + 1, max_depth, max_string)


_Where = tuple[Any, str | int] | None
"""A node's place: None for the top, else (its container's place, its key or index)."""


def _check_scalar(value: Any, where: _Where, depth: int, max_depth: int, max_string: int) -> None:
    if depth > max_depth:
        raise BadRequest(f"JSON nested too deep at {_path(where)}")
    if isinstance(value, str):
        if "\x00" in value:
            raise BadRequest(f"string at {_path(where)} contains a NUL character")
        if len(value) > max_string:
            raise BadRequest(
                f"string at {_path(where)} is {len(value):,} characters; at most {max_string}"
            )


def _path(where: _Where) -> str:
    """`$.data.b2b[0].inv[3].idt` for a place."""
    parts: list[str] = []
    while where is not None:
        where, key = where
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "$" + "".join(reversed(parts))


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
