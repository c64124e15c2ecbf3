"""Taxpayers, users, their GSTIN grants (each with a role) and tokens, and the sandbox clock.

A `Principal` is who is calling: the user, the role they hold for each GSTIN granted to them
(read from the database on every request), and, for an API token, its scope. Every entrypoint
asks it the one question `may(gstin, capability)` (`gstims.domain.roles`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from gstims.domain.calendar import Frequency
from gstims.domain.documents import Problem
from gstims.domain.errors import GSTIMS409
from gstims.domain.gstin import GstinError, parse_gstin
from gstims.domain.roles import Capability, Role, may
from gstims.domain.text import canonical_text, printable, text_problem
from gstims.services.errors import Conflict, Invalid, ServiceError
from gstims.services.passwords import password_problems
from gstims.services.sessions import utc_now
from gstims.services.tokens import add_token, log, role_named, token_hash
from gstims.store.db import UnitOfWork

GST_START = date(2017, 7, 1)
USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
"""User names are plain ASCII: U+2010 or U+200B cannot make a lookalike of someone else's."""


def register_taxpayer(
    uow: UnitOfWork,
    gstin: str,
    legal_name: str,
    frequency: Frequency,
    registered_on: date | None = None,
    trade_name: str | None = None,
) -> date:
    """Register a taxpayer; its obligations start with the period holding `registered_on`."""
    try:
        parsed = parse_gstin(gstin)
    except GstinError as exc:
        raise Invalid([Problem("taxpayer", gstin, "gstin", str(exc))]) from exc
    if parsed.state_code in ("96", "97"):
        raise Invalid([Problem("taxpayer", gstin, "gstin", "not a registrable state code")])
    legal_name = canonical_text(legal_name)
    trade_name = canonical_text(trade_name or "") or None
    invisible = [
        Problem("taxpayer", parsed.value, field, f"the name {problem}")
        for field, name in (("legal_name", legal_name), ("trade_name", trade_name))
        if name and (problem := text_problem(name))
    ]
    if invisible:
        raise Invalid(invisible)
    if uow.taxpayers.find(parsed.value) is not None:
        raise Conflict(GSTIMS409, f"GSTIN {parsed.value} is already registered")
    day = registered_on or uow.today()
    if not GST_START <= day <= uow.today():
        raise Invalid(
            [
                Problem(
                    "taxpayer",
                    parsed.value,
                    "registered_on",
                    f"a registration date is between 01-07-2017 and today, got {day:%d-%m-%Y}",
                )
            ]
        )
    uow.taxpayers.add(
        gstin=parsed.value,
        legal_name=legal_name,
        trade_name=trade_name,
        state=parsed.state_code,
        frequency=frequency.value,
        registered_on=day,
    )
    return day


def password_hash(password: str, salt: bytes | None = None) -> str:
    """scrypt (RFC 7914), stored as `scrypt$salt$hash`."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str | None) -> bool:
    """Whether `password` is the one `stored` hashes. Without a stored hash (an unknown user,
    a user without a password) the password is still hashed once, so the answer takes as long
    as for a known user: its timing does not tell which names exist."""
    if not stored or not stored.startswith("scrypt$"):
        password_hash(password, _NO_SALT)
        return False
    _, salt, _digest = stored.split("$")
    return hmac.compare_digest(password_hash(password, bytes.fromhex(salt)), stored)


_NO_SALT = bytes(16)


@dataclass(frozen=True, slots=True)
class NewUser:
    name: str
    token: str


def create_user(
    uow: UnitOfWork,
    name: str,
    gstins: Sequence[str],
    password: str | None = None,
    *,
    is_admin: bool = False,
    actor: str = "admin",
    role: str | Role = Role.APPROVER,
) -> NewUser:
    """A user granted `gstins` with `role` (approver unless told), with a fresh API token
    (only its hash is stored)."""
    granted_as = role_named(name, role)
    known = set(uow.taxpayers.names(gstins))
    missing = [g for g in gstins if g not in known]
    if missing:
        raise Invalid(
            [Problem("user", name, "gstins", f"GSTIN {g} is not registered") for g in missing]
        )
    if not USER_NAME.fullmatch(name):  # issue 14 item 16: no lookalike of another's name
        message = "a user name is 1-100 of a-z A-Z 0-9 . _ @ - and starts with a letter or digit"
        raise Invalid([Problem("user", printable(name[:100]), "name", message)])
    if password is not None and (weak := password_problems(name, password)):
        raise Invalid([Problem("user", name, "password", problem) for problem in weak])
    if uow.users.named(name) is not None:
        raise Conflict(GSTIMS409, f"user {name} exists")
    token = secrets.token_urlsafe(24)
    hashed = password_hash(password) if password else None
    user_id = uow.users.add(name, token_hash(token), hashed, is_admin)
    token_id = add_token(uow, user_id, token_hash(token), "write", None)  # issue 14 item 9
    log(uow, actor, "user.created", name, f"token {token_id}, write, without expiry")
    uow.users.add_grants(user_id, {g: granted_as.value for g in gstins})
    for gstin in sorted(set(gstins)):
        log(uow, actor, "grant.added", name, f"{gstin} {granted_as.value}")
    return NewUser(name, token)


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    name: str
    roles: Mapping[str, Role] = field(
        default_factory=lambda: MappingProxyType({})
    )  # the role held for each GSTIN
    is_admin: bool = False
    scope: str = "write"  # an API token's: "read" may only GET (issue 14 item 9)

    @property
    def gstins(self) -> frozenset[str]:
        return frozenset(self.roles)

    def may_act_for(self, gstin: str) -> bool:
        """Whether the GSTIN is granted at all (any role reads)."""
        return gstin in self.roles

    def role(self, gstin: str) -> Role | None:
        return self.roles.get(gstin)

    def may(self, gstin: str, capability: Capability) -> bool:
        """The one question every entrypoint asks (`gstims.domain.roles.may`)."""
        return may(self.roles.get(gstin), capability)


def operator(name: str, gstin: str) -> Principal:
    """Who runs the CLI without naming a user (`--user cli`), acting on one GSTIN: it holds
    every power there (docs/SECURITY.md), so the maker-checker seam applies its change."""
    return Principal(0, name, MappingProxyType({gstin: Role.ADMIN}))


def principal_from(row: Mapping[Any, Any], roles: Mapping[str, str]) -> Principal:
    """The principal of a user row and its {gstin: role} grants."""
    held = MappingProxyType({g: Role(r) for g, r in roles.items()})
    return Principal(int(str(row["id"])), str(row["name"]), held, bool(row["is_admin"]))


def principal_by_token(uow: UnitOfWork, token: str) -> Principal | None:
    """The user of a live token (not revoked, not expired), with the token's scope."""
    row = uow.users.by_token(token_hash(token), utc_now())
    if row is None:
        return None
    return replace(_principal(uow, row), scope=row["scope"])


def principal_by_password(uow: UnitOfWork, name: str, password: str) -> Principal | None:
    """The user whose name and password these are. An unknown name costs one hash too, so the
    answer's timing does not tell which names exist (issue 14 item 4)."""
    row = uow.users.named(name)
    matches = password_matches(password, row["password_hash"] if row else None)
    return _principal(uow, row) if row is not None and matches else None


def _principal(uow: UnitOfWork, row: Mapping[Any, Any]) -> Principal:
    return principal_from(row, uow.users.roles(int(str(row["id"]))))


def principal_of(uow: UnitOfWork, user_id: int) -> Principal | None:
    """The user with the roles granted to it now (grants may change mid-session)."""
    row = uow.users.find(user_id)
    return None if row is None else _principal(uow, row)


def principal_named(uow: UnitOfWork, name: str) -> Principal | None:
    row = uow.users.named(name)
    return None if row is None else _principal(uow, row)


def set_start_date(uow: UnitOfWork, today: date) -> None:
    """Place a fresh sandbox's clock (no events run: nothing happened before it)."""
    found = uow.clock_day()
    if found is None:
        uow.place_clock(today)
    elif found != today:
        raise ServiceError(GSTIMS409, "the clock is already running; move it with the clock API")


def start_clock(uow: UnitOfWork, today: date) -> date:
    """A fresh sandbox's clock starts on `today`; a running one keeps its day."""
    found = uow.clock_day()
    if found is None:
        uow.place_clock(today)
        return today
    return found
