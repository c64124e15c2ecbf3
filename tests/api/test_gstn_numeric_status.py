"""`GSTIMS_GSTN_NUMERIC_STATUS=1`: `status_cd` as the numbers 1 / 0 (gstn-protocol.md §11,
decision 4), for a client whose own gateway turns GSTN's strings into numbers."""

from __future__ import annotations

import pytest
from tests.api.conftest import BACKENDS, served
from tests.api.gstn_client import GstnClient
from tests.api.wire import ok

R = "29AABCR1718E1ZL"


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"gstn-numeric-{request.param}")
    with served(request.param, workdir, settings={"GSTIMS_GSTN_NUMERIC_STATUS": "1"}) as running:
        yield running


def test_status_cd_is_a_number_in_every_protocol_answer(sandbox):
    sandbox.register(R)
    sandbox.user("erp-r", R)
    credentials = ok(sandbox.admin("POST", "/gstn/clients", {"name": "IC's gateway"}))
    client = GstnClient(
        sandbox.base_url,
        credentials["client_id"],
        credentials["client_secret"],
        sandbox.http.get("/gstims/v1/gstn-certificate.pem").content,
        username="erp-r",
        gstin=R,
    )
    try:
        assert client.otp_request().envelope == {"status_cd": 1}
        assert client.auth_token_with("575757").envelope["status_cd"] == 1
        counts = client.get("returns/ims", action="GETCNT")
        assert counts.envelope["status_cd"] == 1 and counts.ok()["all_oth"]["ttl_cnt"] == 0
        refused = client.get("returns/ims", action="GETINV", section="b2x")
        assert refused.envelope["status_cd"] == 0 and refused.error_cd == "GSTIMS400"
    finally:
        client.close()
    # the plain API keeps GSTN's strings
    assert sandbox.admin("GET", "/clock").json()["status_cd"] == "1"
