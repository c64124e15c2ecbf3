"""Decisions made by hand that every later run keeps (R-REC-18).

A user may pair a books document with a portal record, keep two apart, or override the
suggestion for a record. Each decision is a row of `recon_manual` with who and when; a new
decision on the same record (and books document) revokes the previous one, which stays with
who revoked it and when, so the trail is whole. `manual_for` reads the active ones of a run's
GSTINs in one query: the matcher takes the pairs first and never pairs what is kept apart
(`domain.reconcile.matcher.Manual`); an override replaces the outcome's default action for
that record, and is still put to the rule table (R-REC-16).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from gstims.domain.errors import RECON404
from gstims.domain.reconcile.matcher import Manual
from gstims.domain.records import Action
from gstims.services.errors import NotFound
from gstims.store.db import UnitOfWork


def manual_for(uow: UnitOfWork, gstins: Sequence[str]) -> tuple[Manual, dict[int, Action | None]]:
    """The active decisions made by hand for these GSTINs, in one query."""
    rows = uow.recon.manual(gstins)
    pairs = frozenset((r.books_ref, str(r.portal_id)) for r in rows if r.decision == "pair")
    apart = frozenset((r.books_ref, str(r.portal_id)) for r in rows if r.decision == "apart")
    overrides = {
        r.portal_id: Action(r.action) if r.action else None
        for r in rows
        if r.decision == "override"
    }
    return Manual(pairs, apart), overrides


def _check_own(uow: UnitOfWork, gstin: str, books_ref: str | None, portal_id: int) -> None:
    """Tenant isolation: both documents must be the GSTIN's own."""
    if books_ref is not None and not books_ref.startswith(f"{gstin}/"):
        raise NotFound(RECON404, f"no books document {books_ref} of {gstin}")
    if uow.recon.owner(portal_id) != gstin:
        raise NotFound(RECON404, f"no portal record {portal_id} of {gstin}")


def _decide(
    uow: UnitOfWork,
    gstin: str,
    decision: str,
    books_ref: str | None,
    portal_id: int,
    user: str,
    action: Action | None = None,
) -> None:
    _check_own(uow, gstin, books_ref, portal_id)
    now = datetime.now()
    uow.recon.revoke(
        gstin, portal_id, user, now, override=decision == "override", books=books_ref or ""
    )
    uow.recon.decide(
        {
            "gstin": gstin,
            "decision": decision,
            "books_ref": books_ref,
            "portal_id": portal_id,
            "action": action.value if action else None,
            "made_by": user[:100],
            "made_at": now,
        }
    )


def pair_by_hand(uow: UnitOfWork, gstin: str, books_ref: str, portal_id: int, user: str) -> None:
    """R-REC-18: these two pair in every later run (until unpaired)."""
    _decide(uow, gstin, "pair", books_ref, portal_id, user)


def unpair_by_hand(uow: UnitOfWork, gstin: str, books_ref: str, portal_id: int, user: str) -> None:
    """R-REC-18: these two never pair again (until paired by hand)."""
    _decide(uow, gstin, "apart", books_ref, portal_id, user)


def override_suggestion(
    uow: UnitOfWork, gstin: str, portal_id: int, action: Action | None, user: str
) -> None:
    """R-REC-18: the record's suggestion in every later run (still asked of the rule table)."""
    _decide(uow, gstin, "override", None, portal_id, user, action)
