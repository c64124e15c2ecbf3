"""Benchmark: a stored reconciliation of a lakh against a lakh, on SQLite and PostgreSQL.

Run: `.venv/bin/python bench/reconcile_stored.py [--count 100000] [--backend both] [--profile]`

What the use case does, end to end (R-REC-21): `services.reconcile.run_reconciliation` in one
transaction, committed — read the current books (one query) and the portal records (one
query), match with every result explained, ask the rule table for every IMS record's
suggestion (R-REC-16), and store the run (one row, its results one compressed document).

Seeding (not timed in the goal, printed): `demo.generate.generate_filings` writes `count`
filed GSTR-1 records to one recipient from 2,000 suppliers (invoices, credit and debit notes,
a few reverse-charge and POS-ineligible), then the register is made from those records with
the noise of `bench/reconcile.py` (numbers written another way, rounding, wrong amounts,
another GSTIN of the supplier's PAN, dates a few days off, item rows split in two, documents
missing on either side) and imported through `books.import_rows` (timed: R-REC-1 … 4).

The run is measured in a fresh child process (`--run-only`), so its peak RSS is the run's
own (plus the interpreter and gstims imported), not the seeding's. `--profile` writes the
child's cProfile statistics (top 25 by cumulative time) instead of a bare timing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from gstims.demo.generate import Plan, generate_filings
from gstims.domain.calendar import Period
from gstims.domain.gstin import make_gstin
from gstims.domain.reconcile.books import FIELDS, RegisterRow
from gstims.services import books, reconcile
from gstims.store.db import Database
from gstims.store.tables import records

PG = os.environ.get("GSTIMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PERIOD = Period(2024, 10)
COLUMNS = {f: f for f in FIELDS}
WORDS = {"INV": "Invoice", "CN": "Credit Note", "DN": "Debit Note"}


def _rupees(paise: int) -> str:
    return f"{paise // 100}.{paise % 100:02d}"


def register(portal: list[Any], seed: int = 2025) -> list[RegisterRow]:
    """The register an accountant would keep of these records, with realistic noise."""
    rnd = random.Random(seed)
    rows: list[RegisterRow] = []

    def add(values: dict[str, str]) -> None:
        rows.append(RegisterRow(len(rows) + 2, values))

    for n, r in enumerate(portal):
        noise = rnd.random()
        if noise < 0.02:
            continue  # only in the portal
        number, supplier, day = r.doc_number, r.supplier, r.doc_date
        heads = [r.igst, r.cgst, r.sgst, r.cess]
        taxable = r.taxable
        if noise < 0.30:
            number = number.lower().replace("/", "-").replace("-24-25-", "-")  # GI-00042
        elif noise < 0.40:
            heads = [h + 50 if h else h for h in heads]  # ₹0.50 of rounding per head
        elif noise < 0.42:
            heads = [h + 10_000 if h else h for h in heads]  # ₹100 wrong
        elif noise < 0.425:
            supplier = str(make_gstin("24" if supplier[:2] != "24" else "27", supplier[2:12]))
        elif noise < 0.455:
            day = day + timedelta(days=3)
        sign = "-" if r.kind == "CN" else ""
        parts = 2 if noise > 0.9 else 1
        for part in range(parts):
            share = [(v // parts if part < parts - 1 else v - v // parts * (parts - 1)) for v in
                     [taxable, *heads]]  # fmt: skip
            add(
                {
                    "supplier_gstin": supplier,
                    "kind": WORDS[r.kind],
                    "number": number,
                    "date": f"{day:%d-%m-%Y}",
                    "taxable": f"{sign}{_rupees(share[0])}",
                    "igst": f"{sign}{_rupees(share[1])}",
                    "cgst": f"{sign}{_rupees(share[2])}",
                    "sgst": f"{sign}{_rupees(share[3])}",
                    "cess": f"{sign}{_rupees(share[4])}",
                    "ref": f"PUR/{n}",
                }
            )
    for n in range(len(portal) // 50):  # bought, never reported by the supplier
        r = portal[n * 37 % len(portal)]
        add(
            {
                "supplier_gstin": r.supplier,
                "kind": "Invoice",
                "number": f"BK-{n}",
                "date": f"{PERIOD.first_day:%d-%m-%Y}",
                "taxable": "1000.00",
                "igst": "180.00",
                "ref": f"PUR/B{n}",
            }
        )
    return rows


def seed(db: Database, count: int) -> str:
    db.migrate()
    made = generate_filings(db, Plan(count, recipients=1, suppliers=2000, period=PERIOD))
    print(f"  seed {made.records:,} filed records            {made.seconds:8.2f} s")
    with db.uow(write=False) as uow:
        portal = list(uow.conn.execute(sa.select(records).order_by(records.c.id)))
    recipient = portal[0].recipient
    rows = register(portal)
    started = time.perf_counter()
    with db.transaction() as uow:
        outcome = books.import_rows(uow, recipient, rows, COLUMNS, "bench", "generic")
    took = time.perf_counter() - started
    print(
        f"  import the register: {len(rows):,} rows → {outcome.documents:,} books documents "
        f"{took:8.2f} s"
    )
    return str(recipient)


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: since its exec, not its parent's)."""
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def run_only(url: str, gstin: str, profile: bool) -> None:
    """In a fresh process: one stored run, its time and the process's peak RSS."""
    db = Database(url)
    before = peak_mb()

    with db.uow(write=False) as uow:  # the run's periods: October and its records' 2B periods
        stored = uow.conn.execute(sa.select(records.c.period_2b).distinct()).scalars()
        periods = sorted({PERIOD, *(Period(p // 100, p % 100) for p in stored if p)})

    def work() -> int:
        with db.transaction() as uow:
            return reconcile.run_reconciliation(uow, gstin, periods, user="bench")

    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    run_id = profiler.runcall(work) if profiler else work()
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = peak_mb()
    with db.uow(write=False) as uow:
        run = reconcile.get_run(uow, run_id)
    counted = sum(t["count"] for t in run.summary.values())
    print(
        f"  run {run_id} of {', '.join(run.periods)}: {len(run.results):,} results stored "
        f"({counted:,} in the summary)"
    )
    print(f"  match, explain, suggest and store (committed)   {took:8.2f} s wall")
    print(f"    of which this process's CPU time (one thread)  {cpu:8.2f} s")
    print(f"  peak RSS of the run's process (before: {before:.0f} MB)  {peak:8.0f} MB")
    for outcome, totals in sorted(run.summary.items(), key=lambda kv: -kv[1]["count"]):
        print(f"    {outcome:<28} {totals['count']:8,}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(
            os.environ.get("SORT", "cumulative")
        ).print_stats(int(os.environ.get("TOP", "25")))
        print(out.getvalue())
    db.dispose()


def measure(url: str, count: int, profile: bool) -> None:
    db = Database(url)
    gstin = seed(db, count)
    db.dispose()
    args = [sys.executable, __file__, "--run-only", url, gstin] + (["--profile"] if profile else [])
    subprocess.run(args, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--run-only", nargs=2, metavar=("URL", "GSTIN"))
    parser.add_argument("--seed-only", metavar="URL")
    args = parser.parse_args()
    if args.seed_only:
        print(seed(Database(args.seed_only), args.count))
        return
    if args.run_only:
        run_only(*args.run_only, args.profile)
        return
    stored_runs(args.count, args.backend, args.profile)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def stored_runs(count: int, backend: str, profile: bool = False) -> None:
    """Seed and measure a stored run on SQLite, PostgreSQL or both, the load printed around."""
    print(f"load before: {load()}")
    if backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite, {count:,} portal records")
            measure(f"sqlite:///{tmp}/bench.db", count, profile)
    if backend in ("postgres", "both"):
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG)
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        try:
            print(f"PostgreSQL, {count:,} portal records")
            measure(f"{PG}?options=-csearch_path%3D{schema}", count, profile)
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    print(f"load after: {load()}")


if __name__ == "__main__":
    main()
