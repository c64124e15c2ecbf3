"""Issue 14 item 9 over real HTTP, on SQLite and PostgreSQL: API tokens are scoped, expire,
rotate and are revoked; grants are withdrawn and users removed — each with its audit entry."""

from __future__ import annotations

from collections import Counter

import httpx
import sqlalchemy as sa
from tests.api.wire import Taxpayer, gstin, ok

from gstims.store.tables import api_tokens, security_log

G = gstin("27AABCT5678E1Z")


def tokens_call(sandbox, method: str, path: str, body=None) -> httpx.Response:
    return sandbox.admin(method, path, body)


def events(server) -> Counter[str]:
    engine = sa.create_engine(server.database_url)
    with engine.connect() as conn:
        found = Counter(conn.execute(sa.select(security_log.c.event)).scalars())
    engine.dispose()
    return found


def test_a_token_is_scoped_expires_rotates_and_is_revoked_each_with_an_audit_entry(server, sandbox):
    """Issue 14 item 9: read tokens only GET; rotation and revocation end the old at once."""
    sandbox.register(G)
    first = sandbox.user("auditor", G)
    assert ok(Taxpayer(sandbox, G, first).getcnt()) is not None

    read = ok(tokens_call(sandbox, "POST", "/users/auditor/tokens", {"scope": "read", "days": 1}))
    reader = Taxpayer(sandbox, G, read["token"])
    assert reader.getcnt().status_code == 200
    assert reader.save(b2b=[]).status_code == 403  # a write with a read token

    fresh = ok(tokens_call(sandbox, "POST", f"/tokens/{read['id']}/rotate", {"days": 1}))
    assert reader.getcnt().status_code == 401
    rotated = Taxpayer(sandbox, G, fresh["token"])
    assert rotated.getcnt().status_code == 200 and fresh["scope"] == "read"

    ok(tokens_call(sandbox, "DELETE", f"/tokens/{fresh['id']}"))
    assert rotated.getcnt().status_code == 401

    lapsing = ok(tokens_call(sandbox, "POST", "/users/auditor/tokens", {"days": 1}))
    engine = sa.create_engine(server.database_url)
    with engine.begin() as conn:
        conn.execute(
            sa.update(api_tokens)
            .where(api_tokens.c.id == lapsing["id"])
            .values(expires_at=sa.func.current_timestamp() - sa.text("INTERVAL '1' DAY"))
            if server.backend == "postgres"
            else sa.update(api_tokens)
            .where(api_tokens.c.id == lapsing["id"])
            .values(expires_at=sa.text("datetime('now', '-1 day')"))
        )
    engine.dispose()
    assert Taxpayer(sandbox, G, lapsing["token"]).getcnt().status_code == 401

    found = events(server)
    assert found["token.issued"] == 3 and found["token.rotated"] == 1
    assert found["token.revoked"] == 2  # the rotated one and the deleted one


def test_a_withdrawn_grant_and_a_removed_user_take_effect_at_the_next_request(server, sandbox):
    """Issue 14 item 9: withdraw a grant, remove a user; audit entries for both."""
    other = gstin("27AABCW5678E1Z")
    sandbox.register(other)
    token = sandbox.user("leaver", other)
    leaver = Taxpayer(sandbox, other, token)
    assert leaver.getcnt().status_code == 200
    ok(tokens_call(sandbox, "DELETE", f"/users/leaver/grants/{other}"))
    assert leaver.getcnt().status_code == 403
    ok(tokens_call(sandbox, "POST", "/users/leaver/grants", {"gstin": other}))
    assert leaver.getcnt().status_code == 200
    ok(tokens_call(sandbox, "DELETE", "/users/leaver"))
    assert leaver.getcnt().status_code == 401
    found = events(server)
    assert found["grant.withdrawn"] >= 1 and found["user.removed"] == 1
    assert found["user.created"] >= 2
