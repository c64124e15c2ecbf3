"""Validation of the documents a supplier saves in GSTR-1, IFF or GSTR-1A (R-IN-4).

A save request is one transaction: every document is checked, every problem is collected as a
`Problem` value naming the section, the document number, the GSTN field and what is wrong, and
nothing of the request is stored if any problem is found. The checks (R-IN-4, with R-IN-2,
R-IN-7 and R-CAL-4):

    identity    GSTIN check character of supplier and recipient (and the actual supplier `stin`
                of an e-commerce document); the supplier is the filer and not the recipient; number 1–16 characters
                of A-Z a-z 0-9 / - not starting with / or -; the number used once per supplier,
                kind and financial year whoever the recipient — once in the request, and not
                already FILED for another recipient (a saved, unfiled one is simply moved,
                rules.md §0); a filed document changes only through an amendment (R-IN-2)
    dates       document date not after the end of the return period, not in the future
    place       POS a state code 01-38 or 96/97; supply type R, SEWP, SEWOP, DE or CBW
    tax         inter-state (supplier state ≠ POS, or SEWP/SEWOP/CBW) carries IGST only,
                intra-state CGST = SGST and no IGST; rate in the GST rate list; IGST within ₹1
                of rate × taxable / 100, CGST and SGST each within ₹1 of half that (× 0.65 when
                diff_percent is 0.65); cess at most CESS_MAX_PERCENT of the taxable value; no
                negative amount; at least one item
    value       the document value at least its items' taxable value plus their tax (± ₹1;
                under reverse charge, the taxable value; decision below)
    caps        at most MAX_ITEMS items; the value, the taxable total and the tax total each at
                most MAX_AMOUNT (why these caps: below)
    amendment   names an original (number and date) of the same supplier, recipient and kind
                that was filed (R-IN-7); an amendment keeps its original's record key
    return      the return period is Oct 2024 or later (R-CAL-4)

A document flagged for deletion (`"flag": "D"`) gets only the identity checks.

Worked example. Supplier 27AAPFU0939F1ZV (Maharashtra) saves, in its Nov-2025 GSTR-1, b2b
invoice INV-101 dated 05-11-2025 to 29AABCR1718E1ZL with POS 29 and one item at 18% on a taxable
value of 10000.00 carrying CGST 900.00 + SGST 900.00. POS 29 ≠ supplier state 27, so the supply
is inter-state and must carry IGST 1800.00 (± ₹1). All three problems come back together:

    b2b INV-101 itms[0].camt: CGST on an inter-state supply (supplier state 27 ≠ POS 29):
                              charge IGST only
    b2b INV-101 itms[0].samt: SGST on an inter-state supply (supplier state 27 ≠ POS 29):
                              charge IGST only
    b2b INV-101 itms[0].iamt: IGST 0.00 is not 18% of the taxable value 10000.00:
                              expected 1800.00 (± ₹1)

Decisions **(decision)**:
- CBW ("intra-State supplies attracting IGST", customs-bonded warehouse) is IGST-only like
  SEWP/SEWOP; DE (deemed export) follows supplier state vs POS.
- For an e-commerce document the actual supplier's state (`stin`) decides inter- vs
  intra-state: the operator only pays the tax u/s 9(5).
- Document numbers are checked as given: surrounding spaces are refused, not trimmed.
- When a rate is not a GST rate, or `diff_percent` is neither 1 nor 0.65, the amounts are not
  rate-checked (the one problem says what to fix).
- An amendment's new number must not be another filed document's number of that financial year.
- A filed document can be neither saved again nor deleted (R-IN-2: only amended); the supplier
  of every document must be the GSTIN filing the return; GSTINs must be in capitals, as the
  record key holds them.

Caps **(decision)**. Money is stored as integer paise and summed in SQL (a recipient's ITC at
stake, its IMS tiles), and SQLite's SUM fails on passing 2^63 - 1 paise (≈ ₹9.2 × 10^16). A
document may carry at most MAX_ITEMS = 1,000 items (the e-invoice schema's limit) and its value,
taxable total and tax total are each at most MAX_AMOUNT = ₹99,999,999,999.99 (₹10,000 crore
less a paisa), checked before anything is stored. One record's tax is then below 10^13 paise,
so a recipient's total fits in 64 bits for 922,337 open records all at the cap — more than nine
lakh-record months held open, every one of them a ₹10,000-crore document. Cess has no single
rate but the compensation cess schedule tops out at 290%: cess above CESS_MAX_PERCENT = 300% of
an item's taxable value is refused; an item of no taxable value (a note adjusting only cess) is
bounded by the document's caps alone.

The value (`val`, "invoice value incl. tax") is held to at least its items' taxable value
plus their tax, less ₹1 for the invoice's rounding to the rupee **(decision, issue 14 item
15)**. Not to equality: a GST invoice's value may carry charges outside GST (TCS collected,
reimbursed expenses, a non-taxable line), so a value above the items is accepted as the portal
accepts it. Under reverse charge (`rchrg` Y) the supplier collects no tax: the value is held to
the taxable value only. Worked example: one item of 10000.00 at 18% with IGST 1800.00 may be
worth 11799.00 or more (11800.00 exactly, or 11850.00 with ₹50 of freight outside GST);
11000.00 is refused — `val: document value 11000.00 is less than its items' taxable value
plus tax 11800.00 (± ₹1)`.

Problems name GSTN fields (`inum`, `nt_dt`, `itms[0].iamt`, ...) because R-IN-4 requires each
error to name the field the filer sent; the spellings live in `_LAYOUTS` and `_HEADS` only.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from gstims.domain.calendar import FIRST_PERIOD, Period, financial_year_of
from gstims.domain.errors import Problem as Problem  # the one shape (domain/errors.py)
from gstims.domain.gstin import STATES, gstin_problems, is_place_of_supply
from gstims.domain.money import ZERO, Tax, money, sum_tax
from gstims.domain.records import Kind, RecordKey, normalise_number

RATES = frozenset(
    Decimal(r)
    for r in ("0", "0.1", "0.25", "1", "1.5", "3", "5", "6", "7.5", "12", "18", "28", "40")
)
"""GST rates (percent) an item may carry (R-IN-4)."""

SUPPLY_TYPES = frozenset({"R", "SEWP", "SEWOP", "DE", "CBW"})
CONCESSION = Decimal("0.65")  # diff_percent: 65% of the rate, a notified concession
TOLERANCE = Decimal("1")  # R-IN-4: each tax head within ₹1 of what the rate gives
_FULL = Decimal(1)
NUMBER_MAX_LENGTH = 16
MAX_ITEMS = 1000
"""Items one document may carry (the e-invoice schema's limit; caps, above)."""
MAX_AMOUNT = Decimal("99999999999.99")
"""The largest value, taxable total or tax total of one document: ₹10,000 crore less a paisa."""
CESS_MAX_PERCENT = Decimal(300)
"""Cess may be at most this percentage of an item's taxable value (the schedule tops at 290%)."""

# Supply types that carry IGST whatever the supplier state and POS, with how messages name them.
_IGST_ONLY_TYPES: Mapping[str, str] = {
    "SEWP": "a supply to an SEZ with payment (inv_typ SEWP)",
    "SEWOP": "a supply to an SEZ without payment (inv_typ SEWOP)",
    "CBW": "a customs-bonded-warehouse supply (inv_typ CBW)",
}
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/-]{0,15}")
_NUMBER_CHARS = re.compile(r"[A-Za-z0-9/-]*")
_HEADS = (("iamt", "IGST"), ("camt", "CGST"), ("samt", "SGST"), ("csamt", "cess"))
_NOUNS: Mapping[Kind, str] = {
    Kind.INV: "invoice",
    Kind.DN: "debit note",
    Kind.CN: "credit note",
    Kind.ECO: "e-commerce invoice",
    Kind.BOE: "bill of entry",
}


@dataclass(frozen=True, slots=True)
class _Layout:
    """What a GSTR-1 section carries and how its fields are spelt."""

    kinds: frozenset[Kind]
    amendment_section: str  # where a filed document of this section is amended
    is_amendment: bool
    recipient: str
    number: str
    date: str
    original_number: str
    original_date: str


_INVOICES = ("inum", "idt", "oinum", "oidt")
_NOTES = ("nt_num", "nt_dt", "ont_num", "ont_dt")
_LAYOUTS: Mapping[str, _Layout] = {
    "b2b": _Layout(frozenset({Kind.INV}), "b2ba", False, "ctin", *_INVOICES),
    "b2ba": _Layout(frozenset({Kind.INV}), "b2ba", True, "ctin", *_INVOICES),
    "cdnr": _Layout(frozenset({Kind.DN, Kind.CN}), "cdnra", False, "ctin", *_NOTES),
    "cdnra": _Layout(frozenset({Kind.DN, Kind.CN}), "cdnra", True, "ctin", *_NOTES),
    "ecomb2b": _Layout(frozenset({Kind.ECO}), "ecomab2b", False, "rtin", *_INVOICES),
    "ecomab2b": _Layout(frozenset({Kind.ECO}), "ecomab2b", True, "rtin", *_INVOICES),
}
SECTIONS = frozenset(_LAYOUTS)
"""The GSTR-1 sections whose documents reach a recipient's IMS."""
AMENDMENT_SECTIONS = frozenset(s for s, layout in _LAYOUTS.items() if layout.is_amendment)
"""Those of them that carry amendments (b2ba, cdnra, ecomab2b)."""


# -- values -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One GSTR-1 `itms` row: the taxable value and tax at one rate."""

    rate: Decimal
    taxable: Decimal
    tax: Tax


@dataclass(frozen=True, slots=True)
class SupplierDocument:
    """A document as a supplier saves it in one GSTR-1 section.

    `supplier` is the filer (for e-commerce, the operator); `actual_supplier` is the `stin` of
    an e-commerce document. An amendment (sections b2ba, cdnra, ecomab2b) carries its new
    number and date and names its original in `original_number` / `original_date`.
    """

    section: str
    kind: Kind
    supplier: str
    recipient: str
    number: str
    doc_date: date
    value: Decimal
    pos: str
    supply_type: str = "R"
    reverse_charge: bool = False
    diff_percent: Decimal | None = None
    items: tuple[Item, ...] = ()
    original_number: str | None = None
    original_date: date | None = None
    actual_supplier: str | None = None
    delete: bool = False
    # `key` is asked for several times per document on a lakh-document save: kept once made
    _key: RecordKey | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A wrong section or kind is a bug in whoever built the value, not a data problem.
        layout = _LAYOUTS.get(self.section)
        if layout is None:
            raise ValueError(f"unknown GSTR-1 section {self.section!r}; one of {sorted(SECTIONS)}")
        if self.kind not in layout.kinds:
            raise ValueError(f"section {self.section} cannot carry a {self.kind} document")

    @property
    def tax(self) -> Tax:
        return sum_tax(item.tax for item in self.items)

    @property
    def taxable(self) -> Decimal:
        return sum((item.taxable for item in self.items), ZERO)

    def totals(self) -> tuple[Decimal, Decimal]:
        """(taxable value, total tax) of the items: `taxable` and `tax.total`, read straight
        off the item when there is one (most documents: no Tax summed for it, issue 11)."""
        if len(self.items) == 1:
            (only,) = self.items
            return only.taxable, only.tax.total
        return self.taxable, self.tax.total

    @property
    def is_amendment(self) -> bool:
        return _LAYOUTS[self.section].is_amendment

    @property
    def key(self) -> RecordKey:
        """The record key; an amendment keeps its original's (rules.md §0)."""
        key = self._key
        if key is None:
            if self.is_amendment and self.original_number and self.original_date is not None:
                number, day = self.original_number, self.original_date
            else:
                number, day = self.number, self.doc_date
            key = RecordKey.of(self.supplier, self.recipient, self.kind, number, day)
            object.__setattr__(self, "_key", key)  # a cache of a frozen value's own fact
        return key

    @property
    def label(self) -> str:
        """How messages name the document, e.g. "b2b INV-101"."""
        return f"{self.section} {self.number}"


class NumberKey(NamedTuple):
    """A record key without the recipient: a number is unique per supplier, kind and FY."""

    supplier: str
    kind: Kind
    number: str  # normalised (upper-cased, trimmed)
    fy: int  # starting year of the financial year

    @classmethod
    def of(cls, key: RecordKey) -> NumberKey:
        return cls(key.supplier, key.kind, key.number, key.fy)


@dataclass(frozen=True)
class ReturnContext:
    """What validating one save request needs, prepared in bulk by the storage layer.

    supplier         the GSTIN filing the return (for e-commerce documents, the operator)
    supplier_state   its state code, e.g. "27"
    return_period    the return's period: a month, or a quarter's last month for a quarterly
                     GSTR-1 (an IFF is its month)
    period_first_day the first day the return covers (1 Oct 2025 for the Oct–Dec 2025 GSTR-1)
    today            the clock's today
    registered       the registered GSTINs among the recipients the request names
    taken_numbers    the FILED documents of the supplier whose NumberKey the request names
                     (record-key numbers, i.e. an amended document under its original's
                     number), each with its recipient. A saved, unfiled document is not taken:
                     re-saving its number for another recipient moves it (rules.md §0)
    filed_originals  the record keys among those the request names whose document is filed:
                     what an amendment may amend (R-IN-7) and a plain save may not overwrite
                     (R-IN-2)
    """

    supplier: str
    supplier_state: str
    return_period: Period
    period_first_day: date
    today: date
    registered: AbstractSet[str]
    taken_numbers: Mapping[NumberKey, str]
    filed_originals: AbstractSet[RecordKey]

    @property
    def period_last_day(self) -> date:
        return self.return_period.last_day


# -- the checks -------------------------------------------------------------------------------
#
# Each check appends (GSTN field, message) findings to `out`; the usual document has none, and
# appending keeps 100,000 documents at about a third of a second.

_Finding = tuple[str, str]


def validate_return_period(period: Period) -> list[Problem]:
    """R-CAL-4: gstims starts at the Oct 2024 period; an earlier return is refused."""
    if period >= FIRST_PERIOD:
        return []
    message = (
        f"return period {period} is before {FIRST_PERIOD}: gstims starts at the Oct 2024 period"
    )
    return [Problem("return", "", "fp", message)]


def validate_documents(docs: Sequence[SupplierDocument], ctx: ReturnContext) -> list[Problem]:
    """Every problem of a save request (R-IN-4, R-IN-2, R-IN-7, R-CAL-4), in document order.

    Includes `validate_return_period`. One pass over the documents; an empty list means the
    request may be stored.
    """
    problems = validate_return_period(ctx.return_period)
    checker = _Checker(ctx)
    for doc in docs:
        for field, message in checker.check(doc):
            problems.append(Problem(doc.section, doc.number, field, message))
    return problems


class _Checker:
    """One pass over a request: remembers the numbers seen, and checks GSTINs and places
    once each (a lakh of documents name a handful of them)."""

    def __init__(self, ctx: ReturnContext) -> None:
        self.ctx = ctx
        self._last_day = ctx.period_last_day
        self._gstin: dict[str, list[str]] = {}
        self._parties_of: dict[tuple[str, str, str, str | None, bool], list[_Finding]] = {}
        self._places: dict[tuple[str, str, Decimal | None, str], _Place] = {}
        self._seen: set[tuple[str, Kind, str, int, bool]] = set()

    def check(self, doc: SupplierDocument) -> list[_Finding]:
        layout, key, ctx = _LAYOUTS[doc.section], doc.key, self.ctx
        out = self._parties(doc, layout)
        _check_number(doc.number, layout.number, out)
        self._check_uniqueness(doc, layout, key, out)
        if doc.delete:
            return out
        _check_dates(doc, layout, ctx, self._last_day, out)
        place = self._place(doc)
        out += place.findings
        _check_amounts(doc, place.regime, place.factor, out)
        if layout.is_amendment or doc.original_number is not None or doc.original_date is not None:
            _check_amendment(doc, layout, key, ctx, out)  # nothing to say of a plain document
        return out

    def gstin_problems(self, gstin: str) -> list[str]:
        found = self._gstin.get(gstin)
        if found is None:
            found = self._gstin[gstin] = _gstin_problems(gstin)
        return found

    def _parties(self, doc: SupplierDocument, layout: _Layout) -> list[_Finding]:
        """The findings of `_check_parties` (a new list), once per distinct set of parties."""
        parties = (doc.section, doc.supplier, doc.recipient, doc.actual_supplier, doc.delete)
        found = self._parties_of.get(parties)
        if found is None:
            found = self._parties_of[parties] = []
            self._check_parties(doc, layout, found)
        return found.copy() if found else []  # the caller appends to it

    def _check_parties(self, doc: SupplierDocument, layout: _Layout, out: list[_Finding]) -> None:
        """Check characters; the filer; a registered recipient; the actual e-commerce supplier."""
        for problem in self.gstin_problems(doc.supplier):
            out.append(("gstin", f"supplier GSTIN {doc.supplier}: {problem}"))
        if doc.supplier != self.ctx.supplier:
            out.append(("gstin", f"supplier {doc.supplier} is not the filer {self.ctx.supplier}"))
        if doc.recipient == doc.supplier:  # issue 14 item 15, as the portal refuses it
            message = f"the recipient {doc.recipient} is the supplier: no one invoices itself"
            out.append((layout.recipient, message))
        recipient_problems = self.gstin_problems(doc.recipient)
        for problem in recipient_problems:
            out.append((layout.recipient, f"recipient GSTIN {doc.recipient}: {problem}"))
        if doc.delete:
            return
        if not recipient_problems and doc.recipient not in self.ctx.registered:
            message = f"recipient {doc.recipient} is not a registered taxpayer"
            out.append((layout.recipient, message))
        if doc.kind is Kind.ECO and not doc.actual_supplier:
            message = (
                "an e-commerce document reported by the operator (u/s 9(5)) must name the "
                "actual supplier's GSTIN"
            )
            out.append(("stin", message))
        elif doc.kind is Kind.ECO and doc.actual_supplier:
            for problem in self.gstin_problems(doc.actual_supplier):
                out.append(("stin", f"actual supplier GSTIN {doc.actual_supplier}: {problem}"))

    def _check_uniqueness(
        self, doc: SupplierDocument, layout: _Layout, key: RecordKey, out: list[_Finding]
    ) -> None:
        """Once in the request; not filed for another recipient; a filed one only amended."""
        seen = (key.supplier, key.kind, key.number, key.fy, layout.is_amendment)
        if seen in self._seen:
            out.append((layout.number, _twice(doc, key)))
        self._seen.add(seen)
        if layout.is_amendment:
            if not doc.delete:
                self._check_new_number(doc, layout, NumberKey.of(key), out)
            return
        ctx = self.ctx
        if not ctx.filed_originals and not ctx.taken_numbers:
            return  # the usual request: nothing it names is filed yet
        noun = _NOUNS[doc.kind]
        if key in ctx.filed_originals:
            change = "cannot be deleted" if doc.delete else "changes only through an amendment"
            message = (
                f"{noun} {doc.number} ({_fy_label(key.fy)}) to {doc.recipient} is already filed: "
                f"a filed {noun} {change} (section {layout.amendment_section})"
            )
            out.append((layout.number, message))
            return
        holder = ctx.taken_numbers.get(NumberKey.of(key))
        if holder is not None and holder != doc.recipient and not doc.delete:
            message = (
                f"{noun} number {doc.number} is already used in {_fy_label(key.fy)} for recipient "
                f"{holder} "
                f"in a filed return: a number is used once per financial year whoever the "
                f"recipient"
            )
            out.append((layout.number, message))

    def _check_new_number(
        self, doc: SupplierDocument, layout: _Layout, original: NumberKey, out: list[_Finding]
    ) -> None:
        """An amendment's new number must not be another filed document's number."""
        fy = financial_year_of(doc.doc_date)
        new = NumberKey(doc.supplier, doc.kind, normalise_number(doc.number), fy)
        holder = self.ctx.taken_numbers.get(new)
        if new != original and holder is not None:
            message = (
                f"{_NOUNS[doc.kind]} number {doc.number} is already used in {_fy_label(fy)} "
                f"for recipient {holder} in a filed return: the amended number must be a new one"
            )
            out.append((layout.number, message))

    def _place(self, doc: SupplierDocument) -> _Place:
        """The place checks and tax regime of the document's POS, supply type, diff_percent
        and origin state (the actual supplier's for e-commerce)."""
        origin = (
            (doc.actual_supplier or "")[:2] if doc.kind is Kind.ECO else self.ctx.supplier_state
        )
        facts = (doc.pos, doc.supply_type, doc.diff_percent, origin)
        place = self._places.get(facts)
        if place is None:
            findings: list[_Finding] = []
            _check_place(doc, findings)
            regime = _regime(doc, origin)
            place = self._places[facts] = _Place(tuple(findings), regime, _factor(doc.diff_percent))
        return place


def _twice(doc: SupplierDocument, key: RecordKey) -> str:
    noun = _NOUNS[doc.kind]
    what = f"an amendment of {noun} {key.number}" if doc.is_amendment else noun
    return f"{what} ({_fy_label(key.fy)}) appears more than once in this request"


def _gstin_problems(gstin: str) -> list[str]:
    problems = gstin_problems(gstin)
    canonical = gstin.strip().upper()
    if not problems and gstin != canonical:
        problems = [f"write it in capital letters without spaces: {canonical}"]
    return problems


def _check_number(number: str, field: str, out: list[_Finding]) -> None:
    """R-IN-4: 1–16 characters of A-Z a-z 0-9 / -, not starting with / or -."""
    if _NUMBER.fullmatch(number):
        return
    if not number:
        out.append((field, "the document number is missing"))
        return
    shown = repr(number)
    if len(number) > NUMBER_MAX_LENGTH:
        message = f"document number {shown} has {len(number)} characters: at most 16"
        out.append((field, message))
    if not _NUMBER_CHARS.fullmatch(number):
        message = f"document number {shown} may contain only letters A-Z a-z, digits 0-9, / and -"
        out.append((field, message))
    if number[0] in "/-":
        out.append((field, f"document number {shown} must not start with {number[0]!r}"))


def _check_dates(
    doc: SupplierDocument, layout: _Layout, ctx: ReturnContext, last_day: date, out: list[_Finding]
) -> None:
    """R-IN-4: not after the end of the return period, not in the future."""
    if doc.doc_date > last_day:
        covered = f"{_day(ctx.period_first_day)} – {_day(last_day)}"
        message = (
            f"document date {_day(doc.doc_date)} is after the end of the return period "
            f"{ctx.return_period} ({covered}): report it in the return of its own period"
        )
        out.append((layout.date, message))
    if doc.doc_date > ctx.today:
        message = (
            f"document date {_day(doc.doc_date)} is in the future (today is {_day(ctx.today)})"
        )
        out.append((layout.date, message))


def _check_place(doc: SupplierDocument, out: list[_Finding]) -> None:
    """R-IN-4: POS a state code or 96/97; a known supply type; diff_percent 0.65 or none."""
    if not is_place_of_supply(doc.pos):
        message = (
            f"place of supply {doc.pos!r} is not a state code (01-38), 96 (other countries) "
            f"or 97 (other territory)"
        )
        out.append(("pos", message))
    if doc.supply_type not in SUPPLY_TYPES:
        message = f"supply type {doc.supply_type!r} is not one of R, SEWP, SEWOP, DE, CBW"
        out.append(("inv_typ", message))
    if doc.diff_percent is not None and _factor(doc.diff_percent) is None:
        message = f"diff_percent {doc.diff_percent} must be 0.65 (65% of the rate) or left out"
        out.append(("diff_percent", message))


class _Regime(NamedTuple):
    """Which heads a supply carries: IGST only, or CGST + SGST."""

    igst_only: bool
    origin_state: str
    pos: str
    supply_type: str

    @property
    def why(self) -> str:
        """How messages name the supply: "an inter-state supply (supplier state 27 ≠ POS 29)"."""
        special = _IGST_ONLY_TYPES.get(self.supply_type)
        if special is not None:
            return special
        if self.igst_only:
            return f"an inter-state supply (supplier state {self.origin_state} ≠ POS {self.pos})"
        return f"an intra-state supply (supplier state {self.origin_state} = POS {self.pos})"


def _regime(doc: SupplierDocument, origin_state: str) -> _Regime | None:
    """None when neither the supply type nor a valid POS and origin state can tell."""
    if doc.supply_type in _IGST_ONLY_TYPES:
        igst_only = True
    elif is_place_of_supply(doc.pos) and origin_state in STATES:
        igst_only = origin_state != doc.pos
    else:
        return None
    return _Regime(igst_only, origin_state, doc.pos, doc.supply_type)


def _factor(diff_percent: Decimal | None) -> Decimal | None:
    """The share of the rate charged: 1, 0.65, or None when diff_percent is not allowed."""
    if diff_percent is None or diff_percent == 1:
        return _FULL
    return CONCESSION if diff_percent == CONCESSION else None


class _Place(NamedTuple):
    """What a document's POS, supply type, diff_percent and origin state decide."""

    findings: tuple[_Finding, ...]
    regime: _Regime | None
    factor: Decimal | None


def _check_amounts(
    doc: SupplierDocument, regime: _Regime | None, factor: Decimal | None, out: list[_Finding]
) -> None:
    if doc.value < 0:
        out.append(("val", f"document value {doc.value:.2f} is negative"))
    if doc.value > MAX_AMOUNT:
        out.append(("val", f"document value {doc.value:.2f} is over the cap {MAX_AMOUNT}"))
    items = doc.items
    count = len(items)
    if not count:
        out.append(("itms", "a document needs at least one item (itms)"))
    if count > MAX_ITEMS:
        out.append(("itms", f"a document has at most {MAX_ITEMS} items, got {count}"))
        return  # one finding, not one per item of an oversized document
    for index, item in enumerate(items):
        _check_item(item, index, regime, factor, out)
    taxable, tax = doc.totals()
    for what, total in (("taxable value", taxable), ("tax", tax)):
        if total > MAX_AMOUNT:
            message = f"the items' {what} total {total:.2f} is over the cap {MAX_AMOUNT}"
            out.append(("itms", message))
    floor, what = taxable, "taxable value"  # issue 14 item 15: the value holds its items
    if not doc.reverse_charge:
        floor, what = taxable + tax, "taxable value plus tax"
    if doc.value < floor - TOLERANCE:
        message = (
            f"document value {doc.value:.2f} is less than its items' {what} {floor:.2f} (± ₹1)"
        )
        out.append(("val", message))


def _check_item(
    item: Item, index: int, regime: _Regime | None, factor: Decimal | None, out: list[_Finding]
) -> None:
    """No negative amount; the heads of the regime; the rate and what it gives."""
    tax = item.tax
    if item.taxable < 0:
        out.append((f"itms[{index}].txval", f"taxable value {item.taxable:.2f} is negative"))
    if tax.igst < 0 or tax.cgst < 0 or tax.sgst < 0 or tax.cess < 0:
        for (field, head), amount in zip(_HEADS, tax.heads, strict=True):
            if amount < 0:
                out.append((f"itms[{index}].{field}", f"{head} {amount:.2f} is negative"))
    # a note that adjusts only cess carries no taxable value: the document caps bound it
    if item.taxable > 0 and tax.cess > item.taxable * CESS_MAX_PERCENT / 100:
        message = (
            f"cess {tax.cess:.2f} is over {_percent(CESS_MAX_PERCENT)}% of the taxable value "
            f"{item.taxable:.2f}: no cess rate is that high"
        )
        out.append((f"itms[{index}].csamt", message))
    if regime is not None:
        _check_heads(tax, index, regime, out)
    if item.rate not in RATES:
        allowed = ", ".join(_percent(r) for r in sorted(RATES))
        message = f"rate {_percent(item.rate)}% is not a GST rate ({allowed})"
        out.append((f"itms[{index}].rt", message))
    elif regime is not None and factor is not None:
        _check_rate(item, index, regime.igst_only, factor, out)


def _check_heads(tax: Tax, index: int, regime: _Regime, out: list[_Finding]) -> None:
    """Inter-state: IGST only. Intra-state: CGST = SGST, no IGST."""
    if regime.igst_only:
        if tax.cgst:
            out.append((f"itms[{index}].camt", f"CGST on {regime.why}: charge IGST only"))
        if tax.sgst:
            out.append((f"itms[{index}].samt", f"SGST on {regime.why}: charge IGST only"))
        return
    if tax.igst:
        out.append((f"itms[{index}].iamt", f"IGST on {regime.why}: charge CGST + SGST"))
    if tax.cgst != tax.sgst:
        message = (
            f"SGST {tax.sgst:.2f} differs from CGST {tax.cgst:.2f} on {regime.why}: "
            f"each is half the tax"
        )
        out.append((f"itms[{index}].samt", message))


def _check_rate(
    item: Item, index: int, igst_only: bool, factor: Decimal, out: list[_Finding]
) -> None:
    """IGST within ₹1 of rate × taxable / 100; CGST and SGST each within ₹1 of half that."""
    full = (item.rate * item.taxable).scaleb(-2)  # / 100, exactly
    if factor is not _FULL:
        full *= factor
    tax = item.tax
    if igst_only:
        if abs(tax.igst - full) > TOLERANCE:
            out.append(_off_rate(item, index, "iamt", tax.igst, full, factor))
        return
    half = full / 2
    if abs(tax.cgst - half) > TOLERANCE:
        out.append(_off_rate(item, index, "camt", tax.cgst, half, factor))
    if abs(tax.sgst - half) > TOLERANCE:
        out.append(_off_rate(item, index, "samt", tax.sgst, half, factor))


def _off_rate(
    item: Item, index: int, field: str, amount: Decimal, expected: Decimal, factor: Decimal
) -> _Finding:
    head = dict(_HEADS)[field]
    rate = f"{_percent(item.rate)}%" if factor == 1 else f"65% of {_percent(item.rate)}%"
    share = rate if field == "iamt" else f"half of {rate}"
    message = (
        f"{head} {amount:.2f} is not {share} of the taxable value {item.taxable:.2f}: "
        f"expected {money(expected)} (± ₹1)"
    )
    return f"itms[{index}].{field}", message


def _check_amendment(
    doc: SupplierDocument, layout: _Layout, key: RecordKey, ctx: ReturnContext, out: list[_Finding]
) -> None:
    """R-IN-7: an amendment amends a filed original of the same supplier, recipient and kind."""
    if not layout.is_amendment:
        if doc.original_number is not None or doc.original_date is not None:
            message = f"only an amendment names an original: use section {layout.amendment_section}"
            out.append((layout.original_number, message))
        return
    noun = _NOUNS[doc.kind]
    if not doc.original_number:
        message = f"an amendment must name the original {noun}'s number"
        out.append((layout.original_number, message))
    if doc.original_date is None:
        out.append((layout.original_date, f"an amendment must name the original {noun}'s date"))
    elif doc.original_number and key not in ctx.filed_originals:
        message = (
            f"no filed {noun} {doc.original_number} dated {_day(doc.original_date)} from "
            f"{doc.supplier} to {doc.recipient}: an amendment amends a filed original of the "
            f"same supplier, recipient and kind"
        )
        out.append((layout.original_number, message))


# -- wording ----------------------------------------------------------------------------------


def _day(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _fy_label(fy: int) -> str:
    return f"FY {fy}-{(fy + 1) % 100:02d}"


def _percent(rate: Decimal) -> str:
    return f"{rate.normalize():f}"
