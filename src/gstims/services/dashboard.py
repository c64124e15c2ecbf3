"""Read use cases of the web dashboard: the IMS table at volume, home counts, charts, 2B state.

The IMS page must stay fast at 100,000 records for one recipient, so everything it shows is
filtered, sorted and paged in SQL (`uow.dashboard`): one COUNT over the filter, one page of
rows (LIMIT / OFFSET, ties broken by id), and the section tiles from one aggregate, kept per
IMS version. Bulk actions over "all records matching the filter" fetch the identities
set-based in one SELECT and hand them to `ims.save_actions` / `ims.reset_actions` at once.

What the page says about a forbidden action comes from the one rule table
(`gstims.domain.actions.decide`), asked for each visible row: an era-E1 credit note answers
`IMSACT001` with R-ACT-3's message; an era-E2 one answers nothing until its deadline and
`IMSACT002` after it.

**(decision)** "ITC at stake this period" (home page) is the net tax of the GSTIN's open IMS
records whose 2B period is at most the working period: invoices, debit notes, e-commerce
documents and bills of entry add their tax, credit notes subtract theirs. It is what that
period's GSTR-2B would give if every record were accepted, whatever the actions so far.
The working period is the return period holding the previous month (in November, October's
returns are the ones being worked on).

**(decision)** The amount range filters the document value (`val`), as the portal's Excel
download and most practitioners' reconciliations do.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from gstims.domain.actions import Refusal, decide
from gstims.domain.calendar import Frequency, Period
from gstims.domain.ims import ActionItem, ImsRecord
from gstims.domain.records import SECTIONS, Action, Kind, Route, Section
from gstims.domain.standing import Standing, is_open_in_ims
from gstims.services import taxpayers
from gstims.services.context import taxpayer, taxpayers_by_gstin
from gstims.services.dashboard_returns import (
    MonthItc,
    TwoBState,
    default_period,
    filed_on,
    gstr2b_periods,
    gstr2b_state,
    itc_over_months,
    outward_periods,
    working_period,
)
from gstims.services.ims import counts, history, ims_record
from gstims.services.taxpayers import Principal
from gstims.store.dashboard import PAGE_SIZES as PAGE_SIZES  # the page's offer, re-exported
from gstims.store.dashboard import SORT_COLUMNS
from gstims.store.dashboard import ImsQuery as ImsQuery  # the page's query, re-exported
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import from_paise, period_int, period_of

__all__ = [  # the return pages' reads (`dashboard_returns`), where the web takes them
    "MonthItc",
    "TwoBState",
    "default_period",
    "filed_on",
    "gstr2b_periods",
    "gstr2b_state",
    "itc_over_months",
    "outward_periods",
    "working_period",
]

SORTS = tuple(SORT_COLUMNS)  # the orders the IMS page offers


# -- who is signed in -------------------------------------------------------------------------


def principal_of(uow: UnitOfWork, user_id: int) -> Principal | None:
    """The signed-in user with the roles granted to it now (grants may change mid-session)."""
    return taxpayers.principal_of(uow, user_id)


def names(uow: UnitOfWork, gstins: Iterable[str]) -> dict[str, str]:
    """Trade name (else legal name) of each registered GSTIN."""
    return uow.taxpayers.names(gstins)


# -- the IMS table ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImsRow:
    record: ImsRecord
    supplier_name: str
    refused: dict[Action, Refusal]  # what the rule table refuses on this record today


@dataclass(frozen=True, slots=True)
class ImsSummary:
    """The recipient's open IMS at a glance, from one aggregate query over its records."""

    tiles: dict[Section, dict[Action, int]]  # records by section and action (the portal's tiles)
    itc_by_action: dict[Action, Decimal]  # net tax by action, credit notes subtracting
    periods: list[Period]  # the 2B periods present, newest first

    def count(self, section: Section | None, action: Action | None) -> int:
        return sum(
            n
            for s, by_action in self.tiles.items()
            if section in (None, s)
            for a, n in by_action.items()
            if action in (None, a)
        )


@dataclass(frozen=True, slots=True)
class ImsPage:
    rows: list[ImsRow]
    total: int  # records matching the filter
    page: int
    pages: int
    summary: ImsSummary
    today: date


def ims_page(uow: UnitOfWork, recipient: str, q: ImsQuery) -> ImsPage:
    """One page of the recipient's IMS, filtered and sorted in SQL, with its summary."""
    tp = taxpayer(uow, recipient)
    today = uow.today()
    summary = ims_summary(uow, recipient)
    if _only_section_or_action(q):
        total = summary.count(q.section, q.action)
    else:
        total = uow.dashboard.count(recipient, q)
    size = q.page_size if q.page_size in PAGE_SIZES else PAGE_SIZES[0]
    pages = max(1, -(-total // size))
    page = min(max(q.page, 1), pages)
    shown = [ims_record(row, tp, today) for row in uow.dashboard.page(recipient, q, size, page)]
    supplier_names = names(uow, {r.record.key.supplier for r in shown})
    rows = [
        ImsRow(r, supplier_names.get(r.record.key.supplier, ""), refusals(r, today)) for r in shown
    ]
    return ImsPage(rows, total, page, pages, summary, today)


def _only_section_or_action(q: ImsQuery) -> bool:
    return (
        not q.supplier.strip()
        and q.filed is None
        and q.period_2b is None
        and q.min_value is None
        and q.max_value is None
        and not q.number.strip()
    )


T = TypeVar("T")


class _Kept(Generic[T]):
    """Summaries (or counts) keyed by (database, recipient, IMS version, today).

    Every change to a recipient's IMS records bumps its `ims_version` (R-3B-2 staleness
    rests on it too) and the clock's day is in the key, so a stored summary is never out of
    date; a filter change then costs only its COUNT and its page.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple[Any, ...], T] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> T | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], summary: T) -> None:
        with self.lock:
            self.items[key] = summary
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


Counts = dict[Section, dict[Action, int]]
_SUMMARIES: _Kept[ImsSummary] = _Kept()
_COUNTS: _Kept[Counts] = _Kept()


def forget_summaries() -> None:
    """Drop every kept summary and count (a benchmark's cold start; never needed for
    correctness)."""
    _SUMMARIES.clear()
    _COUNTS.clear()


def _kept_key(uow: UnitOfWork, recipient: str) -> tuple[Any, ...]:
    return (uow.db.url, recipient, uow.taxpayers.ims_version(recipient), uow.today())


def ims_summary(uow: UnitOfWork, recipient: str) -> ImsSummary:
    """Tiles, ITC by action and the 2B periods of the open IMS, in one GROUP BY."""
    key = _kept_key(uow, recipient)
    cached = _SUMMARIES.get(key)
    if cached is not None:
        return cached
    tiles = {s: {a: 0 for a in Action} for s in Section}
    tax = {a: 0 for a in Action}
    periods: set[int] = set()
    for kind, amended, is_sez, action, p2b, n, paise in uow.dashboard.summary(recipient):
        tiles[_section(kind, amended, is_sez)][Action(action)] += n
        tax[Action(action)] += int(paise or 0)
        periods.add(p2b)
    summary = ImsSummary(
        tiles,
        {a: from_paise(p) for a, p in tax.items()},
        [period_of(p) for p in sorted(periods, reverse=True)],
    )
    _SUMMARIES.put(key, summary)
    return summary


def ims_counts(uow: UnitOfWork, recipient: str) -> Counts:
    """GETCNT (issue 13): the kept summary's tiles when the dashboard has one for this IMS
    version, else `ims.counts` — a GROUP BY of four columns, not the summary's tax sums — kept
    the same way; no query while the IMS is unchanged. A test holds it to `ims.counts`."""
    taxpayer(uow, recipient)
    key = _kept_key(uow, recipient)
    summary = _SUMMARIES.get(key)
    if summary is not None:
        return {section: dict(by_action) for section, by_action in summary.tiles.items()}
    found = _COUNTS.get(key)
    if found is None:
        found = counts(uow, recipient)
        _COUNTS.put(key, found)
    return {section: dict(by_action) for section, by_action in found.items()}


def _section(kind_code: str, amends_consumed: Any, supplier_set: Any) -> Section:
    """The IMS section of a record of this kind: whether it amends a consumed original, and
    for a bill of entry whether its supplier is set (a SEZ unit)."""
    kind = Kind(kind_code)
    return SECTIONS[(kind, bool(amends_consumed), kind is Kind.BOE and bool(supplier_set))]


def refusals(record: ImsRecord, today: date) -> dict[Action, Refusal]:
    """Ask the rule table, for each action, whether this record may take it today."""
    out: dict[Action, Refusal] = {}
    for action in (Action.ACCEPT, Action.REJECT, Action.PENDING):
        answer = decide(record.view, action, record.state.action, None, None, today)
        if isinstance(answer, Refusal):
            out[action] = answer
    return out


def matching_items(
    uow: UnitOfWork, recipient: str, q: ImsQuery, action: Action, remarks: str | None
) -> list[ActionItem]:
    """An action for every record matching the filter, fetched in one set-based SELECT."""
    rows = uow.dashboard.identities(recipient, q)
    return [_item(row, action, Action(row["action"]), remarks) for row in rows]


def selected_items(
    uow: UnitOfWork,
    recipient: str,
    seen: dict[int, Action],
    action: Action,
    remarks: str | None,
) -> list[ActionItem]:
    """An action for each selected record, with the action the user saw as `prev_status`.

    Ids of records outside this recipient's IMS are dropped: a forged id reaches nothing.
    """
    rows = uow.dashboard.identities_of(recipient, seen)
    return [_item(row, action, seen[row["id"]], remarks) for row in rows]


def _item(row: Mapping[Any, Any], action: Action, prev: Action, remarks: str | None) -> ActionItem:
    return ActionItem(
        section=_section(row["kind"], row["orig_consumed"], row["supplier"] != ""),
        supplier=row["supplier"],
        number=row["doc_number"],
        doc_date=row["doc_date"],
        action=action,
        prev_status=prev,
        remarks=remarks,
    )


# -- one record -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordDetail:
    record: ImsRecord
    supplier_name: str
    in_ims: bool  # open in IMS: actions possible
    consumed_in: Period | None
    refused: dict[Action, Refusal]
    history: list[dict[str, Any]] = field(default_factory=list)


def record_detail(uow: UnitOfWork, recipient: str, record_id: int) -> RecordDetail | None:
    """One of the recipient's records with its audit trail; None if it is not the recipient's."""
    tp = taxpayer(uow, recipient)
    today = uow.today()
    row = uow.records.find(recipient, record_id)
    if row is None:
        return None
    rec = ims_record(row, tp, today)
    in_ims = is_open_in_ims(
        Standing(
            Kind(row["kind"]),
            Action(row["action"]),
            Route(row["route"]),
            live=bool(row["live"]),
            consumed=row["consumed_in"] is not None,
        )
    )
    return RecordDetail(
        rec,
        names(uow, [rec.record.key.supplier]).get(rec.record.key.supplier, ""),
        in_ims,
        period_of(row["consumed_in"]) if row["consumed_in"] is not None else None,
        refusals(rec, today) if in_ims else {},
        [dict(h) for h in history(uow, recipient, record_id)],
    )


# -- home: a CA firm's GSTINs -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GstinSummary:
    gstin: str
    name: str
    frequency: Frequency
    period: Period
    actions: dict[Action, int]
    itc_at_stake: Decimal


def home(uow: UnitOfWork, gstins: Iterable[str]) -> list[GstinSummary]:
    """For each GSTIN: open IMS records by action and the ITC at stake in its working period."""
    today = uow.today()
    tps = taxpayers_by_gstin(uow, gstins)
    by_action: dict[str, dict[Action, int]] = defaultdict(lambda: {a: 0 for a in Action})
    at_stake: dict[str, int] = defaultdict(int)
    periods = {g: working_period(tp, today) for g, tp in tps.items()}
    for gstin, action, p2b, n, tax in uow.dashboard.by_recipient(tps):
        by_action[gstin][Action(action)] += n
        if p2b <= period_int(periods[gstin]):
            at_stake[gstin] += int(tax or 0)
    return [
        GstinSummary(
            g,
            tp.trade_name or tp.legal_name,
            tp.frequency,
            periods[g],
            by_action[g],
            from_paise(at_stake[g]),
        )
        for g, tp in sorted(tps.items())
    ]
