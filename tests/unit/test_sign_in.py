"""Signing in: what a password check and the session cookie give away."""

from __future__ import annotations

import pytest
from starlette.middleware.sessions import SessionMiddleware

from gstims.api.app import create_app
from gstims.api.settings import Settings
from gstims.services import taxpayers


def test_an_unknown_user_costs_one_hash_like_a_known_one(monkeypatch) -> None:
    """Timing does not tell which user names exist: every check hashes the password once."""
    stored = taxpayers.password_hash("right")
    hashed: list[str] = []
    real = taxpayers.password_hash

    def counting(password: str, salt: bytes | None = None) -> str:
        hashed.append(password)
        return real(password, salt)

    monkeypatch.setattr(taxpayers, "password_hash", counting)
    assert taxpayers.password_matches("right", stored)
    assert not taxpayers.password_matches("wrong", stored)
    assert not taxpayers.password_matches("guess", None)  # no such user
    assert not taxpayers.password_matches("guess", "")  # a user without a password
    assert hashed == ["right", "wrong", "guess", "guess"]


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie_is_https_only_when_the_deployment_says_so(secure, tmp_path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'g.db'}", secure_cookies=secure))
    [session] = [m for m in app.user_middleware if m.cls is SessionMiddleware]
    assert session.kwargs["https_only"] is secure
