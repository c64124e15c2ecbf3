"""Benchmark: build one recipient's GSTR-2B from 100,000 entries, then its Table 4.

Run: `.venv/bin/python bench/domain_2b.py [count]`. Prints the best of three timings.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TypeVar

from gstims.domain.calendar import Frequency, Period
from gstims.domain.gstr2b import Entry, Rule37A, build_gstr2b
from gstims.domain.gstr3b import table4
from gstims.domain.money import NO_TAX, Tax, money
from gstims.domain.records import Action, Kind, Origin, Original, Record, RecordKey, Route
from gstims.domain.state import Declaration, ImsState

T = TypeVar("T")
RECIPIENT = "29AABCR1718E1ZL"
PERIOD = Period(2025, 11)
SUPPLIERS = [f"27AAPFU{n:04d}F1Z{n % 10}" for n in range(500)]
KINDS = [Kind.INV] * 6 + [Kind.DN, Kind.CN, Kind.CN, Kind.ECO]
ROUTES = [Route.IMS] * 16 + [Route.REVERSE_CHARGE, Route.POS_INELIGIBLE, Route.TIME_BARRED]
ACTIONS = [Action.NO_ACTION] * 5 + [Action.ACCEPT] * 3 + [Action.REJECT, Action.PENDING]
DECLARATIONS = [
    Declaration(required=True),
    Declaration(required=False),
    Declaration(required=True, amounts=Tax.of(igst=10)),
]


def synthetic_entries(count: int, seed: int = 2025) -> list[Entry]:
    rnd = random.Random(seed)
    states = {a: ImsState(a) for a in Action}
    out: list[Entry] = []
    for i in range(count):
        kind = rnd.choice(KINDS)
        supplier = rnd.choice(SUPPLIERS)
        taxable = money(Decimal(rnd.randint(100, 10_000_000)) / 100)
        tax = (
            Tax(igst=money(taxable * Decimal("0.18")))
            if i % 3
            else Tax(cgst=money(taxable * Decimal("0.09")), sgst=money(taxable * Decimal("0.09")))
        )
        route = rnd.choice(ROUTES)
        original = None
        if i % 10 == 0:  # an amendment of a consumed original
            old = Tax(igst=money(tax.igst * Decimal("1.2")), cgst=tax.cgst, sgst=tax.sgst)
            action = rnd.choice([Action.ACCEPT, Action.NO_ACTION, Action.REJECT])
            effect = NO_TAX if action is Action.REJECT else old
            original = Original(f"O{i}", date(2025, 9, 1), old, True, action, effect)
        state = states[rnd.choice(ACTIONS)]
        if kind is Kind.CN and state.action is Action.ACCEPT and i % 4 == 0:
            state = ImsState(Action.ACCEPT, "partly availed", rnd.choice(DECLARATIONS))
        record = Record(
            key=RecordKey.of(supplier, RECIPIENT, kind, f"D{i}", date(2025, 10, 5)),
            number=f"D{i}",
            doc_date=date(2025, 10, 5),
            origin=Origin.GSTR1,
            supplier_period=Period(2025, rnd.choice([10, 11])),
            supplier_frequency=Frequency.MONTHLY,
            taxable=taxable,
            value=taxable + tax.total,
            tax=tax,
            pos="29",
            reverse_charge=route is Route.REVERSE_CHARGE,
            filed_on=date(2025, 12, 10),
            original=original,
        )
        out.append(Entry(record, state, route, f"Trader {supplier[7:11]}"))
    return out


def best_of(runs: int, fn: Callable[[], T]) -> tuple[float, T]:
    """The best wall-clock time of `runs` calls, and the last result."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def main(count: int = 100_000) -> None:
    entries = synthetic_entries(count)
    adjustments = [Rule37A(s, Period(2023, 4), Tax.of(igst=100)) for s in SUPPLIERS[:20]]
    build_seconds, two_b = best_of(
        3,
        lambda: build_gstr2b(
            RECIPIENT, PERIOD, entries, adjustments, generated_on=date(2025, 12, 14), version=1
        ),
    )
    t4_seconds, t4 = best_of(3, lambda: table4(two_b))
    docs = len(two_b.documents) + len(two_b.rejected_documents)
    print(f"entries             {count:>12,}")
    print(f"documents in 2B     {docs:>12,}")
    print(f"build_gstr2b        {build_seconds:>12.3f} s  ({count / build_seconds:,.0f} records/s)")
    print(f"table4              {t4_seconds * 1e6:>12.1f} µs")
    print(f"4(C) net IGST       {t4.net.igst:>15,}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
