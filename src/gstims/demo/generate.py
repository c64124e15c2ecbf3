"""Bulk synthetic filings for benchmarks: a lakh of filed GSTR-1 records in seconds.

`generate_filings(db, plan)` registers the recipients and suppliers it needs (valid GSTINs,
plausible names, several states, monthly and quarterly), moves the clock to the 10th of the
month after the period, and writes every supplier's GSTR-1 (or IFF) for the period as saved
and filed on that day, in ONE transaction.

The records themselves are written by `gstims.demo.bulk`: exactly what `supplier.save_return`
and `file_return` would store, set-based.

Example: `Plan(100_000, recipients=10, suppliers=100, period=Period(2025, 10))` makes about
86,000 invoices, 8,000 credit notes, 3,000 debit notes and a few reverse-charge and
POS-ineligible invoices, dated October 2025 and filed on 10-11-2025.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from gstims.demo.bulk import write_filed_gstr1
from gstims.domain.calendar import FIRST_PERIOD, Frequency, Period
from gstims.domain.gstin import make_gstin
from gstims.services import clock, taxpayers
from gstims.services.context import taxpayers_by_gstin
from gstims.store.db import Database, UnitOfWork
from gstims.store.records.mapping import period_int
from gstims.store.tables import returns

MAX_RECORDS = 5_000_000
STATES = ("27", "29", "33", "07", "24", "09", "36", "19", "06", "08", "32", "23", "03", "21")
FIRST_WORDS = (
    "Shree", "Sri", "Om", "Jai", "Maa", "New", "Royal", "National", "Bharat", "Surya", "Ganesh",
    "Balaji", "Krishna", "Laxmi", "Vinayak", "Sai", "Annapurna", "Kaveri", "Ganga", "Narmada",
)  # fmt: skip
TRADE_WORDS = (
    "Steel", "Textiles", "Polymers", "Traders", "Chemicals", "Pharma", "Electricals", "Agro",
    "Packaging", "Motors", "Foods", "Logistics", "Hardware", "Paper", "Plastics", "Tiles",
)  # fmt: skip
SUFFIXES = ("Pvt Ltd", "LLP", "Enterprises", "Industries", "& Co", "Ltd", "Agencies")
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class Plan:
    records: int
    recipients: int
    suppliers: int
    period: Period
    seed: int = 1


@dataclass(frozen=True, slots=True)
class Generated:
    records: int
    recipients: int
    suppliers: int
    filed_on: date
    seconds: float  # writing the records (generation, validation, insert, commit)
    setup_seconds: float  # registering taxpayers and moving the clock

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def generate_filings(db: Database, plan: Plan) -> Generated:
    """Register the parties, move the clock, write the period's filed GSTR-1s."""
    _check(plan)
    started = time.perf_counter()
    rng = random.Random(plan.seed)
    recipients = _parties(rng, plan.recipients, "recipient", plan.period)
    suppliers = _parties(rng, plan.suppliers, "supplier", plan.period)
    filed_on = _prepare(db, plan, recipients + suppliers)
    setup = time.perf_counter() - started
    started = time.perf_counter()
    with db.transaction() as uow:
        _refuse_refiling(uow, plan.period, suppliers)
        known = taxpayers_by_gstin(uow, [p.gstin for p in recipients + suppliers])
        write_filed_gstr1(
            uow,
            plan.period,
            plan.records,
            filed_on,
            [known[p.gstin] for p in suppliers],
            [known[p.gstin] for p in recipients],
            rng,
        )
    return Generated(
        plan.records,
        len(recipients),
        len(suppliers),
        filed_on,
        time.perf_counter() - started,
        setup,
    )


def _check(plan: Plan) -> None:
    if plan.period < FIRST_PERIOD:
        raise ValueError(f"period {plan.period} is before October 2024, where gstims starts")
    if not 1 <= plan.records <= MAX_RECORDS:
        raise ValueError(f"--records must be 1 to {MAX_RECORDS:,}, not {plan.records:,}")
    if plan.recipients < 1 or plan.suppliers < 1:
        raise ValueError("--recipients and --suppliers must be at least 1")
    if plan.suppliers > len(LETTERS) ** 3:
        raise ValueError(f"--suppliers must be at most {len(LETTERS) ** 3:,}")


# -- taxpayers -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Party:
    gstin: str
    name: str
    frequency: Frequency


def _parties(rng: random.Random, count: int, role: str, period: Period) -> list[_Party]:
    """Deterministic parties: recipients are shared by every period, suppliers are the period's."""
    out = []
    holder = "C" if role == "recipient" else "F"
    tag = "0000" if role == "recipient" else f"{period.month:02d}{period.year % 100:02d}"
    for i in range(count):
        name = f"{rng.choice(FIRST_WORDS)} {rng.choice(TRADE_WORDS)} {rng.choice(SUFFIXES)}"
        letters = _letters(i, 3)
        pan = f"{letters}{holder}{name[0]}{tag}{'R' if role == 'recipient' else 'S'}"
        state = STATES[i % len(STATES)]
        quarterly = rng.random() < (0.15 if role == "recipient" else 0.25)
        out.append(
            _Party(
                str(make_gstin(state, pan)),
                name,
                Frequency.QUARTERLY if quarterly else Frequency.MONTHLY,
            )
        )
    return out


def _letters(n: int, width: int) -> str:
    out = ""
    for _ in range(width):
        n, r = divmod(n, len(LETTERS))
        out = LETTERS[r] + out
    return out


def _prepare(db: Database, plan: Plan, parties: list[_Party]) -> date:
    """Register whoever is missing and bring the clock to the filing day."""
    filing_day = plan.period.next().day(10)
    registered = plan.period.first_day
    with db.transaction() as uow:
        taxpayers.start_clock(uow, filing_day)  # a fresh database starts on the filing day
    with db.uow(write=False) as uow:
        known = set(taxpayers_by_gstin(uow, [p.gstin for p in parties]))
    for p in parties:
        if p.gstin not in known:
            with db.transaction() as uow:
                taxpayers.register_taxpayer(uow, p.gstin, p.name, p.frequency, registered, p.name)
    with db.transaction() as uow:
        if uow.today() < filing_day:
            clock.advance_clock(uow, filing_day)
    with db.uow(write=False) as uow:
        return uow.today()


def _refuse_refiling(uow: UnitOfWork, period: Period, suppliers: list[_Party]) -> None:
    filed = uow.conn.execute(
        select(returns.c.gstin).where(
            returns.c.form == "GSTR1",
            returns.c.period == period_int(period),
            returns.c.gstin.in_([p.gstin for p in suppliers[:1000]]),
        )
    ).first()
    if filed is not None:
        raise ValueError(
            f"the generated suppliers' GSTR-1 for {period} is already in this database: "
            "pass another --period or --database-url"
        )
