"""Every environment variable gstims reads, read in one place, once, and checked.

No other module reads `os.environ` (a unit test scans the source). A value that is set but
wrong stops gstims with one message naming every bad variable and the fix, rather than being
ignored or falling back to a default:

    $ GSTIMS_DATABASE_URL=mysql://db/x GSTIMS_SECURE_COOKIES=maybe gstims serve
    error: GSTIMS_DATABASE_URL='mysql://db/x' is not a SQLite or PostgreSQL URL: write e.g.
    sqlite:///gstims.db or postgresql+psycopg://user@host/db; GSTIMS_SECURE_COOKIES='maybe' is
    not a yes or a no: write 1 or 0 (or true/false, yes/no, on/off)

(one line on the terminal; wrapped here).

A variable set to the empty string counts as not set (as `GSTIMS_X= gstims serve` means).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

DEFAULT_DATABASE_URL = "sqlite:///gstims.db"
BACKENDS = ("sqlite", "postgresql")  # the dialects gstims migrates and tests
MIN_SECRET_LENGTH = 16  # characters: secrets.token_urlsafe(12) and up
MIN_ADMIN_TOKEN = 20  # characters (issue 14 item 16: one character was accepted)
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})

# a check of one variable's text: None when fine, else what is wrong and the fix
Check = Callable[[str], str | None]


class SettingsError(ValueError):
    """One or more environment variables are set to a value gstims cannot use."""


@dataclass(frozen=True, slots=True)
class Environment:
    """What the environment says; None where a variable is not set."""

    database_url: str = DEFAULT_DATABASE_URL  # GSTIMS_DATABASE_URL
    admin_token: str | None = None  # GSTIMS_ADMIN_TOKEN: the sandbox API's admin-token header
    session_secret: str | None = None  # GSTIMS_SESSION_SECRET: signs the dashboard's cookie
    secure_cookies: bool = False  # GSTIMS_SECURE_COOKIES: the cookie over HTTPS only
    # issue 14: SQLite's one write lock, dashboard sessions (docs/SECURITY.md)
    sqlite_max_save_documents: int = 5000  # GSTIMS_SQLITE_MAX_SAVE_DOCUMENTS: per RETSAVE
    session_idle_minutes: int = 30  # GSTIMS_SESSION_IDLE_MINUTES: a session ends idle this long
    session_hours: int = 10  # GSTIMS_SESSION_HOURS: and this long after sign-in
    new_password: str | None = None  # GSTIMS_NEW_PASSWORD: `users create` without a prompt
    # the GSTN protocol (docs/API.md, "The GSTN protocol")
    gstn_protocol: bool = True  # GSTIMS_PROTOCOL: gstn (default) or plain on /taxpayerapi/
    gstn_key_dir: str | None = None  # GSTIMS_GSTN_KEY_DIR: where the RSA key pair is kept
    gstn_token_minutes: int = 360  # GSTIMS_GSTN_TOKEN_MINUTES: a session's life
    gstn_large_download: int = 10_000  # GSTIMS_GSTN_LARGE_DOWNLOAD: GETINV by token above it
    gstn_file_records: int = 10_000  # GSTIMS_GSTN_FILE_RECORDS: records per download file
    gstn_2b_file_documents: int = 10_000  # GSTIMS_GSTN_2B_FILE_DOCUMENTS: GET2B in files above
    gstn_file_url_seconds: int = 3600  # GSTIMS_GSTN_FILE_URL_SECONDS: a file URL's life
    gstn_random_otp: bool = False  # GSTIMS_GSTN_RANDOM_OTP: sandbox OTPs random, not 575757
    gstn_numeric_status: bool = False  # GSTIMS_GSTN_NUMERIC_STATUS: status_cd as 1 / 0
    # issue 13: PostgreSQL hash partitions of `records` made by migration 0012 (docs/SCALE.md)
    records_partitions: int = 8  # GSTIMS_RECORDS_PARTITIONS: read by that migration only
    # issue 13: the clock moves in batches of taxpayers, each its own transaction
    clock_batch: int = 500  # GSTIMS_CLOCK_BATCH: taxpayers per step of a clock move
    clock_pause_ms: int = 0  # GSTIMS_CLOCK_PAUSE_MS: tests only, a pause between the steps

    @classmethod
    def read(cls, environ: Mapping[str, str]) -> Environment:
        """The settings in `environ`, or SettingsError naming every bad value at once."""
        problems: list[str] = []

        def value(name: str, check: Check) -> str | None:
            text = environ.get(name) or None
            if text is not None and (problem := check(text)):
                problems.append(f"{name}={text!r} {problem}")
            return text

        url = value("GSTIMS_DATABASE_URL", _database_url_problem)
        admin_token = value("GSTIMS_ADMIN_TOKEN", _admin_token_problem)
        session_secret = value("GSTIMS_SESSION_SECRET", _secret_problem)
        secure_cookies = value("GSTIMS_SECURE_COOKIES", _yes_no_problem)
        protocol = value("GSTIMS_PROTOCOL", _protocol_problem)
        key_dir = value("GSTIMS_GSTN_KEY_DIR", lambda _: None)
        counts = {
            field: value(name, _count_problem)
            for field, name in (
                ("gstn_token_minutes", "GSTIMS_GSTN_TOKEN_MINUTES"),
                ("gstn_large_download", "GSTIMS_GSTN_LARGE_DOWNLOAD"),
                ("gstn_file_records", "GSTIMS_GSTN_FILE_RECORDS"),
                ("gstn_2b_file_documents", "GSTIMS_GSTN_2B_FILE_DOCUMENTS"),
                ("gstn_file_url_seconds", "GSTIMS_GSTN_FILE_URL_SECONDS"),
                ("sqlite_max_save_documents", "GSTIMS_SQLITE_MAX_SAVE_DOCUMENTS"),
                ("session_idle_minutes", "GSTIMS_SESSION_IDLE_MINUTES"),
                ("session_hours", "GSTIMS_SESSION_HOURS"),
                ("records_partitions", "GSTIMS_RECORDS_PARTITIONS"),
                ("clock_batch", "GSTIMS_CLOCK_BATCH"),
                ("clock_pause_ms", "GSTIMS_CLOCK_PAUSE_MS"),
            )
        }
        new_password = value("GSTIMS_NEW_PASSWORD", lambda _: None)
        random_otp = value("GSTIMS_GSTN_RANDOM_OTP", _yes_no_problem)
        numeric_status = value("GSTIMS_GSTN_NUMERIC_STATUS", _yes_no_problem)
        if problems:
            raise SettingsError("; ".join(problems))
        return cls(
            database_url=url or DEFAULT_DATABASE_URL,
            admin_token=admin_token,
            session_secret=session_secret,
            secure_cookies=_yes(secure_cookies),
            gstn_protocol=protocol is None or protocol.lower() == "gstn",
            gstn_key_dir=key_dir,
            new_password=new_password,
            **{field: int(text) for field, text in counts.items() if text is not None},
            gstn_random_otp=_yes(random_otp),
            gstn_numeric_status=_yes(numeric_status),
        )


@cache
def environment() -> Environment:
    """The process's settings, read from os.environ on first use (never at import)."""
    return Environment.read(os.environ)


def _database_url_problem(text: str) -> str | None:
    scheme, separator, _ = text.partition("://")
    if separator and scheme.split("+")[0] in BACKENDS:
        return None
    return (
        "is not a SQLite or PostgreSQL URL: write e.g. sqlite:///gstims.db or "
        "postgresql+psycopg://user@host/db"
    )


def _secret_problem(text: str) -> str | None:
    if len(text) < MIN_SECRET_LENGTH:
        return f"is too short: use at least {MIN_SECRET_LENGTH} random characters"
    return None


def _admin_token_problem(text: str) -> str | None:
    if not (text.isascii() and text.isprintable()) or " " in text:
        return "cannot travel in an HTTP header: use letters, digits, '-' and '_'"
    if len(text) < MIN_ADMIN_TOKEN:
        return f"is too short: use at least {MIN_ADMIN_TOKEN} random characters"
    return None


def _yes(text: str | None) -> bool:
    return text is not None and text.lower() in TRUE_WORDS


def _count_problem(text: str) -> str | None:
    if text.isdigit() and int(text) >= 1:
        return None
    return "is not a whole number of at least 1"


def _protocol_problem(text: str) -> str | None:
    return None if text.lower() in ("gstn", "plain") else "is neither gstn nor plain"


def _yes_no_problem(text: str) -> str | None:
    if text.lower() in TRUE_WORDS | FALSE_WORDS:
        return None
    return "is not a yes or a no: write 1 or 0 (or true/false, yes/no, on/off)"
