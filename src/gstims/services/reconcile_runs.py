"""Stored reconciliation runs as the API, the CLI and the pages read them (R-REC-13, R-REC-22).

A run is a snapshot (`recon_runs`): its parameters, its summary per outcome and every result
with its suggestion. `get_run` answers only a run of one of the caller's GSTINs; a run of
another GSTIN is "not found", never "forbidden", so its existence does not leak.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from gstims.domain.errors import RECON404
from gstims.services.errors import NotFound
from gstims.store.db import UnitOfWork

MAX_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Run:
    """A stored run: its parameters, summary and results as the API shows them."""

    id: int
    gstin: str
    gstins: list[str]
    periods: list[str]
    parameters: dict[str, Any]
    summary: dict[str, Any]
    results: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Latest:
    """A GSTIN's latest run, without its results: what a summary across GSTINs shows."""

    gstin: str
    run_id: int
    periods: list[str]
    created_at: datetime
    summary: dict[str, Any]


def recent_runs(uow: UnitOfWork, gstin: str, count: int = 10) -> Sequence[Any]:
    """The GSTIN's latest runs, newest first: (id, periods, created_at)."""
    return uow.recon.recent(gstin, count)


def latest_runs(uow: UnitOfWork, gstins: Sequence[str]) -> list[Latest]:
    """Each of these GSTINs' latest run (summary only), in one query; none for a GSTIN never run."""
    return [
        Latest(r.gstin, r.id, list(r.periods), r.created_at, dict(r.summary))
        for r in uow.recon.latest(gstins)
    ]


def get_run(uow: UnitOfWork, run_id: int, gstins: Sequence[str] | None = None) -> Run:
    """A stored run; `gstins` (the caller's) must hold the run's own GSTIN."""
    if not 0 < run_id <= MAX_ID:  # a number no run can have (and past PostgreSQL's INTEGER)
        raise NotFound(RECON404, f"no reconciliation run {run_id}")
    row = uow.recon.run(run_id)
    if row is None or (gstins is not None and row["gstin"] not in gstins):
        raise NotFound(RECON404, f"no reconciliation run {run_id}")
    return Run(
        row["id"],
        row["gstin"],
        list(row["gstins"]),
        list(row["periods"]),
        dict(row["parameters"]),
        dict(row["summary"]),
        list(row["results"]),
    )


def run_json(run: Run) -> dict[str, Any]:
    """R-REC-22: the run as the API and `--json` give it."""
    return {
        "id": run.id,
        "gstin": run.gstin,
        "gstins": run.gstins,
        "periods": run.periods,
        "parameters": run.parameters,
        "summary": run.summary,
        "results": run.results,
    }


# -- across GSTINs: a CA user's or a PAN's page (R-REC-14, R-REC-20) --------------------------

GROUPS: dict[str, tuple[str, ...]] = {
    "matched": (
        "matched",
        "matched_within_tolerance",
        "matched_number_format",
        "matched_date_differs",
        "matched_clubbed",
    ),
    "mismatch": (
        "value_mismatch",
        "tax_type_mismatch",
        "other_gstin_same_pan",
        "reported_to_other_gstin",
    ),
    "review": (
        "probable_similar_number",
        "probable_amount_only",
        "ambiguous",
        "financial_year_differs",
        "booked_later",
    ),
    "only_in_portal": ("only_in_portal",),
    "only_in_books": ("only_in_books",),
}


@dataclass(frozen=True, slots=True)
class Tile:
    """An outcome's count and tax, books and portal, over several runs (credit notes net)."""

    count: int
    books_tax: Decimal
    portal_tax: Decimal


@dataclass(frozen=True, slots=True)
class GstinLine:
    """One GSTIN of a PAN: its latest run (None: never reconciled) and counts by group."""

    gstin: str
    latest: Latest | None
    groups: dict[str, int]
    itc_at_risk: Decimal  # the books' tax of what only the books hold


@dataclass(frozen=True, slots=True)
class PanGroup:
    pan: str
    tiles: dict[str, Tile]
    lines: list[GstinLine]


def pan_of(gstin: str) -> str:
    """R-REC-5: a GSTIN's PAN is its characters 3 to 12."""
    return gstin[2:12]


def overview(uow: UnitOfWork, gstins: Sequence[str]) -> list[PanGroup]:
    """R-REC-20: the latest run of each of these GSTINs (the caller's grants), grouped by PAN,
    with outcome tiles summed per PAN; one query of summaries, no results read."""
    latest = {run.gstin: run for run in latest_runs(uow, gstins)}
    by_pan: dict[str, list[str]] = defaultdict(list)
    for gstin in sorted(set(gstins)):
        by_pan[pan_of(gstin)].append(gstin)
    return [_pan_group(pan, members, latest) for pan, members in sorted(by_pan.items())]


def _pan_group(pan: str, members: list[str], latest: dict[str, Latest]) -> PanGroup:
    sums: dict[str, list[Any]] = {}
    lines = []
    for gstin in members:
        run = latest.get(gstin)
        summary = run.summary if run else {}
        for outcome, t in summary.items():
            row = sums.setdefault(outcome, [0, Decimal(0), Decimal(0)])
            row[0] += t["count"]
            row[1] += Decimal(t["books_tax"])
            row[2] += Decimal(t["portal_tax"])
        groups = {
            group: sum(summary.get(o, {}).get("count", 0) for o in outcomes)
            for group, outcomes in GROUPS.items()
        }
        at_risk = Decimal(summary.get("only_in_books", {}).get("books_tax", 0))
        lines.append(GstinLine(gstin, run, groups, at_risk))
    tiles = {outcome: Tile(*sums[outcome]) for outcome in sorted(sums)}
    return PanGroup(pan, tiles, lines)
