"""`Sessions`: dashboard sessions kept on the server and failed sign-ins, reached as
`uow.sessions` (the rules are `services/sessions.py`'s; only their SQL is here).

start / find / touch / end / end_all / end_stale     sessions, by the SHA-256 of their id
locked_until(keys, at) / failures(keys)               the sign-in throttle's counts
set_failure(key, exists, values) / clear(key)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from gstims.store.tables import login_failures, sessions


class Sessions:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def start(self, key: str, user_id: int, at: datetime) -> None:
        values = {"id": key, "user_id": user_id, "created_at": at, "last_seen": at}
        self.conn.execute(insert(sessions).values(values))

    def find(self, key: str) -> Row[Any] | None:
        """(user_id, created_at, last_seen) of the session, or None."""
        query = select(sessions.c.user_id, sessions.c.created_at, sessions.c.last_seen)
        return self.conn.execute(query.where(sessions.c.id == key)).first()

    def touch(self, key: str, at: datetime) -> None:
        self.conn.execute(update(sessions).where(sessions.c.id == key).values(last_seen=at))

    def end(self, key: str) -> None:
        self.conn.execute(delete(sessions).where(sessions.c.id == key))

    def end_all(self, user_id: int) -> int:
        return self.conn.execute(delete(sessions).where(sessions.c.user_id == user_id)).rowcount

    def end_stale(self, at: datetime, idle: timedelta, absolute: timedelta) -> int:
        stale = (sessions.c.last_seen < at - idle) | (sessions.c.created_at < at - absolute)
        return self.conn.execute(delete(sessions).where(stale)).rowcount

    def locked_until(self, keys: Sequence[str], at: datetime) -> list[datetime]:
        query = select(login_failures.c.locked_until).where(
            login_failures.c.key.in_(keys), login_failures.c.locked_until > at
        )
        return list(self.conn.execute(query).scalars())

    def failures(self, keys: Sequence[str]) -> dict[str, tuple[int, datetime]]:
        """{key: (failures, last failure)} of the keys that have a count."""
        query = select(
            login_failures.c.key, login_failures.c.failures, login_failures.c.last_at
        ).where(login_failures.c.key.in_(keys))
        return {key: (n, last) for key, n, last in self.conn.execute(query)}

    def set_failure(self, key: str, exists: bool, values: Mapping[str, Any]) -> None:
        if exists:
            where = login_failures.c.key == key
            self.conn.execute(update(login_failures).where(where).values(**values))
        else:
            self.conn.execute(insert(login_failures).values(key=key, **values))

    def clear(self, key: str) -> None:
        self.conn.execute(delete(login_failures).where(login_failures.c.key == key))
