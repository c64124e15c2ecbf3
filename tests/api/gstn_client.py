"""A small GSTN taxpayer-API client, written only from `shared/reference/gstn-protocol.md`.

It knows nothing of gstims: httpx for HTTP, `cryptography` for RSA and AES, the standard
library for the rest. What it does is what a GSP or ERP client does (§2–§7):

- OTPREQUEST / AUTHTOKEN with a fresh 32-byte app key under the server's certificate;
  the `sek` comes back under the app key;
- every GET carries `action` and its inputs in the query; every PUT/POST body is
  `{action, data = b64(AES(sek, P)), hmac = b64(HMAC(sek, P))}` with P = b64(JSON);
  a filing is signed with EVC instead: `st`, `sid` = PAN|OTP, `sign` = b64(HMAC(sid, P));
- an answer's `rek` opens under the sek, its `data` under the rek, and `hmac` is checked;
- a large GETINV answers a token: FILEDET gives the key and the file URLs; each tar.gz is
  downloaded, its SHA-256 checked, its `.json` member opened under `ek` and the parts merged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import tarfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def aes(key: bytes, plain: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(padder.update(plain) + padder.finalize()) + enc.finalize()


def unaes(key: bytes, sealed: bytes) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(dec.update(sealed) + dec.finalize()) + unpadder.finalize()


def hmac_b64(key: bytes, message: bytes) -> str:
    return b64(hmac.new(key, message, hashlib.sha256).digest())


def dumps(payload: Any) -> bytes:
    """JSON with Decimal amounts as bare numbers."""
    marker = "\x00"

    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{marker}{value}{marker}"
        raise TypeError(value)

    text = json.dumps(payload, default=default)
    return text.replace('"\\u0000', "").replace('\\u0000"', "").encode()


def succeeded(envelope: dict[str, Any]) -> bool:
    """`status_cd` "1" (GSTN sends a string; a gateway may have made it the number 1)."""
    return str(envelope.get("status_cd")) == "1"


class GstnError(AssertionError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass
class Answer:
    """One answer: the HTTP response, its envelope, and the opened `data` when it succeeded."""

    response: httpx.Response
    envelope: dict[str, Any]
    data: Any = None
    plain_text: str = ""  # the opened data as text (for leak checks)

    @property
    def error_cd(self) -> str | None:
        return (self.envelope.get("error") or {}).get("error_cd")

    def ok(self) -> Any:
        if not succeeded(self.envelope):
            error = self.envelope.get("error") or {}
            raise GstnError(error.get("error_cd", "?"), error.get("message", ""))
        return self.data


@dataclass
class GstnClient:
    base_url: str
    client_id: str
    client_secret: str
    certificate_pem: bytes
    username: str
    gstin: str
    version: str = "v1.0"
    http: httpx.Client = field(init=False)
    app_key: bytes = b""
    auth_token: str = ""
    sek: bytes = b""
    expiry: int = 0

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.base_url, timeout=120)

    def close(self) -> None:
        self.http.close()

    # -- headers and the authentication API ---------------------------------------------------

    def _common(self) -> dict[str, str]:
        return {
            "clientid": self.client_id,
            "client-secret": self.client_secret,
            "state-cd": self.gstin[:2],
            "ip-usr": "127.0.0.1",
            "txn": "TXN789123456789",  # reused, as real clients do
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def headers(self, **extra: str) -> dict[str, str]:
        out = self._common()
        out.update({"auth-token": self.auth_token, "username": self.username, "gstin": self.gstin})
        out.update(extra)
        return out

    def sealed_app_key(self, key: bytes | None = None) -> str:
        public = x509.load_pem_x509_certificate(self.certificate_pem).public_key()
        return b64(public.encrypt(key if key is not None else self.app_key, PKCS1v15()))

    def authenticate(self, body: dict[str, Any]) -> Answer:
        response = self.http.post(
            f"/taxpayerapi/{self.version}/authenticate",
            headers={**self._common(), "gstin": self.gstin, "username": self.username},
            content=json.dumps(body),
        )
        assert response.status_code == 200, response.text
        return Answer(response, response.json())

    def otp_request(self) -> Answer:
        self.app_key = os.urandom(32)
        return self.authenticate(
            {"action": "OTPREQUEST", "username": self.username, "app_key": self.sealed_app_key()}
        )

    def auth_token_with(self, otp: str) -> Answer:
        answer = self.authenticate(
            {
                "action": "AUTHTOKEN",
                "username": self.username,
                "app_key": self.sealed_app_key(),
                "otp": b64(aes(self.app_key, otp.encode())),
            }
        )
        if succeeded(answer.envelope):
            self._session(answer.envelope, self.app_key)
        return answer

    def _session(self, body: dict[str, Any], app_key: bytes) -> None:
        self.auth_token, self.expiry = body["auth_token"], body["expiry"]
        self.sek = unaes(app_key, base64.b64decode(body["sek"]))
        assert len(body["sek"]) == 64 and len(self.sek) == 32

    def refresh(self) -> Answer:
        new_key = os.urandom(32)
        answer = self.authenticate(
            {
                "action": "REFRESHTOKEN",
                "username": self.username,
                "auth_token": self.auth_token,
                "app_key": b64(aes(self.sek, new_key)),
            }
        )
        if succeeded(answer.envelope):
            self.app_key = new_key
            self._session(answer.envelope, new_key)
        return answer

    def logout(self) -> Answer:
        return self.authenticate(
            {
                "action": "LOGOUT",
                "username": self.username,
                "auth_token": self.auth_token,
                "app_key": self.sealed_app_key(),
            }
        )

    def evc_otp(self, form_type: str, headers: dict[str, str] | None = None) -> Answer:
        sent = headers or self.headers()
        gstin = sent["gstin"]
        response = self.http.get(
            f"/taxpayerapi/{self.version}/authenticate",
            params={"action": "EVCOTP", "gstin": gstin, "pan": gstin[2:12], "form_type": form_type},
            headers=sent,
        )
        assert response.status_code == 200, response.text
        return Answer(response, response.json())

    # -- the returns APIs ---------------------------------------------------------------------

    def get(self, endpoint: str, headers: dict[str, str] | None = None, **params: Any) -> Answer:
        query = {"gstin": self.gstin, **{k: v for k, v in params.items() if v is not None}}
        response = self.http.get(
            f"/taxpayerapi/{self.version}/{endpoint}",
            params=query,
            headers=headers or self.headers(),
        )
        return self.opened(response)

    def send(
        self,
        method: str,
        endpoint: str,
        action: str,
        payload: Any,
        *,
        evc: str | None = None,
        hmac_override: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bool = False,
    ) -> Answer:
        """`raw`: `payload` is the JSON text itself (None: a body without `data`)."""
        body: dict[str, Any] = {"action": action}
        text = b""
        if payload is not None or not raw:
            text = base64.b64encode(payload if raw else dumps(payload))
            body["data"] = b64(aes(self.sek, text))
        if evc is None:
            body["hmac"] = hmac_override or hmac_b64(self.sek, text)
        else:
            sid = f"{(headers or self.headers())['gstin'][2:12]}|{evc}"
            body.update({"st": "EVC", "sid": sid, "sign": hmac_b64(sid.encode(), text)})
        response = self.http.request(
            method,
            f"/taxpayerapi/{self.version}/{endpoint}",
            headers=headers or self.headers(),
            content=json.dumps(body),
        )
        return self.opened(response)

    def opened(self, response: httpx.Response) -> Answer:
        assert response.status_code == 200, f"{response.status_code}: {response.text[:500]}"
        envelope = response.json()
        if not succeeded(envelope):
            return Answer(response, envelope)
        rek = unaes(self.sek, base64.b64decode(envelope["rek"]))
        payload = unaes(rek, base64.b64decode(envelope["data"]))
        assert envelope["hmac"] == hmac_b64(rek, payload), "HMAC mismatch"
        text = base64.b64decode(payload).decode()
        return Answer(response, envelope, json.loads(text, parse_float=Decimal), text)

    # -- large downloads ----------------------------------------------------------------------

    def download(self, endpoint: str, token: str) -> tuple[dict[str, list[Any]], dict[str, Any]]:
        """FILEDET, every file fetched without auth headers, hash-checked, opened and merged."""
        details = self.get(endpoint, action="FILEDET", token=token).ok()
        key = base64.b64decode(details["ek"])
        merged: dict[str, list[Any]] = {}
        for url in details["urls"]:
            content = self.http.get(url["ul"]).content  # no auth-token: the URL is signed
            assert hashlib.sha256(content).hexdigest() == url["hash"]
            part = self.open_file(key, content)
            assert sum(len(v) for v in part.values()) == url["ic"]
            for section, records in part.items():
                merged.setdefault(section, []).extend(records)
        assert len(details["urls"]) == details["fc"]
        return merged, details

    @staticmethod
    def open_file(key: bytes, content: bytes) -> dict[str, list[Any]]:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith(".json"))
            sealed = archive.extractfile(member).read()  # type: ignore[union-attr]
        payload = unaes(key, base64.b64decode(sealed))
        return json.loads(base64.b64decode(payload), parse_float=Decimal)
