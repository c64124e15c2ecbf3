"""The session cookie is `Secure` whenever the request came over HTTPS (issue 14 item 16).

`GSTIMS_SECURE_COOKIES=1` makes it Secure always; without it, a deployment behind TLS (the
scheme uvicorn reports, `X-Forwarded-Proto` from a trusted proxy included) still gets a
cookie that never travels over plain HTTP. Plain-HTTP loopback (the sandbox) keeps working.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class SecureCookiesOnHttps:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("scheme") != "https":
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, _secure(value) if name.lower() == b"set-cookie" else value)
                    for name, value in message.get("headers", [])
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, secured)


def _secure(cookie: bytes) -> bytes:
    return cookie if b"; secure" in cookie.lower() else cookie + b"; Secure"
