"""Rule 37A on the sandbox clock (R-2B-8): one batch of suppliers at a time.

Part of the clock's events (`services/clock.py` runs it on 1 October, a batch of suppliers
per step); kept apart so that each use case module reads in one sitting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from gstims.domain.calendar import Period, months_of, return_period
from gstims.domain.clock import rule_37a_deadline
from gstims.domain.records import Kind
from gstims.domain.taxpayer import Taxpayer
from gstims.services.context import taxpayers_by_gstin
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import period_int

Counts = dict[str, int]
Results = list[dict[str, Any]]


def rule_37a(
    uow: UnitOfWork, day: date, suppliers: Sequence[Taxpayer], plain: bool = False
) -> tuple[Counts, Results]:
    """R-2B-8: reverse ITC from suppliers whose 3B of last FY is unfiled by 30 September.

    The check runs on 1 October (`rule_37a_deadline`): a supplier that files ON 30 September
    files in time. The reversal lands in each recipient's 2B for the September period.

    The ITC a recipient got from a supplier's records of a period is what the records the
    recipient consumed actually gave — for an amended document, its latest consumed version's
    effect (cumulative), counted once in the period of the original. Reverse-charge credit is
    left alone **(decision)**: the recipient paid that tax itself, whatever the supplier files.

    One batch of suppliers: a result per supplier with the reversals it caused.
    """
    deadline = rule_37a_deadline(day)
    assert deadline is not None  # _due
    fy = deadline.year - 1
    fy_months = Period(fy, 4).months_through(Period(fy + 1, 3))
    filed = uow.clock.filed_3b([tp.gstin for tp in suppliers])
    unfiled = {
        tp.gstin: {
            month: period
            for period in _return_periods(tp, fy_months)
            if period_int(period) not in filed[tp.gstin]
            for month in (period_int(m) for m in months_of(period, tp.frequency))
        }
        for tp in suppliers
    }
    unfiled = {g: months for g, months in unfiled.items() if months}
    if not unfiled:
        return {}, []
    reversed_already = uow.clock.reversals_of(sorted(unfiled))
    given = _itc_given(uow.clock.itc_consumed_from(sorted(unfiled)), unfiled)
    recipients = taxpayers_by_gstin(uow, {r for (_, _, r) in given})
    entries = []
    for (supplier, period, recipient), amounts in given.items():
        tp = recipients.get(recipient)
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
    uow.clock.add_reversals(entries)
    uow.records.bump_ims_version({str(e["recipient"]) for e in entries})
    by_supplier = Counter(str(e["supplier"]) for e in entries)
    rows = [{"gstin": g, "outcome": "reversed", "count": n} for g, n in by_supplier.items()]
    return {"reversals": len(entries)}, rows


def _itc_given(
    rows: Sequence[Sequence[Any]], unfiled: dict[str, dict[int, Period]]
) -> dict[tuple[str, Period, str], list[int]]:
    """ITC (paise by head) each recipient got from each supplier's records of its unfiled
    periods, by (supplier, period, recipient)."""
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
