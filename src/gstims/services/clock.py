"""The sandbox clock and its scheduled events (R-CAL-5, R-CLK), in bounded steps.

Moving the clock runs, for each day reached, the day's events in the rules' order, each
exactly once. Nothing grows with the number of taxpayers in one value, one list held in
memory or one transaction ([ADR 18](../../../docs/adr/0018-clock-in-batches.md)):

- An event's summary is counts (`{"drafted": 812}`); what it did to each taxpayer is a row of
  `clock_results` (`uow.clock.results`, the sandbox API and `gstims clock results`).
- Pending expiry and the 16(4) time-bar are one set-based statement each (an UPDATE, an
  INSERT ... SELECT of the audit entries, one of the per-recipient results).
- Rule 37A and the GSTR-2B drafts go through the taxpayers in GSTIN order, a batch at a time
  (keyset: `clock_runs.cursor` is the last GSTIN done). `clock_step` does at most `batch`
  taxpayers' worth of work in the caller's transaction and says whether the move is finished;
  `move_clock` is the edges' driver: each step in its own transaction, committed as it goes,
  so a crash loses at most the batch in hand, and a re-run (to the same day or a later one)
  finishes the interrupted event from its cursor — each 2B drafted exactly once. The
  `clock_runs` row of an event is `finished` only when it is done for every taxpayer.
- `advance_clock` runs the same steps in one transaction (tests, demos, small sandboxes).

Example: with 1,200 taxpayers and a batch of 500, moving from 13-11-2024 to 14-11-2024 is
steps of 500, 500 and 200 taxpayers' 2B drafts (the three other events of the 14th ride in the
first step); the answer is one run, 14-11-2024 gstr2b_drafts {"drafted": 1200}.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from gstims.domain.calendar import (
    GSTR2B_DAY,
    Period,
    gstr2b_date,
    next_return_period,
    return_period,
)
from gstims.domain.clock import DAILY_ORDER, Event, rule_37a_deadline, schedule
from gstims.domain.errors import GSTIMS409
from gstims.domain.sequence import gen2b_refusal
from gstims.domain.taxpayer import Taxpayer
from gstims.services import auto_schedule
from gstims.services.clock_37a import rule_37a
from gstims.services.context import (
    SYSTEM,
    filing_facts_of,
    taxpayers_after,
    taxpayers_of,
)
from gstims.services.errors import Conflict
from gstims.services.gstr2b import generate, generate_many
from gstims.settings import environment
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import period_int, period_of

CLOCK_LOCK = "sandbox-clock"  # serialises two moves of the clock (an advisory lock's key)

Counts = Mapping[str, int]
Results = list[dict[str, Any]]

WORDS = {
    "expired": "pending record(s) expired",
    "time_barred": "record(s) time-barred by section 16(4)",
    "reversals": "Rule 37A reversal(s)",
    "drafted": "GSTR-2B drafted",
    "rule_runs": "auto-action rule set run(s)",
    "rule_changed": "record(s) changed by rules",
    "rule_refused": "record(s) a rule asked for refused by the rule table",
    "rule_proposed": "rule proposal(s) awaiting an approver (maker-checker)",
}


@dataclass(frozen=True, slots=True)
class EventRun:
    """A day's event that did something, as counts (bounded: a handful of numbers)."""

    day: date
    event: Event
    counts: Counts

    @property
    def summary(self) -> str:
        return summary_of(self.counts)


@dataclass(frozen=True, slots=True)
class Step:
    runs: list[EventRun]  # the events this step finished that did something
    finished: bool  # the clock is at the target and every event on the way is done


def summary_of(counts: Counts) -> str:
    """The counts in words: "812 GSTR-2B drafted" (what `clock_runs.summary` keeps)."""
    return "; ".join(f"{n:,} {WORDS.get(k, k)}" for k, n in sorted(counts.items()) if n)


# -- the interface: one step in the caller's transaction, the edges' driver, all in one -------

Transactions = Callable[[], AbstractContextManager[UnitOfWork]]


def move_clock(
    transaction: Transactions, target: date, *, batch: int | None = None
) -> list[EventRun]:
    """The edges' way to move the clock: `clock_step` after `clock_step`, each in a transaction
    of its own that `transaction` (the edge's `db.transaction`) opens and commits."""
    settings = environment()
    batch = batch or settings.clock_batch
    runs: list[EventRun] = []
    while True:
        with transaction() as uow:
            step = clock_step(uow, target, batch=batch)
        runs += step.runs
        if step.finished:
            return runs
        if settings.clock_pause_ms:  # tests only: time to kill the process between batches
            time.sleep(settings.clock_pause_ms / 1000)


def advance_clock(
    uow: UnitOfWork, target: date, *, batch: int = 500, plain: bool = False
) -> list[EventRun]:
    """Move the clock to `target` in the caller's one transaction (tests, demos)."""
    runs: list[EventRun] = []
    while True:
        step = clock_step(uow, target, batch=batch, plain=plain)
        runs += step.runs
        if step.finished:
            return runs


def clock_step(uow: UnitOfWork, target: date, *, batch: int, plain: bool = False) -> Step:
    """Run what is left of the move to `target`, at most `batch` taxpayers' worth of it.

    The plain path (`plain`) looks at every taxpayer every day and generates each 2B by
    itself; the fast one, on a day other than the 14th, only at the taxpayers that can have a
    2B to draft (`_draft_candidates`), and generates a batch's 2Bs together
    (`gstr2b.generate_many`). A test holds the two equal."""
    uow.lock([CLOCK_LOCK])
    today = uow.today()
    if target < today:
        raise Conflict(GSTIMS409, f"the clock moves forward only: today is {today:%d-%m-%Y}")
    runs: list[EventRun] = []
    budget = batch
    for day, event in _remaining(uow, today, target):
        if budget <= 0:
            return Step(runs, finished=False)
        uow.clock.set_today(day)
        kept = uow.clock.progress(day, event.value)
        counts: Counter[str] = Counter(kept["counts"] or {}) if kept else Counter()
        cursor: str | None = kept["cursor"] if kept else None
        batched = _BATCHED.get(event)
        if batched is None or not _due(event, day):
            counts.update(_WHOLE.get(event, _nothing)(uow, day))
            done, budget = True, budget - 1
        else:
            pager, handler = batched
            tps = pager(uow, day, cursor, budget, plain)
            got, results = handler(uow, day, tps, plain)
            uow.clock.add_results(day, event.value, results)
            counts.update(got)
            cursor = tps[-1].gstin if tps else cursor
            done, budget = len(tps) < budget, budget - max(1, len(tps))
        uow.clock.save_progress(
            day,
            event.value,
            cursor=cursor,
            counts=+counts,
            finished=done,
            summary=summary_of(counts),
        )
        if not done:
            return Step(runs, finished=False)
        if +counts:
            runs.append(EventRun(day, event, dict(+counts)))
    uow.clock.set_today(target)
    return Step(runs, finished=True)


def _remaining(uow: UnitOfWork, today: date, target: date) -> list[tuple[date, Event]]:
    """The (day, event)s still to run: an interrupted day's unfinished events first (a move
    that stopped half-way left the clock on that day), then every day's after today."""
    if target < today:
        raise Conflict(GSTIMS409, f"the clock moves forward only: today is {today:%d-%m-%Y}")
    finished = uow.clock.finished_since(today)
    interrupted = [(today, e) for e in DAILY_ORDER] if uow.clock.started(today) else []
    return [
        (d, e) for d, e in interrupted + schedule(today, target) if (d, e.value) not in finished
    ]


def results(
    uow: UnitOfWork,
    *,
    day: date | None = None,
    event: Event | None = None,
    gstin: str | None = None,
    after: tuple[date, str, str] | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """What the events did to each taxpayer, filtered, in (day, event, GSTIN) order, a page
    at a time (`after`: the last row's key of the previous page)."""
    rows = uow.clock.results(
        day=day, event=event.value if event else None, gstin=gstin, after=after, limit=limit
    )
    return [{**r, "period": str(period_of(r["period"])) if r["period"] else None} for r in rows]


def set_today_without_events(uow: UnitOfWork, day: date) -> None:
    """Benchmarks only: place the clock without running the days' events."""
    uow.clock.set_today(day)


# -- the events done in one set-based statement ------------------------------------------------


def expire_pending(uow: UnitOfWork, day: date) -> Counts:
    """R-ACT-4: specified E2 records still Pending after their deadline return to No action.

    Their remarks stay **(decision)**: they still explain the record to the supplier and in 2B.
    """
    event = Event.PENDING_EXPIRY.value
    count = uow.records.expire_pending(
        day,
        actor=SYSTEM,
        at=datetime.now(),
        note="pending period expired",
        tally=partial(uow.clock.tally, day, event, "expired"),
    )
    return {"expired": count}


def time_bar(uow: UnitOfWork, day: date) -> Counts:
    """R-ACT-5, R-IN-5f: past the 16(4) limit, pending and unfiled records leave IMS.

    A downward amendment of a consumed original stays (`gives_credit_back`): 16(4) bars
    taking credit, never giving it back, whether it is filed before or after the limit.
    """
    event = Event.TIME_BAR.value
    count = uow.records.time_bar(day, tally=partial(uow.clock.tally, day, event, "time_barred"))
    return {"time_barred": count}


def _nothing(uow: UnitOfWork, day: date) -> Counts:
    return {}


# -- the events done a batch of taxpayers at a time --------------------------------------------


def draft_2bs(
    uow: UnitOfWork, day: date, tps: Sequence[Taxpayer], *, plain: bool = False
) -> tuple[Counts, Results]:
    """R-2B-1: on the 14th, and for drafts that waited for a previous 3B, generate each 2B of
    this batch of taxpayers; a result per 2B drafted (which marks it done).

    The batch's 2Bs are generated together (`gstr2b.generate_many`, a few queries for the
    lot); `plain` generates them one by one (`generate`), which a test holds equal."""
    have = uow.clock.drafted_periods([tp.gstin for tp in tps])
    facts_of = filing_facts_of(uow, {tp.gstin: tp for tp in tps})
    wanted: list[tuple[str, Period]] = []
    for tp in tps:
        facts = facts_of[tp.gstin]
        period = return_period(tp.first_month, tp.frequency)
        while gstr2b_date(period) <= day:
            if period_int(period) not in have[tp.gstin] and period not in facts.gstr3b_filed:
                if gen2b_refusal(facts, period, day) is None:
                    wanted.append((tp.gstin, period))
                break  # later periods wait for this one's 3B
            period = next_return_period(period, tp.frequency)
    if plain:
        made = [generate(uow, gstin, period) for gstin, period in wanted]
    else:
        made = generate_many(uow, wanted)
    results = [
        {
            "gstin": g.recipient,
            "outcome": "drafted",
            "period": period_int(g.period),
            "count": g.records,
        }
        for g in made
    ]
    return {"drafted": len(made)}, results


def _due(event: Event, day: date) -> bool:
    return event is not Event.RULE_37A or rule_37a_deadline(day) is not None


_WHOLE: dict[Event, Callable[[UnitOfWork, date], Counts]] = {
    Event.PENDING_EXPIRY: expire_pending,
    Event.TIME_BAR: time_bar,
    Event.AUTO_RULES: auto_schedule.run_scheduled,
}


def _taxpayers(
    uow: UnitOfWork, day: date, after: str | None, limit: int, plain: bool
) -> list[Taxpayer]:
    return taxpayers_after(uow, after, limit)


def _draft_candidates(
    uow: UnitOfWork, day: date, after: str | None, limit: int, plain: bool
) -> list[Taxpayer]:
    """Who may have a 2B to draft on `day`: on the 14th (R-CAL-2) everyone; on another day
    only a taxpayer whose draft waited for a GSTR-3B filed since the last day's events
    (filed on or after the day before; R-2B-1), or that has no 2B yet (registered late, or a
    sandbox started after a 14th). Anyone else's next 2B was drafted, or refused, on a day
    whose events already ran: nothing changed for it since."""
    since = None if plain or day.day == GSTR2B_DAY else day - timedelta(days=1)
    return taxpayers_of(uow.clock.draft_candidates(after, limit, since))


Pager = Callable[[UnitOfWork, date, str | None, int, bool], list[Taxpayer]]
Handler = Callable[[UnitOfWork, date, Sequence[Taxpayer], bool], tuple[Counts, Results]]
_BATCHED: dict[Event, tuple[Pager, Handler]] = {
    Event.RULE_37A: (_taxpayers, rule_37a),
    Event.GSTR2B_DRAFTS: (_draft_candidates, lambda u, d, t, p: draft_2bs(u, d, t, plain=p)),
}
