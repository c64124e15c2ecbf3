"""`gstims clock set --batch` and `gstims clock results` over many taxpayers (issue 13)."""

from __future__ import annotations

import re

import pytest
from tests.integration.clock_checks import drafted_2bs, gstins, network
from typer.testing import CliRunner

from gstims.cli import app

runner = CliRunner()


def test_r_clk_the_cli_moves_the_clock_in_batches_and_pages_the_results(db):
    """Rule: R-2B-1, R-CLK — 60 drafts in batches of 9; the results 50 then 10, by --after."""
    network(db)
    url = ["--database-url", db.url]
    moved = runner.invoke(app, ["clock", "set", "14-10-2025", "--batch", "9", *url])
    assert moved.exit_code == 0, moved.output
    assert "60 GSTR-2B drafted" in moved.output
    assert drafted_2bs(db) == dict.fromkeys(gstins(db), 1)

    wide = {"COLUMNS": "200"}
    first = runner.invoke(
        app, ["clock", "results", "--event", "gstr2b_drafts", "--limit", "50", *url], env=wide
    )
    assert first.exit_code == 0, first.output
    (after,) = re.findall(r"next: --after (\S+)", first.output)
    rest = runner.invoke(app, ["clock", "results", "--after", after, *url], env=wide)
    assert rest.exit_code == 0, rest.output
    table = [line for line in (first.output + rest.output).splitlines() if "next:" not in line]
    listed = re.findall(r"\b\d{2}[A-Z0-9]{13}\b", "\n".join(table))
    assert listed == gstins(db)
    assert "next:" not in rest.output


@pytest.mark.parametrize("args", [["--event", "nope"], ["--after", "x/y"], ["--day", "1-2"]])
def test_a_bad_clock_results_option_is_refused_by_name(tmp_path, args):
    got = runner.invoke(app, ["clock", "results", *args, "--database-url", "sqlite://"])
    assert got.exit_code == 2
    assert args[0] in got.output
