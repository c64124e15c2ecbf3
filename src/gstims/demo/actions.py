"""How the demo's recipients work their IMS: accept, reject, keep pending, declare, reset.

Each recipient looks at every filed record once, on the 15th after it arrives, and decides
the way an accounts team does: most invoices are left to be deemed accepted or accepted
against a goods receipt, a few are rejected with a reason, some are kept pending while
goods are awaited. Credit notes of era E2 are accepted with an ITC-reduction declaration
(full, partial with remarks, or nil with remarks, R-ACT-7). Pending records are revisited
each month, but every second credit note put on Pending is forgotten, so it expires at its
deadline and is deemed accepted (R-ACT-4), and some invoices of FY 2024-25 stay pending until
section 16(4) takes them out of IMS (R-ACT-5). Every choice is first checked against the record's view (`ispendactblocked`,
`isItcRedReqBlocked`, R-ACT-6 for bills of entry), so the rule table never refuses one.

Example: on 15-11-2025 Kaveri Textiles sees credit note `BJP/25-26/C004` (2B period 102025,
IGST 4,500): it accepts with `itcRedReq` Y, `declIgst` 2,250 and remarks "ITC availed only
on half the original invoice".
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from gstims.domain.calendar import Era, financial_year_of
from gstims.domain.ims import ActionItem, ImsRecord
from gstims.domain.money import Tax, money
from gstims.domain.records import Action, Kind, Section
from gstims.domain.state import Declaration

REJECT_REASONS = (
    "Goods not received at our warehouse",
    "Rate differs from purchase order",
    "Quantity billed exceeds GRN",
    "Duplicate of an invoice already booked",
    "Not our purchase: wrong GSTIN billed",
)
PENDING_REASONS = (
    "Awaiting goods receipt note",
    "Under reconciliation with purchase order",
    "Supplier asked to issue a credit note",
    "Payment terms under discussion",
)
ACCEPT_REMARKS = ("Matched with GRN", "Matched with PO and GRN", "Verified by accounts", None, None)
CN_REJECT_REASONS = ("Credit note not agreed with supplier", "No such discount was agreed")
BOE = {Section.IMPG, Section.IMPGA, Section.IMPGSEZ, Section.IMPGSEZA}


@dataclass
class Desk:
    """One recipient's accounts desk: what it has looked at and what it keeps pending."""

    rng: random.Random
    seen: set[int] = field(default_factory=set)
    stubborn: set[int] = field(default_factory=set)  # kept pending until the rules end it
    pending_notes: int = 0

    def decide(self, records: Sequence[ImsRecord]) -> list[ActionItem]:
        items = []
        for r in records:
            if r.record.filed_on is None and r.section not in BOE:
                continue
            if r.state.action is Action.PENDING:
                item = self._revisit(r)
            elif r.id in self.seen:
                continue
            else:
                self.seen.add(r.id)
                item = self._first_look(r)
            if item is not None:
                items.append(item)
        return items

    def resets(self, records: Sequence[ImsRecord]) -> list[ActionItem]:
        """Now and then a rejection is withdrawn after a call with the supplier (R-ACT-10)."""
        rejected = [r for r in records if r.state.action is Action.REJECT]
        if not rejected or self.rng.random() > 0.35:
            return []
        return [_item(self.rng.choice(rejected), Action.NO_ACTION)]

    def _first_look(self, r: ImsRecord) -> ActionItem | None:
        roll = self.rng.random()
        if r.section in BOE:
            if roll < 0.5:
                return _item(r, Action.ACCEPT, "Matched with bill of entry copy")
            if roll < 0.6 and not r.pending_blocked:
                return _item(r, Action.PENDING, "Awaiting customs duty payment proof")
            return None
        if r.view.specified:
            return self._credit_note(r, roll)
        if roll < 0.45:
            return None  # deemed accepted at the next 2B
        if roll < 0.78:
            return _item(r, Action.ACCEPT, self.rng.choice(ACCEPT_REMARKS))
        if roll < 0.86:
            return _item(r, Action.REJECT, self.rng.choice(REJECT_REASONS))
        if r.pending_blocked:
            return None
        if financial_year_of(r.record.doc_date) == 2024 and self.rng.random() < 0.3:
            self.stubborn.add(r.id)
        return _item(r, Action.PENDING, self.rng.choice(PENDING_REASONS))

    def _credit_note(self, r: ImsRecord, roll: float) -> ActionItem | None:
        if roll < 0.12:
            return _item(r, Action.REJECT, self.rng.choice(CN_REJECT_REASONS))
        if r.view.era is Era.E1:
            return None if roll < 0.6 else _item(r, Action.ACCEPT, "Credit note agreed")
        if roll < 0.3 and not r.pending_blocked:
            self.pending_notes += 1
            if self.pending_notes % 2:
                self.stubborn.add(r.id)  # forgotten: it expires and is deemed accepted (R-ACT-4)
            return _item(r, Action.PENDING, "Checking whether ITC was availed on the invoice")
        if roll < 0.45 or r.declaration_blocked:
            return None  # deemed accepted: full reduction
        if roll < 0.65:
            return _item(r, Action.ACCEPT, None, Declaration(True))
        if roll < 0.88:
            return _item(
                r,
                Action.ACCEPT,
                "ITC availed only on half the original invoice",
                Declaration(True, _half(r.record.tax)),
            )
        return _item(
            r, Action.ACCEPT, "ITC on the original invoice was never availed", Declaration(False)
        )

    def _revisit(self, r: ImsRecord) -> ActionItem | None:
        if r.id in self.stubborn:
            return None
        roll = self.rng.random()
        if roll < 0.55:
            remarks = "Goods received" if r.record.key.kind is not Kind.CN else None
            declaration = Declaration(True) if not r.declaration_blocked else None
            return _item(r, Action.ACCEPT, remarks, declaration)
        if roll < 0.65 and r.section not in BOE:
            return _item(r, Action.REJECT, self.rng.choice(REJECT_REASONS))
        return None


def _half(tax: Tax) -> Tax:
    half_c = money(tax.cgst / 2)
    return Tax(money(tax.igst / 2), half_c, half_c, money(tax.cess / 2))


def _item(
    r: ImsRecord,
    action: Action,
    remarks: str | None = None,
    declaration: Declaration | None = None,
) -> ActionItem:
    return ActionItem(
        section=r.section,
        supplier=r.record.key.supplier,
        number=r.record.number,
        doc_date=r.record.doc_date,
        action=action,
        prev_status=r.state.action,
        remarks=remarks,
        declaration=declaration,
        rtnprd=r.record.supplier_period.code,
    )
