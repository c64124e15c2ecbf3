"""Alembic environment: runs on the connection the caller hands over (Database.migrate)."""

from alembic import context
from sqlalchemy import create_engine

from gstims.store.db import database_url
from gstims.store.tables import metadata

connection = context.config.attributes.get("connection")


def run(conn) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    with create_engine(database_url()).begin() as conn:
        run(conn)
