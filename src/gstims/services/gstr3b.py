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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, func, insert, not_, or_, select, update

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
from gstims.domain.taxpayer import Taxpayer
from gstims.services.as_held import measure_successors, restore_routes, superseded
from gstims.services.context import SYSTEM, filing_facts, gc_paused, taxpayer, taxpayers_by_gstin
from gstims.services.errors import Conflict
from gstims.services.gstr2b import latest, table4_of
from gstims.store.bulk import fetch_dicts, in_values, update_rows
from gstims.store.db import UnitOfWork
from gstims.store.records.audit import entry as audit_entry
from gstims.store.records.mapping import (
    DECLARED_COLUMNS,
    ORIGINAL_COLUMNS,
    RECORD_COLUMNS,
    STATE_COLUMNS,
    from_paise,
    period_int,
    period_of,
    record_of,
    state_of,
    tax_of,
    tax_paise,
)
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
    members = row["members"]
    _restore_declarations(uow, tp, members, row["declarations"], today)
    restore_routes(uow, tp, members, today)
    replaced = superseded(uow, tp, members)
    _consume(uow, tp, period, members, today)
    measure_successors(uow, tp, replaced, today)
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
    uow.records.bump_ims_version([gstin])
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

    `members` is the 2B's {action: [record ids]}. Set-based, an action at a time, without
    reading a lakh of rows (`_Judge`): the records that gave their own tax are marked consumed
    (with that effect) by one UPDATE, those that gave nothing by another, and the rest
    (amendments, declarations) by one bulk per-row update.
    """
    conn = uow.conn
    judge = _Judge(conn)
    others: list[dict[str, Any]] = []
    credit_notes: list[tuple[Mapping[str, Any], Tax]] = []
    for filed_action, ids in members.items():
        held = and_(
            records.c.recipient == tp.gstin,
            in_values(conn, records.c.id, ids),
            records.c.consumed_in.is_(None),  # live or not: replaced since, it still gave
        )
        found = conn.execute(select(*_CLASS_COLUMNS).where(held).distinct()).all()
        _audit_overridden(uow, held, {row.action for row in found}, filed_action, today)
        verdicts = judge(held, found, filed_action)  # every read before the first write
        consumed = {
            "consumed_in": period_int(period),
            "consumed_action": filed_action,
            "action": filed_action,
        }
        for gave, effect in ((verdicts.own_tax, _OWN_EFFECT), (verdicts.no_tax, _NO_EFFECT)):
            if gave:
                conn.execute(update(records).where(held, or_(*gave)).values(**consumed, **effect))
        others += [
            {"id": i, **consumed, **dict(zip(_EFFECT_COLUMNS, effect, strict=True))}
            for i, effect in verdicts.other
        ]
        credit_notes += verdicts.add_backs
    update_rows(conn, records, others)
    _add_backs(uow, period, tp, credit_notes)
    conn.execute(
        update(itc_adjustments)
        .where(
            itc_adjustments.c.recipient == tp.gstin,
            itc_adjustments.c.period_2b <= period_int(period),
            itc_adjustments.c.consumed_in.is_(None),
        )
        .values(consumed_in=period_int(period))
    )


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
    changed = select(
        *(records.c[c] for c in ("id", "recipient", "supplier", "kind", "number", "fy")),
        records.c.action,
        *(records.c[c] for c in columns),
    ).where(
        records.c.recipient == tp.gstin,
        in_values(uow.conn, records.c.id, ids),
        records.c.consumed_in.is_(None),
        or_(
            records.c.itc_red_req.is_not(None),
            in_values(uow.conn, records.c.id, [int(i) for i in declared]),
        ),
    )
    restored, audit = [], []
    for row in fetch_dicts(uow.conn, changed):
        then = dict(zip(columns, declared.get(str(row["id"]), [None] * len(columns)), strict=True))
        if all(row[c] == then[c] for c in columns):
            continue
        restored.append({"id": row["id"], **then})
        note = "declaration as the filed 2B held it"
        audit.append(audit_entry(row, row["action"], actor=SYSTEM, day=today, note=note))
    update_rows(uow.conn, records, restored)
    uow.audit.write(audit)


def _audit_overridden(
    uow: UnitOfWork, held: ColumnElement[bool], actions: set[str], filed: str, today: date
) -> None:
    """An action changed since the 2B is overridden by the filed one, with an audit entry."""
    at = datetime.now()
    for old in sorted(actions - {filed}):
        query = select(records.c.id).where(held, records.c.action == old)
        ids = list(uow.conn.execute(query).scalars())
        note = "consumed as the filed 2B held it"
        uow.audit.copy_of(ids, old, filed, actor=SYSTEM, day=today, at=at, note=note)


_HEADS = ("igst", "cgst", "sgst", "cess")
_EFFECT_COLUMNS = tuple(f"eff_{h}" for h in _HEADS)
_OWN_EFFECT = {e: records.c[h] for e, h in zip(_EFFECT_COLUMNS, _HEADS, strict=True)}
_NO_EFFECT = dict.fromkeys(_EFFECT_COLUMNS, 0)
# A plain record amends nothing and carries no declaration.
_PLAIN = and_(records.c.orig_number.is_(None), records.c.itc_red_req.is_(None))
_CARRIES_TAX = or_(*(records.c[h] != 0 for h in _HEADS))
_CLASS_COLUMNS = (records.c.kind, records.c.route, _PLAIN.label("plain"), records.c.action)
# Everything `_effect` and `credit_note_add_back` read of a record and the state its 2B
# filed (beside the action it filed): the kind, the tax, the route, the declaration, and the
# original an amendment amends (its tax, effect, action, consumption).
_JUDGED_COLUMNS = ("kind", *_HEADS, "route", "itc_red_req", *DECLARED_COLUMNS, *ORIGINAL_COLUMNS)
_FULL = [records.c[c] for c in (*RECORD_COLUMNS, *STATE_COLUMNS, "id", "route")]


@dataclass
class _Verdicts:
    """What the records consumed with one action gave: their own tax, or nothing (each
    entry a condition on the records), or another effect (in paise, by record id); and the
    credit notes' add-backs."""

    own_tax: list[ColumnElement[bool]] = field(default_factory=list)
    no_tax: list[ColumnElement[bool]] = field(default_factory=list)
    other: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    add_backs: list[tuple[Mapping[str, Any], Tax]] = field(default_factory=list)


class _Judge:
    """The ITC effect and credit-note add-back of consumed records, the rules from the domain.

    A plain record gives, by `itc_effect` and `credit_note_add_back`, its own tax or nothing
    whatever its amounts: which of the two depends on its kind, route and action alone. The
    plain records of one kind and route are judged as a class, on one of them that carries
    tax, and are not read. Any other record (an amendment, a declaration) is read and judged
    once per distinct set of the facts its judgement depends on (`_JUDGED_COLUMNS`).
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._known: dict[tuple[Any, ...], tuple[tuple[int, ...], Tax]] = {}

    def __call__(
        self, held: ColumnElement[bool], found: Sequence[Row[Any]], action: str
    ) -> _Verdicts:
        """Judge the `held` records, of the (kind, route, plain, action) classes `found`."""
        verdicts = _Verdicts()
        one_by_one = [] if all(row.plain for row in found) else [not_(_PLAIN)]
        for kind, route in sorted({(row.kind, row.route) for row in found if row.plain}):
            cls = and_(_PLAIN, records.c.kind == kind, records.c.route == route)
            if not self._by_class(held, cls, action, verdicts):
                one_by_one.append(cls)
        rows = [
            row
            for where in one_by_one
            for row in fetch_dicts(self.conn, select(*_FULL).where(held, where))
        ]
        self._one_by_one(rows, action, verdicts)
        return verdicts

    def _by_class(
        self, held: ColumnElement[bool], cls: ColumnElement[bool], action: str, verdicts: _Verdicts
    ) -> bool:
        """Judge the held records of a class of plain ones on one of them; False when the
        judgement is not simply their own tax or nothing (they are then judged one by one)."""
        query = select(*_FULL).where(held, cls).limit(1)
        sample = (
            fetch_dicts(self.conn, query.where(_CARRIES_TAX)) or fetch_dicts(self.conn, query)
        )[0]
        effect, add_back = self._judged(sample, action)
        gives_own = effect == tuple(sample[h] for h in _HEADS)
        adds_own = add_back == tax_of(sample)
        if not (gives_own or not any(effect)) or not (adds_own or add_back.is_zero()):
            return False
        (verdicts.own_tax if gives_own else verdicts.no_tax).append(cls)
        if not add_back.is_zero():  # each adds back its own tax
            notes = select(records.c.id, records.c.supplier, *(records.c[h] for h in _HEADS))
            rows = fetch_dicts(self.conn, notes.where(held, cls, _CARRIES_TAX))
            verdicts.add_backs += [(row, tax_of(row)) for row in rows]
        return True

    def _one_by_one(
        self, rows: Sequence[Mapping[str, Any]], action: str, verdicts: _Verdicts
    ) -> None:
        own: list[int] = []
        nothing: list[int] = []
        for row in rows:
            effect, add_back = self._judged(row, action)
            if effect == tuple(row[h] for h in _HEADS):
                own.append(row["id"])
            elif not any(effect):
                nothing.append(row["id"])
            else:
                verdicts.other.append((row["id"], effect))
            if not add_back.is_zero():
                verdicts.add_backs.append((row, add_back))
        if own:
            verdicts.own_tax.append(in_values(self.conn, records.c.id, own))
        if nothing:
            verdicts.no_tax.append(in_values(self.conn, records.c.id, nothing))

    def _judged(self, row: Mapping[Any, Any], action: str) -> tuple[tuple[int, ...], Tax]:
        facts = (action, *(row[c] for c in _JUDGED_COLUMNS))
        found = self._known.get(facts)
        if found is None:
            found = self._known[facts] = _judge(row, action)
        return found


def _judge(row: Mapping[Any, Any], action: str) -> tuple[tuple[int, ...], Tax]:
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
        total: Tax = original.effect + own
        return total
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
    reversals = list(
        uow.conn.execute(
            select(itc_adjustments).where(
                itc_adjustments.c.supplier == supplier.gstin,
                itc_adjustments.c.kind == "reversal",
                itc_adjustments.c.supplier_period == period_int(period),
            )
        ).mappings()
    )
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
