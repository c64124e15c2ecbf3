"""Document numbers as reconciliation compares them (R-REC-6, R-REC-7)."""

from datetime import date

import pytest

from gstims.domain.reconcile.numbers import are_similar, normalise

NOV_2024 = date(2024, 11, 5)  # FY 2024-25


def same(a: str, b: str, day: date = NOV_2024) -> bool:
    return normalise(a, day) == normalise(b, day)


def test_r_rec_6_the_specs_examples_normalise_alike():
    assert same("INV/0012/24-25", "INV-12")
    assert same("inv 0001001", "INV1001")


@pytest.mark.parametrize(
    ("a", "b"), [("1", "101"), ("BILL-23-00040", "BILL-23-00045"), ("INV-12", "INV-21")]
)
def test_r_rec_6_different_documents_stay_different(a, b):
    assert not same(a, b)


@pytest.mark.parametrize(
    "spelling", ["2024-25", "2024/25", "24-25", "2425", "2024-2025", "20242025", "2023-24", "23/24"]
)
def test_r_rec_6_a_year_token_of_this_or_the_previous_fy_is_dropped_in_every_spelling(spelling):
    assert normalise(f"INV/{spelling}/0077", NOV_2024) == "INV77"


def test_r_rec_6_an_older_year_is_part_of_the_number():
    assert normalise("INV/2022-23/77", NOV_2024) == "INV20222377"


def test_r_rec_6_a_number_that_is_only_a_year_keeps_it():
    assert normalise("2425", NOV_2024) == "2425"


def test_r_rec_6_the_raw_number_is_not_changed_in_place():
    raw = "inv/0012/24-25"
    normalise(raw, NOV_2024)
    assert raw == "inv/0012/24-25"


def test_r_rec_7_a_known_suffix_or_prefix_on_the_same_digits_is_similar():
    assert are_similar(normalise("BILL-23-00012", NOV_2024), normalise("BILL-23-00012-A", NOV_2024))
    assert are_similar("INV552", "552")


def test_r_rec_7_one_inserted_digit_with_the_same_letters_is_similar():
    assert are_similar("INV10010", "INV1001")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("BILL2340", "BILL2345"),  # a changed digit: the next document of the series
        ("INV12", "INV21"),  # swapped digits
        ("INV1", "INV10"),  # too short to call a typo
        ("INV1001", "CRN1001X"),  # letters differ by more than a known affix
        ("INV1001", "INV1001"),  # equal is not "similar"
        ("1", "101"),
    ],
)
def test_r_rec_7_a_fuzzy_likeness_alone_is_not_similar(a, b):
    assert not are_similar(a, b)
