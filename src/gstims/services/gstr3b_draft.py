"""GSTR-3B RETSAVE: the taxpayer's own GSTR-3B draft of a period, one transaction.

The draft is what the client sent, as the GSTR-3B format reads it (Table 4, 3.1(a), 3.1(d);
amounts exact Decimals); each save replaces the period's draft. Filing still files what
AUTOLIAB computes (R-3B-3): the draft is the taxpayer's working copy. A filed 3B takes no
save (`RET0002`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gstims.domain.calendar import Period
from gstims.domain.errors import RET0002
from gstims.domain.sequence import period_refusal
from gstims.services.context import new_reference, return_status, taxpayer
from gstims.services.errors import Conflict
from gstims.store.db import UnitOfWork


def save_3b(uow: UnitOfWork, gstin: str, period: Period, content: Mapping[str, Any]) -> str:
    """Store `content` (a GSTR-3B JSON already read and validated) as the period's draft."""
    taxpayer(uow, gstin)
    if refusal := period_refusal(period):
        raise Conflict(refusal.code, refusal.message)
    status = return_status(uow, gstin, "GSTR3B", period)
    if status is not None and status["status"] == "filed":
        raise Conflict(RET0002, f"GSTR-3B for {period} is already filed: no more saves")
    uow.lock([gstin])
    reference = new_reference()
    uow.drafts.save_3b(gstin, period, content, reference, uow.today())
    return reference


def draft_3b(uow: UnitOfWork, gstin: str, period: Period) -> Mapping[str, Any] | None:
    """The period's saved GSTR-3B draft, or None."""
    taxpayer(uow, gstin)
    found: Mapping[str, Any] | None = uow.drafts.draft_3b(gstin, period)
    return found
