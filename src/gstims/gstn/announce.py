"""What a GSP client needs to reach gstims, as `gstims serve` and `gstims demo` print it."""

from __future__ import annotations

from pathlib import Path

from gstims.gstn.keys import CERT_DER, CERT_PEM
from gstims.gstn.routes import CERTIFICATE_DER, CERTIFICATE_PEM
from gstims.gstn.sessions import DEV_OTP, register_client
from gstims.gstn.settings import GstnSettings
from gstims.store.db import Database


def certificate_lines(base_url: str, key_dir: Path, gstn: GstnSettings) -> list[str]:
    if not gstn.enabled:
        return ["GSTN protocol off (GSTIMS_PROTOCOL=plain): plain JSON on /taxpayerapi/..."]
    return [
        f"GSTN protocol on {base_url}/taxpayerapi/v1.0/... (plain JSON at /plain/taxpayerapi/...)",
        f"GSTN certificate: {base_url}{CERTIFICATE_PEM} and {base_url}{CERTIFICATE_DER}",
        f"  kept in {key_dir.resolve()} ({CERT_PEM}, {CERT_DER}, and the private key)",
    ]


def demo_client_lines(db: Database, base_url: str, username: str, sandbox_otp: bool) -> list[str]:
    """Register a client id and secret for the demo and say how to log in with it."""
    with db.transaction() as uow:
        client_id, secret = register_client(uow, "gstims demo")
    otp = (
        f"OTP {DEV_OTP} (login and EVC)"
        if sandbox_otp
        else "a random OTP: GET /sandbox/v1/gstn/otps (header admin-token)"
    )
    return [
        "For a GSP / ERP client (docs/API.md, 'Point an existing client at gstims'):",
        f"  base URL:      {base_url}   (e.g. {base_url}/taxpayerapi/v1.0/authenticate)",
        f"  certificate:   {base_url}{CERTIFICATE_PEM}",
        f"  clientid:      {client_id}",
        f"  client-secret: {secret}",
        f"  username:      {username}   then {otp}",
        "  every user's latest OTPs: GET /sandbox/v1/gstn/otps (header admin-token)",
    ]
