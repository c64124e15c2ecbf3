"""Five auto-action rules over one recipient with a lakh of records: dry run, then apply.

    python bench/auto_actions.py [--records 100000] [--backend sqlite|postgres|both]

The month is written by the demo's bulk writer (`demo.generate`: 100 suppliers, one
recipient, filed GSTR-1s of 102024; invoices, credit and debit notes). The five rules: the
first 20 suppliers' invoices Accepted; credit notes kept Pending (refused by the rule table:
era E1, R-ACT-3); invoices of ₹2 lakh and more Pending; debit notes less than 120 days old
with the 3B due within 90 days Accepted; whatever else the supplier filed Accepted. Each
rule is one query (`uow.auto_rules.claimed`). Prints each step's time with the load average;
no test asserts a time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from gstims.demo.generate import Plan, generate_filings
from gstims.domain.calendar import Period
from gstims.services import auto_actions
from gstims.store.db import Database
from gstims.store.tables import records

PG = os.environ.get("GSTIMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(label: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    out = fn()
    took = time.perf_counter() - start
    print(f"  {label:<28} {took:7.2f} s   load {load()}")
    return out


def five_rules(suppliers: list[str]) -> dict[str, Any]:
    return {
        "rules": [
            {
                "name": "trusted suppliers",
                "when": {"suppliers": suppliers[:20], "kinds": ["INV"]},
                "action": "A",
                "remarks": "trusted supplier",
            },
            {"name": "credit notes wait", "when": {"kinds": ["CN"]}, "action": "P"},
            {
                "name": "big invoices wait",
                "when": {"kinds": ["INV"], "taxable": {"min": "200000"}},
                "action": "P",
                "remarks": "check the goods first",
            },
            {
                "name": "recent debit notes",
                "when": {"kinds": ["DN"], "age_days": {"max": 120}, "days_to_3b_due": {"max": 90}},
                "action": "A",
            },
            {"name": "the rest", "when": {"supplier_filed": True}, "action": "A"},
        ]
    }


def run(db: Database, count: int) -> None:
    made = generate_filings(db, Plan(count, 1, 100, Period(2024, 10)))
    with db.transaction() as uow:
        today = uow.today()
        recipient = uow.conn.execute(sa.select(records.c.recipient).limit(1)).scalar_one()
        suppliers = sorted(
            uow.conn.execute(sa.select(records.c.supplier).distinct()).scalars().all()
        )
    print(f"  {made.records:,} records written in {made.seconds:.1f} s; today {today:%d-%m-%Y}")
    rules = auto_actions.read_rule_set(five_rules(suppliers))
    with db.uow(write=False) as uow:
        plan = timed("dry run (5 rules)", lambda: auto_actions.dry_run(uow, recipient, rules))
    for r in plan.rules:
        print(
            f"    {r.name:<22} claimed {r.claimed:>7,}  change {r.changes:>7,}  "
            f"refused {len(r.refused):>6,}  tax ₹{r.tax:,}"
        )

    def apply() -> Any:
        with db.transaction() as uow:
            return auto_actions.apply(uow, recipient, rules, "bench")

    done = timed("apply (dry run + SAVE)", apply)
    print(f"    applied {done.applied:,}, refused {done.refused:,}")
    assert done.applied == plan.changes  # apply does what the dry run said
    with db.uow(write=False) as uow:
        again = timed("dry run after apply", lambda: auto_actions.dry_run(uow, recipient, rules))
    assert again.changes == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        print(f"SQLite, {args.records:,} records (load {load()})")
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/bench.db")
            db.migrate()
            run(db, args.records)
            db.dispose()
    if args.backend in ("postgres", "both"):
        print(f"PostgreSQL, {args.records:,} records (load {load()})")
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            db = Database(f"{PG}?options=-csearch_path%3D{schema}")
            db.migrate()
            run(db, args.records)
            db.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
