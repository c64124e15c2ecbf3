"""`Users`: who may sign in, their GSTIN grants and roles, their API tokens and the security
log, reached as `uow.users`.

find(user_id) / named(name)     the user's row, or None
by_token(hash, now)             the row (and token scope) of a live token, or None
roles(user_id)                  {gstin: role} granted to the user now
add(...) / remove(user_id)      a new user (its id) / every token revoked, every session
                                ended, every grant withdrawn, the user removed
add_grants(user_id, roles)      grants of {gstin: role}
role_of(user_id, gstin)         the role held, or None
set_role / withdraw             change or withdraw one grant
holders(gstin)                  (name, role) of everyone granted the GSTIN
add_token / revoke_token / token_scope / token_user / tokens
log(...)                        one security-log entry
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Insert, Row, RowMapping, delete, insert, or_, select, update

from gstims.store.tables import api_tokens, grants, security_log, sessions, users


class Users:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find(self, user_id: int) -> RowMapping | None:
        return self.conn.execute(select(users).where(users.c.id == user_id)).mappings().first()

    def named(self, name: str) -> RowMapping | None:
        return self.conn.execute(select(users).where(users.c.name == name)).mappings().first()

    def by_token(self, token_hash: str, now: datetime) -> RowMapping | None:
        """The user of a live token (not revoked, not expired), with the token's `scope`."""
        query = (
            select(users, api_tokens.c.scope)
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(
                api_tokens.c.token_hash == token_hash,
                api_tokens.c.revoked_at.is_(None),
                or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > now),
            )
        )
        return self.conn.execute(query).mappings().first()

    def roles(self, user_id: int) -> dict[str, str]:
        query = select(grants.c.gstin, grants.c.role).where(grants.c.user_id == user_id)
        return {gstin: role for gstin, role in self.conn.execute(query)}

    def granted(self, user_id: int) -> frozenset[str]:
        return frozenset(self.roles(user_id))

    def add(self, name: str, token_hash: str, password_hash: str | None, is_admin: bool) -> int:
        row = {"name": name, "token_hash": token_hash, "password_hash": password_hash}
        return _new_id(self.conn, insert(users).values(**row, is_admin=is_admin))

    def remove(self, user_id: int, now: datetime) -> None:
        self.conn.execute(
            update(api_tokens)
            .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        self.conn.execute(delete(sessions).where(sessions.c.user_id == user_id))
        self.conn.execute(delete(grants).where(grants.c.user_id == user_id))
        self.conn.execute(delete(users).where(users.c.id == user_id))

    # -- grants -------------------------------------------------------------------------------

    def add_grants(self, user_id: int, roles: Mapping[str, str]) -> None:
        if roles:
            rows = [{"user_id": user_id, "gstin": g, "role": r} for g, r in sorted(roles.items())]
            self.conn.execute(insert(grants), rows)

    def role_of(self, user_id: int, gstin: str) -> str | None:
        query = select(grants.c.role).where(grants.c.user_id == user_id, grants.c.gstin == gstin)
        found: str | None = self.conn.execute(query).scalar()
        return found

    def set_role(self, user_id: int, gstin: str, role: str) -> None:
        self.conn.execute(
            update(grants)
            .where(grants.c.user_id == user_id, grants.c.gstin == gstin)
            .values(role=role)
        )

    def withdraw(self, user_id: int, gstin: str) -> int:
        """How many grants went (0 or 1)."""
        where = (grants.c.user_id == user_id) & (grants.c.gstin == gstin)
        return self.conn.execute(delete(grants).where(where)).rowcount

    def holders(self, gstin: str) -> list[tuple[str, str]]:
        query = (
            select(users.c.name, grants.c.role)
            .join(grants, grants.c.user_id == users.c.id)
            .where(grants.c.gstin == gstin)
            .order_by(users.c.name)
        )
        return [(name, role) for name, role in self.conn.execute(query)]

    # -- tokens -------------------------------------------------------------------------------

    def add_token(
        self,
        user_id: int,
        token_hash: str,
        scope: str,
        created_at: datetime,
        expires_at: datetime | None,
    ) -> int:
        row = {"user_id": user_id, "token_hash": token_hash, "scope": scope}
        row |= {"created_at": created_at, "expires_at": expires_at}
        return _new_id(self.conn, insert(api_tokens).values(row))

    def revoke_token(self, token_id: int, now: datetime) -> None:
        self.conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def token_scope(self, token_id: int) -> str:
        query = select(api_tokens.c.scope).where(api_tokens.c.id == token_id)
        scope: str = self.conn.execute(query).scalar_one()
        return scope

    def token_user(self, token_id: int) -> str | None:
        query = (
            select(users.c.name)
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(api_tokens.c.id == token_id)
        )
        found: str | None = self.conn.execute(query).scalar()
        return found

    def tokens(self, user_id: int) -> Sequence[Row[Any]]:
        """(id, scope, created_at, expires_at, revoked_at) of the user's tokens, oldest first."""
        query = (
            select(
                api_tokens.c.id,
                api_tokens.c.scope,
                api_tokens.c.created_at,
                api_tokens.c.expires_at,
                api_tokens.c.revoked_at,
            )
            .where(api_tokens.c.user_id == user_id)
            .order_by(api_tokens.c.id)
        )
        return self.conn.execute(query).all()

    # -- the security log ---------------------------------------------------------------------

    def log(self, at: datetime, actor: str, event: str, subject: str, detail: str | None) -> None:
        entry = {"at": at, "actor": actor, "event": event, "subject": subject, "detail": detail}
        self.conn.execute(insert(security_log).values(entry))


def _new_id(conn: Connection, statement: Insert) -> int:
    inserted = conn.execute(statement).inserted_primary_key
    if inserted is None:  # pragma: no cover - every backend returns the new id
        raise RuntimeError("the database returned no id")
    return int(inserted[0])
