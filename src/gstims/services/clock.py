"""The sandbox clock and its scheduled events (R-CAL-5, R-CLK).

`advance_clock` moves today forward and runs, for each day reached, the day's events in the
rules' order, each exactly once (a `clock_runs` row per day and event). Each event is a
set-based statement over the whole database: expiry is one UPDATE with its audit entries
written by one INSERT ... SELECT, and so on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update

from gstims.domain.calendar import (
    Period,
    gstr2b_date,
    months_of,
    next_return_period,
    return_period,
)
from gstims.domain.clock import Event, rule_37a_deadline, schedule
from gstims.domain.records import Kind, Route
from gstims.domain.sequence import gen2b_refusal
from gstims.domain.taxpayer import Taxpayer
from gstims.services import auto_schedule
from gstims.services.context import SYSTEM, filing_facts_of, taxpayers_by_gstin
from gstims.services.errors import Conflict
from gstims.services.gstr2b import generate
from gstims.store.bulk import in_values
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import period_int
from gstims.store.tables import (
    clock,
    clock_runs,
    gstr2b,
    itc_adjustments,
    records,
    returns,
    taxpayers,
)

SUMMARY_LENGTH: int = getattr(clock_runs.c.summary.type, "length", None) or 200
"""What `clock_runs.summary` holds: a longer summary (2Bs drafted for many recipients) is cut
(PostgreSQL refused it with a 500, found by bench/soak.py); the API answer keeps it whole."""


@dataclass(frozen=True, slots=True)
class EventRun:
    day: date
    event: Event
    summary: str


def advance_clock(uow: UnitOfWork, target: date) -> list[EventRun]:
    """Move the clock to `target`, running every day's events in (today, target]."""
    today = uow.today()
    if target < today:
        raise Conflict("GSTIMS409", f"the clock moves forward only: today is {today:%d-%m-%Y}")
    done = {(d, e) for d, e in uow.conn.execute(select(clock_runs.c.day, clock_runs.c.event))}
    runs: list[EventRun] = []
    for day, event in schedule(today, target):
        if (day, event.value) in done:
            continue
        _set_today(uow, day)
        summary = _HANDLERS[event](uow, day)
        kept = summary if len(summary) <= SUMMARY_LENGTH else summary[: SUMMARY_LENGTH - 1] + "…"
        uow.conn.execute(insert(clock_runs).values(day=day, event=event.value, summary=kept))
        if summary:
            runs.append(EventRun(day, event, summary))
    _set_today(uow, target)
    return runs


def set_today_without_events(uow: UnitOfWork, day: date) -> None:
    """Benchmarks only: place the clock without running the days' events."""
    _set_today(uow, day)


def _set_today(uow: UnitOfWork, day: date) -> None:
    if uow.conn.execute(update(clock).where(clock.c.id == 1).values(today=day)).rowcount == 0:
        uow.conn.execute(insert(clock).values(id=1, today=day))


def expire_pending(uow: UnitOfWork, day: date) -> str:
    """R-ACT-4: specified E2 records still Pending after their deadline return to No action.

    Their remarks stay **(decision)**: they still explain the record to the supplier and in 2B.
    """
    count = uow.records.expire_pending(
        day, actor=SYSTEM, at=datetime.now(), note="pending period expired"
    )
    return f"{count} pending record(s) expired" if count else ""


def time_bar(uow: UnitOfWork, day: date) -> str:
    """R-ACT-5, R-IN-5f: past the 16(4) limit, pending and unfiled records leave IMS.

    A downward amendment of a consumed original stays (`gives_credit_back`): 16(4) bars
    taking credit, never giving it back, whether it is filed before or after the limit.
    """
    count = uow.records.time_bar(day)
    return f"{count} record(s) time-barred by section 16(4)" if count else ""


def rule_37a(uow: UnitOfWork, day: date) -> str:
    """R-2B-8: reverse ITC from suppliers whose 3B of last FY is unfiled by 30 September.

    The check runs on 1 October (`rule_37a_deadline`): a supplier that files ON 30 September
    files in time. The reversal lands in each recipient's 2B for the September period.

    The ITC a recipient got from a supplier's records of a period is what the records the
    recipient consumed actually gave — for an amended document, its latest consumed version's
    effect (cumulative), counted once in the period of the original. Reverse-charge credit is
    left alone **(decision)**: the recipient paid that tax itself, whatever the supplier files.
    """
    deadline = rule_37a_deadline(day)
    if deadline is None:
        return ""
    fy = deadline.year - 1
    fy_months = Period(fy, 4).months_through(Period(fy + 1, 3))
    tps = taxpayers_by_gstin(uow, [g for (g,) in uow.conn.execute(select(taxpayers.c.gstin))])
    filed: defaultdict[str, set[int]] = defaultdict(set)
    for g, p in uow.conn.execute(
        select(returns.c.gstin, returns.c.period).where(
            returns.c.form == "GSTR3B", returns.c.status == "filed"
        )
    ):
        filed[g].add(p)
    unfiled = {
        tp.gstin: {
            month: period
            for period in _return_periods(tp, fy_months)
            if period_int(period) not in filed[tp.gstin]
            for month in (period_int(m) for m in months_of(period, tp.frequency))
        }
        for tp in tps.values()
    }
    unfiled = {g: months for g, months in unfiled.items() if months}
    if not unfiled:
        return ""
    reversed_already = {
        tuple(r)
        for r in uow.conn.execute(
            select(
                itc_adjustments.c.recipient,
                itc_adjustments.c.supplier,
                itc_adjustments.c.supplier_period,
            ).where(
                itc_adjustments.c.kind == "reversal",
                in_values(uow.conn, itc_adjustments.c.supplier, sorted(unfiled)),
            )
        )
    }
    entries = []
    for (supplier, period, recipient), amounts in _itc_given(uow, unfiled).items():
        tp = tps.get(recipient)
        if sum(amounts) <= 0 or tp is None:
            continue
        if (recipient, supplier, period_int(period)) in reversed_already:
            continue
        entries.append(
            {
                "recipient": recipient,
                "supplier": supplier,
                "supplier_period": period_int(period),
                "kind": "reversal",
                "period_2b": period_int(return_period(Period.of(deadline), tp.frequency)),
                **dict(zip(("igst", "cgst", "sgst", "cess"), amounts, strict=True)),
            }
        )
    if not entries:
        return ""
    uow.conn.execute(insert(itc_adjustments), entries)
    uow.records.bump_ims_version({str(e["recipient"]) for e in entries})
    return f"{len(entries)} Rule 37A reversal(s)"


def _itc_given(
    uow: UnitOfWork, unfiled: dict[str, dict[int, Period]]
) -> dict[tuple[str, Period, str], list[int]]:
    """ITC (paise by head) each recipient got from each supplier's records of its unfiled
    periods, by (supplier, period, recipient): one query over the suppliers."""
    rows = uow.conn.execute(
        select(
            records.c.supplier,
            records.c.recipient,
            records.c.kind,
            records.c.number,
            records.c.fy,
            records.c.source_period,
            records.c.eff_igst,
            records.c.eff_cgst,
            records.c.eff_sgst,
            records.c.eff_cess,
        )
        .where(
            in_values(uow.conn, records.c.supplier, sorted(unfiled)),
            records.c.consumed_in.is_not(None),
            records.c.route == Route.IMS.value,
        )
        .order_by(records.c.amend_no)
    ).all()
    first_period: dict[tuple[str, str, str, int], int] = {}
    latest: dict[tuple[str, str, str, int], tuple[str, str, list[int]]] = {}
    for supplier, recipient, kind, number, fy, source, *effect in rows:
        chain = (supplier, kind, number, fy)
        first_period.setdefault(chain, source)
        latest[chain] = (recipient, kind, [int(e or 0) for e in effect])
    given: dict[tuple[str, Period, str], list[int]] = {}
    for chain, (recipient, kind, effect) in latest.items():
        period = unfiled[chain[0]].get(first_period[chain])
        if period is None:
            continue
        sign = -1 if kind == Kind.CN.value else 1
        total = given.setdefault((chain[0], period, recipient), [0, 0, 0, 0])
        for head, amount in enumerate(effect):
            total[head] += sign * amount
    return given


def _return_periods(tp: Taxpayer, months: list[Period]) -> list[Period]:
    first = return_period(tp.first_month, tp.frequency)
    periods = sorted({return_period(m, tp.frequency) for m in months})
    return [p for p in periods if p >= first]


def draft_2bs(uow: UnitOfWork, day: date) -> str:
    """R-2B-1: on the 14th, and for drafts that waited for a previous 3B, generate each 2B."""
    tps = taxpayers_by_gstin(uow, [g for (g,) in uow.conn.execute(select(taxpayers.c.gstin))])
    have = defaultdict(set)
    for g, p in uow.conn.execute(select(gstr2b.c.recipient, gstr2b.c.period).distinct()):
        have[g].add(p)
    made = []
    facts_of = filing_facts_of(uow, tps)
    for tp in tps.values():
        facts = facts_of[tp.gstin]
        period = return_period(tp.first_month, tp.frequency)
        while gstr2b_date(period) <= day:
            if period_int(period) not in have[tp.gstin] and period not in facts.gstr3b_filed:
                if gen2b_refusal(facts, period, day) is None:
                    generate(uow, tp.gstin, period)
                    made.append(f"{tp.gstin}:{period}")
                break  # later periods wait for this one's 3B
            period = next_return_period(period, tp.frequency)
    return f"GSTR-2B drafted: {', '.join(made)}" if made else ""


_HANDLERS = {
    Event.PENDING_EXPIRY: expire_pending,
    Event.TIME_BAR: time_bar,
    Event.RULE_37A: rule_37a,
    Event.GSTR2B_DRAFTS: draft_2bs,
    Event.AUTO_RULES: auto_schedule.run_scheduled,
}
