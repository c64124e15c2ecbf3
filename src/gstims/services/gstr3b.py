"""GSTR-3B use cases: the auto-populated return (AUTOLIAB) and filing it (R-3B-1..4).

Filing 3B for T consumes exactly the records that T's latest 2B held, with the actions that
2B recorded (R-3B-3): an action changed since and not recomputed is overridden by what was
filed, with an audit entry. Each consumed record keeps the ITC effect it actually gave (so a
later amendment is counted by difference, R-2B-5), and each consumed credit note that the
recipient rejected or declared a partial or nil reduction on adds back to its supplier's
liability (R-3B-4).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update

from gstims.domain.calendar import (
    Frequency,
    Period,
    next_return_period,
    return_period,
)
from gstims.domain.gstr2b import itc_effect
from gstims.domain.gstr3b import SupplyTotals, Table4, credit_note_add_back, outward_liability
from gstims.domain.money import NO_TAX, Tax, sum_tax
from gstims.domain.records import Action, Kind, Route
from gstims.domain.sequence import gstr3b_refusal
from gstims.domain.state import ImsState
from gstims.services.context import (
    SYSTEM,
    Taxpayer,
    audit_entry,
    bump_ims_version,
    filing_facts,
    gc_paused,
    taxpayer,
    taxpayers_by_gstin,
    write_audit,
)
from gstims.services.errors import Conflict
from gstims.services.gstr2b import latest, table4_of
from gstims.services.rows import (
    RECORD_COLUMNS,
    STATE_COLUMNS,
    from_paise,
    period_int,
    period_of,
    record_of,
    state_of,
    tax_paise,
)
from gstims.store.bulk import in_values, update_rows, update_where_in
from gstims.store.db import UnitOfWork
from gstims.store.tables import addbacks, itc_adjustments, records, returns, taxpayers

NO_ITC_ROUTES = {Route.POS_INELIGIBLE.value, Route.TIME_BARRED.value}


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
    ims_version = uow.conn.execute(
        select(taxpayers.c.ims_version).where(taxpayers.c.gstin == gstin)
    ).scalar_one()
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
    rows = uow.conn.execute(
        select(records).where(
            records.c.supplier == tp.gstin,
            records.c.source_period.in_([period_int(m) for m in months]),
            records.c.filed_on.is_not(None),
        )
    ).mappings()
    by_month: dict[Period, list[Any]] = defaultdict(list)
    for row in rows:
        record = record_of(row)
        by_month[record.supplier_period].append(record)
    added = uow.conn.execute(
        select(
            *(func.coalesce(func.sum(addbacks.c[h]), 0) for h in ("igst", "cgst", "sgst", "cess"))
        ).where(addbacks.c.supplier == tp.gstin, addbacks.c.period == period_int(period))
    ).one()
    add_back = Tax(*(from_paise(int(v)) for v in added))
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
        raise Conflict(refusal.code if refusal else "RET2B1023", refusal.message if refusal else "")
    liability = auto_liability(uow, gstin, period)
    _consume(uow, tp, period, row["members"], today)
    uow.conn.execute(
        insert(returns).values(
            gstin=gstin,
            form="GSTR3B",
            period=period_int(period),
            status="filed",
            filed_on=today,
            content=filed_values(liability),
            from_2b_version=row["version"],
        )
    )
    _rule_37a_reclaims(uow, tp, period, today)
    bump_ims_version(uow, [gstin])
    uow.commit()
    return today


def filed_values(liability: AutoLiability) -> dict[str, Any]:
    t = liability.table4
    return {
        "itc_net": [str(h) for h in t.net.heads],
        "osup_det": [str(liability.outward.taxable), *map(str, liability.outward.tax.heads)],
        "gstr2b_version": liability.gstr2b_version,
    }


def _consume(
    uow: UnitOfWork, tp: Taxpayer, period: Period, members: Mapping[str, list[int]], today: date
) -> None:
    """Consume the records the filed 2B held, with the actions it recorded (R-3B-3).

    `members` is the 2B's {action: [record ids]}. Set-based, an action at a time: the records
    that gave their own tax are marked consumed (with that effect) by one UPDATE, those that
    gave nothing by another, and the rest (amendments, declarations) by one bulk per-row
    update.
    """
    judge = _Judge()
    audit, credit_notes = [], []
    others: list[dict[str, Any]] = []
    wanted = (*RECORD_COLUMNS, *STATE_COLUMNS, "id", "route")
    consumed_in = period_int(period)
    for filed_action, ids in members.items():
        rows = uow.conn.execute(
            select(*(records.c[c] for c in wanted)).where(
                records.c.recipient == tp.gstin,
                in_values(uow.conn, records.c.id, ids),
                records.c.consumed_in.is_(None),
                records.c.live.is_(True),
            )
        )
        own_tax: list[int] = []
        no_tax: list[int] = []
        for row in rows.mappings().all():
            if filed_action != row["action"]:
                audit.append(
                    audit_entry(
                        row,
                        filed_action,
                        actor=SYSTEM,
                        day=today,
                        note="consumed as the filed 2B held it",
                    )
                )
            effect, add_back = judge(row, filed_action)
            if effect == tuple(row[h] for h in _HEADS):
                own_tax.append(row["id"])
            elif not any(effect):
                no_tax.append(row["id"])
            else:
                others.append(
                    {
                        "id": row["id"],
                        "consumed_in": consumed_in,
                        "consumed_action": filed_action,
                        "action": filed_action,
                        **dict(zip(_EFFECT_COLUMNS, effect, strict=True)),
                    }
                )
            if not add_back.is_zero():
                credit_notes.append((row, add_back))
        consumed = {"consumed_in": consumed_in, "consumed_action": filed_action}
        consumed["action"] = filed_action
        own = {e: records.c[h] for e, h in zip(_EFFECT_COLUMNS, _HEADS, strict=True)}
        update_where_in(uow.conn, records, own_tax, {**consumed, **own})
        update_where_in(
            uow.conn, records, no_tax, {**consumed, **dict.fromkeys(_EFFECT_COLUMNS, 0)}
        )
    update_rows(uow.conn, records, others)
    write_audit(uow, audit)
    _add_backs(uow, period, tp, credit_notes)
    uow.conn.execute(
        update(itc_adjustments)
        .where(
            itc_adjustments.c.recipient == tp.gstin,
            itc_adjustments.c.period_2b <= period_int(period),
            itc_adjustments.c.consumed_in.is_(None),
        )
        .values(consumed_in=period_int(period))
    )


_HEADS = ("igst", "cgst", "sgst", "cess")
_EFFECT_COLUMNS = tuple(f"eff_{h}" for h in _HEADS)
# Everything `_effect` and `credit_note_add_back` read of a record and the state its 2B
# filed (beside the action it filed): the kind, the tax, the route, the declaration, and the
# original an amendment amends (its tax, effect, action, consumption).
_JUDGED_COLUMNS = (
    "kind",
    *_HEADS,
    "route",
    "itc_red_req",
    "decl_igst",
    "decl_cgst",
    "decl_sgst",
    "decl_cess",
    "orig_number",
    "orig_igst",
    "orig_cgst",
    "orig_sgst",
    "orig_cess",
    "orig_consumed",
    "orig_action",
    "orig_eff_igst",
    "orig_eff_cgst",
    "orig_eff_sgst",
    "orig_eff_cess",
)


class _Judge:
    """A consumed record's ITC effect (in paise) and credit-note add-back, judged once per
    distinct set of the facts they depend on (`_JUDGED_COLUMNS`): invoices of the same tax
    and action share one judgement, and the rules stay in the domain."""

    def __init__(self) -> None:
        self._known: dict[tuple[Any, ...], tuple[tuple[int, ...], Tax]] = {}

    def __call__(self, row: Mapping[str, Any], action: str) -> tuple[tuple[int, ...], Tax]:
        facts = (action, *(row[c] for c in _JUDGED_COLUMNS))
        found = self._known.get(facts)
        if found is None:
            found = self._known[facts] = _judge(row, action)
        return found


def _judge(row: Mapping[str, Any], action: str) -> tuple[tuple[int, ...], Tax]:
    """The effect and add-back of a record consumed with the `action` its 2B recorded."""
    record = record_of(row)
    state = state_of(row, action)
    effect = _effect(record, state, row["route"])
    add_back = NO_TAX
    if record.key.kind is Kind.CN and row["route"] == Route.IMS.value:
        add_back = credit_note_add_back(record, state)
    return tuple(tax_paise(effect).values()), add_back


def _effect(record: Any, state: ImsState, route: str) -> Tax:
    """The ITC the record actually gave when consumed (cumulative for an amendment)."""
    if route in NO_ITC_ROUTES or (route == Route.IMS.value and state.action is Action.REJECT):
        own = NO_TAX
    else:
        own = itc_effect(record, state, Route(route))
    original = record.original
    if original is not None and original.consumed:
        return original.effect + own
    return own


def _add_backs(
    uow: UnitOfWork, period: Period, recipient: Taxpayer, notes: list[tuple[Mapping[str, Any], Tax]]
) -> None:
    """R-3B-4: land each add-back in the supplier's first later period whose 3B is unfiled."""
    if not notes:
        return
    suppliers = taxpayers_by_gstin(uow, {row["supplier"] for row, _ in notes})
    filed = _filed_3b(uow, set(suppliers))
    entries = []
    for row, amount in notes:
        supplier = suppliers.get(row["supplier"])
        if supplier is None:
            continue
        landing = next_return_period(return_period(period, supplier.frequency), supplier.frequency)
        while landing in filed.get(supplier.gstin, set()):
            landing = next_return_period(landing, supplier.frequency)
        entries.append(
            {
                "supplier": supplier.gstin,
                "period": period_int(landing),
                "record_id": row["id"],
                "recipient": recipient.gstin,
                **tax_paise(amount),
            }
        )
    if entries:
        uow.conn.execute(insert(addbacks), entries)


def _filed_3b(uow: UnitOfWork, gstins: set[str]) -> dict[str, set[Period]]:
    out: dict[str, set[Period]] = defaultdict(set)
    rows = uow.conn.execute(
        select(returns.c.gstin, returns.c.period).where(
            returns.c.form == "GSTR3B",
            returns.c.status == "filed",
            returns.c.gstin.in_(sorted(gstins)),
        )
    )
    for gstin, p in rows:
        out[gstin].add(period_of(p))
    return out


def _rule_37a_reclaims(uow: UnitOfWork, supplier: Taxpayer, period: Period, today: date) -> None:
    """R-2B-8: a late 3B makes the reversed ITC reclaimable in each recipient's next 2B."""
    reversals = uow.conn.execute(
        select(itc_adjustments).where(
            itc_adjustments.c.supplier == supplier.gstin,
            itc_adjustments.c.kind == "reversal",
            itc_adjustments.c.supplier_period == period_int(period),
        )
    ).mappings()
    reversals = list(reversals)
    if not reversals:
        return
    recipients = taxpayers_by_gstin(uow, {r["recipient"] for r in reversals})
    month = Period.of(today) if today.day >= 14 else Period.of(today).prev()
    entries = [
        {
            "recipient": r["recipient"],
            "supplier": supplier.gstin,
            "supplier_period": r["supplier_period"],
            "kind": "reclaim",
            "period_2b": period_int(return_period(month, recipients[r["recipient"]].frequency)),
            **{h: r[h] for h in ("igst", "cgst", "sgst", "cess")},
        }
        for r in reversals
        if r["recipient"] in recipients
    ]
    if entries:
        uow.conn.execute(insert(itc_adjustments), entries)
