"""The GST calendar: periods, due dates, 2B windows, 16(4) limits and eras."""

from datetime import date

import pytest

from gstims.domain.calendar import (
    Era,
    Frequency,
    Period,
    PeriodError,
    era_of,
    first_period,
    gstr1_due,
    gstr2b_date,
    gstr3b_due,
    record_2b_month,
    record_2b_period,
    rule_37a_date,
    section_16_4_limit,
    window,
)

M, Q = Frequency.MONTHLY, Frequency.QUARTERLY


def p(code: str) -> Period:
    return Period.parse(code)


def test_a_period_reads_and_writes_mmyyyy():
    assert p("102024") == Period(2024, 10)
    assert str(Period(2025, 3)) == "032025"
    assert p("122024").next() == p("012025")
    assert p("012025").prev() == p("122024")


@pytest.mark.parametrize("bad", ["13-2024", "132024", "002025", "1024", "ab2024"])
def test_a_malformed_period_is_refused_with_a_reason(bad):
    with pytest.raises(PeriodError):
        Period.parse(bad)


def test_financial_years_run_april_to_march():
    assert p("032025").financial_year == 2024
    assert p("042025").financial_year == 2025


def test_a_quarter_is_named_by_its_last_month():
    assert p("102025").quarter_end == p("122025")
    assert p("042025").quarter_end == p("062025")


def test_r_cal_1_gstr1_is_due_on_the_11th_and_iff_and_quarterly_gstr1_on_the_13th():
    """Rule: R-CAL-1."""
    assert gstr1_due(p("112024"), M) == date(2024, 12, 11)
    assert gstr1_due(p("102025"), Q) == date(2025, 11, 13)
    assert gstr1_due(p("122025"), Q) == date(2026, 1, 13)


def test_r_cal_1_gstr3b_due_dates_by_frequency_and_state_group():
    """Rule: R-CAL-1."""
    assert gstr3b_due(p("112025"), M, "29") == date(2025, 12, 20)
    assert gstr3b_due(p("122025"), Q, "27") == date(2026, 1, 22)
    assert gstr3b_due(p("122025"), Q, "09") == date(2026, 1, 24)


def test_r_cal_2_gstr2b_is_drafted_on_the_14th_of_the_next_month():
    """Rule: R-CAL-2."""
    assert gstr2b_date(p("112024")) == date(2024, 12, 14)
    assert gstr2b_date(p("122025")) == date(2026, 1, 14)


def test_r_cal_3_the_16_4_limit_is_30_november_after_the_financial_year():
    """Rule: R-CAL-3."""
    assert section_16_4_limit(date(2025, 3, 31)) == date(2025, 11, 30)
    assert section_16_4_limit(date(2025, 4, 1)) == date(2026, 11, 30)


def test_r_cal_4_the_first_period_is_never_before_october_2024():
    """Rule: R-CAL-4."""
    assert first_period(date(2023, 5, 1), M) == p("102024")
    assert first_period(date(2025, 8, 5), Q) == p("092025")


def test_eras_follow_the_2b_period():
    assert era_of(p("092025")) is Era.E1
    assert era_of(p("102025")) is Era.E2
    assert era_of(p("102024")) is Era.E1


def test_r_2b_2_a_record_filed_by_the_due_date_falls_in_its_own_month():
    """Rule: R-2B-2."""
    assert record_2b_month(p("112024"), date(2024, 12, 10), 11) == p("112024")
    assert record_2b_month(p("112024"), date(2024, 12, 11), 11) == p("112024")


def test_r_2b_2_a_record_filed_late_falls_in_the_window_holding_its_filing_date():
    """Rule: R-2B-2."""
    assert record_2b_month(p("112024"), date(2024, 12, 12), 11) == p("122024")
    assert record_2b_month(p("092025"), date(2025, 10, 11), 11) == p("092025")
    assert record_2b_month(p("102025"), date(2025, 11, 10), 11) == p("102025")


def test_r_2b_2_a_record_is_never_in_a_2b_before_its_supplier_period():
    """Rule: R-2B-2."""
    # GSTR-1A for 10-2025 filed on 05-11 (before the GSTR-1 due date): still 102025
    assert record_2b_month(p("102025"), date(2025, 11, 5), 11) == p("102025")


def test_r_2b_2_a_quarterly_recipient_takes_the_union_of_three_monthly_windows():
    """Rule: R-2B-2."""
    assert record_2b_period(p("102025"), date(2025, 11, 10), 11, Q) == p("122025")
    assert record_2b_period(p("122025"), date(2026, 1, 11), 11, Q) == p("122025")


def test_r_2b_2_windows_are_open_at_the_start_and_closed_at_the_end():
    """Rule: R-2B-2."""
    assert window(p("112024"), 11) == (date(2024, 11, 11), date(2024, 12, 11))


def test_r_2b_8_rule_37a_date_is_30_september_after_the_financial_year():
    """Rule: R-2B-8."""
    assert rule_37a_date(p("032025")) == date(2025, 9, 30)
    assert rule_37a_date(p("042025")) == date(2026, 9, 30)
