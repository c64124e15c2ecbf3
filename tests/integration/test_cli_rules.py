"""`gstims rules import|export|dry-run|apply` and `gstims follow-up` end to end (issue 17)."""

import json

from openpyxl import load_workbook
from tests.conftest import sqlite_database
from tests.integration.harness import S1, R, doc, supplier_and_recipient
from typer.testing import CliRunner

from gstims.cli import app
from gstims.services import taxpayers

runner = CliRunner()
RULES = {"rules": [{"name": "hold s1", "when": {"suppliers": [S1]}, "action": "P"}]}


def test_rules_import_export_dry_run_apply_and_follow_up_from_the_command_line(tmp_path):
    db = sqlite_database(tmp_path)
    box = supplier_and_recipient(db)
    box.save(S1, "102024", doc("INV-1", "10-10-2024"), doc("INV-2", "11-10-2024"))
    box.file(S1, "102024")
    url = ["--database-url", db.url]
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(RULES))

    imported = runner.invoke(app, ["rules", "import", str(rules), "--gstin", R, *url])
    assert imported.exit_code == 0, imported.output
    exported = runner.invoke(app, ["rules", "export", "--gstin", R, *url])
    assert json.loads(exported.stdout)["rules"][0]["name"] == "hold s1"

    dry = runner.invoke(app, ["rules", "dry-run", "--gstin", R, *url])
    assert "2 record(s) would change; nothing saved" in dry.stdout
    assert {r.state.action.value for r in box.ims()} == {"N"}
    with db.transaction() as uow:  # a named --user acts with their role (ADR 19)
        taxpayers.create_user(uow, "asha", [R], "correct horse battery", role="approver")
    applied = runner.invoke(app, ["rules", "apply", "--gstin", R, "--user", "asha", *url])
    assert "2 changed, 0 refused" in applied.stdout, applied.output
    assert {r.state.action.value for r in box.ims()} == {"P"}

    book = tmp_path / "follow-up.xlsx"
    out = tmp_path / "messages"
    followed = runner.invoke(
        app, ["follow-up", "--gstin", R, "--excel", str(book), "--messages", str(out), *url]
    )
    assert followed.exit_code == 0, followed.output
    assert f"ITC at risk for {R}: 3600.00" in followed.stdout
    wb = load_workbook(book, read_only=True)
    try:
        assert wb.sheetnames == ["Summary", S1]
    finally:
        wb.close()
    assert "Kept pending by us:" in (out / f"{S1}.txt").read_text()

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"rules": [{"name": "x", "action": "A", "when": {"pans": ["1"]}}]}))
    refused = runner.invoke(app, ["rules", "import", str(bad), "--gstin", R, *url])
    assert refused.exit_code == 2
    assert "rule 1 x when.pans[1]: not a PAN" in refused.output
