"""The GSTN login (gstn-protocol.md §3): client credentials, OTPs and sessions.

A GSP registers a client id and secret through the sandbox. A user asks for an OTP with an
app key (OTPREQUEST), proves it (AUTHTOKEN) and gets an auth token and a session key (sek)
for `expiry` minutes; REFRESHTOKEN gives a new token and sek before that, LOGOUT ends one.
EVCOTP issues the OTP an EVC filing is signed with. Each refusal is a `GstnRefusal` with
GSTN's code where one is known (docs/API.md lists them all).

These functions do not commit: the gateway commits once per request.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from gstims.domain.errors import (
    AUTH4033,
    AUTH4034,
    AUTH4038,
    GSTIMSCLIENT,
    RET11402,
    RET11409,
    RET13506,
)
from gstims.gstn.crypto import new_key
from gstims.gstn.tables import gstn_clients, gstn_otps, gstn_sessions
from gstims.services import taxpayers
from gstims.services.taxpayers import Principal
from gstims.services.tokens import token_hash
from gstims.store.db import UnitOfWork

DEV_OTP = "575757"  # the sandbox's fixed development OTP (GSTN's own sandbox samples use it)
OTP_MINUTES = 10
LOGIN, EVC = "LOGIN", "EVC"


class GstnRefusal(Exception):
    """A refusal answered as HTTP 200 with `status_cd` "0" and this GSTN error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Session:
    token: str  # the auth token; only its hash is stored
    username: str
    gstin: str | None
    app_key: bytes
    sek: bytes
    expires_at: datetime


# -- clients ----------------------------------------------------------------------------------


def register_client(uow: UnitOfWork, name: str) -> tuple[str, str]:
    """A new client id and secret for a GSP (or a direct client); only the secret's hash is kept."""
    client_id, secret = f"gstims-{secrets.token_hex(8)}", secrets.token_urlsafe(24)
    uow.conn.execute(
        insert(gstn_clients).values(client_id=client_id, secret_hash=token_hash(secret), name=name)
    )
    return client_id, secret


def check_client(uow: UnitOfWork, client_id: str | None, secret: str | None) -> None:
    stored = uow.conn.execute(
        select(gstn_clients.c.secret_hash).where(gstn_clients.c.client_id == (client_id or ""))
    ).scalar()
    given = token_hash(secret or "")
    if stored is None or not hmac.compare_digest(stored, given):
        raise GstnRefusal(GSTIMSCLIENT, "clientid / client-secret are not a registered pair")


# -- OTPs -------------------------------------------------------------------------------------


def issue_otp(
    uow: UnitOfWork,
    username: str,
    kind: str,
    now: datetime,
    *,
    fixed: bool,
    app_key: bytes | None = None,
) -> str:
    """A fresh OTP of `kind` for `username`, replacing the last one; the sandbox lists it."""
    principal_named(uow, username)
    otp = DEV_OTP if fixed else f"{secrets.randbelow(1_000_000):06d}"
    uow.conn.execute(delete(gstn_otps).where(_otp_of(username, kind)))
    uow.conn.execute(
        insert(gstn_otps).values(
            username=username,
            kind=kind,
            otp=otp,
            app_key=app_key,
            issued_at=now,
            expires_at=now + timedelta(minutes=OTP_MINUTES),
        )
    )
    return otp


def check_otp(uow: UnitOfWork, username: str, kind: str, otp: str, now: datetime) -> None:
    """The OTP is the user's latest of `kind` and not expired: AUTH4034 (login) or RET13506
    (EVC) if not."""
    row = uow.conn.execute(
        select(gstn_otps.c.otp, gstn_otps.c.expires_at).where(_otp_of(username, kind))
    ).first()
    if row is None or row.expires_at < now or not hmac.compare_digest(row.otp, otp):
        code = AUTH4034 if kind == LOGIN else RET13506
        raise GstnRefusal(code, "the OTP is wrong or expired")


def consume_otp(uow: UnitOfWork, username: str, kind: str, otp: str, now: datetime) -> None:
    """`check_otp`, and the OTP is spent."""
    check_otp(uow, username, kind, otp, now)
    uow.conn.execute(delete(gstn_otps).where(_otp_of(username, kind)))


def _otp_of(username: str, kind: str) -> Any:
    return (gstn_otps.c.username == username) & (gstn_otps.c.kind == kind)


def latest_otps(uow: UnitOfWork) -> list[dict[str, str]]:
    """The sandbox's delivery of OTPs: the latest of each kind per user."""
    rows = uow.conn.execute(
        select(
            gstn_otps.c.username, gstn_otps.c.kind, gstn_otps.c.otp, gstn_otps.c.expires_at
        ).order_by(gstn_otps.c.username, gstn_otps.c.kind)
    ).all()
    return [
        {
            "username": r.username,
            "kind": r.kind,
            "otp": r.otp,
            "expires_at": r.expires_at.strftime("%d-%m-%Y %H:%M:%S"),
        }
        for r in rows
    ]


# -- sessions ---------------------------------------------------------------------------------


def principal_named(uow: UnitOfWork, username: str) -> Principal:
    principal = taxpayers.principal_named(uow, username)
    if principal is None:
        raise GstnRefusal(RET11409, "the username is not valid")
    return principal


def start_session(
    uow: UnitOfWork,
    username: str,
    gstin: str | None,
    app_key: bytes,
    now: datetime,
    minutes: int,
) -> Session:
    principal = principal_named(uow, username)
    if gstin is not None and not principal.may_act_for(gstin):
        raise GstnRefusal(RET11402, "the user may not act for this GSTIN")
    token = secrets.token_hex(16)
    session = Session(token, username, gstin, app_key, new_key(), now + timedelta(minutes=minutes))
    uow.conn.execute(
        insert(gstn_sessions).values(
            token_hash=token_hash(token),
            username=username,
            gstin=gstin,
            app_key=app_key,
            sek=session.sek,
            expires_at=session.expires_at,
            ended=False,
        )
    )
    return session


def session_of(uow: UnitOfWork, token: str, username: str, now: datetime) -> Session:
    """The live session of `token` for `username`: AUTH4033 unknown or ended, AUTH4038 expired."""
    row = (
        uow.conn.execute(
            select(gstn_sessions).where(gstn_sessions.c.token_hash == token_hash(token or ""))
        )
        .mappings()
        .first()
    )
    if row is None or row["ended"] or not hmac.compare_digest(row["username"], username or ""):
        raise GstnRefusal(AUTH4033, "the auth-token is not a session of this username")
    if row["expires_at"] <= now:
        raise GstnRefusal(AUTH4038, "the session has expired")
    return Session(
        token,
        row["username"],
        row["gstin"],
        bytes(row["app_key"]),
        bytes(row["sek"]),
        row["expires_at"],
    )


def end_session(uow: UnitOfWork, session: Session) -> None:
    uow.conn.execute(
        update(gstn_sessions)
        .where(gstn_sessions.c.token_hash == token_hash(session.token))
        .values(ended=True)
    )
