"""The authentication API (gstn-protocol.md §3): OTPREQUEST, AUTHTOKEN, REFRESHTOKEN, LOGOUT,
EVCOTP. Bodies and answers are plain JSON; only `sek` (and the client's `otp`) is encrypted.

    OTPREQUEST   app_key = b64(RSA(cert, app key))               → {status_cd}
    AUTHTOKEN    app_key as above, otp = b64(AES(app key, OTP))  → {auth_token, expiry, sek}
    REFRESHTOKEN auth_token, app_key = b64(AES(sek, new app key)) → a new token and sek
    LOGOUT       auth_token                                       → the token is dead
    EVCOTP       GET with the session's headers                   → an OTP to sign a filing
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gstims.domain.errors import AUTH4034, RET11400, RET11402, RET11403, TEC4002
from gstims.gstn.crypto import EnvelopeError, aes_decrypt, b64decode, open_key, seal_key
from gstims.gstn.keys import ServerKey
from gstims.gstn.sessions import (
    EVC,
    LOGIN,
    GstnRefusal,
    Session,
    check_client,
    consume_otp,
    end_session,
    issue_otp,
    session_of,
    start_session,
)
from gstims.gstn.settings import GstnSettings
from gstims.store.db import UnitOfWork


@dataclass(frozen=True)
class Login:
    key: ServerKey
    settings: GstnSettings
    fixed_otp: bool  # the sandbox's development OTP (575757), never outside the sandbox

    def answer(
        self,
        uow: UnitOfWork,
        headers: Mapping[str, str],
        body: Mapping[str, Any],
        now: datetime,
    ) -> dict[str, Any]:
        """One POST of the authentication API; `headers` keys are lower case."""
        check_client(uow, headers.get("clientid"), headers.get("client-secret"))
        action, username = body.get("action"), _text(body, "username")
        if action == "OTPREQUEST":
            app_key = self._app_key(body)
            issue_otp(uow, username, LOGIN, now, fixed=self.fixed_otp, app_key=app_key)
            return {"status_cd": "1"}
        if action == "AUTHTOKEN":
            app_key = self._app_key(body)
            consume_otp(uow, username, LOGIN, _otp(app_key, body), now)
            gstin = (headers.get("gstin") or "").strip().upper() or None
            return self._issued(uow, username, gstin, app_key, now)
        if action == "REFRESHTOKEN":
            current = session_of(uow, _text(body, "auth_token"), username, now)
            try:
                app_key = open_key(current.sek, _text(body, "app_key"))
            except EnvelopeError as exc:
                raise GstnRefusal(TEC4002, f"app_key under the sek: {exc}") from exc
            return self._issued(uow, username, current.gstin, app_key, now)
        if action == "LOGOUT":
            end_session(uow, session_of(uow, _text(body, "auth_token"), username, now))
            return {"status_cd": "1"}
        raise GstnRefusal(RET11403, f"unknown authentication action {action!r}")

    def evc_otp(
        self, uow: UnitOfWork, session: Session, gstin: str, query: Mapping[str, str], now: datetime
    ) -> dict[str, Any]:
        """EVCOTP: an OTP for the signatory, to sign a GSTR-1 or GSTR-3B filing."""
        if query.get("pan", gstin[2:12]).upper() != gstin[2:12]:
            raise GstnRefusal(RET11402, "pan is not the PAN of the gstin")
        issue_otp(uow, session.username, EVC, now, fixed=self.fixed_otp)
        return {"status_cd": "1"}

    def _app_key(self, body: Mapping[str, Any]) -> bytes:
        try:
            return self.key.open_app_key(_text(body, "app_key"))
        except EnvelopeError as exc:
            raise GstnRefusal(
                TEC4002, f"app_key: {exc}; encrypt it with gstims' certificate"
            ) from exc

    def _issued(
        self, uow: UnitOfWork, username: str, gstin: str | None, app_key: bytes, now: datetime
    ) -> dict[str, Any]:
        minutes = self.settings.token_minutes
        session = start_session(uow, username, gstin, app_key, now, minutes)
        return {
            "status_cd": "1",
            "auth_token": session.token,
            "expiry": minutes,
            "sek": seal_key(app_key, session.sek),
        }


def _text(body: Mapping[str, Any], field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise GstnRefusal(RET11400, f"{field} is missing")
    return value


def _otp(app_key: bytes, body: Mapping[str, Any]) -> str:
    try:
        return aes_decrypt(app_key, b64decode(_text(body, "otp"))).decode("ascii")
    except (EnvelopeError, UnicodeDecodeError) as exc:
        raise GstnRefusal(AUTH4034, "the OTP is wrong or expired") from exc
