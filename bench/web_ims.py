"""The IMS page at lakh scale: server time of the first render and of each filter change.

    python bench/web_ims.py [--records 100000] [--suppliers 200] [--runs 5] [--database URL]

Seeds one recipient with `--records` IMS records from `--suppliers` suppliers (invoices,
debit and credit notes; a tenth of the suppliers leave their GSTR-1 unfiled) through
`supplier.save_return`, starts the app under uvicorn on 127.0.0.1, signs in over HTTP and
asks for the IMS page: its first render (the section tiles and the ITC chart computed, as
for a user opening the page), the same page again (the summary kept, see
`dashboard.ims_summary`), and each filter change. The figure is the `Server-Timing` the app
reports (time inside the server, from the request's arrival to the response's start); wall
time over loopback is printed beside it. `--reuse` measures a `--database` seeded before.
A benchmark reports; no test asserts a time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import uvicorn

from gstims.api.app import create_app
from gstims.api.settings import Settings
from gstims.domain.calendar import Frequency, Period
from gstims.domain.documents import Item, SupplierDocument
from gstims.domain.gstin import compute_check_char
from gstims.domain.money import Tax, money
from gstims.domain.records import Kind
from gstims.services import clock, dashboard, supplier, taxpayers
from gstims.store.db import Database

R = "29AABCR1718E1ZL"
SECTION = {Kind.INV: "b2b", Kind.DN: "cdnr", Kind.CN: "cdnr"}
KINDS = [Kind.INV] * 18 + [Kind.DN, Kind.CN]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "bench password"


def supplier_gstin(n: int) -> str:
    first14 = f"27AAAPS{n:04d}A1Z"
    return first14 + compute_check_char(first14)


def documents(gstin: str, start: int, count: int) -> list[SupplierDocument]:
    docs = []
    for i in range(start, start + count):
        kind = KINDS[i % len(KINDS)]
        taxable = money(1000 + (i * 37) % 90_000)
        tax = Tax(igst=money(taxable * Decimal("0.18")))
        docs.append(
            SupplierDocument(
                SECTION[kind],
                kind,
                gstin,
                R,
                f"{kind.value}-{i:06d}",
                date(2025, 9, 1 + i % 28),
                taxable + tax.igst,
                "29",
                items=(Item(Decimal(18), taxable, tax),),
            )
        )
    return docs


def seed(db: Database, total: int, suppliers: int) -> float:
    started = time.perf_counter()
    with db.transaction() as uow:
        taxpayers.set_start_date(uow, date(2025, 10, 1))
    gstins = [supplier_gstin(n) for n in range(suppliers)]
    for n, gstin in enumerate([R, *gstins]):
        with db.transaction() as uow:
            taxpayers.register_taxpayer(
                uow, gstin, f"Trader {n}", Frequency.MONTHLY, date(2025, 9, 1), f"Trade {n:03d}"
            )
    per = total // suppliers
    for n, gstin in enumerate(gstins):
        count = per if n < suppliers - 1 else total - per * (suppliers - 1)
        with db.transaction() as uow:
            supplier.save_return(
                uow, gstin, "GSTR1", Period(2025, 9), documents(gstin, n * per, count)
            )
        if n % 10:  # every tenth supplier leaves its return saved, not filed
            with db.transaction() as uow:
                supplier.file_return(uow, gstin, "GSTR1", Period(2025, 9))
    with db.transaction() as uow:
        clock.set_today_without_events(uow, date(2025, 10, 15))
    with db.transaction() as uow:
        taxpayers.create_user(uow, "bench", [R], PASSWORD)
    return time.perf_counter() - started


CASES = [
    ("first render, summary kept", {}),
    ("section: credit notes", {"section": "b2bcn"}),
    ("supplier by name", {"supplier": "Trade 042"}),
    ("supplier by GSTIN", {"supplier": supplier_gstin(7)}),
    ("action: no action", {"action": "N"}),
    ("supplier's return not filed", {"filed": "N"}),
    ("2B period", {"period": "092025"}),
    ("value 10,000–20,000", {"min": "10000", "max": "20000"}),
    ("document number contains", {"number": "01234"}),
    ("sort by tax, descending", {"sort": "tax", "dir": "desc"}),
    ("page 500 of 1,000 (100 a page)", {"size": "100", "page": "500"}),
    ("500 rows a page", {"size": "500"}),
    ("three filters together", {"section": "b2b", "filed": "Y", "min": "50000"}),
]


def server_ms(answer: httpx.Response) -> float:
    return float(answer.headers["server-timing"].split("dur=")[1])


def timed(
    http: httpx.Client, params: dict[str, str], runs: int, forget: bool
) -> tuple[float, float, float]:
    """Median and worst server ms, and median wall ms, of `runs` IMS page requests."""
    times, walls = [], []
    for _ in range(runs):
        if forget:
            dashboard.forget_summaries()
        started = time.perf_counter()
        answer = http.get(f"/g/{R}/ims", params=params)
        walls.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
        times.append(server_ms(answer))
    return statistics.median(times), max(times), statistics.median(walls)


def measure(base: str, runs: int) -> list[tuple[str, float, float, float]]:
    http = httpx.Client(base_url=base, timeout=120)
    token = TOKEN.search(http.get("/login").text)
    if token is None:
        raise SystemExit("the sign-in page carries no CSRF token")
    http.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token[1]})
    rows = [("first render (tiles and chart computed)", *timed(http, {}, runs, forget=True))]
    for label, params in CASES:
        rows.append((label, *timed(http, params, runs, forget=False)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--suppliers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--reuse", action="store_true", help="measure a --database seeded before")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    db = Database(url)
    db.migrate()
    if not args.reuse:
        took = seed(db, args.records, args.suppliers)
        print(f"seeded {args.records:,} records from {args.suppliers} suppliers in {took:.1f} s")
    print(f"database: {url} ({db.engine.dialect.name})")
    app = create_app(Settings(database_url=url), db)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    print("| IMS page request | server ms (median) | server ms (max) | wall ms (median) |")
    print("|---|---:|---:|---:|")
    for label, median, worst, wall in measure(f"http://127.0.0.1:{port}", args.runs):
        print(f"| {label} | {median:.0f} | {worst:.0f} | {wall:.0f} |")
    server.should_exit = True
    thread.join(timeout=10)


if __name__ == "__main__":
    main()
