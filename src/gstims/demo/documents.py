"""Making the demo's documents: amounts, tax split, numbering (R-IN-4 holds for every one).

A supplier charges IGST when its state differs from the place of supply and CGST = SGST
otherwise, each computed from the rate and rounded to the paisa, so every document passes
the ±₹1 rate check. Numbers follow Indian practice, `PREFIX/FY/SEQ`, unique per supplier,
kind and financial year.

Example: Shree Ganesh Steel Traders (27) invoices Bharat Agro Foods (09) ₹1,25,000 of steel at
18% with POS 09: inter-state, IGST ₹22,500, invoice value ₹1,47,500, number `SGS/24-25/0007`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from gstims.demo.cast import TRADES, Party
from gstims.domain.calendar import financial_year_of
from gstims.domain.documents import Item, SupplierDocument
from gstims.domain.money import Tax, money
from gstims.domain.records import Kind

SECTIONS = {Kind.INV: "b2b", Kind.DN: "cdnr", Kind.CN: "cdnr", Kind.ECO: "ecomb2b"}
AMENDED = {"b2b": "b2ba", "cdnr": "cdnra", "ecomb2b": "ecomab2b"}
HUNDRED = Decimal(100)
_SUFFIX = {Kind.INV: "", Kind.DN: "D", Kind.CN: "C", Kind.ECO: ""}


def tax_on(taxable: Decimal, rate: Decimal, inter_state: bool, cess: Decimal = Decimal(0)) -> Tax:
    if inter_state:
        return Tax.of(igst=money(taxable * rate / HUNDRED), cess=cess)
    half = money(taxable * rate / HUNDRED / 2)
    return Tax.of(cgst=half, sgst=half, cess=cess)


@dataclass
class Numbering:
    """The next document number of each supplier, kind and financial year."""

    next: dict[tuple[str, Kind, int], int] = field(default_factory=lambda: defaultdict(int))

    def take(self, supplier: Party, kind: Kind, day: date) -> str:
        fy = financial_year_of(day)
        self.next[(supplier.gstin, kind, fy)] += 1
        seq = self.next[(supplier.gstin, kind, fy)]
        label = f"{fy % 100:02d}-{(fy + 1) % 100:02d}"
        width = 5 if kind is Kind.ECO else 3 if _SUFFIX[kind] else 4
        return f"{supplier.code}/{label}/{_SUFFIX[kind]}{seq:0{width}d}"


def rupees(rng: random.Random, low: int, high: int) -> Decimal:
    """A plausible taxable value: mostly round-ish, to the paisa now and then."""
    value = Decimal(rng.randrange(low, high))
    if rng.random() < 0.6:
        value = (value / 100).to_integral_value() * 100
    elif rng.random() < 0.3:
        value += Decimal(rng.randrange(1, 100)) / HUNDRED
    return money(value)


def document(
    rng: random.Random,
    numbering: Numbering,
    supplier: Party,
    recipient: Party,
    kind: Kind,
    day: date,
    *,
    scale: float = 1.0,
    pos: str | None = None,
    actual_supplier: str | None = None,
) -> SupplierDocument:
    """One fresh document of `kind` from `supplier` to `recipient` dated `day`."""
    trade = TRADES[supplier.trade]
    place = pos or (supplier.state if trade.own_state_pos else recipient.state)
    origin_state = (actual_supplier or supplier.gstin)[:2]
    inter = origin_state != place
    lines = 2 if kind is Kind.INV and len(trade.rates) > 1 and rng.random() < 0.3 else 1
    items = []
    for n in range(lines):
        rate = trade.rates[n] if lines > 1 else rng.choice(trade.rates)
        low, high = max(1, int(trade.low * scale)), max(2, int(trade.high * scale))
        taxable = rupees(rng, low, high)
        cess = money(taxable * trade.cess_per_mille / 1000)
        items.append(Item(rate, taxable, tax_on(taxable, rate, inter, cess)))
    return _assemble(
        SECTIONS[kind],
        kind,
        supplier.gstin,
        recipient.gstin,
        numbering.take(supplier, kind, day),
        day,
        place,
        tuple(items),
        reverse_charge=trade.reverse_charge and kind is not Kind.ECO,
        actual_supplier=actual_supplier,
    )


def amendment(original: SupplierDocument, factor: Decimal) -> SupplierDocument:
    """The original re-reported in its amendment section with each value × `factor`."""
    inter_state = any(item.tax.igst for item in original.items)
    items = []
    for item in original.items:
        taxable = money(item.taxable * factor)
        cess = money(item.tax.cess * factor)
        items.append(Item(item.rate, taxable, tax_on(taxable, item.rate, inter_state, cess)))
    amended = _assemble(
        AMENDED[original.section],
        original.kind,
        original.supplier,
        original.recipient,
        original.number,
        original.doc_date,
        original.pos,
        tuple(items),
        reverse_charge=original.reverse_charge,
        actual_supplier=original.actual_supplier,
    )
    return replace(amended, original_number=original.number, original_date=original.doc_date)


def _assemble(
    section: str,
    kind: Kind,
    supplier: str,
    recipient: str,
    number: str,
    day: date,
    pos: str,
    items: tuple[Item, ...],
    *,
    reverse_charge: bool = False,
    actual_supplier: str | None = None,
) -> SupplierDocument:
    taxable = sum((i.taxable for i in items), Decimal(0))
    tax = sum((i.tax.total for i in items), Decimal(0))
    return SupplierDocument(
        section=section,
        kind=kind,
        supplier=supplier,
        recipient=recipient,
        number=number,
        doc_date=day,
        value=money(taxable + (Decimal(0) if reverse_charge else tax)),
        pos=pos,
        reverse_charge=reverse_charge,
        items=items,
        actual_supplier=actual_supplier,
    )
