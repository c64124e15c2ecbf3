"""The `gstims` command."""

from __future__ import annotations

from typing import Annotated

import typer

from gstims.store.db import Database

app = typer.Typer(help="gstims: India's GST Invoice Management System (IMS) as tested code.")
db_app = typer.Typer(help="Database administration.")
app.add_typer(db_app, name="db")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="SQLAlchemy URL; default $GSTIMS_DATABASE_URL or ./gstims.db"
    ),
]


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Apply pending schema migrations."""
    db = Database(database_url)
    db.migrate()
    typer.echo(f"database at {db.url} is up to date")


if __name__ == "__main__":
    app()
