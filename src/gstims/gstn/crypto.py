"""The GSTN envelope's primitives (gstn-protocol.md §2, §5, §6), all done by `cryptography`.

AES-256 in ECB mode with PKCS#7 padding, no IV; HMAC-SHA256; standard base64 with padding.
What is encrypted and MACed is always the ASCII text of base64(JSON), never the JSON itself:

    request:   data = b64(AES(sek, P))      hmac = b64(HMAC(sek, P))      P = b64(json)
    response:  data = b64(AES(rek, P))      hmac = b64(HMAC(rek, P))      rek = b64(AES(sek, rek))

    >>> key = bytes(32)
    >>> aes_decrypt(key, aes_encrypt(key, b"575757"))
    b'575757'
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY_BYTES = 32  # app key, sek, rek and file keys are all AES-256 keys


class EnvelopeError(ValueError):
    """Bytes that do not open: bad base64, bad padding, a wrong key, a MAC that differs."""


def b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def b64decode(text: str | bytes) -> bytes:
    """Standard base64 with its padding, strictly (no URL-safe alphabet, no stray characters)."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EnvelopeError(f"not standard base64: {exc}") from exc


# GSTN's protocol fixes AES-256 in ECB mode (gstn-protocol.md): a client speaks nothing else.
# The payload's integrity is the HMAC's job; bandit's B305 is answered here, once.
def aes_encrypt(key: bytes, plaintext: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # nosec B305
    padded = padder.update(plaintext) + padder.finalize()
    return encryptor.update(padded) + encryptor.finalize()


def aes_decrypt(key: bytes, ciphertext: bytes) -> bytes:
    if len(key) != KEY_BYTES or not ciphertext or len(ciphertext) % 16:
        raise EnvelopeError("the ciphertext is not whole AES-256 blocks")
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()  # nosec B305
    unpadder = padding.PKCS7(128).unpadder()
    try:
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:  # bad padding: a wrong key or altered bytes
        raise EnvelopeError("the ciphertext does not open with this key") from exc


def mac(key: bytes, message: bytes) -> str:
    """base64(HMAC-SHA256(key, message))."""
    return b64encode(hmac.digest(key, message, hashlib.sha256))


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def seal_key(key: bytes, inner: bytes) -> str:
    """A key sent under another (sek under the app key, rek under the sek): b64(AES)."""
    return b64encode(aes_encrypt(key, inner))


def open_key(key: bytes, sealed: str) -> bytes:
    inner = aes_decrypt(key, b64decode(sealed))
    if len(inner) != KEY_BYTES:
        raise EnvelopeError(f"a key must be {KEY_BYTES} bytes, got {len(inner)}")
    return inner


def open_request(sek: bytes, data: str, given_hmac: str) -> bytes:
    """The JSON bytes of a request's `data`, after its `hmac` is checked (§5)."""
    payload = _payload(sek, data)
    if not hmac.compare_digest(mac(sek, payload).encode(), given_hmac.encode("utf-8", "replace")):
        raise EnvelopeError("the hmac does not match the data")
    return b64decode(payload)


def open_signed(sek: bytes, data: str, sid: str, sign: str) -> bytes:
    """The JSON bytes of an EVC filing: `sign` = b64(HMAC(ascii(sid), P)) instead of `hmac`."""
    payload = _payload(sek, data)
    if not hmac.compare_digest(
        mac(sid.encode(), payload).encode(), sign.encode("utf-8", "replace")
    ):
        raise EnvelopeError("the EVC sign does not match the data")
    return b64decode(payload)


def _payload(sek: bytes, data: str) -> bytes:
    payload = aes_decrypt(sek, b64decode(data))
    if not payload.isascii():
        raise EnvelopeError("the decrypted data is not base64 text")
    return payload


@dataclass(frozen=True, slots=True)
class Sealed:
    """A response's encrypted part: `data`, `rek` and `hmac` (§6)."""

    data: str
    rek: str
    hmac: str


def seal_response(sek: bytes, json_bytes: bytes, rek: bytes | None = None) -> Sealed:
    rek = rek or new_key()
    payload = base64.b64encode(json_bytes)
    return Sealed(b64encode(aes_encrypt(rek, payload)), seal_key(sek, rek), mac(rek, payload))


def seal_request(sek: bytes, json_bytes: bytes) -> tuple[str, str]:
    """(data, hmac) of a request body; what a client does, here for gstims' own tools."""
    payload = base64.b64encode(json_bytes)
    return b64encode(aes_encrypt(sek, payload)), mac(sek, payload)
