"""Each refusal of the GSTN protocol has its code, is HTTP 200, and changes nothing (issue 16,
acceptance point 1 and 3; gstn-protocol.md items 3–13, decision 5).

Supplier S files two October invoices to A and one to B. `erp-a` holds A, `erp-b` holds B,
and `ca-firm` holds both; everything of B's is marked `BSEC` so a leak is a text search.
"""

from __future__ import annotations

import base64
import json
import os

import pytest
from tests.api.gstn_client import GstnClient, aes, b64, hmac_b64
from tests.api.wire import Sandbox, act, b2b, by_number, invoice, ok

S, A, B = "27AAPFU0939F1ZV", "29AABCR1718E1ZL", "33AAACM5555M1ZA"
DEV_OTP = "575757"  # the sandbox's documented development OTP


@pytest.fixture(scope="module")
def gsp(sandbox: Sandbox) -> dict[str, object]:
    for gstin, name in ((S, "Supplier S"), (A, "Buyer A"), (B, "Secret Buyer B")):
        sandbox.register(gstin, name=name)
    supplier = sandbox.taxpayer(S)
    sandbox.user("erp-a", A)
    sandbox.user("erp-b", B)
    sandbox.user("ca-firm", A, B)
    sandbox.today("01-11-2024")
    ok(
        supplier.retsave(
            "102024",
            b2b=[
                b2b(A, invoice("A-1", "05-10-2024", pos="29", rate=18, taxable=100, iamt=18)),
                b2b(B, invoice("BSEC-1", "06-10-2024", pos="33", rate=18, taxable=700, iamt=126)),
            ],
        )
    )
    ok(supplier.retfile("102024"))
    credentials = ok(sandbox.admin("POST", "/gstn/clients", {"name": "GSP"}))
    certificate = sandbox.http.get("/gstims/v1/gstn-certificate.pem").content
    return {
        "base_url": sandbox.base_url,
        "client_id": credentials["client_id"],
        "client_secret": credentials["client_secret"],
        "certificate_pem": certificate,
    }


@pytest.fixture
def client_of(gsp):
    made: list[GstnClient] = []

    def make(username: str, gstin: str, *, login: bool = True) -> GstnClient:
        client = GstnClient(username=username, gstin=gstin, **gsp)
        made.append(client)
        if login:
            client.otp_request()
            assert client.auth_token_with(DEV_OTP).envelope["status_cd"] == "1"
        return client

    yield make
    for client in made:
        client.close()


def otps(sandbox: Sandbox) -> list[dict[str, str]]:
    return ok(sandbox.admin("GET", "/gstn/otps"))


def a_actions(client: GstnClient) -> dict[str, str]:
    return {
        n: r["action"]
        for n, r in by_number(client.get("returns/ims", action="GETINV").ok()).items()
    }


# -- login ------------------------------------------------------------------------------------


def test_a_wrong_otp_is_auth4034_and_the_right_one_still_works(client_of):
    """Item 5: wrong OTP → AUTH4034; the refused attempt neither spends the OTP nor logs in."""
    client = client_of("erp-a", A, login=False)
    client.otp_request()
    refused = client.auth_token_with("123456")
    assert refused.response.status_code == 200
    assert refused.envelope["status_cd"] == "0" and refused.error_cd == "AUTH4034"
    assert "auth_token" not in refused.envelope
    assert client.auth_token_with(DEV_OTP).envelope["status_cd"] == "1"


@pytest.mark.parametrize("length", [16, 31, 33])
def test_an_app_key_that_is_not_32_bytes_is_refused_and_no_otp_is_issued(
    sandbox, client_of, length
):
    """Item 4: RSA-decrypted app key must be exactly 32 bytes (TEC4002); nothing is issued."""
    client = client_of("erp-b", B, login=False)
    before = otps(sandbox)
    answer = client.authenticate(
        {
            "action": "OTPREQUEST",
            "username": "erp-b",
            "app_key": client.sealed_app_key(os.urandom(length)),
        }
    )
    assert answer.envelope["status_cd"] == "0" and answer.error_cd == "TEC4002"
    assert otps(sandbox) == before


def test_a_block_that_is_not_rsa_of_our_key_never_logs_in(client_of):
    """Implicit rejection: a foreign 256-byte block decrypts to random bytes; whatever their
    length, the login is refused (TEC4002, or AUTH4034 when they happen to be 32 long)."""
    client = client_of("erp-a", A, login=False)
    client.otp_request()
    client.app_key = os.urandom(32)
    answer = client.authenticate(
        {
            "action": "AUTHTOKEN",
            "username": "erp-a",
            "app_key": b64(os.urandom(256)),
            "otp": b64(aes(client.app_key, DEV_OTP.encode())),
        }
    )
    assert answer.envelope["status_cd"] == "0"
    assert answer.error_cd in ("TEC4002", "AUTH4034")


def test_unregistered_client_credentials_are_refused(client_of):
    """Item 3: clientid + client-secret from the registered list."""
    client = client_of("erp-a", A, login=False)
    client.client_secret = "not-the-secret"
    assert client.otp_request().error_cd == "GSTIMSCLIENT"


def test_a_logged_out_token_is_auth4033(client_of):
    """Item 6: LOGOUT invalidates the token."""
    client = client_of("erp-a", A)
    assert client.logout().envelope["status_cd"] == "1"
    answer = client.get("returns/ims", action="GETCNT")
    assert answer.response.status_code == 200 and answer.error_cd == "AUTH4033"
    assert client.refresh().error_cd == "AUTH4033"


def test_a_refreshed_session_keeps_the_old_one_until_it_expires(client_of):
    """docs/API.md: REFRESHTOKEN issues a new token and sek; the old one lives out its expiry
    (a client may still hold headers built before the refresh, gstn-protocol.md §11)."""
    client = client_of("erp-a", A)
    old = (client.auth_token, client.sek)
    client.refresh()
    assert client.get("returns/ims", action="GETCNT").ok()
    client.auth_token, client.sek = old
    assert client.get("returns/ims", action="GETCNT").ok()


# -- headers and envelopes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "value", "code"),
    [
        ("state-cd", "27", "RET11404"),
        ("username", "", "RET11400"),
        ("txn", "", "RET11400"),
        ("ip-usr", "", "RET11400"),
        ("username", "erp-b", "AUTH4033"),
        ("auth-token", "", "AUTH4033"),
        ("client-secret", "wrong", "GSTIMSCLIENT"),
    ],
)
def test_a_call_with_a_wrong_or_missing_header_is_refused(client_of, header, value, code):
    """Item 7: auth-token, username, state-cd = gstin[:2], ip-usr and txn are checked."""
    client = client_of("erp-a", A)
    answer = client.get("returns/ims", action="GETCNT", headers=client.headers(**{header: value}))
    assert answer.response.status_code == 200 and answer.error_cd == code


def test_unknown_headers_are_ignored(client_of):
    """Item 7: a GSP's own headers (x-api-key, aspid ...) do not disturb a call."""
    client = client_of("erp-a", A)
    headers = client.headers(**{"x-api-key": "k", "aspid": "asp", "ret_period": "102024"})
    assert client.get("returns/ims", action="GETCNT", headers=headers).ok()


def test_a_bad_hmac_is_refused_and_the_save_does_not_happen(client_of):
    """Item 8: the hmac is checked before the data is used."""
    client = client_of("erp-a", A)
    record = by_number(client.get("returns/ims", action="GETINV").ok())["A-1"]
    payload = {"rtin": A, "reqtyp": "SAVE", "invdata": {"b2b": [act(record, "R")]}}
    forged = base64.b64encode(os.urandom(32)).decode()
    answer = client.send("PUT", "returns/ims", "SAVE", payload, hmac_override=forged)
    assert answer.response.status_code == 200 and answer.error_cd == "GSTIMSHMAC"
    assert a_actions(client) == {"A-1": "N"}


def test_a_wrong_evc_sign_or_otp_files_nothing(sandbox, client_of):
    """Item 9: sign = HMAC(PAN|OTP, P) with the OTP of a prior EVCOTP; else nothing is filed."""
    client = client_of("erp-a", A)
    filing = {"gstin": A, "ret_period": "102024"}
    assert client.evc_otp("R1").envelope["status_cd"] == "1"
    wrong_otp = client.send("POST", "returns/gstr1", "RETFILE", filing, evc="111111")
    assert wrong_otp.error_cd == "RET13506"
    body_sign = client.send("POST", "returns/gstr1", "RETFILE", filing, evc=DEV_OTP)
    assert body_sign.ok()["status"] == "filed"  # the control: the right OTP files
    plain = sandbox.taxpayer(A, sandbox.user("plain-a", A))
    assert ok(plain.retsum("102024"))["status"] == "filed"
    client.evc_otp("R1")
    text = base64.b64encode(json.dumps(filing).encode())
    sid = f"{A[2:12]}|{DEV_OTP}"
    body = {
        "action": "RETFILE",
        "data": b64(aes(client.sek, text)),
        "st": "EVC",
        "sid": sid,
        "sign": hmac_b64(f"{A[2:12]}|111111".encode(), text),  # signed with another OTP
    }
    response = client.http.post(
        "/taxpayerapi/v1.0/returns/gstr1a", headers=client.headers(), content=json.dumps(body)
    )
    assert response.status_code == 200 and response.json()["error"]["error_cd"] == "GSTIMSSIGN"
    assert ok(plain.retsum("102024", form="gstr1a"))["status"] != "filed"
    assert any(o["kind"] == "EVC" for o in otps(sandbox) if o["username"] == "erp-a")  # unspent


# -- isolation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attack",
    [
        "B in the gstin header",
        "B in the query, A in the header",
        "a CA session bound to A asks for B",
    ],
)
def test_a_session_for_a_asking_for_bs_data_gets_ret11402_and_nothing_of_b(client_of, attack):
    """Item 7, acceptance point 3: R-SUP-1 in GSTN mode."""
    if attack == "a CA session bound to A asks for B":
        client = client_of("ca-firm", A)  # logged in with gstin A: the session is bound to A
        answer = client.get(
            "returns/ims",
            action="GETINV",
            gstin=B,
            headers=client.headers(gstin=B, **{"state-cd": "33"}),
        )
    elif attack == "B in the gstin header":
        client = client_of("erp-a", A)
        answer = client.get(
            "returns/ims",
            action="GETINV",
            gstin=B,
            headers=client.headers(gstin=B, **{"state-cd": "33"}),
        )
    else:
        client = client_of("erp-a", A)
        answer = client.get("returns/ims", action="GETINV", gstin=B)
    assert answer.response.status_code == 200 and answer.error_cd == "RET11402"
    assert "BSEC" not in answer.response.text and "BSEC" not in answer.plain_text


def test_a_large_download_token_of_b_is_nothing_for_a(client_of):
    """A FILEDET token is B's alone: A asking with it learns nothing."""
    client = client_of("erp-a", A)
    answer = client.get("returns/ims", action="FILEDET", token="0" * 32)
    assert answer.error_cd == "RET11416"


def test_a_tampered_or_expired_file_url_serves_nothing(gsp, sandbox, client_of):
    """Item 13: `ul` is signed and expires; a changed `expires` breaks the signature."""
    response = sandbox.http.get("/gstims/v1/gstn-files/abc/1?expires=1&md5=00")
    assert response.status_code == 200 and response.json()["error"]["error_cd"] == "GSTIMSFILE"
