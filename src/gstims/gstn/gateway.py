"""The one layer of the GSTN protocol: it opens each request's envelope and seals its answer.

`/taxpayerapi/v{N}.{N}/{endpoint}` (any version) is answered here. A call is checked —
client credentials, `auth-token` + `username` (a live session), `gstin` granted to that user
(and the one the session is bound to), `state-cd` = `gstin[:2]`, `ip-usr` and `txn` present —
its body opened (AES under the sek, HMAC checked, or the EVC `sign` for a filing), and then
handed, as plain JSON, to the plain route below (`gstims.api.taxpayer`) with the caller
already known. The plain answer is sealed: `data` under a fresh `rek`, `rek` under the sek,
`hmac` over the base64 text. Every refusal is HTTP 200 with `status_cd` "0" and GSTN's code
(gstn-protocol.md §6); only a path that is no endpoint gets a 404.

Plain JSON stays at `/plain/taxpayerapi/v1.0/...`, and on `/taxpayerapi/...` itself when the
protocol is switched off (`GSTIMS_PROTOCOL=plain`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from gstims.api.auth import GATEWAY_CALLER, Caller
from gstims.api.envelope import JsonResponse, failure
from gstims.api.settings import Settings
from gstims.codec import loads, to_json_bytes
from gstims.domain.errors import (
    AUTH4033,
    GSTIMS400,
    GSTIMS401,
    GSTIMS403,
    GSTIMS413,
    GSTIMSHMAC,
    GSTIMSSIGN,
    RET11400,
    RET11402,
    RET11403,
    RET11404,
    request_code,
)
from gstims.gstn import files, shapes
from gstims.gstn.crypto import EnvelopeError, open_request, open_signed, seal_response
from gstims.gstn.keys import ServerKey
from gstims.gstn.login import Login
from gstims.gstn.sessions import (
    EVC,
    GstnRefusal,
    Session,
    check_client,
    check_otp,
    consume_otp,
    principal_named,
    session_of,
)
from gstims.store.db import Database, UnitOfWork

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PLAIN = "/plain"
INNER = "/taxpayerapi/v1.0/returns"
ENDPOINT = re.compile(r"^/taxpayerapi/v\d{1,3}\.\d{1,3}/(authenticate|returns(?:/([a-z0-9]+))?)/?$")
RETURN_ENDPOINTS = ("ims", "gstr1", "gstr1a", "gstr2b", "gstr3b", "gstrptf")
# the plain mode's refusals of a caller, in GSTN's words (every other code is kept as it is)
GSTN_CODES = {GSTIMS401: AUTH4033, GSTIMS403: RET11402}
REQUIRED_HEADERS = ("username", "gstin", "state-cd", "ip-usr", "txn")


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Call:
    """An opened call, ready for the plain route below."""

    session: Session
    caller: Caller
    endpoint: str
    method: str
    action: str
    query: dict[str, str]
    body: bytes  # plain JSON `{"action", "data"}` for PUT / POST
    evc_otp: str | None = None  # an EVC filing's OTP, spent when the filing succeeds


class Gateway:
    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        db: Database,
        key: ServerKey,
        signer: files.UrlSigner,
    ) -> None:
        self.app, self.settings, self.db, self.signer = app, settings, db, signer
        fixed = settings.sandbox and not settings.gstn.random_otp
        self.login = Login(key, settings.gstn, fixed_otp=fixed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(PLAIN + "/taxpayerapi/"):
            inner = path[len(PLAIN) :]
            scope = {**scope, "path": inner, "raw_path": inner.encode()}
        elif self.settings.gstn.enabled and path.startswith("/taxpayerapi/"):
            response = await self.answer(Request(scope, receive), scope, receive)
            if self.settings.gstn.numeric_status:
                response = numeric_status(response)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def answer(self, request: Request, scope: Scope, receive: Receive) -> Response:
        match = ENDPOINT.match(request.url.path)
        if match is None or (match[2] and match[2] not in RETURN_ENDPOINTS):
            return failure(404, RET11403, f"{request.url.path} is not a GSTN endpoint")
        try:
            if match[1] == "authenticate":
                return await self._authenticate(request)
            return await self._returns(request, scope, receive, match[2] or "")
        except GstnRefusal as refusal:
            return failure(200, refusal.code, refusal.message)

    # -- the authentication API ---------------------------------------------------------------

    async def _authenticate(self, request: Request) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        if request.method == "GET":
            query = dict(request.query_params)
            if query.get("action") != "EVCOTP":
                raise GstnRefusal(RET11403, "GET authenticate serves action=EVCOTP only")

            def evc(uow: UnitOfWork, now: datetime) -> dict[str, Any]:
                session, caller = self._session(uow, headers, now)
                return self.login.evc_otp(uow, session, caller.gstin, query, now)

            return JsonResponse(await self._write(evc))
        body = await self._json(request)
        return JsonResponse(
            await self._write(lambda uow, now: self.login.answer(uow, headers, body, now))
        )

    async def _write(self, work: Callable[[UnitOfWork, datetime], Any]) -> Any:
        """`work` in one transaction, committed when it answers (a refusal leaves no trace)."""

        def run() -> Any:
            with self.db.transaction() as uow:
                return work(uow, now_utc())

        return await run_in_threadpool(run)

    async def _json(self, request: Request) -> Mapping[str, Any]:
        limit, chunks, size = self.settings.max_body_bytes, [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise GstnRefusal(GSTIMS413, f"the body is over the {limit:,}-byte limit")
            chunks.append(chunk)
        body = b"".join(chunks)
        try:
            parsed = loads(body)
        except (ValueError, RecursionError) as exc:
            raise GstnRefusal(GSTIMS400, f"the body is not valid JSON: {exc}") from exc
        if not isinstance(parsed, Mapping):
            raise GstnRefusal(GSTIMS400, "the body must be a JSON object")
        return parsed

    # -- the returns APIs ---------------------------------------------------------------------

    async def _returns(
        self, request: Request, scope: Scope, receive: Receive, endpoint: str
    ) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        outer = await self._json(request) if request.method in ("PUT", "POST") else {}
        query = dict(request.query_params)

        def open_call(uow: UnitOfWork, now: datetime) -> Call | Answered:
            session, caller = self._session(uow, headers, now)
            if request.method == "GET":
                return self._get(uow, session, caller, endpoint, query, headers, now)
            call = self._opened(session, caller, endpoint, request.method, outer)
            if call.evc_otp is not None:  # checked now, spent once the filing succeeded
                check_otp(uow, session.username, EVC, call.evc_otp, now)
            return call

        opened = await self._write(open_call)
        if isinstance(opened, Answered):  # FILEDET and RETSTATUS are answered here
            return sealed(opened.session, opened.data)
        status, content = await self._inner(scope, receive, opened)
        return await self._finish(opened, status, content)

    def _session(
        self, uow: UnitOfWork, headers: Mapping[str, str], now: datetime
    ) -> tuple[Session, Caller]:
        check_client(uow, headers.get("clientid"), headers.get("client-secret"))
        token = headers.get("auth-token")
        if not token:
            raise GstnRefusal(AUTH4033, "the auth-token header is missing")
        for name in REQUIRED_HEADERS:
            if not headers.get(name):
                raise GstnRefusal(RET11400, f"the {name} header is missing")
        session = session_of(uow, token, headers["username"], now)
        gstin = headers["gstin"].strip().upper()
        principal = principal_named(uow, session.username)
        if not principal.may_act_for(gstin) or session.gstin not in (None, gstin):
            raise GstnRefusal(
                RET11402, "the gstin header names a GSTIN this session may not act for"
            )
        if headers["state-cd"].strip() != gstin[:2]:
            raise GstnRefusal(RET11404, "state-cd is not the state of the gstin")
        return session, Caller(principal, gstin)

    def _get(
        self,
        uow: UnitOfWork,
        session: Session,
        caller: Caller,
        endpoint: str,
        query: dict[str, str],
        headers: Mapping[str, str],
        now: datetime,
    ) -> Call | Answered:
        action = query.get("action", "")
        if action == "FILEDET" and endpoint in ("ims", ""):
            token = query.get("token", "")
            return Answered(session, files.file_details(uow, caller.gstin, token, self.signer, now))
        if action == "RETSTATUS" and endpoint == "":
            ref_id = query.get("ref_id", "")
            return Answered(session, shapes.return_status(uow, caller.gstin, ref_id))
        if endpoint not in RETURN_ENDPOINTS:
            raise GstnRefusal(RET11403, f"{action or 'no action'} is not served on returns")
        query.setdefault("gstin", caller.gstin)
        period = headers.get("ret_period") or headers.get("ret_prd")
        if period and period != "ALL" and action != "GET2B":
            query.setdefault("ret_period", period)
        if endpoint == "ims" and query.get("section"):
            query["section"] = shapes.ims_section(query["section"])
        return Call(session, caller, endpoint, "GET", action, query, b"")

    def _opened(
        self, session: Session, caller: Caller, endpoint: str, method: str, outer: Mapping[str, Any]
    ) -> Call:
        action, data = outer.get("action"), outer.get("data")
        if not isinstance(action, str) or not isinstance(data, str):
            raise GstnRefusal(GSTIMS400, "the body must be {action, data, hmac}")
        if endpoint not in RETURN_ENDPOINTS:
            raise GstnRefusal(RET11403, f"{action} is not served on returns/{endpoint}")
        evc_otp = None
        try:
            if action == "RETFILE":
                payload, evc_otp = self._evc(session, caller, data, outer)
            else:
                payload = open_request(session.sek, data, str(outer.get("hmac") or ""))
        except EnvelopeError as exc:
            raise GstnRefusal(GSTIMSHMAC, f"the data does not open: {exc}") from exc
        try:  # parsed, never spliced: the data cannot smuggle in a second "action"
            inner = {"action": action, "data": loads(payload)}
        except (ValueError, RecursionError) as exc:
            raise GstnRefusal(GSTIMS400, f"the data is not valid JSON: {exc}") from exc
        return Call(session, caller, endpoint, method, action, {}, to_json_bytes(inner), evc_otp)

    def _evc(
        self, session: Session, caller: Caller, data: str, outer: Mapping[str, Any]
    ) -> tuple[bytes, str]:
        """An EVC filing: `sid` is PAN|OTP of this GSTIN; `sign` is HMAC(sid, P)."""
        sid, sign = outer.get("sid"), outer.get("sign")
        if outer.get("st") != "EVC" or not isinstance(sid, str) or not isinstance(sign, str):
            raise GstnRefusal(GSTIMSSIGN, "a filing carries st EVC, sid PAN|OTP and sign")
        pan, _, otp = sid.partition("|")
        if pan.upper() != caller.gstin[2:12]:
            raise GstnRefusal(GSTIMSSIGN, "sid does not name the PAN of the gstin")
        try:
            return open_signed(session.sek, data, sid, sign), otp
        except EnvelopeError as exc:
            raise GstnRefusal(GSTIMSSIGN, str(exc)) from exc

    async def _inner(self, scope: Scope, receive: Receive, call: Call) -> tuple[int, bytes]:
        """The plain route's answer to the opened call."""
        path = f"{INNER}/{call.endpoint}"
        inner_scope = {
            **scope,
            "path": path,
            "raw_path": path.encode(),
            "query_string": urlencode(call.query).encode(),
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(call.body)).encode()),
            ],
            GATEWAY_CALLER: call.caller,
        }
        sent = False
        status, chunks = 500, []

        async def inner_receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": call.body, "more_body": False}
            return await receive()

        async def inner_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(inner_scope, inner_receive, inner_send)
        return status, b"".join(chunks)

    async def _finish(self, call: Call, status: int, content: bytes) -> Response:
        envelope = loads(content)
        if status != 200 or envelope.get("status_cd") != "1":
            error = envelope.get("error") or {}
            code = str(error.get("error_cd", request_code(status)))
            message, details = str(error.get("message", "")), error.get("details") or []
            return failure(200, GSTN_CODES.get(code, code), message, details)
        gstin, limit = call.caller.gstin, self.settings.gstn.large_download

        def after(uow: UnitOfWork, now: datetime) -> Any:
            if call.action == "GET2B":
                size = self.settings.gstn.gstr2b_file_documents
                return shapes.gstr2b_answer(envelope["data"], call.query.get("file_num"), size)
            data = shapes.gstn_data(call.endpoint, call.action, gstin, envelope["data"])
            if call.evc_otp is not None:
                consume_otp(uow, call.session.username, EVC, call.evc_otp, now)
            if call.action == "RETSAVE":
                shapes.remember_save(uow, gstin, call.endpoint, data["reference_id"], now)
            if call.action == "GETINV" and files.record_count(data) > limit:
                size = self.settings.gstn.file_records
                return {"token": files.create_download(uow, gstin, data, size, now), "est": 0}
            return data

        return sealed(call.session, await self._write(after))


@dataclass(frozen=True)
class Answered:
    session: Session
    data: Any


def sealed(session: Session, data: Any) -> Response:
    """`{status_cd: "1", data, rek, hmac}`: the data under a fresh rek, the rek under the sek."""
    envelope = seal_response(session.sek, to_json_bytes(data))
    return JsonResponse(
        {"status_cd": "1", "data": envelope.data, "rek": envelope.rek, "hmac": envelope.hmac}
    )


def numeric_status(response: Response) -> Response:
    """The same answer with `status_cd` 1 / 0 as a number (`GSTIMS_GSTN_NUMERIC_STATUS`)."""
    body = loads(bytes(response.body))
    if isinstance(body, dict) and body.get("status_cd") in ("0", "1"):
        body["status_cd"] = int(body["status_cd"])
    return JsonResponse(body, status_code=response.status_code)
