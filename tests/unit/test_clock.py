"""The sandbox clock's schedule (R-CAL-5, R-CLK)."""

from datetime import date

import pytest

from gstims.domain.clock import (
    DAILY_ORDER,
    ClockError,
    Event,
    checked_on,
    rule_37a_deadline,
    schedule,
)


def test_r_cal_5_moving_the_clock_runs_each_day_after_today_through_the_target():
    """Rule: R-CAL-5."""
    runs = schedule(date(2024, 11, 13), date(2024, 11, 15))
    assert [d for d, _ in runs] == [date(2024, 11, 14)] * len(DAILY_ORDER) + [
        date(2024, 11, 15)
    ] * len(DAILY_ORDER)


def test_r_clk_events_run_in_the_rules_order_each_day():
    runs = schedule(date(2024, 11, 13), date(2024, 11, 14))
    assert [e for _, e in runs] == [
        Event.PENDING_EXPIRY,
        Event.TIME_BAR,
        Event.RULE_37A,
        Event.GSTR2B_DRAFTS,
        Event.AUTO_RULES,
    ]
    assert tuple(e for _, e in runs) == DAILY_ORDER


def test_r_cal_5_moving_to_the_day_already_reached_runs_nothing():
    """Rule: R-CAL-5."""
    assert schedule(date(2024, 11, 14), date(2024, 11, 14)) == []


def test_r_cal_5_the_clock_never_moves_back():
    """Rule: R-CAL-5."""
    with pytest.raises(ClockError, match="forward only"):
        schedule(date(2024, 11, 14), date(2024, 11, 13))


def test_r_clk_a_by_day_x_deadline_is_checked_on_day_x_plus_1():
    """Rule: R-CLK, R-2B-8 — a filing ON the deadline day is in time: the check comes after."""
    assert checked_on(date(2025, 9, 30)) == date(2025, 10, 1)
    assert checked_on(date(2025, 11, 30)) == date(2025, 12, 1)


def test_r_2b_8_the_rule_37a_check_of_fy_2024_25_runs_on_1_october_2025():
    """Rule: R-2B-8, R-CLK — 30-09-2025 is checked on 01-10-2025, and no other day."""
    assert rule_37a_deadline(date(2025, 10, 1)) == date(2025, 9, 30)
    assert rule_37a_deadline(date(2025, 9, 30)) is None
    assert rule_37a_deadline(date(2025, 10, 2)) is None
