"""Named SQL predicates over `records`: each the set-based twin of a domain rule.

A use case that asks a question of a lakh of records asks it here, once, in SQL; the domain
says the same rule for one record. Each predicate names the function it mirrors, and
`tests/integration/test_selections.py` holds every pair to the same answer on SQLite and
PostgreSQL (a hypothesis property test over random standings).

    predicate                 mirrors (gstims.domain)            rule
    open_in_ims(r)            standing.is_open_in_ims            R-IN-1, R-IN-5
    in_section(s)             records.SECTION_KIND / section     R-IN-2
    for_2b(r, p)              standing.is_for_2b                 R-2B-2
    pending_expired(d)        standing.is_pending_expired        R-ACT-4
    time_barred(d)            standing.is_time_barred            R-ACT-5, R-IN-5f
    gives_credit_back()       records.gives_credit_back          R-IN-7, R-2B-5
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, not_, or_

from gstims.domain.calendar import Period
from gstims.domain.records import SECTION_KIND, Action, Kind, Route, Section
from gstims.store.records.mapping import period_int
from gstims.store.tables import records

_c = records.c


def open_in_ims(recipient: str | None = None) -> Any:
    """The live, unconsumed records on the IMS route (of `recipient`, when given)."""
    clause = and_(_c.live.is_(True), _c.consumed_in.is_(None), _c.route == Route.IMS.value)
    return clause if recipient is None else and_(_c.recipient == recipient, clause)


def in_section(section: Section) -> Any:
    """The records an IMS section lists: by kind, whether they amend a consumed original, and
    for bills of entry whether the supplier is a SEZ unit."""
    kind, amends_consumed, sez = SECTION_KIND[section]
    clauses = [_c.kind == kind.value]
    if amends_consumed:
        clauses.append(_c.orig_consumed.is_(True))
    else:
        clauses.append(func.coalesce(_c.orig_consumed, False).is_(False))
    if kind is Kind.BOE:
        clauses.append(_c.supplier != "" if sez else _c.supplier == "")
    return and_(*clauses)


def for_2b(recipient: str | None, period: Period) -> Any:
    """The records a GSTR-2B of `period` reads (R-2B-2)."""
    clause = and_(
        _c.live.is_(True),
        _c.consumed_in.is_(None),
        _c.filed_on.is_not(None),
        _c.period_2b <= period_int(period),
    )
    return clause if recipient is None else and_(_c.recipient == recipient, clause)


def pending_expired(day: date) -> Any:
    """The filed records still Pending after their R-ACT-4 deadline, on `day`."""
    return and_(
        _c.action == Action.PENDING.value,
        _c.filed_on.is_not(None),  # an unfiled record's deadline is always ahead
        _c.pending_until < day,
        open_in_ims(),
    )


def pending_due(day: date, until: date) -> Any:
    """The filed records Pending whose R-ACT-4 deadline falls from `day` to `until`: they
    turn back to No action when it passes (`pending_expired` the day after)."""
    return and_(
        _c.action == Action.PENDING.value,
        _c.filed_on.is_not(None),
        _c.pending_until >= day,
        _c.pending_until <= until,
        open_in_ims(),
    )


def gives_credit_back() -> Any:
    """The downward amendments of consumed originals: their total tax is below the
    original's (R-IN-7 `Record.direction`); 16(4) never bars giving credit back."""
    return and_(
        _c.orig_number.is_not(None),
        _c.orig_consumed.is_(True),
        _c.igst + _c.cgst + _c.sgst + _c.cess
        < _c.orig_igst + _c.orig_cgst + _c.orig_sgst + _c.orig_cess,
    )


def time_barred(day: date) -> Any:
    """The records that leave IMS as time-barred on `day` (R-ACT-5, R-IN-5f); a downward
    amendment of a consumed original stays."""
    return and_(
        open_in_ims(),
        not_(gives_credit_back()),
        _c.limit_16_4 < day,
        or_(
            and_(_c.specified.is_(False), _c.action == Action.PENDING.value),
            and_(
                _c.filed_on.is_(None),
                _c.kind.in_([Kind.INV.value, Kind.DN.value, Kind.ECO.value]),
            ),
        ),
    )
