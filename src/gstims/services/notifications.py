"""What needs a person today, for the GSTINs granted to them (issue 17, the dashboard's panel).

    proposals     proposals awaiting approval (shown to whoever may approve them)
    pending       Pending credit notes whose R-ACT-4 deadline is within NEAR days: on the day
                  after it they turn back to No action
    stale-2b      the working period's GSTR-2B computed before the IMS last changed, its 3B
                  not filed (recompute it before filing, R-3B-2)
    gstr3b-due    the working period's GSTR-3B not filed and due within NEAR days (or overdue)

Example: on 15-11-2024 an approver of R with 2 proposals waiting, and R's October 3B due on
20-11-2024 and unfiled, sees "2 proposals await approval" and "GSTR-3B 102024 due 20-11-2024".

Every figure comes from one set-based query over all the user's GSTINs, however many they
are: proposals, pending records, filed returns, and for the 2B check the IMS version each
GSTIN's newest 2B of its working period was computed at (`uow.gstr2b.latest_ims_versions`)
beside each GSTIN's IMS version now (`uow.taxpayers.ims_versions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from gstims.domain.calendar import Period, gstr3b_due
from gstims.domain.roles import Capability
from gstims.domain.taxpayer import Taxpayer
from gstims.services.context import taxpayers_by_gstin
from gstims.services.dashboard import working_period
from gstims.services.taxpayers import Principal
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import period_int

NEAR = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Notice:
    gstin: str
    kind: str  # proposals / pending / stale-2b / gstr3b-due
    text: str
    link: str  # the dashboard page that deals with it
    urgent: bool = False


def notices(uow: UnitOfWork, principal: Principal) -> list[Notice]:
    today = uow.today()
    tps = taxpayers_by_gstin(uow, principal.gstins)
    periods = {g: working_period(tp, today) for g, tp in tps.items()}
    filed = _filed_3b(uow, tps)
    found = [
        *_proposals(uow, principal, tps),
        *_pending(uow, tps, today),
        *_stale_2b(uow, periods, filed),
        *_due_3b(tps, periods, filed, today),
    ]
    return sorted(found, key=lambda n: (not n.urgent, n.gstin, n.kind))


def _proposals(uow: UnitOfWork, principal: Principal, tps: Mapping[str, Taxpayer]) -> list[Notice]:
    approvers = [g for g in tps if principal.may(g, Capability.APPROVE)]
    return [
        Notice(g, "proposals", f"{n} proposal(s) await approval", f"/g/{g}/approvals", True)
        for g, n in sorted(uow.proposals.awaiting(approvers).items())
    ]


def _pending(uow: UnitOfWork, tps: Mapping[str, Taxpayer], today: date) -> list[Notice]:
    due = uow.records.pending_due(list(tps), today, today + NEAR)
    return [
        Notice(
            g,
            "pending",
            f"{n} Pending record(s) turn back to No action after {first:%d-%m-%Y}",
            f"/g/{g}/ims?action=P",
            first - today <= timedelta(days=2),
        )
        for g, (n, first) in sorted(due.items())
    ]


def _filed_3b(uow: UnitOfWork, tps: Mapping[str, Taxpayer]) -> set[tuple[str, int]]:
    return {(g, p) for g, form, p in uow.returns.filed(list(tps)) if form == "GSTR3B"}


def _stale_2b(
    uow: UnitOfWork, periods: Mapping[str, Period], filed: set[tuple[str, int]]
) -> list[Notice]:
    """The GSTINs whose newest 2B of the working period (3B unfiled) was computed before the
    IMS last changed: two queries for all of them."""
    unfiled = {g: p for g, p in periods.items() if (g, period_int(p)) not in filed}
    computed_at = uow.gstr2b.latest_ims_versions(unfiled)
    now = uow.taxpayers.ims_versions(list(computed_at)) if computed_at else {}
    return [
        Notice(
            g,
            "stale-2b",
            f"GSTR-2B {unfiled[g].code} changed since it was computed: recompute it",
            f"/g/{g}/gstr2b",
        )
        for g, version in sorted(computed_at.items())
        if version != now[g]
    ]


def _due_3b(
    tps: Mapping[str, Taxpayer],
    periods: Mapping[str, Period],
    filed: set[tuple[str, int]],
    today: date,
) -> list[Notice]:
    out = []
    for g, period in sorted(periods.items()):
        due = gstr3b_due(period, tps[g].frequency, tps[g].state)
        if (g, period_int(period)) in filed or due - today > NEAR:
            continue
        when = "overdue since" if due < today else "due"
        text = f"GSTR-3B {period.code} {when} {due:%d-%m-%Y}"
        out.append(Notice(g, "gstr3b-due", text, f"/g/{g}/gstr3b", due <= today))
    return out
