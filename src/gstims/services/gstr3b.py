"""GSTR-3B use cases: the auto-populated return (AUTOLIAB) and filing it (R-3B-1..4).

Filing 3B for T consumes exactly the records that T's latest 2B held, with the actions that
2B recorded (R-3B-3): an action changed since and not recomputed is overridden by what was
filed, with an audit entry; a record time-barred since, or replaced by an amendment since,
is consumed as the 2B held it (`as_held`). Each consumed record keeps the ITC effect it
actually gave (so a later amendment is counted by difference, R-2B-5), and each consumed
credit note that the recipient rejected or declared a partial or nil reduction on adds back
to its supplier's liability (R-3B-4).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from gstims.domain.calendar import Frequency, Period
from gstims.domain.errors import RET2B1023
from gstims.domain.gstr3b import (
    SupplyTotals,
    Table4,
    add_back_period,
    outward_liability,
    reclaim_period,
)
from gstims.domain.money import sum_tax
from gstims.domain.records import Record
from gstims.domain.sequence import gstr3b_refusal
from gstims.domain.taxpayer import Taxpayer
from gstims.services.as_held import measure_successors, restore_routes, superseded
from gstims.services.context import SYSTEM, filing_facts, gc_paused, taxpayer, taxpayers_by_gstin
from gstims.services.errors import Conflict
from gstims.services.gstr2b import latest, table4_of
from gstims.store.db import UnitOfWork
from gstims.store.records.audit import entry as audit_entry
from gstims.store.records.consumption import AddBack
from gstims.store.records.mapping import DECLARED_COLUMNS, from_paise, period_int, tax_paise


@dataclass(frozen=True, slots=True)
class AutoLiability:
    gstin: str
    period: Period
    table4: Table4
    outward: SupplyTotals
    stale_2b: bool
    gstr2b_version: int | None


def auto_liability(uow: UnitOfWork, gstin: str, period: Period) -> AutoLiability:
    """AUTOLIAB: always answers (R-3B-2); stale when actions changed after the 2B."""
    tp = taxpayer(uow, gstin)
    row = latest(uow, gstin, period, content=False)
    ims_version = uow.taxpayers.ims_version(gstin)
    stale = row is not None and row["ims_version"] != ims_version
    return AutoLiability(
        gstin,
        period,
        table4_of(row["table4"] if row else None),
        supplier_liability(uow, tp, period),
        stale,
        row["version"] if row else None,
    )


def supplier_liability(uow: UnitOfWork, tp: Taxpayer, period: Period) -> SupplyTotals:
    """3.1(a) (R-3B-4): filed outward records of the period plus credit-note add-backs."""
    months = (
        [period.plus(-2), period.plus(-1), period]
        if tp.frequency is Frequency.QUARTERLY
        else [period]
    )
    by_month: dict[Period, list[Record]] = defaultdict(list)
    for record in uow.records.filed_by(tp.gstin, months):
        by_month[record.supplier_period].append(record)
    add_back = uow.adjustments.add_back_total(tp.gstin, period)
    totals = [outward_liability(tp.gstin, m, recs) for m, recs in by_month.items()]
    taxable = sum((t.taxable for t in totals), from_paise(0))
    return SupplyTotals(taxable, sum_tax(t.tax for t in totals) + add_back)


@gc_paused
def file_3b(uow: UnitOfWork, gstin: str, period: Period) -> date:
    """RETFILE of GSTR-3B (R-SEQ-2, R-3B-3): file what AUTOLIAB shows, consume the 2B."""
    tp = taxpayer(uow, gstin)
    today = uow.today()
    uow.lock([gstin])
    row = latest(uow, gstin, period, content=False)
    refusal = gstr3b_refusal(filing_facts(uow, tp), period, row is not None)
    if refusal or row is None:
        raise Conflict(refusal.code if refusal else RET2B1023, refusal.message if refusal else "")
    liability = auto_liability(uow, gstin, period)
    members = row["members"]
    _restore_declarations(uow, tp, members, row["declarations"], today)
    restore_routes(uow, tp, members, today)
    replaced = superseded(uow, tp, members)
    note = "consumed as the filed 2B held it"
    add_backs = uow.consumption.consume(gstin, period, members, actor=SYSTEM, day=today, note=note)
    _add_backs(uow, period, tp, add_backs)
    uow.consumption.consume_adjustments(gstin, period)
    measure_successors(uow, tp, replaced, today)
    content = filed_values(liability)
    uow.returns.file(
        gstin, "GSTR3B", period, filed_on=today, content=content, from_2b_version=row["version"]
    )
    _rule_37a_reclaims(uow, tp, period, today)
    uow.records.bump_ims_version([gstin])
    return today


def filed_values(liability: AutoLiability) -> dict[str, Any]:
    t = liability.table4
    return {
        "itc_net": [str(h) for h in t.net.heads],
        "osup_det": [str(liability.outward.taxable), *map(str, liability.outward.tax.heads)],
        "gstr2b_version": liability.gstr2b_version,
    }


def _restore_declarations(
    uow: UnitOfWork,
    tp: Taxpayer,
    members: Mapping[str, list[int]],
    declared: Mapping[str, list[Any]] | None,
    today: date,
) -> None:
    """A declaration changed since the 2B goes back to the one the 2B was computed with, with
    an audit entry: the 3B consumes each record as the filed 2B held it (R-3B-3), and the
    declaration decides its effect and add-back (R-ACT-7, R-3B-4). A generation made before
    migration 0005 kept none (`declared` None): its records keep the one they have."""
    if declared is None:
        return
    columns = ("itc_red_req", *DECLARED_COLUMNS)
    ids = [i for held in members.values() for i in held]
    named = [int(i) for i in declared]
    restored, audit = [], []
    for row in uow.consumption.declared(tp.gstin, ids, named, columns):
        then = dict(zip(columns, declared.get(str(row["id"]), [None] * len(columns)), strict=True))
        if all(row[c] == then[c] for c in columns):
            continue
        restored.append({"id": row["id"], **then})
        note = "declaration as the filed 2B held it"
        audit.append(audit_entry(row, row["action"], actor=SYSTEM, day=today, note=note))
    uow.consumption.write(restored)
    uow.audit.write(audit)


def _add_backs(uow: UnitOfWork, period: Period, recipient: Taxpayer, notes: list[AddBack]) -> None:
    """R-3B-4: land each add-back in the supplier's first later period whose 3B is unfiled."""
    if not notes:
        return
    suppliers = taxpayers_by_gstin(uow, {row["supplier"] for row, _ in notes})
    filed = uow.returns.filed_periods(suppliers, "GSTR3B")
    entries = []
    for row, amount in notes:
        supplier = suppliers.get(row["supplier"])
        if supplier is None:
            continue
        landing = add_back_period(period, supplier.frequency, filed.get(supplier.gstin, set()))
        entries.append(
            {
                "supplier": supplier.gstin,
                "period": period_int(landing),
                "record_id": row["id"],
                "recipient": recipient.gstin,
                **tax_paise(amount),
            }
        )
    uow.adjustments.add_backs(entries)


def _rule_37a_reclaims(uow: UnitOfWork, supplier: Taxpayer, period: Period, today: date) -> None:
    """R-2B-8: a late 3B makes the reversed ITC reclaimable in each recipient's next 2B."""
    reversals = uow.adjustments.reversals(supplier.gstin, period)
    if not reversals:
        return
    recipients = taxpayers_by_gstin(uow, {r["recipient"] for r in reversals})
    entries = [
        {
            "recipient": r["recipient"],
            "supplier": supplier.gstin,
            "supplier_period": r["supplier_period"],
            "kind": "reclaim",
            "period_2b": period_int(reclaim_period(today, recipients[r["recipient"]].frequency)),
            **{h: r[h] for h in ("igst", "cgst", "sgst", "cess")},
        }
        for r in reversals
        if r["recipient"] in recipients
    ]
    uow.adjustments.add(entries)
