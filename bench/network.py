"""A whole network through one month: 10,000 taxpayers, 10 lakh records, the 14th, a wave of
SAVEs, the 20th's GSTR-3B filings — on SQLite and PostgreSQL (issue 13).

    python bench/network.py [--backend sqlite|postgres|both] [--recipients 8000]
        [--suppliers 2000] [--records 1000000] [--big 3] [--batch 500]

The network: `--suppliers` suppliers and `--recipients` recipients (about a sixth of each
quarterly), September 2025 (a quarter's end: monthly and quarterly taxpayers all draft on
14 October). The records are skewed as real ones are: `--big` recipients get a lakh each
(a tenth of the records each, at most), fifty get a few thousand each, and the rest share
what is left (tens each). They are written by the bulk path of the use cases
(`demo/bulk.py`: what `save_return` and `file_return` store, set-based), every supplier's
GSTR-1 filed on 10-10-2025; the taxpayers are registered through `register_taxpayer`, 500
to a transaction.

Then, each step timed, and each in a process of its own (forked) so that its peak resident
memory (`ru_maxrss`) is its own:
1. the 11th to the 13th (`move_clock`: nothing to draft);
2. the 14th (`move_clock`, batches of `--batch` taxpayers, each committed): every 2B drafted;
3. the largest recipient's GEN2B alone: the memory one recipient needs;
4. a wave of SAVEs: every recipient accepts or rejects some of its records (up to 100 each,
   10,000 for the big ones), one SAVE each through `ims.save_actions`;
5. the 20th: the clock moved, then every taxpayer that saved regenerates its 2B, files its
   GSTR-1 (nil for a recipient) and its GSTR-3B (`gstr3b.file_3b`, consuming its 2B).

A benchmark reports; no test asserts a time. Record `uptime` beside the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date

import sqlalchemy as sa

from gstims.demo.bulk import write_filed_gstr1
from gstims.demo.generate import _parties
from gstims.domain.calendar import Period
from gstims.domain.ims import ActionItem
from gstims.domain.records import Action, Kind, Section
from gstims.domain.taxpayer import Taxpayer
from gstims.services import clock, gstr2b, gstr3b, ims, supplier, taxpayers
from gstims.services.context import taxpayers_by_gstin
from gstims.store.db import Database
from gstims.store.tables import clock_results, records
from gstims.store.tables import gstr2b as gstr2b_table

PG = os.environ.get("GSTIMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PERIOD = Period(2025, 9)
FILED_ON = date(2025, 10, 10)
THE_13TH, THE_14TH, THE_20TH = date(2025, 10, 13), date(2025, 10, 14), date(2025, 10, 20)
SECTION = {Kind.INV.value: Section.B2B, Kind.CN.value: Section.B2BCN, Kind.DN.value: Section.B2BDN}


def forked(label: str, fn: Callable[[], str]) -> None:
    """Run `fn` in a child process: its wall time and its own peak resident memory."""
    read, write = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        code = 0
        try:
            note = fn()
        except BaseException as exc:  # the parent reports it
            note, code = f"FAILED: {exc!r}"[:2000], 1
        os.write(write, note.encode())
        os.close(write)
        os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        note = pipe.read()
    _, status, usage = os.wait4(pid, 0)
    took = time.perf_counter() - started
    load = os.getloadavg()[0]
    print(
        f"  {label:<44} {took:9.1f} s  peak {usage.ru_maxrss / 1024:7.0f} MiB  "
        f"load {load:4.1f}  {note}",
        flush=True,
    )
    if status != 0:
        sys.exit(f"{label} failed")


def build(url: str, args: argparse.Namespace) -> str:
    db = Database(url)
    rng = random.Random(13)
    recipients = _parties(rng, args.recipients, "recipient", PERIOD)
    suppliers = _parties(rng, args.suppliers, "supplier", PERIOD)
    with db.transaction() as uow:
        taxpayers.start_clock(uow, FILED_ON)
    parties = recipients + suppliers
    for start in range(0, len(parties), 500):
        with db.transaction() as uow:
            for p in parties[start : start + 500]:
                taxpayers.register_taxpayer(
                    uow, p.gstin, p.name, p.frequency, PERIOD.first_day, p.name
                )
    with db.uow(write=False) as uow:
        known = taxpayers_by_gstin(uow, [p.gstin for p in parties])
    buyers = [known[p.gstin] for p in recipients]
    sellers = [known[p.gstin] for p in suppliers]
    written = 0
    for count, to, by in plan(args, buyers, sellers):
        with db.transaction() as uow:
            write_filed_gstr1(uow, PERIOD, count, FILED_ON, by, to, rng)
        written += count
    db.dispose()
    return f"{len(parties):,} taxpayers, {written:,} records"


def plan(
    args: argparse.Namespace, buyers: list[Taxpayer], sellers: list[Taxpayer]
) -> list[tuple[int, list[Taxpayer], list[Taxpayer]]]:
    """(records, recipients, suppliers) of each bulk write: the skew."""
    big = min(args.big, len(buyers))
    per_big = min(100_000, args.records // 10)
    middle = buyers[big : big + 50]
    per_middle = min(3_000, args.records // 200)
    rest = buyers[big + len(middle) :]
    left = args.records - big * per_big - len(middle) * per_middle
    share = max(1, len(sellers) // 10)
    out: list[tuple[int, list[Taxpayer], list[Taxpayer]]] = []
    # each big recipient buys from its own tenth of the suppliers' first group ...
    group = sellers[:share]
    for i in range(big):
        out.append((per_big, [buyers[i]], group[i::big] or group))
    if middle:
        out.append((per_middle * len(middle), middle, sellers[share : 2 * share]))
    # ... the rest in slices of at most 1,000 recipients (the bulk writer's buyer table)
    slices = max(1, -(-len(rest) // 1000))
    others = sellers[2 * share :] or sellers
    for k in range(slices):
        to = rest[k::slices]
        by = others[k::slices] or others
        if to:
            out.append((left // slices, to, by))
    return out


def move(url: str, day: date, batch: int) -> Callable[[], str]:
    def run() -> str:
        db = Database(url)
        runs = clock.move_clock(db.transaction, day, batch=batch)
        db.dispose()
        return "; ".join(f"{r.day:%d-%m} {r.summary}" for r in runs) or "nothing to do"

    return run


def largest(url: str) -> tuple[str, int]:
    db = Database(url)
    with db.engine.connect() as conn:
        gstin, n = conn.execute(
            sa.select(records.c.recipient, sa.func.count())
            .group_by(records.c.recipient)
            .order_by(sa.func.count().desc())
            .limit(1)
        ).one()
    db.dispose()
    return str(gstin), int(n)


def regenerate_largest(url: str) -> str:
    gstin, n = largest(url)
    db = Database(url)
    with db.transaction() as uow:
        gstr2b.generate_2b(uow, gstin, PERIOD)
    db.dispose()
    return f"{gstin}: {n:,} records"


def save_wave(url: str, big_share: int) -> str:
    """Every recipient SAVEs accept/reject on some of its records, one SAVE each."""
    db = Database(url)
    rng = random.Random(7)
    with db.engine.connect() as conn:
        counts = dict(
            conn.execute(
                sa.select(records.c.recipient, sa.func.count()).group_by(records.c.recipient)
            ).all()
        )
    saves = applied = 0
    for recipient, n in sorted(counts.items()):
        take = big_share if n >= 50_000 else 100
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    records.c.kind,
                    records.c.supplier,
                    records.c.number,
                    records.c.doc_date,
                    records.c.action,
                )
                .where(records.c.recipient == recipient, records.c.live.is_(True))
                .order_by(records.c.id)
                .limit(take)
            ).all()
        items = [
            ActionItem(
                SECTION[kind],
                sup,
                number,
                when,
                Action.REJECT if rng.random() < 0.1 else Action.ACCEPT,
                Action(action),
            )
            for kind, sup, number, when, action in rows
        ]
        with db.transaction() as uow:
            applied += ims.save_actions(uow, recipient, items, "bench").applied
        saves += 1
    db.dispose()
    return f"{saves:,} SAVEs, {applied:,} records acted on"


def the_20th(url: str, sample: int) -> str:
    """Every taxpayer (or, with `sample`, the largest recipients and `sample` others) files."""
    db = Database(url)
    with db.engine.connect() as conn:
        everyone = sorted(conn.execute(sa.text("SELECT gstin FROM taxpayers")).scalars())
        if sample:
            big = conn.execute(
                sa.select(records.c.recipient)
                .group_by(records.c.recipient)
                .order_by(sa.func.count().desc())
                .limit(5)
            ).scalars()
            everyone = sorted(set(big) | set(random.Random(20).sample(everyone, sample)))
        filed_1 = set(
            conn.execute(
                sa.text("SELECT gstin FROM returns WHERE form = 'GSTR1' AND status = 'filed'")
            ).scalars()
        )
    regenerated = filed = 0
    for gstin in everyone:
        with db.transaction() as uow:
            if gstr3b.auto_liability(uow, gstin, PERIOD).stale_2b:
                gstr2b.generate_2b(uow, gstin, PERIOD)
                regenerated += 1
            if gstin not in filed_1:
                supplier.file_return(uow, gstin, "GSTR1", PERIOD)
            gstr3b.file_3b(uow, gstin, PERIOD)
            filed += 1
    db.dispose()
    return f"{filed:,} GSTR-3B filed, {regenerated:,} 2Bs regenerated first"


def check(url: str) -> str:
    db = Database(url)
    with db.engine.connect() as conn:
        taxpayers_ = conn.execute(sa.text("SELECT count(*) FROM taxpayers")).scalar_one()
        drafted = conn.execute(
            sa.select(sa.func.count()).where(
                clock_results.c.day == THE_14TH, clock_results.c.outcome == "drafted"
            )
        ).scalar_one()
        v1 = conn.execute(
            sa.select(sa.func.count()).where(gstr2b_table.c.version == 1)
        ).scalar_one()
        in_2bs = conn.execute(
            sa.select(sa.func.sum(clock_results.c.count)).where(clock_results.c.day == THE_14TH)
        ).scalar_one()
    db.dispose()
    assert drafted == v1 == taxpayers_, (drafted, v1, taxpayers_)
    return f"{drafted:,} drafted = {taxpayers_:,} taxpayers; {in_2bs:,} records in the 2Bs"


def run(url: str, args: argparse.Namespace) -> None:
    db = Database(url)
    db.migrate()
    db.dispose()
    t = args.recipients + args.suppliers
    print(f"  uptime: {os.popen('uptime').read().strip()}", flush=True)
    forked("build (register + bulk GSTR-1s)", lambda: build(url, args))
    forked("11th-13th (nothing to draft)", move(url, THE_13TH, args.batch))
    start = time.perf_counter()
    forked(f"the 14th: every 2B ({t:,} taxpayers)", move(url, THE_14TH, args.batch))
    took = time.perf_counter() - start
    print(f"  {'  per taxpayer':<44} {took / t * 1000:9.2f} ms", flush=True)
    forked("check: every 2B drafted once", lambda: check(url))
    forked("largest recipient's GEN2B alone", lambda: regenerate_largest(url))
    if args.until_14th:
        print(f"  uptime: {os.popen('uptime').read().strip()}", flush=True)
        return
    start = time.perf_counter()
    forked("SAVE wave (one SAVE per recipient)", lambda: save_wave(url, 10_000))
    print(
        f"  {'  per recipient':<44} {(time.perf_counter() - start) / args.recipients * 1000:9.2f} ms",
        flush=True,
    )
    forked("15th-20th", move(url, THE_20TH, args.batch))
    start = time.perf_counter()
    forked("the 20th: GEN2B if stale, GSTR-1, GSTR-3B", lambda: the_20th(url, args.sample_20th))
    filers = min(t, args.sample_20th + 5) if args.sample_20th else t
    print(f"  {'  per filer':<44} {(time.perf_counter() - start) / filers * 1000:9.2f} ms")
    print(f"  uptime: {os.popen('uptime').read().strip()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--recipients", type=int, default=8_000)
    parser.add_argument("--suppliers", type=int, default=2_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--until-14th", action="store_true", help="stop after the 14th")
    parser.add_argument(
        "--sample-20th", type=int, default=0, help="on the 20th only the 5 largest and N others"
    )
    args = parser.parse_args()
    head = f"{args.recipients:,} recipients, {args.suppliers:,} suppliers, {args.records:,} records"
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite, {head}", flush=True)
            run(f"sqlite:///{tmp}/network.db", args)
    if args.backend in ("postgres", "both"):
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG)
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        try:
            print(f"PostgreSQL, {head} (schema {schema})", flush=True)
            run(f"{PG}?options=-csearch_path%3D{schema}", args)
        finally:
            if not args.keep:
                with admin.begin() as conn:
                    conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


if __name__ == "__main__":
    main()
