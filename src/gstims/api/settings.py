"""Server settings: what `gstims serve` was asked for, the environment's values by default."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from gstims.gstn.settings import GstnSettings
from gstims.services.sessions import SessionLimits
from gstims.settings import MIN_ADMIN_TOKEN, environment

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None = None
    sandbox: bool = False
    admin_token: str = field(
        default_factory=lambda: environment().admin_token or secrets.token_urlsafe(24)
    )
    start_date: date | None = None  # a fresh sandbox's first day (default 01-10-2024)
    max_body_bytes: int = 20 * MiB
    max_depth: int = 32
    max_string: int = 1000
    session_secret: str = field(
        default_factory=lambda: environment().session_secret or secrets.token_urlsafe(32)
    )
    # the dashboard's session cookie only over HTTPS: set GSTIMS_SECURE_COOKIES=1 behind TLS
    # (the sandbox on http://127.0.0.1 needs it off)
    secure_cookies: bool = field(default_factory=lambda: environment().secure_cookies)
    gstn: GstnSettings = field(default_factory=GstnSettings)
    # issue 14 item 10: documents one RETSAVE may carry on SQLite (its one write lock)
    sqlite_max_save_documents: int = field(
        default_factory=lambda: environment().sqlite_max_save_documents
    )
    # a dashboard session ends after this long without a request, and this long after sign-in
    session_idle_minutes: int = field(default_factory=lambda: environment().session_idle_minutes)
    session_hours: int = field(default_factory=lambda: environment().session_hours)

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
