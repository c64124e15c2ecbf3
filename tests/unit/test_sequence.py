"""Filing sequences (R-SEQ-1..3, R-IN-3, R-2B-1, R-CAL-4)."""

from datetime import date

from gstims.domain.calendar import Frequency, Period
from gstims.domain.sequence import (
    FilingFacts,
    gen2b_refusal,
    gstr1_refusal,
    gstr1a_refusal,
    gstr3b_refusal,
)

M, Q = Frequency.MONTHLY, Frequency.QUARTERLY
p = Period.parse


def facts(freq=M, first="102024", r1=(), r1a=(), b3=()):
    return FilingFacts(
        freq,
        p(first),
        frozenset(map(p, r1)),
        frozenset(map(p, r1a)),
        frozenset(map(p, b3)),
    )


def test_r_seq_1_gstr1_only_after_the_period_ends():
    """Rule: R-SEQ-1."""
    assert gstr1_refusal(facts(), p("102024"), date(2024, 10, 31)).code == "RET0003"
    assert gstr1_refusal(facts(), p("102024"), date(2024, 11, 1)) is None


def test_r_seq_1_gstr1_needs_the_previous_gstr1_and_previous_3b():
    """Rule: R-SEQ-1."""
    assert gstr1_refusal(facts(), p("112024"), date(2024, 12, 5)).code == "RET0004"
    f = facts(r1=["102024"])
    assert gstr1_refusal(f, p("112024"), date(2024, 12, 5)).code == "RET0005"
    f = facts(r1=["102024"], b3=["102024"])
    assert gstr1_refusal(f, p("112024"), date(2024, 12, 5)) is None


def test_r_seq_1_a_quarterly_taxpayers_iff_needs_the_previous_quarters_3b():
    """Rule: R-SEQ-1."""
    f = facts(Q, r1=["102024", "112024", "122024"])
    assert gstr1_refusal(f, p("012025"), date(2025, 2, 3)).code == "RET0005"
    f = facts(Q, r1=["102024", "112024", "122024"], b3=["122024"])
    assert gstr1_refusal(f, p("012025"), date(2025, 2, 3)) is None
    # month 2 of the quarter: the previous return period is still 122024
    f2 = facts(Q, r1=["102024", "112024", "122024", "012025"], b3=["122024"])
    assert gstr1_refusal(f2, p("022025"), date(2025, 3, 3)) is None


def test_r_seq_1_a_quarterly_gstr1_needs_no_iff_only_the_previous_quarters_gstr1():
    """Rule: R-SEQ-1 — IFF is optional: the quarter's GSTR-1 follows the previous quarter's."""
    q3_filed = facts(Q, first="072024", r1=["092024"], b3=["092024"])
    assert gstr1_refusal(q3_filed, p("122024"), date(2025, 1, 5)) is None
    assert gstr1_refusal(q3_filed, p("112024"), date(2024, 12, 5)) is None  # IFF of month 2
    with_one_iff = facts(Q, first="072024", r1=["092024", "102024"], b3=["092024"])
    assert gstr1_refusal(with_one_iff, p("122024"), date(2025, 1, 5)) is None
    q3_missing = facts(Q, first="072024", r1=["072024", "082024"], b3=["092024"])
    refusal = gstr1_refusal(q3_missing, p("122024"), date(2025, 1, 5))
    assert refusal is not None and refusal.code == "RET0004" and "092024" in refusal.message


def test_r_seq_1_a_taxpayer_owes_nothing_before_its_first_period():
    """Rule: R-SEQ-1."""
    f = facts(first="032025")
    assert gstr1_refusal(f, p("032025"), date(2025, 4, 2)) is None


def test_r_seq_2_gstr3b_needs_gstr1_previous_3b_and_the_2b():
    """Rule: R-SEQ-2."""
    assert gstr3b_refusal(facts(), p("102024"), True).code == "RET0009"
    assert gstr3b_refusal(facts(r1=["102024"]), p("102024"), False).code == "RET2B1023"
    assert gstr3b_refusal(facts(r1=["102024"]), p("102024"), True) is None
    f = facts(r1=["102024", "112024"])
    assert gstr3b_refusal(f, p("112024"), True).code == "RET0005"


def test_r_seq_2_a_quarterly_taxpayer_files_3b_for_quarters_only():
    """Rule: R-SEQ-2."""
    f = facts(Q, r1=["102024", "112024", "122024"])
    assert gstr3b_refusal(f, p("112024"), True).code == "RET0006"
    assert gstr3b_refusal(f, p("122024"), True) is None


def test_r_seq_3_a_nil_gstr1_is_an_ordinary_filing():
    """Rule: R-SEQ-3."""
    assert gstr1_refusal(facts(), p("102024"), date(2024, 11, 18)) is None


def test_r_in_3_gstr1a_only_between_gstr1_and_3b():
    """Rule: R-IN-3."""
    assert gstr1a_refusal(facts(), p("102024")).code == "RET0007"
    assert gstr1a_refusal(facts(r1=["102024"]), p("102024")) is None
    assert gstr1a_refusal(facts(r1=["102024"], b3=["102024"]), p("102024")).code == "RET0008"


def test_r_cal_4_returns_before_october_2024_are_refused():
    """Rule: R-CAL-4."""
    assert gstr1_refusal(facts(), p("092024"), date(2024, 10, 5)).code == "RET0001"


def test_r_2b_1_gen2b_waits_for_the_draft_date():
    """Rule: R-2B-1."""
    assert gen2b_refusal(facts(), p("102024"), date(2024, 11, 13)).code == "IMS2B009"
    assert gen2b_refusal(facts(), p("102024"), date(2024, 11, 14)) is None


def test_r_2b_1_gen2b_waits_for_the_previous_3b_and_stops_after_this_3b():
    """Rules.md §9 example 8."""
    assert gen2b_refusal(facts(), p("012025"), date(2025, 2, 14)).code == "IMS2B009"
    f = facts(b3=["102024", "112024", "122024"])
    assert gen2b_refusal(f, p("012025"), date(2025, 2, 14)) is None
    f = facts(b3=["102024", "112024", "122024", "012025"])
    assert gen2b_refusal(f, p("012025"), date(2025, 2, 20)).code == "IMS2B007"


def test_r_cal_2_a_quarterly_recipient_has_no_2b_for_months_1_and_2():
    """Rules.md §9 example 10 (the 2B part)."""
    f = facts(Q, first="102025", b3=[])
    assert gen2b_refusal(f, p("102025"), date(2025, 11, 14)).code == "IMS2B007"
    assert gen2b_refusal(f, p("112025"), date(2025, 12, 14)).code == "IMS2B007"
    assert gen2b_refusal(f, p("122025"), date(2026, 1, 14)) is None
