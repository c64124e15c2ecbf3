"""gstims' own RSA-2048 key pair and self-signed X.509 certificate (gstn-protocol.md §2).

A GSTN client encrypts its app key with "the GSTN certificate"; pointed at gstims it uses this
one, served (no authentication) at `/gstims/v1/gstn-certificate.pem` and `.der`. The pair is
made on first start in the directory the `GSTIMS_GSTN_KEY_DIR` setting names and kept, so a
restart neither changes the certificate clients hold nor logs anyone out.

PKCS#1 v1.5 decryption under OpenSSL 3.2+ uses implicit rejection: a ciphertext that is not
ours may decrypt to random bytes instead of failing. An app key is exactly 32 bytes; anything
else is refused as "not an app key", which also refuses (almost) every random answer.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from gstims.gstn.crypto import KEY_BYTES, EnvelopeError, b64decode
from gstims.settings import environment

PRIVATE = "gstn-private-key.pem"
CERT_PEM = "gstn-certificate.pem"
CERT_DER = "gstn-certificate.der"
CERT_YEARS = 10


@dataclass(frozen=True)
class ServerKey:
    private: rsa.RSAPrivateKey
    certificate: x509.Certificate
    directory: Path

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def open_app_key(self, sealed: str) -> bytes:
        """The 32-byte app key a client encrypted with our certificate (RSA PKCS#1 v1.5)."""
        try:
            key = self.private.decrypt(b64decode(sealed), padding.PKCS1v15())
        except ValueError as exc:
            raise EnvelopeError("the app key does not open with gstims' key") from exc
        if len(key) != KEY_BYTES:  # implicit rejection answers random bytes of other lengths
            raise EnvelopeError(f"the app key must be {KEY_BYTES} bytes")
        return key

    def secret(self, purpose: str) -> bytes:
        """A stable secret for `purpose` (signing file URLs), derived from the private key."""
        der = self.private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return hashlib.sha256(purpose.encode() + b"\x00" + der).digest()


def key_directory(explicit: str | None = None) -> Path:
    return Path(explicit or environment().gstn_key_dir or "gstn-keys")


def load_or_create(directory: Path) -> ServerKey:
    """The kept key pair and certificate in `directory`, made there on first use."""
    private_path = directory / PRIVATE
    if private_path.exists():
        private = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise ValueError(f"{private_path} is not an RSA private key")
        cert = x509.load_pem_x509_certificate((directory / CERT_PEM).read_bytes())
        return ServerKey(private, cert, directory)
    directory.mkdir(parents=True, exist_ok=True)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = _self_signed(private)
    key = ServerKey(private, cert, directory)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write(directory / CERT_PEM, key.pem)
    _write(directory / CERT_DER, key.der)
    _write(private_path, pem, mode=0o600)  # last: its presence means the pair is complete
    return key


def _self_signed(private: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "gstims sandbox"),
            x509.NameAttribute(NameOID.COMMON_NAME, "gstims GSTN public key"),
        ]
    )
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * CERT_YEARS))
        .sign(private, hashes.SHA256())
    )


def _write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Written whole or not at all (a crash never leaves half a key)."""
    temporary = path.with_suffix(f"{path.suffix}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    temporary.replace(path)
