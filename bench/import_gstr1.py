"""Benchmark: import a GSTR-1 JSON file of a million documents in bounded memory.

    python bench/import_gstr1.py [--documents 1000000] [--recipients 100]
                                 [--backend sqlite|postgres] [--keep DIR]

Writes a synthetic GSTR-1 (supplier 27AAPFU0939F1ZV, October 2024: b2b invoices at 18 % IGST
and one credit note in ten, spread over `--recipients` registered recipients) as a stream,
registers the taxpayers, then runs `gstims import gstr1` in a child process and reports its
wall time and peak resident memory (`getrusage(RUSAGE_CHILDREN).ru_maxrss`). The child's
progress lines are shown as they come. A benchmark reports; no test asserts a time.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from gstims.domain.calendar import Frequency
from gstims.domain.gstin import make_gstin
from gstims.services import clock, taxpayers
from gstims.store.db import Database

SUPPLIER = "27AAPFU0939F1ZV"
PG = os.environ.get("GSTIMS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
STATES = ["29", "24", "07", "33", "09", "19", "36", "06", "32", "08"]


def recipients(count: int) -> list[str]:
    return [str(make_gstin(STATES[i % len(STATES)], f"AABCR{i:04d}E")) for i in range(count)]


def write_gstr1(path: Path, documents: int, parties: list[str]) -> None:
    """The file, written a document at a time: b2b invoices, then cdnr credit notes."""
    notes = documents // 10
    invoices = documents - notes
    with path.open("w", encoding="utf-8") as out:
        out.write(f'{{"gstin":"{SUPPLIER}","fp":"102024","version":"GST3.1.6","hash":"hash",')
        _section(out, "b2b", "inv", invoices, parties, _invoice)
        out.write(",")
        _section(out, "cdnr", "nt", notes, parties, _note)
        out.write("}")


def _section(out, name: str, key: str, count: int, parties: list[str], make) -> None:
    per = -(-count // len(parties))
    out.write(f'"{name}":[')
    written = 0
    for index, ctin in enumerate(parties):
        share = min(per, count - written)
        if share <= 0:
            break
        out.write(("," if index else "") + f'{{"ctin":"{ctin}","{key}":[')
        out.write(",".join(make(written + i, ctin[:2]) for i in range(share)))
        out.write("]}")
        written += share
    out.write("]")


def _invoice(n: int, pos: str) -> str:
    day = 1 + n % 28
    return (
        f'{{"inum":"INV-{n}","idt":"{day:02d}-10-2024","val":11800.00,"pos":"{pos}",'
        '"rchrg":"N","inv_typ":"R","itms":[{"num":1,"itm_det":{"rt":18,"txval":10000.00,'
        '"iamt":1800.00,"camt":0,"samt":0,"csamt":0}}]}'
    )


def _note(n: int, pos: str) -> str:
    day = 1 + n % 28
    return (
        f'{{"ntty":"C","nt_num":"CN-{n}","nt_dt":"{day:02d}-10-2024","val":1180.00,'
        f'"pos":"{pos}","rchrg":"N","inv_typ":"R","itms":[{{"num":1,"itm_det":{{"rt":18,'
        '"txval":1000.00,"iamt":180.00,"camt":0,"samt":0,"csamt":0}}]}'
    )


def prepare(url: str, parties: list[str]) -> None:
    db = Database(url)
    db.migrate()
    with db.transaction() as uow:
        taxpayers.set_start_date(uow, date(2024, 10, 1))
    for gstin in [SUPPLIER, *parties]:
        with db.transaction() as uow:
            taxpayers.register_taxpayer(uow, gstin, gstin, Frequency.MONTHLY, date(2024, 10, 1))
    with db.transaction() as uow:
        clock.advance_clock(uow, date(2024, 11, 1))
    db.dispose()


def run(url: str, path: Path) -> tuple[float, float, float]:
    """The import in a child process: (seconds, seconds of the checking pass, peak MiB)."""
    command = [sys.executable, "-c", "from gstims.cli_files import app; app()"]
    command += ["import", "gstr1", str(path), "--database-url", url]
    start = time.perf_counter()
    checked = 0.0
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True) as child:
        assert child.stderr is not None
        for line in child.stderr:
            print(line, end="", file=sys.stderr)
            if line.startswith("checking: 100%"):
                checked = time.perf_counter() - start
    if child.returncode:
        raise SystemExit(f"the import failed with exit status {child.returncode}")
    took = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return took, checked, peak_kib / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--recipients", type=int, default=100)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--keep", type=Path, help="Write the file and database here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gstims-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"GSTR-1-{SUPPLIER}-102024.json"
    parties = recipients(args.recipients)
    start = time.perf_counter()
    write_gstr1(path, args.documents, parties)
    size = path.stat().st_size
    print(
        f"file: {args.documents:,} documents, {size / 2**20:,.0f} MiB, written in "
        f"{time.perf_counter() - start:.1f} s"
    )
    schema = None
    if args.backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
        Path(folder / "bench.db").unlink(missing_ok=True)
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = PG + ("&" if "?" in PG else "?") + f"options=-csearch_path%3D{schema}"
    try:
        prepare(url, parties)
        took, checked, peak = run(url, path)
    finally:
        if schema is not None:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    print(
        f"import ({args.backend}): {took:,.1f} s (checking {checked:,.1f} s, storing "
        f"{took - checked:,.1f} s), {args.documents / took:,.0f} documents/s, "
        f"peak RSS {peak:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
