"""`gstims rules` and `gstims follow-up`: auto-action rules and the supplier follow-up.

    gstims rules import rules.json --gstin 29AABCR1718E1ZL
    gstims rules import rules.json --user ca-firm          (every GSTIN granted to ca-firm)
    gstims rules export --gstin 29AABCR1718E1ZL > rules.json
    gstims rules dry-run --gstin 29AABCR1718E1ZL
    gstims rules apply --gstin 29AABCR1718E1ZL --user asha
    gstims follow-up --gstin 29AABCR1718E1ZL --excel follow-up.xlsx --messages out/

A bad rule set prints one line per problem (rule, field, reason) and exits 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gstims.cli_files import OPERATOR, DatabaseUrl, InFile, _refusals, principal
from gstims.codec import loads, to_json_bytes
from gstims.domain.follow_up import message
from gstims.formats.follow_up_excel import follow_up_workbook, sheet_name
from gstims.services import auto_actions
from gstims.services.follow_up import supplier_follow_up
from gstims.store.db import Database

rules_app = typer.Typer(
    help="Auto-action rules: import, export, dry-run, apply.", no_args_is_help=True
)
OptGstin = Annotated[str | None, typer.Option("--gstin", help="The GSTIN's own rule set")]
ForUser = Annotated[
    str | None, typer.Option("--for-user", help="A user's rule set, for every GSTIN granted")
]
User = Annotated[str, typer.Option("--user", help="Who acts (kept in the audit trail)")]


def _scope(gstin: str | None, for_user: str | None) -> str:
    if (gstin is None) == (for_user is None):
        raise typer.BadParameter("give exactly one of --gstin and --for-user")
    return auto_actions.gstin_scope(gstin) if gstin else auto_actions.user_scope(str(for_user))


@rules_app.command("import")
def import_rules(
    file: InFile,
    gstin: OptGstin = None,
    for_user: ForUser = None,
    user: User = "cli",
    database_url: DatabaseUrl = None,
) -> None:
    """Check a rule set (JSON) and keep it, replacing the one kept."""
    scope = _scope(gstin, for_user)
    db = Database(database_url)
    with _refusals():
        data = _json(file)
        with db.transaction() as uow:
            saved = auto_actions.save_rule_set(uow, scope, data, user)
    when = f", scheduled on day {saved.on_day}" if saved.on_day else ""
    typer.echo(f"{len(saved.rules)} rule(s) kept for {scope}{when}")


def _json(file: Path) -> object:
    try:
        return loads(file.read_bytes())
    except ValueError as exc:
        typer.echo(f"error: {file} is not JSON: {exc}", err=True)
        raise typer.Exit(2) from exc


@rules_app.command("export")
def export_rules(
    gstin: OptGstin = None, for_user: ForUser = None, database_url: DatabaseUrl = None
) -> None:
    """Print the kept rule set as JSON."""
    scope = _scope(gstin, for_user)
    db = Database(database_url)
    with _refusals(), db.uow(write=False) as uow:
        kept = auto_actions.export_rule_set(uow, scope)
    typer.echo(to_json_bytes(kept, indent=2).decode())


@rules_app.command("dry-run")
def dry_run(
    gstin: Annotated[str, typer.Option("--gstin", help="The GSTIN to act on")],
    for_user: ForUser = None,
    database_url: DatabaseUrl = None,
) -> None:
    """What each rule would do to the GSTIN's IMS (the GSTIN's rules, or the user's)."""
    scope = _scope(None, for_user) if for_user else auto_actions.gstin_scope(gstin)
    db = Database(database_url)
    with _refusals(), db.uow(write=False) as uow:
        plan = auto_actions.dry_run(uow, gstin, auto_actions.rule_set(uow, scope))
    for n, r in enumerate(plan.rules, start=1):
        typer.echo(
            f"  {n}. {r.name:<30} {r.action}  claimed {r.claimed:>7,}  change {r.changes:>7,}  "
            f"already {r.unchanged:>7,}  refused {len(r.refused):>6,}  "
            f"tax {r.tax:>14}  ITC {r.itc_effect:>14}"
        )
        for x in r.refused[:20]:
            typer.echo(f"     refused: {x.supplier} {x.number}: {x.code} {x.message}")
    typer.echo(f"dry run for {gstin}: {plan.changes:,} record(s) would change; nothing saved")


@rules_app.command("apply")
def apply(
    gstin: Annotated[str, typer.Option("--gstin", help="The GSTIN to act on")],
    for_user: ForUser = None,
    user: User = "cli",
    database_url: DatabaseUrl = None,
) -> None:
    """Apply the rules through SAVE, one request per rule."""
    scope = _scope(None, for_user) if for_user else auto_actions.gstin_scope(gstin)
    db = Database(database_url)
    who = None if user == OPERATOR else principal(db, user)  # a user: their role decides
    with _refusals(), db.transaction() as uow:
        done = auto_actions.apply(uow, gstin, auto_actions.rule_set(uow, scope), user, who)
    for name, result in done.rules:
        if result is not None:
            typer.echo(
                f"  {name}: reference {result.reference_id}, {result.applied:,} changed, "
                f"{len(result.errors):,} refused"
            )
    for name, proposal_id in done.proposals:
        typer.echo(f"  {name}: proposal {proposal_id} awaits an approver")
    typer.echo(f"applied for {gstin}: {done.applied:,} changed, {done.refused:,} refused")


def follow_up(
    gstin: Annotated[str, typer.Option("--gstin", help="The recipient GSTIN")],
    excel: Annotated[Path | None, typer.Option(help="Write the workbook here")] = None,
    messages: Annotated[
        Path | None, typer.Option(help="Write one <supplier>.txt message per supplier here")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Per supplier: what to ask, the ITC at risk; a workbook and e-mail texts."""
    db = Database(database_url)
    with _refusals(), db.uow(write=False) as uow:
        found = supplier_follow_up(uow, gstin)
    for s in found.suppliers:
        typer.echo(f"  {sheet_name(s.supplier)}  {len(s.asks):>5} to ask  ITC at risk {s.at_risk}")
    typer.echo(f"ITC at risk for {gstin}: {found.at_risk}")
    if excel is not None:
        excel.write_bytes(follow_up_workbook(gstin, found.suppliers))
        typer.echo(f"written: {excel}")
    if messages is not None:
        messages.mkdir(parents=True, exist_ok=True)
        for s in found.suppliers:
            (messages / f"{sheet_name(s.supplier)}.txt").write_text(
                message(s, gstin, found.name), encoding="utf-8"
            )
        typer.echo(f"written: {len(found.suppliers)} message(s) in {messages}")
