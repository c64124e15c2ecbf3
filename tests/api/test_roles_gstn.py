"""Maker-checker through GSTN's own protocol (issue 17): a preparer's SAVE, encrypted and
signed as a GSP sends it, answers a reference whose REQSTS says "awaiting approval" (GSTN's
`IP`, so a GSTN client keeps polling); once another approver approves it, REQSTS says `P`."""

from __future__ import annotations

import pytest
from tests.api.test_roles import R, _settings, team  # noqa: F401 - the world, as a fixture
from tests.api.wire import act, ok, refused


@pytest.fixture(scope="module")
def protocol() -> str:
    return "gstn"


def test_a_preparers_gstn_save_awaits_approval_then_applies(team) -> None:  # noqa: F811
    ok(_settings(team["admin"], True))
    records = ok(team["approver"].getinv())["b2b"]
    saved = ok(team["preparer"].save(b2b=[act(r, "A") for r in records[:3]]))
    status = ok(team["preparer"].reqsts(saved["reference_id"]))
    assert (status["status_cd"], status["status_desc"]) == ("IP", "awaiting approval")
    assert {r["action"] for r in ok(team["approver"].getinv())["b2b"]} == {"N"}
    refused(team["viewer"].save(b2b=[act(records[3], "A")]), 403, "GSTIMS403")
    sandbox = team["admin"].sandbox
    approve = f"/gstims/v1/proposals/{saved['proposal_id']}/approve"
    done = ok(sandbox.request("POST", approve, headers=team["approver"].headers))
    assert done["applied"] == 3
    assert ok(team["preparer"].reqsts(saved["reference_id"]))["status_cd"] == "P"
    assert team["preparer"].gstin == R
