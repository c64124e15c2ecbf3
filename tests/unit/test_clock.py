"""The sandbox clock's schedule (R-CAL-5, R-CLK)."""

from datetime import date

import pytest

from gstims.domain.clock import DAILY_ORDER, ClockError, Event, schedule


def test_r_cal_5_moving_the_clock_runs_each_day_after_today_through_the_target():
    """Rule: R-CAL-5."""
    runs = schedule(date(2024, 11, 13), date(2024, 11, 15))
    assert [d for d, _ in runs] == [date(2024, 11, 14)] * 4 + [date(2024, 11, 15)] * 4


def test_r_clk_events_run_in_the_rules_order_each_day():
    runs = schedule(date(2024, 11, 13), date(2024, 11, 14))
    assert [e for _, e in runs] == [
        Event.PENDING_EXPIRY,
        Event.TIME_BAR,
        Event.RULE_37A,
        Event.GSTR2B_DRAFTS,
    ]
    assert tuple(e for _, e in runs) == DAILY_ORDER


def test_r_cal_5_moving_to_the_day_already_reached_runs_nothing():
    """Rule: R-CAL-5."""
    assert schedule(date(2024, 11, 14), date(2024, 11, 14)) == []


def test_r_cal_5_the_clock_never_moves_back():
    """Rule: R-CAL-5."""
    with pytest.raises(ClockError, match="forward only"):
        schedule(date(2024, 11, 14), date(2024, 11, 13))
