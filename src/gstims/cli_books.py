"""`gstims books` and `gstims reconcile`: the purchase register and its reconciliation.

    gstims books import register.xlsx --gstin 29AABCR1718E1ZL --profile tally
    gstims books import register.csv --gstin 29AABCR1718E1ZL --skip-invalid
    gstims books profile save --gstin 29AABCR1718E1ZL --name mine mapping.json
    gstims reconcile --gstin 29AABCR1718E1ZL --period 102024 --json run.json --excel run.xlsx
    gstims reconcile apply 7 --dry-run
    gstims reconcile apply 7 --outcome matched --outcome value_mismatch

A register with problems prints one line per problem (row, column, reason) and exits 2;
nothing of it is stored unless `--skip-invalid`, which stores the good documents and still
lists the problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from gstims.cli_files import OPERATOR, DatabaseUrl, Gstin, InFile, _period, _refusals, principal
from gstims.cli_progress import progress
from gstims.codec import loads, to_json_bytes
from gstims.domain.money import money
from gstims.domain.reconcile.model import Tolerance
from gstims.formats.recon_excel import follow_up_workbook, report_workbook
from gstims.services import approvals, books, reconcile
from gstims.store.db import Database

Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar (none either when not a terminal)")
]
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
    quiet: Quiet = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Import a purchase register (CSV or XLSX) as the GSTIN's next books version."""
    db = Database(database_url)
    with _refusals(), progress(books.IMPORT_STEPS, quiet) as steps, db.transaction() as uow:
        outcome = books.import_file(
            uow, gstin, file.read_bytes(), file.name, profile, sheet, skip_invalid, user, steps
        )
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
    with _refusals(), db.transaction() as uow:
        books.save_profile(uow, gstin, name, _mapping(mapping))
    typer.echo(f"profile {name!r} saved for {gstin}")


def _mapping(path: Path) -> dict[str, list[str]]:
    data = loads(path.read_bytes())
    if not isinstance(data, dict) or not all(
        isinstance(v, list) and all(isinstance(n, str) for n in v) for v in data.values()
    ):
        raise typer.BadParameter("a JSON object of field → [header names]", param_hint="MAPPING")
    return data


reconcile_app = typer.Typer(
    help="Reconcile the books with IMS and GSTR-2B; dry-run and apply the suggestions.",
    invoke_without_command=True,
)


@reconcile_app.callback()
def run(
    ctx: typer.Context,
    gstin: Annotated[str | None, typer.Option("--gstin", help="The recipient's GSTIN")] = None,
    period: Annotated[
        list[str] | None, typer.Option("--period", help="Return period MMYYYY (repeatable)")
    ] = None,
    other_gstin: Annotated[
        list[str] | None, typer.Option("--other-gstin", help="Another GSTIN of the run")
    ] = None,
    tolerance: Annotated[str, typer.Option(help="Rupees per head and taxable value")] = "1.00",
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the run here")] = None,
    excel: Annotated[Path | None, typer.Option("--excel", help="Write the report here")] = None,
    follow_up: Annotated[
        Path | None, typer.Option("--follow-up", help="Write the per-supplier follow-up here")
    ] = None,
    user: Annotated[str, typer.Option(help="Who runs it")] = "cli",
    quiet: Quiet = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Run a reconciliation of --gstin for --period and print its summary."""
    if ctx.invoked_subcommand is not None:
        return
    if not gstin or not period:
        raise typer.BadParameter("--gstin and --period are needed to run", param_hint="--gstin")
    periods = [_period(p) for p in period]
    try:
        rupees = money(tolerance)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--tolerance") from exc
    db = Database(database_url)
    with _refusals(), progress(reconcile.RUN_STEPS, quiet) as steps, db.transaction() as uow:
        run_id = reconcile.run_reconciliation(
            uow, gstin, periods, Tolerance(amount=rupees), other_gstin or (), user, steps
        )
    with db.uow(write=False) as uow:
        stored = reconcile.get_run(uow, run_id)
    typer.echo(f"reconciliation {run_id} of {gstin} for {', '.join(stored.periods)}")
    for outcome, totals in sorted(stored.summary.items()):
        typer.echo(
            f"  {outcome:<26} {totals['count']:>7,}  books tax {totals['books_tax']:>14}  "
            f"portal tax {totals['portal_tax']:>14}"
        )
    document = reconcile.run_json(stored)
    for path, write in (
        (json_out, to_json_bytes),
        (excel, report_workbook),
        (follow_up, follow_up_workbook),
    ):
        if path is not None:
            path.write_bytes(write(document))
            typer.echo(f"written: {path}")


@reconcile_app.command("apply")
def apply(
    run_id: Annotated[int, typer.Argument(help="The run's id")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show counts and ITC effect only")
    ] = False,
    outcome: Annotated[
        list[str] | None, typer.Option("--outcome", help="Only these outcomes (repeatable)")
    ] = None,
    user: Annotated[str, typer.Option(help="Who applies (kept in the audit trail)")] = "cli",
    quiet: Quiet = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Dry-run or apply a run's suggested IMS actions (through SAVE)."""
    db = Database(database_url)
    if dry_run:
        with _refusals(), db.uow(write=False) as uow:
            dry = reconcile.dry_run(uow, run_id, outcome)
        for line in dry.lines:
            typer.echo(
                f"  {line.outcome:<26} {line.action}  {line.records:>7,} records  "
                f"ITC {line.itc_effect:>14}"
            )
        for refused in dry.refused:
            typer.echo(f"  refused by the rule table: {refused['number']}: {refused['note']}")
        typer.echo(f"dry run of reconciliation {run_id}: {dry.records:,} records; nothing saved")
        return
    if user != OPERATOR:  # a user: their role on the run's GSTIN decides, as in the API
        with _refusals():
            _apply_as(db, principal(db, user), run_id, outcome)
        return
    with _refusals(), progress(reconcile.APPLY_STEPS, quiet) as steps, db.transaction() as uow:
        result = reconcile.apply_run(uow, run_id, user, outcome, None, steps)
    typer.echo(
        f"applied reconciliation {run_id}: reference {result.reference_id}, "
        f"{result.applied:,} changed, {len(result.errors):,} refused"
    )
    for error in result.errors:
        typer.echo(f"  refused: {error.number}: {error.code} {error.message}", err=True)


def _apply_as(db: Database, who: Any, run_id: int, outcome: list[str] | None) -> None:
    with db.transaction() as uow:
        gstin = reconcile.get_run(uow, run_id).gstin
        submitted = approvals.submit_run(uow, who, gstin, run_id, outcome)
    if isinstance(submitted, approvals.Proposed):
        typer.echo(f"proposal {submitted.proposal_id} awaits an approver")
        return
    result = submitted.result
    typer.echo(
        f"applied reconciliation {run_id}: reference {result.reference_id}, "
        f"{result.applied:,} changed, {len(result.errors):,} refused"
    )
