"""Money and tax amounts by head.

Every amount is a `Decimal` with two places, rounded half-up, through the one function
`money()`. A `Tax` carries the four heads of GST — IGST, CGST, SGST (or UTGST) and cess —
and adds, subtracts and negates head by head:

    >>> Tax(igst=money("1800")) - Tax(igst=money("180"))
    Tax(igst=Decimal('1620.00'), cgst=Decimal('0.00'), sgst=Decimal('0.00'), cess=Decimal('0.00'))

Floats are refused outright: a float has already lost the paisa.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PAISA = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """`value` as an amount of two places, rounded half-up; floats are refused."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a Decimal, int or str")
    try:
        return Decimal(value).quantize(PAISA, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


ZERO = money(0)


@dataclass(frozen=True, slots=True)
class Tax:
    """Tax by head. Amounts are whatever sign arithmetic gives; records carry non-negative ones."""

    igst: Decimal = ZERO
    cgst: Decimal = ZERO
    sgst: Decimal = ZERO
    cess: Decimal = ZERO

    @classmethod
    def of(
        cls,
        igst: Decimal | int | str = 0,
        cgst: Decimal | int | str = 0,
        sgst: Decimal | int | str = 0,
        cess: Decimal | int | str = 0,
    ) -> Tax:
        return cls(money(igst), money(cgst), money(sgst), money(cess))

    def __add__(self, other: Tax) -> Tax:
        return Tax(
            self.igst + other.igst,
            self.cgst + other.cgst,
            self.sgst + other.sgst,
            self.cess + other.cess,
        )

    def __sub__(self, other: Tax) -> Tax:
        return Tax(
            self.igst - other.igst,
            self.cgst - other.cgst,
            self.sgst - other.sgst,
            self.cess - other.cess,
        )

    def __neg__(self) -> Tax:
        return Tax(-self.igst, -self.cgst, -self.sgst, -self.cess)

    @property
    def total(self) -> Decimal:
        return self.igst + self.cgst + self.sgst + self.cess

    @property
    def heads(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return (self.igst, self.cgst, self.sgst, self.cess)

    def is_zero(self) -> bool:
        return not any(self.heads)

    def positive_part(self) -> Tax:
        """Each head floored at zero."""
        return Tax(*(max(h, ZERO) for h in self.heads))

    def negative_part(self) -> Tax:
        """Each head's shortfall below zero, as a positive amount."""
        return Tax(*(max(-h, ZERO) for h in self.heads))

    def any_exceeds(self, limit: Tax) -> bool:
        return any(h > lim for h, lim in zip(self.heads, limit.heads, strict=True))


NO_TAX = Tax()


def sum_tax(taxes: Iterable[Tax]) -> Tax:
    """Head-by-head sum in one pass."""
    i = c = s = e = ZERO
    for t in taxes:
        i += t.igst
        c += t.cgst
        s += t.sgst
        e += t.cess
    return Tax(i, c, s, e)
