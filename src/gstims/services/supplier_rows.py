"""The rows a supplier's documents become (R-IN-4): values, hash and derived columns.

`document_hash` is what a re-save compares; `derived_columns` are a row's placement — route
(R-IN-5), 2B period (R-2B-2), specified flag (R-ACT-2), pending deadline (R-ACT-4) and 16(4)
limit (R-CAL-3) — from the domain; `Derivations` asks for them once per distinct
`derivation_signature` (the facts that decide them). Used by GSTR-1 saves and filings, the
GSTR-5/6 feeds, the 3B's successors (`as_held`) and the demo's bulk generator.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from gstims.domain.actions import view_of
from gstims.domain.calendar import financial_year_of, section_16_4_limit
from gstims.domain.documents import SupplierDocument
from gstims.domain.money import Tax
from gstims.domain.records import Record, period_2b, route
from gstims.domain.state import NO_ACTION
from gstims.domain.taxpayer import Taxpayer
from gstims.store.records.mapping import ORIGINAL_COLUMNS, period_int, record_of, to_paise


def document_hash(doc: SupplierDocument) -> str:
    """What a re-save compares: the document's fields joined by US (\\x1f), then each item's
    rate, taxable value and heads (one f-string of `str()`s: it runs once per document)."""
    text = (
        f"{doc.section}\x1f{doc.kind.value}\x1f{doc.recipient}\x1f{doc.number}\x1f"
        f"{doc.doc_date.isoformat()}\x1f{doc.value!s}\x1f{doc.pos}\x1f{doc.supply_type}\x1f"
        f"{doc.reverse_charge!s}\x1f{doc.diff_percent!s}\x1f{doc.original_number!s}\x1f"
        f"{doc.original_date!s}\x1f{doc.actual_supplier!s}"
    )
    for item in doc.items:
        tax = item.tax
        text += (
            f"\x1f{item.rate!s}\x1f{item.taxable!s}"
            f"\x1f{tax.igst!s}\x1f{tax.cgst!s}\x1f{tax.sgst!s}\x1f{tax.cess!s}"
        )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ReturnFacts:
    """What every row of one save request shares; `amends`: whether any of its documents is
    an amendment (only then do its rows carry the `orig_*` columns, NULL otherwise)."""

    origin: str
    source_period: int
    supplier_frequency: str
    amends: bool


def row_values(
    doc: SupplierDocument, facts: ReturnFacts, previous: Mapping[str, Any] | None, digest: str
) -> dict[str, Any]:
    """The row of a document, but for its derived columns (`Derivations`) and, when the
    request amends nothing, its `orig_*` columns. Its `hash` is `digest`."""
    key = doc.key
    items = doc.items
    rate: str | None
    if len(items) == 1:  # the usual document: `item_amounts`, read off its lone item
        only = items[0]
        tax, taxable, rate = only.tax, only.taxable, str(only.rate)
    else:
        tax, taxable, rate = item_amounts(doc)
    diff_percent = doc.diff_percent
    values = {
        "recipient": doc.recipient,
        "supplier": key.supplier,
        "kind": str(key.kind),
        "number": key.number,
        "fy": key.fy,
        "amend_no": previous["amend_no"] if previous is not None else 0,
        "live": True,
        "origin": facts.origin,
        "source_period": facts.source_period,
        "supplier_frequency": facts.supplier_frequency,
        "doc_number": doc.number,
        "doc_date": doc.doc_date,
        "pos": doc.pos,
        "supply_type": doc.supply_type,
        "rchrg": doc.reverse_charge,
        "diff_percent": str(diff_percent) if diff_percent is not None else None,
        "rate": rate,
        "value": to_paise(doc.value),
        "taxable": to_paise(taxable),
        "igst": to_paise(tax.igst),
        "cgst": to_paise(tax.cgst),
        "sgst": to_paise(tax.sgst),
        "cess": to_paise(tax.cess),
        "filed_on": None,
        "actual_supplier": doc.actual_supplier,
        "port_code": None,
        "ref_date": None,
        "hash": digest,
        "time_barred": False,
        "action": "N",
        "version": 0,
    }
    if facts.amends:
        values.update(_original_columns(doc, previous))
    return values


def item_amounts(doc: SupplierDocument) -> tuple[Tax, Decimal, str | None]:
    """(tax, taxable value, the one rate as text or None when the items differ) of the
    document's items, summed: the plain path of `row_values`' lone-item reading."""
    rates = {item.rate for item in doc.items}
    return doc.tax, doc.taxable, str(rates.pop()) if len(rates) == 1 else None


_HEADS = ("igst", "cgst", "sgst", "cess")
NO_ORIGINAL: Mapping[str, Any] = dict.fromkeys(ORIGINAL_COLUMNS)


def _original_columns(
    doc: SupplierDocument, previous: Mapping[str, Any] | None
) -> Mapping[str, Any]:
    if not doc.is_amendment or previous is None:
        return NO_ORIGINAL
    # Replacing an unfiled amendment of this very return, or an unconsumed amendment of a
    # consumed original: measured, as it was, against what the chain gave (R-2B-5).
    replaces_amendment = previous["orig_number"] is not None and previous["consumed_in"] is None
    if replaces_amendment and (previous["filed_on"] is None or previous["orig_consumed"]):
        return {k: previous[k] for k in NO_ORIGINAL}
    return original_columns_of(previous)


def original_columns_of(previous: Mapping[str, Any]) -> dict[str, Any]:
    """The `orig_*` columns of an amendment of the row `previous`: its number, date and tax,
    and, if consumed, the action it was consumed with and the effect it gave (R-2B-5)."""
    consumed = previous["consumed_in"] is not None
    return {
        "orig_number": previous["doc_number"],
        "orig_date": previous["doc_date"],
        "orig_consumed": consumed,
        "orig_action": previous["consumed_action"] if consumed else previous["action"],
        **{f"orig_{h}": previous[h] for h in _HEADS},
        **{f"orig_eff_{h}": (previous[f"eff_{h}"] if consumed else 0) for h in _HEADS},
    }


def derived_columns(values: Mapping[str, Any], recipient: Taxpayer, today: date) -> dict[str, Any]:
    """Route, 2B period, specified flag, pending deadline and 16(4) limit of a row (one
    without `orig_*` columns amends nothing)."""
    record: Record = record_of({**NO_ORIGINAL, **values, "id": 0})
    p2b = period_2b(record, recipient.frequency, today)
    where = route(record, recipient.state, p2b, today)
    view = view_of(record, NO_ACTION, p2b, recipient.frequency, recipient.state)
    limit_date = record.original.doc_date if record.original else record.doc_date
    return {
        "route": where.value,
        "period_2b": period_int(p2b),
        "specified": view.specified,
        "pending_until": view.pending_until,
        "limit_16_4": section_16_4_limit(limit_date),
    }


# What decides the derived columns of a record that amends nothing: the domain functions
# behind `derived_columns` (period_2b, route, view_of, section_16_4_limit) read only these
# facts of it. An amendment is also judged against its original, so it is derived on its own.
SIGNATURE_COLUMNS = (
    "recipient",  # its state and frequency
    "kind",
    "origin",
    "source_period",
    "supplier_frequency",
    "filed_on",
    "rchrg",
    "pos",
    "supplier",  # its state, unless an e-commerce record names the actual supplier
    "actual_supplier",
    "time_barred",
    "ref_date",
    "doc_date",  # its financial year: the 16(4) limit
    "orig_number",  # set on an amendment
)


def derivation_signature(values: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The facts that decide a row's derived columns (None for an amendment, derived alone):
    rows sharing them share the result."""
    if values.get("orig_number") is not None:
        return None
    return (
        values["recipient"],
        values["kind"],
        values["origin"],
        values["source_period"],
        values["supplier_frequency"],
        values["filed_on"],
        bool(values["rchrg"]),
        values["pos"],
        (values["actual_supplier"] or values["supplier"])[:2],
        bool(values["time_barred"]),
        values["ref_date"],
        financial_year_of(values["doc_date"]),
    )


class Derivations:
    """`derived_columns` once per distinct signature: a lakh of invoices to one recipient in
    one return mostly share one result, and the rules still come only from the domain."""

    def __init__(self, recipients: Mapping[str, Taxpayer], today: date) -> None:
        self.recipients = recipients
        self.today = today
        self._known: dict[tuple[Any, ...], dict[str, Any]] = {}

    def __call__(self, values: Mapping[str, Any]) -> Mapping[str, Any]:
        signature = derivation_signature(values)
        found = self._known.get(signature) if signature is not None else None
        if found is None:
            found = derived_columns(values, self.recipients[values["recipient"]], self.today)
            if signature is not None:
                self._known[signature] = found
        return found
