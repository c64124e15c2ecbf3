"""Issue 14 item 10: how long one tenant's largest RETSAVE holds another tenant's write on SQLite.

    python bench/sqlite_lock.py [--rounds 3] [--items 1] [--tree SRC]

`gstims serve --sandbox` over a fresh SQLite file, two suppliers (each with its own
recipient). Each round, supplier A sends the largest RETSAVE SQLite takes (5,000 documents,
the `GSTIMS_SQLITE_MAX_SAVE_DOCUMENTS` bound; `--items` items each, within the 20 MiB body
limit) and, 50 ms later and then every 100 ms until A's answer, supplier B sends a RETSAVE of
one document. Reported per round: A's time, and B's slowest and median time while A was
being served (alone, B's save takes a few milliseconds: the difference is the wait for
SQLite's one write lock). A benchmark reports; no test asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from api_load import RETURNS, check, gstin, serve
from gstims.codec import to_json_bytes

A, B = gstin("27AAAPS1100A1Z"), gstin("27AAAPS1200A1Z")
RA, RB = gstin("29AAAPR2100B1Z"), gstin("29AAAPR2200B1Z")
JSON = {"content-type": "application/json"}


def body(supplier: str, recipient: str, numbers: range, items: int) -> bytes:
    rows = [
        {"num": n + 1, "itm_det": {"rt": 18, "txval": 1000, "iamt": 180, "camt": 0, "samt": 0}}
        for n in range(items)
    ]
    docs = [
        {
            "inum": f"L{round_}",
            "idt": "10-10-2024",
            "val": 1180 * items,
            "pos": "29",
            "rchrg": "N",
            "inv_typ": "R",
            "itms": rows,
        }
        for round_ in numbers
    ]
    data = {"gstin": supplier, "fp": "102024", "b2b": [{"ctin": recipient, "inv": docs}]}
    return to_json_bytes({"action": "RETSAVE", "data": data})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--items", type=int, default=1)
    parser.add_argument("--documents", type=int, default=5_000)
    parser.add_argument("--tree", default=str(Path(__file__).resolve().parent.parent / "src"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="gstims-lock-"))
    os.environ["PYTHONPATH"] = args.tree
    server = serve(f"sqlite:///{workdir / 'gstims.db'}", workdir)
    try:
        run(server.url, server.admin, args.rounds, args.items, args.documents)
    finally:
        server.stop()


def run(url: str, admin_token: str, rounds: int, items: int, documents: int) -> None:
    with httpx.Client(base_url=url, headers={"admin-token": admin_token}, timeout=600) as admin:
        for number in (A, B, RA, RB):
            taxpayer = {"gstin": number, "legal_name": number, "filing_frequency": "M"}
            check(admin.post("/sandbox/v1/taxpayers", json=taxpayer))
        tokens: dict[str, Any] = {
            n: check(admin.post("/sandbox/v1/users", json={"name": n, "gstins": [n]}))["token"]
            for n in (A, B)
        }
        check(admin.put("/sandbox/v1/clock", json={"today": "01-11-2024"}))
    big = [body(A, RA, range(r * documents, (r + 1) * documents), items) for r in range(rounds)]
    print(f"A's RETSAVE: {documents:,} documents of {items} item(s), {len(big[0]):,} bytes")
    print(f"load {os.getloadavg()[0]:.1f}")
    with httpx.Client(base_url=url, timeout=600) as a, httpx.Client(base_url=url, timeout=600) as b:
        as_a = {"auth-token": tokens[A], "gstin": A, **JSON}
        as_b = {"auth-token": tokens[B], "gstin": B, **JSON}
        alone = []
        for n in range(5):
            start = time.perf_counter()
            small = body(B, RB, range(10_000_000 + n, 10_000_001 + n), 1)
            check(b.put(f"{RETURNS}/gstr1", headers=as_b, content=small))
            alone.append(time.perf_counter() - start)
        print(f"B's 1-document RETSAVE alone: median {statistics.median(alone) * 1000:,.0f} ms")
        serial = 20_000_000
        for round_, payload in enumerate(big):
            done = threading.Event()
            took: dict[str, float] = {}

            def send_a(
                payload: bytes = payload,
                took: dict[str, float] = took,
                done: threading.Event = done,
            ) -> None:
                start = time.perf_counter()
                check(a.put(f"{RETURNS}/gstr1", headers=as_a, content=payload))
                took["a"] = time.perf_counter() - start
                done.set()

            thread = threading.Thread(target=send_a)
            thread.start()
            time.sleep(0.05)
            waits = []
            while not done.is_set():
                serial += 1
                small = body(B, RB, range(serial, serial + 1), 1)
                start = time.perf_counter()
                check(b.put(f"{RETURNS}/gstr1", headers=as_b, content=small))
                waits.append(time.perf_counter() - start)
                time.sleep(0.1)
            thread.join()
            print(
                f"round {round_ + 1}: A {took['a'] * 1000:,.0f} ms; B × {len(waits)} during it: "
                f"slowest {max(waits) * 1000:,.0f} ms, median "
                f"{statistics.median(waits) * 1000:,.0f} ms · load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
