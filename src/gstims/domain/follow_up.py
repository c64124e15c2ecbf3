"""Supplier follow-up: what to ask each supplier before the 3B is filed (issue 17, R-REC-20).

Per supplier, from the GSTIN's latest reconciliation run and its IMS:

    missing    a books document the supplier has not reported (`only_in_books`)
    differs    a document whose amounts or tax heads differ from the books (`value_mismatch`,
               `tax_type_mismatch`), or reported under another GSTIN of the supplier's PAN
               (`other_gstin_same_pan`)
    rejected   an IMS record the recipient Rejected, with the remarks saying why
    pending    an IMS record kept Pending, with its remarks

**(decision)** ITC at risk: the books tax of a missing document; on a difference, the books
tax above the portal's (never negative); the tax of a Rejected or Pending invoice or debit
note (its credit is not in GSTR-2B until the supplier acts). A Rejected or Pending credit
note puts no ITC at risk (it would reduce ITC): at risk ₹0.

Worked example: books INV-9 of ₹900 tax that supplier S never reported, and S's INV-3 of
₹1,800 tax kept Pending "awaiting delivery": S's follow-up lists both, ITC at risk ₹2,700.

The message to paste into an e-mail shows every text a supplier or a file controls through
`printable`: no control or invisible character reaches the mail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from gstims.domain.money import ZERO, money
from gstims.domain.records import Action, Kind
from gstims.domain.text import printable

MISSING, DIFFERS, REJECTED, PENDING = "missing", "differs", "rejected", "pending"
KINDS = (MISSING, DIFFERS, REJECTED, PENDING)
ASK = {
    MISSING: "Not reported by you: please report it in your GSTR-1 / IFF",
    DIFFERS: "Differs from our books: please check and amend",
    REJECTED: "Rejected by us",
    PENDING: "Kept pending by us",
}
_DIFFERS = frozenset({"value_mismatch", "tax_type_mismatch", "other_gstin_same_pan"})


@dataclass(frozen=True, slots=True)
class Ask:
    kind: str  # one of KINDS
    number: str
    doc_date: str  # dd-mm-yyyy
    books_tax: Decimal | None
    portal_tax: Decimal | None
    at_risk: Decimal
    why: str  # the reconciliation's reason, or the recipient's remarks


@dataclass(frozen=True, slots=True)
class SupplierAsks:
    supplier: str
    asks: tuple[Ask, ...]

    @property
    def at_risk(self) -> Decimal:
        return sum((a.at_risk for a in self.asks), ZERO)

    def count(self, kind: str) -> int:
        return sum(1 for a in self.asks if a.kind == kind)


@dataclass(frozen=True, slots=True)
class Held:
    """An IMS record the recipient Rejected or kept Pending."""

    id: int
    supplier: str
    kind: Kind
    number: str
    doc_date: date
    action: Action
    remarks: str | None
    tax: Decimal


def _signed(docs: Iterable[Mapping[str, Any]]) -> Decimal:
    return sum((money(d["tax"]) * (-1 if d.get("kind") == "CN" else 1) for d in docs), ZERO)


def _from_result(r: Mapping[str, Any]) -> Ask | None:
    outcome = r["outcome"]
    books, portal = r["books"], r["portal"]
    if outcome == "only_in_books":
        tax = _signed(books)
        kind = MISSING
        at_risk = max(tax, ZERO)
        portal_tax = None
    elif outcome in _DIFFERS:
        tax, portal_tax = _signed(books), _signed(portal)
        kind, at_risk = DIFFERS, max(tax - portal_tax, ZERO)
    else:
        return None
    shown = books or portal
    return Ask(
        kind,
        ", ".join(d["number"] for d in shown),
        ", ".join(d["date"] for d in shown),
        tax,
        portal_tax,
        at_risk,
        r["reason"],
    )


def _from_held(h: Held) -> Ask:
    at_risk = ZERO if h.kind is Kind.CN else h.tax
    kind = REJECTED if h.action is Action.REJECT else PENDING
    return Ask(kind, h.number, f"{h.doc_date:%d-%m-%Y}", None, h.tax, at_risk, h.remarks or "")


def follow_up(results: Sequence[Mapping[str, Any]], held: Iterable[Held]) -> list[SupplierAsks]:
    """Per supplier (by GSTIN; "" for imports), what to ask, suppliers in GSTIN order."""
    asks: dict[str, list[Ask]] = defaultdict(list)
    differs: set[int] = set()  # listed once, as a difference, even when Pending
    for r in results:
        ask = _from_result(r)
        if ask is not None:
            asks[r["supplier"]].append(ask)
            differs.update(int(p["id"]) for p in r["portal"])
    for h in held:
        if h.id not in differs:
            asks[h.supplier].append(_from_held(h))
    return [
        SupplierAsks(supplier, tuple(sorted(found, key=lambda a: (KINDS.index(a.kind), a.number))))
        for supplier, found in sorted(asks.items())
    ]


def message(s: SupplierAsks, our_gstin: str, our_name: str) -> str:
    """A plain-text message to the supplier, ready to paste into an e-mail."""
    lines = [
        f"To: {s.supplier or 'import documents'}",
        f"From: {printable(our_name)} (GSTIN {our_gstin})",
        "",
        "Dear supplier,",
        "",
        "Before we file our GSTR-3B, please look at these documents:",
    ]
    for kind in KINDS:
        found = [a for a in s.asks if a.kind == kind]
        if not found:
            continue
        lines += ["", f"{ASK[kind]}:"]
        for a in found:
            amount = a.books_tax if a.books_tax is not None else a.portal_tax
            why = f" ({printable(a.why)})" if a.why else ""
            lines.append(f"- {printable(a.number)} of {a.doc_date}, tax Rs {amount}{why}")
    lines += [
        "",
        f"Input tax credit at risk: Rs {s.at_risk}",
        "",
        "Thank you,",
        printable(our_name),
    ]
    return "\n".join(lines) + "\n"
