"""Issue 13's single-recipient goals, measured through the HTTP API at a lakh.

    python bench/http_api.py [--backend sqlite|postgres|both] [--records 100000] [--batch 1000]
                         [--tree SRC ...] [--rounds 1]

For each tree (`--tree` names a `src` directory; default: this worktree's) and backend, one
`gstims serve --sandbox` subprocess on 127.0.0.1 over a fresh database (a temporary SQLite
file, or a throwaway PostgreSQL schema) with `PYTHONPATH` set to that tree, and one supplier
and one recipient. Timed at the client, wall time over loopback, bodies encoded beforehand:

- ingest: `records / batch` RETSAVEs of `batch` invoices each (every amount different), one
  after another, on the plain API (`/plain/taxpayerapi/...`);
- bare insert: the very rows those RETSAVEs stored, read back and inserted by ONE bare
  `executemany` into an index-less copy of the records table (`bench/cycle.py`'s baseline:
  no validation, no indexes, no HTTP, no JSON) — the floor an ingest is compared with;
- SAVE of half the records (Accept, `prev_status` N) in one request;
- GEN2B of the month (after the clock reached the 14th, which drafted it once untimed);
- GETCNT: the first after the GEN2B, and the median of the next 5;
- GETINV pages 1 and 50 of 1,000;
- GETCNT first after a SAVE of 10 actions, the records vacuumed before it on PostgreSQL (what
  autovacuum does; this test server runs with it off): the steady state of a served IMS.

Several `--tree`s are run alternately, round by round, so "before" and "after" share the
machine's load. A benchmark reports; no test asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from api_load import PG, RETURNS, Server, check, gstin, serve
from cycle import baseline
from gstims.codec import to_json_bytes
from gstims.store.db import Database
from gstims.store.tables import records

S = gstin("27AAAPS1000A1Z")
R = gstin("29AAAPR2000B1Z")
JSON = {"content-type": "application/json"}


def invoice(i: int) -> dict[str, Any]:
    """Invoice i: every amount different (identical ones would flatter per-value caches)."""
    paise = 50_000 + i * 7_919 % 5_000_000
    igst = (paise * 18 + 50) // 100
    return {
        "inum": f"INV-{i}",
        "idt": "10-10-2024",
        "val": _rupees(paise + igst),
        "pos": "29",
        "rchrg": "N",
        "inv_typ": "R",
        "itms": [
            {
                "num": 1,
                "itm_det": {
                    "rt": 18,
                    "txval": _rupees(paise),
                    "iamt": _rupees(igst),
                    "camt": 0,
                    "samt": 0,
                    "csamt": 0,
                },
            }
        ],
    }


def _rupees(paise: int) -> Any:
    from decimal import Decimal

    return Decimal(paise).scaleb(-2)


def retsave_bodies(records_: int, batch: int) -> list[bytes]:
    return [
        to_json_bytes(
            {
                "action": "RETSAVE",
                "data": {
                    "gstin": S,
                    "fp": "102024",
                    "b2b": [
                        {
                            "ctin": R,
                            "inv": [invoice(i) for i in range(start, min(start + batch, records_))],
                        }
                    ],
                },
            }
        )
        for start in range(0, records_, batch)
    ]


def save_body(numbers: range) -> bytes:
    items = [
        {
            "stin": S,
            "inum": f"INV-{i}",
            "idt": "10-10-2024",
            "action": "A",
            "prev_status": "N",
        }
        for i in numbers
    ]
    body = {"action": "SAVE", "data": {"rtin": R, "reqtyp": "SAVE", "invdata": {"b2b": items}}}
    return to_json_bytes(body)


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def imports_from(tree: str) -> str:
    """Where `gstims` comes from with PYTHONPATH=tree (a copy must import itself, not us)."""
    env = {**os.environ, "PYTHONPATH": tree}
    code = "import gstims; print(gstims.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def run_once(tree: str, backend: str, records_: int, batch: int) -> dict[str, float]:
    workdir = Path(tempfile.mkdtemp(prefix="gstims-http-"))
    schema = None
    if backend == "postgres":
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with sa.create_engine(PG).begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = PG + ("&" if "?" in PG else "?") + f"options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{workdir / 'gstims.db'}"
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = tree
    try:
        server = serve(url, workdir)
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved
    try:
        return measure(server, url, records_, batch)
    finally:
        server.stop()
        if schema is not None:
            with sa.create_engine(PG).begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def measure(server: Server, url: str, records_: int, batch: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    with httpx.Client(
        base_url=server.url, headers={"admin-token": server.admin}, timeout=600
    ) as admin:
        for number in (S, R):
            body = {"gstin": number, "legal_name": number, "filing_frequency": "M"}
            check(admin.post("/sandbox/v1/taxpayers", json=body))
        tokens = {
            number: check(
                admin.post("/sandbox/v1/users", json={"name": number, "gstins": [number]})
            )["token"]
            for number in (S, R)
        }
        check(admin.put("/sandbox/v1/clock", json={"today": "01-11-2024"}))
        bodies = retsave_bodies(records_, batch)
        as_s = {"auth-token": tokens[S], "gstin": S, **JSON}
        as_r = {"auth-token": tokens[R], "gstin": R, **JSON}
        with httpx.Client(base_url=server.url, timeout=600) as http:

            def ingest() -> None:
                for body in bodies:
                    check(http.put(f"{RETURNS}/gstr1", headers=as_s, content=body))

            figures["ingest"] = timed(ingest)
            db = Database(url)
            with db.engine.connect() as conn:
                rows = [dict(r) for r in conn.execute(sa.select(records)).mappings()]
            assert len(rows) == records_, len(rows)
            figures["bare"] = baseline(db, rows)
            db.engine.dispose()
            filing = {"action": "RETFILE", "data": {"gstin": S, "ret_period": "102024"}}
            figures["file"] = timed(
                lambda: check(http.post(f"{RETURNS}/gstr1", headers=as_s, json=filing))
            )
            body = save_body(range(0, records_, 2))
            figures["save"] = timed(
                lambda: check(http.put(f"{RETURNS}/ims", headers=as_r, content=body))
            )
            check(admin.put("/sandbox/v1/clock", json={"today": "14-11-2024"}))
            gen = {"action": "GEN2B", "data": {"rtin": R, "itcprd": "102024"}}
            figures["gen2b"] = timed(
                lambda: check(http.put(f"{RETURNS}/gstr2b", headers=as_r, json=gen))
            )
            query = {"action": "GETCNT", "gstin": R}

            def getcnt() -> float:
                return timed(lambda: check(http.get(f"{RETURNS}/ims", headers=as_r, params=query)))

            figures["getcnt_first"] = getcnt()
            figures["getcnt"] = statistics.median(getcnt() for _ in range(5))
            for page in (1, 50):
                listing = {"action": "GETINV", "gstin": R, "page": page, "page_size": 1000}
                figures[f"getinv_{page}"] = timed(
                    lambda q=listing: check(http.get(f"{RETURNS}/ims", headers=as_r, params=q))
                )
            # a small change once autovacuum has passed (PostgreSQL: VACUUM ANALYZE as it
            # would, this test server running without it), then the first GETCNT after it
            vacuumed(url)
            small = save_body(range(1, 21, 2))  # 10 records still at No action
            check(http.put(f"{RETURNS}/ims", headers=as_r, content=small))
            figures["getcnt_change"] = getcnt()
    return figures


def vacuumed(url: str) -> None:
    """PostgreSQL: what autovacuum does after the writes (visibility map, statistics)."""
    if url.startswith("sqlite"):
        return
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE records"))
    engine.dispose()


LABELS = {
    "ingest": "RETSAVE ingest over HTTP",
    "bare": "bare insert (executemany)",
    "ratio": "ingest ÷ bare insert",
    "file": "RETFILE GSTR-1",
    "save": "SAVE (half the records)",
    "gen2b": "GEN2B",
    "getcnt_first": "GETCNT (first after the GEN2B)",
    "getcnt": "GETCNT (median of the next 5)",
    "getinv_1": "GETINV page 1 (1,000)",
    "getinv_50": "GETINV page 50 (1,000)",
    "getcnt_change": "GETCNT (first after a SAVE of 10)",
}


def show(tree: str, backend: str, figures: dict[str, float]) -> None:
    print(f"{backend} · {tree} · load {os.getloadavg()[0]:.1f}", flush=True)
    figures["ratio"] = figures["ingest"] / figures["bare"]
    for key, label in LABELS.items():
        value = figures[key]
        text = f"{value:.2f}×" if key == "ratio" else f"{value * 1000:,.0f} ms"
        print(f"  {label:<30} {text:>12}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--tree", action="append", help="a src directory (repeatable)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    trees = args.tree or [str(Path(__file__).resolve().parent.parent / "src")]
    for tree in trees:
        print(f"{tree}: imports {imports_from(tree)}", flush=True)
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    for round_ in range(args.rounds):
        for backend in backends:
            for tree in trees:
                print(f"round {round_ + 1}", end=" · ")
                show(tree, backend, run_once(tree, backend, args.records, args.batch))


if __name__ == "__main__":
    main()
