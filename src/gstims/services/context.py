"""What every use case needs: the unit of work, the clock's today, the actor."""

from __future__ import annotations

import functools
import gc
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import insert, literal, select, update

from gstims.domain.calendar import FIRST_PERIOD, Frequency, Period
from gstims.domain.sequence import FilingFacts
from gstims.services.errors import NotFound
from gstims.services.rows import period_int, period_of
from gstims.store.bulk import in_values, insert_rows
from gstims.store.db import UnitOfWork
from gstims.store.tables import audit_log, records, returns, taxpayers

P = ParamSpec("P")
T = TypeVar("T")
SYSTEM = "system"


def new_reference() -> str:
    return uuid.uuid4().hex[:20].upper()


@dataclass(frozen=True, slots=True)
class Taxpayer:
    gstin: str
    legal_name: str
    trade_name: str | None
    state: str
    frequency: Frequency
    registered_on: date

    @property
    def first_month(self) -> Period:
        return max(Period.of(self.registered_on), FIRST_PERIOD)


def taxpayer(uow: UnitOfWork, gstin: str) -> Taxpayer:
    row = uow.conn.execute(select(taxpayers).where(taxpayers.c.gstin == gstin)).mappings().first()
    if row is None:
        raise NotFound("GSTIMS404", f"GSTIN {gstin} is not registered")
    return _taxpayer(row)


def taxpayers_by_gstin(uow: UnitOfWork, gstins: Iterable[str]) -> dict[str, Taxpayer]:
    wanted = sorted(set(gstins))
    found: dict[str, Taxpayer] = {}
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        rows = uow.conn.execute(select(taxpayers).where(taxpayers.c.gstin.in_(chunk))).mappings()
        found.update((r["gstin"], _taxpayer(r)) for r in rows)
    return found


def _taxpayer(row: Mapping[str, Any]) -> Taxpayer:
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
    rows = uow.conn.execute(
        select(returns.c.gstin, returns.c.form, returns.c.period).where(
            in_values(uow.conn, returns.c.gstin, sorted(tps)), returns.c.status == "filed"
        )
    )
    for gstin, form, period in rows:
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
) -> Mapping[str, Any] | None:
    return (
        uow.conn.execute(
            select(returns).where(
                returns.c.gstin == gstin,
                returns.c.form == form,
                returns.c.period == period_int(period),
            )
        )
        .mappings()
        .first()
    )


def ims_version(uow: UnitOfWork, recipient: str) -> int:
    """How many times the recipient's IMS records have changed: a snapshot of what a page showed."""
    found = uow.conn.execute(
        select(taxpayers.c.ims_version).where(taxpayers.c.gstin == recipient)
    ).scalar_one_or_none()
    return int(found or 0)


def bump_ims_version(uow: UnitOfWork, recipients: Iterable[str]) -> None:
    wanted = sorted(set(recipients))
    for start in range(0, len(wanted), 1000):
        uow.conn.execute(
            update(taxpayers)
            .where(taxpayers.c.gstin.in_(wanted[start : start + 1000]))
            .values(ims_version=taxpayers.c.ims_version + 1)
        )


def write_audit(uow: UnitOfWork, entries: list[dict[str, Any]]) -> None:
    """R-ACT-11: one append-only entry per change of action (one bulk INSERT)."""
    insert_rows(uow.conn, audit_log, entries)


def write_audit_of(
    uow: UnitOfWork,
    record_ids: Sequence[int],
    old_action: str,
    new_action: str,
    *,
    actor: str,
    day: date,
    at: datetime,
    remarks: str | None = None,
    request_id: str | None = None,
    note: str | None = None,
) -> None:
    """R-ACT-11 for records that made the same change: their entries, as `audit_entry` makes
    them, by ONE `INSERT ... SELECT` that copies each record's identity from its row (a lakh
    of entries without a lakh of rows shipped)."""
    common = {
        "at": at,
        "day": day,
        "actor": actor,
        "old_action": old_action,
        "new_action": new_action,
        "remarks": remarks,
        "request_id": request_id,
        "note": note,
    }
    copied = [records.c[c] for c in _AUDIT_IDENTITY] + [records.c.id]
    entries = select(
        *copied, *(literal(value, audit_log.c[name].type) for name, value in common.items())
    ).where(in_values(uow.conn, records.c.id, record_ids))
    columns = [*_AUDIT_IDENTITY, "record_id", *common]
    uow.conn.execute(insert(audit_log).from_select(columns, entries))


_AUDIT_IDENTITY = ("recipient", "supplier", "kind", "number", "fy")  # a record's, on its entry


def audit_entry(
    row: Mapping[str, Any],
    new_action: str,
    *,
    actor: str,
    day: date,
    remarks: str | None = None,
    request_id: str | None = None,
    note: str | None = None,
    old_action: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The entry of a change of the row's record: from the row's action unless `old_action`
    is given, stamped now unless `at` is."""
    return {
        "recipient": row["recipient"],
        "at": at or datetime.now(),
        "day": day,
        "actor": actor,
        "record_id": row["id"],
        "supplier": row["supplier"],
        "kind": row["kind"],
        "number": row["number"],
        "fy": row["fy"],
        "old_action": row["action"] if old_action is None else old_action,
        "new_action": new_action,
        "remarks": remarks,
        "request_id": request_id,
        "note": note,
    }


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
