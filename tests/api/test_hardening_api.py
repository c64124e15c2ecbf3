"""Issue 14 over real HTTP, on SQLite and PostgreSQL: answers are 4xx envelopes, never a 5xx
or a reset, when clients race, send too much, or hit a bug."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest
import uvicorn
from tests.api.conftest import free_port
from tests.api.wire import RETURNS, act, b2b, by_number, gstin, invoice, ok

from gstims.api.app import create_app
from gstims.api.settings import MiB, Settings
from gstims.api.taxpayer import ITEMS_PER_DOCUMENT
from gstims.store.db import Database

INNER = "/taxpayerapi/v1.0/returns"  # the plain route itself, behind the /plain prefix


def urllib_put(url: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
    """A PUT as Python's urllib makes it: the whole body written before the answer is read."""
    request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    return refused.value.code, json.loads(refused.value.read())


def test_an_over_limit_body_written_whole_before_reading_gets_its_refusal_not_a_reset(
    server, sandbox
):
    """Issue 14 item 12: the server drains (bounded) before answering 413 or 401 (api.md)."""
    supplier = gstin("27AABCD1234E1Z")
    sandbox.register(supplier)
    body = b"{" + b" " * (25 * MiB) + b"}"
    url = server.base_url + RETURNS + "/gstr1"
    headers = {**sandbox.taxpayer(supplier).headers, "content-type": "application/json"}
    status, envelope = urllib_put(url, headers, body)
    assert (status, envelope["error"]["error_cd"]) == (413, "GSTIMS413")
    status, envelope = urllib_put(url, {**headers, "auth-token": "not a token"}, body)
    assert status == 401 and envelope["status_cd"] == "0"


def test_registering_one_gstin_from_many_clients_at_once_is_one_200_and_409s(server, sandbox):
    """Issue 14 item 11: a registration race answers 409, never 500 (PostgreSQL raced)."""
    wanted = gstin("27AABCZ9999K1Z")
    body = {"gstin": wanted, "legal_name": "Raced", "filing_frequency": "M"}

    def register(_: int) -> int:
        url = server.base_url + "/sandbox/v1/taxpayers"
        headers = {"admin-token": server.admin_token}
        return httpx.post(url, json=body, headers=headers, timeout=60).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(register, range(8)))
    assert sorted(statuses) == [200] + [409] * 7


@pytest.fixture
def broken(tmp_path) -> Iterator[str]:
    """A served gstims with one route that fails as a bug would."""
    db = Database(f"sqlite:///{tmp_path / 'g.db'}")
    app = create_app(Settings(database_url=db.url, sandbox=True), db)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route(INNER + "/boom", boom)
    app.add_api_route("/boom", boom)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    db.dispose()


def test_a_bug_answers_500_in_the_envelope_not_plain_text(broken):
    """Issue 14 item 11: one 5xx handler; the API answers it in the GSTN envelope."""
    answer = httpx.get(broken + RETURNS + "/boom", timeout=30)
    assert answer.status_code == 500
    assert answer.json()["status_cd"] == "0"
    assert answer.json()["error"]["error_cd"] == "GSTIMS500"
    page = httpx.get(broken + "/boom", timeout=30)
    assert page.status_code == 500 and "nothing of the request was stored" in page.text
    assert "RuntimeError" not in page.text + answer.text


# -- free text (item 13) ----------------------------------------------------------------------


def test_a_remark_with_a_bidi_override_is_refused_and_full_width_text_is_kept_canonical(
    server, sandbox
):
    """Issue 14 item 13: remarks pass one canonicaliser (NFKC, nothing invisible) before the
    supplier's view ever shows them: the wire reader refuses the field (400 naming it); the
    rule table refuses it too for every other channel (IMSACT013)."""
    supplier, recipient = gstin("27AABCB1234E1Z"), gstin("29AABCB1234E1Z")
    sandbox.register(supplier)
    sandbox.register(recipient)
    s, r = sandbox.taxpayer(supplier), sandbox.taxpayer(recipient)
    sandbox.today("01-11-2024")
    two = [
        invoice(f"BIDI-{n}", "10-10-2024", pos="29", rate=18, taxable=100, iamt=18) for n in (1, 2)
    ]
    ok(s.retsave("102024", b2b=[b2b(recipient, *two)]))
    ok(s.retfile("102024"))
    found = by_number(ok(r.getinv()))
    hostile = r.save(b2b=[act(found["BIDI-1"], "R", remarks="paid\u202e5202-10-10 no")])
    assert hostile.status_code == 400
    fields = [d["field"] for d in hostile.json()["error"]["details"]]
    assert fields == ["invdata.b2b[0].remarks"] or fields[0].endswith("remarks"), fields
    ok(r.save(b2b=[act(found["BIDI-2"], "R", remarks="ＧＯＯＤＳ short")]))
    kept = by_number(ok(r.getinv()))
    assert kept["BIDI-1"]["action"] == "N"
    assert kept["BIDI-2"]["remarks"] == "GOODS short"


# -- one tenant's write cannot hold SQLite's lock for long (item 10) ---------------------------


def test_a_retsave_too_big_to_hold_sqlites_one_write_lock_is_refused_there_only(server, sandbox):
    """Issue 14 item 10: on SQLite a RETSAVE carries at most `sqlite_max_save_documents`
    (Settings); PostgreSQL, which locks per taxpayer, takes it whole."""
    limit = Settings().sqlite_max_save_documents
    supplier, recipient = gstin("27AABCL1234E1Z"), gstin("29AABCL1234E1Z")
    sandbox.register(supplier)
    sandbox.register(recipient)
    sandbox.today("01-11-2024")
    docs = [
        invoice(f"L-{n}", "10-10-2024", pos="29", rate=18, taxable=100, iamt=18)
        for n in range(limit + 1)
    ]
    filer = sandbox.taxpayer(supplier)
    answer = filer.retsave("102024", b2b=[b2b(recipient, *docs)])
    if server.backend == "sqlite":
        assert answer.status_code == 413
        assert "at most" in answer.json()["error"]["message"]
    else:
        assert ok(answer)["saved"] == limit + 1
    # as many documents as the bound takes, but more items than four a document
    many = invoice("M-0", "10-10-2024", pos="29", rate=18, taxable=100, iamt=18)
    many["itms"] = many["itms"] * (limit * ITEMS_PER_DOCUMENT + 1)
    many["val"] = Decimal(118) * len(many["itms"])
    answer = filer.retsave("102024", b2b=[b2b(recipient, many)])
    if server.backend == "sqlite":
        assert answer.status_code == 413
        assert "items in one RETSAVE" in answer.json()["error"]["message"]
    else:  # refused by the document's own cap on items, not by a lock bound
        assert answer.status_code == 422
        assert "at most 1000 items" in answer.json()["error"]["details"][0]["message"]


def test_another_tenants_save_made_during_the_largest_retsave_is_answered_and_stored(
    server, sandbox
):
    """Issue 14 item 10: while one supplier's RETSAVE of `sqlite_max_save_documents` documents
    is read and stored, another supplier's one-document saves are answered (200) and kept.
    How long they wait is measured by bench/sqlite_lock.py (docs/BENCHMARKS.md), not here."""
    limit = Settings().sqlite_max_save_documents
    big, small = gstin("27AABCW1234E1Z"), gstin("27AABCW5678E1Z")
    to_big, to_small = gstin("29AABCW1234E1Z"), gstin("29AABCW5678E1Z")
    for number in (big, small, to_big, to_small):
        sandbox.register(number)
    sandbox.today("01-11-2024")
    docs = [
        invoice(f"W-{n}", "10-10-2024", pos="29", rate=18, taxable=100, iamt=18)
        for n in range(limit)
    ]
    big_filer, small_filer = sandbox.taxpayer(big), sandbox.taxpayer(small)
    with ThreadPoolExecutor(1) as pool:
        largest = pool.submit(big_filer.retsave, "102024", b2b=[b2b(to_big, *docs)])
        answers = []
        while not largest.done() or not answers:
            one = invoice(
                f"S-{len(answers)}", "10-10-2024", pos="29", rate=18, taxable=100, iamt=18
            )
            answers.append(small_filer.retsave("102024", b2b=[b2b(to_small, one)]))
        assert ok(largest.result())["saved"] == limit
    assert [ok(answer)["saved"] for answer in answers] == [1] * len(answers)
    kept = by_number(ok(sandbox.taxpayer(to_small).getinv()))
    assert set(kept) == {f"S-{n}" for n in range(len(answers))}


def test_a_supplier_cannot_invoice_itself_nor_state_a_value_below_its_items_plus_tax(
    server, sandbox
):
    """Issue 14 item 15 (R-IN-4, docs/RULES.md): the recipient is not the supplier; `val`
    (the value incl. tax) is at least the items' taxable value plus tax, ± ₹1 — above it is
    accepted (charges outside GST); under reverse charge, at least the taxable value."""
    supplier, recipient = gstin("27AABCV1234E1Z"), gstin("29AABCV1234E1Z")
    sandbox.register(supplier)
    sandbox.register(recipient)
    sandbox.today("01-11-2024")
    filer = sandbox.taxpayer(supplier)

    def fields(answer: httpx.Response) -> list[str]:
        assert answer.status_code == 422, answer.text
        return [d["field"] for d in answer.json()["error"]["details"]]

    itself = invoice("SELF-1", "10-10-2024", pos="27", rate=18, taxable=1000, camt=90, samt=90)
    assert fields(filer.retsave("102024", b2b=[b2b(supplier, itself)])) == ["ctin"]
    short = {**invoice("LOW-1", "10-10-2024", pos="29", rate=18, taxable=1000, iamt=180)}
    short["val"] = Decimal("1178.99")  # ₹1.01 below 1,180.00
    answer = filer.retsave("102024", b2b=[b2b(recipient, short)])
    assert fields(answer) == ["val"]
    assert "taxable value plus tax 1180.00" in answer.json()["error"]["details"][0]["message"]
    rounded = {**short, "inum": "ROUND-1", "val": Decimal("1179.50")}  # rounding to the rupee
    freight = {**short, "inum": "OVER-1", "val": Decimal("1230.00")}  # ₹50 outside GST
    reverse = {
        **invoice("RCM-1", "10-10-2024", pos="29", rate=18, taxable=1000, iamt=180, rchrg="Y"),
        "val": 1000,  # the supplier collects no tax under reverse charge
    }
    saved = filer.retsave("102024", b2b=[b2b(recipient, rounded, freight, reverse)])
    assert ok(saved)["saved"] == 3
