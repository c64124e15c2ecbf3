"""Where a stored record stands (R-IN-5, R-2B-2, R-ACT-4, R-ACT-5): the domain's predicates."""

from datetime import date

from gstims.domain.actions import Code, cannot_act
from gstims.domain.calendar import Period
from gstims.domain.records import Action, Kind, Route
from gstims.domain.standing import (
    Standing,
    is_for_2b,
    is_open_in_ims,
    is_pending_expired,
    is_time_barred,
)

FILED = Standing(
    Kind.INV,
    Action.NO_ACTION,
    Route.IMS,
    filed_on=date(2025, 11, 5),
    period_2b=Period(2025, 10),
    limit_16_4=date(2025, 11, 30),
)


def test_a_live_unconsumed_ims_record_is_open_in_ims_and_nothing_else_is() -> None:  # R-IN-5
    assert is_open_in_ims(FILED)
    assert not is_open_in_ims(Standing(Kind.INV, Action.NO_ACTION, Route.IMS, live=False))
    assert not is_open_in_ims(Standing(Kind.INV, Action.NO_ACTION, Route.IMS, consumed=True))
    assert not is_open_in_ims(Standing(Kind.INV, Action.NO_ACTION, Route.REVERSE_CHARGE))


def test_a_2b_reads_filed_records_of_its_period_and_earlier_only() -> None:  # R-2B-2
    assert is_for_2b(FILED, Period(2025, 10))
    assert is_for_2b(FILED, Period(2025, 11))  # held back, not yet consumed
    assert not is_for_2b(FILED, Period(2025, 9))
    unfiled = Standing(Kind.INV, Action.NO_ACTION, Route.IMS, period_2b=Period(2025, 10))
    assert not is_for_2b(unfiled, Period(2025, 10))


def test_pending_expires_the_day_after_its_deadline() -> None:  # R-ACT-4
    pending = Standing(
        Kind.CN,
        Action.PENDING,
        Route.IMS,
        filed_on=date(2025, 11, 10),
        period_2b=Period(2025, 10),
        pending_until=date(2025, 12, 20),
        specified=True,
    )
    assert not is_pending_expired(pending, date(2025, 12, 20))
    assert is_pending_expired(pending, date(2025, 12, 21))
    unfiled = Standing(Kind.CN, Action.PENDING, Route.IMS, pending_until=date(2025, 12, 20))
    assert not is_pending_expired(unfiled, date(2026, 1, 1))


def test_past_the_16_4_limit_a_pending_or_never_filed_invoice_is_time_barred() -> None:
    # R-ACT-5, R-IN-5f: the limit is 30-11-2025; the record leaves IMS on 01-12-2025
    pending = Standing(
        Kind.INV,
        Action.PENDING,
        Route.IMS,
        filed_on=date(2025, 11, 5),
        limit_16_4=date(2025, 11, 30),
    )
    assert not is_time_barred(pending, date(2025, 11, 30))
    assert is_time_barred(pending, date(2025, 12, 1))
    accepted = Standing(
        Kind.INV,
        Action.ACCEPT,
        Route.IMS,
        filed_on=date(2025, 11, 5),
        limit_16_4=date(2025, 11, 30),
    )
    assert not is_time_barred(accepted, date(2025, 12, 1))
    never_filed = Standing(Kind.DN, Action.NO_ACTION, Route.IMS, limit_16_4=date(2025, 11, 30))
    assert is_time_barred(never_filed, date(2025, 12, 1))
    credit_note = Standing(Kind.CN, Action.NO_ACTION, Route.IMS, limit_16_4=date(2025, 11, 30))
    assert not is_time_barred(credit_note, date(2025, 12, 1))


def test_no_action_applies_to_a_consumed_record_or_one_off_the_ims_route() -> None:
    # R-3B-3: consumed first; R-IN-5: each non-IMS route says why
    consumed = cannot_act(True, Route.REVERSE_CHARGE)
    assert consumed is not None and consumed.code is Code.CONSUMED
    rcm = cannot_act(False, Route.REVERSE_CHARGE)
    assert rcm is not None and rcm.code is Code.NOT_IN_IMS and "R-IN-5a" in rcm.message
    isd = cannot_act(False, Route.ISD)
    assert isd is not None and isd.message == "the record is not in IMS"
    assert cannot_act(False, Route.IMS) is None
