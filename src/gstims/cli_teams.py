"""`gstims approvals` and `gstims maker-checker`: maker-checker from the command line (issue 17).

Every command names the person acting (`--user`): the CLI asks the same guard as the API and
the dashboard (`services.access.require`, through the use cases), so a preparer cannot approve
and nobody approves their own proposal here either. `gstims users grant NAME GSTIN --role
preparer` gives the roles.

    gstims approvals list --gstin 29AABCR1718E1ZL
    gstims approvals show 12 --gstin 29AABCR1718E1ZL
    gstims approvals approve 12 --gstin 29AABCR1718E1ZL --user ravi
    gstims approvals send-back 12 --gstin 29AABCR1718E1ZL --user ravi --comment "INV-9 disputed"
    gstims maker-checker on --gstin 29AABCR1718E1ZL --user asha-admin
"""

from __future__ import annotations

from typing import Annotated

import typer

from gstims.cli_files import DatabaseUrl, Gstin, _refusals, open_database, principal
from gstims.domain.text import printable
from gstims.services import approvals

approvals_app = typer.Typer(
    help="Proposals awaiting an approver (maker-checker).", no_args_is_help=True
)
User = Annotated[str, typer.Option("--user", help="Who acts: a user holding a role on the GSTIN")]


def _gstin(text: str) -> str:
    return text.strip().upper()


@approvals_app.command("list")
def list_proposals(
    gstin: Gstin,
    status: Annotated[str, typer.Option(help="awaiting, approved or sent_back")] = "awaiting",
    database_url: DatabaseUrl = None,
) -> None:
    """The GSTIN's proposals, newest first."""
    db = open_database(database_url)
    with _refusals(), db.uow(write=False) as uow:
        rows = approvals.queue(uow, _gstin(gstin), status)
    for r in rows:
        line = (
            f"{r['id']}\t{r['kind']}\t{r['items']} record(s)\tby {r['maker']}\t{r['day']:%d-%m-%Y}"
        )
        typer.echo(printable(line))


@approvals_app.command("show")
def show(proposal: int, gstin: Gstin, database_url: DatabaseUrl = None) -> None:
    """One proposal: who, what, its ITC effect and its stale records."""
    db = open_database(database_url)
    with _refusals(), db.uow(write=False) as uow:
        b = approvals.batch(uow, _gstin(gstin), proposal)
    typer.echo(
        printable(f"proposal {b.id} by {b.maker}: {b.kind} of {len(b.items)} record(s), {b.status}")
    )
    typer.echo(f"ITC effect {b.itc_effect}; stale {len(b.stale)}")
    for seq, item in enumerate(b.items):
        mark = "  stale" if seq in b.stale else ""
        typer.echo(printable(f"  {item.supplier} {item.number} -> {item.action.value}{mark}"))


@approvals_app.command("approve")
def approve(proposal: int, gstin: Gstin, user: User, database_url: DatabaseUrl = None) -> None:
    """Apply a proposal through SAVE (stale records refused, IMSSAV0010)."""
    db = open_database(database_url)
    with _refusals():
        who = principal(db, user)
        with db.transaction() as uow:
            d = approvals.approve(uow, who, _gstin(gstin), proposal)
    typer.echo(
        f"approved proposal {d.proposal_id}: {d.applied} applied (reference {d.reference_id}), "
        f"{d.stale} stale, {d.refused} refused"
    )


@approvals_app.command("send-back")
def send_back(
    proposal: int,
    gstin: Gstin,
    user: User,
    comment: Annotated[str, typer.Option(help="Why it goes back")],
    database_url: DatabaseUrl = None,
) -> None:
    """Send a proposal back to its maker with a comment."""
    db = open_database(database_url)
    with _refusals():
        who = principal(db, user)
        with db.transaction() as uow:
            approvals.send_back(uow, who, _gstin(gstin), proposal, comment)
    typer.echo(f"proposal {proposal} sent back")


def maker_checker(
    state: Annotated[str, typer.Argument(help="on or off")],
    gstin: Gstin,
    user: User,
    database_url: DatabaseUrl = None,
) -> None:
    """Turn maker-checker on or off for a GSTIN (an admin of it)."""
    if state not in ("on", "off"):
        raise typer.BadParameter("on or off", param_hint="STATE")
    db = open_database(database_url)
    with _refusals():
        who = principal(db, user)
        with db.transaction() as uow:
            approvals.set_maker_checker(uow, who, _gstin(gstin), state == "on")
    typer.echo(f"maker-checker is {state} for {_gstin(gstin)}")
