"""Who may do what for a GSTIN: roles, their capabilities, and maker-checker (issue 17).

A user holds one role per GSTIN granted to them. Roles are ordered; each may do what the
one before it may, and more:

    role       may
    viewer     READ       read every page and GET call of the GSTIN
    preparer   PREPARE    propose IMS actions (SAVE, RESETIMS, bulk), save return drafts,
                          import books, run reconciliations
    approver   APPROVE    approve or send back a proposal, act on IMS directly, recompute
                          GSTR-2B, reset and file returns
    admin      ADMINISTER turn maker-checker on or off for the GSTIN

Maker-checker is a setting of the GSTIN. When it is on, an IMS change asked for by someone
who may PREPARE but not APPROVE is not applied: it becomes a proposal an approver decides
(`route_of_change`). When it is off, a preparer's change applies at once, as before.
Nobody approves their own proposal (`may_decide`).

Worked example: Asha is a preparer of 27AAPFU0939F1ZV, Ravi its approver, maker-checker on.
Asha's SAVE of 1,000 accepts answers a reference whose status says "awaiting approval";
`may_decide(Role.PREPARER, "asha", "asha")` is False (she may not approve, and it is hers),
`may_decide(Role.APPROVER, "ravi", "asha")` is True.

**(decision)** A grant made before roles existed becomes `approver`: its holder keeps doing
everything they did (act, recompute, file) and gains nothing new (migration 0013).
"""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum, StrEnum


class Capability(IntEnum):
    """What a call needs; ordered, so a role's capability includes every lower one."""

    READ = 1
    PREPARE = 2
    APPROVE = 3
    ADMINISTER = 4


class Role(StrEnum):
    VIEWER = "viewer"
    PREPARER = "preparer"
    APPROVER = "approver"
    ADMIN = "admin"

    @property
    def capability(self) -> Capability:
        return _HIGHEST[self]


_HIGHEST = {
    Role.VIEWER: Capability.READ,
    Role.PREPARER: Capability.PREPARE,
    Role.APPROVER: Capability.APPROVE,
    Role.ADMIN: Capability.ADMINISTER,
}

ROLES = tuple(Role)
MIGRATED_GRANT = Role.APPROVER  # what a grant made before roles existed became


def may(role: Role | None, capability: Capability) -> bool:
    """Whether `role` (None: no grant) has `capability`."""
    return role is not None and role.capability >= capability


class Handling(StrEnum):
    """What becomes of an IMS change someone asks for."""

    APPLY = "apply"  # through the SAVE use case, now
    PROPOSE = "propose"  # a proposal, awaiting an approver
    REFUSE = "refuse"  # the role may not change IMS at all


def route_of_change(role: Role | None, maker_checker: bool) -> Handling:
    """A viewer is refused; under maker-checker a preparer proposes; otherwise it applies."""
    if not may(role, Capability.PREPARE):
        return Handling.REFUSE
    if maker_checker and not may(role, Capability.APPROVE):
        return Handling.PROPOSE
    return Handling.APPLY


def may_decide(role: Role | None, checker: str, maker: str) -> bool:
    """An approver may approve or send back a proposal, but never one of their own."""
    return may(role, Capability.APPROVE) and checker != maker


def parse_role(text: str) -> Role:
    """A role by name; ValueError naming the four otherwise."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise ValueError(f"a role is one of {names}; got {text!r}") from None


def itc_effect(credit_note: bool, tax: Decimal, held: str, proposed: str) -> Decimal:
    """How a proposed action changes the ITC the record gives (what an approver weighs).

    Accepted and No action records are in the 2B and give their tax (a credit note takes it
    away); Rejected and Pending ones give nothing. Example: accepting a ₹1,800 invoice held
    Pending is +1,800; rejecting a ₹180 credit note held No action is +180.
    """
    return _gives(credit_note, tax, proposed) - _gives(credit_note, tax, held)


def _gives(credit_note: bool, tax: Decimal, action: str) -> Decimal:
    if action not in ("A", "N"):
        return Decimal(0)
    return -tax if credit_note else tax
