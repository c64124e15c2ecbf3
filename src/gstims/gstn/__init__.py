"""The real GSTN taxpayer protocol, in front of the plain API (`../shared/reference/gstn-protocol.md`).

`crypto` has the primitives (AES-256-ECB/PKCS#7, HMAC-SHA256, base64), `keys` gstims' own
RSA key pair and X.509 certificate, `sessions` the OTP login and its sessions, `gateway` the
one layer that opens a request's envelope and seals its answer, `files` the large downloads.
"""
