"""The GSTN envelope's primitives against GSTN's own published vectors (gstn-protocol.md §9).

Both vectors of `shared/samples/gstn_crypto_vectors.json` are reproduced byte for byte; the
RSA step round-trips with gstims' own key, and an app key that is not 32 bytes is refused.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding
from tests.shared import SAMPLES

from gstims.gstn import crypto, keys
from gstims.gstn.crypto import EnvelopeError

VECTORS = json.loads((SAMPLES / "gstn_crypto_vectors.json").read_text())


def test_the_response_vector_opens_to_the_published_sek_rek_and_json():
    """gstn-protocol.md §9.1: app key → sek → rek → base64 text → 866 bytes of GSTR-1 JSON."""
    v = VECTORS["response_decrypt"]
    app_key = base64.b64decode(v["app_key_b64"])
    sek = crypto.open_key(app_key, v["sek_encrypted_with_app_key"])
    rek = crypto.open_key(sek, v["rek_encrypted_with_sek"])
    assert crypto.b64encode(sek) == v["expected_sek_b64"]
    assert crypto.b64encode(rek) == v["expected_rek_b64"]
    payload = crypto.aes_decrypt(rek, base64.b64decode(v["data_encrypted_with_rek"]))
    assert payload.decode() == v["expected_data_plaintext_is_base64_of_json"]
    document = base64.b64decode(payload)
    assert len(document) == v["expected_json_length"]
    assert hashlib.sha256(document).hexdigest() == v["expected_json_sha256_hex"]
    assert crypto.mac(rek, payload) == v["derived_hmac_b64_hmacsha256_key_rek_msg_base64json"]


def test_sealing_the_response_with_the_vectors_rek_gives_the_published_ciphertexts():
    """§6 / item 10: data = b64(AES(rek, P)), rek = b64(AES(sek, rek)), hmac = HMAC(rek, P)."""
    v = VECTORS["response_decrypt"]
    sek, rek = base64.b64decode(v["expected_sek_b64"]), base64.b64decode(v["expected_rek_b64"])
    document = base64.b64decode(v["expected_data_plaintext_is_base64_of_json"])
    sealed = crypto.seal_response(sek, document, rek=rek)
    assert sealed.data == v["data_encrypted_with_rek"]
    assert sealed.rek == v["rek_encrypted_with_sek"]
    assert sealed.hmac == v["derived_hmac_b64_hmacsha256_key_rek_msg_base64json"]


def test_the_request_vector_is_reproduced_and_opens_with_its_hmac():
    """§9.2: the published `data` and `hmac` of a GSTR-1 save, byte for byte, and back."""
    v = VECTORS["request_encrypt"]
    app_key = base64.b64decode(v["app_key_b64"])
    sek = crypto.open_key(app_key, v["sek_encrypted_with_app_key"])
    assert crypto.b64encode(sek) == v["expected_sek_b64"]
    document = base64.b64decode(v["payload_base64_of_json"])
    data, hmac = crypto.seal_request(sek, document)
    assert (data, hmac) == (v["expected_data"], v["expected_hmac"])
    opened = crypto.open_request(sek, v["expected_data"], v["expected_hmac"])
    assert json.loads(opened)["gstin"] == "33TABTN1340C1ZS"  # CRLF-formatted JSON parses


def test_the_otp_field_is_the_otp_under_the_app_key():
    v = VECTORS["otp_encrypt_self_computed"]
    app_key = base64.b64decode(v["app_key_b64"])
    assert (
        crypto.b64encode(crypto.aes_encrypt(app_key, v["otp"].encode())) == v["expected_otp_field"]
    )


def test_a_request_whose_hmac_differs_by_one_character_does_not_open():
    """Item 16: a bad hmac is refused before the data is used."""
    v = VECTORS["request_encrypt"]
    sek = base64.b64decode(v["expected_sek_b64"])
    bad = v["expected_hmac"][:-2] + ("A=" if v["expected_hmac"][-2] != "A" else "B=")
    with pytest.raises(EnvelopeError, match="hmac"):
        crypto.open_request(sek, v["expected_data"], bad)


@pytest.mark.parametrize(
    "data", ["not base64!", "", crypto.b64encode(b"short"), crypto.b64encode(bytes(32))]
)
def test_data_that_is_not_whole_aes_blocks_under_the_sek_does_not_open(data):
    with pytest.raises(EnvelopeError):
        crypto.open_request(bytes(32), data, "x")


def test_an_evc_sign_is_an_hmac_keyed_by_pan_and_otp():
    """Item 9: sign = b64(HMAC(ascii("PAN|OTP"), P)); another OTP's sign is refused."""
    sek, document = crypto.new_key(), b'{"gstin":"27AAPFU0939F1ZV"}'
    data, _ = crypto.seal_request(sek, document)
    payload = base64.b64encode(document)
    sign = crypto.mac(b"AAPFU0939F|575757", payload)
    assert crypto.open_signed(sek, data, "AAPFU0939F|575757", sign) == document
    with pytest.raises(EnvelopeError, match="EVC"):
        crypto.open_signed(sek, data, "AAPFU0939F|575758", sign)


@pytest.fixture(scope="module")
def server_key(tmp_path_factory):
    return keys.load_or_create(tmp_path_factory.mktemp("gstn-keys"))


def test_an_app_key_round_trips_through_gstims_own_certificate(server_key):
    """Item 2 and 16: a client encrypts with the served certificate; gstims opens it."""
    app_key = crypto.new_key()
    public = x509.load_der_x509_certificate(server_key.der).public_key()
    sealed = crypto.b64encode(public.encrypt(app_key, padding.PKCS1v15()))
    assert len(sealed) == 344  # 256 bytes, as the Vayana sample's app_key
    assert server_key.open_app_key(sealed) == app_key


@pytest.mark.parametrize("length", [16, 31, 33, 48])
def test_an_app_key_that_is_not_32_bytes_is_refused(server_key, length):
    """Item 4: only exactly 32 bytes is an app key."""
    public = server_key.certificate.public_key()
    sealed = crypto.b64encode(public.encrypt(bytes(length), padding.PKCS1v15()))
    with pytest.raises(EnvelopeError, match="32 bytes"):
        server_key.open_app_key(sealed)


@pytest.mark.parametrize("garbage", [bytes(100), bytes(255), bytes(257)])
def test_a_ciphertext_that_is_not_one_rsa_block_is_refused(server_key, garbage):
    """A 256-byte block that is not ours may decrypt to random bytes (implicit rejection):
    those are refused unless exactly 32 long, and then the OTP under them does not open
    (tests/api/test_gstn_auth.py). A ciphertext of the wrong size never gets that far."""
    with pytest.raises(EnvelopeError):
        server_key.open_app_key(crypto.b64encode(garbage))


def test_the_key_pair_is_kept_across_starts(tmp_path):
    first = keys.load_or_create(tmp_path)
    again = keys.load_or_create(tmp_path)
    assert again.der == first.der and again.pem == first.pem
    assert (tmp_path / keys.CERT_DER).read_bytes() == first.der
    assert (tmp_path / keys.PRIVATE).stat().st_mode & 0o077 == 0
    assert first.secret("files") == again.secret("files") != first.secret("other")
