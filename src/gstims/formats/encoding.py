"""JSON in and out without floats: amounts stay `Decimal` from the wire to the wire.

GSTN amounts are JSON numbers with two places (`"iamt": 1800.00`). The standard library would
read them as binary floats and, given a `Decimal`, refuse to write it (or write a string). So:

- `loads()` reads JSON with `parse_float=Decimal`: `1800.00` arrives as `Decimal('1800.00')`;
  `NaN` and `Infinity` are refused.
- `to_json_bytes()` writes `Decimal` values as exact JSON number literals, never via `float`.

    >>> to_json_bytes({"iamt": Decimal("1800.00"), "inum": "INV-101"})
    b'{"iamt":1800.00,"inum":"INV-101"}'

The writers here (`day`, `yes_no`, `amount`, `boe_parts`) are the one spelling of a date, a Y/N
flag, an amount and a bill of entry's port code and number on the wire.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from gstims.domain.money import money
from gstims.domain.records import Record

__all__ = ["amount", "boe_parts", "day", "loads", "to_json_bytes", "yes_no"]


def loads(data: bytes | str) -> Any:
    """Decode JSON text with every non-integral number as a `Decimal`.

    Raises `ValueError` (`json.JSONDecodeError` is one) for text that is not JSON or that uses
    `NaN` / `Infinity`.
    """
    return json.loads(data, parse_float=Decimal, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def to_json_bytes(obj: Any, *, indent: int | None = None) -> bytes:
    """UTF-8 JSON of `obj`: mappings, lists and tuples, str, int, bool, None and `Decimal`.

    A `Decimal` is written as the number it is (`Decimal("1800.00")` → `1800.00`); a float is
    refused (`TypeError`) because it has already lost the paisa, and so is any other type.
    Output is compact unless `indent` is given.
    """
    return "".join(_encode(obj, indent, 0)).encode("utf-8")


def _encode(obj: Any, indent: int | None, level: int) -> Iterator[str]:
    if obj is None:
        yield "null"
    elif obj is True:
        yield "true"
    elif obj is False:
        yield "false"
    elif isinstance(obj, str):
        yield json.dumps(str(obj), ensure_ascii=False)
    elif isinstance(obj, int):
        yield int.__repr__(obj)
    elif isinstance(obj, Decimal):
        yield _number(obj)
    elif isinstance(obj, float):
        raise TypeError(f"refusing to write the float {obj!r}: pass a Decimal")
    elif isinstance(obj, Mapping):
        yield from _container("{", "}", list(obj.items()), indent, level, mapping=True)
    elif isinstance(obj, list | tuple):
        yield from _container("[", "]", list(obj), indent, level, mapping=False)
    else:
        raise TypeError(f"cannot write {type(obj).__name__} as JSON")


def _container(
    open_: str, close: str, members: list[Any], indent: int | None, level: int, *, mapping: bool
) -> Iterator[str]:
    if not members:
        yield open_ + close
        return
    inner = "" if indent is None else "\n" + " " * (indent * (level + 1))
    outer = "" if indent is None else "\n" + " " * (indent * level)
    colon = ":" if indent is None else ": "
    yield open_
    for index, member in enumerate(members):
        yield ("," if index else "") + inner
        if mapping:
            key, value = member
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, got {key!r}")
            yield json.dumps(str(key), ensure_ascii=False) + colon
            yield from _encode(value, indent, level + 1)
        else:
            yield from _encode(member, indent, level + 1)
    yield outer + close


def _number(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    if value.is_zero():
        value = abs(value)  # never "-0.00"
    return format(value, "f")


# -- writers: the one wire spelling of a date, a flag and an amount --------------------------


def day(value: date | None) -> str:
    """A date as `dd-mm-yyyy`; "" when there is none."""
    return "" if value is None else value.strftime("%d-%m-%Y")


def yes_no(flag: bool) -> str:
    return "Y" if flag else "N"


def amount(value: Decimal | int) -> Decimal:
    """An amount as written on the wire: a `Decimal` of two places (`1800` → `1800.00`)."""
    return money(value)


def boe_parts(record: Record) -> tuple[str, str]:
    """(port code, BoE number) of a bill of entry, whose record number is "PORTCODE/BOENUM"."""
    port_code = record.port_code or ""
    prefix = f"{port_code}/"
    if port_code and record.number.startswith(prefix):
        return port_code, record.number[len(prefix) :]
    head, _, tail = record.number.partition("/")
    return (head, tail) if tail else (port_code, record.number)
