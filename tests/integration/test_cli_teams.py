"""Roles and maker-checker from the command line (issue 17): `gstims users grant --role`,
`gstims maker-checker`, `gstims import actions --user` through the same guard, and
`gstims approvals` — a preparer's file becomes a proposal, the preparer cannot approve it,
an approver can (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.harness import S1, R, doc, supplier_and_recipient
from typer.testing import CliRunner

from gstims.cli import app
from gstims.codec import loads, to_json_bytes
from gstims.domain.records import Action


def cli(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def test_a_preparers_actions_file_awaits_an_approver_who_is_not_them(db, tmp_path):
    box = supplier_and_recipient(db)
    box.save(S1, "102024", doc("INV-1", "10-10-2024"), doc("INV-2", "11-10-2024"))
    box.file(S1, "102024")
    url = ("--database-url", db.url)
    for name, role in (("asha", "preparer"), ("ravi", "viewer"), ("boss", "admin")):
        assert cli("users", "create", name, "--gstin", R, "--role", role, *url)[0] == 0
    code, out = cli("users", "grant", "ravi", R, "--role", "approver", *url)
    assert code == 0 and "as approver" in out
    assert cli("maker-checker", "on", "--gstin", R, "--user", "asha", *url)[0] == 2
    assert cli("maker-checker", "on", "--gstin", R, "--user", "boss", *url)[0] == 0

    cli("export", "ims", tmp_path / "ims.json", "--gstin", R, *url)
    getinv = loads((tmp_path / "ims.json").read_bytes())
    for record in getinv["b2b"]:
        record.update(action="A")
    (tmp_path / "edited.json").write_bytes(to_json_bytes(getinv))
    code, out = cli(
        "import", "actions", tmp_path / "edited.json", "--gstin", R, "--user", "asha", *url
    )
    assert code == 0, out
    proposal = re.search(r"proposal (\d+) awaits", out)
    assert proposal is not None and {r.state.action for r in box.ims()} == {Action.NO_ACTION}

    where = (proposal.group(1), "--gstin", R, *url)
    code, out = cli("approvals", "approve", *where, "--user", "asha")
    assert code == 2 and "needs approver" in out
    code, out = cli("approvals", "approve", *where, "--user", "ravi")
    assert code == 0 and "2 applied" in out, out
    assert {r.state.action for r in box.ims()} == {Action.ACCEPT}
