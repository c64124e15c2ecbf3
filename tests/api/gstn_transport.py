"""The plain API tests' calls, sent through the GSTN protocol instead (issue 16, point 3).

`tests/api/wire.py` sends each taxpayer call as plain JSON with `auth-token` (a sandbox user
token) and `gstin`. With the protocol on, the same call goes through `GstnClient`: the user
logged in by OTP when the sandbox created it, the body's `data` encrypted under its sek (a
filing signed with EVC after an EVCOTP), the answer opened — and handed back to the test as an
`httpx.Response` holding the opened envelope, marked so `wire.refused` reads it the GSTN way
(HTTP 200, the plain code in GSTN's words where they differ).

A token the sandbox never issued is sent as it is, with a username no one has: the gateway
must refuse it before it opens anything.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import httpx
from tests.api.gstn_client import GstnClient, dumps

MARK = "x-test-protocol"  # set on the responses this transport hands back
DEV_OTP = "575757"  # the sandbox's development OTP (docs/API.md)
# the plain refusals of a caller, as the GSTN protocol words them (docs/API.md)
GSTN_CODES = {"GSTIMS401": "AUTH4033", "GSTIMS403": "RET11402"}
# the action of a body too broken to name one, by method and path
ACTION_OF = {"PUT": {"/ims": "SAVE", "/gstr2b": "GEN2B"}, "POST": {}}


class GstnTransport:
    def __init__(self, base_url: str, client_id: str, secret: str, certificate: bytes) -> None:
        self.base_url, self.client_id, self.secret = base_url, client_id, secret
        self.certificate = certificate
        self.sessions: dict[str, GstnClient] = {}

    def close(self) -> None:
        for client in self.sessions.values():
            client.close()

    def login(self, token: str, username: str) -> None:
        """An OTP login naming no GSTIN: the session serves every GSTIN the user holds."""
        client = self._client(username, "")
        client.otp_request().ok()
        client.auth_token_with(DEV_OTP).ok()
        self.sessions[token] = client

    def _client(self, username: str, gstin: str) -> GstnClient:
        return GstnClient(
            self.base_url, self.client_id, self.secret, self.certificate, username, gstin
        )

    def request(
        self,
        method: str,
        endpoint: str,
        headers: Mapping[str, str],
        params: Mapping[str, Any] | None,
        body: Any,
        content: bytes | None,
    ) -> httpx.Response:
        gstin = headers.get("gstin", "")
        client = self.sessions.get(headers.get("auth-token", ""))
        if client is not None:
            return self._request(client, method, endpoint, headers, params, body, content)
        # a token nobody issued: nothing must open (the throwaway client is closed after)
        client = self._client("no-such-user", gstin or "29AABCR1718E1ZL")
        client.auth_token, client.sek = headers.get("auth-token", ""), os.urandom(32)
        try:
            return self._request(client, method, endpoint, headers, params, body, content)
        finally:
            client.close()

    def _request(
        self,
        client: GstnClient,
        method: str,
        endpoint: str,
        headers: Mapping[str, str],
        params: Mapping[str, Any] | None,
        body: Any,
        content: bytes | None,
    ) -> httpx.Response:
        gstin = headers.get("gstin", "")
        sent = client.headers(gstin=gstin, **{"state-cd": gstin[:2]})
        if "auth-token" not in headers:
            del sent["auth-token"]
        if method == "GET":
            answer = client.opened(
                client.http.get(f"/taxpayerapi/v1.0/returns{endpoint}", params=params, headers=sent)
            )
        else:
            action, payload = self._action(method, endpoint, body, content)
            evc = None
            if action == "RETFILE":
                otp = client.evc_otp("R1", headers=sent)
                if otp.envelope.get("status_cd") != "1":
                    return _handed_back(otp.response.content)
                evc = DEV_OTP
            answer = client.send(
                method, f"returns{endpoint}", action, payload, evc=evc, headers=sent, raw=True
            )
        if answer.envelope.get("status_cd") == "1":
            return _handed_back(b'{"status_cd":"1","data":' + answer.plain_text.encode() + b"}")
        return _handed_back(answer.response.content)

    @staticmethod
    def _action(method: str, endpoint: str, body: Any, content: bytes | None) -> tuple[str, Any]:
        """The body's action and the bytes of its `data` (a broken body is sent as it is)."""
        if body is None:
            try:
                body = json.loads(content or b"")
            except (ValueError, RecursionError):
                body = None
        if isinstance(body, dict) and isinstance(body.get("action"), str):
            return body["action"], dumps(body["data"]) if "data" in body else None
        fallback = ACTION_OF[method].get(endpoint, "RETSAVE" if method == "PUT" else "RETFILE")
        return fallback, content if content is not None else dumps(body)


def _handed_back(content: bytes) -> httpx.Response:
    return httpx.Response(
        200, headers={"content-type": "application/json", MARK: "gstn"}, content=content
    )
