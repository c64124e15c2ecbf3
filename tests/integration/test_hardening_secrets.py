"""Issue 14 item 16, secrets hygiene: what gstims keeps, prints and logs."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.api.conftest import free_port
from typer.testing import CliRunner

from gstims.api.settings import MIN_ADMIN_TOKEN, Settings
from gstims.cli import ADMIN_TOKEN_FILE, app
from gstims.services.errors import Invalid
from gstims.services.taxpayers import create_user
from gstims.store.db import Database
from gstims.store.tables import security_log, users


@pytest.mark.parametrize("name", ["ca\u2010firm", "ca\u200bfirm", "ca firm", "cа-firm"])
def test_a_user_name_that_could_pass_for_another_is_refused(db, name):
    """Issue 14 item 16: U+2010, U+200B, a space or a Cyrillic а cannot spoof `ca-firm`."""
    with db.transaction() as uow:
        create_user(uow, "ca-firm", [])
    with pytest.raises(Invalid) as refused, db.uow() as uow:
        create_user(uow, name, [])
    assert [p.field for p in refused.value.problems] == ["name"]


def test_a_database_error_never_carries_the_values_of_its_statement(db):
    """Issue 14 item 16: errors (and the logs that print them) hide SQL parameters."""
    secret = "f" * 64
    row = {"name": "twice", "token_hash": secret, "is_admin": False}
    with db.engine.begin() as conn:
        conn.execute(sa.insert(users).values(row))
    with pytest.raises(sa.exc.IntegrityError) as failed, db.engine.begin() as conn:
        conn.execute(sa.insert(users).values(row))
    assert secret not in str(failed.value)


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path):
    """Issue 14 item 16: the SQLite file (and its WAL) is not world-readable."""
    db = Database(f"sqlite:///{tmp_path / 'private.db'}")
    db.migrate()
    db.dispose()
    for made in tmp_path.glob("private.db*"):
        assert stat.S_IMODE(made.stat().st_mode) & 0o077 == 0, made


def test_an_admin_token_shorter_than_the_minimum_is_refused():
    """Issue 14 item 16: a one-character admin token was accepted."""
    with pytest.raises(ValueError, match=f"at least {MIN_ADMIN_TOKEN}"):
        Settings(admin_token="a")
    refused = CliRunner().invoke(app, ["serve", "--sandbox"], env={"GSTIMS_ADMIN_TOKEN": "a"})
    assert refused.exit_code == 2
    assert "Traceback" not in refused.output


def test_serve_sandbox_keeps_a_generated_admin_token_in_a_private_file_not_on_the_terminal(
    tmp_path,
):
    """Issue 14 item 16: `serve --sandbox` printed the token; now a 0600 file holds it."""
    env = {k: v for k, v in os.environ.items() if k != "GSTIMS_ADMIN_TOKEN"}
    args = [sys.executable, "-m", "gstims.cli", "serve", "--sandbox", "--port", str(free_port())]
    args += ["--database-url", f"sqlite:///{tmp_path / 'g.db'}"]
    log = tmp_path / "out.log"
    with log.open("wb") as out:
        server = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=out, stderr=out)
    try:
        kept = tmp_path / ADMIN_TOKEN_FILE
        deadline = time.monotonic() + 60
        while "serving on" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        token = kept.read_text().strip()
        assert len(token) >= MIN_ADMIN_TOKEN
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert token not in log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_the_kept_admin_token_is_never_committed():
    """Issue 14 item 16: `gstims serve --sandbox` keeps its token in the working directory, so
    the repository ignores that file and does not track it (a merge once committed one)."""
    root = Path(__file__).resolve().parents[2]
    ignored = (root / ".gitignore").read_text(encoding="utf-8").split()
    assert f"/{ADMIN_TOKEN_FILE}" in ignored or ADMIN_TOKEN_FILE in ignored
    if (root / ".git").exists():
        tracked = subprocess.run(
            ["git", "ls-files", "--", ADMIN_TOKEN_FILE, "gstn-keys"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        assert tracked.stdout == ""


def test_gstims_users_issues_lists_rotates_and_revokes_tokens(db):
    """Issue 14 item 9 through the CLI: tokens never shown again, only ids and states."""
    with db.transaction() as uow:
        create_user(uow, "ops-ca", [])
    where = ("--database-url", db.url)

    def run(*args: str) -> str:
        result = CliRunner().invoke(app, ["users", *args, *where])
        assert result.exit_code == 0, result.output
        return result.output

    issued = run("token", "ops-ca", "--scope", "read", "--days", "7")
    token_id = issued.split()[1]
    token = issued.rsplit("auth-token: ", 1)[1].strip()
    rotated = run("token", "ops-ca", "--rotate", token_id)
    run("revoke", rotated.split()[1])
    listing = run("tokens", "ops-ca")
    assert token not in listing
    assert [line.split("\t")[-1] for line in listing.splitlines()] == ["live", "revoked", "revoked"]
    run("remove", "ops-ca")
    with db.engine.connect() as conn:
        events = conn.execute(sa.select(security_log.c.event).order_by(security_log.c.id))
        assert list(events.scalars()) == [
            "user.created",
            "token.issued",
            "token.issued",
            "token.revoked",
            "token.rotated",
            "token.revoked",
            "user.removed",
        ]
