"""Roles on every API call, over real HTTP on SQLite and PostgreSQL (issue 17, acceptance 1).

The route table: every route the app registers is classified — a capability
(`gstims.api.access.NEEDS`), the sandbox operator's (`admin-token`), or open — or the test
fails, so a new route cannot slip by. Then each classified API call is made by a viewer, a
preparer, an approver and an admin of R: a role without the capability gets 403 with the
envelope (`GSTIMS403`) and nothing changes; a role with it gets past the guard. Then
maker-checker over the wire: a preparer's SAVE answers a reference whose REQSTS says
"awaiting approval"; the preparer cannot approve it, nor can they once promoted (their own);
another approver approves it through SAVE.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.routing import Mount
from tests.api.wire import RETURNS, Sandbox, Taxpayer, act, b2b, invoice, ok, parse, refused

from gstims.api.access import NEEDS, dashboard
from gstims.api.app import create_app
from gstims.api.settings import Settings
from gstims.domain.roles import Role
from gstims.store.db import Database

S, R = "27AAPFU0939F1ZV", "29AABCR1718E1ZL"
OPEN = {  # no role: anyone, or a signed-in dashboard user for themself
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/logout/everywhere"),
    ("GET", "/home"),
    ("GET", "/docs"),
    ("GET", "/redoc"),
    ("GET", "/openapi.json"),
    ("GET", "/gstims/v1/gstn-certificate.pem"),
    ("GET", "/gstims/v1/gstn-certificate.der"),
    ("GET", "/gstims/v1/gstn-files/{token}/{part}"),  # a signed, expiring URL
}
OPERATOR = "/sandbox/v1/"  # every call below it needs the admin-token
PATH_VALUES = {"{run_id}": "1", "{proposal_id}": "1"}


def registered_routes(tmp_path) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves (FastAPI keeps included routers as
    branches: each is walked to the routes it serves)."""
    db = Database(f"sqlite:///{tmp_path / 'routes.db'}")
    app = create_app(Settings(database_url=db.url, sandbox=True), db)
    found = set()
    for route in app.routes:
        if isinstance(route, Mount):
            continue  # /static and the docs' assets: files, no GSTIN
        served = (
            route.effective_route_contexts()
            if hasattr(route, "effective_route_contexts")
            else [route]
        )
        for r in served:
            methods = getattr(getattr(r, "original_route", r), "methods", None) or ()
            found |= {(m, r.path) for m in methods if m != "HEAD"}
    db.dispose()
    return found


def unclassified(routes: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {r for r in routes if r not in NEEDS and r not in OPEN and not r[1].startswith(OPERATOR)}


def test_every_registered_route_is_classified(tmp_path) -> None:
    routes = registered_routes(tmp_path)
    assert unclassified(routes) == set(), "classify these in gstims/api/access.py"
    assert set(NEEDS) <= routes, f"classified but not served: {set(NEEDS) - routes}"


def test_the_route_check_catches_an_unclassified_route(tmp_path) -> None:
    sneaky = {("POST", "/gstims/v1/sneaky"), ("GET", "/g/{gstin}/sneaky")}
    assert unclassified(registered_routes(tmp_path) | sneaky) == sneaky


# -- over the wire ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def team(sandbox: Sandbox) -> dict[str, Taxpayer]:
    sandbox.register(S, name="Supplier S")
    sandbox.register(R, name="Recipient R")
    s = sandbox.taxpayer(S)
    sandbox.today("01-11-2024")
    invoices = [
        invoice(f"INV-{n}", "05-10-2024", pos="29", rate=18, taxable=100, iamt=18) for n in range(4)
    ]
    ok(s.retsave("102024", b2b=[b2b(R, *invoices)]))
    ok(s.retfile("102024"))
    people = {
        r.value: sandbox.taxpayer(R, sandbox.user(f"{r.value}-r", R, role=r.value)) for r in Role
    }
    people["approver-2"] = sandbox.taxpayer(R, sandbox.user("approver-2-r", R, role="approver"))
    return people


def _call(who: Taxpayer, method: str, path: str) -> Any:
    for name, value in PATH_VALUES.items():
        path = path.replace(name, value)
    if path.startswith("/taxpayerapi/v1.0/returns"):
        path = RETURNS + path[len("/taxpayerapi/v1.0/returns") :]
    params = {"gstin": who.gstin} if method == "GET" else None
    body = None if method == "GET" else {"gstin": who.gstin}
    return who.sandbox.request(method, path, headers=who.headers, params=params, body=body)


def _snapshot(who: Taxpayer) -> Any:
    getinv = ok(who.getinv())
    proposals = ok(who.sandbox.request("GET", "/gstims/v1/proposals", headers=who.headers))
    settings = ok(who.sandbox.request("GET", "/gstims/v1/settings", headers=who.headers))
    return getinv, proposals, settings


API_CALLS = sorted(k for k in NEEDS if not dashboard(k[1]))


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_a_role_without_the_capability_gets_403_and_nothing_changes(team, role) -> None:
    who, before = team[role], _snapshot(team["admin"])
    for method, path in API_CALLS:
        answer = _call(who, method, path)
        if Role(role).capability < NEEDS[(method, path)]:
            error = refused(answer, 403, "GSTIMS403")
            assert "needs" in error["message"], (method, path, error)
        else:
            assert "your role" not in answer.text, (method, path, answer.text[:300])
    if Role(role).capability < max(NEEDS.values()):
        assert _snapshot(team["admin"]) == before


def _settings(who: Taxpayer, on: bool) -> Any:
    body = {"gstin": R, "maker_checker": on}
    return who.sandbox.request("PUT", "/gstims/v1/settings", headers=who.headers, body=body)


def test_a_preparers_save_awaits_approval_and_another_approver_applies_it(team) -> None:
    sandbox = team["admin"].sandbox
    ok(_settings(team["admin"], True))
    records = ok(team["approver"].getinv())["b2b"]
    saved = ok(team["preparer"].save(b2b=[act(r, "A") for r in records[:2]]))
    status = ok(team["preparer"].reqsts(saved["reference_id"]))
    assert (status["status_cd"], status["status_desc"]) == ("IP", "awaiting approval")
    approve = f"/gstims/v1/proposals/{saved['proposal_id']}/approve"
    refused(sandbox.request("POST", approve, headers=team["preparer"].headers), 403, "GSTIMS403")
    done = ok(sandbox.request("POST", approve, headers=team["approver"].headers))
    assert (done["applied"], done["stale"], done["refused"]) == (2, 0, 0)
    assert ok(team["preparer"].reqsts(saved["reference_id"]))["status_cd"] == "P"
    ok(_settings(team["admin"], False))


def test_nobody_approves_their_own_batch_even_once_promoted(team) -> None:
    sandbox = team["admin"].sandbox
    ok(_settings(team["admin"], True))
    records = [r for r in ok(team["approver"].getinv())["b2b"] if r["action"] == "N"]
    saved = ok(team["preparer"].save(b2b=[act(records[0], "R")]))
    grant = {"gstin": R, "role": "approver"}
    ok(sandbox.admin("POST", "/users/preparer-r/grants", grant))
    approve = f"/gstims/v1/proposals/{saved['proposal_id']}/approve"
    error = refused(sandbox.request("POST", approve, headers=team["preparer"].headers), 403)
    assert "own proposal" in error["message"]
    back = f"/gstims/v1/proposals/{saved['proposal_id']}/send-back"
    body = {"comment": "not this one"}
    ok(sandbox.request("POST", back, headers=team["approver-2"].headers, body=body))
    status = parse(team["preparer"].reqsts(saved["reference_id"]))["data"]
    assert status["status_cd"] == "ER"
    ok(sandbox.admin("POST", "/users/preparer-r/grants", {"gstin": R, "role": "preparer"}))
    ok(_settings(team["admin"], False))
