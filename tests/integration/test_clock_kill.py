"""A crash in the middle of the 14th (issue 13): `gstims clock set` is killed with SIGKILL
after some batches of 2B drafts are committed; what was committed stays whole and consistent,
and the same command run again drafts the rest, each taxpayer's 2B exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import sqlalchemy as sa
from tests.integration.clock_checks import (
    THE_14TH,
    drafted_2bs,
    gstins,
    network,
    results,
    run_row,
)

from gstims.domain.clock import Event

DRAFTS = Event.GSTR2B_DRAFTS.value
BATCH = 5


def clock_set(db, *, pause_ms: int | None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GSTIMS_")}
    if pause_ms:
        env["GSTIMS_CLOCK_PAUSE_MS"] = str(pause_ms)  # time to be killed between the batches
    command = [sys.executable, "-m", "gstims.cli", "clock", "set", "14-10-2025"]
    command += ["--batch", str(BATCH), "--database-url", db.url]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_clock_killed_mid_14th_keeps_its_committed_drafts_and_a_rerun_drafts_the_rest_once(db):
    """Rule: R-2B-1, R-CLK — SIGKILL after 3+ batches: the drafts committed are whole, the
    event is not finished; the re-run finishes it, every 2B drafted exactly once."""
    network(db)
    everyone = gstins(db)
    process = clock_set(db, pause_ms=300)
    try:
        deadline = time.monotonic() + 300
        while len(results(db, DRAFTS)) < 3 * BATCH:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no batch was committed in time"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()  # waits, and closes the pipes
    assert process.returncode == -signal.SIGKILL
    committed = results(db, DRAFTS)
    assert 3 * BATCH <= len(committed) < len(everyone)  # killed mid-way
    assert drafted_2bs(db) == {g: 1 for _, g, *_ in committed}  # each whole, and only those
    assert run_row(db, THE_14TH, DRAFTS)[0] is False

    again = clock_set(db, pause_ms=None)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err.decode()
    assert "60 GSTR-2B drafted" in out.decode()
    assert drafted_2bs(db) == dict.fromkeys(everyone, 1)
    assert [r[1] for r in results(db, DRAFTS)] == everyone
    assert set(committed) <= set(results(db, DRAFTS))  # the committed ones untouched
    assert run_row(db, THE_14TH, DRAFTS) == (True, {"drafted": 60}, "60 GSTR-2B drafted")
    with db.engine.connect() as conn:
        today = conn.execute(sa.text("SELECT today FROM clock")).scalar()
    assert str(today)[:10] == "2025-10-14"
