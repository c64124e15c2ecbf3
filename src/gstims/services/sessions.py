"""Dashboard sessions kept on the server, and the sign-in throttle (issue 14, items 2 and 3).

A session is a row: the cookie carries only a random id (signed, beside the CSRF token) and the
server keeps its SHA-256 with the user, when it started and when it was last used. A session
ends when the user signs out (the row is deleted, so a copied cookie is worth nothing), after
`idle` without a request, or `absolute` after it started, whatever happens meanwhile; "sign out
everywhere" deletes every row of the user. Times are the UTC wall clock, never the sandbox
clock: a sandbox moved a year ahead must not end everyone's session.

The throttle counts failed sign-ins per account (`user:<name>`, known or not, so a lock says
nothing about which names exist) and per client address (`ip:<address>`). Past the free
failures of each, every further failure locks the key for twice as long as the previous one,
from LOCK_START up to LOCK_MAX:

    failures of an account   1-5   6    7    8   ...   16+
    locked for               —     1 s  2 s  4 s ...   15 min

A locked key is refused before any password is hashed. A success clears the account's count
(not the address's: one good password must not reset a guesser's address); a count left alone
for FORGET_AFTER starts over.

These use cases do not commit: the caller's unit of work does.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gstims.store.db import UnitOfWork

TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often per session
FREE_ACCOUNT_FAILURES = 5
FREE_ADDRESS_FAILURES = 20
LOCK_START = timedelta(seconds=1)
LOCK_MAX = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)  # a count left alone this long starts over


@dataclass(frozen=True, slots=True)
class SessionLimits:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=10)


def utc_now() -> datetime:
    """The wall clock as stored: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(uow: UnitOfWork, user_id: int, at: datetime) -> str:
    """A new session of the user; returns the id its cookie carries (only its hash is kept)."""
    session_id = secrets.token_urlsafe(32)
    uow.sessions.start(_key(session_id), user_id, at)
    return session_id


@dataclass(frozen=True, slots=True)
class LiveSession:
    user_id: int
    needs_touch: bool  # last_seen is older than TOUCH_EVERY: write it (`touch_session`)


def live_session(
    uow: UnitOfWork, session_id: str, at: datetime, limits: SessionLimits
) -> LiveSession | None:
    """The session's user, or None when it was ended or has timed out."""
    row = uow.sessions.find(_key(session_id))
    if row is None:
        return None
    user_id, created_at, last_seen = row
    if at - last_seen > limits.idle or at - created_at > limits.absolute:
        return None
    return LiveSession(user_id, at - last_seen > TOUCH_EVERY)


def touch_session(uow: UnitOfWork, session_id: str, at: datetime) -> None:
    uow.sessions.touch(_key(session_id), at)


def end_session(uow: UnitOfWork, session_id: str) -> None:
    uow.sessions.end(_key(session_id))


def end_all_sessions(uow: UnitOfWork, user_id: int) -> int:
    """Sign the user out everywhere; how many sessions ended."""
    return uow.sessions.end_all(user_id)


def end_stale_sessions(uow: UnitOfWork, at: datetime, limits: SessionLimits) -> int:
    """Delete sessions past either timeout (they are refused anyway; this keeps the table small)."""
    return uow.sessions.end_stale(at, limits.idle, limits.absolute)


# -- the sign-in throttle ---------------------------------------------------------------------


def throttle_keys(name: str, address: str | None) -> tuple[str, ...]:
    """The account's key and, when known, the client address's."""
    keys = [f"user:{name[:150]}"]
    if address:
        keys.append(f"ip:{address[:150]}")
    return tuple(keys)


def lock_for(failures: int, free: int) -> timedelta | None:
    """How long a key with `failures` failed sign-ins is locked (None: not locked)."""
    if failures <= free:
        return None
    locked: timedelta = min(LOCK_START * 2 ** min(failures - free - 1, 20), LOCK_MAX)
    return locked


def locked_for(uow: UnitOfWork, keys: Sequence[str], at: datetime) -> timedelta | None:
    """How long the longest lock among `keys` still runs, or None."""
    latest = max(uow.sessions.locked_until(keys, at), default=None)
    return None if latest is None else latest - at


def record_failure(uow: UnitOfWork, keys: Sequence[str], at: datetime) -> None:
    """One more failed sign-in for each key, locking it past its free failures."""
    uow.lock(keys)  # PostgreSQL: two failures of one key count twice (SQLite: BEGIN IMMEDIATE)
    counts = {
        key: (failures if at - last_at < FORGET_AFTER else 0)
        for key, (failures, last_at) in uow.sessions.failures(keys).items()
    }
    for key in keys:
        failures = counts.get(key, 0) + 1
        free = FREE_ADDRESS_FAILURES if key.startswith("ip:") else FREE_ACCOUNT_FAILURES
        lock = lock_for(failures, free)
        values = {"failures": failures, "last_at": at, "locked_until": lock and at + lock}
        uow.sessions.set_failure(key, key in counts, values)


def clear_failures(uow: UnitOfWork, key: str) -> None:
    uow.sessions.clear(key)
