"""What a clock test checks of the 2Bs it drafted, and a network to draft them for."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gstims.demo.generate import Plan, generate_filings
from gstims.domain.calendar import Period
from gstims.store.db import Database
from gstims.store.tables import clock_results, clock_runs, gstr2b, records, taxpayers

PERIOD = Period(2025, 9)  # a quarter's end: monthly and quarterly taxpayers all draft on the 14th
THE_14TH = date(2025, 10, 14)
HEADS = ("igst", "cgst", "sgst", "cess")


def network(db: Database, recipients: int = 40, suppliers: int = 20, count: int = 3000) -> None:
    """A month of filed GSTR-1s (demo/generate.py): the clock is then on 10-10-2025."""
    generate_filings(db, Plan(count, recipients, suppliers, PERIOD))


def gstins(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        return sorted(conn.execute(sa.select(taxpayers.c.gstin)).scalars())


def documents(node: Any, out: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        if "inum" in node or "ntnum" in node:
            out.append(node)
        else:
            for value in node.values():
                documents(value, out)
    elif isinstance(node, list):
        for value in node:
            documents(value, out)
    return out


def drafted_2bs(db: Database) -> Counter[str]:
    """How many generations each recipient has, having checked that every one of them is
    consistent: its documents are its members, their tax by head the members' tax."""
    generations: Counter[str] = Counter()
    with db.engine.connect() as conn:
        for row in conn.execute(sa.select(gstr2b)).mappings():
            generations[row["recipient"]] += 1
            content = row["content"]
            shown = documents([content.get("docdata"), content.get("docRejdata")], [])
            ids = [i for held in row["members"].values() for i in held]
            assert len(shown) == len(ids), row["recipient"]
            sums = [sum((Decimal(str(d.get(h, 0))) for d in shown), Decimal(0)) for h in HEADS]
            held = conn.execute(
                sa.select(
                    *(sa.func.coalesce(sa.func.sum(getattr(records.c, h)), 0) for h in HEADS)
                ).where(records.c.id.in_(ids or [-1]))
            ).one()
            assert [s * 100 for s in sums] == [Decimal(v) for v in held], row["recipient"]
    return generations


def results(db: Database, event: str) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        c = clock_results.c
        query = (
            sa.select(c.day, c.gstin, c.outcome, c.period, c.count)
            .where(c.event == event)
            .order_by(c.day, c.gstin)
        )
        return [tuple(r) for r in conn.execute(query)]


def run_row(db: Database, day: date, event: str) -> tuple[Any, ...] | None:
    with db.engine.connect() as conn:
        c = clock_runs.c
        row = conn.execute(
            sa.select(c.finished, c.counts, c.summary).where(c.day == day, c.event == event)
        ).first()
        return None if row is None else tuple(row)
