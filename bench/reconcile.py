"""Benchmark: reconcile 1 lakh books documents against 1 lakh portal documents (R-REC-21).

Run: `.venv/bin/python bench/reconcile.py [count] [naive_count] [--backend both]` (defaults
100000, 2000, both).

The portal side is `count` documents from 2,000 suppliers; the books side is the same
purchases as a register would hold them, with realistic noise: numbers written another way
(`INV/00042/24-25` as `inv-42`), rounding of up to ₹0.50, value mismatches, a supplier
reporting under another state's GSTIN of its PAN, dates a few days off, documents missing on
either side, credit notes, and a tenth of the documents split into two item rows (summed by
`documents_from_rows`, R-REC-3). It then times, in one process:

1. rows → books documents (R-REC-3);
2. the matcher (`reconcile`), every result explained (R-REC-9 … R-REC-17);
3. the results as a run keeps them: JSON, zlib-compressed (what `recon_runs.results` holds);

and, on a `naive_count` × `naive_count` sample, a naive nested-loop matcher (first-come
pairing, every books row against every portal row, as the peer does), extrapolated to
`count` × `count` by its quadratic growth. Peak memory is the process's peak RSS.

Then the goal itself, through the use case (`bench/reconcile_stored.py`, on SQLite and
PostgreSQL): a lakh of filed records and the register made of them, imported; then
`run_reconciliation` — read, match, explain, suggest, store, commit — timed in a child
process with its own peak RSS and CPU time.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import resource
import time
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from gstims.codec import document_bytes
from gstims.domain.gstin import make_gstin
from gstims.domain.money import Tax, money
from gstims.domain.reconcile.books import RegisterRow, documents_from_rows
from gstims.domain.reconcile.matcher import reconcile, shown
from gstims.domain.reconcile.model import Document, Result, Tolerance
from gstims.domain.reconcile.numbers import normalise
from gstims.domain.reconcile.volume import cycle_collector_paused
from gstims.domain.records import Kind, Route
from reconcile_stored import stored_runs  # bench/, beside this script

T = TypeVar("T")
RECIPIENT = "29AABCR1718E1ZL"
START = date(2024, 10, 1)
COLUMNS = {f: f for f in ("supplier_gstin", "number", "date", "kind", "taxable")}


def _supplier(n: int, state: str = "27") -> str:
    return str(make_gstin(state, f"AAPFU{n:04d}F"))


@functools.cache
def _supplier_cached(n: int, state: str) -> str:
    return _supplier(n, state)


def synthetic(count: int, seed: int = 2025) -> tuple[list[RegisterRow], list[Document]]:
    """The portal documents and the register rows of the same purchases, with noise."""
    rnd = random.Random(seed)
    rows: list[RegisterRow] = []
    portal: list[Document] = []
    for n in range(count):
        supplier = _supplier_cached(n % 2000, "27")
        kind = Kind.CN if n % 25 == 0 else Kind.INV
        day = START + timedelta(days=n % 30)
        taxable = money(Decimal(rnd.randint(10_000, 5_000_000)) / 100)
        igst = money(taxable * Decimal("0.18"))
        number = f"INV/{n:05d}/24-25"
        portal.append(
            Document(
                str(n),
                RECIPIENT,
                supplier,
                kind,
                number,
                day,
                taxable,
                Tax(igst=igst),
                route=Route.IMS,
                section="b2b",
            )
        )
        noise = rnd.random()
        if noise < 0.02:
            continue  # only in the portal
        b_number, b_supplier, b_day, b_taxable, b_igst = number, supplier, day, taxable, igst
        if noise < 0.30:
            b_number = f"inv-{n}"
        elif noise < 0.40:
            b_igst = igst + money("0.50")
        elif noise < 0.42:
            b_igst = igst + money(100)
        elif noise < 0.425:
            b_supplier = _supplier_cached(n % 2000, "24")
        elif noise < 0.455:
            b_day = day + timedelta(days=3)
        sign = "-" if kind is Kind.CN else ""
        parts = 2 if noise > 0.9 else 1
        for part in range(parts):
            share = (
                money(b_taxable / parts)
                if part < parts - 1
                else b_taxable - money(b_taxable / parts) * (parts - 1)
            )
            tax = (
                money(b_igst / parts)
                if part < parts - 1
                else b_igst - money(b_igst / parts) * (parts - 1)
            )
            rows.append(
                RegisterRow(
                    len(rows) + 2,
                    {
                        "supplier_gstin": b_supplier,
                        "number": b_number,
                        "date": f"{b_day:%d-%m-%Y}",
                        "kind": "Credit Note" if kind is Kind.CN else "Invoice",
                        "taxable": f"{sign}{share}",
                        "igst": f"{sign}{tax}",
                    },
                )
            )
    for n in range(count // 50):  # only in the books
        rows.append(
            RegisterRow(
                len(rows) + 2,
                {
                    "supplier_gstin": _supplier(n % 2000),
                    "number": f"BK-{n}",
                    "date": f"{START:%d-%m-%Y}",
                    "taxable": "1000",
                    "igst": "180",
                },
            )
        )
    return rows, portal


def naive(books: Sequence[Document], portal: Sequence[Document]) -> int:
    """First-come pairing in nested loops, as the peer does: every books row × every portal."""
    taken: set[int] = set()
    paired = 0
    for b in books:
        b_number = normalise(b.number, b.doc_date)
        for j, p in enumerate(portal):
            if j in taken or p.supplier != b.supplier or p.kind is not b.kind:
                continue
            if normalise(p.number, p.doc_date) == b_number and abs(p.tax.total - b.tax.total) <= 1:
                taken.add(j)
                paired += 1
                break
    return paired


def kept(results: Sequence[Result]) -> bytes:
    """The results as a run keeps them: JSON of every explanation, compressed."""
    document: list[dict[str, Any]] = [
        {
            "outcome": r.outcome.value,
            "pass": r.decided_by.value,
            "reason": r.reason,
            "books": [
                {"ref": d.ref, "number": d.number, "date": shown(d.doc_date)} for d in r.books
            ],
            "portal": [
                {"id": d.ref, "number": d.number, "date": shown(d.doc_date)} for d in r.portal
            ],
            "differences": [
                {
                    "field": d.field,
                    "books": d.books,
                    "portal": d.portal,
                    "delta": d.delta,
                    "tolerance": d.tolerance,
                }
                for d in r.differences
            ],
            "taxable_delta": r.taxable_delta + 0,
            "tax_delta": r.tax_delta + 0,
        }
        for r in results
    ]
    return zlib.compress(document_bytes(document), 1)


def kept_paused(results: Sequence[Result]) -> bytes:
    with cycle_collector_paused():
        return kept(results)


def timed(label: str, fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<58} {seconds:8.2f} s")
    return value, seconds


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(count: int, naive_count: int) -> None:
    (rows, portal), _ = timed(
        f"generate {count:,} portal documents and the register", lambda: synthetic(count)
    )
    print(f"{'register rows':<58} {len(rows):8,}")
    before = peak_mb()
    (summed, problems), t_rows = timed(
        "rows → books documents (R-REC-3)", lambda: documents_from_rows(RECIPIENT, rows, COLUMNS)
    )
    assert not problems, problems[:3]
    books = [b.document for b in summed]
    results, t_match = timed(
        f"match {len(books):,} × {len(portal):,}, every result explained",
        lambda: reconcile(books, portal, Tolerance()),
    )
    blob, t_keep = timed("keep the run: JSON, compressed", lambda: kept_paused(results))
    total = t_rows + t_match + t_keep
    print(f"{'total (rows, match, keep)':<58} {total:8.2f} s")
    print(f"{'peak RSS before / after':<58} {before:6.0f} / {peak_mb():6.0f} MB")
    print(f"{'kept run size':<58} {len(blob) / 1e6:8.1f} MB")
    for outcome, n in Counter(r.outcome.value for r in results).most_common():
        print(f"  {outcome:<30} {n:8,}")
    sample_b, sample_p = books[:naive_count], portal[:naive_count]
    _, t_naive = timed(
        f"naive nested loops {len(sample_b):,} × {len(sample_p):,}",
        lambda: naive(sample_b, sample_p),
    )
    _, t_ours = timed(
        f"matcher on the same {len(sample_b):,} × {len(sample_p):,}",
        lambda: reconcile(sample_b, sample_p),
    )
    scale = (count / naive_count) ** 2
    print(f"{'naive, extrapolated to the lakh (quadratic)':<58} {t_naive * scale / 3600:8.2f} h")
    print(
        f"{'matcher, sample scaled linearly to the lakh':<58} {t_ours * count / naive_count:8.2f} s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int, nargs="?", default=100_000)
    parser.add_argument("naive_count", type=int, nargs="?", default=2_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both", "none"], default="both")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    main(args.count, args.naive_count)
    if args.backend != "none":
        print("\nThe same goal through the use case, stored (bench/reconcile_stored.py):")
        stored_runs(args.count, args.backend)
