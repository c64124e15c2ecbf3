"""Reading a request body safely: size, JSON, nesting depth and string lengths.

Each limit answers a 4xx envelope before any use case runs; `json.loads` on 20,000 nested
arrays would otherwise exhaust the recursion limit, and a 100,000-character string has no
business in a GST document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request

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
