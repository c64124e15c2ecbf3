"""Read use cases of the web dashboard: the IMS table at volume, home counts, charts, 2B state.

The IMS page must stay fast at 100,000 records for one recipient, so everything it shows is
filtered, sorted and paged in SQL: one COUNT over the filter, one page of rows (LIMIT /
OFFSET, ties broken by id), and the section tiles from `ims.counts` (one aggregate). Bulk
actions over "all records matching the filter" fetch the identities set-based in one SELECT
and hand them to `ims.save_actions` / `ims.reset_actions` at once.

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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from gstims.domain.actions import Refusal, decide
from gstims.domain.calendar import Frequency, Period, return_period
from gstims.domain.ims import ActionItem, ImsRecord
from gstims.domain.money import Tax
from gstims.domain.records import SECTION_KIND, SECTIONS, Action, Kind, Route, Section
from gstims.domain.taxpayer import Taxpayer
from gstims.services.context import return_status, taxpayer, taxpayers_by_gstin
from gstims.services.gstr2b import latest, table4_of
from gstims.services.ims import history, ims_record
from gstims.services.taxpayers import Principal
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import from_paise, period_int, period_of, to_paise
from gstims.store.tables import grants, gstr2b, records, taxpayers, users

CHUNK = 500
PAGE_SIZES = (50, 100, 200, 500)
TAX_PAISE = records.c.igst + records.c.cgst + records.c.sgst + records.c.cess
SIGNED_TAX_PAISE = case((records.c.kind == Kind.CN.value, -TAX_PAISE), else_=TAX_PAISE)
SORTS: dict[str, Any] = {
    "date": records.c.doc_date,
    "number": records.c.doc_number,
    "supplier": records.c.supplier,
    "value": records.c.value,
    "tax": TAX_PAISE,
    "period": records.c.period_2b,
    "action": records.c.action,
}


# -- who is signed in -------------------------------------------------------------------------


def principal_of(uow: UnitOfWork, user_id: int) -> Principal | None:
    """The signed-in user with the GSTINs granted to it now (grants may change mid-session)."""
    row = uow.conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    if row is None:
        return None
    granted = uow.conn.execute(select(grants.c.gstin).where(grants.c.user_id == user_id))
    return Principal(row["id"], row["name"], frozenset(granted.scalars()), bool(row["is_admin"]))


def names(uow: UnitOfWork, gstins: Iterable[str]) -> dict[str, str]:
    """Trade name (else legal name) of each registered GSTIN."""
    return {g: tp.trade_name or tp.legal_name for g, tp in taxpayers_by_gstin(uow, gstins).items()}


def working_period(tp: Taxpayer, today: date) -> Period:
    """The return period whose returns are being prepared: the one holding last month."""
    return max(return_period(Period.of(today).prev(), tp.frequency), tp.first_month)


# -- the IMS table ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImsQuery:
    """What the IMS page's filter form asks for (every field optional)."""

    section: Section | None = None
    supplier: str = ""  # the start of a GSTIN, or part of a trade or legal name
    action: Action | None = None
    filed: bool | None = None  # the supplier's return filed (True) or only saved (False)
    period_2b: Period | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    number: str = ""  # part of the document number
    sort: str = "date"
    descending: bool = False
    page: int = 1
    page_size: int = PAGE_SIZES[0]


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


def open_in_ims(recipient: str) -> Any:
    """The recipient's live, unconsumed records that are in IMS (GETINV's selection)."""
    return and_(
        records.c.recipient == recipient,
        records.c.live.is_(True),
        records.c.consumed_in.is_(None),
        records.c.route == Route.IMS.value,
    )


def _where(recipient: str, q: ImsQuery) -> Any:
    clauses = [open_in_ims(recipient)]
    if q.section is not None:
        clauses.append(_section_clause(q.section))
    if q.supplier.strip():
        clauses.append(_supplier_clause(q.supplier.strip()))
    if q.action is not None:
        clauses.append(records.c.action == q.action.value)
    if q.filed is not None:
        clauses.append(records.c.filed_on.is_not(None) if q.filed else records.c.filed_on.is_(None))
    if q.period_2b is not None:
        clauses.append(records.c.period_2b == period_int(q.period_2b))
    if q.min_value is not None:
        clauses.append(records.c.value >= to_paise(q.min_value))
    if q.max_value is not None:
        clauses.append(records.c.value <= to_paise(q.max_value))
    if q.number.strip():
        clauses.append(records.c.doc_number.icontains(q.number.strip(), autoescape=True))
    return and_(*clauses)


def _section_clause(section: Section) -> Any:
    kind, amends_consumed, sez = SECTION_KIND[section]
    clauses = [records.c.kind == kind.value]
    consumed = func.coalesce(records.c.orig_consumed, False)
    clauses.append(consumed.is_(True) if amends_consumed else consumed.is_(False))
    if kind is Kind.BOE:
        clauses.append(records.c.supplier != "" if sez else records.c.supplier == "")
    return and_(*clauses)


def _supplier_clause(text: str) -> Any:
    named = select(taxpayers.c.gstin).where(
        or_(
            taxpayers.c.trade_name.icontains(text, autoescape=True),
            taxpayers.c.legal_name.icontains(text, autoescape=True),
        )
    )
    return or_(
        records.c.supplier.startswith(text.upper(), autoescape=True),
        records.c.supplier.in_(named),
    )


def ims_page(uow: UnitOfWork, recipient: str, q: ImsQuery) -> ImsPage:
    """One page of the recipient's IMS, filtered and sorted in SQL, with its summary."""
    tp = taxpayer(uow, recipient)
    today = uow.today()
    summary = ims_summary(uow, recipient)
    where = _where(recipient, q)
    if _only_section_or_action(q):
        total = summary.count(q.section, q.action)
    else:
        total = uow.conn.execute(
            select(func.count()).select_from(records).where(where)
        ).scalar_one()
    size = q.page_size if q.page_size in PAGE_SIZES else PAGE_SIZES[0]
    pages = max(1, -(-total // size))
    page = min(max(q.page, 1), pages)
    shown = [ims_record(row, tp, today) for row in _page_rows(uow, where, q, size, page)]
    supplier_names = names(uow, {r.record.key.supplier for r in shown})
    rows = [
        ImsRow(r, supplier_names.get(r.record.key.supplier, ""), refusals(r, today)) for r in shown
    ]
    return ImsPage(rows, total, page, pages, summary, today)


def _page_rows(uow: UnitOfWork, where: Any, q: ImsQuery, size: int, page: int) -> list[Any]:
    """The page's rows in two steps: sort and skip over (key, id) only, then read the rows.

    The sorter then carries two narrow columns instead of whole records, which keeps a deep
    page (OFFSET 50,000) as cheap as a shallow one.
    """
    column = SORTS.get(q.sort, SORTS["date"])
    order = (column.desc(), records.c.id.desc()) if q.descending else (column, records.c.id)
    ids = list(
        uow.conn.execute(
            select(records.c.id).where(where).order_by(*order).limit(size).offset((page - 1) * size)
        ).scalars()
    )
    if not ids:
        return []
    rows = {
        r["id"]: r
        for r in uow.conn.execute(select(records).where(records.c.id.in_(ids))).mappings()
    }
    return [rows[i] for i in ids]


def _only_section_or_action(q: ImsQuery) -> bool:
    return (
        not q.supplier.strip()
        and q.filed is None
        and q.period_2b is None
        and q.min_value is None
        and q.max_value is None
        and not q.number.strip()
    )


class _SummaryCache:
    """Summaries keyed by (database, recipient, IMS version, today).

    Every change to a recipient's IMS records bumps its `ims_version` (R-3B-2 staleness
    rests on it too) and the clock's day is in the key, so a stored summary is never out of
    date; a filter change then costs only its COUNT and its page.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple[Any, ...], ImsSummary] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> ImsSummary | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], summary: ImsSummary) -> None:
        with self.lock:
            self.items[key] = summary
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_SUMMARIES = _SummaryCache()


def forget_summaries() -> None:
    """Drop every kept summary (a benchmark's cold start; never needed for correctness)."""
    _SUMMARIES.clear()


def ims_summary(uow: UnitOfWork, recipient: str) -> ImsSummary:
    """Tiles, ITC by action and the 2B periods of the open IMS, in one GROUP BY."""
    version = uow.conn.execute(
        select(taxpayers.c.ims_version).where(taxpayers.c.gstin == recipient)
    ).scalar_one()
    key = (uow.db.url, recipient, version, uow.today())
    cached = _SUMMARIES.get(key)
    if cached is not None:
        return cached
    amends = func.coalesce(records.c.orig_consumed, False)
    sez = records.c.supplier != ""
    keys = (records.c.kind, amends, sez, records.c.action, records.c.period_2b)
    rows = uow.conn.execute(
        select(*keys, func.count(), func.sum(SIGNED_TAX_PAISE))
        .where(open_in_ims(recipient))
        .group_by(*keys)
    )
    tiles = {s: {a: 0 for a in Action} for s in Section}
    tax = {a: 0 for a in Action}
    periods: set[int] = set()
    for kind_code, amended, is_sez, action, p2b, n, paise in rows:
        kind = Kind(kind_code)
        section = SECTIONS[(kind, bool(amended), kind is Kind.BOE and bool(is_sez))]
        tiles[section][Action(action)] += n
        tax[Action(action)] += int(paise or 0)
        periods.add(p2b)
    summary = ImsSummary(
        tiles,
        {a: from_paise(p) for a, p in tax.items()},
        [period_of(p) for p in sorted(periods, reverse=True)],
    )
    _SUMMARIES.put(key, summary)
    return summary


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
    rows = uow.conn.execute(
        select(*_IDENTITY).where(_where(recipient, q)).order_by(records.c.id)
    ).mappings()
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
    ids = sorted(seen)
    items: list[ActionItem] = []
    for start in range(0, len(ids), CHUNK):
        rows = uow.conn.execute(
            select(*_IDENTITY, records.c.id).where(
                open_in_ims(recipient), records.c.id.in_(ids[start : start + CHUNK])
            )
        ).mappings()
        items.extend(_item(row, action, seen[row["id"]], remarks) for row in rows)
    return items


_IDENTITY = (
    records.c.supplier,
    records.c.kind,
    records.c.doc_number,
    records.c.doc_date,
    records.c.orig_consumed,
    records.c.action,
)


def _item(row: Any, action: Action, prev: Action, remarks: str | None) -> ActionItem:
    kind = Kind(row["kind"])
    section = SECTIONS[
        (kind, bool(row["orig_consumed"]), kind is Kind.BOE and row["supplier"] != "")
    ]
    return ActionItem(
        section=section,
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
    row = (
        uow.conn.execute(
            select(records).where(records.c.id == record_id, records.c.recipient == recipient)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    rec = ims_record(row, tp, today)
    in_ims = bool(row["live"]) and row["consumed_in"] is None and row["route"] == Route.IMS.value
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
    wanted = sorted(tps)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = uow.conn.execute(
            select(
                records.c.recipient,
                records.c.action,
                records.c.period_2b,
                func.count(),
                func.sum(SIGNED_TAX_PAISE),
            )
            .where(
                records.c.recipient.in_(chunk),
                records.c.live.is_(True),
                records.c.consumed_in.is_(None),
                records.c.route == Route.IMS.value,
            )
            .group_by(records.c.recipient, records.c.action, records.c.period_2b)
        )
        for gstin, action, p2b, n, tax in rows:
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


# -- charts -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthItc:
    period: Period
    available: Tax  # Table 4(A)
    net: Tax  # Table 4(C)


def itc_over_months(uow: UnitOfWork, recipient: str, last: int = 12) -> list[MonthItc]:
    """Table 4(A) and 4(C) of the latest GSTR-2B of each of the last `last` periods."""
    newest = (
        select(gstr2b.c.period, func.max(gstr2b.c.version).label("version"))
        .where(gstr2b.c.recipient == recipient)
        .group_by(gstr2b.c.period)
        .subquery()
    )
    rows = uow.conn.execute(
        select(gstr2b.c.period, gstr2b.c.table4)
        .join(
            newest,
            and_(gstr2b.c.period == newest.c.period, gstr2b.c.version == newest.c.version),
        )
        .where(gstr2b.c.recipient == recipient)
        .order_by(gstr2b.c.period.desc())
        .limit(last)
    ).all()
    out = []
    for period, data in reversed(rows):
        t4 = table4_of(data)
        out.append(MonthItc(period_of(period), t4.available.total, t4.net))
    return out


# -- GSTR-2B and GSTR-3B state ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TwoBState:
    period: Period
    version: int | None
    generated_on: date | None
    changed_since: bool  # an IMS action changed after it was computed (R-3B-2)
    content: dict[str, Any] | None
    gstr3b_filed_on: date | None


def gstr2b_state(uow: UnitOfWork, recipient: str, period: Period) -> TwoBState:
    taxpayer(uow, recipient)
    row = latest(uow, recipient, period)
    version = uow.conn.execute(
        select(taxpayers.c.ims_version).where(taxpayers.c.gstin == recipient)
    ).scalar_one()
    filed = return_status(uow, recipient, "GSTR3B", period)
    return TwoBState(
        period,
        row["version"] if row else None,
        row["generated_on"] if row else None,
        row is not None and row["ims_version"] != version,
        row["content"] if row else None,
        filed["filed_on"] if filed and filed["status"] == "filed" else None,
    )


def gstr2b_periods(uow: UnitOfWork, recipient: str) -> list[Period]:
    """Periods with a computed GSTR-2B, newest first."""
    rows = uow.conn.execute(
        select(gstr2b.c.period)
        .where(gstr2b.c.recipient == recipient)
        .distinct()
        .order_by(gstr2b.c.period.desc())
    ).scalars()
    return [period_of(p) for p in rows]


def default_period(uow: UnitOfWork, gstin: str) -> Period:
    """The newest period with a computed GSTR-2B, else the working period."""
    made = gstr2b_periods(uow, gstin)
    return made[0] if made else working_period(taxpayer(uow, gstin), uow.today())


def filed_on(uow: UnitOfWork, gstin: str, form: str, period: Period) -> date | None:
    status = return_status(uow, gstin, form, period)
    return status["filed_on"] if status and status["status"] == "filed" else None


# -- supplier (outward) view ------------------------------------------------------------------


def outward_periods(uow: UnitOfWork, supplier: str) -> list[Period]:
    """The supplier's GSTR-1 / GSTR-1A return periods that hold records, newest first."""
    rows = uow.conn.execute(
        select(records.c.source_period)
        .where(records.c.supplier == supplier, records.c.origin.in_(("R1", "R1A")))
        .distinct()
        .order_by(records.c.source_period.desc())
    ).scalars()
    return [period_of(p) for p in rows]
