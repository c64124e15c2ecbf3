"""Tests for gstims.domain.gstin: GSTIN structure, state codes and the mod-36 check character."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gstims.domain.gstin import (
    CHARSET,
    STATES,
    Gstin,
    GstinError,
    RegistrationKind,
    compute_check_char,
    gstin_problems,
    is_place_of_supply,
    is_valid_gstin,
    make_gstin,
    parse_gstin,
    state_name,
)

KNOWN_VALID = ["27AAPFU0939F1ZV", "24AANFA2641L1ZF", "29AABCR1718E1ZL"]

states = st.sampled_from(sorted(STATES))
pan_like = st.text(alphabet=CHARSET, min_size=10, max_size=10)
one_char = st.sampled_from(CHARSET)


# --- state codes -----------------------------------------------------------------------------


def test_states_cover_01_to_38_and_96_97_99() -> None:
    expected = {f"{n:02d}" for n in range(1, 39)} | {"96", "97", "99"}
    assert set(STATES) == expected


def test_historic_and_new_state_names_are_known() -> None:
    assert state_name("25") == "Daman and Diu (old)"
    assert state_name("28") == "Andhra Pradesh (old)"
    assert state_name("37") == "Andhra Pradesh"
    assert state_name("38") == "Ladakh"
    assert state_name("96") == "Other Countries"
    assert state_name("97") == "Other Territory"
    assert state_name("99") == "Centre Jurisdiction"


def test_an_unknown_state_code_has_no_name() -> None:
    with pytest.raises(ValueError, match="unknown state code '40'"):
        state_name("40")


def test_states_mapping_cannot_be_modified() -> None:
    with pytest.raises(TypeError):
        STATES["40"] = "Nowhere"  # type: ignore[index]


@pytest.mark.parametrize("code", ["01", "27", "38", "96", "97"])
def test_state_codes_and_other_countries_are_places_of_supply(code: str) -> None:
    assert is_place_of_supply(code)


@pytest.mark.parametrize("code", ["99", "00", "39", "40", "98", "7", ""])
def test_centre_jurisdiction_and_unknown_codes_are_not_places_of_supply(code: str) -> None:
    assert not is_place_of_supply(code)


# --- the check character ---------------------------------------------------------------------


@pytest.mark.parametrize("gstin", KNOWN_VALID)
def test_known_valid_gstins_are_accepted(gstin: str) -> None:
    assert is_valid_gstin(gstin)
    assert gstin_problems(gstin) == []
    assert str(parse_gstin(gstin)) == gstin


@pytest.mark.parametrize("gstin", KNOWN_VALID)
def test_the_check_character_of_known_gstins_is_computed(gstin: str) -> None:
    assert compute_check_char(gstin[:14]) == gstin[14]


def test_the_worked_example_in_the_module_docstring_gives_v() -> None:
    assert compute_check_char("27AAPFU0939F1Z") == "V"
    assert compute_check_char("27aapfu0939f1z") == "V"


@pytest.mark.parametrize("first14", ["27AAPFU0939F1", "27AAPFU0939F1ZV", "27AAPFU0939F1-"])
def test_the_check_character_needs_exactly_14_letters_or_digits(first14: str) -> None:
    with pytest.raises(GstinError):
        compute_check_char(first14)


def test_a_wrong_check_character_is_explained_with_the_right_one() -> None:
    assert gstin_problems("27AAPFU0939F1ZX") == ["check character should be 'V', not 'X'"]
    with pytest.raises(GstinError, match="check character should be 'V', not 'X'") as info:
        parse_gstin("27AAPFU0939F1ZX")
    assert info.value.problems == ("check character should be 'V', not 'X'",)
    assert "27AAPFU0939F1ZX" in str(info.value)


def test_a_gstin_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_gstin("27AAPFU0939F1ZX")


# --- length, characters, state ---------------------------------------------------------------


def test_a_gstin_that_is_too_short_is_explained() -> None:
    assert gstin_problems("27AAPFU0939F1Z") == ["GSTIN must be 15 characters, got 14"]
    with pytest.raises(GstinError, match="GSTIN must be 15 characters, got 14"):
        parse_gstin("27AAPFU0939F1Z")


def test_a_gstin_that_is_too_long_is_explained() -> None:
    assert gstin_problems("27AAPFU0939F1ZVV") == ["GSTIN must be 15 characters, got 16"]


def test_an_empty_gstin_is_explained() -> None:
    assert gstin_problems("   ") == ["GSTIN must be 15 characters, got 0"]


def test_a_character_that_is_not_a_letter_or_digit_is_named_with_its_position() -> None:
    problems = gstin_problems("27AAPF-0939F1ZV")
    assert problems == ["character 7 '-' must be a letter A-Z or a digit 0-9"]


def test_a_non_ascii_letter_is_not_accepted() -> None:
    problems = gstin_problems("27AAPFÜ0939F1ZV")
    assert problems == ["character 7 'Ü' must be a letter A-Z or a digit 0-9"]


def test_an_unknown_state_code_is_explained() -> None:
    first14 = "40AAPFU0939F1Z"
    gstin = first14 + compute_check_char(first14)
    assert gstin_problems(gstin) == ["unknown state code '40'"]
    with pytest.raises(GstinError, match="unknown state code '40'"):
        parse_gstin(gstin)


def test_a_state_code_with_letters_is_explained() -> None:
    first14 = "AAAAPFU0939F1Z"
    gstin = first14 + compute_check_char(first14)
    assert gstin_problems(gstin) == ["state code 'AA' must be two digits"]


def test_every_problem_is_reported_at_once() -> None:
    problems = gstin_problems("40AAPF-0939F1Z")
    assert problems == [
        "GSTIN must be 15 characters, got 14",
        "character 7 '-' must be a letter A-Z or a digit 0-9",
        "unknown state code '40'",
    ]
    with pytest.raises(GstinError) as info:
        parse_gstin("40AAPF-0939F1Z")
    assert info.value.problems == tuple(problems)


def test_lower_case_and_surrounding_spaces_are_accepted_by_parse() -> None:
    gstin = parse_gstin("  27aapfu0939f1zv\n")
    assert gstin.value == "27AAPFU0939F1ZV"
    assert is_valid_gstin(" 27aapfu0939f1zv ")


# --- special state codes and registrations ---------------------------------------------------


@pytest.mark.parametrize("state", ["38", "96", "97", "99"])
def test_ladakh_other_countries_other_territory_and_centre_are_accepted(state: str) -> None:
    first14 = state + "AAPFU0939F1Z"
    gstin = first14 + compute_check_char(first14)
    assert parse_gstin(gstin).state_code == state


def test_an_oidar_gstin_with_a_correct_check_character_is_accepted() -> None:
    gstin = parse_gstin("9917SGP29001OST")
    assert gstin.state_code == "99"
    assert gstin.state_name == "Centre Jurisdiction"
    assert gstin.kind is RegistrationKind.NON_RESIDENT_OIDAR


def test_an_oidar_gstin_with_a_wrong_check_character_is_rejected() -> None:
    assert gstin_problems("9917SGP29001OSD") == ["check character should be 'T', not 'D'"]


@pytest.mark.parametrize(
    ("state", "pan", "entity", "default", "kind"),
    [
        ("27", "AAPFU0939F", "1", "Z", RegistrationKind.NORMAL),
        ("99", "17SGP29001", "O", "S", RegistrationKind.NON_RESIDENT_OIDAR),
        ("07", "17UNO00157", "U", "N", RegistrationKind.UN_BODY),
        ("07", "DELA12345B", "1", "D", RegistrationKind.TDS),
        ("29", "AABCR1718E", "1", "C", RegistrationKind.TCS),
        ("27", "AAPFU0939F", "1", "X", RegistrationKind.OTHER),
        ("27", "1234567890", "1", "Z", RegistrationKind.OTHER),
        ("27", "17SGP29001", "O", "S", RegistrationKind.OTHER),
    ],
)
def test_the_registration_kind_is_guessed_from_the_shape(
    state: str, pan: str, entity: str, default: str, kind: RegistrationKind
) -> None:
    assert make_gstin(state, pan, entity, default).kind is kind


# --- the Gstin value -------------------------------------------------------------------------


def test_a_gstin_exposes_its_parts() -> None:
    gstin = parse_gstin("27AAPFU0939F1ZV")
    assert gstin.state_code == "27"
    assert gstin.state_name == "Maharashtra"
    assert gstin.pan == "AAPFU0939F"
    assert gstin.entity_code == "1"
    assert gstin.check_char == "V"
    assert gstin.kind is RegistrationKind.NORMAL
    assert str(gstin) == "27AAPFU0939F1ZV"
    assert Gstin.parse("27aapfu0939f1zv") == gstin


def test_a_gstin_is_frozen_and_hashable() -> None:
    gstin = parse_gstin("27AAPFU0939F1ZV")
    with pytest.raises(dataclasses.FrozenInstanceError):
        gstin.value = "24AANFA2641L1ZF"  # type: ignore[misc]
    assert {gstin, parse_gstin("27aapfu0939f1zv")} == {gstin}


def test_a_gstin_cannot_be_constructed_from_an_invalid_value() -> None:
    with pytest.raises(GstinError, match="check character should be 'V', not 'X'"):
        Gstin("27AAPFU0939F1ZX")


def test_a_gstin_constructed_directly_must_be_in_canonical_form() -> None:
    with pytest.raises(GstinError, match="use parse_gstin"):
        Gstin("27aapfu0939f1zv")


def test_make_gstin_appends_the_right_check_character() -> None:
    assert str(make_gstin("27", "AAPFU0939F")) == "27AAPFU0939F1ZV"
    assert str(make_gstin("24", "aanfa2641l")) == "24AANFA2641L1ZF"


def test_make_gstin_explains_bad_parts() -> None:
    with pytest.raises(GstinError) as info:
        make_gstin("40", "AAPFU0939", "12", "-")
    assert info.value.problems == (
        "unknown state code '40'",
        "PAN part must be 10 characters, got 9: 'AAPFU0939'",
        "entity must be 1 character, got 2: '12'",
        "default '-' must contain only letters A-Z and digits 0-9",
    )


# --- properties ------------------------------------------------------------------------------


@given(state=states, pan=pan_like, entity=one_char, default=one_char)
def test_check_character_round_trip_for_generated_gstins(
    state: str, pan: str, entity: str, default: str
) -> None:
    """Rule: R-IN-4. A GSTIN built by make_gstin parses back to itself, and replacing its
    check character with any other letter or digit makes it invalid, naming the right one."""
    gstin = make_gstin(state, pan, entity, default)
    assert parse_gstin(gstin.value) == gstin
    assert gstin.state_code == state
    assert gstin.pan == pan
    right = gstin.check_char
    for other in CHARSET.replace(right, ""):
        wrong = gstin.value[:14] + other
        assert gstin_problems(wrong) == [f"check character should be {right!r}, not {other!r}"]
        with pytest.raises(GstinError):
            parse_gstin(wrong)


@given(
    state=states,
    pan=pan_like,
    entity=one_char,
    default=one_char,
    position=st.integers(min_value=2, max_value=13),
    data=st.data(),
)
def test_any_single_character_substitution_after_the_state_code_is_detected(
    state: str, pan: str, entity: str, default: str, position: int, data: st.DataObject
) -> None:
    value = make_gstin(state, pan, entity, default).value
    replacement = data.draw(st.sampled_from(CHARSET.replace(value[position], "")))
    mutated = value[:position] + replacement + value[position + 1 :]
    assert not is_valid_gstin(mutated)
    assert any(p.startswith("check character should be") for p in gstin_problems(mutated))


@given(st.text(max_size=20))
def test_gstin_problems_never_crashes_and_agrees_with_parse(text: str) -> None:
    problems = gstin_problems(text)
    if problems:
        with pytest.raises(GstinError):
            parse_gstin(text)
    else:
        assert str(parse_gstin(text)) == text.strip().upper()
