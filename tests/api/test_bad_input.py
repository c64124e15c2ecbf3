"""Bad input over HTTP: every refusal is a 4xx envelope that stores nothing; never a 5xx.

api.md: 400 malformed JSON / unknown action or section / missing or ill-typed field, 401, 403,
404, 409 state conflict, 413 body over the limit (20 MiB), 422 validation with `details`
naming EVERY problem (section, document number, field). R-IN-4: a RETSAVE is one transaction —
one bad document and nothing of the request is stored. R-ACT-9: business refusals of single
records in a SAVE are not request failures; they come back in REQSTS as `PE`.

"Stores nothing" is read straight from the database: the row count of every table before and
after the request.

World (clock 01-11-2024): supplier S (27), recipients R (29) and T (27, intra-state for S).
S has filed its October GSTR-1 (INV-1 to R, RCM-1 to R under reverse charge, CN-1 to R);
the tests save into S's open November return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from tests.api.conftest import PROTOCOLS
from tests.api.wire import (
    RETURNS,
    Sandbox,
    Taxpayer,
    act,
    b2b,
    by_number,
    cdnr,
    dumps,
    gstin,
    invoice,
    note,
    ok,
    refused,
    wrong_check,
)

S, R = "27AAPFU0939F1ZV", "29AABCR1718E1ZL"
T = gstin("27AAACT2727Q1Z")
MiB = 1024 * 1024


@dataclass
class World:
    sandbox: Sandbox
    s: Taxpayer
    r: Taxpayer
    engine: sa.Engine

    def footprint(self) -> dict[str, int]:
        """Rows in every table of the served database (but the OTPs: through the GSTN
        protocol a filing is preceded by an EVCOTP, a request of its own that succeeds)."""
        with self.engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            return {
                name: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
                for name in names
                if name not in ("alembic_version", "gstn_otps")
            }


@pytest.fixture(scope="module", params=PROTOCOLS)
def protocol(request) -> str:
    """Every test here runs with plain JSON and through the GSTN protocol (issue 16)."""
    return request.param


@pytest.fixture(scope="module")
def world(server, sandbox) -> Iterator[World]:
    for gstin_ in (S, R, T):
        sandbox.register(gstin_)
    s, r = sandbox.taxpayer(S), sandbox.taxpayer(R)
    sandbox.today("01-11-2024")
    ok(
        s.retsave(
            "102024",
            b2b=[
                b2b(
                    R,
                    invoice("INV-1", "10-10-2024", pos="29", rate=18, taxable=1000, iamt=180),
                    invoice("INV-2", "11-10-2024", pos="29", rate=18, taxable=2000, iamt=360),
                    invoice("INV-3", "12-10-2024", pos="29", rate=5, taxable=400, iamt=20),
                    invoice(
                        "RCM-1", "13-10-2024", pos="29", rate=5, taxable=2000, iamt=100, rchrg="Y"
                    ),
                )
            ],
            cdnr=[cdnr(R, note("CN-1", "14-10-2024", pos="29", rate=18, taxable=100, iamt=18))],
        )
    )
    ok(s.retfile("102024"))
    engine = sa.create_engine(server.database_url)
    yield World(sandbox, s, r, engine)
    engine.dispose()


GOOD = invoice("GOOD-1", "01-11-2024", pos="29", rate=18, taxable=100, iamt=18)


def november(*invoices: dict[str, Any], ctin: str = R, **sections: Any) -> dict[str, Any]:
    """A RETSAVE body for S's open November return: GOOD-1 plus the given documents."""
    data = {"gstin": S, "fp": "112024", "b2b": [b2b(ctin, GOOD, *invoices)], **sections}
    return {"action": "RETSAVE", "data": data}


def bad(number: str, **changes: Any) -> dict[str, Any]:
    doc = invoice(number, "01-11-2024", pos="29", rate=18, taxable=100, iamt=18)
    doc.update(changes)
    return doc


def item_of(rate: Any = 18, taxable: Any = 100, iamt: Any = 0, camt: Any = 0, samt: Any = 0):
    det = {"rt": rate, "txval": taxable, "iamt": iamt, "camt": camt, "samt": samt, "csamt": 0}
    return {"num": 1, "itm_det": det}


@dataclass(frozen=True)
class Case:
    """A bad request and the refusal it must get."""

    send: Callable[[World], httpx.Response]
    status: int
    code: str
    field: str | None = None  # a `details` entry must name this field ...
    number: str | None = None  # ... of this document


def put(path: str, body: Any = None, content: bytes | None = None) -> Callable:
    return lambda w: w.sandbox.request(
        "PUT", RETURNS + path, headers=w.s.headers, body=body, content=content
    )


def post(path: str, body: Any) -> Callable:
    return lambda w: w.sandbox.request("POST", RETURNS + path, headers=w.s.headers, body=body)


def recipient_get(path: str, **params: Any) -> Callable:
    return lambda w: w.r.get(path, **params)


def deep(depth: int, open_: bytes, close: bytes) -> bytes:
    return open_ * depth + b"1" + close * depth


VALID_TEXT = dumps(november())

CASES = {
    # malformed bodies (400)
    "malformed JSON": Case(
        put("/gstr1", content=b'{"action": "RETSAVE", "data": {'), 400, "GSTIMS400"
    ),
    "truncated JSON": Case(
        put("/gstr1", content=VALID_TEXT[: len(VALID_TEXT) // 2]), 400, "GSTIMS400"
    ),
    "an empty body": Case(put("/gstr1", content=b""), 400, "GSTIMS400"),
    "a body that is a list": Case(put("/gstr1", content=b"[]"), 400, "GSTIMS400"),
    "NaN as an amount": Case(
        put("/gstr1", content=VALID_TEXT.replace(b'"val": 118', b'"val": NaN')), 400, "GSTIMS400"
    ),
    "a NUL character": Case(
        put("/gstr1", content=VALID_TEXT.replace(b"GOOD-1", b"GOOD\\u00001")), 400, "GSTIMS400"
    ),
    "not UTF-8": Case(
        put("/gstr1", content=VALID_TEXT.replace(b"GOOD-1", b"GOOD\xff1")), 400, "GSTIMS400"
    ),
    "JSON arrays nested 20,000 deep": Case(
        put("/gstr1", content=deep(20_000, b"[", b"]")), 400, "GSTIMS400"
    ),
    "JSON objects nested 20,000 deep": Case(
        put("/gstr1", content=deep(20_000, b'{"a":', b"}")), 400, "GSTIMS400"
    ),
    "a 100,000-character string": Case(
        put("/gstr1", november(bad("X" * 100_000))), 400, "GSTIMS400"
    ),
    # wrong types and missing fields (400)
    "data that is a list": Case(put("/gstr1", {"action": "RETSAVE", "data": []}), 400, "GSTIMS400"),
    "no data at all": Case(put("/gstr1", {"action": "RETSAVE"}), 400, "GSTIMS400"),
    "fp as a number": Case(
        put("/gstr1", {"action": "RETSAVE", "data": {"gstin": S, "fp": 112024}}),
        400,
        "GSTIMS400",
        "fp",
    ),
    "a GSTR-3B amount that is a word": Case(
        put(
            "/gstr3b",
            {
                "action": "RETSAVE",
                "data": {
                    "gstin": S,
                    "ret_period": "112024",
                    "itc_elg": {"itc_avl": [{"ty": "OTH", "iamt": "lots"}]},
                },
            },
        ),
        400,
        "GSTIMS400",
        "itc_elg.itc_avl[0].iamt",
    ),
    "a GSTR-3B row of an unknown type": Case(
        put(
            "/gstr3b",
            {
                "action": "RETSAVE",
                "data": {"gstin": S, "ret_period": "112024", "itc_elg": {"itc_avl": [{"ty": "X"}]}},
            },
        ),
        400,
        "GSTIMS400",
        "ty",
    ),
    "a GSTR-3B save without ret_period": Case(
        put("/gstr3b", {"action": "RETSAVE", "data": {"gstin": S}}), 400, "GSTIMS400"
    ),
    "a RESET of a period that is no period": Case(
        post("/gstr1", {"action": "RESET", "data": {"gstin": S, "ret_period": "132024"}}),
        400,
        "GSTIMS400",
    ),
    "a RETNEWPTF of an unknown return type": Case(
        post(
            "/gstrptf",
            {"action": "RETNEWPTF", "data": {"gstin": S, "ret_period": "102024", "rtn_typ": "R9"}},
        ),
        400,
        "GSTIMS400",
    ),
    "an amount that is a word": Case(
        put("/gstr1", november(bad("BAD-1", val="abc"))),
        400,
        "GSTIMS400",
        "b2b[0].inv[1].val",
        "BAD-1",
    ),
    "an amount with three decimals": Case(
        put("/gstr1", november(bad("BAD-1", val="118.001"))),
        400,
        "GSTIMS400",
        "b2b[0].inv[1].val",
        "BAD-1",
    ),
    "items as an object": Case(
        put("/gstr1", november(bad("BAD-1", itms={"num": 1}))),
        400,
        "GSTIMS400",
        "b2b[0].inv[1].itms",
        "BAD-1",
    ),
    "a missing invoice date": Case(
        put("/gstr1", november({k: v for k, v in bad("BAD-1").items() if k != "idt"})),
        400,
        "GSTIMS400",
        "b2b[0].inv[1].idt",
        "BAD-1",
    ),
    "an impossible date, 31-02-2024": Case(
        put("/gstr1", november(bad("BAD-1", idt="31-02-2024"))),
        400,
        "GSTIMS400",
        "b2b[0].inv[1].idt",
        "BAD-1",
    ),
    "a date in another format": Case(
        put("/gstr1", november(bad("BAD-1", idt="2024-11-01"))),
        400,
        "GSTIMS400",
        "b2b[0].inv[1].idt",
        "BAD-1",
    ),
    # unknown actions and sections (400)
    "an unknown RETSAVE action": Case(
        put("/gstr1", {"action": "RETSAV", "data": november()["data"]}), 400, "GSTIMS400"
    ),
    "an unknown IMS action": Case(
        recipient_get("/ims", action="GETALL"), 400, "GSTIMS400", "query.action"
    ),
    "an unknown GETINV section": Case(
        recipient_get("/ims", action="GETINV", section="b2x"), 400, "GSTIMS400"
    ),
    "an unknown SUPVIEW section": Case(
        recipient_get("/ims", action="SUPVIEW", ret_period="102024", section="b2x"),
        400,
        "GSTIMS400",
    ),
    "an unknown SAVE section": Case(
        lambda w: w.r.save(b2x=[{"stin": S, "inum": "INV-1", "idt": "10-10-2024", "action": "A"}]),
        400,
        "GSTIMS400",
        "invdata.b2x",
    ),
    "an unknown SAVE action code": Case(
        lambda w: w.r.save(
            b2b=[
                {"stin": S, "inum": "INV-1", "idt": "10-10-2024", "action": "X", "prev_status": "N"}
            ]
        ),
        400,
        "GSTIMS400",
    ),
    "a SAVE record without its supplier": Case(
        lambda w: w.r.save(
            b2b=[{"inum": "INV-1", "idt": "10-10-2024", "action": "A", "prev_status": "N"}]
        ),
        400,
        "GSTIMS400",
    ),
    "a SAVE whose reqtyp says RESET": Case(
        lambda w: w.sandbox.request(
            "PUT",
            RETURNS + "/ims",
            headers=w.r.headers,
            body={"action": "SAVE", "data": {"rtin": R, "reqtyp": "RESET", "invdata": {}}},
        ),
        400,
        "GSTIMS400",
    ),
    "an unknown GEN2B action": Case(
        lambda w: w.r.send(
            "PUT", "/gstr2b", {"action": "GEN2A", "data": {"rtin": R, "itcprd": "102024"}}
        ),
        400,
        "GSTIMS400",
    ),
    # bad query values (400)
    "page_size 0": Case(
        recipient_get("/ims", action="GETINV", page_size=0), 400, "GSTIMS400", "query.page_size"
    ),
    "a page that is not a number": Case(
        recipient_get("/ims", action="GETINV", page="two"), 400, "GSTIMS400", "query.page"
    ),
    "an unknown status filter": Case(
        recipient_get("/ims", action="GETINV", status="Z"), 400, "GSTIMS400", "query.status"
    ),
    "month 13": Case(lambda w: w.s.retsum("132024"), 400, "GSTIMS400"),
    "a period that is not MMYYYY": Case(
        recipient_get("/gstr2b", action="GET2B", rtnprd="2024-10"), 400, "GSTIMS400"
    ),
    "GET2B without rtnprd": Case(recipient_get("/gstr2b", action="GET2B"), 400, "GSTIMS400"),
    "REQSTS without int_tran_id": Case(recipient_get("/ims", action="REQSTS"), 400, "GSTIMS400"),
    # validation (422, R-IN-4)
    "a recipient GSTIN with a wrong check character": Case(
        put("/gstr1", november(ctin=wrong_check(R))), 422, "GSTIMS422", "ctin", "GOOD-1"
    ),
    "an unregistered recipient": Case(
        put("/gstr1", november(ctin=gstin("29AAACZ9999Z1Z"))), 422, "GSTIMS422", "ctin", "GOOD-1"
    ),
    "CGST not equal to SGST": Case(
        put(
            "/gstr1",
            november(bad("BAD-1", pos="27", itms=[item_of(camt=9, samt=8)], val=117), ctin=T),
        ),
        422,
        "GSTIMS422",
        "itms[0].samt",
        "BAD-1",
    ),
    "IGST on an intra-state supply": Case(
        put("/gstr1", november(bad("BAD-1", pos="27"), ctin=T)),
        422,
        "GSTIMS422",
        "itms[0].iamt",
        "BAD-1",
    ),
    "negative amounts": Case(
        put("/gstr1", november(bad("BAD-1", val=-118, itms=[item_of(taxable=-100, iamt=-18)]))),
        422,
        "GSTIMS422",
        "itms[0].txval",
        "BAD-1",
    ),
    "a date in the future": Case(
        put("/gstr1", november(bad("BAD-1", idt="02-11-2024"))), 422, "GSTIMS422", "idt", "BAD-1"
    ),
    "a number twice in one request": Case(
        put("/gstr1", november(bad("GOOD-1", idt="31-10-2024"))), 422, "GSTIMS422", "inum", "GOOD-1"
    ),
    "a number already filed": Case(
        put("/gstr1", november(bad("INV-1"))), 422, "GSTIMS422", "inum", "INV-1"
    ),
    "a number longer than 16 characters": Case(
        put("/gstr1", november(bad("INV-12345678901234"))),
        422,
        "GSTIMS422",
        "inum",
        "INV-12345678901234",
    ),
    "an amendment of a missing original": Case(
        put("/gstr1", november(b2ba=[b2b(R, bad("AMD-1", oinum="NOPE-1", oidt="01-10-2024"))])),
        422,
        "GSTIMS422",
        "oinum",
        "AMD-1",
    ),
    "a rate that is not a GST rate": Case(
        put("/gstr1", november(bad("BAD-1", itms=[item_of(rate=17, iamt=17)], val=117))),
        422,
        "GSTIMS422",
        "itms[0].rt",
        "BAD-1",
    ),
    "IGST far from rate times taxable value": Case(
        put("/gstr1", november(bad("BAD-1", itms=[item_of(iamt=25)], val=125))),
        422,
        "GSTIMS422",
        "itms[0].iamt",
        "BAD-1",
    ),
    # size (413)
    "a 25 MiB body": Case(
        put("/gstr1", content=b'{"a": "' + b"x" * (25 * MiB) + b'"}'), 413, "GSTIMS413"
    ),
    # state conflicts (409) and unknown things (404)
    "a save into a filed return": Case(
        lambda w: w.s.retsave("102024", b2b=[b2b(R, bad("LATE-1", idt="10-10-2024"))]),
        409,
        "RET0002",
    ),
    "a return before October 2024": Case(lambda w: w.s.retfile("092024"), 409, "RET0001"),
    "a return filed before its period ends": Case(lambda w: w.s.retfile("112024"), 409, "RET0003"),
    "a 2B not generated": Case(lambda w: w.r.get2b("102024"), 404, "RET2B1023"),
    "a 2B before its draft date": Case(lambda w: w.r.gen2b("102024"), 409, "IMS2B009"),
    "an unknown request id": Case(lambda w: w.r.reqsts("NO-SUCH-REQUEST"), 404, "GSTIMS404"),
    # the sandbox API
    "the clock moved back": Case(
        lambda w: w.sandbox.admin("PUT", "/clock", {"today": "01-10-2024"}), 409, "GSTIMS409"
    ),
    "the clock set to 31-02-2025": Case(
        lambda w: w.sandbox.admin("PUT", "/clock", {"today": "31-02-2025"}),
        400,
        "GSTIMS400",
        "today",
    ),
    "a taxpayer registered twice": Case(
        lambda w: w.sandbox.admin(
            "POST", "/taxpayers", {"gstin": S, "legal_name": "S", "filing_frequency": "M"}
        ),
        409,
        "GSTIMS409",
    ),
    "a taxpayer with a wrong check character": Case(
        lambda w: w.sandbox.admin(
            "POST",
            "/taxpayers",
            {
                "gstin": wrong_check(gstin("07AAGFF2194N1Z")),
                "legal_name": "X",
                "filing_frequency": "M",
            },
        ),
        422,
        "GSTIMS422",
        "gstin",
    ),
    "a legal name over 200 characters": Case(
        lambda w: w.sandbox.admin(
            "POST",
            "/taxpayers",
            {"gstin": gstin("07AAGFF2194N1Z"), "legal_name": "L" * 201, "filing_frequency": "M"},
        ),
        400,
        "GSTIMS400",
        "legal_name",
    ),
    "a user name over 100 characters": Case(
        lambda w: w.sandbox.admin("POST", "/users", {"name": "U" * 101, "gstins": [R]}),
        400,
        "GSTIMS400",
        "name",
    ),
    "a taxpayer with an unknown filing frequency": Case(
        lambda w: w.sandbox.admin(
            "POST",
            "/taxpayers",
            {"gstin": gstin("07AAGFF2194N1Z"), "legal_name": "X", "filing_frequency": "Y"},
        ),
        400,
        "GSTIMS400",
        "filing_frequency",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_gets_its_4xx_envelope_and_stores_nothing(world, name):
    """Rule: R-IN-4; api.md "Envelope and errors" — a failed request changes nothing."""
    case = CASES[name]
    before = world.footprint()
    response = case.send(world)
    error = refused(response, case.status, case.code)
    if case.field:
        named = [d for d in error["details"] if d["field"].endswith(case.field)]
        assert named, error
        if case.number:
            assert any(d["number"] == case.number for d in named), error
    assert world.footprint() == before


def test_a_chunked_25_mib_body_without_a_length_is_refused_too(world):
    """api.md: 413 for a body over the limit, also when it streams without Content-Length."""

    def chunks() -> Iterator[bytes]:
        yield b'{"a": "'
        for _ in range(25):
            yield b"x" * MiB
        yield b'"}'

    before = world.footprint()
    response = world.sandbox.http.put(
        RETURNS + "/gstr1",
        headers={**world.s.headers, "content-type": "application/json"},
        content=chunks(),
    )
    refused(response, 413, "GSTIMS413")
    assert world.footprint() == before


def test_every_problem_of_a_return_is_reported_at_once_and_none_of_it_stored(world):
    """Rule: R-IN-4 — validation collects every problem; the good document is not stored."""
    before = world.footprint()
    body = november(
        bad("BAD-1", idt="02-11-2024"),
        bad("BAD-2", val=-118, itms=[item_of(taxable=-100, iamt=-18)]),
        bad("BAD-3", itms=[item_of(rate=17, iamt=17)], val=117),
    )
    error = refused(world.s.send("PUT", "/gstr1", body), 422, "GSTIMS422")
    assert {d["number"] for d in error["details"]} >= {"BAD-1", "BAD-2", "BAD-3"}
    for detail in error["details"]:
        assert detail["section"] == "b2b" and detail["field"] and detail["message"]
    assert world.footprint() == before
    assert ok(world.s.retsum("112024"))["counts"] == {}


def apart(world: World, path: str, headers: dict[str, str], body: Any) -> httpx.Response:
    """A PUT on a connection of its own: after a 500 the server closes the connection."""
    url = world.sandbox.base_url + (
        RETURNS + path if path.startswith("/gstr") else "/sandbox/v1" + path
    )
    content = body if isinstance(body, bytes) else dumps(body)
    headers = {**headers, "content-type": "application/json"}
    return httpx.put(url, headers=headers, content=content, timeout=60)


def _december(doc: dict[str, Any]) -> Callable:
    """A RETSAVE into S's December return (kept apart from the tests that count November)."""
    body = {"action": "RETSAVE", "data": {"gstin": S, "fp": "122024", "b2b": [b2b(R, doc)]}}
    return lambda w: apart(w, "/gstr1", w.s.headers, body)


def _boe(**changes: Any) -> Callable:
    boe = {"rtin": R, "portcode": "INMAA4", "boenum": "1234567", "boedt": "02-10-2024"}
    boe |= {"refdt": "04-10-2024", "sez": False, "txval": 1000, "igst": 180, "cess": 0}
    boe |= changes
    body = {"boes": [boe]}
    return lambda w: apart(w, "/feeds/icegate", {"admin-token": w.sandbox.admin_token}, body)


def _isd(number: str) -> Callable:
    doc = {"ctin": R, "doctyp": "ISDI", "docnum": number, "docdt": "20-10-2024"}
    doc |= {"igst": 5, "cgst": 0, "sgst": 0, "cess": 0}
    body = {"gstin": gstin("29AAACI1234K1Z"), "ret_period": "102024", "doclist": [doc]}
    return lambda w: apart(w, "/feeds/gstr6", {"admin-token": w.sandbox.admin_token}, body)


BEYOND_THE_STORE = {
    "a 17-digit taxable value": _december(
        bad("HUGE-1", val=10**16, itms=[item_of(rate=0, taxable=10**16)])
    ),
    "a rate written with seven decimals": _december(
        bad("RATE-1", itms=[item_of(rate="18.0000000", iamt=18)])
    ),
    "a 17-digit bill of entry": _boe(txval=10**17),
    "a bill of entry over the document cap (issue 14 item 1)": _boe(txval=10**12),
    "a 50-character port code": _boe(portcode="P" * 50),
    "a 60-digit bill of entry number": _boe(boenum="9" * 60),
    "a 60-character ISD document number": _isd("D" * 60),
}


@pytest.mark.parametrize("name", BEYOND_THE_STORE)
def test_a_value_beyond_what_gstn_allows_is_refused_not_a_server_error(world, name):
    """api.md: "No request ever answers 5xx for bad input"; R-IN-4: bad input stores nothing.

    GSTN amounts are Decimal(15,2); a rate is one of R-IN-4's; a port code has 6 characters,
    a document number at most 16.
    """
    response = BEYOND_THE_STORE[name](world)
    assert 400 <= response.status_code < 500, response.text


# -- per-record refusals in a SAVE (R-ACT-9) --------------------------------------------------


def test_per_record_problems_of_a_save_come_back_in_reqsts_and_the_rest_apply(world):
    """Rule: R-ACT-9 — a SAVE answers 200; REQSTS says PE and names each refused record."""
    r = world.r
    records = by_number(ok(r.getinv()))
    inv_2, inv_3, cn_1 = records["INV-2"], records["INV-3"], records["CN-1"]
    unknown = {"stin": S, "inum": "NOPE-9", "idt": "10-10-2024", "action": "A", "prev_status": "N"}
    no_prev = {k: v for k, v in act(inv_3, "A").items() if k != "prev_status"}
    # INV-2 is accepted by the first item; a later item sees that (prev_status A)
    without_action = {k: v for k, v in act(inv_2, "A").items() if k != "action"}
    without_action["prev_status"] = "A"
    rcm = {"stin": S, "inum": "RCM-1", "idt": "13-10-2024", "action": "A", "prev_status": "N"}
    saved = ok(
        r.save(
            b2b=[
                act(inv_2, "A"),  # applies
                unknown,  # IMSACT009
                no_prev,  # IMSACT012
                act(inv_3, "R", remarks="x" * 251),  # IMSACT007
                {**act(inv_3, "A"), "itcRedReq": "N"},  # IMSACT004: no declaration in era E1
                rcm,  # IMSACT010: reverse charge is not in IMS
                without_action,  # IMSACT011: SAVE takes A, R or P
            ],
            b2bcn=[act(cn_1, "P")],  # IMSACT001
        )
    )
    status = ok(r.reqsts(saved["reference_id"]))
    assert (status["status_cd"], int(status["proc_cnt"]), int(status["err_cnt"])) == ("PE", 1, 7)
    refusals = sorted(
        (doc.get("inum") or doc.get("nt_num"), entry["error_cd"])
        for entries in status["error_report"].values()
        for entry in entries
        for doc in entry["inv"]
    )
    assert refusals == [
        ("CN-1", "IMSACT001"),
        ("INV-2", "IMSACT011"),
        ("INV-3", "IMSACT004"),
        ("INV-3", "IMSACT007"),
        ("INV-3", "IMSACT012"),
        ("NOPE-9", "IMSACT009"),
        ("RCM-1", "IMSACT010"),
    ]
    after = by_number(ok(r.getinv()))
    assert (after["INV-2"]["action"], after["INV-3"]["action"], after["CN-1"]["action"]) == (
        "A",
        "N",
        "N",
    )
    assert "RCM-1" not in after


def test_gensts2b_of_a_request_that_is_not_a_gen2b_is_not_found(world):
    """api.md GENSTS2B: an id of this GSTIN's SAVE is no GEN2B request — 404, not 403."""
    record = by_number(ok(world.r.getinv()))["INV-1"]
    saved = ok(world.r.save(b2b=[act(record, "A")]))
    refused(world.r.gensts2b(saved["reference_id"]), 404, "GSTIMS404")
    assert ok(world.r.reqsts(saved["reference_id"]))["status_cd"] == "P"
