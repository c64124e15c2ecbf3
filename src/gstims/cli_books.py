"""`gstims books`: the purchase register (R-REC-1 … R-REC-4).

    gstims books import register.xlsx --gstin 29AABCR1718E1ZL --profile tally
    gstims books import register.csv --gstin 29AABCR1718E1ZL --skip-invalid
    gstims books profile save --gstin 29AABCR1718E1ZL --name mine mapping.json

A register with problems prints one line per problem (row, column, reason) and exits 2;
nothing of it is stored unless `--skip-invalid`, which stores the good documents and still
lists the problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gstims.cli_files import DatabaseUrl, Gstin, InFile, _refusals
from gstims.formats.encoding import loads
from gstims.services import books
from gstims.store.db import Database

books_app = typer.Typer(help="The purchase register (books) to reconcile.", no_args_is_help=True)
profile_app = typer.Typer(help="Column-mapping profiles of a register.", no_args_is_help=True)
books_app.add_typer(profile_app, name="profile")


@books_app.command("import")
def import_register(
    file: InFile,
    gstin: Gstin,
    profile: Annotated[
        str, typer.Option(help="generic, tally, zoho, or a profile saved for the GSTIN")
    ] = "generic",
    sheet: Annotated[str | None, typer.Option(help="The .xlsx sheet (default: the first)")] = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Store the good rows, report the rest")
    ] = False,
    user: Annotated[str, typer.Option(help="Who imports (kept with the version)")] = "cli",
    database_url: DatabaseUrl = None,
) -> None:
    """Import a purchase register (CSV or XLSX) as the GSTIN's next books version."""
    db = Database(database_url)
    with _refusals(), db.uow() as uow:
        outcome = books.import_file(
            uow, gstin, file.read_bytes(), file.name, profile, sheet, skip_invalid, user
        )
        uow.commit()
    for problem in outcome.problems:
        typer.echo(f"skipped: {problem}", err=True)
    if not outcome.changed:
        typer.echo(f"unchanged: the same documents as books version {outcome.version}")
        return
    typer.echo(
        f"books version {outcome.version} of {gstin}: {outcome.documents:,} documents"
        + (f", {len(outcome.problems)} problem(s) skipped" if outcome.problems else "")
    )


@profile_app.command("save")
def save_profile(
    mapping: InFile,
    gstin: Gstin,
    name: Annotated[str, typer.Option(help="The profile's name")],
    database_url: DatabaseUrl = None,
) -> None:
    """Save a mapping profile: a JSON object of field → list of header names."""
    db = Database(database_url)
    with _refusals(), db.uow() as uow:
        books.save_profile(uow, gstin, name, _mapping(mapping))
        uow.commit()
    typer.echo(f"profile {name!r} saved for {gstin}")


def _mapping(path: Path) -> dict[str, list[str]]:
    data = loads(path.read_bytes())
    if not isinstance(data, dict) or not all(
        isinstance(v, list) and all(isinstance(n, str) for n in v) for v in data.values()
    ):
        raise typer.BadParameter("a JSON object of field → [header names]", param_hint="MAPPING")
    return data
