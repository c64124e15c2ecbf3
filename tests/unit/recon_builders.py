"""Small builders for reconciliation tests, in the domain's words."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gstims.domain.money import Tax, money
from gstims.domain.reconcile.model import Document
from gstims.domain.records import Kind, Route

RECIPIENT = "24AAQCA8719H1ZC"
SUPPLIER = "24AABCR6898M1ZN"


def doc(
    ref: str,
    number: str,
    day: date = date(2024, 11, 5),
    taxable: str | int = 10000,
    cgst: str | int = 900,
    sgst: str | int = 900,
    igst: str | int = 0,
    cess: str | int = 0,
    kind: Kind = Kind.INV,
    supplier: str = SUPPLIER,
    recipient: str = RECIPIENT,
    portal: bool = False,
    **more: object,
) -> Document:
    """A document of ₹10,000 + 9 % CGST + 9 % SGST unless told otherwise."""
    fields: dict[str, object] = {"route": Route.IMS, "section": "b2b"} if portal else {}
    fields.update(more)
    return Document(
        ref=ref,
        recipient=recipient,
        supplier=supplier,
        kind=kind,
        number=number,
        doc_date=day,
        taxable=money(taxable),
        tax=Tax.of(igst=igst, cgst=cgst, sgst=sgst, cess=cess),
        **fields,  # type: ignore[arg-type]
    )


def books(ref: str, number: str, **kw: object) -> Document:
    return doc(ref, number, **kw)  # type: ignore[arg-type]


def portal(ref: str, number: str, **kw: object) -> Document:
    return doc(ref, number, portal=True, **kw)  # type: ignore[arg-type]


def rupees(text: str) -> Decimal:
    return money(text)
