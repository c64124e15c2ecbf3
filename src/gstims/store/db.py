"""The database: engine, migrations and the unit of work.

`Database(url)` opens SQLite (the embedded default) or PostgreSQL. A `UnitOfWork` is one
transaction: it rolls back unless `commit()` is called, so a failed request leaves no trace.
Writers are serialised per taxpayer — on PostgreSQL by transaction-scoped advisory locks, on
SQLite by `BEGIN IMMEDIATE` — so two SAVEs on one record never both apply (the second reads
what the first wrote and gets `IMSSAV0010`).

A unit of work reaches the repositories on its connection, where every query lives:
`records`, `audit` and `requests` (the IMS use cases), `taxpayers`, `returns`, `users` and
`sessions`, `proposals` (maker-checker),
`drafts` (what a supplier saved and has not filed), `supplied` (what a GSTR-1 save and filing
write), `consumption` (what filing a GSTR-3B does to the records its 2B held), `adjustments`
(add-backs and Rule 37A lines), `gstr2b` (the kept generations), `dashboard` (the dashboard's
read model), `auto_rules` (auto-action rule sets and their selections), `books` (the purchase
register), `recon` (reconciliation runs) and `clock` (the sandbox clock's events and results).
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text

from gstims.codec import loads, to_json_bytes
from gstims.settings import environment
from gstims.store.adjustments import Adjustments
from gstims.store.auto_rules import AutoRules
from gstims.store.books import Books
from gstims.store.clock import ClockRuns
from gstims.store.dashboard import DashboardQueries
from gstims.store.gstr2b import Generations
from gstims.store.proposals import Proposals
from gstims.store.recon import Reconciliations
from gstims.store.records import Audit, Records
from gstims.store.records.consumption import Consumption
from gstims.store.records.supplied import Supplied
from gstims.store.requests import Requests
from gstims.store.return_drafts import ReturnDrafts
from gstims.store.returns import Returns
from gstims.store.sessions import Sessions
from gstims.store.tables import clock, taxpayers
from gstims.store.taxpayers import Taxpayers
from gstims.store.users import Users

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_TODAY = date(2024, 10, 1)


def database_url(explicit: str | None = None) -> str:
    return explicit or environment().database_url


class Database:
    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        self.url = database_url(url)
        self.engine: Engine = create_engine(self.url, echo=echo, **_engine_options(self.url))
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        if self.is_sqlite:
            _private_sqlite_file(self.engine.url.database)
            _sqlite_pragmas(self.engine)

    def migrate(self, revision: str = "head") -> None:
        """Apply pending Alembic migrations up to `revision` (idempotent)."""
        with self.engine.begin() as conn:
            command.upgrade(_alembic(conn), revision)

    def downgrade(self, revision: str) -> None:
        """Undo migrations down to `revision` (for tests of a migration's data)."""
        with self.engine.begin() as conn:
            command.downgrade(_alembic(conn), revision)

    def uow(self, *, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self, write=write)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[UnitOfWork]:
        """The edge's unit of work: committed when the block ends normally, rolled back when it
        raises. API routes, web handlers and CLI commands open one; use cases never commit."""
        with self.uow(write=write) as uow:
            yield uow
            uow.commit()

    def holds_taxpayers(self) -> bool:
        """Whether anyone is registered (a demo refuses to build over someone's data)."""
        with self.uow(write=False) as uow:
            return uow.conn.execute(select(taxpayers.c.gstin).limit(1)).first() is not None

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def _private_sqlite_file(path: str | None) -> None:
    """A new SQLite file is made readable by its owner only (issue 14 item 16); SQLite gives
    its -wal and -shm files the same mode."""
    if not path or path == ":memory:" or path.startswith("file:") or os.path.exists(path):
        return
    with contextlib.suppress(FileExistsError):  # made meanwhile by another process
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _json_dumps(obj: Any) -> str:
    return to_json_bytes(obj).decode()


def _engine_options(url: str) -> dict[str, Any]:
    # JSON columns keep Decimal amounts exact both ways (never through float)
    # hide_parameters: an error logged or shown never carries the values of the statement
    common = {"json_serializer": _json_dumps, "json_deserializer": loads, "hide_parameters": True}
    if url.startswith("sqlite"):
        return {**common, "connect_args": {"timeout": 60, "check_same_thread": False}}
    return {**common, "pool_size": 10, "max_overflow": 20, "pool_pre_ping": True}


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


class UnitOfWork:
    """One transaction; rolls back unless committed."""

    def __init__(self, db: Database, *, write: bool) -> None:
        self.db = db
        self.write = write
        self._committed = False

    def __enter__(self) -> Self:
        conn = self.db.engine.connect()
        if self.db.is_sqlite and self.write:
            conn = conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        self.conn: Connection = conn
        self._tx = conn.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed and self._tx.is_active:
                self._tx.rollback()
        finally:
            self.conn.close()

    def commit(self) -> None:
        """End the transaction, keeping its writes. Only the edge calls it (an API route, a web
        handler, a CLI command): use cases never commit, so several compose in one transaction."""
        self._tx.commit()
        self._committed = True

    @property
    def records(self) -> Records:
        return Records(self.conn)

    @property
    def audit(self) -> Audit:
        return Audit(self.conn)

    @property
    def consumption(self) -> Consumption:
        return Consumption(self.conn)

    @property
    def supplied(self) -> Supplied:
        return Supplied(self.conn)

    @property
    def adjustments(self) -> Adjustments:
        return Adjustments(self.conn)

    @property
    def requests(self) -> Requests:
        return Requests(self.conn)

    @property
    def dashboard(self) -> DashboardQueries:
        return DashboardQueries(self.conn)

    @property
    def gstr2b(self) -> Generations:
        return Generations(self.conn)

    @property
    def taxpayers(self) -> Taxpayers:
        return Taxpayers(self.conn)

    @property
    def returns(self) -> Returns:
        return Returns(self.conn)

    @property
    def drafts(self) -> ReturnDrafts:
        return ReturnDrafts(self.conn)

    @property
    def users(self) -> Users:
        return Users(self.conn)

    @property
    def sessions(self) -> Sessions:
        return Sessions(self.conn)

    @property
    def proposals(self) -> Proposals:
        return Proposals(self.conn)

    @property
    def auto_rules(self) -> AutoRules:
        return AutoRules(self.conn)

    @property
    def books(self) -> Books:
        return Books(self.conn)

    @property
    def recon(self) -> Reconciliations:
        return Reconciliations(self.conn)

    @property
    def clock(self) -> ClockRuns:
        return ClockRuns(self.conn)

    def lock(self, gstins: Iterable[str]) -> None:
        """Serialise writers of these taxpayers until the transaction ends."""
        if self.db.is_sqlite:
            return  # BEGIN IMMEDIATE already holds the database's write lock
        for gstin in sorted(set(gstins)):
            key = zlib.crc32(gstin.encode())
            self.conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

    def today(self) -> date:
        return self.clock_day() or DEFAULT_TODAY

    def clock_day(self) -> date | None:
        """The sandbox clock's day, or None before it was placed."""
        day: date | None = self.conn.execute(select(clock.c.today).where(clock.c.id == 1)).scalar()
        return day

    def place_clock(self, day: date) -> None:
        """Place a fresh sandbox's clock (the caller checked it was not placed)."""
        self.conn.execute(insert(clock).values(id=1, today=day))
