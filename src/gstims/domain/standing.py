"""Where a stored record stands: in IMS, in a 2B, expired, time-barred (R-IN-5, R-2B-2, R-ACT-4/5).

A record's facts (`Record`) say what the supplier reported; its *standing* says what has
happened to it since: is it the live version of its chain, has a filed GSTR-3B consumed it,
which route it takes (R-IN-5), when it was filed, its 2B period and deadlines, and the
recipient's action. These small predicates decide, from the standing alone, the questions every
use case asks of a lakh of records at once. The store answers the same questions in SQL
(`gstims.store.records.selections`, one named predicate per function here); a property test
holds each pair to the same answer on SQLite and PostgreSQL.

Worked example: an invoice filed on 05-11-2025 with 2B period 102025, Pending, specified=False,
16(4) limit 30-11-2025. On 30-11-2025 it is still open in IMS; on 01-12-2025 the limit is past
(`limit_16_4 < day`), and since it was kept Pending it leaves IMS as time-barred (R-ACT-5,
R-IN-5f): `is_time_barred(standing, date(2025, 12, 1))` is True.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gstims.domain.calendar import Period
from gstims.domain.records import Action, Kind, Route


@dataclass(frozen=True, slots=True)
class Standing:
    """What has happened to a stored record (its row's placement columns)."""

    kind: Kind
    action: Action
    route: Route
    live: bool = True
    consumed: bool = False  # a filed GSTR-3B consumed it (`consumed_in`)
    filed_on: date | None = None  # None: saved by the supplier, not yet filed
    period_2b: Period | None = None
    pending_until: date | None = None
    limit_16_4: date | None = None
    specified: bool = False
    gives_credit_back: bool = False  # a downward amendment of a consumed original (R-IN-7)


def is_open_in_ims(s: Standing) -> bool:
    """R-IN-1, R-IN-5: the record shows in its recipient's IMS (GETINV, GETCNT) — the live
    version of its chain, not yet consumed by a filed GSTR-3B, on the IMS route."""
    return s.live and not s.consumed and s.route is Route.IMS


def is_for_2b(s: Standing, period: Period) -> bool:
    """R-2B-2: a GSTR-2B of `period` reads the live, unconsumed, filed records whose 2B period
    is that period or earlier (an earlier one was held back: Pending, or not yet consumed)."""
    return (
        s.live
        and not s.consumed
        and s.filed_on is not None
        and s.period_2b is not None
        and s.period_2b <= period
    )


def is_pending_expired(s: Standing, day: date) -> bool:
    """R-ACT-4: on `day`, a filed record still Pending after its deadline returns to No action
    (mirrors `actions.pending_expired`; an unfiled record's deadline is always ahead)."""
    return (
        s.action is Action.PENDING
        and s.filed_on is not None
        and s.pending_until is not None
        and s.pending_until < day
        and is_open_in_ims(s)
    )


_TIME_BARRED_UNFILED = frozenset({Kind.INV, Kind.DN, Kind.ECO})


def is_time_barred(s: Standing, day: date) -> bool:
    """R-ACT-5, R-IN-5f: on `day`, past the section 16(4) limit, a record still open in IMS
    leaves it as time-barred when it was kept Pending (a non-specified record) or is an
    invoice, debit note or e-commerce document its supplier never filed — unless it is a
    downward amendment of a consumed original: 16(4) bars taking credit, never giving it back
    (`records.gives_credit_back`)."""
    if s.gives_credit_back:
        return False
    if not is_open_in_ims(s) or s.limit_16_4 is None or not s.limit_16_4 < day:
        return False
    kept_pending = not s.specified and s.action is Action.PENDING
    never_filed = s.filed_on is None and s.kind in _TIME_BARRED_UNFILED
    return kept_pending or never_filed
