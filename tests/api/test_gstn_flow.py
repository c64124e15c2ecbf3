"""A GSP client runs a whole IMS month against gstims over the GSTN protocol (issue 16).

The client (`tests/api/gstn_client.py`) is written from the protocol document alone. It logs
in with an OTP read from the sandbox, reads counts and records (a small GETINV, and a large one
through a token, FILEDET and three encrypted files), acts on records, resets one, generates
and reads its GSTR-2B, saves, resets, saves again, proceeds to file (RETNEWPTF), checks and
files (EVC) its own GSTR-1, reads, saves a draft of and files (EVC) its GSTR-3B, refreshes its session, and logs out. Every figure it reads is compared with the plain
API's answer for the same call on the same server.

Gateway rules: gstn-protocol.md items 4–15; the IMS, 2B and 3B rules the figures follow are
the plain API's (R-ACT-1, R-ACT-10, R-2B-1, R-3B-1), which tests/api/test_cycle.py pins.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from tests.api.conftest import BACKENDS, served
from tests.api.gstn_client import GstnClient
from tests.api.wire import (
    Sandbox,
    act,
    b2b,
    by_number,
    cdnr,
    docs_2b,
    invoice,
    note,
    ok,
    undo,
)

S, R = "27AAPFU0939F1ZV", "29AABCR1718E1ZL"
LARGE, PER_FILE = 5, 3  # the server's GETINV threshold and records per file, for this module
OCTOBER = [
    invoice(f"INV-{n}", f"{n:02d}-10-2024", pos="29", rate=18, taxable=1000 * n, iamt=180 * n)
    for n in range(1, 8)
]
CREDIT_NOTE = note("CN-1", "20-10-2024", pos="29", rate=18, taxable=500, iamt=90)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory):
    settings = {
        "GSTIMS_GSTN_LARGE_DOWNLOAD": str(LARGE),
        "GSTIMS_GSTN_FILE_RECORDS": str(PER_FILE),
        "GSTIMS_GSTN_RANDOM_OTP": "1",  # OTPs come from the sandbox, as SMS would
        "GSTIMS_GSTN_2B_FILE_DOCUMENTS": str(PER_FILE),
    }
    workdir = tmp_path_factory.mktemp(f"gstn-{request.param}")
    with served(request.param, workdir, settings=settings) as running:
        yield running


@pytest.fixture(scope="module")
def world(sandbox: Sandbox) -> Iterator[tuple[Sandbox, GstnClient]]:
    sandbox.register(S, name="Supplier S")
    sandbox.register(R, name="Recipient R")
    supplier = sandbox.taxpayer(S)
    sandbox.user("erp-r", R)
    sandbox.today("01-11-2024")
    ok(supplier.retsave("102024", b2b=[b2b(R, *OCTOBER)], cdnr=[cdnr(R, CREDIT_NOTE)]))
    ok(supplier.retfile("102024"))
    credentials = ok(sandbox.admin("POST", "/gstn/clients", {"name": "a GSP"}))
    certificate = sandbox.http.get("/gstims/v1/gstn-certificate.pem")
    assert certificate.status_code == 200
    client = GstnClient(
        sandbox.base_url,
        credentials["client_id"],
        credentials["client_secret"],
        certificate.content,
        username="erp-r",
        gstin=R,
    )
    yield sandbox, client
    client.close()


def latest_otp(sandbox: Sandbox, username: str, kind: str) -> str:
    otps = ok(sandbox.admin("GET", "/gstn/otps"))
    return next(o["otp"] for o in otps if o["username"] == username and o["kind"] == kind)


def test_a_gsp_client_runs_the_whole_month_with_the_plain_apis_figures(world):
    """gstn-protocol.md "What gstims must implement", item 17, as issue 16 acceptance point 2."""
    sandbox, client = world
    plain = sandbox.taxpayer(R, sandbox.user("plain-r", R))

    # OTP login (items 4, 5)
    assert client.otp_request().envelope == {"status_cd": "1"}
    login = client.auth_token_with(latest_otp(sandbox, "erp-r", "LOGIN"))
    assert login.envelope["status_cd"] == "1" and login.envelope["expiry"] == 360
    assert len(client.auth_token) == 32

    # GETCNT; GETINV small, then large through a token and files (items 12, 13)
    counts = client.get("returns/ims", action="GETCNT", goods_typ="ALL_OTH").ok()
    assert counts == ok(plain.getcnt())["invoicecount"][0]
    assert counts["all_oth"]["b2b"]["noaction"] == 7
    notes = client.get("returns/ims", action="GETINV", section="CN").ok()
    assert notes == ok(plain.getinv("b2bcn"))
    large = client.get("returns/ims", action="GETINV").ok()
    assert set(large) == {"token", "est"}
    records, details = client.download("returns/ims", large["token"])
    assert details["fc"] == 3 and [u["ic"] for u in details["urls"]] == [3, 3, 2]
    assert records == ok(plain.getinv())

    # SAVE, REQSTS, RESETIMS (item 12)
    found = by_number(records)
    saved = client.send(
        "PUT",
        "returns/ims",
        "SAVE",
        {
            "rtin": R,
            "reqtyp": "SAVE",
            "invdata": {
                "b2b": [
                    act(found["INV-1"], "A"),
                    act(found["INV-2"], "R"),
                    act(found["INV-3"], "P"),
                ]
            },
        },
    ).ok()
    status = client.get("returns/ims", action="REQSTS", int_tran_id=saved["reference_id"]).ok()
    assert status == ok(plain.reqsts(saved["reference_id"]))
    assert (status["status_cd"], status["proc_cnt"], status["err_cnt"]) == ("P", 3, 0)
    pending = by_number(ok(plain.getinv()))["INV-3"]
    reset = client.send(
        "PUT",
        "returns/ims",
        "RESETIMS",
        {"rtin": R, "reqtyp": "RESET", "invdata": {"b2b": [undo(pending)]}},
    ).ok()
    assert (
        client.get("returns/ims", action="REQSTS", int_tran_id=reset["reference_id"]).ok()[
            "status_cd"
        ]
        == "P"
    )
    counts = client.get("returns/ims", action="GETCNT").ok()
    assert counts["all_oth"]["b2b"] == {"noaction": 5, "accept": 1, "reject": 1, "pending": 0}
    assert counts == ok(plain.getcnt())["invoicecount"][0]

    # GEN2B, GENSTS2B, GET2B (item 14)
    sandbox.today("14-11-2024")
    generated = client.send("PUT", "returns/gstr2b", "GEN2B", {"rtin": R, "itcprd": "102024"}).ok()
    generation = client.get(
        "returns/gstr2b", action="GENSTS2B", int_tran_id=generated["reference_id"]
    )
    assert generation.ok()["status_cd"] == "P"
    whole = ok(plain.get2b("102024"))
    asked = client.get("returns/gstr2b", action="GET2B", rtnprd="102024").ok()
    assert asked["data"]["gstin"] == R and asked["data"]["fc"] == 3  # 8 documents, 3 a file
    files = [
        client.get("returns/gstr2b", action="GET2B", rtnprd="102024", file_num=n).ok()
        for n in (1, 2, 3)
    ]
    assert all(len(f["chksum"]) == 64 and f["data"]["gstin"] == R for f in files)
    assert files[0]["data"]["itcsumm"] == whole["itcsumm"]
    for part, section in (("docdata", "b2b"), ("docdata", "cdnr"), ("docRejdata", "b2b")):
        merged: dict[str, list[str]] = {}
        for f in files:
            for ctin, found in docs_2b(f["data"], part, section).items():
                merged.setdefault(ctin, []).extend(found)
        assert docs_2b(whole, part, section)  # each of the three has documents
        assert {c: sorted(d) for c, d in merged.items()} == docs_2b(whole, part, section)

    # R's own GSTR-1: RETSAVE, RETSTATUS, RETFILE with EVC (items 9, 15)
    outward = invoice("R-OUT-1", "25-10-2024", pos="27", rate=18, taxable=2000, iamt=360)
    gstr1 = {"gstin": R, "fp": "102024", "b2b": [b2b(S, outward)]}
    reference = client.send("PUT", "returns/gstr1", "RETSAVE", gstr1).ok()["reference_id"]
    state = client.get("returns", action="RETSTATUS", ret_period="102024", ref_id=reference).ok()
    assert state["status_cd"] == "P"
    # RESET discards the saved return; saved again, RETNEWPTF (proceed to file) checks it
    period = {"gstin": R, "ret_period": "102024"}
    reset = client.send("POST", "returns/gstr1", "RESET", period).ok()["reference_id"]
    state = client.get("returns", action="RETSTATUS", ret_period="102024", ref_id=reset).ok()
    assert (state["status_cd"], state["action"]) == ("P", "RESET")
    assert ok(plain.retsum("102024"))["counts"] == {}
    client.send("PUT", "returns/gstr1", "RETSAVE", gstr1).ok()
    ready = {**period, "rtn_typ": "GSTR1"}
    ptf = client.send("POST", "returns/gstrptf", "RETNEWPTF", ready).ok()["reference_id"]
    state = client.get("returns", action="RETSTATUS", ret_period="102024", ref_id=ptf).ok()
    assert (state["status_cd"], state["action"]) == ("P", "RETNEWPTF")
    wrong = client.send("POST", "returns/gstrptf", "RETNEWPTF", {**ready, "rtn_typ": "GSTR9"})
    assert wrong.error_cd == "GSTIMS400" and "rtn_typ" in wrong.envelope["error"]["message"]
    no_period = client.send("POST", "returns/gstr1", "RESET", {"gstin": R})
    assert (
        no_period.error_cd == "GSTIMS400" and "ret_period" in no_period.envelope["error"]["message"]
    )
    early = {**ready, "ret_period": "112024"}  # November has not ended: ER with the refusal
    ptf = client.send("POST", "returns/gstrptf", "RETNEWPTF", early).ok()["reference_id"]
    state = client.get("returns", action="RETSTATUS", ret_period="112024", ref_id=ptf).ok()
    assert state["status_cd"] == "ER" and state["error_report"][0]["error_cd"]
    assert client.evc_otp("R1").envelope["status_cd"] == "1"
    otp = latest_otp(sandbox, "erp-r", "EVC")
    filing = {"gstin": R, "ret_period": "102024"}
    filed = client.send("POST", "returns/gstr1", "RETFILE", filing, evc=otp).ok()
    assert filed["status"] == "filed" and len(filed["ack_num"]) == 15
    assert ok(plain.retsum("102024"))["status"] == "filed"
    refused = client.send("POST", "returns/gstr1", "RESET", period)
    assert refused.error_cd == "RET0002"

    # GSTR-3B: the auto-liability as plain reads it, filed with EVC (items 9, 15)
    liability = client.get("returns/gstr3b", action="AUTOLIAB", ret_period="102024").ok()
    assert liability == ok(plain.autoliab("102024"))
    itc = {row["ty"]: row for row in liability["itc_elg"]["itc_avl"]}["OTH"]
    assert itc["iamt"] == Decimal(180 * (1 + 3 + 4 + 5 + 6 + 7) - 90)  # INV-2 rejected, CN-1 nets
    # GSTR-3B RETSAVE: the taxpayer's draft, exact amounts, read back; RETSTATUS shows it
    draft = {**liability, "sup_details": {**liability["sup_details"], "osup_inter": {"x": 1}}}
    del draft["stale_2b"]
    saved = client.send("PUT", "returns/gstr3b", "RETSAVE", draft).ok()["reference_id"]
    state = client.get("returns", action="RETSTATUS", ret_period="102024", ref_id=saved).ok()
    assert state["status_cd"] == "P"
    assert client.get("returns/gstr3b", action="RETSUM", ret_period="102024").ok() == draft
    bad = {**draft, "itc_elg": {"itc_avl": [{"ty": "OTH", "iamt": "lots"}]}}
    assert client.send("PUT", "returns/gstr3b", "RETSAVE", bad).error_cd == "GSTIMS400"
    client.evc_otp("R3B")
    otp = latest_otp(sandbox, "erp-r", "EVC")
    assert (
        client.send("POST", "returns/gstr3b", "RETFILE", filing, evc=otp).ok()["status"] == "filed"
    )
    assert client.send("PUT", "returns/gstr3b", "RETSAVE", draft).error_cd == "RET0002"

    # REFRESHTOKEN, a call with the new session, LOGOUT (item 6)
    old_token = client.auth_token
    assert client.refresh().envelope["status_cd"] == "1" and client.auth_token != old_token
    assert client.get("returns/ims", action="GETCNT").ok() == ok(plain.getcnt())["invoicecount"][0]
    assert client.logout().envelope == {"status_cd": "1"}
    assert client.get("returns/ims", action="GETCNT").error_cd == "AUTH4033"


def test_any_version_number_in_the_path_is_the_same_api(world):
    """Item 1: `/taxpayerapi/v{N}.{N}/...` for any version (clients use v1.0 to v6.0)."""
    sandbox, client = world
    client.otp_request()
    client.auth_token_with(latest_otp(sandbox, "erp-r", "LOGIN"))
    answers = []
    for version in ("v0.2", "v1.0", "v2.2", "v4.0", "v6.0"):
        client.version = version
        answers.append(client.get("returns/ims", action="GETCNT").ok())
    client.version = "v1.0"
    assert all(answer == answers[0] for answer in answers)
