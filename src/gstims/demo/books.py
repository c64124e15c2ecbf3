"""The demo recipients' purchase registers, with the noise real books have (R-REC-1 … 4).

For each recipient, the documents its suppliers issued to it, as its accountant booked them:
most as issued; some numbers written another way (`inv/0042` for `INV-42`), some tax off
by a rounding of under a rupee, a few booked with a wrong amount, items split into two rows,
one supplier booked under another state's GSTIN of its PAN, a few purchases never reported
by the supplier, and a few reported but never booked. A first-time user opening the
reconciliation page sees every common outcome.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from decimal import Decimal

from gstims.domain.documents import SupplierDocument
from gstims.domain.gstin import make_gstin
from gstims.domain.money import Tax, money, sum_tax
from gstims.domain.reconcile.books import FIELDS, RegisterRow
from gstims.domain.records import Kind
from gstims.services import books
from gstims.store.db import UnitOfWork

KIND_WORDS = {Kind.INV: "Invoice", Kind.DN: "Debit Note", Kind.CN: "Credit Note"}
COLUMNS = {f: f for f in FIELDS}


def _row(
    n: int, d: SupplierDocument, number: str, supplier: str, tax: Tax, taxable: Decimal
) -> RegisterRow:
    return RegisterRow(
        n,
        {
            "supplier_gstin": supplier,
            "kind": KIND_WORDS[d.kind],
            "number": number,
            "date": f"{d.doc_date:%d-%m-%Y}",
            "taxable": f"{taxable:,}",
            "igst": str(tax.igst),
            "cgst": str(tax.cgst),
            "sgst": str(tax.sgst),
            "cess": str(tax.cess),
            "ref": f"PUR/{n:05d}",
        },
    )


def noisy_register(rng: random.Random, documents: Iterable[SupplierDocument]) -> list[RegisterRow]:
    rows: list[RegisterRow] = []
    moved = None  # the one supplier booked under another GSTIN of its PAN
    for d in documents:
        if d.kind not in KIND_WORDS or d.original_number or d.reverse_charge:
            continue
        noise = rng.random()
        if noise < 0.03:
            continue  # never booked: only in the portal
        number, supplier = d.number, d.supplier
        tax = sum_tax(i.tax for i in d.items)
        taxable = sum((i.taxable for i in d.items), money(0))
        if noise < 0.25:
            number = d.number.lower().replace("-", "/")
        elif noise < 0.35:
            tax = Tax(*(h + money("0.40") if h else h for h in tax.heads))
        elif noise < 0.38:
            taxable = money(taxable * Decimal("0.9"))
            tax = Tax(*(money(h * Decimal("0.9")) for h in tax.heads))
        elif noise < 0.40 and moved in (None, d.supplier):
            moved = d.supplier
            other_state = "07" if d.supplier[:2] != "07" else "09"
            supplier = str(make_gstin(other_state, d.supplier[2:12]))
        if noise > 0.9 and taxable > 1:
            half_taxable = money(taxable / 2)
            half_tax = Tax(*(money(h / 2) for h in tax.heads))
            rows.append(_row(len(rows) + 2, d, number, supplier, half_tax, half_taxable))
            tax, taxable = tax - half_tax, taxable - half_taxable
        rows.append(_row(len(rows) + 2, d, number, supplier, tax, taxable))
    return rows


def book_purchases(
    uow: UnitOfWork, rng: random.Random, recipient: str, issued: Iterable[SupplierDocument]
) -> int:
    """Import the recipient's noisy register, with a few purchases the suppliers never
    reported (only in the books). Returns the documents imported."""
    mine = [d for d in issued if d.recipient == recipient]
    rows = noisy_register(rng, mine)
    for k, d in enumerate(mine[:3]):
        fake = _row(len(rows) + 2, d, f"UNREP-{k + 1}", d.supplier, Tax.of(igst=90), money(500))
        rows.append(fake)
    if not rows:
        return 0
    outcome = books.import_rows(uow, recipient, rows, COLUMNS, "demo register", "generic")
    return outcome.documents
