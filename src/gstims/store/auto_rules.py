"""Auto-action rules in SQL: rule sets, their scheduled runs, and one selection per rule.

Migration 0014. A rule set is kept as the JSON it was saved as (`auto_rule_sets`), under a
scope: `gstin:<GSTIN>` (that recipient's own rules) or `user:<name>` (a CA user's rules for
every GSTIN granted to them). A scheduled run is remembered per (scope, GSTIN, month) in
`auto_rule_runs`, so the clock runs a rule set at most once a month for each GSTIN.

    selection(conn, rule, cal, outcome_ids)      the records a rule's condition accepts: the
                                                 set-based twin of `domain.auto_rules.matches`
    AutoRules(conn).claimed(gstin, rules, n, ...) the records rule n claims (open in IMS, its
                                                 condition, no earlier rule's): ONE query
    AutoRules(conn).load / save / scheduled / ran / mark_ran / granted_to

`tests/integration/test_auto_rules_sql.py` holds `selection` to `matches` on SQLite and
PostgreSQL (a hypothesis property test over random records and rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    and_,
    false,
    func,
    insert,
    not_,
    or_,
    select,
    true,
    update,
)

from gstims.domain.auto_rules import (
    RULE_ACTOR,
    SYSTEM_ACTOR,
    Calendar,
    Rule,
    Span,
    doc_dates,
    periods_due,
)
from gstims.store.bulk import in_values
from gstims.store.records import selections
from gstims.store.records.mapping import period_int, to_paise
from gstims.store.tables import GSTIN, grants, metadata, records, users

auto_rule_sets = Table(
    "auto_rule_sets",
    metadata,
    Column("scope", String(120), primary_key=True),  # gstin:<GSTIN> / user:<name>
    Column("definition", JSON, nullable=False),  # the rule set as saved (domain JSON)
    Column("on_day", Integer, nullable=True),  # the clock runs it on this day of a month
    Column("saved_by", String(100), nullable=False),
    Column("saved_at", DateTime, nullable=False),
    Index("ix_auto_rule_sets_on_day", "on_day"),
)

auto_rule_runs = Table(
    "auto_rule_runs",
    metadata,
    Column("scope", String(120), primary_key=True),
    Column("gstin", GSTIN, primary_key=True),
    Column("month", Integer, primary_key=True),  # YYYYMM of the day it ran
    Column("day", Date, nullable=False),
    Column("ran_at", DateTime, nullable=False),
    Column("summary", String(200), nullable=True),
)

_c = records.c
_TAX = _c.igst + _c.cgst + _c.sgst + _c.cess


def by_person() -> Any:
    """The records whose last action a person took (`domain.auto_rules.by_person`)."""
    return and_(
        _c.acted_by.is_not(None),
        _c.acted_by != SYSTEM_ACTOR,
        func.substr(_c.acted_by, 1, len(RULE_ACTOR)) != RULE_ACTOR,
    )


def selection(
    conn: Connection, rule: Rule, cal: Calendar, outcome_ids: Sequence[int] | None = None
) -> Any:
    """The records the rule's condition accepts (`domain.auto_rules.matches`); `outcome_ids`:
    the records whose latest reconciliation outcome is one of the rule's outcomes."""
    c = rule.when
    clauses: list[Any] = [] if rule.overwrite else [not_(by_person())]
    if c.suppliers:
        clauses.append(_c.supplier.in_(sorted(c.suppliers)))
    if c.pans:
        clauses.append(func.substr(_c.supplier, 3, 10).in_(sorted(c.pans)))
    if c.supplier_filed is not None:
        clauses.append(_c.filed_on.is_not(None) if c.supplier_filed else _c.filed_on.is_(None))
    if c.sections:
        clauses.append(or_(*(selections.in_section(s) for s in sorted(c.sections))))
    if c.kinds:
        clauses.append(_c.kind.in_(sorted(k.value for k in c.kinds)))
    clauses += _between(_c.taxable, c.taxable, to_paise)
    clauses += _between(_TAX, c.tax, to_paise)
    if c.outcomes:
        ids = list(outcome_ids or ())
        clauses.append(in_values(conn, _c.id, ids) if ids else false())
    if c.age_days is not None:
        clauses += _between(_c.doc_date, doc_dates(c.age_days, cal.today), None)
    if c.days_to_3b_due is not None:
        clauses += _between(_c.period_2b, periods_due(c.days_to_3b_due, cal), period_int)
    if c.actions:
        clauses.append(_c.action.in_(sorted(a.value for a in c.actions)))
    return and_(true(), *clauses)


def _between(column: Any, span: Span | None, convert: Any) -> list[Any]:
    if span is None:
        return []
    as_stored = convert or (lambda value: value)
    out = []
    if span.min is not None:
        out.append(column >= as_stored(span.min))
    if span.max is not None:
        out.append(column <= as_stored(span.max))
    return out


class AutoRules:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def claimed(
        self,
        gstin: str,
        rules: Sequence[Rule],
        n: int,
        cal: Calendar,
        outcome_ids: Sequence[Sequence[int] | None],
        columns: Sequence[str],
    ) -> Sequence[Sequence[Any]]:
        """The `columns` of the records rule `n` claims: open in the GSTIN's IMS, meeting its
        condition and no earlier rule's (ordered rules: the first that matches claims)."""
        earlier = [
            selection(self.conn, rules[k], cal, outcome_ids[k]) for k in range(n)
        ]  # never NULL: every column a condition reads is NOT NULL or tested with IS
        where = and_(
            selections.open_in_ims(gstin),
            selection(self.conn, rules[n], cal, outcome_ids[n]),
            *(not_(e) for e in earlier),
        )
        query = select(*(records.c[name] for name in columns)).where(where).order_by(_c.id)
        return self.conn.execute(query).all()

    def load(self, scope: str) -> Any | None:
        """The rule set kept under `scope` (its JSON), or None."""
        return self.conn.execute(
            select(auto_rule_sets.c.definition).where(auto_rule_sets.c.scope == scope)
        ).scalar()

    def save(self, scope: str, definition: Any, on_day: int | None, user: str) -> None:
        values = {"definition": definition, "on_day": on_day, "saved_by": user}
        values["saved_at"] = datetime.now()
        changed = self.conn.execute(
            update(auto_rule_sets).where(auto_rule_sets.c.scope == scope).values(values)
        ).rowcount
        if not changed:
            self.conn.execute(insert(auto_rule_sets).values(scope=scope, **values))

    def scheduled(self, day_of_month: int) -> list[tuple[str, Any, str]]:
        """The rule sets the clock runs on this day of a month: (scope, JSON, saved by)."""
        t = auto_rule_sets.c
        query = select(t.scope, t.definition, t.saved_by).where(t.on_day == day_of_month)
        return [tuple(row) for row in self.conn.execute(query.order_by(t.scope))]

    def ran(self, month: int) -> set[tuple[str, str]]:
        """The (scope, GSTIN) pairs already run in the month (YYYYMM)."""
        t = auto_rule_runs.c
        query = select(t.scope, t.gstin).where(t.month == month)
        return {(scope, gstin) for scope, gstin in self.conn.execute(query)}

    def granted_to(self, user: str) -> list[str]:
        """The GSTINs granted to the user of this name now (a CA user's clients)."""
        query = (
            select(grants.c.gstin)
            .join(users, users.c.id == grants.c.user_id)
            .where(users.c.name == user)
            .order_by(grants.c.gstin)
        )
        return list(self.conn.execute(query).scalars())

    def mark_ran(self, scope: str, gstin: str, day: date, summary: str) -> None:
        self.conn.execute(
            insert(auto_rule_runs).values(
                scope=scope,
                gstin=gstin,
                month=day.year * 100 + day.month,
                day=day,
                ran_at=datetime.now(),
                summary=summary[:200],
            )
        )
