"""`gstims import`, `gstims export` and `gstims compare-2b`: portal JSON and Excel files.

Mount into the `gstims` command either whole (`app.add_typer(cli_files.app)`) or piece by
piece:

    app.add_typer(cli_files.import_app, name="import")
    app.add_typer(cli_files.export_app, name="export")
    app.command("compare-2b")(cli_files.compare_2b)

Examples:

    gstims import gstr1 GSTR-1-27AAPFU0939F1ZV-102024.json
    gstims export ims --gstin 29AABCR1718E1ZL ims.json          (GETINV; --offline: tool file)
    gstims export ims --gstin 29AABCR1718E1ZL --actions actions.xlsx
    gstims import actions --gstin 29AABCR1718E1ZL actions.xlsx --errors errors.xlsx
    gstims export gstr2b --gstin 29AABCR1718E1ZL --period 102024 2b.xlsx
    gstims export gstr3b --gstin 29AABCR1718E1ZL --period 102024 3b.json
    gstims compare-2b --gstin 29AABCR1718E1ZL --period 102024 portal-2b.json --report diff.xlsx

A refused file prints one line per problem (file, row or JSON path, reason) and exits 2
(as every refusal of the `gstims` command); nothing of it is stored. `compare-2b` exits 1
when the two GSTR-2Bs differ, as `diff` does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from gstims.codec import to_json_bytes
from gstims.domain.calendar import Period, PeriodError
from gstims.domain.errors import GSTIMS404
from gstims.domain.ims import ItemError
from gstims.domain.text import printable
from gstims.formats.compare import DIFFERENT, ONLY_GSTIMS, ONLY_PORTAL, comparison_json
from gstims.formats.excel import comparison_workbook, table_workbook
from gstims.formats.ims import error_report
from gstims.services import files, taxpayers
from gstims.services.errors import NotFound, ServiceError
from gstims.store.db import Database

__all__ = [
    "app",
    "compare_2b",
    "export_app",
    "export_gstr2b",
    "export_gstr3b",
    "export_ims",
    "import_actions",
    "import_app",
    "import_gstr1",
]

REFUSED = 2  # a refused file or request, as every refusal of `gstims`
DIFFERENT_2B = 1  # compare-2b found differences, as `diff` says

# the databases the running command opened: GstimsGroup.invoke closes them when it ends, so a
# command run in-process (as the tests run them) leaves no connection behind
OPENED: list[Database] = []


OPERATOR = "cli"  # who runs the CLI: the operator, holding every power (docs/SECURITY.md)


def principal(db: Database, name: str) -> taxpayers.Principal:
    """A named user with their roles now (the CLI asks the same guard as the API), or
    NotFound."""
    with db.uow(write=False) as uow:
        found = taxpayers.principal_named(uow, name)
    if found is None:
        raise NotFound(GSTIMS404, f"no user {name}")
    return found


def open_database(url: str | None) -> Database:
    db = Database(url)
    OPENED.append(db)
    return db


def close_databases() -> None:
    while OPENED:
        OPENED.pop().dispose()


app = typer.Typer(help="Portal files: JSON and Excel in and out.", no_args_is_help=True)
import_app = typer.Typer(help="Read portal JSON and Excel files into gstims.", no_args_is_help=True)
export_app = typer.Typer(
    help="Write portal JSON and Excel files from gstims.", no_args_is_help=True
)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="SQLAlchemy URL; default $GSTIMS_DATABASE_URL or ./gstims.db"
    ),
]
Gstin = Annotated[str, typer.Option("--gstin", help="The taxpayer's GSTIN")]
PeriodCode = Annotated[str, typer.Option("--period", help="Return period MMYYYY")]
InFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
OutFile = Annotated[Path, typer.Argument(dir_okay=False, help="File to write (.json or .xlsx)")]


def _period(code: str) -> Period:
    try:
        return Period.parse(code)
    except PeriodError as exc:
        raise typer.BadParameter(str(exc), param_hint="--period") from exc


@contextmanager
def _refusals() -> Iterator[None]:
    """A refused file or request: its lines on stderr, exit status 2."""
    try:
        yield
    except files.FileRefused as exc:
        lines = [printable(line) for line in exc.lines()]  # a file's text, never its escapes
        if len(lines) == 1:  # one red line, as every other refusal of `gstims`
            message = f"error: {lines[0]}; refused: nothing of {exc.path} was stored"
            typer.secho(message, fg="red", err=True)
            raise typer.Exit(REFUSED) from exc
        for line in lines:
            typer.echo(line, err=True)
        typer.echo(f"refused: nothing of {exc.path} was stored", err=True)
        raise typer.Exit(REFUSED) from exc
    except ServiceError as exc:
        typer.echo(f"{exc.code}: {exc.message}", err=True)
        for problem in getattr(exc, "problems", []):
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(REFUSED) from exc


@contextmanager
def _progress() -> Iterator[files.Progress]:
    """A progress bar on a terminal; elsewhere a line each 10 %."""
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TaskID,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        bar = Progress(
            TextColumn("{task.description:<9}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        with bar:
            yield update
        return
    yield _lines()


def _lines() -> Callable[[str, int, int], None]:
    shown: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        tenth = done * 10 // total if total else 10
        if shown.get(stage, -1) < tenth:
            shown[stage] = tenth
            typer.echo(f"{stage}: {tenth * 10:3d}% ({done:,} of {total:,} bytes)", err=True)

    return update


# -- import -----------------------------------------------------------------------------------


@import_app.command("gstr1")
def import_gstr1(
    file: InFile,
    gstin: Annotated[
        str | None, typer.Option("--gstin", help="Supplier GSTIN (default: the file's)")
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="Return period (default: the file's fp)")
    ] = None,
    form: Annotated[str, typer.Option(help="GSTR1 (also IFF) or GSTR1A")] = "GSTR1",
    batch_size: Annotated[int, typer.Option(min=100, help="Documents per batch")] = files.BATCH,
    database_url: DatabaseUrl = None,
) -> None:
    """Save a GSTR-1 / IFF / GSTR-1A JSON file (portal, offline tool or RETSAVE body)."""
    if form not in ("GSTR1", "GSTR1A"):
        raise typer.BadParameter("GSTR1 or GSTR1A", param_hint="--form")
    db = open_database(database_url)
    with _refusals(), _progress() as progress:
        result = files.import_gstr1(
            db,
            file,
            form=form,
            gstin=gstin,
            period=period,
            batch_size=batch_size,
            progress=progress,
        )
    typer.echo(
        f"{result.form} {result.period} of {result.gstin}: {result.documents:,} documents, "
        f"{result.saved:,} saved, {result.deleted:,} deleted, {result.unchanged:,} unchanged"
    )


@import_app.command("actions")
def import_actions(
    file: InFile,
    gstin: Gstin,
    user: Annotated[
        str,
        typer.Option(
            help="Who acts: `cli` (the operator) or a user, whose role on the GSTIN decides "
            "(under maker-checker a preparer's file becomes a proposal)"
        ),
    ] = "cli",
    errors: Annotated[
        Path | None, typer.Option(help="Write refused records here (.xlsx or .json)")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Apply an IMS actions file: an edited GETINV / offline JSON, a SAVE body, or a workbook."""
    db = open_database(database_url)
    with _refusals():
        who = None if user == OPERATOR else principal(db, user)
        result = files.import_actions(db, gstin, file, actor=user, principal=who)
    for proposal in result.proposals:
        typer.echo(f"proposal {proposal} awaits an approver (gstims approvals show {proposal})")
    for warning in result.warnings:
        typer.echo(printable(f"warning: {file}: {warning.field}: {warning.message}"), err=True)
    for where, error in result.errors:
        line = f"{file}: {where}: {error.number}: {error.code} {error.message}"
        typer.echo(printable(line), err=True)
    if errors is not None and result.errors:
        _write_errors(errors, result.errors)
    typer.echo(
        f"{result.applied} record(s) changed, {result.unchanged} unchanged, "
        f"{len(result.errors)} refused"
    )


def _write_errors(path: Path, errors: list[tuple[str, ItemError]]) -> None:
    if path.suffix.lower() == ".xlsx":
        headings = ["Where", "Section", "GSTIN of supplier", "Number", "Return period"]
        rows = [
            (where, e.section, e.supplier, e.number, e.rtnprd or "", e.code, e.message)
            for where, e in errors
        ]
        table_workbook(path, "Errors", [*headings, "Error code", "Message"], rows)
    else:
        path.write_bytes(to_json_bytes({"error_report": error_report([e for _, e in errors])}))


# -- export -----------------------------------------------------------------------------------


@export_app.command("ims")
def export_ims(
    file: OutFile,
    gstin: Gstin,
    offline: Annotated[
        bool, typer.Option("--offline", help="JSON for the IMS offline tool (imsDetails)")
    ] = False,
    actions: Annotated[
        bool, typer.Option("--actions", help="xlsx: the actions workbook to edit and import")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """The IMS: GETINV JSON, the offline-tool download, the IMS list or actions workbook."""
    db = open_database(database_url)
    with _refusals():
        count = files.export_ims(db, gstin, file, offline=offline, actions=actions)
    typer.echo(f"{count:,} IMS record(s) written to {file}")


@export_app.command("gstr2b")
def export_gstr2b(
    file: OutFile, gstin: Gstin, period: PeriodCode, database_url: DatabaseUrl = None
) -> None:
    """The latest GSTR-2B of the period: JSON (GET2B) or the portal's workbook."""
    db = open_database(database_url)
    with _refusals():
        count = files.export_gstr2b(db, gstin, _period(period), file)
    typer.echo(f"GSTR-2B {period} of {gstin}: {count:,} document(s) written to {file}")


@export_app.command("gstr3b")
def export_gstr3b(
    file: OutFile, gstin: Gstin, period: PeriodCode, database_url: DatabaseUrl = None
) -> None:
    """The auto-populated GSTR-3B return JSON (3.1(a), 3.1(d), Table 4)."""
    db = open_database(database_url)
    with _refusals():
        stale = files.export_gstr3b(db, gstin, _period(period), file)
    if stale:
        typer.echo("warning: IMS actions changed after the GSTR-2B; recompute it", err=True)
    typer.echo(f"GSTR-3B {period} of {gstin} written to {file}")


# -- compare ----------------------------------------------------------------------------------


def compare_2b(
    file: InFile,
    gstin: Gstin,
    period: PeriodCode,
    report: Annotated[
        Path | None, typer.Option(help="Write the difference report here (.json or .xlsx)")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Compare the portal's GSTR-2B JSON with the one gstims computed; exit 1 if they differ."""
    db = open_database(database_url)
    with _refusals():
        comparison, warnings = files.compare_2b_file(db, gstin, _period(period), file)
    for warning in warnings:
        typer.echo(f"warning: {file}: {warning.section}: {warning.message}", err=True)
    if report is not None:
        if report.suffix.lower() == ".xlsx":
            comparison_workbook(report, comparison)
        else:
            report.write_bytes(to_json_bytes(comparison_json(comparison), indent=1))
    c = comparison
    typer.echo(
        f"GSTR-2B {c.period} of {c.gstin}: {c.portal_documents} document(s) on the portal, "
        f"{c.gstims_documents} in gstims; {c.matched} equal, {c.count(DIFFERENT)} different, "
        f"{c.count(ONLY_PORTAL)} only on the portal, {c.count(ONLY_GSTIMS)} only in gstims; "
        f"{len(c.heads)} ITC amount(s) differ"
    )
    for head in c.heads[:20]:
        typer.echo(f"  {head.path}: portal {head.portal}, gstims {head.gstims}")
    for record in c.records[:20]:
        fields = ", ".join(
            f"{f.field} {f.portal or '-'} → {f.gstims or '-'}" for f in record.fields
        )
        typer.echo(
            f"  {record.section} {record.supplier} {record.number}: {record.status}"
            + (f" ({fields})" if fields else "")
        )
    if not c.same:
        raise typer.Exit(DIFFERENT_2B)


app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.command("compare-2b")(compare_2b)
