"""GSTN sessions, OTPs and large-download files in the database (gstn-protocol.md items 4–6,
13; issue 16 acceptance point 1), on SQLite and PostgreSQL.

Time is passed in, so expiry is tested at the instant it happens rather than by waiting.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest

from gstims.domain.calendar import Frequency
from gstims.gstn import files, sessions
from gstims.gstn.crypto import new_key
from gstims.gstn.sessions import EVC, LOGIN, GstnRefusal
from gstims.services import taxpayers
from gstims.store.db import Database

A = "29AABCR1718E1ZL"
NOW = datetime(2024, 11, 14, 10, 0, 0)
MINUTES = 360


def run(db: Database, fn, *args, **kw):
    """A protocol use case; like every use case it leaves the commit to the edge (us)."""
    with db.transaction() as uow:
        return fn(uow, *args, **kw)


def registered(db: Database, fn, *args) -> None:
    """A taxpayer or user as the sandbox makes them."""
    with db.transaction() as uow:
        fn(uow, *args)


@pytest.fixture
def user(db):
    registered(db, taxpayers.register_taxpayer, A, "Buyer A", Frequency.MONTHLY)
    registered(db, taxpayers.create_user, "erp-a", [A])
    return "erp-a"


def test_a_session_lives_until_its_expiry_and_not_a_moment_longer(db, user):
    """Item 5: `expiry` minutes; then AUTH4038."""
    session = run(db, sessions.start_session, user, A, new_key(), NOW, MINUTES)
    last = NOW + timedelta(minutes=MINUTES) - timedelta(seconds=1)
    assert run(db, sessions.session_of, session.token, user, last).sek == session.sek
    with pytest.raises(GstnRefusal) as refused:
        run(db, sessions.session_of, session.token, user, NOW + timedelta(minutes=MINUTES))
    assert refused.value.code == "AUTH4038"


def test_a_session_survives_a_restart(db, user, tmp_path):
    """Issue 16: sessions are stored, so a restart logs nobody out."""
    session = run(db, sessions.start_session, user, A, new_key(), NOW, MINUTES)
    again = Database(db.url)
    try:
        kept = run(again, sessions.session_of, session.token, user, NOW)
    finally:
        again.dispose()
    assert (kept.sek, kept.app_key, kept.gstin) == (session.sek, session.app_key, A)


def test_a_logged_out_or_foreign_token_is_auth4033(db, user):
    """Item 6: LOGOUT ends the token; a token is only its own username's."""
    session = run(db, sessions.start_session, user, A, new_key(), NOW, MINUTES)
    registered(db, taxpayers.create_user, "erp-other", [A])
    for token, name in ((session.token, "erp-other"), ("0" * 32, user)):
        with pytest.raises(GstnRefusal, match="not a session") as refused:
            run(db, sessions.session_of, token, name, NOW)
        assert refused.value.code == "AUTH4033"
    run(db, sessions.end_session, session)
    with pytest.raises(GstnRefusal) as refused:
        run(db, sessions.session_of, session.token, user, NOW)
    assert refused.value.code == "AUTH4033"


def test_an_otp_is_single_use_replaced_by_the_next_and_expires(db, user):
    """Items 4, 5 and 9: the latest OTP of each kind; spent by use; gone after its minutes."""
    first = run(db, sessions.issue_otp, user, LOGIN, NOW, fixed=False)
    second = run(db, sessions.issue_otp, user, LOGIN, NOW, fixed=False)
    evc = run(db, sessions.issue_otp, user, EVC, NOW, fixed=True)
    assert evc == sessions.DEV_OTP
    if first != second:
        with pytest.raises(GstnRefusal, match="OTP"):
            run(db, sessions.consume_otp, user, LOGIN, first, NOW)
    late = NOW + timedelta(minutes=sessions.OTP_MINUTES, seconds=1)
    with pytest.raises(GstnRefusal) as refused:
        run(db, sessions.consume_otp, user, EVC, evc, late)
    assert refused.value.code == "RET13506"
    run(db, sessions.consume_otp, user, LOGIN, second, NOW)
    with pytest.raises(GstnRefusal) as refused:
        run(db, sessions.consume_otp, user, LOGIN, second, NOW)
    assert refused.value.code == "AUTH4034"


def test_a_download_is_cut_into_parts_with_their_hashes(db, user):
    """Item 13: parts of at most `size` records, each hashed as served."""
    getinv = {"b2b": [{"inum": str(n)} for n in range(5)], "b2bcn": [{"nt_num": "C"}]}
    token = run(db, files.create_download, A, getinv, 4, NOW)
    signer = files.UrlSigner(b"k" * 32, 60)
    with db.uow(write=False) as uow:
        details = files.file_details(uow, A, token, signer, NOW)
        contents = [files.file_content(uow, token, n) for n in (1, 2)]
    assert details["fc"] == 2 and [u["ic"] for u in details["urls"]] == [4, 2]
    assert [u["hash"] for u in details["urls"]] == [hashlib.sha256(c).hexdigest() for c in contents]
    with pytest.raises(GstnRefusal) as refused, db.uow(write=False) as uow:
        files.file_details(uow, "27AAPFU0939F1ZV", token, signer, NOW)
    assert refused.value.code == "RET11416"


def test_a_file_url_expires():
    """Item 13: `ul` is signed and expires (GSTIMSFILE)."""
    signer = files.UrlSigner(b"k" * 32, 60)
    path = signer.path("tok", 1, NOW)
    query = dict(p.split("=") for p in path.split("?")[1].split("&"))
    signer.check("tok", 1, query["expires"], query["md5"], NOW + timedelta(seconds=59))
    for when, token, part in (
        (NOW + timedelta(seconds=60), "tok", 1),
        (NOW, "tok", 2),
        (NOW, "other", 1),
    ):
        with pytest.raises(GstnRefusal) as refused:
            signer.check(token, part, query["expires"], query["md5"], when)
        assert refused.value.code == "GSTIMSFILE"
