"""API tokens and grants: issued, rotated, revoked, withdrawn — each in the security log
(issue 14 item 9).

A token is scoped (`read`: GET calls only; `write`: every call), may expire, and may be
revoked; only its SHA-256 is kept (`api_tokens`). Rotating a token issues a new one of the
same user and scope and revokes the old in the same transaction. Removing a user revokes its
tokens, ends its dashboard sessions and withdraws its grants. Every change writes one
`security_log` entry naming who did it (`actor`: a CLI user, `admin` for the sandbox API).

A grant carries a role of the user for that GSTIN (`gstims.domain.roles`: viewer, preparer,
approver, admin); granting a GSTIN the user holds changes its role.

Example: `issue_token(uow, "mehta-ca", "read", days=30, actor="ops")` answers a fresh token
that reads for 30 days; `revoke_token(uow, its_id, actor="ops")` ends it at once.

These use cases do not commit: the caller's unit of work does.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from gstims.domain.documents import Problem
from gstims.domain.errors import GSTIMS404, GSTIMS409
from gstims.domain.roles import Role, parse_role
from gstims.services.errors import Conflict, Invalid, NotFound
from gstims.services.sessions import utc_now
from gstims.store.db import UnitOfWork

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
    uow.users.log(utc_now(), actor[:100], event, subject[:100], detail[:400] or None)


def add_token(
    uow: UnitOfWork, user_id: int, token_hash: str, scope: str, expires_at: datetime | None
) -> int:
    return uow.users.add_token(user_id, token_hash, scope, utc_now(), expires_at)


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
    uow.users.revoke_token(token_id, utc_now())
    log(uow, actor, "token.revoked", user, f"token {token_id}")


def rotate_token(uow: UnitOfWork, token_id: int, *, days: int | None, actor: str) -> IssuedToken:
    """A new token of the same user and scope; the old one revoked."""
    user = _token_user(uow, token_id)
    fresh = issue_token(uow, user, uow.users.token_scope(token_id), days=days, actor=actor)
    revoke_token(uow, token_id, actor=actor)
    log(uow, actor, "token.rotated", user, f"token {token_id} replaced by {fresh.id}")
    return fresh


def tokens_of(uow: UnitOfWork, user: str) -> list[TokenInfo]:
    return [TokenInfo(*row) for row in uow.users.tokens(_user_id(uow, user))]


def role_named(user: str, role: str | Role) -> Role:
    """A role by name, or `Invalid` naming the user and the field."""
    try:
        return parse_role(role)
    except ValueError as exc:
        raise Invalid([Problem("user", user, "role", str(exc))]) from exc


def grant(
    uow: UnitOfWork, user: str, gstin: str, *, actor: str, role: str | Role = Role.APPROVER
) -> None:
    """Grant `gstin` to `user` with `role`; a GSTIN the user holds with that role is a
    conflict, with another role its role changes."""
    wanted = role_named(user, role)
    user_id = _user_id(uow, user)
    if uow.taxpayers.find(gstin) is None:
        raise Invalid([Problem("user", user, "gstin", f"GSTIN {gstin} is not registered")])
    held = uow.users.role_of(user_id, gstin)
    if held == wanted.value:
        raise Conflict(GSTIMS409, f"user {user} already holds {gstin} as {wanted.value}")
    if held is None:
        uow.users.add_grants(user_id, {gstin: wanted.value})
        log(uow, actor, "grant.added", user, f"{gstin} {wanted.value}")
    else:
        uow.users.set_role(user_id, gstin, wanted.value)
        log(uow, actor, "grant.role", user, f"{gstin} {held} -> {wanted.value}")


def withdraw_grant(uow: UnitOfWork, user: str, gstin: str, *, actor: str) -> None:
    if not uow.users.withdraw(_user_id(uow, user), gstin):
        raise NotFound(GSTIMS404, f"user {user} does not hold {gstin}")
    log(uow, actor, "grant.withdrawn", user, gstin)


def remove_user(uow: UnitOfWork, user: str, *, actor: str) -> None:
    """Revoke every token, end every session, withdraw every grant, remove the user."""
    uow.users.remove(_user_id(uow, user), utc_now())
    log(uow, actor, "user.removed", user)


def _user_id(uow: UnitOfWork, user: str) -> int:
    found = uow.users.named(user)
    if found is None:
        raise NotFound(GSTIMS404, f"no user {user}")
    return int(found["id"])


def _token_user(uow: UnitOfWork, token_id: int) -> str:
    if not 0 < token_id < 2**31:  # the id column is 32 bits: a bigger one names no token
        raise NotFound(GSTIMS404, f"no token {token_id}")
    found = uow.users.token_user(token_id)
    if found is None:
        raise NotFound(GSTIMS404, f"no token {token_id}")
    return found
