"""Finding the records a SAVE or RESET names (R-ACT-9): one query through the record-key
index for every item, the exact identity (supplier, kind, normalised number, date) matched
here, each record once however many items name it (`Match`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from operator import itemgetter
from types import EllipsisType
from typing import Any

from gstims.domain.ims import ActionItem
from gstims.domain.records import (
    SECTION_KIND,
    SECTIONS,
    Kind,
    Record,
    normalise_number,
)
from gstims.domain.state import ImsState
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import (
    RECORD_COLUMNS,
    STATE_COLUMNS,
    record_of,
    state_columns,
)


class Match:
    """An item's record: what `find` read of it, in the state the request has left it."""

    __slots__ = ("_key", "_record", "_row", "facts", "id", "named", "section", "values")

    def __init__(self, values: Sequence[Any]) -> None:
        self.values = values  # by `_MATCH_NAMES`: a lakh of records, no mapping made for each
        self.id: int = values[0]
        self.facts: Sequence[Any] | None = None  # by `_FACT_NAMES`, once `read_facts` reads them
        self.named = 0  # by how many of the request's items
        self._row: dict[str, Any] | None = None
        self._record: Record | None = None
        self._key: tuple[Any, ...] | EllipsisType | None = ...  # ...: not yet worked out
        kind = values[AT["kind"]]
        amends_consumed = bool(values[AT["orig_consumed"]])
        sez = kind == _BOE and values[AT["supplier"]] != ""
        self.section = _SECTION_OF_ROW[(kind, amends_consumed, sez)]

    @property
    def action(self) -> str:
        action: str = self.values[AT["action"]]
        return action

    @property
    def row(self) -> dict[str, Any]:
        """The record's columns by name, its facts among them once read."""
        if self._row is None:
            self._row = dict(zip(_MATCH_NAMES, self.values, strict=True))
            if self.facts is not None:
                self._row.update(zip(_FACT_NAMES, self.facts, strict=True))
        return self._row

    @property
    def record(self) -> Record:
        """The record's facts (read them first: see `read_facts`)."""
        if self._record is None:
            self._record = record_of(self.row)
        return self._record

    @property
    def key(self) -> tuple[Any, ...] | None:
        """What judging reads of the record, as the record's part of a memo key: its kind, 2B
        period and state (its tax is the item's part); None for an amendment, judged alone."""
        if self._key is ...:
            values = self.values
            self._key = None
            if values[AT["orig_number"]] is None:
                self._key = (
                    *_KEY_VALUES(values),
                    values[AT["supplier"]] == "",
                    values[AT["filed_on"]] is None,  # an unfiled record's 2B period follows today
                    values[AT["consumed_in"]] is None,
                )
        return self._key

    def read(self, facts: Sequence[Any]) -> None:
        self.facts = facts
        self._row = None

    def become(self, state: ImsState) -> None:
        """The request changed the record: a later item naming it sees its new state."""
        values = list(self.values)
        for name, value in state_values(state).items():
            values[AT[name]] = value
        self.values = values
        self._row = None
        self._key = ...


_BOE = Kind.BOE.value
_SECTION_OF_ROW = {(k.value, amends, sez): s for (k, amends, sez), s in SECTIONS.items()}
state_values = lru_cache(maxsize=256)(state_columns)  # a handful of states; the dicts are only read

# What finding, judging and auditing an item read of each candidate: its identity, where it
# is, its state, and its tax (a declaration is checked against it). The rest of the record's
# facts are read by `read_facts`, for the few records judged in full.
_MATCH_NAMES = (
    "id",  # first: a candidate's values[0]
    "recipient",
    "supplier",
    "kind",
    "number",
    "fy",
    "doc_number",
    "doc_date",
    "source_period",
    "origin",
    "supplier_frequency",
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
_FACT_NAMES = tuple(c for c in RECORD_COLUMNS if c not in _MATCH_NAMES)
AT = {name: at for at, name in enumerate(_MATCH_NAMES)}
_KEY_VALUES = itemgetter(
    *(
        AT[c]
        for c in (
            "kind",
            "period_2b",
            "source_period",
            "origin",
            "supplier_frequency",
            "route",
            *STATE_COLUMNS,
        )
    )
)


def find(uow: UnitOfWork, recipient: str, items: Sequence[ActionItem]) -> list[Match | None]:
    """Each item's record: the live record with that supplier, kind, number and date.

    One query, through the record-key index: a record that amends nothing carries its own
    normalised number as its key number, so the candidates are the records with the items'
    numbers, plus the (few) amendments, whose key number is their original's. The exact
    identity is then matched here, as before.
    """
    kind_of_section = {s: SECTION_KIND[s][0].value for s in {i.section for i in items}}
    numbers = [normalise_number(i.number) for i in items]
    suppliers = sorted({i.supplier for i in items})
    candidates = uow.records.candidates(
        recipient,
        _MATCH_NAMES,
        suppliers=suppliers,
        kinds=sorted(set(kind_of_section.values())),
        numbers=sorted(set(numbers)),
    )
    by_identity = _by_identity(candidates)
    matches: dict[int, Match] = {}
    found: list[Match | None] = []
    for item, number in zip(items, numbers, strict=True):
        values = by_identity.get(
            (item.supplier, kind_of_section[item.section], number, item.doc_date)
        )
        if values is None:
            found.append(None)
            continue
        match = matches.get(values[0])
        if match is None:  # one per record: later items see what earlier ones did
            match = matches[values[0]] = Match(values)
        if values[AT["consumed_in"]] is None and match.section is not item.section:
            found.append(None)
            continue
        match.named += 1
        found.append(match)
    return found


def records_named(
    uow: UnitOfWork, recipient: str, items: Sequence[ActionItem]
) -> list[tuple[int, str] | None]:
    """Each item's record as SAVE would find it — (id, action now) — or None: one query."""
    return [None if m is None else (m.id, m.action) for m in find(uow, recipient, items)]


def _by_identity(candidates: Sequence[Sequence[Any]]) -> dict[tuple[Any, ...], Sequence[Any]]:
    """The candidates by (supplier, kind, normalised number, date); of two live records with
    one identity (a consumed original and its amendment), the unconsumed one."""
    if not candidates:
        return {}
    columns = list(zip(*candidates, strict=True))
    supplier, kind, number, day = (columns[_MATCH_NAMES.index(c)] for c in _IDENTITY)
    normalised = map(str.upper, map(str.strip, number))
    idents = list(zip(supplier, kind, normalised, day, strict=True))
    by_identity = dict(zip(idents, candidates, strict=True))
    if len(by_identity) == len(candidates):
        return by_identity
    consumed_at = _MATCH_NAMES.index("consumed_in")
    by_identity = {}
    for ident, values in zip(idents, candidates, strict=True):
        current = by_identity.get(ident)
        if current is None or (current[consumed_at] is not None and values[consumed_at] is None):
            by_identity[ident] = values
    return by_identity


_IDENTITY = ("supplier", "kind", "doc_number", "doc_date")


def read_facts(uow: UnitOfWork, recipient: str, matches: Iterable[Match]) -> None:
    """Read the rest of what `record_of` reads for these (recipient's) records, in one query."""
    wanted = {match.id: match for match in matches}
    if not wanted:
        return
    for record_id, *values in uow.records.facts(list(wanted), _FACT_NAMES, recipient):
        wanted[record_id].read(values)
