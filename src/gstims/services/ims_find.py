"""Finding the records a SAVE or RESET names (R-ACT-9), and judging them (ADR 0020).

`find`: one query through the record-key index for every item, the exact identity (supplier,
kind, normalised number, date) matched here; each item's record comes back as its values by
`FOUND_NAMES` (no object per record).

`Judge`: the rule table's answer for a found record and a request, memoised on the record's
`ActionFacts` (`domain.actions`). A record that amends nothing and is filed has facts that
depend on a handful of its values — its kind, stored 2B period, state, consumption and route
(`plain_facts`'s arguments) — so a lakh of them is judged once per distinct argument; the
others (amendments, unfiled records, whose 2B period follows today) are read in full, in one
query, and their facts taken from their view, as GETINV shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Any

from gstims.domain.actions import (
    ActionFacts,
    Refusal,
    action_facts,
    decide_on,
    plain_facts,
    reset_on,
    view_of,
)
from gstims.domain.calendar import Frequency
from gstims.domain.ims import ActionItem
from gstims.domain.records import SECTION_KIND, SECTIONS, Action, Kind, normalise_number
from gstims.domain.state import Declaration, ImsState
from gstims.domain.taxpayer import Taxpayer
from gstims.services.ims_read import current_period_2b
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import (
    RECORD_COLUMNS,
    STATE_COLUMNS,
    period_of,
    record_of,
    route_of,
    state_columns,
    state_of,
    tax_of,
)

Row = Sequence[Any]  # a found record's values, by `FOUND_NAMES`
Ask = tuple[Action, Action | None, str | None, Declaration | None]  # action, prev, remarks, decl
Answer = tuple[ImsState | Refusal, bool]  # the rule table's answer; whether it changes the record

# What finding, judging and auditing an item read of each candidate: its identity, where it
# is, its state, and its tax (a declaration is checked against it). The rest of the record is
# read by `Judge` for the few records judged from their view.
FOUND_NAMES = (
    "id",  # first: a row's [0]
    "supplier",
    "kind",
    "number",
    "fy",
    "doc_number",
    "doc_date",
    "source_period",
    "filed_on",
    "period_2b",
    "route",
    "consumed_in",
    "orig_number",
    "orig_consumed",
    "igst",
    "cgst",
    "sgst",
    "cess",
    *STATE_COLUMNS,
)
AT = {name: at for at, name in enumerate(FOUND_NAMES)}
_FULL_NAMES = tuple(c for c in RECORD_COLUMNS if c not in FOUND_NAMES)
_HEADS = ("igst", "cgst", "sgst", "cess")
_STATE = itemgetter(*(AT[c] for c in STATE_COLUMNS))
_TAXES = itemgetter(*(AT[h] for h in _HEADS))
_KIND, _ACTION, _SUPPLIER = AT["kind"], AT["action"], AT["supplier"]
_ORIG, _FILED, _CONSUMED = AT["orig_number"], AT["filed_on"], AT["consumed_in"]
_PERIOD_2B, _ROUTE = AT["period_2b"], AT["route"]
_BOE = Kind.BOE.value
_SECTION_OF_ROW = {(k.value, amends, sez): s for (k, amends, sez), s in SECTIONS.items()}
_KIND_OF = {k.value: k for k in Kind}
_ACTION_OF = {a.value: a for a in Action}


def section_of(row: Row) -> Any:
    """The IMS section a found record is listed in."""
    kind = row[_KIND]
    sez = kind == _BOE and row[_SUPPLIER] != ""
    return _SECTION_OF_ROW[(kind, bool(row[AT["orig_consumed"]]), sez)]


def row_dict(row: Row) -> dict[str, Any]:
    """A found record's values by name."""
    return dict(zip(FOUND_NAMES, row, strict=False))


def find(uow: UnitOfWork, recipient: str, items: Sequence[ActionItem]) -> list[Row | None]:
    """Each item's record: the live record with that supplier, kind, number and date.

    One query, through the record-key index: a record that amends nothing carries its own
    normalised number as its key number, so the candidates are the records with the items'
    numbers, plus the (few) amendments, whose key number is their original's. The exact
    identity is then matched here, as before.
    """
    kind_of_section = {s: SECTION_KIND[s][0].value for s in {i.section for i in items}}
    numbers = [normalise_number(i.number) for i in items]
    candidates = uow.records.candidates(
        recipient,
        FOUND_NAMES,
        suppliers=sorted({i.supplier for i in items}),
        kinds=sorted(set(kind_of_section.values())),
        numbers=sorted(set(numbers)),
    )
    by_identity = _by_identity(candidates)
    found: list[Row | None] = []
    for item, number in zip(items, numbers, strict=True):
        row = by_identity.get((item.supplier, kind_of_section[item.section], number, item.doc_date))
        if row is not None and row[_CONSUMED] is None and section_of(row) is not item.section:
            row = None
        found.append(row)
    return found


def records_named(
    uow: UnitOfWork, recipient: str, items: Sequence[ActionItem]
) -> list[tuple[int, str] | None]:
    """Each item's record as SAVE would find it — (id, action now) — or None: one query."""
    return [None if r is None else (r[0], r[_ACTION]) for r in find(uow, recipient, items)]


def _by_identity(candidates: Sequence[Row]) -> dict[tuple[Any, ...], Row]:
    """The candidates by (supplier, kind, normalised number, date); of two live records with
    one identity (a consumed original and its amendment), the unconsumed one."""
    if not candidates:
        return {}
    columns = list(zip(*candidates, strict=True))
    supplier, kind, number, day = (
        columns[AT[c]] for c in ("supplier", "kind", "doc_number", "doc_date")
    )
    normalised = map(str.upper, map(str.strip, number))
    idents = list(zip(supplier, kind, normalised, day, strict=True))
    by_identity = dict(zip(idents, candidates, strict=True))
    if len(by_identity) == len(candidates):
        return by_identity
    by_identity = {}
    for ident, values in zip(idents, candidates, strict=True):
        current = by_identity.get(ident)
        if current is None or (current[_CONSUMED] is not None and values[_CONSUMED] is None):
            by_identity[ident] = values
    return by_identity


# -- judging ----------------------------------------------------------------------------------


def is_plain(row: Row) -> bool:
    """Whether the record's facts are `plain_facts` of its values: it amends nothing and is
    filed (an unfiled record's 2B period follows today)."""
    return row[_ORIG] is None and row[_FILED] is not None


class Judge:
    """The rule table's answers for one request's found records (`kind` SAVE or RESET), each
    with whether it changes the record, memoised on the facts' arguments."""

    def __init__(
        self, uow: UnitOfWork, tp: Taxpayer, today: date, kind: str, rows: Sequence[Row]
    ) -> None:
        self.tp, self.today, self.kind = tp, today, kind
        self._memo: dict[tuple[Any, ...], Answer] = {}
        self._full: dict[int, tuple[ActionFacts, Any]] = {}  # id: (facts, tax) from its view
        wanted = sorted({row[0] for row in rows if not is_plain(row)})
        if wanted:
            by_id = {row[0]: row for row in rows}
            for record_id, *values in uow.records.facts(wanted, _FULL_NAMES, tp.gstin):
                full = row_dict(by_id[record_id]) | dict(zip(_FULL_NAMES, values, strict=True))
                self._full[record_id] = self._view_facts(full)

    def __call__(self, row: Row, ask: Ask) -> Answer:
        """The outcome of `ask` of the record as `row` has it, and whether it changes it."""
        declared = ask[3] is not None
        if row[_ORIG] is None and row[_FILED] is not None:  # `is_plain`
            taxes = _TAXES(row) if declared else None
            args = (row[_KIND], row[_PERIOD_2B], _STATE(row), row[_CONSUMED], row[_ROUTE], taxes)
            key: tuple[Any, ...] = (args, ask)
            answer = self._memo.get(key)
            if answer is None:
                answer = self._memo[key] = self._answer(self._plain(*args), ask)
            return answer
        return self._alone(row, ask)

    def uniform(self, rows: Sequence[Row], action: Action, remarks: str | None) -> list[Answer]:
        """`self(row, ask)` of each row, every one asked for `action` with `remarks` and no
        declaration, its prev_status its own action (a rule's records): the ask the same but
        for the record's action, which its state holds, the memo keys on the facts' arguments
        alone."""
        memo: dict[tuple[Any, ...], Answer] = {}
        answers = []
        for row in rows:
            if row[_ORIG] is None and row[_FILED] is not None:  # `is_plain`
                args = (row[_KIND], row[_PERIOD_2B], _STATE(row), row[_CONSUMED], row[_ROUTE])
                answer = memo.get(args)
                if answer is None:
                    ask = (action, _ACTION_OF[row[_ACTION]], remarks, None)
                    answer = memo[args] = self._answer(self._plain(*args, None), ask)
            else:
                answer = self._alone(row, (action, _ACTION_OF[row[_ACTION]], remarks, None))
            answers.append(answer)
        return answers

    def _alone(self, row: Row, ask: Ask) -> Answer:
        declared = ask[3] is not None
        facts, tax = self._full[row[0]]
        state = state_of(dict(zip(STATE_COLUMNS, _STATE(row), strict=True)))
        facts = facts._replace(state=state, tax=tax if declared else None)
        key = (facts, ask)
        answer = self._memo.get(key)
        if answer is None:
            answer = self._memo[key] = self._answer(facts, ask)
        return answer

    def _answer(self, facts: ActionFacts, ask: Ask) -> Answer:
        action, prev, remarks, declaration = ask
        if self.kind == "RESET":
            outcome = reset_on(facts, prev)
        else:
            outcome = decide_on(facts, action, prev, remarks, declaration, self.today)
        return outcome, not isinstance(outcome, Refusal) and outcome != facts.state

    def _plain(
        self,
        kind: str,
        period_2b: int,
        state: tuple[Any, ...],
        consumed_in: int | None,
        route: str,
        taxes: tuple[int, int, int, int] | None,
    ) -> ActionFacts:
        tax = None if taxes is None else tax_of(dict(zip(_HEADS, taxes, strict=True)))
        tp = self.tp
        return _plain_facts(
            _KIND_OF[kind],
            period_2b,
            state,
            tp.frequency,
            tp.state,
            consumed_in is not None,
            route,
            tax,
        )

    def _view_facts(self, row: dict[str, Any]) -> tuple[ActionFacts, Any]:
        record, tp = record_of(row), self.tp
        period = current_period_2b(row, record, tp, self.today)
        consumed, route = row["consumed_in"] is not None, route_of(row["route"])
        view = view_of(record, state_of(row), period, tp.frequency, tp.state, consumed, route)
        return action_facts(view), record.tax


@lru_cache(maxsize=4096)  # a request's records hold a handful of distinct facts
def _plain_facts(
    kind: Kind,
    period_2b: int,
    state: tuple[Any, ...],
    frequency: Frequency,
    state_code: str,
    consumed: bool,
    route: str,
    tax: Any,
) -> ActionFacts:
    ims_state = state_of(dict(zip(STATE_COLUMNS, state, strict=True)))
    return plain_facts(
        kind, period_of(period_2b), ims_state, frequency, state_code, consumed, route_of(route), tax
    )


state_values = lru_cache(maxsize=256)(state_columns)  # a handful of states; the dicts are only read


@lru_cache(maxsize=256)
def _state_tuple(state: ImsState) -> tuple[Any, ...]:
    columns = state_values(state)
    return tuple(columns[c] for c in STATE_COLUMNS)


def with_state(row: Row, state: ImsState) -> list[Any]:
    """A found record's values with `state` instead of its own."""
    return [*row[:_STATE_FROM], *_state_tuple(state), *row[_STATE_TO:]]


_STATE_FROM = AT[STATE_COLUMNS[0]]  # the state's values follow one another in `FOUND_NAMES`
_STATE_TO = _STATE_FROM + len(STATE_COLUMNS)
