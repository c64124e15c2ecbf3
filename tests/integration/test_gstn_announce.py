"""What `gstims demo` and `gstims serve` print for a GSP client works as printed (issue 16)."""

from __future__ import annotations

import re
from pathlib import Path

from gstims.gstn.announce import certificate_lines, demo_client_lines
from gstims.gstn.sessions import DEV_OTP, check_client
from gstims.gstn.settings import GstnSettings


def test_the_printed_client_id_and_secret_are_a_registered_pair(db):
    lines = demo_client_lines(db, "http://127.0.0.1:8000", "sahyadri", sandbox_otp=True)
    text = "\n".join(lines)
    client_id = re.search(r"clientid:\s+(\S+)", text)[1]
    secret = re.search(r"client-secret:\s+(\S+)", text)[1]
    with db.uow(write=False) as uow:
        check_client(uow, client_id, secret)  # raises if the pair is not registered
    assert "http://127.0.0.1:8000/gstims/v1/gstn-certificate.pem" in text
    assert "username:      sahyadri" in text and DEV_OTP in text
    random = "\n".join(demo_client_lines(db, "http://h:1", "sahyadri", sandbox_otp=False))
    assert DEV_OTP not in random and "/sandbox/v1/gstn/otps" in random


def test_serve_names_both_certificate_urls_and_where_the_keys_are(tmp_path: Path):
    on = "\n".join(certificate_lines("http://h:1", tmp_path, GstnSettings(enabled=True)))
    assert "http://h:1/gstims/v1/gstn-certificate.pem" in on
    assert "http://h:1/gstims/v1/gstn-certificate.der" in on and str(tmp_path) in on
    off = certificate_lines("http://h:1", tmp_path, GstnSettings(enabled=False))
    assert off == ["GSTN protocol off (GSTIMS_PROTOCOL=plain): plain JSON on /taxpayerapi/..."]
