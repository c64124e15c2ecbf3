"""Tests for gstims.formats.encoding: amounts cross the JSON boundary as exact decimals."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gstims.codec import _standard_loads, document_bytes, loads, to_json_bytes
from gstims.domain.money import money
from gstims.domain.records import Action
from gstims.formats.encoding import amount, day, yes_no


def test_an_amount_is_written_as_the_exact_number_it_is_never_via_float() -> None:
    assert to_json_bytes({"iamt": money(1800)}) == b'{"iamt":1800.00}'
    assert to_json_bytes([Decimal("0.10"), Decimal("729248.16")]) == b"[0.10,729248.16]"
    # 0.1 + 0.2 in binary floats is 0.30000000000000004; in Decimal it stays 0.30
    assert to_json_bytes(Decimal("0.1") + Decimal("0.2")) == b"0.3"


def test_large_and_exponent_decimals_are_written_in_plain_notation() -> None:
    assert to_json_bytes(Decimal("1E+3")) == b"1000"
    assert to_json_bytes(Decimal("123456789012345.67")) == b"123456789012345.67"


def test_negative_zero_is_written_as_zero() -> None:
    assert to_json_bytes(-money(0)) == b"0.00"


def test_a_float_is_refused_because_it_has_already_lost_the_paisa() -> None:
    with pytest.raises(TypeError, match="float"):
        to_json_bytes({"iamt": 1800.0})


def test_unknown_types_and_non_finite_numbers_are_refused() -> None:
    with pytest.raises(TypeError):
        to_json_bytes({"dt": date(2024, 10, 10)})
    with pytest.raises(ValueError):
        to_json_bytes(Decimal("NaN"))


def test_strings_enums_bools_and_nulls_are_plain_json() -> None:
    obj = {"action": Action.ACCEPT, "ok": True, "no": False, "x": None, "n": 3, "s": 'a"é'}
    assert to_json_bytes(obj) == (
        '{"action":"A","ok":true,"no":false,"x":null,"n":3,"s":"a\\"é"}'.encode()
    )


def test_indented_output_is_still_valid_json_with_the_same_values() -> None:
    obj = {"b2b": [{"inum": "INV-1", "val": money(11800)}], "empty": {}}
    assert loads(to_json_bytes(obj, indent=2)) == obj
    assert b"11800.00" in to_json_bytes(obj, indent=2)


def test_loads_reads_fractional_numbers_as_decimal_and_round_trips_exactly() -> None:
    text = b'{"val":729248.16,"txval":10000,"rt":0.65}'
    data = loads(text)

    assert data == {"val": Decimal("729248.16"), "txval": 10000, "rt": Decimal("0.65")}
    assert isinstance(data["val"], Decimal)
    assert to_json_bytes(data) == text


def test_loads_refuses_nan_and_malformed_json() -> None:
    with pytest.raises(ValueError):
        loads(b'{"val": NaN}')
    with pytest.raises(ValueError):
        loads(b'{"val": ')


def test_wire_writers_spell_dates_flags_and_amounts_the_gstn_way() -> None:
    assert day(date(2024, 11, 5)) == "05-11-2024"
    assert day(None) == ""
    assert (yes_no(True), yes_no(False)) == ("Y", "N")
    assert amount(1800) == Decimal("1800.00")


def test_a_writers_amount_is_never_minus_zero_so_the_fast_encoder_agrees() -> None:
    minus_zero = -money(0)
    assert str(amount(minus_zero)) == "0.00"
    assert str(amount(Decimal("-0.004"))) == "0.00"  # rounds to a zero: still unsigned
    doc = {"igst": amount(minus_zero), "val": amount(Decimal("-12.345")), "n": 3, "s": "é"}
    assert (
        document_bytes(doc)
        == to_json_bytes(doc)
        == '{"igst":0.00,"val":-12.35,"n":3,"s":"é"}'.encode()
    )


def test_amount_refuses_what_is_not_an_amount() -> None:
    with pytest.raises(TypeError, match="float"):
        amount(1800.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        amount(Decimal("NaN"))
    with pytest.raises(ValueError):
        amount(Decimal("1E+40"))  # more digits than the paisa context holds


# -- loads: msgspec first, the standard library for the rest --------------------------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2)
    | st.text()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


def _same_answer(text: bytes | str) -> None:
    try:
        expected = _standard_loads(text)
    except ValueError as exc:
        with pytest.raises(ValueError) as raised:
            loads(text)
        assert str(raised.value) == str(exc)  # the standard library's words: line and column
        return
    assert loads(text) == expected
    assert to_json_bytes(loads(text)) == to_json_bytes(expected)  # Decimals keep their places


@given(_values)
def test_loads_reads_every_json_value_as_the_standard_library_does(value) -> None:
    text = to_json_bytes(value)
    _same_answer(text)
    _same_answer(text.decode())
    _same_answer(json.dumps(json.loads(text, parse_float=str), indent=1))  # other spacing


@given(st.binary(max_size=40) | st.text(max_size=40))
def test_loads_refuses_what_the_standard_library_refuses_in_the_same_words(text) -> None:
    _same_answer(text)


def test_loads_reads_what_only_the_standard_library_reads() -> None:
    assert loads('"\\ud800"') == "\ud800"  # a lone surrogate escape
    assert loads('{"inum": "é"}'.encode("utf-16")) == {"inum": "é"}
    assert loads(b'{"a": 1, "a": 2.50}') == {"a": Decimal("2.50")}  # the last key wins


@pytest.mark.parametrize(
    "text",
    [
        *(b"01", b'"a\x01b"', b"1.", b".5", b"+1", b"[1 2]", b'{"a" 1}', b'"\\x"', b"-", b"1e"),
        *(b" 1 ", b"\xef\xbb\xbf1", b"Infinity", b"-Infinity", b"[1,2", b"tru", b"1E5", b"-0.0"),
    ],
)
def test_loads_answers_the_edge_cases_of_json_as_the_standard_library(text) -> None:
    _same_answer(text)


@pytest.mark.parametrize("text", ["\x00\x01", "\x00\x02", "\x00\x01a\x00\x02", "a\x00\x02"])
def test_to_json_bytes_writes_a_string_that_carries_the_number_marker_as_it_is(text) -> None:
    value = {text: None, "iamt": Decimal("1800.00"), "inum": text}
    assert loads(to_json_bytes(value)) == value
    assert (
        to_json_bytes(value)
        == json.dumps(
            {text: None, "iamt": 0, "inum": text}, ensure_ascii=False, separators=(",", ":")
        )
        .replace('"iamt":0', '"iamt":1800.00')
        .encode()
    )
