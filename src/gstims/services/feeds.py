"""Sandbox feeds of documents that do not come from GSTR-1: GSTR-5, GSTR-6 and ICEGATE.

They count as filed on the clock's day they arrive (R-IN-5). Non-resident (GSTR-5) and ISD
(GSTR-6) documents go straight to GSTR-2B (R-IN-5b, c); bills of entry follow their ICEGATE
reference date (R-IN-6): before the Oct 2025 period straight to 2B imports (R-IN-5d), from
then on into IMS section `impg` / `impgsez`. Re-sending a document unchanged changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from gstims.domain.calendar import Frequency, Period, financial_year_of
from gstims.domain.documents import MAX_AMOUNT, Problem, SupplierDocument
from gstims.domain.gstin import gstin_problems
from gstims.domain.money import Tax
from gstims.domain.records import Kind, Origin, normalise_number
from gstims.services.context import taxpayers_by_gstin
from gstims.services.errors import Invalid
from gstims.services.supplier_rows import Derivations, document_hash
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import ORIGINAL_COLUMNS, period_int, tax_paise, to_paise


@dataclass(frozen=True, slots=True)
class IsdDocument:
    recipient: str
    isd_credit_note: bool  # ISDC (reduces ITC) or ISDI
    number: str
    doc_date: date
    tax: Tax


@dataclass(frozen=True, slots=True)
class BillOfEntry:
    recipient: str
    port_code: str
    number: str
    boe_date: date
    ref_date: date
    taxable: Decimal
    tax: Tax  # IGST and cess
    sez_supplier: str | None = None


def feed_gstr5(
    uow: UnitOfWork, gstin: str, period: Period, docs: Sequence[SupplierDocument]
) -> int:
    """GSTR-5 b2b documents of a non-resident supplier (R-IN-5b)."""
    rows = [
        _base(
            d.recipient,
            gstin,
            d.kind,
            d.number,
            d.doc_date,
            Origin.GSTR5,
            period,
            value=d.value,
            taxable=d.taxable,
            tax=d.tax,
            pos=d.pos,
            digest=document_hash(d),
        )
        for d in docs
    ]
    return _store(uow, Origin.GSTR5, rows, [gstin, *(d.recipient for d in docs)])


def feed_gstr6(uow: UnitOfWork, gstin: str, period: Period, docs: Sequence[IsdDocument]) -> int:
    """GSTR-6 distributions of an input service distributor (R-IN-5c)."""
    rows = [
        _base(
            d.recipient,
            gstin,
            Kind.CN if d.isd_credit_note else Kind.INV,
            d.number,
            d.doc_date,
            Origin.GSTR6,
            period,
            value=d.tax.total,
            taxable=Decimal(0),
            tax=d.tax,
            pos=d.recipient[:2],
            digest=_digest(d),
        )
        for d in docs
    ]
    return _store(uow, Origin.GSTR6, rows, [gstin, *(d.recipient for d in docs)])


def feed_icegate(uow: UnitOfWork, boes: Sequence[BillOfEntry]) -> int:
    """Bills of entry (R-IN-5d, R-IN-6), identified by port code, number and date."""
    rows = []
    for b in boes:
        row = _base(
            b.recipient,
            b.sez_supplier or "",
            Kind.BOE,
            f"{b.port_code}/{b.number}",
            b.boe_date,
            Origin.ICEGATE,
            Period.of(b.ref_date),
            value=b.taxable + b.tax.total,
            taxable=b.taxable,
            tax=b.tax,
            pos="96",
            digest=_digest(b),
        )
        row.update(port_code=b.port_code, ref_date=b.ref_date)
        rows.append(row)
    return _store(
        uow,
        Origin.ICEGATE,
        rows,
        [b.sez_supplier for b in boes if b.sez_supplier] + [b.recipient for b in boes],
    )


def _digest(doc: object) -> str:
    return hashlib.sha256(repr(doc).encode()).hexdigest()


def _base(
    recipient: str,
    supplier: str,
    kind: Kind,
    number: str,
    doc_date: date,
    origin: Origin,
    period: Period,
    *,
    value: Decimal,
    taxable: Decimal,
    tax: Tax,
    pos: str,
    digest: str,
) -> dict[str, Any]:
    return {
        "recipient": recipient,
        "supplier": supplier,
        "kind": kind.value,
        "number": normalise_number(number),
        "fy": financial_year_of(doc_date),
        "amend_no": 0,
        "live": True,
        "origin": origin.value,
        "source_period": period_int(period),
        "supplier_frequency": Frequency.MONTHLY.value,
        "doc_number": number,
        "doc_date": doc_date,
        "pos": pos,
        "supply_type": "R",
        "rchrg": False,
        "diff_percent": None,
        "rate": None,
        "value": to_paise(value),
        "taxable": to_paise(taxable),
        **tax_paise(tax),
        "filed_on": None,
        **dict.fromkeys(ORIGINAL_COLUMNS),
        "actual_supplier": None,
        "port_code": None,
        "ref_date": None,
        "hash": digest,
        "time_barred": False,
        "action": "N",
        "version": 0,
    }


_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/-]{0,15}")
_PORT = re.compile(r"[A-Za-z0-9]{1,6}")
_MAX_PAISE = to_paise(MAX_AMOUNT)


def _amount_problems(row: dict[str, Any]) -> list[Problem]:
    """The caps of a supplier's document hold for a fed one too (documents.MAX_AMOUNT)."""
    tax = row["igst"] + row["cgst"] + row["sgst"] + row["cess"]
    if max(row["value"], row["taxable"], tax) <= _MAX_PAISE:
        return []
    message = f"the value, taxable value and tax of a document are each at most {MAX_AMOUNT}"
    return [Problem("feed", row["doc_number"][:40], "txval", message)]


def _identity_problems(row: dict[str, Any]) -> list[Problem]:
    """Document numbers of 1-16 characters (R-IN-4); a port code of at most 6 characters."""
    number = row["doc_number"]
    if row["kind"] == Kind.BOE.value:
        port, _, boe = number.partition("/")
        problems = []
        if not _PORT.fullmatch(port):
            problems.append(
                Problem("feed", number, "portcode", "a port code is 1-6 letters or digits")
            )
        if not _NUMBER.fullmatch(boe):
            problems.append(
                Problem("feed", number, "boenum", "a bill of entry number is 1-16 characters")
            )
        return problems
    if not _NUMBER.fullmatch(number):
        return [
            Problem("feed", number[:40], "docnum", "a document number is 1-16 of A-Z a-z 0-9 / -")
        ]
    return []


def _store(uow: UnitOfWork, origin: Origin, rows: list[dict[str, Any]], gstins: list[str]) -> int:
    today = uow.today()
    recipients = taxpayers_by_gstin(uow, {r["recipient"] for r in rows})
    problems = (
        [
            Problem(
                "feed", r["doc_number"], "rtin", f"recipient {r['recipient']} is not registered"
            )
            for r in rows
            if r["recipient"] not in recipients
        ]
        + [
            Problem("feed", r["doc_number"], "gstin", f"{r['supplier']}: {p}")
            for r in rows
            if r["supplier"]
            for p in gstin_problems(r["supplier"])
        ]
        + [problem for r in rows for problem in _identity_problems(r)]
        + [problem for r in rows for problem in _amount_problems(r)]
    )
    if problems:
        raise Invalid(problems)
    uow.lock(gstins)
    existing = uow.records.keys(sorted(recipients), origin)
    fresh = []
    derive = Derivations(recipients, today)
    for row in rows:
        key = (row["supplier"], row["kind"], row["number"], row["fy"])
        if key in existing:
            continue
        existing.add(key)
        row["filed_on"] = today
        row.update(derive(row))
        fresh.append(row)
    if fresh:
        uow.records.add(fresh)
    return len(fresh)
