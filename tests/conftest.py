"""Shared fixtures: a fresh database on each backend.

PostgreSQL tests use the server named by GSTIMS_TEST_POSTGRES_URL (default: the local test
database). Each test gets its own schema, so tests run in parallel without meeting. They never
skip silently: an unreachable server fails them, unless GSTIMS_SKIP_POSTGRES=1 is set by hand.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from gstims.store.db import Database

POSTGRES_URL = os.environ.get(
    "GSTIMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def sqlite_database(tmp_path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'gstims.db'}")
    db.migrate()
    return db


class PostgresSchema:
    """A throwaway schema on the test server, dropped afterwards."""

    def __init__(self) -> None:
        self.name = f"t_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{self.name}"'))
        admin.dispose()
        self.url = (
            POSTGRES_URL
            + ("&" if "?" in POSTGRES_URL else "?")
            + (f"options=-csearch_path%3D{self.name}")
        )

    def drop(self) -> None:
        admin = sa.create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{self.name}" CASCADE'))
        admin.dispose()


def postgres_database() -> tuple[Database, PostgresSchema]:
    if os.environ.get("GSTIMS_SKIP_POSTGRES") == "1":
        pytest.skip("GSTIMS_SKIP_POSTGRES=1 set by hand")
    schema = PostgresSchema()
    db = Database(schema.url)
    db.migrate()
    return db, schema


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = sqlite_database(tmp_path)
        yield database
        database.dispose()
    else:
        database, schema = postgres_database()
        yield database
        database.dispose()
        schema.drop()


@pytest.fixture
def pg_db() -> Iterator[Database]:
    database, schema = postgres_database()
    yield database
    database.dispose()
    schema.drop()
