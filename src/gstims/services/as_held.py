"""Filing a GSTR-3B consumes each record as the 2B held it (R-3B-3, R-2B-5).

Between the 2B that holds a record and the 3B that consumes it, two things besides an action
or a declaration (which `gstr3b` puts back) can change the record:

- the daily time-bar (R-ACT-5) can take it out of IMS, when the recipient turned it Pending
  after the 2B: `restore_routes` puts it back in IMS (`route_as_held`), with an audit entry,
  so that it gives the ITC the filed Table 4 counted for it;
- a supplier's amendment (GSTR-1 / GSTR-1A, R-IN-7) can replace it, so that it is no longer
  live: the 3B still consumes it, and `measure_successors` then points each later version of
  its chain at it — the amendment becomes an amendment of a consumed original, measured
  against what that original actually gave, and its derived columns (section, route,
  specified, pending deadline) follow. A downward one that the time-bar took out of IMS as
  an unfiled replacement comes back: it now gives credit back, which 16(4) never bars.

Example (issue 12, case 1): INV-1 of 1,800 deemed accepted into the 2B of 102024 (14-11) is
raised to 3,600 by a GSTR-1A filed on 16-11; the 3B of 102024 filed on 18-11 consumes INV-1
with its 1,800, and the amendment then counts +1,800 in the 2B of 112024, not +3,600.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from gstims.domain.gstr3b import route_as_held
from gstims.domain.records import Action, Route, gives_credit_back
from gstims.domain.taxpayer import Taxpayer
from gstims.services.context import SYSTEM
from gstims.services.supplier_rows import derived_columns, original_columns_of
from gstims.store.db import UnitOfWork
from gstims.store.records.audit import entry as audit_entry
from gstims.store.records.mapping import ORIGINAL_COLUMNS, record_of

_Chain = tuple[str, str, str, int]  # supplier, kind, number, financial year


def restore_routes(
    uow: UnitOfWork, tp: Taxpayer, members: Mapping[str, list[int]], today: date
) -> None:
    """Records the 2B held in IMS and the time-bar took out since go back to IMS (R-3B-3)."""
    restored, audit = [], []
    for held, ids in members.items():
        if held == Action.PENDING.value:
            continue
        for row in uow.consumption.held_time_barred(tp.gstin, ids):
            if route_as_held(record_of(row), Route.TIME_BARRED, Action(held)) is Route.IMS:
                restored.append({"id": row["id"], "route": Route.IMS.value, "time_barred": False})
                note = "back in IMS as the filed 2B held it (time-barred after that 2B)"
                audit.append(audit_entry(row, row["action"], actor=SYSTEM, day=today, note=note))
    uow.consumption.write(restored)
    uow.audit.write(audit)


def superseded(uow: UnitOfWork, tp: Taxpayer, members: Mapping[str, list[int]]) -> list[int]:
    """The records the 2B held that an amendment has replaced since (no longer live)."""
    return uow.consumption.superseded(tp.gstin, [i for held in members.values() for i in held])


def measure_successors(uow: UnitOfWork, tp: Taxpayer, consumed: Sequence[int], today: date) -> None:
    """Point the later, unconsumed versions of each consumed record's chain at it (R-2B-5)."""
    if not consumed:
        return
    originals: dict[_Chain, dict[str, Any]] = {
        _chain(row): row for row in uow.consumption.rows(consumed)
    }
    candidates = uow.consumption.later_versions(
        tp.gstin,
        suppliers=sorted({chain[0] for chain in originals}),
        numbers=sorted({chain[2] for chain in originals}),
    )
    changed = []
    for row in candidates:
        original = originals.get(_chain(row))
        if original is None or row["amend_no"] <= original["amend_no"]:
            continue
        values = {**row, **original_columns_of(original)}
        if values["time_barred"] and gives_credit_back(record_of(values)):
            values["time_barred"] = False  # barred at the limit as a replacement, it no longer is
        changed.append({**_columns(values), **derived_columns(values, tp, today)})
    uow.consumption.write(changed)


def _columns(values: Mapping[str, Any]) -> dict[str, Any]:
    return {c: values[c] for c in ("id", "time_barred", *ORIGINAL_COLUMNS)}


def _chain(row: Mapping[Any, Any]) -> _Chain:
    return (row["supplier"], row["kind"], row["number"], row["fy"])
