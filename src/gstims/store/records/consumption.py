"""`Consumption`: what filing a GSTR-3B reads and writes of the records its 2B held (R-3B-3,
R-2B-5, R-3B-4), reached as `uow.consumption`. The rules are the domain's
(`domain.gstr3b.consumed`, `route_as_held`); this module only finds and writes, set-based.

    held_time_barred(recipient, ids)   the held records the time-bar took out since (full rows)
    superseded(recipient, ids)         the held records an amendment has replaced since
    rows(ids)                          full rows of these records
    later_versions(recipient, ...)     the unconsumed records of these suppliers and numbers
    declared(recipient, ids, ...)      the held records carrying a declaration, or named
    write(rows)                        per-row values by id, one bulk UPDATE
    consume(recipient, period, ...)    mark the records held with one action consumed
    consume_adjustments(recipient, p)  the Rule 37A lines up to p are consumed
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, not_, or_, select, update

from gstims.domain.calendar import Period
from gstims.domain.gstr3b import Consumed, ConsumedFacts, consumed, consumed_facts
from gstims.domain.money import Tax
from gstims.domain.records import Route
from gstims.store.bulk import fetch_dicts, in_values, update_rows
from gstims.store.records.audit import Audit
from gstims.store.records.mapping import (
    RECORD_COLUMNS,
    STATE_COLUMNS,
    period_int,
    record_of,
    state_of,
    tax_of,
    tax_paise,
)
from gstims.store.tables import itc_adjustments, records

_HEADS = ("igst", "cgst", "sgst", "cess")
_EFFECT_COLUMNS = tuple(f"eff_{h}" for h in _HEADS)
_OWN_EFFECT = {e: records.c[h] for e, h in zip(_EFFECT_COLUMNS, _HEADS, strict=True)}
_NO_EFFECT = dict.fromkeys(_EFFECT_COLUMNS, 0)
# A plain record amends nothing and carries no declaration.
_PLAIN = and_(records.c.orig_number.is_(None), records.c.itc_red_req.is_(None))
_CARRIES_TAX = or_(*(records.c[h] != 0 for h in _HEADS))
_CLASS_COLUMNS = (records.c.kind, records.c.route, _PLAIN.label("plain"), records.c.action)
_FULL = [records.c[c] for c in (*RECORD_COLUMNS, *STATE_COLUMNS, "id", "route")]

# A credit note's add-back: the note (its id, supplier) and the amount.
AddBack = tuple[Mapping[str, Any], Tax]


class Consumption:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- reads --------------------------------------------------------------------------------

    def held_time_barred(self, recipient: str, ids: Sequence[int]) -> list[dict[str, Any]]:
        """Of these records, the unconsumed ones the time-bar took out of IMS (full rows)."""
        return fetch_dicts(
            self.conn,
            select(records).where(
                records.c.recipient == recipient,
                in_values(self.conn, records.c.id, ids),
                records.c.consumed_in.is_(None),
                records.c.route == Route.TIME_BARRED.value,
                records.c.time_barred.is_(True),
            ),
        )

    def superseded(self, recipient: str, ids: Sequence[int]) -> list[int]:
        """Of these records, the unconsumed ones an amendment has replaced (no longer live)."""
        query = select(records.c.id).where(
            records.c.recipient == recipient,
            in_values(self.conn, records.c.id, ids),
            records.c.consumed_in.is_(None),
            records.c.live.is_(False),
        )
        return list(self.conn.execute(query).scalars())

    def rows(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The full rows of these records."""
        return fetch_dicts(
            self.conn, select(records).where(in_values(self.conn, records.c.id, ids))
        )

    def later_versions(
        self, recipient: str, suppliers: Sequence[str], numbers: Sequence[str]
    ) -> list[dict[str, Any]]:
        """The recipient's unconsumed records of these suppliers with these key numbers."""
        return fetch_dicts(
            self.conn,
            select(records).where(
                records.c.recipient == recipient,
                records.c.consumed_in.is_(None),
                in_values(self.conn, records.c.number, numbers),
                in_values(self.conn, records.c.supplier, suppliers),
            ),
        )

    def declared(
        self, recipient: str, ids: Sequence[int], named: Sequence[int], columns: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Of these unconsumed records, those carrying a declaration or `named` ones: their
        identity, action and `columns`."""
        identity = ("id", "recipient", "supplier", "kind", "number", "fy", "action")
        changed = select(*(records.c[c] for c in (*identity, *columns))).where(
            records.c.recipient == recipient,
            in_values(self.conn, records.c.id, ids),
            records.c.consumed_in.is_(None),
            or_(records.c.itc_red_req.is_not(None), in_values(self.conn, records.c.id, named)),
        )
        return fetch_dicts(self.conn, changed)

    # -- writes -------------------------------------------------------------------------------

    def write(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Each row's values on the record of its `id`, by one bulk UPDATE."""
        update_rows(self.conn, records, rows)

    def consume(
        self,
        recipient: str,
        period: Period,
        members: Mapping[str, list[int]],
        *,
        actor: str,
        day: date,
        note: str,
    ) -> list[AddBack]:
        """Consume the records the filed 2B held, with the actions it recorded (R-3B-3): each
        keeps the effect it gave (`domain.gstr3b.consumed`); an action changed since is
        overridden by the filed one, with an audit entry. Returns the credit notes' add-backs.

        `members` is the 2B's {action: [record ids]}. Set-based, an action at a time, without
        reading a lakh of rows (`Judge`): the records that gave their own tax are marked
        consumed (with that effect) by one UPDATE, those that gave nothing by another, and the
        rest (amendments, declarations) by one bulk per-row update.
        """
        conn = self.conn
        judge = Judge(conn)
        filed = period_int(period)
        others: list[dict[str, Any]] = []
        add_backs: list[AddBack] = []
        at = datetime.now()
        for filed_action, ids in members.items():
            held = and_(
                records.c.recipient == recipient,
                in_values(conn, records.c.id, ids),
                records.c.consumed_in.is_(None),  # live or not: replaced since, it still gave
            )
            found = conn.execute(select(*_CLASS_COLUMNS).where(held).distinct()).all()
            for old in sorted({row.action for row in found} - {filed_action}):
                query = select(records.c.id).where(held, records.c.action == old)
                changed = list(conn.execute(query).scalars())
                Audit(conn).copy_of(
                    changed, old, filed_action, actor=actor, day=day, at=at, note=note
                )
            verdicts = judge(held, found, filed_action)  # every read before the first write
            values = {"consumed_in": filed, "consumed_action": filed_action, "action": filed_action}
            for gave, effect in ((verdicts.own_tax, _OWN_EFFECT), (verdicts.no_tax, _NO_EFFECT)):
                if gave:
                    conn.execute(update(records).where(held, or_(*gave)).values(**values, **effect))
            others += [
                {"id": i, **values, **dict(zip(_EFFECT_COLUMNS, effect, strict=True))}
                for i, effect in verdicts.other
            ]
            add_backs += verdicts.add_backs
        update_rows(conn, records, others)
        return add_backs

    def consume_adjustments(self, recipient: str, period: Period) -> None:
        """The recipient's unconsumed Rule 37A lines of 2B periods up to `period` are consumed."""
        filed = period_int(period)
        self.conn.execute(
            update(itc_adjustments)
            .where(
                itc_adjustments.c.recipient == recipient,
                itc_adjustments.c.period_2b <= filed,
                itc_adjustments.c.consumed_in.is_(None),
            )
            .values(consumed_in=filed)
        )


@dataclass
class Verdicts:
    """What the records consumed with one action gave: their own tax, or nothing (each
    entry a condition on the records), or another effect (in paise, by record id); and the
    credit notes' add-backs."""

    own_tax: list[ColumnElement[bool]] = field(default_factory=list)
    no_tax: list[ColumnElement[bool]] = field(default_factory=list)
    other: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    add_backs: list[AddBack] = field(default_factory=list)


class Judge:
    """`consumed` of held records, set-based: the fast path of judging each one in turn.

    A plain record (no amendment, no declaration) gives, by `consumed`, its own tax or nothing
    whatever its amounts: which of the two depends on its kind, route and action alone. The
    plain records of one kind and route are judged as a class, on one of them that carries
    tax, and are not read. Any other record (an amendment, a declaration) is read and judged
    once per distinct `ConsumedFacts` (what `consumed` reads of it). A property test holds
    this to `consumed` asked of every record (tests/integration/test_fast_paths.py).
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._known: dict[ConsumedFacts, tuple[tuple[int, ...], Tax]] = {}

    def __call__(
        self, held: ColumnElement[bool], found: Sequence[Row[Any]], action: str
    ) -> Verdicts:
        """Judge the `held` records, of the (kind, route, plain, action) classes `found`."""
        verdicts = Verdicts()
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
        self, held: ColumnElement[bool], cls: ColumnElement[bool], action: str, verdicts: Verdicts
    ) -> bool:
        """Judge the held records of a class of plain ones on one of them; False when the
        judgement is not simply their own tax or nothing (they are then judged one by one)."""
        query = select(*_FULL).where(held, cls).limit(1)
        sample = (
            fetch_dicts(self.conn, query.where(_CARRIES_TAX)) or fetch_dicts(self.conn, query)
        )[0]
        effect, add_back = self.judged(sample, action)
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
        self, rows: Sequence[Mapping[str, Any]], action: str, verdicts: Verdicts
    ) -> None:
        own: list[int] = []
        nothing: list[int] = []
        for row in rows:
            effect, add_back = self.judged(row, action)
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

    def judged(self, row: Mapping[Any, Any], action: str) -> tuple[tuple[int, ...], Tax]:
        """`consumed` of the row's record with `action` (effect in paise), once per facts."""
        record, state, route = record_of(row), state_of(row, action), Route(row["route"])
        facts = consumed_facts(record, state, route)
        found = self._known.get(facts)
        if found is None:
            gave: Consumed = consumed(record, state, route)
            found = self._known[facts] = (tuple(tax_paise(gave.effect).values()), gave.add_back)
        return found
