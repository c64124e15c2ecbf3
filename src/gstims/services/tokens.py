"""API tokens and grants: issued, rotated, revoked, withdrawn — each in the security log
(issue 14 item 9).

A token is scoped (`read`: GET calls only; `write`: every call), may expire, and may be
revoked; only its SHA-256 is kept (`api_tokens`). Rotating a token issues a new one of the
same user and scope and revokes the old in the same transaction. Removing a user revokes its
tokens, ends its dashboard sessions and withdraws its grants. Every change writes one
`security_log` entry naming who did it (`actor`: a CLI user, `admin` for the sandbox API).

Example: `issue_token(uow, "mehta-ca", "read", days=30, actor="ops")` answers a fresh token
that reads for 30 days; `revoke_token(uow, its_id, actor="ops")` ends it at once.

These use cases do not commit: the caller's unit of work does.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update

from gstims.domain.documents import Problem
from gstims.services.errors import Conflict, Invalid, NotFound
from gstims.services.sessions import utc_now
from gstims.store.db import UnitOfWork
from gstims.store.tables import api_tokens, grants, security_log, sessions, taxpayers, users

SCOPES = ("read", "write")
MAX_DAYS = 3650


def token_hash(token: str) -> str:
    """What is kept of a token: its SHA-256 (a token is 192 random bits: no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: int
    user: str
    scope: str
    token: str  # shown once; only its hash is kept
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    scope: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def log(uow: UnitOfWork, actor: str, event: str, subject: str, detail: str = "") -> None:
    """One security-log entry."""
    entry = {"at": utc_now(), "actor": actor[:100], "event": event, "subject": subject[:100]}
    uow.conn.execute(insert(security_log).values(**entry, detail=detail[:400] or None))


def add_token(
    uow: UnitOfWork, user_id: int, token_hash: str, scope: str, expires_at: datetime | None
) -> int:
    row = {"user_id": user_id, "token_hash": token_hash, "scope": scope}
    row |= {"created_at": utc_now(), "expires_at": expires_at}
    inserted = uow.conn.execute(insert(api_tokens).values(row)).inserted_primary_key
    if inserted is None:  # pragma: no cover - every backend returns the new id
        raise RuntimeError("the database returned no token id")
    return int(inserted[0])


def issue_token(
    uow: UnitOfWork, user: str, scope: str, *, days: int | None, actor: str
) -> IssuedToken:
    """A new token of `user`: `scope` read or write, expiring after `days` (None: never)."""
    problems = []
    if scope not in SCOPES:
        problems.append(Problem("token", user, "scope", f"scope is read or write, got {scope!r}"))
    if days is not None and not 1 <= days <= MAX_DAYS:
        problems.append(Problem("token", user, "days", f"days is 1 to {MAX_DAYS}, got {days}"))
    if problems:
        raise Invalid(problems)
    user_id = _user_id(uow, user)
    token = secrets.token_urlsafe(24)
    expires_at = utc_now() + timedelta(days=days) if days is not None else None
    token_id = add_token(uow, user_id, token_hash(token), scope, expires_at)
    until = f"until {expires_at:%d-%m-%Y %H:%M} UTC" if expires_at else "without expiry"
    log(uow, actor, "token.issued", user, f"token {token_id}, {scope}, {until}")
    return IssuedToken(token_id, user, scope, token, expires_at)


def revoke_token(uow: UnitOfWork, token_id: int, *, actor: str) -> None:
    user = _token_user(uow, token_id)
    uow.conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )
    log(uow, actor, "token.revoked", user, f"token {token_id}")


def rotate_token(uow: UnitOfWork, token_id: int, *, days: int | None, actor: str) -> IssuedToken:
    """A new token of the same user and scope; the old one revoked."""
    user = _token_user(uow, token_id)
    scope = uow.conn.execute(
        select(api_tokens.c.scope).where(api_tokens.c.id == token_id)
    ).scalar_one()
    fresh = issue_token(uow, user, scope, days=days, actor=actor)
    revoke_token(uow, token_id, actor=actor)
    log(uow, actor, "token.rotated", user, f"token {token_id} replaced by {fresh.id}")
    return fresh


def tokens_of(uow: UnitOfWork, user: str) -> list[TokenInfo]:
    rows = uow.conn.execute(
        select(
            api_tokens.c.id,
            api_tokens.c.scope,
            api_tokens.c.created_at,
            api_tokens.c.expires_at,
            api_tokens.c.revoked_at,
        )
        .where(api_tokens.c.user_id == _user_id(uow, user))
        .order_by(api_tokens.c.id)
    )
    return [TokenInfo(*row) for row in rows]


def grant(uow: UnitOfWork, user: str, gstin: str, *, actor: str) -> None:
    user_id = _user_id(uow, user)
    known = uow.conn.execute(select(taxpayers.c.gstin).where(taxpayers.c.gstin == gstin)).first()
    if known is None:
        raise Invalid([Problem("user", user, "gstin", f"GSTIN {gstin} is not registered")])
    held = select(grants).where(grants.c.user_id == user_id, grants.c.gstin == gstin)
    if uow.conn.execute(held).first() is not None:
        raise Conflict("GSTIMS409", f"user {user} already holds {gstin}")
    uow.conn.execute(insert(grants).values(user_id=user_id, gstin=gstin))
    log(uow, actor, "grant.added", user, gstin)


def withdraw_grant(uow: UnitOfWork, user: str, gstin: str, *, actor: str) -> None:
    user_id = _user_id(uow, user)
    gone = uow.conn.execute(
        delete(grants).where(grants.c.user_id == user_id, grants.c.gstin == gstin)
    ).rowcount
    if not gone:
        raise NotFound("GSTIMS404", f"user {user} does not hold {gstin}")
    log(uow, actor, "grant.withdrawn", user, gstin)


def remove_user(uow: UnitOfWork, user: str, *, actor: str) -> None:
    """Revoke every token, end every session, withdraw every grant, remove the user."""
    user_id = _user_id(uow, user)
    uow.conn.execute(
        update(api_tokens)
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )
    uow.conn.execute(delete(sessions).where(sessions.c.user_id == user_id))
    uow.conn.execute(delete(grants).where(grants.c.user_id == user_id))
    uow.conn.execute(delete(users).where(users.c.id == user_id))
    log(uow, actor, "user.removed", user)


def _user_id(uow: UnitOfWork, user: str) -> int:
    found = uow.conn.execute(select(users.c.id).where(users.c.name == user)).scalar()
    if found is None:
        raise NotFound("GSTIMS404", f"no user {user}")
    return int(found)


def _token_user(uow: UnitOfWork, token_id: int) -> str:
    if not 0 < token_id < 2**31:  # the id column is 32 bits: a bigger one names no token
        raise NotFound("GSTIMS404", f"no token {token_id}")
    found = uow.conn.execute(
        select(users.c.name)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.id == token_id)
    ).scalar()
    if found is None:
        raise NotFound("GSTIMS404", f"no token {token_id}")
    return str(found)
