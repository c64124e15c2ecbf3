"""Soak: many clients doing everything at once, then every invariant checked (issue 14).

    python bench/soak.py [--backend sqlite|postgres] [--records 100000] [--clients 50]
                         [--seconds 600]

Not in CI, loopback only, bounded by `--seconds` (10 minutes by default). Starts `gstims serve
--sandbox` over a fresh database and seeds it as `bench/api_load.py` does (10 suppliers, 10
recipients, `records` October invoices), moves the clock to 14-11-2024 (the 2Bs are drafted),
then runs `clients` threads. Each loops over a random choice of

    GETINV   a random page of its recipient's IMS
    SAVE     10 records of that page, each to the other action (A <-> R), prev_status as read
    RESET    5 records of that page that carry an action
    GEN2B    its recipient's 2B for October
    LOGIN    a dashboard sign-in with a wrong password (the throttle soon answers 429)

and counts what REQSTS says each SAVE and RESET applied. At the end, read from the database:

- every record holds exactly one state (one row per record key; action one of N A R P);
- the audit trail explains every state: each entry starts from the action the previous one
  left, the last one leaves the record's action, and the clients' entries are no more than
  the actions REQSTS reported applied (a SAVE of the action a record already holds applies
  without an entry, R-ACT-9);
- each recipient's latest 2B: its ITC-available documents carry exactly the IGST of the records
  it holds as accepted or deemed accepted, and as many documents;
- no answer was a 5xx.

Prints p50/p95/max per call (the figures in docs/BENCHMARKS.md) and exits 1 if any invariant
or the 5xx count fails. A benchmark reports; no test asserts a time.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from api_load import PG, RECIPIENTS, RETURNS, Server, Tally, percentile, seed, serve
from gstims.formats.gstr2b_reader import read_gstr2b
from gstims.store.tables import audit_log, gstr2b, records

CALLS = ("GETINV", "SAVE", "RESET", "GEN2B", "LOGIN")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGE = 200


class Applied:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    def add(self, n: int) -> None:
        with self.lock:
            self.count += n


def timed(tally: Tally, call: str, send: Any) -> httpx.Response:
    start = time.perf_counter()
    answer = send()
    tally.add(call, time.perf_counter() - start, answer.status_code)
    if answer.status_code >= 500:
        tally.errors.append(f"{call}: {answer.text[:300]}")
    return answer


def change(http: httpx.Client, tally: Tally, applied: Applied, call: str, body: Any) -> None:
    answer = timed(tally, call, lambda: http.put(f"{RETURNS}/ims", json=body))
    if answer.status_code != 200:
        return
    reference = answer.json()["data"]["reference_id"]
    params = {"action": "REQSTS", "gstin": body["data"]["rtin"], "int_tran_id": reference}
    status = http.get(f"{RETURNS}/ims", params=params).json()["data"]
    applied.add(int(status["proc_cnt"]))


def client(server: Server, recipient: str, token: str, pages: int, deadline: float,
           tally: Tally, applied: Applied, number: int) -> None:  # fmt: skip
    rng = random.Random(number)
    headers = {"auth-token": token, "gstin": recipient}
    web = httpx.Client(base_url=server.url, timeout=120, follow_redirects=False)
    with httpx.Client(base_url=server.url, headers=headers, timeout=120) as http:
        while time.monotonic() < deadline:
            call = rng.choice(CALLS)
            if call == "LOGIN":
                found = TOKEN.search(web.get("/login").text)
                form = {"username": f"user-{number % 5}", "password": "not the password"}
                form["csrf_token"] = found.group(1) if found else ""
                timed(tally, call, lambda form=form: web.post("/login", data=form))
                continue
            if call == "GEN2B":
                body = {"action": "GEN2B", "data": {"rtin": recipient, "itcprd": "102024"}}
                timed(tally, call, lambda body=body: http.put(RETURNS + "/gstr2b", json=body))
                continue
            params = {"action": "GETINV", "gstin": recipient, "section": "b2b"}
            params |= {"page": rng.randint(1, pages), "page_size": PAGE}
            answer = timed(
                tally, "GETINV", lambda params=params: http.get(RETURNS + "/ims", params=params)
            )
            if call == "GETINV" or answer.status_code != 200:
                continue
            page = answer.json()["data"].get("b2b", [])
            if call == "SAVE" and page:
                chosen = rng.sample(page, min(10, len(page)))
                items = [_identity(r) | {"action": "R" if r["action"] == "A" else "A",
                                         "prev_status": r["action"]} for r in chosen]  # fmt: skip
                body = {"action": "SAVE", "data": {"rtin": recipient, "reqtyp": "SAVE",
                                                   "invdata": {"b2b": items}}}  # fmt: skip
                change(http, tally, applied, "SAVE", body)
            acted = [r for r in page if r["action"] != "N"]
            if call == "RESET" and acted:
                items = [_identity(r) | {"prev_status": r["action"]} for r in acted[:5]]
                body = {"action": "RESETIMS", "data": {"rtin": recipient, "reqtyp": "RESET",
                                                       "invdata": {"b2b": items}}}  # fmt: skip
                change(http, tally, applied, "RESET", body)
    web.close()


def _identity(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in ("stin", "inum", "idt", "rtnprd")}


def invariants(database_url: str, applied: int, actors: set[str]) -> list[str]:
    """What does not hold, read straight from the database."""
    broken = []
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        keys = (records.c.supplier, records.c.kind, records.c.number, records.c.fy)
        keys += (records.c.amend_no,)
        twice = sa.select(*keys).group_by(*keys).having(sa.func.count() > 1).subquery()
        doubled = conn.execute(sa.select(sa.func.count()).select_from(twice)).scalar_one()
        if doubled:
            broken.append(f"{doubled} record keys held twice")
        odd = conn.execute(
            sa.select(sa.func.count()).where(records.c.action.not_in(["N", "A", "R", "P"]))
        ).scalar_one()
        if odd:
            broken.append(f"{odd} records in no known state")
        audited = conn.execute(
            sa.select(sa.func.count()).where(audit_log.c.actor.in_(sorted(actors)))
        ).scalar_one()
        if audited > applied:
            broken.append(f"{audited} audit entries for {applied} actions applied")
        broken += _trail_problems(conn)
        latest = (
            sa.select(gstr2b.c.recipient, sa.func.max(gstr2b.c.version).label("v"))
            .where(gstr2b.c.period == 202410)
            .group_by(gstr2b.c.recipient)
            .subquery()
        )
        kept = conn.execute(
            sa.select(gstr2b.c.recipient, gstr2b.c.content, gstr2b.c.members)
            .join(
                latest,
                (latest.c.recipient == gstr2b.c.recipient) & (latest.c.v == gstr2b.c.version),
            )
            .where(gstr2b.c.period == 202410)
        )
        for recipient, content, members in kept:
            held = [*members.get("A", []), *members.get("N", [])]
            igst = conn.execute(
                sa.select(sa.func.coalesce(sa.func.sum(records.c.igst), 0)).where(
                    records.c.id.in_(held)
                )
            ).scalar_one()
            docs = [d for d in read_gstr2b(content).documents if d.part == "docdata"]
            shown = sum(int(d.tax.igst * 100) for d in docs)
            if (shown, len(docs)) != (int(igst), len(held)):
                broken.append(f"2B of {recipient}: {len(docs)} documents, IGST {shown} paise; "
                              f"members {len(held)}, IGST {igst} paise")  # fmt: skip
    engine.dispose()
    return broken


def _trail_problems(conn: sa.Connection) -> list[str]:
    """Each record's audit trail explains its state: every entry starts from the action the
    previous one left (the first from N), and the last leaves the action the record holds."""
    held = dict(conn.execute(sa.select(records.c.id, records.c.action)).tuples().all())
    trail = conn.execute(
        sa.select(audit_log.c.record_id, audit_log.c.old_action, audit_log.c.new_action).order_by(
            audit_log.c.id
        )
    )
    last: dict[int, str] = {}
    broken = 0
    for record_id, old, new in trail:
        if last.get(record_id, "N") != old:
            broken += 1
        last[record_id] = new
    broken += sum(1 for record_id, action in held.items() if last.get(record_id, "N") != action)
    return [f"{broken} audit entries or records the trail does not explain"] if broken else []


def run(backend: str, records_: int, clients: int, seconds: float) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="gstims-soak-"))
    schema = None
    if backend == "postgres":
        schema = f"soak_{uuid.uuid4().hex[:10]}"
        with sa.create_engine(PG).begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        database_url = PG + ("&" if "?" in PG else "?") + f"options=-csearch_path%3D{schema}"
    else:
        database_url = f"sqlite:///{workdir / 'gstims.db'}"
    server = serve(database_url, workdir)
    try:
        tokens = seed(server, records_)
        admin = {"admin-token": server.admin}
        httpx.put(server.url + "/sandbox/v1/clock", json={"today": "14-11-2024"}, headers=admin,
                  timeout=600).raise_for_status()  # fmt: skip
        pages = max(1, records_ // len(RECIPIENTS) // PAGE)
        tally, applied = Tally(), Applied()
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(target=client, args=(server, RECIPIENTS[i % 10],
                             tokens[RECIPIENTS[i % 10]], pages, deadline, tally, applied, i))
            for i in range(clients)
        ]  # fmt: skip
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
    finally:
        server.stop()
    broken = invariants(database_url, applied.count, set(RECIPIENTS))
    if schema is not None:
        with sa.create_engine(PG).begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    print(f"\n{backend}: {records_:,} records, {clients} clients, {elapsed:.0f} s")
    print("| call | requests | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for call, values in sorted(tally.latencies.items()):
        p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
        print(f"| {call} | {len(values):,} | {p50:,.0f} | {p95:,.0f} | {max(values) * 1000:,.0f} |")
    print(f"\nstatuses: {dict(sorted(tally.statuses.items()))}; 5xx: {server_errors}")
    print(f"actions applied: {applied.count:,}; invariants broken: {broken or 'none'}")
    for error in tally.errors[:5]:
        print("  error:", error)
    return 1 if server_errors or broken else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600)
    args = parser.parse_args()
    sys.exit(run(args.backend, args.records, args.clients, args.seconds))


if __name__ == "__main__":
    main()
