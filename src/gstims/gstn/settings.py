"""Settings of the GSTN protocol, read once from the environment (docs/API.md lists them)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from exc
    if number < 1:
        raise ValueError(f"{name} must be at least 1, got {number}")
    return number


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


@dataclass(frozen=True, slots=True)
class GstnSettings:
    # the GSTN protocol on /taxpayerapi/vN.N/...; GSTIMS_PROTOCOL=plain serves plain JSON there
    # (plain JSON is always at /plain/taxpayerapi/v1.0/...)
    enabled: bool = field(
        default_factory=lambda: os.environ.get("GSTIMS_PROTOCOL", "gstn").lower() != "plain"
    )
    key_dir: str | None = field(default_factory=lambda: os.environ.get("GSTIMS_GSTN_KEY_DIR"))
    token_minutes: int = field(default_factory=lambda: _env_int("GSTIMS_GSTN_TOKEN_MINUTES", 360))
    # GETINV answers {token, est} above this many records (TP: 10,000)
    large_download: int = field(
        default_factory=lambda: _env_int("GSTIMS_GSTN_LARGE_DOWNLOAD", 10_000)
    )
    file_records: int = field(default_factory=lambda: _env_int("GSTIMS_GSTN_FILE_RECORDS", 10_000))
    # GET2B answers `fc` and files (`file_num`) above this many documents
    gstr2b_file_documents: int = field(
        default_factory=lambda: _env_int("GSTIMS_GSTN_2B_FILE_DOCUMENTS", 10_000)
    )
    file_url_seconds: int = field(
        default_factory=lambda: _env_int("GSTIMS_GSTN_FILE_URL_SECONDS", 3600)
    )
    # sandbox only: OTPs are random (read them from the sandbox) instead of 575757
    random_otp: bool = field(default_factory=lambda: _env_flag("GSTIMS_GSTN_RANDOM_OTP"))
    # status_cd as the numbers 1 / 0 instead of the strings GSTN sends (for a client whose own
    # gateway converted them, as India Compliance's does)
    numeric_status: bool = field(default_factory=lambda: _env_flag("GSTIMS_GSTN_NUMERIC_STATUS"))
