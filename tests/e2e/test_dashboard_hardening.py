"""Issue 14: what a careless or hostile party could do through the dashboard, kept closed.

Over real HTTP against the live server of `tests/e2e/conftest.py` (the seeded month of
`world.py`), signed in as the CA firm that holds R.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from tests.e2e.test_dashboard_security import actions
from tests.e2e.world import PASSWORD, TOKEN
from tests.integration.harness import S1, R, doc

from gstims.domain.records import Action
from gstims.services import taxpayers
from gstims.services.sessions import (
    FREE_ACCOUNT_FAILURES,
    FREE_ADDRESS_FAILURES,
    SessionLimits,
    utc_now,
)
from gstims.store.tables import sessions
from gstims.web.ims_pages import CHANGED_SINCE_SHOWN

VERSION = re.compile(r'name="ims_version" value="(\d+)"')


def test_accept_all_matching_refuses_when_records_arrived_after_the_page_was_shown(live, client):
    """Issue 14 item 8: "Accept all matching" acts only on the records the user was shown."""
    box = live.world.sandbox
    box.save(S1, "102025", doc("LATE-0", "06-10-2025", taxable=10))
    http, token = client("ca-firm")
    shown = http.get(f"/g/{R}/ims", params={"number": "LATE-"})
    assert "1 record matches" in shown.text
    version = VERSION.search(shown.text)
    assert version is not None
    box.save(S1, "102025", *(doc(f"LATE-{i}", "06-10-2025", taxable=10) for i in range(1, 7)))
    accept_all = {"scope": "matching", "do": "A", "number": "LATE-"}
    accept_all |= {"csrf_token": token, "ims_version": version.group(1)}
    answer = http.post(f"/g/{R}/ims/actions", data=accept_all)
    assert answer.status_code == 303
    assert actions(live)[Action.ACCEPT] == 0
    assert CHANGED_SINCE_SHOWN in http.get(answer.headers["location"]).text

    shown = http.get(f"/g/{R}/ims", params={"number": "LATE-"})
    assert "7 records match" in shown.text
    version = VERSION.search(shown.text)
    assert version is not None
    answer = http.post(f"/g/{R}/ims/actions", data={**accept_all, "ims_version": version[1]})
    assert answer.status_code == 303
    assert actions(live)[Action.ACCEPT] == 7


# -- sessions (item 2) ------------------------------------------------------------------------


_OPENED: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    """Every client a test of this module opens by hand is closed after it."""
    yield
    while _OPENED:
        _OPENED.pop().close()


def anonymous(live) -> httpx.Client:
    http = httpx.Client(base_url=live.url, follow_redirects=False, timeout=30)
    _OPENED.append(http)
    return http


def copied(live, http: httpx.Client) -> httpx.Client:
    """Another client carrying a copy of `http`'s session cookie."""
    thief = anonymous(live)
    thief.cookies.set("gstims_session", http.cookies["gstims_session"])
    return thief


def signed_out(http: httpx.Client) -> bool:
    answer = http.get("/home")
    return answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_signing_out_ends_the_session_on_the_server_so_a_copied_cookie_is_worthless(live, client):
    """Issue 14 item 2: logout ends the session; a copied cookie no longer reads or acts."""
    http, token = client("ca-firm")
    thief = copied(live, http)
    assert thief.get("/home").status_code == 200
    assert http.post("/logout", data={"csrf_token": token}).status_code == 303
    assert signed_out(thief)
    answer = thief.post(f"/g/{R}/ims/actions", data={"scope": "matching", "do": "A"})
    assert answer.status_code in (303, 403)
    assert actions(live)[Action.ACCEPT] == 0


def test_a_session_ends_after_its_idle_and_its_absolute_timeout(live, client):
    """Issue 14 item 2: idle and absolute timeouts (settings.session_limits) end a session."""
    limits = SessionLimits()
    for column, limit in (("last_seen", limits.idle), ("created_at", limits.absolute)):
        http, _ = client("ca-firm")
        assert http.get("/home").status_code == 200
        with live.db.engine.begin() as conn:
            past = utc_now() - limit - timedelta(seconds=1)
            conn.execute(sa.update(sessions).values({column: past}))
        assert signed_out(http), column


def test_ending_all_sessions_signs_the_user_out_in_every_browser(live, client):
    """Issue 14 build list: "sign out everywhere" ends every session of the user, only theirs."""
    laptop, token = client("ca-firm")
    phone, _ = client("ca-firm")
    other, _ = client("sharma")
    assert laptop.post("/logout/everywhere", data={"csrf_token": token}).status_code == 303
    assert signed_out(laptop) and signed_out(phone)
    assert other.get("/home").status_code == 200


# -- sign-in throttle, password hashing, timing (items 3 and 4) -------------------------------


def sign_in_as(http: httpx.Client, name: str, password: str) -> httpx.Response:
    token = TOKEN.search(http.get("/login").text)
    assert token is not None
    data = {"username": name, "password": password, "csrf_token": token.group(1)}
    return http.post("/login", data=data)


def test_failed_sign_ins_lock_the_account_with_backoff_even_for_the_right_password(live, client):
    """Issue 14 item 3: per-account throttle; a locked account is refused before hashing."""
    http = anonymous(live)
    for _ in range(FREE_ACCOUNT_FAILURES):
        assert sign_in_as(http, "ca-firm", "not the password").status_code == 401
    locked = sign_in_as(http, "ca-firm", "still not it")
    assert locked.status_code == 401  # the first failure past the free ones locks from now
    refused = sign_in_as(http, "ca-firm", PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert "Too many failed sign-ins" in refused.text
    assert client("sharma")[0].get("/home").status_code == 200  # others unaffected


def test_failed_sign_ins_from_one_address_lock_that_address_whatever_the_name(live):
    """Issue 14 item 3: per-address throttle, across user names known and unknown."""
    with httpx.Client(base_url=live.url, follow_redirects=False, timeout=30) as http:
        for n in range(FREE_ADDRESS_FAILURES + 1):
            assert sign_in_as(http, f"guess-{n}", "wrong wrong wrong").status_code == 401
        assert sign_in_as(http, "sharma", PASSWORD).status_code == 429


def test_password_checks_hash_once_on_their_own_threads_known_name_or_not(live, monkeypatch):
    """Issue 14 items 3 and 4: an unknown name costs the same one hash as a known one, on the
    bounded hashing pool (not the shared thread pool), and sign-in carries no Server-Timing."""
    threads: list[str] = []
    real = taxpayers.password_hash

    def watched(password: str, salt: bytes | None = None) -> str:
        threads.append(threading.current_thread().name)
        return real(password, salt)

    monkeypatch.setattr(taxpayers, "password_hash", watched)
    with httpx.Client(base_url=live.url, follow_redirects=False, timeout=30) as http:
        for name in ("ca-firm", "no-such-user"):
            answer = sign_in_as(http, name, "wrong password here")
            assert answer.status_code == 401
            assert "server-timing" not in answer.headers
    assert len(threads) == 2
    assert all(name.startswith("gstims-hash") for name in threads), threads


# -- API docs (item 6) -------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "shown"), [("/docs", "RETSAVE"), ("/redoc", "RETSAVE")])
def test_the_api_docs_load_only_from_this_origin_under_a_csp_that_holds(live, page, path, shown):
    """Issue 14 item 6: no third-party script, style or call on the dashboard's origin; the
    CSP blocks none of the page's own scripts, and the documentation still renders."""
    requested: list[str] = []
    violations: list[str] = []
    active = {"document", "script", "stylesheet", "fetch", "xhr", "websocket", "font"}
    # ReDoc's footer names its logo on a CDN: an image, which the CSP's img-src refuses anyway
    page.on("request", lambda r: requested.append(r.url) if r.resource_type in active else 0)
    page.on(
        "console",
        lambda m: (
            violations.append(m.text)
            if "Content Security" in m.text and "img-src" not in m.text  # that logo again
            else 0
        ),
    )
    answer = page.goto(live.url + path)
    assert answer is not None and "script-src 'self'" in answer.headers["content-security-policy"]
    expect(page.get_by_text(shown).first).to_be_visible(timeout=20_000)
    own = (live.url, f"blob:{live.url}")  # redoc starts its search worker from a blob
    assert requested and all(url.startswith(own) for url in requested), requested
    assert violations == []


# -- out-of-range input (item 11) -------------------------------------------------------------


def test_huge_filters_and_ids_beyond_64_bits_are_ignored_or_not_found_never_a_500(live, client):
    """Issue 14 item 11: amounts past any document's value, ids past 64 bits: 4xx or ignored."""
    http, token = client("ca-firm")
    for params in ({"min": "1e30"}, {"max": "9" * 40}, {"min": "1e999999"}, {"max": "-5"}):
        answer = http.get(f"/g/{R}/ims", params=params)
        assert answer.status_code == 200, params
        assert "Ignored" in answer.text
    huge = "9" * 20
    assert http.get(f"/g/{R}/ims/records/{huge}").status_code == 404
    pick = {"scope": "selected", "do": "A", "pick": f"{huge}:N", "csrf_token": token}
    assert http.post(f"/g/{R}/ims/actions", data=pick).status_code == 303
    answer = http.post(f"/g/{R}/ims/records/{huge}", data={"do": "A", "csrf_token": token})
    assert answer.status_code == 404
    assert actions(live)[Action.ACCEPT] == 0


def test_the_session_cookie_is_secure_whenever_the_request_came_over_https(live):
    """Issue 14 item 16: behind TLS (X-Forwarded-Proto from the trusted proxy) the cookie is
    `Secure` without any setting; over plain-HTTP loopback it works as before."""
    behind_tls = httpx.get(live.url + "/login", headers={"x-forwarded-proto": "https"})
    assert "; secure" in behind_tls.headers["set-cookie"].lower()
    plain = httpx.get(live.url + "/login")
    assert "; secure" not in plain.headers["set-cookie"].lower()


def test_a_dashboard_remark_with_a_bidi_override_is_refused_by_the_rule_table(live, client):
    """Issue 14 item 13: the dashboard's remarks meet the same canonicaliser (IMSACT013)."""
    http, token = client("ca-firm")
    record = live.world.sandbox.find("INV-0001")
    form = {"do": "R", "remarks": "paid\u202e5202-10-10", "csrf_token": token}
    answer = http.post(f"/g/{R}/ims/records/{record.id}", data=form)
    assert answer.status_code == 303
    assert "IMSACT013" in http.get(answer.headers["location"]).text
    assert live.world.sandbox.find("INV-0001").state.action is Action.NO_ACTION
