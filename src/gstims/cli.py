"""The `gstims` command: serve, demo, generate, the database, users, taxpayers, the clock, files.

The file commands (`import`, `export`, `compare-2b`) live in `gstims.cli_files`.

Every command opens the database named by `--database-url` (default `$GSTIMS_DATABASE_URL`,
else `./gstims.db`) and calls the use cases. A refusal or a bad argument is printed as ONE
red line naming the problem and the fix, with exit code 2 — never a traceback:

    $ gstims clock set 31-02-2025
    error: Invalid value for DAY: '31-02-2025' is not a date: write it dd-mm-yyyy, e.g.
    14-11-2025 (see 'gstims clock set --help')

(one line on the terminal; wrapped here). Programming errors still show their traceback.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from typer.core import TyperGroup

from gstims import cli_books, cli_files, cli_rules, cli_teams
from gstims.domain.calendar import Frequency, Period
from gstims.domain.roles import Role
from gstims.services.errors import Invalid, NotFound, ServiceError
from gstims.settings import environment
from gstims.store.db import Database
from gstims.store.db import database_url as resolve_url

try:  # typer >= 0.2x vendors click; earlier versions raise click's own exceptions
    from typer import TyperException as UsageProblem
except ImportError:  # pragma: no cover
    from click import ClickException as UsageProblem  # type: ignore[assignment]

USAGE_EXIT = 2


class CliError(Exception):
    """A problem the user can fix: the message says what is wrong and what to do."""


class GstimsGroup(TyperGroup):
    """Turns every known failure into one red line (exit 2) instead of a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            environment.cache_clear()  # each command reads the environment it was started in
            environment()  # a bad GSTIMS_* variable stops every command, not only its readers
            return super().invoke(ctx)
        except (CliError, ServiceError, ValueError, OSError, SQLAlchemyError) as exc:
            _fail(_explain(exc))
        finally:
            cli_files.close_databases()

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False  # we turn what click would print into one red line
        if not standalone_mode:
            return super().main(*args, **kwargs)
        try:
            code = super().main(*args, **kwargs)
        except typer.Abort:
            _fail("interrupted")
        except UsageProblem as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help, as --help
                if help_text := exc.format_message().strip():  # rich help is already printed
                    typer.echo(help_text)
                sys.exit(0)
            _fail(_usage_line(exc), exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int = USAGE_EXIT) -> None:
    typer.secho(f"error: {' '.join(message.split())}", fg="red", err=True)
    sys.exit(code)


def _usage_line(exc: UsageProblem) -> str:
    message = exc.format_message().rstrip(".")
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "gstims"
    return f"{message} (see '{where} --help')"


def _explain(exc: Exception) -> str:
    if isinstance(exc, Invalid):
        first = exc.problems[0] if exc.problems else None
        detail = f"{first.number} {first.field}: {first.message}" if first else exc.message
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        fix = (
            "register it first with 'gstims taxpayers add'"
            if "not registered" in detail
            else "correct it and run the command again"
        )
        return f"{detail}{more}; {fix}"
    if isinstance(exc, NotFound) and "not registered" in exc.message:
        return f"{exc.message}: register it first with 'gstims taxpayers add'"
    if isinstance(exc, ServiceError):
        return f"{exc.message} ({exc.code})"
    if isinstance(exc, FileNotFoundError):
        return f"no file {exc.filename}: check the path"
    if isinstance(exc, OSError):
        return f"cannot use {exc.filename or 'a file'}: {exc.strerror or exc}; check the path and its permissions"
    if isinstance(exc, SQLAlchemyError):
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return f"the database failed: {reason}; check --database-url (or run 'gstims db upgrade')"
    return str(exc)


app = typer.Typer(
    name="gstims",
    cls=GstimsGroup,
    help="gstims: India's GST Invoice Management System (IMS), GSTR-2B and GSTR-3B as tested code.\n\n"
    "Start with 'gstims demo' (a living demo network at http://127.0.0.1:8000/).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database administration.", no_args_is_help=True)
users_app = typer.Typer(help="Users, their GSTINs and API tokens.", no_args_is_help=True)
taxpayers_app = typer.Typer(help="Registered taxpayers.", no_args_is_help=True)
clock_app = typer.Typer(help="The sandbox clock and its daily events.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(taxpayers_app, name="taxpayers")
app.add_typer(clock_app, name="clock")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL, e.g. sqlite:///gstims.db or postgresql+psycopg://user@host/db; "
        "default $GSTIMS_DATABASE_URL, else ./gstims.db",
        show_default=False,
    ),
]
Host = Annotated[str, typer.Option(help="Address to listen on")]
Port = Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)]


def _console() -> Console:
    return Console(highlight=False)


def _day(text: str | None, what: str = "date", hint: str | None = None) -> date | None:
    return None if text is None else _date(text, what, hint)


def _date(text: str, what: str = "date", hint: str | None = None) -> date:
    try:
        return datetime.strptime(text, "%d-%m-%Y").date()
    except ValueError as exc:
        raise typer.BadParameter(
            f"{text!r} is not a {what}: write it dd-mm-yyyy, e.g. 14-11-2025", param_hint=hint
        ) from exc


def _period(text: str, hint: str = "--period") -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        message = f"{exc}; write it MMYYYY, e.g. 102025 for October 2025"
        raise typer.BadParameter(message, param_hint=hint) from exc


def _sqlite_path(url: str) -> Path | None:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise CliError(
            f"{url!r} is not a database URL: write e.g. sqlite:///gstims.db or "
            "postgresql+psycopg://user@host/db"
        ) from exc
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def _open(url: str | None, *, migrate: bool = True) -> Database:
    """The database, migrated; a SQLite file's directory must exist."""
    resolved = resolve_url(url)
    path = _sqlite_path(resolved)
    if path is not None and not path.parent.exists():
        raise CliError(
            f"the directory {path.parent} of the database does not exist: create it or pass "
            "another --database-url"
        )
    db = cli_files.open_database(resolved)
    if migrate:
        db.migrate()
    return db


# -- serve and demo ------------------------------------------------------------------------------


@app.command()
def serve(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    database_url: DatabaseUrl = None,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Enable the sandbox API (taxpayers, clock, feeds)")
    ] = False,
    today: Annotated[
        str | None,
        typer.Option(help="A fresh sandbox's first day, dd-mm-yyyy (default 01-10-2024)"),
    ] = None,
) -> None:
    """Serve the API and the dashboard (pending migrations are applied on start)."""
    from gstims.api.settings import Settings

    settings = Settings(
        database_url=database_url, sandbox=sandbox, start_date=_day(today, hint="--today")
    )
    db = _open(database_url)
    if sandbox and environment().admin_token is None:
        # never on the terminal (or a log that captures it): a file only its owner reads
        kept = _private_file(Path(ADMIN_TOKEN_FILE), settings.admin_token + "\n")
        typer.echo(f"sandbox admin token written to {kept} (readable by you only)")
    _serve(settings, db, host, port)


ADMIN_TOKEN_FILE = "gstims-admin-token"


def _private_file(path: Path, text: str) -> Path:
    """`text` in a file of mode 0600, replacing any earlier one."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text)
    return path.resolve()


def _serve(settings: Any, db: Database, host: str, port: int) -> None:
    import uvicorn

    from gstims.api.app import create_app
    from gstims.gstn.announce import certificate_lines
    from gstims.gstn.keys import key_directory

    _require_free(host, port)
    application = create_app(settings, db)
    typer.echo(f"serving on http://{host}:{port}/ (API docs at /docs); Ctrl+C stops")
    for line in certificate_lines(
        f"http://{host}:{port}", key_directory(settings.gstn.key_dir), settings.gstn
    ):
        typer.echo(line)
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def demo(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    database_url: DatabaseUrl = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Delete an existing SQLite demo database first")
    ] = False,
    build_only: Annotated[
        bool, typer.Option("--build-only", help="Build the demo network, do not serve it")
    ] = False,
) -> None:
    """Build the demo network (once) and serve it in sandbox mode, printing the URL and logins.

    About 30 suppliers and 5 recipients file month by month from October 2024 to January 2026:
    invoices, notes, amendments, e-commerce, reverse charge, imports, ISD, IMS actions,
    GSTR-2Bs and GSTR-3Bs. A database that already holds the demo is served as it is.
    """
    from gstims.api.settings import Settings
    from gstims.demo import network

    url = resolve_url(database_url)
    if not build_only:
        _require_free(host, port)  # before a half-minute build, not after
    if fresh:
        _delete_sqlite(url)
    db = _open(url)
    summary = None
    if not network.is_built(db):
        _require_empty(db, url)
        summary = _build_with_progress(db)
    settings = Settings(database_url=url, sandbox=True)
    _print_demo(host, port, settings.admin_token, summary)
    if settings.gstn.enabled:
        from gstims.gstn.announce import demo_client_lines

        username = (summary.logins if summary is not None else network.logins())[0].name
        fixed_otp = not settings.gstn.random_otp
        for line in demo_client_lines(db, f"http://{host}:{port}", username, fixed_otp):
            typer.echo(line)
    if not build_only:
        _serve(settings, db, host, port)


def _require_free(host: str, port: int) -> None:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CliError(
                f"cannot listen on {host}:{port} ({exc.strerror}): stop what uses it or pass "
                f"--port {port + 1}"
            ) from exc


def _delete_sqlite(url: str) -> None:
    path = _sqlite_path(url)
    if path is None:
        raise CliError(
            "--fresh deletes only a SQLite demo file: drop the other database yourself, or leave "
            "out --fresh"
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _require_empty(db: Database, url: str) -> None:
    if db.holds_taxpayers():
        raise CliError(
            f"the database at {url} holds other data (or an unfinished demo): run "
            "'gstims demo --fresh' to replace it, or pass another --database-url"
        )


def _build_with_progress(db: Database) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from gstims.demo.network import build_demo

    columns = (TextColumn("{task.description:<34}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=_console(), transient=False) as bar:
        task = bar.add_task("building the demo network", total=None)

        def progress(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=label)

        summary = build_demo(db, progress)
        bar.update(task, description="demo network built")
    return summary


def _print_demo(host: str, port: int, admin_token: str, summary: Any) -> None:
    from gstims.demo.network import logins

    console = _console()
    if summary is not None:
        console.print(
            f"[green]Built[/] {summary.taxpayers} taxpayers, {summary.documents:,} documents in "
            f"{summary.seconds:.0f} s; the sandbox clock stands at {summary.today:%d-%m-%Y}."
        )
    table = Table(title="Demo logins (web dashboard)", title_justify="left")
    for column in ("login", "password", "who", "GSTINs"):
        table.add_column(column)
    for login in summary.logins if summary is not None else logins():
        table.add_row(login.name, login.password, login.role, " ".join(login.gstins))
    console.print(table)
    if summary is not None:
        tokens = Table(title="API tokens (shown once)", title_justify="left")
        tokens.add_column("login")
        tokens.add_column("auth-token")
        for login in summary.logins:
            tokens.add_row(login.name, login.token)
        console.print(tokens)
    else:
        console.print(
            "API tokens were shown when the demo was built; 'gstims users create' makes more."
        )
    console.print(
        f"Dashboard:   [bold]http://{host}:{port}/[/]   API docs: http://{host}:{port}/docs"
    )
    console.print(f"Admin token: {admin_token}   (header admin-token, for /sandbox/v1)")
    console.print(
        "Look first at: sahyadri's IMS (Filed and Not Filed records, pending credit notes, "
        "amendments) and its January 2026 GSTR-2B and GSTR-3B; indus's GSTR-2B for January 2026 "
        "(blocked: its December GSTR-3B is unfiled); mehta-ca's five clients on one page."
    )


# -- generate ------------------------------------------------------------------------------------


@app.command()
def generate(
    records: Annotated[int, typer.Option("--records", help="How many records", min=1)] = 100_000,
    recipients: Annotated[
        int, typer.Option("--recipients", help="How many recipients share them", min=1)
    ] = 10,
    suppliers: Annotated[
        int, typer.Option("--suppliers", help="How many suppliers file them", min=1)
    ] = 100,
    period: Annotated[
        str, typer.Option("--period", help="The GSTR-1 period, MMYYYY (e.g. 102025)")
    ] = "102025",
    database_url: DatabaseUrl = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data)")] = 1,
) -> None:
    """Generate realistic filed GSTR-1 records straight into the database, for benchmarks.

    Taxpayers are registered as needed; each supplier's GSTR-1 (or IFF) for the period is
    saved and filed in one transaction, and the clock is moved to the filing day.
    """
    from gstims.demo.generate import Plan, generate_filings

    plan = Plan(records, recipients, suppliers, _period(period), seed)
    db = _open(database_url)
    console = _console()
    with console.status(f"generating {records:,} records for {plan.period}..."):
        result = generate_filings(db, plan)
    console.print(
        f"{result.records:,} records from {result.suppliers} suppliers to {result.recipients} "
        f"recipients, filed on {result.filed_on:%d-%m-%Y}: {result.seconds:.2f} s, "
        f"[bold]{result.rate:,.0f} records/s[/] (taxpayers registered in {result.setup_seconds:.1f} s)"
    )


# -- database ------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Apply pending schema migrations."""
    db = _open(database_url)
    typer.echo(f"database at {db.url} is up to date")


# -- users and taxpayers ------------------------------------------------------------------------


@users_app.command("create")
def users_create(
    name: Annotated[str, typer.Argument(help="The login name, e.g. mehta-ca")],
    gstin: Annotated[
        list[str], typer.Option("--gstin", help="A GSTIN the user may act for; repeat for more")
    ],
    password: Annotated[
        bool,
        typer.Option(
            "--password",
            help="Ask for a password for the web login (typed, never on the command line; "
            "or from $GSTIMS_NEW_PASSWORD). Without it: API token only",
        ),
    ] = False,
    admin: Annotated[bool, typer.Option("--admin", help="Make the user an administrator")] = False,
    role: Annotated[Role, typer.Option(help="viewer, preparer, approver or admin")] = Role.APPROVER,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a user granted GSTINs (each with --role) and print its API token (shown once)."""
    from gstims.services.taxpayers import create_user

    secret = None
    if password:  # issue 14 item 16: a password on argv is in `ps` and the shell's history
        secret = environment().new_password or typer.prompt(
            "Password", hide_input=True, confirmation_prompt=True
        )
    db = _open(database_url)
    with db.transaction() as uow:
        gstins = [g.strip().upper() for g in gstin]
        made = create_user(uow, name, gstins, secret, is_admin=admin, role=role)
    typer.echo(f"user {made.name} created; auth-token: {made.token}")


@users_app.command("token")
def users_token(
    name: Annotated[str, typer.Argument(help="The user")],
    scope: Annotated[str, typer.Option(help="read (GET calls only) or write")] = "write",
    days: Annotated[int | None, typer.Option(help="Days until it expires (none: never)")] = None,
    rotate: Annotated[
        int | None, typer.Option(help="Replace this token id (revoked) instead")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Issue a new API token of a user, or rotate one (printed once)."""
    from gstims.services import tokens

    with _open(database_url).uow() as uow:
        if rotate is not None:
            made = tokens.rotate_token(uow, rotate, days=days, actor=CLI_ACTOR)
        else:
            made = tokens.issue_token(uow, name, scope, days=days, actor=CLI_ACTOR)
        uow.commit()
    until = f"until {made.expires_at:%d-%m-%Y %H:%M} UTC" if made.expires_at else "no expiry"
    typer.echo(f"token {made.id} of {made.user} ({made.scope}, {until}); auth-token: {made.token}")


@users_app.command("tokens")
def users_tokens(name: Annotated[str, typer.Argument()], database_url: DatabaseUrl = None) -> None:
    """List a user's tokens (never the tokens themselves)."""
    from gstims.services import tokens

    with _open(database_url).uow(write=False) as uow:
        found = tokens.tokens_of(uow, name)
    for t in found:
        state = "revoked" if t.revoked_at else "live"
        until = f"{t.expires_at:%d-%m-%Y %H:%M}" if t.expires_at else "never"
        typer.echo(
            f"{t.id}\t{t.scope}\tmade {t.created_at:%d-%m-%Y %H:%M}\texpires {until}\t{state}"
        )


@users_app.command("revoke")
def users_revoke(
    token_id: Annotated[int, typer.Argument(help="The token id (see `users tokens`)")],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a token at once."""
    _security_change(database_url, "revoke_token", token_id)
    typer.echo(f"token {token_id} revoked")


@users_app.command("grant")
def users_grant(
    name: Annotated[str, typer.Argument()],
    gstin: Annotated[str, typer.Argument()],
    role: Annotated[Role, typer.Option(help="viewer, preparer, approver or admin")] = Role.APPROVER,
    database_url: DatabaseUrl = None,
) -> None:
    """Grant a GSTIN to a user with a role (granting a held GSTIN changes its role)."""
    _security_change(database_url, "grant", name, gstin.strip().upper(), role=role)
    typer.echo(f"{name} may now act for {gstin.strip().upper()} as {role.value}")


@users_app.command("withdraw")
def users_withdraw(
    name: Annotated[str, typer.Argument()],
    gstin: Annotated[str, typer.Argument()],
    database_url: DatabaseUrl = None,
) -> None:
    """Withdraw a GSTIN from a user (takes effect at the next request)."""
    _security_change(database_url, "withdraw_grant", name, gstin.strip().upper())
    typer.echo(f"{name} may no longer act for {gstin.strip().upper()}")


@users_app.command("remove")
def users_remove(name: Annotated[str, typer.Argument()], database_url: DatabaseUrl = None) -> None:
    """Remove a user: every token revoked, every session ended, every grant withdrawn."""
    _security_change(database_url, "remove_user", name)
    typer.echo(f"user {name} removed")


CLI_ACTOR = "cli"


def _security_change(database_url: str | None, use_case: str, *args: Any, **kw: Any) -> None:
    from gstims.services import tokens

    with _open(database_url).uow() as uow:
        getattr(tokens, use_case)(uow, *args, actor=CLI_ACTOR, **kw)
        uow.commit()


@taxpayers_app.command("add")
def taxpayers_add(
    gstin: Annotated[str, typer.Argument(help="The GSTIN, e.g. 27AAPFU0939F1ZV")],
    name: Annotated[str, typer.Option("--name", help="Legal name")],
    frequency: Annotated[
        str, typer.Option("--frequency", help="M (monthly) or Q (quarterly, QRMP)")
    ] = "M",
    registered: Annotated[
        str | None,
        typer.Option(help="Registration date dd-mm-yyyy; obligations start with its period"),
    ] = None,
    trade_name: Annotated[str | None, typer.Option(help="Trade name, if different")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Register a taxpayer."""
    from gstims.services.taxpayers import register_taxpayer

    if frequency.upper() not in ("M", "Q"):
        raise typer.BadParameter(f"{frequency!r}: write M (monthly) or Q (quarterly)")
    on = _day(registered, "registration date", "--registered")
    db = _open(database_url)
    with db.transaction() as uow:
        day = register_taxpayer(
            uow, gstin.strip().upper(), name, Frequency(frequency.upper()), on, trade_name
        )
    typer.echo(f"taxpayer {gstin.strip().upper()} registered on {day:%d-%m-%Y}")


# -- the clock -----------------------------------------------------------------------------------


@clock_app.command("show")
def clock_show(database_url: DatabaseUrl = None) -> None:
    """Print the sandbox clock's today."""
    db = _open(database_url)
    with db.uow(write=False) as uow:
        typer.echo(f"{uow.today():%d-%m-%Y}")


@clock_app.command("set")
def clock_set(
    day: Annotated[str, typer.Argument(help="The new today, dd-mm-yyyy (forward only)")],
    batch: Annotated[
        int | None,
        typer.Option(
            help="Taxpayers per transaction (default $GSTIMS_CLOCK_BATCH, else 500)",
            min=1,
            max=100_000,
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Move the clock forward, running every day's events on the way (2B drafts, expiries...).

    The events go through the taxpayers a batch at a time, each batch committed: stopped half
    way, the same command (or a later day) finishes the rest, each 2B drafted once."""
    from gstims.services.clock import move_clock

    target = _date(day, hint="DAY")
    db = _open(database_url)
    console = _console()
    with console.status(f"moving the clock to {target:%d-%m-%Y}..."):
        runs = move_clock(db.transaction, target, batch=batch)
    table = Table(title=f"Events up to {target:%d-%m-%Y}", title_justify="left")
    for column in ("day", "event", "what happened"):
        table.add_column(column)
    for run in runs:
        table.add_row(f"{run.day:%d-%m-%Y}", run.event.value, run.summary)
    console.print(table if runs else f"today is {target:%d-%m-%Y}; no event had anything to do")


@clock_app.command("results")
def clock_results(
    on: Annotated[str | None, typer.Option("--day", help="Only this day, dd-mm-yyyy")] = None,
    event: Annotated[
        str | None,
        typer.Option(help="Only this event: pending_expiry, time_bar, rule_37a, gstr2b_drafts"),
    ] = None,
    gstin: Annotated[str | None, typer.Option(help="Only this taxpayer")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows", min=1, max=1000)] = 100,
    after: Annotated[
        str | None, typer.Option(help="Continue after this dd-mm-yyyy/event/GSTIN (a `next`)")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """What the clock's events did to each taxpayer (a 2B drafted, records expired...), paged."""
    from gstims.domain.clock import Event
    from gstims.services.clock import results

    events = [e.value for e in Event]
    if event is not None and event not in events:
        raise typer.BadParameter(f"expected one of {', '.join(events)}", param_hint="--event")
    key = None
    if after is not None:
        parts = after.split("/")
        if len(parts) != 3 or parts[1] not in events:
            raise typer.BadParameter("write it dd-mm-yyyy/event/GSTIN", param_hint="--after")
        key = (_date(parts[0], hint="--after"), parts[1], parts[2].upper())
    db = _open(database_url)
    with db.uow(write=False) as uow:
        rows = results(
            uow,
            day=_day(on, hint="--day"),
            event=Event(event) if event else None,
            gstin=gstin.strip().upper() if gstin else None,
            after=key,
            limit=limit,
        )
    table = Table(title="What the clock's events did", title_justify="left")
    for column in ("day", "event", "gstin", "outcome", "period", "count"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            f"{r['day']:%d-%m-%Y}",
            r["event"],
            r["gstin"],
            r["outcome"],
            r["period"] or "",
            str(r["count"]),
        )
    console = _console()
    console.print(table if rows else "no results")
    if len(rows) == limit:
        last = rows[-1]
        console.print(f"next: --after {last['day']:%d-%m-%Y}/{last['event']}/{last['gstin']}")


# -- files (gstims.cli_files) -------------------------------------------------------------------

app.add_typer(cli_files.import_app, name="import")
app.add_typer(cli_files.export_app, name="export")
app.command("compare-2b")(cli_files.compare_2b)
app.add_typer(cli_books.books_app, name="books")
app.add_typer(cli_books.reconcile_app, name="reconcile")
app.add_typer(cli_teams.approvals_app, name="approvals")
app.command("maker-checker")(cli_teams.maker_checker)
app.add_typer(cli_rules.rules_app, name="rules")
app.command("follow-up")(cli_rules.follow_up)


if __name__ == "__main__":
    app()
