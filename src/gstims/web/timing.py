"""`Server-Timing: app;dur=12.3` on every dashboard response: the server's own time, in ms.

The benchmark (docs/BENCHMARKS.md) reads it, so network and browser time stay out of the
figure. API responses are left as they are, and so is sign-in: its duration would tell a
known user name from an unknown one (issue 14 item 4).
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNTIMED_PREFIXES = ("/taxpayerapi", "/sandbox", "/login")


class ServerTiming:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNTIMED_PREFIXES):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={ms:.1f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed)
