"""A month at lakh scale, on SQLite and PostgreSQL: ingest, file, SAVE, GSTR-2B, GSTR-3B.

    python bench/cycle.py [--records 100000] [--backend sqlite|postgres|both]

Prints each step's time and records/s, and a baseline: the same rows inserted by one bare
`executemany` into a table of the same width on the same database. A benchmark reports; no
test asserts a time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gstims.domain.calendar import Frequency, Period
from gstims.domain.documents import Item, SupplierDocument
from gstims.domain.ims import ActionItem
from gstims.domain.money import Tax
from gstims.domain.records import Action, Kind, Section
from gstims.services import clock, gstr2b, gstr3b, ims, supplier, taxpayers
from gstims.store.db import Database
from gstims.store.tables import records

S, R = "27AAPFU0939F1ZV", "29AABCR1718E1ZL"
PG = os.environ.get("GSTIMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def documents(n: int) -> list[SupplierDocument]:
    """n invoices, every amount different (identical documents would flatter every per-value
    cache on the way)."""
    return [document(i) for i in range(n)]


def document(i: int) -> SupplierDocument:
    taxable = Decimal(50_000 + i * 7_919 % 5_000_000).scaleb(-2)  # ₹500.00 to ₹50,499.99
    igst = (taxable * Decimal("0.18")).quantize(Decimal("0.01"))
    item = Item(Decimal(18), taxable, Tax.of(igst=igst))
    return SupplierDocument(
        "b2b", Kind.INV, S, R, f"INV-{i}", doc_date(i), taxable + igst, "29", items=(item,)
    )


def doc_date(i: int) -> date:
    return date(2024, 10, 10)


def timed(label: str, n: int, fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    took = time.perf_counter() - start
    print(f"  {label:<38} {took:8.2f} s  {n / took:>10,.0f} records/s")
    return took


def baseline(db: Database, rows: list[dict[str, Any]]) -> float:
    """One bare executemany of the same rows into a copy of the records table's shape."""
    meta = sa.MetaData()
    copy = records.to_metadata(meta, name="bench_baseline")
    for index in list(copy.indexes):
        copy.indexes.discard(index)
    copy.constraints = {c for c in copy.constraints if isinstance(c, sa.PrimaryKeyConstraint)}
    copy.primary_key.name = "pk_bench_baseline"  # constraint names are schema-wide on PostgreSQL
    meta.drop_all(db.engine)
    meta.create_all(db.engine)
    columns = [c.name for c in copy.columns if c.name != "id"]
    marks = ", ".join(["?" if db.is_sqlite else "%s"] * len(columns))
    stmt = f"INSERT INTO bench_baseline ({', '.join(columns)}) VALUES ({marks})"
    raw = db.engine.raw_connection()
    try:
        if db.is_sqlite:
            raw.execute("BEGIN")
        cur = raw.cursor()
        data = [tuple(r.get(c) for c in columns) for r in rows]
        start = time.perf_counter()
        cur.executemany(stmt, data)
        raw.commit()
        took = time.perf_counter() - start
    finally:
        raw.close()
    meta.drop_all(db.engine)
    return took


def run(db: Database, n: int) -> None:
    db.migrate()
    with db.transaction() as uow:
        taxpayers.set_start_date(uow, date(2024, 11, 1))
    for g in (S, R):
        with db.transaction() as uow:
            taxpayers.register_taxpayer(uow, g, g, Frequency.MONTHLY, date(2024, 10, 1))
    docs = documents(n)
    p = Period(2024, 10)

    def ingest() -> None:
        with db.transaction() as uow:
            supplier.save_return(uow, S, "GSTR1", p, docs)

    t_ingest = timed("save GSTR-1 (validate + insert)", n, ingest)
    with db.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.select(records)).mappings()]
    t_base = baseline(db, rows)
    print(
        f"  {'baseline: bare executemany':<38} {t_base:8.2f} s  {n / t_base:>10,.0f} records/s"
        f"   (ingest = {t_ingest / t_base:.2f}× baseline)"
    )

    def file() -> None:
        with db.transaction() as uow:
            supplier.file_return(uow, S, "GSTR1", p)

    timed("file GSTR-1", n, file)
    items = [
        ActionItem(Section.B2B, S, f"INV-{i}", doc_date(i), Action.ACCEPT, Action.NO_ACTION)
        for i in range(0, n, 2)
    ]

    def save() -> None:
        with db.transaction() as uow:
            result = ims.save_actions(uow, R, items, "bench")
        assert result.applied == len(items), result.errors[:3]

    timed(f"SAVE accept {len(items):,}", len(items), save)
    with db.transaction() as uow:
        clock.set_today_without_events(uow, date(2024, 11, 14))

    def gen() -> None:
        with db.transaction() as uow:
            gstr2b.generate_2b(uow, R, p)

    timed("generate GSTR-2B", n, gen)
    with db.transaction() as uow:
        supplier.file_return(uow, R, "GSTR1", p)

    def file3b() -> None:
        with db.transaction() as uow:
            gstr3b.file_3b(uow, R, p)

    timed("file GSTR-3B (consume)", n, file3b)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite, {args.records:,} records")
            db = Database(f"sqlite:///{tmp}/bench.db")
            run(db, args.records)
            db.dispose()
    if args.backend in ("postgres", "both"):
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG)
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        try:
            print(f"PostgreSQL, {args.records:,} records")
            db = Database(f"{PG}?options=-csearch_path%3D{schema}")
            run(db, args.records)
            db.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
