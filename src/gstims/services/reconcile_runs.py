"""Stored reconciliation runs as the API, the CLI and the pages read them (R-REC-13, R-REC-22).

A run is a snapshot (`recon_runs`): its parameters, its summary per outcome and every result
with its suggestion. `get_run` answers only a run of one of the caller's GSTINs; a run of
another GSTIN is "not found", never "forbidden", so its existence does not leak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
        raise NotFound("RECON404", f"no reconciliation run {run_id}")
    row = uow.recon.run(run_id)
    if row is None or (gstins is not None and row["gstin"] not in gstins):
        raise NotFound("RECON404", f"no reconciliation run {run_id}")
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
