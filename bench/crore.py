"""A crore of records on PostgreSQL (issue 13; not in CI): is a lakh-record recipient served as
fast among a crore as alone?

    python bench/crore.py [--total 10000000] [--lakh 100000] [--chunk 500000] [--keep]

1. the crore: a fresh schema (migrated: records hash-partitioned by recipient,
   GSTIMS_RECORDS_PARTITIONS), supplier S saves and files `--lakh` invoices to recipient RB
   through the use cases (the app's own ingest); then the other records (to ~1 lakh small
   recipients of ~100 records each, from 5,000 suppliers) are written server-side, `--chunk`
   rows a statement (INSERT ... SELECT over generate_series, each row a copy of one of RB's
   filed rows with its own recipient, supplier, number and amounts; the record_keys trigger
   runs as in production), then VACUUM ANALYZE (autovacuum's work). Load time, rows/s,
   table and index sizes are printed. (`--keep` keeps this schema; `--reuse NAME` measures
   on a kept one.)
2. alone: a second schema with RB's lakh only, made the same way.
3. RB's GETINV page (1 and 50, 1,000 a page), GETCNT, a SAVE of 1,000 actions (fresh
   records each time) and a GSTR-2B generation, and a small recipient's GETINV and GETCNT,
   each run on the two schemas in turns (alone, crore, alone, ...): both see the same
   machine, whatever else runs on it, and the ratio is what answers the question.

Times are server time measured in-process around the use case (what a request spends in
gstims and PostgreSQL, without HTTP and JSON), the median of `--repeat` runs; each line
carries the load average (/proc/loadavg). A benchmark reports; no test asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gstims.domain.calendar import Frequency, Period
from gstims.domain.documents import Item, SupplierDocument
from gstims.domain.ims import ActionItem, ImsFilter
from gstims.domain.money import Tax
from gstims.domain.records import Action, Kind, Section
from gstims.services import clock, gstr2b, ims, supplier, taxpayers
from gstims.settings import environment
from gstims.store.db import Database
from gstims.store.tables import records

S, RB, SMALL = "27AAPFU0939F1ZV", "29AABCR1718E1ZL", "24AAACB5343E1Z7"
PG = os.environ.get("GSTIMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PERIOD = Period(2024, 10)
SMALL_RECIPIENTS = 99_000  # the others: ~100 records each in a crore
SUPPLIERS = 5_000


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def document(i: int) -> SupplierDocument:
    taxable = Decimal(50_000 + i * 7_919 % 5_000_000).scaleb(-2)
    igst = (taxable * Decimal("0.18")).quantize(Decimal("0.01"))
    item = Item(Decimal(18), taxable, Tax.of(igst=igst))
    return SupplierDocument(
        "b2b", Kind.INV, S, RB, f"INV-{i}", date(2024, 10, 10), taxable + igst, "29", items=(item,)
    )


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


class Bench:
    """The measured operations on one database; `compare` runs two in turns."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # SAVE batches used so far (a reused schema has some): each SAVE names 1,000 fresh
        # records, RB's INV-<1,000 × batch> onwards, all at No action
        with db.engine.connect() as conn:
            acted = conn.execute(
                sa.select(sa.func.count())
                .select_from(records)
                .where(records.c.recipient == RB, records.c.action != "N")
            ).scalar()
        self.saves = -(-int(acted or 0) // 1000)

    def read(self, fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        def run() -> Any:
            with self.db.transaction(write=False) as uow:
                return fn(uow, *args)

        return run

    def save_1000(self) -> None:
        start = self.saves * 1000
        self.saves += 1
        items = [
            ActionItem(
                Section.B2B, S, f"INV-{i}", date(2024, 10, 10), Action.ACCEPT, Action.NO_ACTION
            )
            for i in range(start, start + 1000)
        ]
        with self.db.transaction() as uow:
            result = ims.save_actions(uow, RB, items, "bench")
        assert result.applied == 1000, result.errors[:3]

    def generate(self) -> None:
        with self.db.transaction() as uow:
            gstr2b.generate_2b(uow, RB, PERIOD)

    def operations(self) -> dict[str, Callable[[], Any]]:
        page1, page50 = ImsFilter(page=1, page_size=1000), ImsFilter(page=50, page_size=1000)
        return {
            "RB GETINV page 1 (1,000)": self.read(ims.list_records, RB, page1),
            "RB GETINV page 50 (1,000)": self.read(ims.list_records, RB, page50),
            "RB GETCNT": self.read(ims.counts, RB),
            "small GETINV page 1": self.read(ims.list_records, SMALL, page1),
            "small GETCNT": self.read(ims.counts, SMALL),
            "RB SAVE of 1,000 accepts": self.save_1000,
            "RB GSTR-2B generation": self.generate,
        }


def compare(alone: Bench, crore: Bench, repeat: int) -> None:
    """Each operation on both databases in turns (alone, crore, alone, ...), so both see the
    same machine; the median of each, and their ratio."""
    print(f"{'':<28} {'alone ms':>10} {'crore ms':>10} {'crore/alone':>12}   load")
    ops_alone, ops_crore = alone.operations(), crore.operations()
    for label in ops_alone:
        times: dict[str, list[float]] = {"alone": [], "crore": []}
        n = min(repeat, 3) if "2B" in label else repeat
        for _ in range(n):
            times["alone"].append(timed(ops_alone[label]))
            times["crore"].append(timed(ops_crore[label]))
        a, c = (statistics.median(times[k]) * 1000 for k in ("alone", "crore"))
        print(f"  {label:<26} {a:10.1f} {c:10.1f} {c / a:11.2f}×   {load()}", flush=True)


def sizes(db: Database) -> None:
    with db.engine.connect() as conn:
        table, indexes, total = conn.execute(
            sa.text(
                "SELECT sum(pg_table_size(inhrelid)), sum(pg_indexes_size(inhrelid)), "
                "sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
                "WHERE inhparent = CAST('records' AS regclass)"
            )
        ).one()
        each = conn.execute(
            sa.text(
                "SELECT i.relname, pg_relation_size(i.oid) FROM pg_inherits h "
                "JOIN pg_index x ON x.indrelid = h.inhrelid JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE h.inhparent = CAST('records' AS regclass)"
            )
        ).all()
        keys = conn.execute(sa.text("SELECT pg_total_relation_size('record_keys')")).scalar()
        count = conn.execute(sa.text("SELECT count(*) FROM records")).scalar()
    gib = 1024**3
    print(f"  records: {count:,} rows", flush=True)
    print(
        f"  records heap {table / gib:.2f} GiB, indexes {indexes / gib:.2f} GiB, total "
        f"{total / gib:.2f} GiB; record_keys {keys / gib:.2f} GiB"
    )
    by_kind: dict[str, int] = {}
    for name, size in each:
        kind = name.split("_", 2)[-1] if "_" in name else name
        by_kind[kind] = by_kind.get(kind, 0) + size
    for kind, size in sorted(by_kind.items()):
        print(f"    index {kind:<48} {size / gib:.2f} GiB")


def fill(db: Database, total: int, chunk: int) -> None:
    """The rest of the crore, server-side: copies of one of RB's filed rows, each with its own
    recipient, supplier, number and amounts."""
    names = [c.name for c in records.columns if c.name != "id"]
    varied = {
        "recipient": (
            f"CASE WHEN g % {SMALL_RECIPIENTS} = 0 THEN '{SMALL}' ELSE "
            f"'07' || lpad((g % {SMALL_RECIPIENTS})::text, 11, '0') || 'Z9' END"
        ),
        "supplier": f"'27' || lpad((g % {SUPPLIERS})::text, 11, '0') || 'Z1'",
        "number": "'N-' || g",
        "doc_number": "'N-' || g",
        "value": "(50000 + g * 7919 % 5000000) * 118 / 100",
        "taxable": "50000 + g * 7919 % 5000000",
        "igst": "(50000 + g * 7919 % 5000000) * 18 / 100",
    }
    select = ", ".join(varied.get(n, f"t.{n}") for n in names)
    with db.engine.connect() as conn:
        have = conn.execute(sa.text("SELECT count(*) FROM records")).scalar() or 0
    start = time.perf_counter()
    done = 0
    for first in range(have, total, chunk):
        last = min(first + chunk, total)
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    f"INSERT INTO records ({', '.join(names)}) SELECT {select} "  # nosec B608
                    "FROM (SELECT * FROM records WHERE recipient = :rb LIMIT 1) t "
                    "CROSS JOIN generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) g"
                ),
                {"rb": RB, "first": first, "last": last - 1},
            )
        done += last - first
        took = time.perf_counter() - start
        print(
            f"  loaded {last:>12,}  {took:8.0f} s  {done / took:>8,.0f} rows/s  load {load()}",
            flush=True,
        )
    analyse = timed(lambda: _analyse(db))
    took = time.perf_counter() - start
    print(
        f"  load of {done:,} rows: {took:.0f} s ({done / took:,.0f} rows/s), of which "
        f"ANALYZE {analyse:.0f} s; load {load()}",
        flush=True,
    )


def _analyse(db: Database) -> None:
    """VACUUM ANALYZE: what autovacuum does after a bulk insert on a default server (this
    test server runs with autovacuum off); the vacuum sets the visibility map that GETCNT's
    index-only scan relies on (migration 0015)."""
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            sa.text("VACUUM ANALYZE records")
        )


def prepare(db: Database, lakh: int) -> None:
    """A migrated schema where S has saved and filed `lakh` invoices to RB, the clock on the
    14th."""
    db.migrate()
    with db.transaction() as uow:
        taxpayers.set_start_date(uow, date(2024, 11, 1))
    for g in (S, RB, SMALL):
        with db.transaction() as uow:
            taxpayers.register_taxpayer(uow, g, g, Frequency.MONTHLY, date(2024, 10, 1))
    docs = [document(i) for i in range(lakh)]

    def ingest() -> None:
        with db.transaction() as uow:
            supplier.save_return(uow, S, "GSTR1", PERIOD, docs)
        with db.transaction() as uow:
            supplier.file_return(uow, S, "GSTR1", PERIOD)

    took = timed(ingest)
    docs.clear()  # the lakh of documents is not held through the crore
    print(f"RB's {lakh:,} saved and filed through the use cases: {took:.1f} s; load {load()}")
    with db.transaction() as uow:
        clock.set_today_without_events(uow, date(2024, 11, 14))
    _analyse(db)


def run(alone: Database, crore: Database, args: argparse.Namespace) -> None:
    print(f"partitions: {environment().records_partitions}; load {load()}", flush=True)
    if not args.reuse:
        prepare(crore, args.lakh)
        print(f"the crore: to {args.total:,} records", flush=True)
        fill(crore, args.total, args.chunk)
    sizes(crore)
    prepare(alone, args.lakh)
    sizes(alone)
    compare(Bench(alone), Bench(crore), args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bench process peak RSS {peak:.0f} MiB; load {load()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=10_000_000)
    parser.add_argument("--lakh", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the crore's schema")
    parser.add_argument("--reuse", help="a crore's schema kept by --keep: measure only")
    args = parser.parse_args()
    admin = sa.create_engine(PG)
    names = {"alone": f"lakh_{uuid.uuid4().hex[:8]}"}
    names["crore"] = args.reuse or f"crore_{uuid.uuid4().hex[:8]}"
    with admin.begin() as conn:
        for phase, name in names.items():
            if not (phase == "crore" and args.reuse):
                conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    print(f"schemas {names}", flush=True)
    dbs = {p: Database(f"{PG}?options=-csearch_path%3D{n}") for p, n in names.items()}
    try:
        run(dbs["alone"], dbs["crore"], args)
    finally:
        for db in dbs.values():
            db.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {names['alone']} CASCADE"))
            if not (args.keep or args.reuse):
                conn.execute(sa.text(f"DROP SCHEMA {names['crore']} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
