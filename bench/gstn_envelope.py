"""What the GSTN protocol's envelope costs: GETINV of 10,000 records and a SAVE of 50,000,
plain JSON against the encrypted protocol, on one served gstims in one run.

    python bench/gstn_envelope.py [--records 50000] [--page 10000] [--rounds 3]
                                  [--backend sqlite|postgres]

Starts `gstims serve --sandbox` on a fresh database, files `records` October invoices from 5
suppliers to one recipient R, then, alternating plain and encrypted each round:

- GETINV of one page of `page` records (`/plain/...` with `auth-token`, and the protocol's
  GETINV with the same `page_size`, its answer opened: rek, AES, HMAC checked, base64, JSON);
- a SAVE of all `records` records (plain: Accept; encrypted: Reject, each with the
  `prev_status` the record has), its REQSTS checked to be `P` with every record processed.

Reports the wall time of each call as the client sees it (median over rounds), and how much
of the encrypted call's time the client's own crypto took. A benchmark reports; no test
asserts a time. Only 127.0.0.1 is called.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' GSTN client

from tests.api.gstn_client import GstnClient, aes, hmac_b64

from api_load import PG, RETURNS, check, gstin, invoices, serve

SUPPLIERS = [gstin(f"27AAAPS{3000 + i:04d}A1Z") for i in range(5)]
R = gstin("29AAAPR4000B1Z")


def seed(url: str, admin_token: str, records: int) -> tuple[str, dict[str, Any]]:
    admin = httpx.Client(base_url=url, headers={"admin-token": admin_token}, timeout=900)
    for number in [*SUPPLIERS, R]:
        check(
            admin.post(
                "/sandbox/v1/taxpayers",
                json={"gstin": number, "legal_name": number, "filing_frequency": "M"},
            )
        )
    tokens = {
        n: check(admin.post("/sandbox/v1/users", json={"name": n, "gstins": [n]}))["token"]
        for n in [*SUPPLIERS, R]
    }
    check(admin.put("/sandbox/v1/clock", json={"today": "01-11-2024"}))
    with httpx.Client(base_url=url, timeout=900) as client:
        for s, supplier in enumerate(SUPPLIERS):
            headers = {"auth-token": tokens[supplier], "gstin": supplier}
            docs = invoices(s, 0, records // len(SUPPLIERS))
            body = {"action": "RETSAVE", "data": {"gstin": supplier, "fp": "102024"}}
            body["data"]["b2b"] = [{"ctin": R, "inv": docs}]
            check(client.put(f"{RETURNS}/gstr1", headers=headers, json=body))
            filing = {"action": "RETFILE", "data": {"gstin": supplier, "ret_period": "102024"}}
            check(client.post(f"{RETURNS}/gstr1", headers=headers, json=filing))
    credentials = check(admin.post("/sandbox/v1/gstn/clients", json={"name": "bench"}))
    credentials["certificate"] = admin.get("/gstims/v1/gstn-certificate.pem").content
    admin.close()
    return tokens[R], credentials


def timed(work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


class CryptoClock(GstnClient):
    """The GSTN client, timing its own encryption and decryption."""

    crypto_seconds: float = 0.0

    def opened(self, response: httpx.Response) -> Any:
        started = time.perf_counter()
        try:
            return super().opened(response)
        finally:
            self.crypto_seconds += time.perf_counter() - started


def save_body(records: list[dict[str, Any]], action: str) -> dict[str, Any]:
    items = [
        {
            "stin": r["stin"],
            "inum": r["inum"],
            "idt": r["idt"],
            "action": action,
            "prev_status": r["action"],
        }
        for r in records
    ]
    return {"rtin": R, "reqtyp": "SAVE", "invdata": {"b2b": items}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--page", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="gstims-gstn-bench-"))
    schema = None
    if args.backend == "sqlite":
        database_url = f"sqlite:///{workdir / 'bench.db'}"
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with sa.create_engine(PG).begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        database_url = f"{PG}?options=-csearch_path%3D{schema}"
    server = serve(database_url, workdir)
    try:
        run(server.url, server.admin, args)
    finally:
        server.stop()
        if schema:
            with sa.create_engine(PG).begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def run(url: str, admin_token: str, args: argparse.Namespace) -> None:
    seeded, (token, credentials) = timed(lambda: seed(url, admin_token, args.records))
    print(f"seeded {args.records:,} records for R in {seeded:.1f} s")
    plain = httpx.Client(base_url=url, timeout=900, headers={"auth-token": token, "gstin": R})
    gstn = CryptoClock(
        url,
        credentials["client_id"],
        credentials["client_secret"],
        credentials["certificate"],
        username=R,
        gstin=R,
    )
    gstn.otp_request()
    gstn.auth_token_with("575757")
    rounds = [one_round(plain, gstn, args.page, args.records) for _ in range(args.rounds)]
    gstn.close()
    plain.close()
    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    print(f"\n{args.rounds} rounds, median wall time per call as the client sees it:")
    for call, records in (("getinv", args.page), ("save", args.records)):
        p, g = median[f"{call} plain"], median[f"{call} gstn"]
        print(
            f"  {call.upper():6} {records:>6,} records: plain {p:6.2f} s   encrypted {g:6.2f} s"
            f"   (+{g - p:5.2f} s, x{g / p:4.2f}; client crypto {median[f'crypto {call}']:.2f} s)"
        )


def one_round(plain: httpx.Client, gstn: CryptoClock, page: int, records: int) -> dict[str, float]:
    out: dict[str, float] = {}
    query = {"action": "GETINV", "gstin": R, "page_size": page}
    out["getinv plain"], data = timed(lambda: check(plain.get(f"{RETURNS}/ims", params=query)))
    assert sum(map(len, data.values())) == page
    gstn.crypto_seconds = 0.0
    out["getinv gstn"], answer = timed(
        lambda: gstn.get("returns/ims", action="GETINV", page_size=page)
    )
    assert sum(map(len, answer.ok().values())) == page
    out["crypto getinv"] = gstn.crypto_seconds

    body = {"action": "SAVE", "data": save_body(everything(plain), "A")}
    out["save plain"], saved = timed(lambda: check(plain.put(f"{RETURNS}/ims", json=body)))
    assert_processed(plain, saved["reference_id"], records)

    payload = save_body(everything(plain), "R")
    out["crypto save"], _ = timed(lambda: seal(gstn.sek, payload))  # the client's share alone
    out["save gstn"], answer = timed(lambda: gstn.send("PUT", "returns/ims", "SAVE", payload))
    assert_processed(plain, answer.ok()["reference_id"], records)
    return out


def everything(plain: httpx.Client) -> list[dict[str, Any]]:
    data = check(plain.get(f"{RETURNS}/ims", params={"action": "GETINV", "gstin": R}))
    return data["b2b"]


def seal(sek: bytes, payload: Any) -> tuple[bytes, str]:
    text = base64.b64encode(json.dumps(payload).encode())
    return aes(sek, text), hmac_b64(sek, text)


def assert_processed(plain: httpx.Client, reference: str, records: int) -> None:
    status = check(
        plain.get(
            f"{RETURNS}/ims", params={"action": "REQSTS", "gstin": R, "int_tran_id": reference}
        )
    )
    assert (status["status_cd"], int(status["proc_cnt"])) == ("P", records), status


if __name__ == "__main__":
    main()
