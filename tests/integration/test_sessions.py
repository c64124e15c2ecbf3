"""Server-side sessions and the sign-in throttle on SQLite and PostgreSQL (issue 14 items 2, 3)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from gstims.services import sessions as s
from gstims.services.errors import Invalid
from gstims.services.taxpayers import create_user, principal_by_password

AT = datetime(2026, 1, 5, 10, 0)
LIMITS = s.SessionLimits(idle=timedelta(minutes=30), absolute=timedelta(hours=10))


def run(db, work, *args):
    with db.transaction() as uow:
        return work(uow, *args)


def test_a_session_lives_until_signed_out_idle_or_too_old(db):
    """Issue 14 item 2: idle and absolute timeouts, sign-out and sign-out-everywhere."""
    sid = run(db, s.start_session, 7, AT)
    other = run(db, s.start_session, 7, AT)
    theirs = run(db, s.start_session, 8, AT)
    live = run(db, s.live_session, sid, AT + timedelta(minutes=29), LIMITS)
    assert live == s.LiveSession(7, needs_touch=True)
    assert run(db, s.live_session, sid, AT + timedelta(minutes=31), LIMITS) is None  # idle
    for minutes in range(25, 10 * 60, 25):  # used every 25 minutes: alive until 10 hours
        run(db, s.touch_session, sid, AT + timedelta(minutes=minutes))
    assert run(db, s.live_session, sid, AT + timedelta(hours=10, seconds=1), LIMITS) is None
    run(db, s.end_session, sid)
    assert run(db, s.live_session, sid, AT, LIMITS) is None
    assert run(db, s.end_all_sessions, 7) == 1
    assert run(db, s.live_session, other, AT, LIMITS) is None
    assert run(db, s.live_session, theirs, AT, LIMITS) is not None


def test_the_backoff_doubles_past_the_free_failures_up_to_its_cap():
    """Issue 14 item 3: the table of the module docstring."""
    free = s.FREE_ACCOUNT_FAILURES
    assert [s.lock_for(n, free) for n in range(1, free + 1)] == [None] * free
    assert [s.lock_for(free + n, free) for n in (1, 2, 3)] == [
        s.LOCK_START,
        2 * s.LOCK_START,
        4 * s.LOCK_START,
    ]
    assert s.lock_for(free + 100, free) == s.LOCK_MAX


def test_failures_lock_the_account_and_address_and_a_success_clears_the_account(db):
    """Issue 14 item 3: per-account and per-address counts, stored on either backend."""
    keys = s.throttle_keys("mehta-ca", "10.0.0.9")
    for _ in range(s.FREE_ACCOUNT_FAILURES):
        run(db, s.record_failure, keys, AT)
    assert run(db, s.locked_for, keys, AT) is None
    run(db, s.record_failure, keys, AT)
    assert run(db, s.locked_for, keys, AT) == s.LOCK_START
    assert run(db, s.locked_for, keys, AT + s.LOCK_START) is None
    run(db, s.clear_failures, keys[0])
    run(db, s.record_failure, keys, AT)
    assert run(db, s.locked_for, keys[:1], AT) is None  # the account starts over


def test_a_password_that_is_short_or_easy_to_guess_is_refused(db):
    """Issue 14 item 3: the password policy (services/passwords.py) where users are made."""
    for weak in ("a", "mehta-ca-2024", "password1234"):
        with pytest.raises(Invalid) as refused, db.uow() as uow:
            create_user(uow, "mehta-ca", [], weak)
        assert [p.field for p in refused.value.problems] == ["password"]
    with db.transaction() as uow:
        create_user(uow, "mehta-ca", [], "ledger maple violet")
    with db.uow(write=False) as uow:
        assert principal_by_password(uow, "mehta-ca", "ledger maple violet") is not None
