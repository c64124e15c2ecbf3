"""Settings of the GSTN protocol: `gstims.settings` reads them from the environment once
(docs/API.md lists them); a test or a server may pass its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from gstims.settings import environment


@dataclass(frozen=True, slots=True)
class GstnSettings:
    # the GSTN protocol on /taxpayerapi/vN.N/...; GSTIMS_PROTOCOL=plain serves plain JSON there
    # (plain JSON is always at /plain/taxpayerapi/v1.0/...)
    enabled: bool = field(default_factory=lambda: environment().gstn_protocol)
    key_dir: str | None = field(default_factory=lambda: environment().gstn_key_dir)
    token_minutes: int = field(default_factory=lambda: environment().gstn_token_minutes)
    # GETINV answers {token, est} above this many records (TP: 10,000)
    large_download: int = field(default_factory=lambda: environment().gstn_large_download)
    file_records: int = field(default_factory=lambda: environment().gstn_file_records)
    # GET2B answers `fc` and files (`file_num`) above this many documents
    gstr2b_file_documents: int = field(default_factory=lambda: environment().gstn_2b_file_documents)
    file_url_seconds: int = field(default_factory=lambda: environment().gstn_file_url_seconds)
    # sandbox only: OTPs are random (read them from the sandbox) instead of 575757
    random_otp: bool = field(default_factory=lambda: environment().gstn_random_otp)
    # status_cd as the numbers 1 / 0 instead of the strings GSTN sends (for a client whose own
    # gateway converted them, as India Compliance's does)
    numeric_status: bool = field(default_factory=lambda: environment().gstn_numeric_status)
