"""What every use case needs: the unit of work, the clock's today, the actor."""

from __future__ import annotations

import functools
import gc
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from gstims.domain.calendar import Frequency, Period
from gstims.domain.errors import GSTIMS404
from gstims.domain.sequence import FilingFacts
from gstims.domain.taxpayer import Taxpayer
from gstims.services.errors import NotFound
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import period_of

P = ParamSpec("P")
T = TypeVar("T")
SYSTEM = "system"


def new_reference() -> str:
    return uuid.uuid4().hex[:20].upper()


def taxpayer(uow: UnitOfWork, gstin: str) -> Taxpayer:
    row = uow.taxpayers.find(gstin)
    if row is None:
        raise NotFound(GSTIMS404, f"GSTIN {gstin} is not registered")
    return _taxpayer(row)


def taxpayers_by_gstin(uow: UnitOfWork, gstins: Iterable[str]) -> dict[str, Taxpayer]:
    return {row["gstin"]: _taxpayer(row) for row in uow.taxpayers.by_gstin(gstins)}


def taxpayers_after(uow: UnitOfWork, after: str | None, limit: int) -> list[Taxpayer]:
    """The next `limit` taxpayers in GSTIN order after `after`: a batch, by keyset."""
    return taxpayers_of(uow.taxpayers.page(after, limit))


def taxpayers_of(rows: Iterable[Mapping[Any, Any]]) -> list[Taxpayer]:
    return [_taxpayer(row) for row in rows]


def _taxpayer(row: Mapping[Any, Any]) -> Taxpayer:
    return Taxpayer(
        row["gstin"],
        row["legal_name"],
        row["trade_name"],
        row["state"],
        Frequency(row["frequency"]),
        row["registered_on"],
    )


def filing_facts(uow: UnitOfWork, tp: Taxpayer) -> FilingFacts:
    return filing_facts_of(uow, {tp.gstin: tp})[tp.gstin]


def filing_facts_of(uow: UnitOfWork, tps: Mapping[str, Taxpayer]) -> dict[str, FilingFacts]:
    """Each taxpayer's filed returns, by one query (the clock asks it of every taxpayer)."""
    filed: dict[str, dict[str, set[Period]]] = {
        g: {"GSTR1": set(), "GSTR1A": set(), "GSTR3B": set()} for g in tps
    }
    for gstin, form, period in uow.returns.filed(sorted(tps)):
        filed[gstin].setdefault(form, set()).add(period_of(period))
    return {
        g: FilingFacts(
            tp.frequency,
            tp.first_month,
            frozenset(filed[g]["GSTR1"]),
            frozenset(filed[g]["GSTR1A"]),
            frozenset(filed[g]["GSTR3B"]),
        )
        for g, tp in tps.items()
    }


def return_status(
    uow: UnitOfWork, gstin: str, form: str, period: Period
) -> Mapping[Any, Any] | None:
    return uow.returns.status(gstin, form, period)


def ims_version(uow: UnitOfWork, recipient: str) -> int:
    """How many times the recipient's IMS records have changed: a snapshot of what a page showed."""
    return uow.taxpayers.ims_version(recipient)


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = True


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a lakh of acyclic objects are made.

    Counted, so overlapping requests (server threads) resume it only when the last one ends,
    and only if it was running before the first began.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def gc_paused(fn: Callable[P, T]) -> Callable[P, T]:
    """Run a bulk use case with the cyclic collector paused (see `cyclic_gc_paused`)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with cyclic_gc_paused():
            return fn(*args, **kwargs)

    return wrapper
