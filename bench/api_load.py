"""The taxpayer API under load: 20 clients paging GETINV and saving actions for 60 seconds.

    python bench/api_load.py [--backend sqlite|postgres] [--records 100000] [--clients 20]
                             [--seconds 60] [--database-url URL]

Starts `gstims serve --sandbox` on a free loopback port over a fresh database (a temporary
SQLite file, or a throwaway PostgreSQL schema), seeds it through the sandbox and taxpayer API —
10 suppliers each filing an October GSTR-1 of `records / 100` invoices to each of 10
recipients — and then runs `clients` threads, client i acting for recipient i mod 10. Each
client loops: GETINV of a random page (`page_size` 500), then a SAVE of 10 records of that page
(Accept or Reject, with the `prev_status` it read; a record changed meanwhile by the other
client of the same recipient comes back in REQSTS as IMSSAV0010, which is a 200, not an error).
The loop is bounded by time and by a maximum count; only 127.0.0.1 is ever called.

Reports requests, throughput, p50/p95/max latency per call and the number of 5xx answers,
which must be 0 (exit status 1 otherwise). A benchmark reports; no test asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

PG = os.environ.get("GSTIMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HOST = "127.0.0.1"
RETURNS = "/plain/taxpayerapi/v1.0/returns"
PAGE_SIZE = 500
SAVE_BATCH = 10
MAX_ITERATIONS = 1_000_000  # per client: the loop ends on time long before
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def gstin(first14: str) -> str:
    total = 0
    for index, char in enumerate(first14):
        product = ALPHABET.index(char) * (1 if index % 2 == 0 else 2)
        total += product // 36 + product % 36
    return first14 + ALPHABET[(36 - total % 36) % 36]


SUPPLIERS = [gstin(f"27AAAPS{1000 + i:04d}A1Z") for i in range(10)]
RECIPIENTS = [gstin(f"29AAAPR{2000 + i:04d}B1Z") for i in range(10)]


# -- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    admin: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def serve(database_url: str, workdir: Path) -> Server:
    port, admin = free_port(), secrets.token_urlsafe(16)
    env = {**os.environ, "GSTIMS_ADMIN_TOKEN": admin}
    args = [sys.executable, "-m", "gstims.cli", "serve", "--sandbox", "--host", HOST]
    args += ["--port", str(port), "--database-url", database_url]
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(args, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://{HOST}:{port}", admin, process)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gstims serve exited: {(workdir / 'server.log').read_text()}")
        try:
            if httpx.get(
                f"{server.url}/sandbox/v1/clock", headers={"admin-token": admin}
            ).is_success:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.stop()
    raise SystemExit("gstims serve did not start")


# -- seeding ----------------------------------------------------------------------------------


def check(response: httpx.Response) -> Any:
    if response.status_code != 200:
        raise SystemExit(f"{response.request.method} {response.request.url}: {response.text[:500]}")
    return response.json()["data"]


def invoices(supplier: int, recipient: int, count: int) -> list[dict[str, Any]]:
    day = 1 + recipient % 28
    return [
        {
            "inum": f"S{supplier}R{recipient}-{n}",
            "idt": f"{day:02d}-10-2024",
            "val": 1180,
            "pos": "29",
            "rchrg": "N",
            "inv_typ": "R",
            "itms": [
                {
                    "num": 1,
                    "itm_det": {
                        "rt": 18,
                        "txval": 1000,
                        "iamt": 180,
                        "camt": 0,
                        "samt": 0,
                        "csamt": 0,
                    },
                }
            ],
        }
        for n in range(count)
    ]


def seed(server: Server, records: int) -> dict[str, str]:
    """Register, issue tokens, file October; the recipients' tokens by GSTIN."""
    admin = httpx.Client(base_url=server.url, headers={"admin-token": server.admin}, timeout=600)
    for number in SUPPLIERS + RECIPIENTS:
        check(
            admin.post(
                "/sandbox/v1/taxpayers",
                json={"gstin": number, "legal_name": number, "filing_frequency": "M"},
            )
        )
    tokens = {
        number: check(admin.post("/sandbox/v1/users", json={"name": number, "gstins": [number]}))[
            "token"
        ]
        for number in SUPPLIERS + RECIPIENTS
    }
    check(admin.put("/sandbox/v1/clock", json={"today": "01-11-2024"}))
    per_pair = records // (len(SUPPLIERS) * len(RECIPIENTS))
    with httpx.Client(base_url=server.url, timeout=600) as client:
        for s, supplier in enumerate(SUPPLIERS):
            headers = {"auth-token": tokens[supplier], "gstin": supplier}
            for r, recipient in enumerate(RECIPIENTS):
                body = {
                    "action": "RETSAVE",
                    "data": {
                        "gstin": supplier,
                        "fp": "102024",
                        "b2b": [{"ctin": recipient, "inv": invoices(s, r, per_pair)}],
                    },
                }
                check(client.put(f"{RETURNS}/gstr1", headers=headers, json=body))
            filing = {"action": "RETFILE", "data": {"gstin": supplier, "ret_period": "102024"}}
            check(client.post(f"{RETURNS}/gstr1", headers=headers, json=filing))
    admin.close()
    return {number: tokens[number] for number in RECIPIENTS}


# -- load -------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies[call].append(seconds)
            self.statuses[status] += 1


def client_loop(
    url: str, recipient: str, token: str, pages: int, deadline: float, tally: Tally, seed_: int
) -> None:
    rng = random.Random(seed_)
    headers = {"auth-token": token, "gstin": recipient}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as http:
        for _ in range(MAX_ITERATIONS):
            if time.monotonic() >= deadline:
                return
            params = {"action": "GETINV", "gstin": recipient, "section": "b2b"}
            params |= {"page": rng.randint(1, pages), "page_size": PAGE_SIZE}
            start = time.perf_counter()
            answer = http.get(f"{RETURNS}/ims", params=params)
            tally.add("GETINV", time.perf_counter() - start, answer.status_code)
            if answer.status_code != 200:
                tally.errors.append(answer.text[:300])
                continue
            page = answer.json()["data"]["b2b"]
            if time.monotonic() >= deadline or not page:
                return
            chosen = rng.sample(page, min(SAVE_BATCH, len(page)))
            invdata = [
                {
                    "stin": r["stin"],
                    "inum": r["inum"],
                    "idt": r["idt"],
                    "action": "R" if r["action"] == "A" else "A",
                    "prev_status": r["action"],
                }
                for r in chosen
            ]
            body = {
                "action": "SAVE",
                "data": {"rtin": recipient, "reqtyp": "SAVE", "invdata": {"b2b": invdata}},
            }
            start = time.perf_counter()
            answer = http.put(
                f"{RETURNS}/ims",
                content=json.dumps(body),
                headers={"content-type": "application/json"},
            )
            tally.add("SAVE", time.perf_counter() - start, answer.status_code)
            if answer.status_code != 200:
                tally.errors.append(answer.text[:300])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(
    tally: Tally, seconds: float, backend: str, records: int, clients: int, seeded: float
) -> int:
    total = sum(len(v) for v in tally.latencies.values())
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    print(
        f"\n{backend}: {records:,} records, {clients} clients, {seconds:.0f} s (seeding took {seeded:.0f} s)"
    )
    print("| call | requests | per second | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for call, values in sorted(tally.latencies.items()):
        print(
            f"| {call} | {len(values):,} | {len(values) / seconds:,.1f} | "
            f"{percentile(values, 0.50) * 1000:,.0f} | {percentile(values, 0.95) * 1000:,.0f} | "
            f"{max(values) * 1000:,.0f} |"
        )
    print(f"| all | {total:,} | {total / seconds:,.1f} | | | |")
    print(f"\nstatuses: {dict(sorted(tally.statuses.items()))}; 5xx: {server_errors}")
    for error in tally.errors[:5]:
        print("  error:", error)
    return 1 if server_errors else 0


def run(backend: str, records: int, clients: int, seconds: float, database_url: str | None) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="gstims-api-load-"))
    schema = None
    if database_url is None and backend == "postgres":
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        engine = sa.create_engine(PG)
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        database_url = PG + ("&" if "?" in PG else "?") + f"options=-csearch_path%3D{schema}"
    database_url = database_url or f"sqlite:///{workdir / 'gstims.db'}"
    server = serve(database_url, workdir)
    try:
        start = time.monotonic()
        tokens = seed(server, records)
        seeded = time.monotonic() - start
        pages = max(1, records // len(RECIPIENTS) // PAGE_SIZE)
        tally = Tally()
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(
                target=client_loop,
                args=(
                    server.url,
                    RECIPIENTS[i % len(RECIPIENTS)],
                    tokens[RECIPIENTS[i % len(RECIPIENTS)]],
                    pages,
                    deadline,
                    tally,
                    i,
                ),
            )
            for i in range(clients)
        ]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return report(tally, time.monotonic() - began, backend, records, clients, seeded)
    finally:
        server.stop()
        if schema is not None:
            with sa.create_engine(PG).begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database-url", default=None, help="an empty database to use instead")
    args = parser.parse_args()
    sys.exit(run(args.backend, args.records, args.clients, args.seconds, args.database_url))


if __name__ == "__main__":
    main()
