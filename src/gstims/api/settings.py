"""Server settings, read once."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from gstims.services.sessions import SessionLimits

MiB = 1024 * 1024
MIN_ADMIN_TOKEN = 20
"""Characters an admin token has at least (issue 14 item 16: one character was accepted)."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None = None
    sandbox: bool = False
    admin_token: str = field(
        default_factory=lambda: os.environ.get("GSTIMS_ADMIN_TOKEN") or secrets.token_urlsafe(24)
    )
    start_date: date | None = None  # a fresh sandbox's first day (default 01-10-2024)
    max_body_bytes: int = 20 * MiB
    max_depth: int = 32
    max_string: int = 1000
    session_secret: str = field(
        default_factory=lambda: os.environ.get("GSTIMS_SESSION_SECRET") or secrets.token_urlsafe(32)
    )
    # the dashboard's session cookie only over HTTPS: set GSTIMS_SECURE_COOKIES=1 behind TLS
    # (the sandbox on http://127.0.0.1 needs it off)
    secure_cookies: bool = field(
        default_factory=lambda: os.environ.get("GSTIMS_SECURE_COOKIES", "") in ("1", "true", "yes")
    )
    # issue 14 item 10: documents one RETSAVE may carry on SQLite (its one write lock)
    sqlite_max_save_documents: int = field(
        default_factory=lambda: int(os.environ.get("GSTIMS_SQLITE_MAX_SAVE_DOCUMENTS") or 5000)
    )
    # a dashboard session ends after this long without a request, and this long after sign-in
    session_idle_minutes: int = field(
        default_factory=lambda: int(os.environ.get("GSTIMS_SESSION_IDLE_MINUTES") or 30)
    )
    session_hours: int = field(
        default_factory=lambda: int(os.environ.get("GSTIMS_SESSION_HOURS") or 10)
    )

    def __post_init__(self) -> None:
        if len(self.admin_token) < MIN_ADMIN_TOKEN:
            raise ValueError(
                f"GSTIMS_ADMIN_TOKEN has {len(self.admin_token)} characters: at least "
                f"{MIN_ADMIN_TOKEN} (leave it unset and gstims makes one)"
            )

    @property
    def session_limits(self) -> SessionLimits:
        return SessionLimits(
            idle=timedelta(minutes=self.session_idle_minutes),
            absolute=timedelta(hours=self.session_hours),
        )
