"""`gstims books import`, `gstims reconcile` and `gstims reconcile apply [--dry-run]` end to end.

Rule: R-REC-22 (the CLI commands), R-REC-19 (dry run, then apply). With `--quiet` (and off a
terminal, as here) the progress bar is off and the commands print their results as ever.
"""

import json

from tests.conftest import sqlite_database
from tests.integration.harness import S1, R, doc, supplier_and_recipient
from typer.testing import CliRunner

from gstims.cli import app

runner = CliRunner()


def test_r_rec_22_import_reconcile_dry_run_and_apply_from_the_command_line(tmp_path):
    db = sqlite_database(tmp_path)
    box = supplier_and_recipient(db)
    box.save(S1, "102024", doc("INV-1", "10-10-2024"), doc("INV-2", "11-10-2024"))
    box.file(S1, "102024")
    url = ["--database-url", db.url]
    register = tmp_path / "register.csv"
    register.write_text(
        "GSTIN of supplier,Invoice No,Invoice Date,Taxable Value,IGST\n"
        f'{S1},INV/0001/24-25,10-10-2024,"10,000.00",1800\n'
    )
    imported = runner.invoke(app, ["books", "import", str(register), "--gstin", R, "--quiet", *url])
    assert imported.exit_code == 0, imported.output

    out = tmp_path / "run.json"
    ran = runner.invoke(
        app, ["reconcile", "--gstin", R, "--period", "102024", "--json", str(out), "-q", *url]
    )
    assert ran.exit_code == 0, ran.output
    assert "matched_number_format" in ran.stdout and "only_in_portal" in ran.stdout
    run = json.loads(out.read_text())
    outcomes = sorted(r["outcome"] for r in run["results"])
    assert outcomes == ["matched_number_format", "only_in_portal"]

    dry = runner.invoke(app, ["reconcile", "apply", str(run["id"]), "--dry-run", *url])
    assert dry.exit_code == 0, dry.output
    assert "nothing saved" in dry.stdout and "matched_number_format" in dry.stdout
    assert {r.state.action.value for r in box.ims()} == {"N"}

    applied = runner.invoke(app, ["reconcile", "apply", str(run["id"]), "--quiet", *url])
    assert applied.exit_code == 0, applied.output
    assert "2 changed, 0 refused" in applied.stdout
    assert {r.record.number: r.state.action.value for r in box.ims()} == {
        "INV-1": "A",
        "INV-2": "P",
    }


def test_a_run_without_gstin_or_period_says_what_it_needs(tmp_path):
    result = runner.invoke(app, ["reconcile", "--database-url", f"sqlite:///{tmp_path}/x.db"])
    assert result.exit_code == 2
    assert "--gstin and --period" in result.output
