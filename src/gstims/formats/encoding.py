"""JSON in and out without floats: amounts stay `Decimal` from the wire to the wire.

The exact-JSON codec itself (`loads`, `to_json_bytes`, `document_bytes`) is `gstims.codec`;
`document_bytes` writes exactly what `to_json_bytes` would for a document these writers built
(amounts through `amount`, dates through `day`, flags through `yes_no`).

The writers here (`day`, `yes_no`, `amount`, `boe_parts`) are the one spelling of a date, a Y/N
flag, an amount and a bill of entry's port code and number on the wire.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from gstims.domain.money import PAISA, ZERO, money
from gstims.domain.records import Record

__all__ = ["amount", "boe_parts", "day", "yes_no"]


# -- writers: the one wire spelling of a date, a flag and an amount --------------------------


def day(value: date | None) -> str:
    """A date as `dd-mm-yyyy`; "" when there is none."""
    return "" if value is None else _day(value)


@lru_cache(maxsize=4096)  # a lakh of documents carry a few hundred dates
def _day(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def yes_no(flag: bool) -> str:
    return "Y" if flag else "N"


def amount(value: Decimal | int) -> Decimal:
    """An amount as written on the wire: a `Decimal` of two places (`1800` → `1800.00`);
    a zero is always `0.00`, never `-0.00`. A float, a NaN or an infinity is refused."""
    if type(value) is Decimal:
        if value.same_quantum(PAISA):  # two places already (what storage gives): no new object
            return value if value or not value.is_signed() else ZERO
        if not value.is_finite():
            raise ValueError(f"not an amount: {value}")
        try:  # a lakh of distinct amounts: one C-level quantize each, no cache to keep
            result = value.quantize(PAISA, ROUND_HALF_UP)
        except InvalidOperation:  # more digits than the context holds: `money` says so
            result = money(value)
    else:
        result = money(value)  # refuses a float
    return result if result else ZERO


def boe_parts(record: Record) -> tuple[str, str]:
    """(port code, BoE number) of a bill of entry, whose record number is "PORTCODE/BOENUM"."""
    port_code = record.port_code or ""
    prefix = f"{port_code}/"
    if port_code and record.number.startswith(prefix):
        return port_code, record.number[len(prefix) :]
    head, _, tail = record.number.partition("/")
    return (head, tail) if tail else (port_code, record.number)
