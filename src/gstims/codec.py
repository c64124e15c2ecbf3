"""Exact JSON in and out: every amount a `Decimal` from the wire to the wire, never a float.

GSTN amounts are JSON numbers with two places (`"iamt": 1800.00`). The standard library would
read them as binary floats and, given a `Decimal`, refuse to write it (or write a string). So:

- `loads()` reads JSON with every non-integral number as a `Decimal`: `1800.00` arrives as
  `Decimal('1800.00')`; `NaN` and `Infinity` are refused.
- `to_json_bytes()` writes `Decimal` values as exact JSON number literals, never via `float`,
  and refuses what is not JSON (a float, a date).
- `document_bytes()` writes a document built of those values only to the same bytes, at C
  speed, without checking types again: a lakh-document GSTR-2B is 19 MB of JSON.

    >>> to_json_bytes({"iamt": Decimal("1800.00"), "inum": "INV-101"})
    b'{"iamt":1800.00,"inum":"INV-101"}'

Used by the formats (the wire) and by the store (JSON columns keep amounts exact both ways).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import msgspec

__all__ = ["Fragment", "document_bytes", "fragment", "loads", "string_json", "to_json_bytes"]


def loads(data: bytes | str) -> Any:
    """Decode JSON text with every non-integral number as a `Decimal`.

    Raises `ValueError` (`json.JSONDecodeError` is one) for text that is not JSON or that uses
    `NaN` / `Infinity`.

    msgspec reads (a 20 MB request body in a tenth of the time); what it refuses goes to the
    standard library, which says where the text went wrong (line and column) and also reads
    the little msgspec does not (UTF-16 text, lone surrogate escapes): the two together accept
    and answer exactly what `json.loads` does (a property test holds them together).
    """
    try:
        return _DECODER.decode(data)
    except msgspec.DecodeError:
        return _standard_loads(data)


def _standard_loads(data: bytes | str) -> Any:
    try:
        return json.loads(data, parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError:  # issue 14 item 14: a refusal, not a crash
        raise ValueError("the JSON is nested too deep to read") from None


_DECODER = msgspec.json.Decoder(float_hook=Decimal)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def to_json_bytes(obj: Any, *, indent: int | None = None) -> bytes:
    """UTF-8 JSON of `obj`: mappings, lists and tuples, str, int, bool, None and `Decimal`.

    A `Decimal` is written as the number it is (`Decimal("1800.00")` → `1800.00`); a float is
    refused (`TypeError`) because it has already lost the paisa, and so is any other type.
    Output is compact unless `indent` is given.

    The standard library's C encoder does the work (a lakh-document GSTR-2B is megabytes):
    each Decimal goes out as a marked string that one regular-expression pass turns back into
    a bare number. The marker starts with a NUL character, which JSON must escape as `\\u0000`;
    should a string of the caller's carry it too (the marker is counted), the text is written
    again with a fresh random marker.
    """
    text = _marked_dumps(obj, indent, _START, _END)
    if text is None:  # a string of the caller's carries the marker: mark with a fresh one
        nonce = uuid.uuid4().hex
        text = _marked_dumps(obj, indent, f"\x00{nonce}\x01", f"\x00{nonce}\x02")
        if text is None:  # pragma: no cover - a caller's string guessed a fresh uuid
            raise ValueError("a string collides with the number marker")
    return text.encode("utf-8")


def _marked_dumps(obj: Any, indent: int | None, start: str, end: str) -> str | None:
    """The JSON text with each Decimal's marked string turned into its bare number; None when
    the text holds the marker more often than we wrote it (a string of the caller's has it)."""
    marked: dict[int, str] = {}  # id of a value → its marked text
    alive: list[Any] = []  # the values marked, kept alive so that no id is reused
    uses = 0

    def default(value: Any) -> str:
        nonlocal uses
        uses += 1
        # amounts repeat (one Decimal object per distinct amount): mark each object once
        text = marked.get(id(value))
        if text is None:
            text = marked[id(value)] = start + _number_text(value) + end
            alive.append(value)
        return text

    text = json.dumps(
        obj,
        default=default,
        ensure_ascii=False,
        allow_nan=False,
        indent=indent,
        separators=(",", ":") if indent is None else (",", ": "),
        check_circular=False,
    )
    if any(hint.search(text) for hint in _FLOAT_HINTS) and _contains_float(obj):
        raise TypeError("refusing to write a float: pass a Decimal")
    opening, closing = json.dumps(start)[:-1], json.dumps(end)[1:]  # '"\u0000\u0001' ...
    if text.count(opening) != uses or text.count(closing) != uses:
        return None
    return text.replace(opening, "").replace(closing, "")


def document_bytes(obj: Any) -> bytes:
    """`to_json_bytes(obj)` for a document made by this package's writers, at C speed
    (a `Fragment` in it is written as it is).

    The writers put every amount through `amount` (a `Decimal` of two places, never -0.00),
    every date through `day` and every flag through `yes_no`, so the document holds only
    mappings, lists, strings, ints, bools, None and such `Decimal`s: for those msgspec writes
    exactly the bytes `to_json_bytes` writes (a test holds the two together), in a tenth of
    the time. It does not check types again: a float or a date would go out as msgspec
    spells it, so anything built by hand goes through `to_json_bytes`.
    """
    return _DOCUMENT_ENCODER.encode(obj)


_DOCUMENT_ENCODER = msgspec.json.Encoder(decimal_format="number")

Fragment = msgspec.Raw
"""JSON text already written, which `document_bytes` puts into its output as it is."""


def fragment(text: bytes) -> Fragment:
    """A piece of JSON text a writer spelled itself (a lakh of 2B documents, say: writing
    them from a template is a fraction of what building and encoding their dicts costs);
    the writer answers for it being what `document_bytes` would write for the same value."""
    return Fragment(text)


def string_json(value: str) -> bytes:
    """A string as `document_bytes` writes it (quoted and escaped)."""
    return _DOCUMENT_ENCODER.encode(value)


_START, _END = "\x00\x01", "\x00\x02"  # JSON writes them as \u0000\u0001 and \u0000\u0002
# a float in the output looks like a number with "." or "e" outside a string; only then do we
# pay for the exact check (amounts are Decimals and go out marked); one pattern per opening
# character, as a literal first character is searched far faster than a character class
_FLOAT_HINTS = tuple(
    re.compile(opening + r"\s*-?[0-9]+(?:\.[0-9]+)?[eE.]") for opening in (":", ",", r"\[")
)


def _number_text(value: Any) -> str:
    if isinstance(value, Decimal):
        text = str(value)
        if "E" in text or text == "-0.00" or not value.is_finite():
            text = _number(value)
        return text
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _contains_float(obj: Any) -> bool:
    stack = [obj]
    while stack:
        node = stack.pop()
        if isinstance(node, float):
            return True
        if isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return False


def _number(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    if value.is_zero():
        value = abs(value)  # never "-0.00"
    return format(value, "f")
