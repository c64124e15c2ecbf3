"""What a reconciliation compares and what it answers (R-REC-5, R-REC-8, R-REC-15, R-REC-17).

A `Document` is one side's view of a purchase: a books document (the recipient's purchase
register, rows summed, R-REC-3) or a portal document (an IMS record or a non-IMS GSTR-2B
document). Amounts are positive; a credit note is kind CN and counts negatively in every
total (R-REC-2, R-REC-17).

A `Tolerance` is the run's profile, recorded on every result (R-REC-8):

    >>> t = Tolerance()
    >>> t.allows(money("100.00"), money("101.00")), t.allows(money("100.00"), money("101.01"))
    (True, False)

A `Result` names its outcome, the pass that decided it, the documents of both sides, the
differences (portal − books, with the tolerance used) and a reason a person can read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from gstims.domain.money import ZERO, Tax, money
from gstims.domain.records import Kind, Route


class Outcome(StrEnum):
    """R-REC-15, in the order the spec lists them."""

    MATCHED = "matched"
    MATCHED_WITHIN_TOLERANCE = "matched_within_tolerance"
    MATCHED_NUMBER_FORMAT = "matched_number_format"
    MATCHED_DATE_DIFFERS = "matched_date_differs"
    MATCHED_CLUBBED = "matched_clubbed"
    PROBABLE_SIMILAR_NUMBER = "probable_similar_number"
    PROBABLE_AMOUNT_ONLY = "probable_amount_only"
    AMBIGUOUS = "ambiguous"
    VALUE_MISMATCH = "value_mismatch"
    TAX_TYPE_MISMATCH = "tax_type_mismatch"
    OTHER_GSTIN_SAME_PAN = "other_gstin_same_pan"
    REPORTED_TO_OTHER_GSTIN = "reported_to_other_gstin"
    ONLY_IN_PORTAL = "only_in_portal"
    ONLY_IN_BOOKS = "only_in_books"
    BOOKED_LATER = "booked_later"
    FINANCIAL_YEAR_DIFFERS = "financial_year_differs"


MATCHED_OUTCOMES = frozenset(
    {
        Outcome.MATCHED,
        Outcome.MATCHED_WITHIN_TOLERANCE,
        Outcome.MATCHED_NUMBER_FORMAT,
        Outcome.MATCHED_DATE_DIFFERS,
        Outcome.MATCHED_CLUBBED,
    }
)


class Pass(StrEnum):
    """R-REC-9's passes, in the order they run, as named in the output."""

    EXACT = "1 exact"
    NUMBER_AND_DATE = "2 number and date"
    NUMBER = "3 number, date differs"
    SIMILAR_NUMBER = "4 similar number"
    CLUBBING = "clubbing"
    NUMBER_VALUE = "5 number, amounts differ"
    OTHER_RECIPIENT = "other recipient GSTIN"
    PAN = "6 PAN level"
    AMOUNT_ONLY = "7 amount only"
    MANUAL = "by hand"
    UNPAIRED = "unpaired"


@dataclass(frozen=True, slots=True)
class Document:
    """One document of either side; `ref` is unique within its side."""

    ref: str
    recipient: str
    supplier: str  # "" for an import bill of entry (no supplier GSTIN)
    kind: Kind
    number: str
    doc_date: date
    taxable: Decimal
    tax: Tax
    value: Decimal | None = None
    pos: str | None = None
    reverse_charge: bool | None = None
    port_code: str | None = None
    posting_date: date | None = None  # books: when the purchase was posted
    section: str | None = None  # portal: b2b, b2ba, cdnr, impg, ...
    route: Route | None = None  # portal: IMS, or the non-IMS route (R-REC-12)
    original_number: str | None = None  # portal amendment: the number it amends
    original_date: date | None = None

    @property
    def match_number(self) -> str:
        """R-REC-12: an amendment pairs on its original's number and date."""
        return self.original_number or self.number

    @property
    def match_date(self) -> date:
        return self.original_date or self.doc_date

    @property
    def pan(self) -> str:
        return self.supplier[2:12]

    @property
    def sign(self) -> int:
        return -1 if self.kind is Kind.CN else 1

    @property
    def signed_taxable(self) -> Decimal:
        return self.taxable * self.sign

    @property
    def signed_tax(self) -> Decimal:
        return self.tax.total * self.sign


ONE_RUPEE = money("1.00")


@dataclass(frozen=True, slots=True)
class Tolerance:
    """R-REC-8: per head and on taxable value; an optional percentage; date windows."""

    amount: Decimal = ONE_RUPEE
    percent: Decimal | None = None
    date_days: int = 10
    note_date_days: int = 30

    def allows(self, books: Decimal, portal: Decimal) -> bool:
        """|Δ| ≤ the amount, inclusive; or, if set, ≤ the percentage of the larger side."""
        gap = abs(portal - books)
        if gap <= self.amount:
            return True
        if self.percent is None:
            return False
        return gap * 100 <= self.percent * max(abs(books), abs(portal))

    def window(self, kind: Kind) -> int:
        return self.note_date_days if kind in (Kind.CN, Kind.DN) else self.date_days


DEFAULT_TOLERANCE = Tolerance()


@dataclass(frozen=True, slots=True)
class Difference:
    """One differing field: books and portal values as shown, portal − books, the tolerance."""

    field: str
    books: str
    portal: str
    delta: Decimal | None = None
    tolerance: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A near document of the other side and why it did not pair (R-REC-17)."""

    document: Document
    why_not: str


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    decided_by: Pass
    books: tuple[Document, ...]
    portal: tuple[Document, ...]
    reason: str
    differences: tuple[Difference, ...] = ()
    candidates: tuple[Candidate, ...] = field(default=())

    @property
    def supplier(self) -> str:
        return (self.portal or self.books)[0].supplier

    @property
    def recipient(self) -> str:
        return (self.books or self.portal)[0].recipient

    @property
    def books_taxable(self) -> Decimal:
        return sum((d.signed_taxable for d in self.books), ZERO)

    @property
    def books_tax(self) -> Decimal:
        return sum((d.signed_tax for d in self.books), ZERO)

    @property
    def portal_taxable(self) -> Decimal:
        return sum((d.signed_taxable for d in self.portal), ZERO)

    @property
    def portal_tax(self) -> Decimal:
        return sum((d.signed_tax for d in self.portal), ZERO)

    @property
    def taxable_delta(self) -> Decimal:
        return self.portal_taxable - self.books_taxable

    @property
    def tax_delta(self) -> Decimal:
        return self.portal_tax - self.books_tax


@dataclass(frozen=True, slots=True)
class Totals:
    """Books and portal totals of a group of results; credit notes net (R-REC-17)."""

    count: int = 0
    books_taxable: Decimal = ZERO
    books_tax: Decimal = ZERO
    portal_taxable: Decimal = ZERO
    portal_tax: Decimal = ZERO

    def __add__(self, result: Result) -> Totals:
        return Totals(
            self.count + 1,
            self.books_taxable + result.books_taxable,
            self.books_tax + result.books_tax,
            self.portal_taxable + result.portal_taxable,
            self.portal_tax + result.portal_tax,
        )

    @property
    def tax_difference(self) -> Decimal:
        return self.portal_tax - self.books_tax


def totals_by_outcome(results: Iterable[Result]) -> dict[Outcome, Totals]:
    """Per outcome: `Totals() + result + ...` of its results, summed in one pass (a lakh)."""
    sums: dict[Outcome, list[Decimal]] = {}
    counts: dict[Outcome, int] = {}
    for result in results:
        row = sums.get(result.outcome)
        if row is None:
            row = sums[result.outcome] = [ZERO, ZERO, ZERO, ZERO]
            counts[result.outcome] = 0
        counts[result.outcome] += 1
        for side, at in ((result.books, 0), (result.portal, 2)):
            for d in side:
                if d.kind is Kind.CN:
                    row[at] -= d.taxable
                    row[at + 1] -= d.tax.total
                else:
                    row[at] += d.taxable
                    row[at + 1] += d.tax.total
    return {outcome: Totals(counts[outcome], *row) for outcome, row in sums.items()}


def totals_by_supplier(results: Iterable[Result]) -> dict[str, Totals]:
    totals: dict[str, Totals] = {}
    for result in results:
        totals[result.supplier] = totals.get(result.supplier, Totals()) + result
    return totals
