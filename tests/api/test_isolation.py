"""Nobody sees or touches a GSTIN they were not granted, over every call (R-SUP-1, api.md).

World: supplier S reports October documents to recipients A and B; B acts on one of them with
a remark, reports a document of its own (to S) and recomputes its 2B. Everything of B's carries
a marker — document numbers `BSEC-...`, the remark `B-SECRET-REMARK`, the legal name
`Secret Buyer B` — so a response that leaks any byte of it is caught by a text search.

A holds a token for A only. For each taxpayer call A tries three ways in: B's GSTIN in the
query or body, B's GSTIN forged into the `gstin` header, and the forged header with its own
GSTIN in the query. Each gets 403 and nothing of B's. A missing or unknown `auth-token` gets
401; so does every sandbox call without the right `admin-token`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from tests.api.conftest import PROTOCOLS
from tests.api.wire import (
    RETURNS,
    Sandbox,
    Taxpayer,
    act,
    authorised,
    b2b,
    by_number,
    cdnr,
    gstin,
    invoice,
    note,
    ok,
    refused,
)

S, A = "27AAPFU0939F1ZV", "29AABCR1718E1ZL"
B = gstin("33AAACM5555M1Z")
C = gstin("32AAACK7777K1Z")  # a bystander whose own calls are the control
SECRETS = ("BSEC", "B-SECRET-REMARK", "Secret Buyer B", B)


@dataclass
class World:
    sandbox: Sandbox
    s: Taxpayer
    a: Taxpayer
    b: Taxpayer
    c: Taxpayer
    b_save_reference: str
    b_gen2b_reference: str


@pytest.fixture(scope="module", params=PROTOCOLS)
def protocol(request) -> str:
    """Every test here runs with plain JSON and through the GSTN protocol (issue 16)."""
    return request.param


@pytest.fixture(scope="module")
def world(sandbox) -> World:
    sandbox.register(S, name="Supplier S")
    sandbox.register(A, name="Buyer A")
    sandbox.register(B, name="Secret Buyer B")
    sandbox.register(C, name="Bystander C")
    s, a, b = sandbox.taxpayer(S), sandbox.taxpayer(A), sandbox.taxpayer(B)
    sandbox.today("01-11-2024")
    ok(
        s.retsave(
            "102024",
            b2b=[
                b2b(A, invoice("A-INV-1", "05-10-2024", pos="29", rate=18, taxable=100, iamt=18)),
                b2b(
                    B,
                    invoice("BSEC-INV-1", "06-10-2024", pos="33", rate=18, taxable=700, iamt=126),
                    invoice("BSEC-INV-2", "07-10-2024", pos="33", rate=5, taxable=900, iamt=45),
                ),
            ],
            cdnr=[cdnr(B, note("BSEC-CN-1", "08-10-2024", pos="33", rate=18, taxable=50, iamt=9))],
        )
    )
    ok(s.retfile("102024"))
    ok(
        b.retsave(
            "102024",
            b2b=[
                b2b(S, invoice("BSEC-OUT-1", "09-10-2024", pos="27", rate=18, taxable=300, iamt=54))
            ],
        )
    )
    record = by_number(ok(b.getinv()))["BSEC-INV-1"]
    saved = ok(b.save(b2b=[act(record, "R", remarks="B-SECRET-REMARK")]))
    sandbox.today("14-11-2024")
    generated = ok(b.gen2b("102024"))
    c = sandbox.taxpayer(C)
    return World(sandbox, s, a, b, c, saved["reference_id"], generated["reference_id"])


# -- every taxpayer call, aimed at a target GSTIN ---------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: Callable[[str, World], dict[str, Any]] | None = None
    body: Callable[[str, World], dict[str, Any]] | None = None


def _invdata(target: str, action: str | None) -> dict[str, Any]:
    record = {"stin": S, "inum": "BSEC-INV-1", "idt": "06-10-2024", "prev_status": "R"}
    if action:
        record["action"] = action
    return {"rtin": target, "reqtyp": "SAVE" if action else "RESET", "invdata": {"b2b": [record]}}


def _retsave(target: str, _: World) -> dict[str, Any]:
    doc = invoice("X-1", "10-10-2024", pos="27", rate=18, taxable=100, iamt=18)
    return {"action": "RETSAVE", "data": {"gstin": target, "fp": "102024", "b2b": [b2b(S, doc)]}}


CALLS = {
    "RETSAVE GSTR-1": Call("PUT", "/gstr1", body=_retsave),
    "RETFILE GSTR-1": Call(
        "POST",
        "/gstr1",
        body=lambda t, _: {"action": "RETFILE", "data": {"gstin": t, "ret_period": "102024"}},
    ),
    "RETSUM GSTR-1": Call(
        "GET", "/gstr1", query=lambda t, _: {"action": "RETSUM", "gstin": t, "ret_period": "102024"}
    ),
    "RETSAVE GSTR-1A": Call("PUT", "/gstr1a", body=_retsave),
    "RETFILE GSTR-1A": Call(
        "POST",
        "/gstr1a",
        body=lambda t, _: {"action": "RETFILE", "data": {"gstin": t, "ret_period": "102024"}},
    ),
    "RETSUM GSTR-1A": Call(
        "GET",
        "/gstr1a",
        query=lambda t, _: {"action": "RETSUM", "gstin": t, "ret_period": "102024"},
    ),
    "GETINV": Call("GET", "/ims", query=lambda t, _: {"action": "GETINV", "gstin": t}),
    "GETINV section": Call(
        "GET", "/ims", query=lambda t, _: {"action": "GETINV", "gstin": t, "section": "b2b"}
    ),
    "GETCNT": Call("GET", "/ims", query=lambda t, _: {"action": "GETCNT", "gstin": t}),
    "REQSTS": Call(
        "GET",
        "/ims",
        query=lambda t, w: {"action": "REQSTS", "gstin": t, "int_tran_id": w.b_save_reference},
    ),
    "SUPVIEW": Call(
        "GET", "/ims", query=lambda t, _: {"action": "SUPVIEW", "gstin": t, "ret_period": "102024"}
    ),
    "SAVE": Call("PUT", "/ims", body=lambda t, _: {"action": "SAVE", "data": _invdata(t, "A")}),
    "RESETIMS": Call(
        "PUT", "/ims", body=lambda t, _: {"action": "RESETIMS", "data": _invdata(t, None)}
    ),
    "GET2B": Call(
        "GET", "/gstr2b", query=lambda t, _: {"action": "GET2B", "gstin": t, "rtnprd": "102024"}
    ),
    "GENSTS2B": Call(
        "GET",
        "/gstr2b",
        query=lambda t, w: {"action": "GENSTS2B", "gstin": t, "int_tran_id": w.b_gen2b_reference},
    ),
    "GEN2B": Call(
        "PUT",
        "/gstr2b",
        body=lambda t, _: {"action": "GEN2B", "data": {"rtin": t, "itcprd": "102024"}},
    ),
    "AUTOLIAB": Call(
        "GET",
        "/gstr3b",
        query=lambda t, _: {"action": "AUTOLIAB", "gstin": t, "ret_period": "102024"},
    ),
    "RETFILE GSTR-3B": Call(
        "POST",
        "/gstr3b",
        body=lambda t, _: {"action": "RETFILE", "data": {"gstin": t, "ret_period": "102024"}},
    ),
    "RESET GSTR-1": Call(
        "POST",
        "/gstr1",
        body=lambda t, _: {"action": "RESET", "data": {"gstin": t, "ret_period": "112024"}},
    ),
    "RESET GSTR-1A": Call(
        "POST",
        "/gstr1a",
        body=lambda t, _: {"action": "RESET", "data": {"gstin": t, "ret_period": "112024"}},
    ),
    "RETNEWPTF": Call(
        "POST",
        "/gstrptf",
        body=lambda t, _: {"action": "RETNEWPTF", "data": {"gstin": t, "ret_period": "102024"}},
    ),
    "RETSAVE GSTR-3B": Call(
        "PUT",
        "/gstr3b",
        body=lambda t, _: {"action": "RETSAVE", "data": {"gstin": t, "ret_period": "112024"}},
    ),
    "RETSUM GSTR-3B": Call(
        "GET",
        "/gstr3b",
        query=lambda t, _: {"action": "RETSUM", "gstin": t, "ret_period": "102024"},
    ),
}


def send(world: World, call: Call, target: str, headers: dict[str, str]) -> httpx.Response:
    return world.sandbox.request(
        call.method,
        RETURNS + call.path,
        headers=headers,
        params=call.query(target, world) if call.query else None,
        body=call.body(target, world) if call.body else None,
    )


def assert_nothing_of_b(response: httpx.Response) -> None:
    for secret in SECRETS:
        assert secret not in response.text, f"{secret!r} leaked: {response.text[:500]}"


ATTACKS = {
    "B's GSTIN in the query or body": lambda w: ({"auth-token": w.a.token, "gstin": A}, B),
    "B's GSTIN forged into the header": lambda w: ({"auth-token": w.a.token, "gstin": B}, B),
    "a forged header, A's own GSTIN in the call": lambda w: (
        {"auth-token": w.a.token, "gstin": B},
        A,
    ),
}


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("name", CALLS)
def test_a_token_of_a_asking_about_b_gets_403_and_nothing_of_bs(world, name, attack):
    """Rule: R-SUP-1; api.md "403 GSTIN not granted to this token"."""
    headers, target = ATTACKS[attack](world)
    response = send(world, CALLS[name], target, headers)
    refused(response, 403, "GSTIMS403")
    assert_nothing_of_b(response)


@pytest.mark.parametrize("name", CALLS)
def test_the_same_call_is_answered_for_the_taxpayers_own_gstin(world, name):
    """The control of the test above: a taxpayer's own call passes authorisation (no 401, 403)."""
    response = send(world, CALLS[name], C, world.c.headers)
    assert authorised(response), response.text
    assert_nothing_of_b(response)


TOKENS = {
    "no auth-token": lambda w: {"gstin": A},
    "an empty auth-token": lambda w: {"auth-token": "", "gstin": A},
    "an unknown auth-token": lambda w: {"auth-token": "not-a-token", "gstin": A},
    "the admin token as auth-token": lambda w: {"auth-token": w.sandbox.admin_token, "gstin": A},
    "a token with one character changed": lambda w: {
        "auth-token": w.a.token[:-1] + ("x" if w.a.token[-1] != "x" else "y"),
        "gstin": A,
    },
}


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize("name", CALLS)
def test_a_missing_or_bad_token_gets_401(world, name, token):
    """api.md: "401 no or bad token"."""
    response = send(world, CALLS[name], A, TOKENS[token](world))
    refused(response, 401, "GSTIMS401")
    assert_nothing_of_b(response)


def test_a_reference_id_of_b_is_not_found_for_a(world):
    """R-SUP-1: REQSTS and GENSTS2B of B's requests, asked by A for A, answer 404."""
    for response in (
        world.a.reqsts(world.b_save_reference),
        world.a.gensts2b(world.b_gen2b_reference),
    ):
        refused(response, 404)
        assert_nothing_of_b(response)
    assert ok(world.b.reqsts(world.b_save_reference))["status_cd"] == "P"


def test_a_supplier_cannot_save_its_recipients_actions(world):
    """Rule: R-SUP-1 — S reported A-INV-1 but cannot act on it: 403 either way, nothing changes."""
    record = by_number(ok(world.a.getinv()))["A-INV-1"]
    body = {
        "action": "SAVE",
        "data": {"rtin": A, "reqtyp": "SAVE", "invdata": {"b2b": [act(record, "R")]}},
    }
    as_itself = {"auth-token": world.s.token, "gstin": S}
    forged = {"auth-token": world.s.token, "gstin": A}
    for headers in (as_itself, forged):
        refused(world.sandbox.request("PUT", RETURNS + "/ims", headers=headers, body=body), 403)
    reset = {
        "action": "RESETIMS",
        "data": {"rtin": A, "reqtyp": "RESET", "invdata": {"b2b": [record]}},
    }
    refused(world.sandbox.request("PUT", RETURNS + "/ims", headers=as_itself, body=reset), 403)
    assert by_number(ok(world.a.getinv()))["A-INV-1"]["action"] == "N"


def test_refused_writes_change_nothing_of_b(world):
    """api.md: "A failed request changes nothing" — B's returns, IMS and 2B stay as they were."""

    def b_state() -> list[str]:
        b = world.b
        return [
            b.getinv().text,
            b.retsum("102024").text,
            b.retsum("112024").text,
            b.get2b("102024").text,
            b.reqsts(world.b_save_reference).text,
            b.supview("102024").text,
        ]

    before = b_state()
    for call in CALLS.values():
        if call.method == "GET":
            continue
        for attack in ATTACKS.values():
            headers, target = attack(world)
            refused(send(world, call, target, headers), 403)
        refused(send(world, call, B, {"auth-token": "nope", "gstin": B}), 401)
    assert b_state() == before


def test_a_ca_firm_token_acts_for_every_gstin_it_holds_and_no_other(world):
    """api.md: a token's user may be granted many GSTINs (a CA firm)."""
    firm = world.sandbox.user("ca-firm", A, S)
    for own in (A, S):
        ok(Taxpayer(world.sandbox, own, firm).getcnt())
    response = Taxpayer(world.sandbox, B, firm).getinv()
    refused(response, 403)
    assert_nothing_of_b(response)


# -- the sandbox API ---------------------------------------------------------------------------

SANDBOX_CALLS = {
    "register a taxpayer": (
        "POST",
        "/taxpayers",
        {"gstin": gstin("07AAGFF2194N1Z"), "legal_name": "X", "filing_frequency": "M"},
    ),
    "create a user": ("POST", "/users", {"name": "intruder", "gstins": [B]}),
    "read the clock": ("GET", "/clock", None),
    "move the clock": ("PUT", "/clock", {"today": "01-12-2024"}),
    "read the clock's results": ("GET", "/clock/results", None),
    "feed GSTR-5": (
        "PUT",
        "/feeds/gstr5",
        {"gstin": gstin("99AAACN1234K1Z"), "ret_period": "102024", "b2b": []},
    ),
    "feed GSTR-6": (
        "PUT",
        "/feeds/gstr6",
        {"gstin": gstin("29AAACI1234K1Z"), "ret_period": "102024", "doclist": []},
    ),
    "feed ICEGATE": ("PUT", "/feeds/icegate", {"boes": []}),
}
ADMIN_TOKENS = {
    "no admin-token": lambda w: {},
    "an empty admin-token": lambda w: {"admin-token": ""},
    "a wrong admin-token": lambda w: {"admin-token": w.sandbox.admin_token + "x"},
    "a taxpayer's auth-token": lambda w: {"admin-token": w.a.token},
}


@pytest.mark.parametrize("token", ADMIN_TOKENS)
@pytest.mark.parametrize("name", SANDBOX_CALLS)
def test_sandbox_calls_without_the_admin_token_get_401(world, name, token):
    """api.md: sandbox admin requests carry `admin-token`."""
    method, path, body = SANDBOX_CALLS[name]
    response = world.sandbox.request(
        method, "/sandbox/v1" + path, headers=ADMIN_TOKENS[token](world), body=body
    )
    refused(response, 401, "GSTIMS401")
    assert_nothing_of_b(response)


def test_refused_sandbox_calls_change_nothing(world):
    """A refused sandbox call neither moves the clock nor registers anyone nor issues a token."""
    for method, path, body in SANDBOX_CALLS.values():
        world.sandbox.request(
            method, "/sandbox/v1" + path, headers={"admin-token": "no"}, body=body
        )
    assert ok(world.sandbox.admin("GET", "/clock")) == {"today": "14-11-2024"}
    ok(world.sandbox.admin("POST", "/taxpayers", SANDBOX_CALLS["register a taxpayer"][2]))
    taken = world.sandbox.admin("POST", "/users", {"name": "intruder", "gstins": [A]})
    assert ok(taken)["name"] == "intruder"  # the refused call did not create "intruder"
