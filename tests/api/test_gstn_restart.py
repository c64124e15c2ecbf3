"""A restart logs nobody out (issue 16): sessions and keys are kept, not held in memory.

A client logs in, the server is stopped and started again on the same database and key
directory, and the client's token, sek and certificate still work, unchanged.
"""

from __future__ import annotations

import pytest
from tests.api.conftest import BACKENDS, _start, _stop, served
from tests.api.gstn_client import GstnClient
from tests.api.wire import Sandbox, ok

R = "29AABCR1718E1ZL"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_session_and_the_certificate_survive_a_restart(backend, tmp_path):
    with served(backend, tmp_path) as first:
        sandbox = Sandbox(first.base_url, first.admin_token)
        sandbox.register(R)
        sandbox.user("erp-r", R)
        credentials = ok(sandbox.admin("POST", "/gstn/clients", {"name": "GSP"}))
        certificate = sandbox.http.get("/gstims/v1/gstn-certificate.der").content
        pem = sandbox.http.get("/gstims/v1/gstn-certificate.pem").content
        sandbox.close()
        client = GstnClient(
            first.base_url, credentials["client_id"], credentials["client_secret"], pem, "erp-r", R
        )
        client.otp_request()
        client.auth_token_with("575757").ok()
        before = client.get("returns/ims", action="GETCNT").ok()
        client.close()
        _stop(first.process)
        again = None
        for _ in range(5):
            again = _start(first.database_url, tmp_path, None, {})
            if again is not None:
                break
        assert again is not None
        try:
            restarted = GstnClient(
                again.base_url,
                credentials["client_id"],
                credentials["client_secret"],
                pem,
                "erp-r",
                R,
            )
            restarted.auth_token, restarted.sek = client.auth_token, client.sek
            assert restarted.get("returns/ims", action="GETCNT").ok() == before
            assert restarted.http.get("/gstims/v1/gstn-certificate.der").content == certificate
            restarted.close()
        finally:
            _stop(again.process)
