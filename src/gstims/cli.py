"""The `gstims` command."""

from __future__ import annotations

import os
from datetime import date, datetime
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


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%d-%m-%Y").date()
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not a date dd-mm-yyyy") from exc


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    database_url: DatabaseUrl = None,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Enable the sandbox API")] = False,
    today: Annotated[
        str | None, typer.Option(help="A fresh sandbox's first day, dd-mm-yyyy")
    ] = None,
) -> None:
    """Serve the API and the dashboard (pending migrations are applied on start)."""
    import uvicorn

    from gstims.api.app import create_app
    from gstims.api.settings import Settings

    settings = Settings(database_url=database_url, sandbox=sandbox, start_date=_day(today))
    application = create_app(settings)
    if sandbox and not os.environ.get("GSTIMS_ADMIN_TOKEN"):
        typer.echo(f"sandbox admin token: {settings.admin_token}")
    typer.echo(f"serving on http://{host}:{port}/ (API docs at /docs)")
    uvicorn.run(application, host=host, port=port, log_level="warning")


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Apply pending schema migrations."""
    db = Database(database_url)
    db.migrate()
    typer.echo(f"database at {db.url} is up to date")


if __name__ == "__main__":
    app()
