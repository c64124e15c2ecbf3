"""Each named SQL predicate of `store.records.selections` selects exactly the records its
domain rule (`gstims.domain.standing`) accepts — on SQLite and PostgreSQL.

Random standings are stored as rows of `records`; each predicate is run over them and compared
with the Python rule asked of every standing (R-IN-5, R-2B-2, R-ACT-4, R-ACT-5/R-IN-5f).
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from gstims.domain.calendar import Period
from gstims.domain.records import Action, Kind, Route
from gstims.domain.standing import (
    Standing,
    is_for_2b,
    is_open_in_ims,
    is_pending_expired,
    is_time_barred,
)
from gstims.store.bulk import insert_rows
from gstims.store.records import selections
from gstims.store.records.mapping import period_int
from gstims.store.tables import records

R = "27AAPFU0939F1ZV"
START = date(2025, 10, 1)
_days = st.integers(0, 2).map(lambda n: START + timedelta(days=n))
_periods = st.sampled_from([Period(2025, 9), Period(2025, 10), Period(2025, 11)])

_mostly = st.sampled_from([True, True, True, False])  # most records are live, few consumed
standings = st.builds(
    Standing,
    kind=st.sampled_from(list(Kind)),
    action=st.sampled_from(list(Action)),
    route=st.sampled_from([Route.IMS] * len(Route) + list(Route)),  # IMS half the time
    live=_mostly,
    consumed=_mostly.map(lambda b: not b),
    filed_on=st.none() | _days,
    period_2b=_periods,
    pending_until=st.none() | _days,
    limit_16_4=st.none() | _days,
    specified=st.booleans(),
    gives_credit_back=st.booleans(),
)


def _row(i: int, s: Standing) -> dict:
    return {
        "recipient": R,
        "supplier": "29AABCU9603R1ZJ" if i % 2 else "",
        "kind": s.kind.value,
        "number": f"N{i}",
        "fy": 2025,
        "live": s.live,
        "origin": "R1",
        "source_period": 202510,
        "supplier_frequency": "M",
        "doc_number": f"N{i}",
        "doc_date": START,
        "pos": "27",
        "hash": "0" * 64,
        "route": s.route.value,
        "period_2b": period_int(s.period_2b or Period(2025, 10)),
        "specified": s.specified,
        "action": s.action.value,
        "filed_on": s.filed_on,
        "pending_until": s.pending_until,
        "limit_16_4": s.limit_16_4,
        "consumed_in": 202510 if s.consumed else None,
        # an amendment of a consumed original: downward (gives credit back) or upward
        "orig_number": f"O{i}",
        "orig_date": START,
        "orig_consumed": True,
        "igst": 900 if s.gives_credit_back else 3600,
        "orig_igst": 1800,
        "orig_cgst": 0,
        "orig_sgst": 0,
        "orig_cess": 0,
    }


def _selected(db, where) -> set[int]:
    with db.uow(write=False) as uow:
        return {n for (n,) in uow.conn.execute(select(records.c.number).where(where))}


@settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(standings, min_size=10, max_size=40), day=_days, period=_periods)
def test_every_selection_selects_what_its_domain_rule_accepts(db, rows, day, period) -> None:
    with db.transaction() as uow:
        uow.conn.execute(delete(records))
        insert_rows(uow.conn, records, [_row(i, s) for i, s in enumerate(rows)])

    def accepted(rule) -> set[str]:
        return {f"N{i}" for i, s in enumerate(rows) if rule(s)}

    assert _selected(db, selections.open_in_ims(R)) == accepted(is_open_in_ims)
    assert _selected(db, selections.for_2b(R, period)) == accepted(lambda s: is_for_2b(s, period))
    assert _selected(db, selections.pending_expired(day)) == accepted(
        lambda s: is_pending_expired(s, day)
    )
    assert _selected(db, selections.time_barred(day)) == accepted(lambda s: is_time_barred(s, day))
