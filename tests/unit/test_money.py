"""Money is Decimal with two places, rounded half-up; tax adds up head by head."""

from decimal import Decimal

import pytest

from gstims.domain.money import Tax, money, sum_tax


def test_money_rounds_half_up_to_the_paisa():
    assert money("2.345") == Decimal("2.35")
    assert money("2.344") == Decimal("2.34")
    assert money(-1) == Decimal("-1.00")


def test_money_refuses_floats_and_nonsense():
    with pytest.raises(TypeError):
        money(0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not an amount"):
        money("ten")


def test_tax_adds_subtracts_and_negates_head_by_head():
    a, b = Tax.of(igst=1800, cess=10), Tax.of(igst=180, cgst=5, sgst=5)
    assert a - b == Tax.of(igst=1620, cgst=-5, sgst=-5, cess=10)
    assert -(a - b) + a == b
    assert sum_tax([a, b, b]) == Tax.of(igst=2160, cgst=10, sgst=10, cess=10)


def test_positive_and_negative_parts_split_a_mixed_tax():
    t = Tax.of(igst=-900, cgst=50, sgst=50)
    assert t.positive_part() == Tax.of(cgst=50, sgst=50)
    assert t.negative_part() == Tax.of(igst=900)
    assert t.positive_part() - t.negative_part() == t
