"""`Users`: who may sign in and the GSTINs granted to each, reached as `uow.users`.

find(user_id)      the user's row, or None
granted(user_id)   the GSTINs granted to the user now
"""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, select

from gstims.store.tables import grants, users


class Users:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find(self, user_id: int) -> RowMapping | None:
        return self.conn.execute(select(users).where(users.c.id == user_id)).mappings().first()

    def granted(self, user_id: int) -> frozenset[str]:
        query = select(grants.c.gstin).where(grants.c.user_id == user_id)
        return frozenset(self.conn.execute(query).scalars())
