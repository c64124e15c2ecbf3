"""Writing a period's filed GSTR-1 records in bulk, exactly as the use cases would store them.

Each document is built to pass R-IN-4 (IGST inter-state, CGST = SGST intra-state, tax = rate ×
taxable to the paisa), its hash is `supplier_rows.document_hash`'s, and its derived columns
(route, 2B period, specified flag, pending deadline, 16(4) limit) come from
`supplier_rows.derived_columns`, computed once per `supplier_rows.derivation_signature` (the
facts that decide them, never the amounts). One document of each shape (supplier state, kind, POS, reverse charge) and of each
party is validated with `validate_documents`, and the first document's hash is checked against
`document_hash`, so the bulk layout cannot drift from the service's.

Set-based (style.md habit 6): per chunk of 20,000, the documents' own values go into a narrow
temporary table with one `executemany`, then ONE `INSERT ... SELECT` joins them with their
signatures into `records` (`store.records.staging.SignedLoad`, reached as
`uow.records.signed_load()`: the records table has one writer) — while the next chunk is generated (the database driver
releases the GIL, so the two overlap on two cores).

Example: 100,000 records from 100 suppliers make about 89,000 invoices (2% reverse charge, 1%
POS-ineligible), 8,000 credit notes and 3,000 debit notes, at 18% mostly, then 5%, 12%, 28%.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any

from gstims.domain.calendar import Period, financial_year_of
from gstims.domain.documents import Item, ReturnContext, SupplierDocument, validate_documents
from gstims.domain.money import Tax
from gstims.domain.records import Kind
from gstims.domain.taxpayer import Taxpayer
from gstims.services.supplier_rows import derivation_signature, derived_columns, document_hash
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import from_paise, period_int

CHUNK = 20_000  # documents generated while the previous chunk is stored
RATES = (  # (rate, weight): most goods at 18%, then 5%, 12%, 28%
    ("18", 45),
    ("5", 20),
    ("12", 15),
    ("28", 10),
    ("3", 4),
    ("0.25", 2),
    ("40", 2),
    ("1.5", 2),
)


def write_filed_gstr1(
    uow: UnitOfWork,
    period: Period,
    count: int,
    filed_on: date,
    suppliers: list[Taxpayer],
    recipients: list[Taxpayer],
    rng: random.Random,
) -> None:
    """`count` records shared by the suppliers, each supplier's GSTR-1 for `period` filed."""
    _Writer(uow, period, count, filed_on, rng).write(suppliers, recipients)


_SECTION = {Kind.INV: "b2b", Kind.CN: "cdnr", Kind.DN: "cdnr"}
_KINDS = (Kind.INV, Kind.CN, Kind.DN)
_PREFIXES = ("GI", "GC", "GD")


@dataclass(frozen=True, slots=True)
class _Signature:
    """What documents share beyond their number, date and amounts."""

    id: int
    supplier: Taxpayer
    recipient: Taxpayer
    kind: Kind
    pos: str
    reverse_charge: bool
    inter_state: bool = field(init=False)
    head: str = field(init=False)  # `document_hash` text: section, kind, recipient
    middle: str = field(init=False)  # pos, supply type, reverse charge, four None

    def __post_init__(self) -> None:
        kind = self.kind
        setattr_ = object.__setattr__
        setattr_(self, "inter_state", self.supplier.state != self.pos)
        setattr_(self, "head", f"{_SECTION[kind]}\x1f{kind.value}\x1f{self.recipient.gstin}\x1f")
        none4 = "\x1f".join(["None"] * 4)
        setattr_(self, "middle", f"{self.pos}\x1fR\x1f{self.reverse_charge}\x1f{none4}")


def _taxes(taxable: int, basis_points: int, inter_state: bool) -> tuple[int, int]:
    """(IGST, CGST = SGST) in paise: rate × taxable, rounded half-up to the paisa (R-IN-4)."""
    if inter_state:
        return (taxable * basis_points + 5_000) // 10_000, 0
    return 0, (taxable * basis_points + 10_000) // 20_000


class _Writer:
    """Generates the documents of one period and writes them set-based."""

    def __init__(
        self, uow: UnitOfWork, period: Period, count: int, filed_on: date, rng: random.Random
    ) -> None:
        self.uow, self.period, self.count, self.filed_on, self.rng = (
            uow,
            period,
            count,
            filed_on,
            rng,
        )
        self.signatures: dict[tuple[str, str, Kind, str, bool], _Signature] = {}
        self.derived: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.checked: set[Any] = set()  # shapes and parties validated
        self.last_day = min(period.last_day, filed_on)
        fy = financial_year_of(period.first_day)
        self.fy_label = f"{fy % 100:02d}-{(fy + 1) % 100:02d}"
        self.rates = [Decimal(r) for r, w in RATES for _ in range(w)]
        # taxable values from ₹1,100 to ₹4.4 lakh, small invoices the most common
        self.amounts = [
            int(math.exp(rng.uniform(7, 13))) * 100 + rng.choice((0, 0, 0, 50, 75))
            for _ in range(4096)
        ]

    def write(self, suppliers: list[Taxpayer], recipients: list[Taxpayer]) -> None:
        """Generate chunk k+1 while the database stores chunk k (its driver frees the GIL)."""
        self.load = self.uow.records.signed_load()
        documents = self._documents(suppliers, recipients)
        stored = 0
        with ThreadPoolExecutor(max_workers=1) as database:
            pending: Future[None] | None = None
            while chunk := list(islice(documents, CHUNK)):
                self._check_hash(chunk[0])
                fresh = [self._signature_row(s) for s in list(self.signatures.values())[stored:]]
                stored = len(self.signatures)
                if pending is not None:
                    pending.result()
                pending = database.submit(self._store, fresh, chunk)
            if pending is not None:
                pending.result()
        self.load.finish(
            filed_gstr1=[s.gstin for s in suppliers],
            period=self.period,
            filed_on=self.filed_on,
        )
        self.uow.records.bump_ims_version([r.gstin for r in recipients])

    def _documents(
        self, suppliers: list[Taxpayer], recipients: list[Taxpayer]
    ) -> Iterator[tuple[Any, ...]]:
        """The period's documents, supplier by supplier.

        A signature is made once per (supplier, recipient, kind, POS, reverse charge); what is
        left per document is its number, its amounts, its date and its hash, from one draw of
        45 random bits: recipient 10, kind 10, taxable value 12, rate 7, day 6. Kinds: 89%
        invoices (2% reverse charge, 1% POS-ineligible), 8% credit notes, 3% debit notes.
        Amounts are integer paise; the hash text spells them as the service's Decimals do.
        """
        bits = self.rng.getrandbits
        buyers = [i % len(recipients) for i in range(1024)]
        self.rng.shuffle(buyers)
        days = [self.period.day(1 + i % self.last_day.day).isoformat() for i in range(64)]
        self.rng.shuffle(days)
        rates = [self.rates[i * len(self.rates) // 128] for i in range(128)]  # by weight
        rate_slots = [(str(r), int(r * 100)) for r in rates]
        pools = [self.amounts, [a // 10 for a in self.amounts]]  # invoices, notes
        texts = [[_rupees(a) for a in pool] for pool in pools]
        sha256, label, rupees, taxes = hashlib.sha256, self.fy_label, _rupees, _taxes
        share, extra = divmod(self.count, len(suppliers))
        for index, seller in enumerate(suppliers):
            signatures: dict[int, _Signature] = {}
            counters = [0, 0, 0]
            for _ in range(share + (index < extra)):
                draw = bits(45)
                buyer_index = buyers[draw & 1023]
                roll = (draw >> 10) & 1023  # of 1024
                code = 0 if roll < 911 else 1 if roll < 993 else 2  # INV, CN, DN
                shape = 1 if roll < 20 else 2 if roll < 31 else 0  # reverse charge, own POS
                key = buyer_index * 16 + code * 4 + shape
                s = signatures.get(key)
                if s is None:
                    buyer = recipients[buyer_index]
                    pos = seller.state if shape == 2 else buyer.state
                    s = self._signature(seller, buyer, _KINDS[code], pos, shape == 1)
                    signatures[key] = s
                counters[code] += 1
                number = f"{_PREFIXES[code]}/{label}/{counters[code]:05d}"
                rate, basis_points = rate_slots[(draw >> 32) & 127]
                which, at = code > 0, (draw >> 20) & 4095
                taxable = pools[which][at]
                igst, cgst = taxes(taxable, basis_points, s.inter_state)
                value = taxable if s.reverse_charge else taxable + igst + 2 * cgst
                iso = days[(draw >> 39) & 63]
                c = rupees(cgst)
                text = (
                    f"{s.head}{number}\x1f{iso}\x1f{rupees(value)}\x1f{s.middle}\x1f{rate}"
                    f"\x1f{texts[which][at]}\x1f{rupees(igst)}\x1f{c}\x1f{c}\x1f0.00"
                )
                digest = sha256(text.encode()).hexdigest()
                yield (s.id, number, iso, rate, value, taxable, igst, cgst, cgst, 0, digest)

    def _signature(
        self, seller: Taxpayer, buyer: Taxpayer, kind: Kind, pos: str, rc: bool
    ) -> _Signature:
        key = (seller.gstin, buyer.gstin, kind, pos, rc)
        found = self.signatures.get(key)
        if found is None:
            found = self.signatures[key] = _Signature(
                len(self.signatures) + 1, seller, buyer, kind, pos, rc
            )
            shape = (seller.state, kind, pos, rc, buyer.gstin in self.checked)
            if shape not in self.checked:
                self._validate(found)
                self.checked.update((shape, buyer.gstin, seller.gstin))
        return found

    def _validate(self, s: _Signature) -> None:
        """A representative passes R-IN-4 as `save_return` would check it.

        What the checks look at besides the parties' GSTINs and registration (each party is
        checked once) is the supplier's state, the kind, the POS and reverse charge: one
        document of each such shape is validated.
        """
        doc = self._document(s, "GI/CHECK/1", self.period.first_day, Decimal(18), 1_000_000)
        ctx = ReturnContext(
            supplier=s.supplier.gstin,
            supplier_state=s.supplier.state,
            return_period=self.period,
            period_first_day=self.period.first_day,
            today=self.filed_on,
            registered=frozenset({s.recipient.gstin}),
            taken_numbers={},
            filed_originals=frozenset(),
        )
        problems = validate_documents([doc], ctx)
        if problems:
            raise ValueError(f"generated document is invalid: {problems[0]}")

    def _document(
        self, s: _Signature, number: str, day: date, rate: Decimal, taxable: int
    ) -> SupplierDocument:
        """The document as the supplier would save it, for `validate_documents`."""
        igst, cgst = _taxes(taxable, int(rate * 100), s.inter_state)
        value = taxable if s.reverse_charge else taxable + igst + 2 * cgst
        tax = Tax(*(from_paise(v) for v in (igst, cgst, cgst, 0)))
        return SupplierDocument(
            section=_SECTION[s.kind],
            kind=s.kind,
            supplier=s.supplier.gstin,
            recipient=s.recipient.gstin,
            number=number,
            doc_date=day,
            value=from_paise(value),
            pos=s.pos,
            reverse_charge=s.reverse_charge,
            items=(Item(rate, from_paise(taxable), tax),),
        )

    def _check_hash(self, row: tuple[Any, ...]) -> None:
        """The bulk hash must be `document_hash`'s, or re-saves would look like changes."""
        s = next(s for s in self.signatures.values() if s.id == row[0])
        doc = self._document(s, row[1], date.fromisoformat(row[2]), Decimal(row[3]), row[5])
        if document_hash(doc) != row[10]:
            raise RuntimeError("generate's document layout differs from document_hash")

    def _signature_row(self, s: _Signature) -> dict[str, Any]:
        values = _record_values(s, self.period, self.filed_on)
        facts = derivation_signature(values)  # what decides the derived columns
        derived = self.derived.get(facts) if facts is not None else None
        if derived is None:
            derived = derived_columns(values, s.recipient, self.filed_on)
            if facts is not None:  # never None here: a generated document amends nothing
                self.derived[facts] = derived
        return {
            "id": s.id,
            "recipient": s.recipient.gstin,
            "supplier": s.supplier.gstin,
            "kind": s.kind.value,
            "fy": financial_year_of(self.period.first_day),
            "source_period": period_int(self.period),
            "supplier_frequency": s.supplier.frequency.value,
            "pos": s.pos,
            "rchrg": s.reverse_charge,
            "filed_on": self.filed_on,
            **derived,
        }

    def _store(self, signatures: list[dict[str, Any]], rows: list[tuple[Any, ...]]) -> None:
        self.load.store(signatures, rows)


def _rupees(paise: int) -> str:
    """`str()` of the Decimal amount the service would hold, e.g. 1234.50."""
    return f"{paise // 100}.{paise % 100:02d}"


def _record_values(s: _Signature, period: Period, filed_on: date) -> dict[str, Any]:
    """A representative row of the signature, as `derived_columns` reads it."""
    names = ("igst", "cgst", "sgst", "cess")
    return {
        "recipient": s.recipient.gstin,
        "supplier": s.supplier.gstin,
        "kind": s.kind.value,
        "number": "GI/CHECK/1",
        "fy": financial_year_of(period.first_day),
        "amend_no": 0,
        "origin": "R1",
        "source_period": period_int(period),
        "supplier_frequency": s.supplier.frequency.value,
        "doc_number": "GI/CHECK/1",
        "doc_date": period.first_day,
        "pos": s.pos,
        "supply_type": "R",
        "rchrg": s.reverse_charge,
        "diff_percent": None,
        "rate": "18",
        "value": 0,
        "taxable": 0,
        **{h: 0 for h in names},
        "filed_on": filed_on,
        "orig_number": None,
        "actual_supplier": None,
        "port_code": None,
        "ref_date": None,
        "time_barred": False,
    }
