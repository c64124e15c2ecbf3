"""Records: what a supplier reported, as the recipient's IMS and GSTR-2B see it.

A record is one document — invoice (INV), debit note (DN), credit note (CN), e-commerce
document (ECO), bill of entry (BOE) — or an amendment of one. Its identity is the record key
(rules.md §0): supplier, recipient, kind, document number upper-cased and trimmed, and the
financial year of the document date. An amendment keeps its original's key even when it
carries a new number.

Where a record goes is decided here, once (R-IN-5, R-IN-6):

    reverse charge                        → 2B revsup, never IMS            (R-IN-5a)
    GSTR-5 (non-resident) / GSTR-6 (ISD)  → 2B nonrevsup / isdsup            (R-IN-5b, c)
    bill of entry, 2B period before E2    → 2B imports                       (R-IN-5d)
    supplier state = POS ≠ recipient      → 2B ITC not available, rsn P      (R-IN-5e)
    INV/DN/ECO filed after 16(4) limit    → 2B ITC not available, rsn C      (R-IN-5f)
    everything else                       → IMS, then 2B by the recipient's action

Example: S (state 27) invoices R (state 29) with POS 27 and CGST+SGST: the supplier charged
intra-state tax on what is an inter-state supply to R, so `route()` answers POS_INELIGIBLE
and the invoice never appears in GETINV.

Specified records (R-ACT-2) — those whose acceptance REDUCES the recipient's ITC — are:
a credit note; an upward CN-A; a downward CN-A whose original was rejected; a downward
INV-A, DN-A or ECO-A whose original was accepted (or deemed accepted) and consumed.
**(decision)** An amendment of an original that was never consumed replaces it and is judged
as the kind it amends: a CN-A replacing an unconsumed CN is specified, an INV-A is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from gstims.domain.calendar import (
    E2_START,
    FEED_DUE_DAY,
    Frequency,
    Period,
    financial_year_of,
    record_2b_period,
    return_period,
    section_16_4_limit,
    supplier_due_day,
)
from gstims.domain.money import Tax


class Kind(StrEnum):
    INV = "INV"
    DN = "DN"
    CN = "CN"
    ECO = "ECO"
    BOE = "BOE"


class Action(StrEnum):
    NO_ACTION = "N"
    ACCEPT = "A"
    REJECT = "R"
    PENDING = "P"


class Origin(StrEnum):
    """Which return or feed reported the record; `srcform` in IMS is R1 or R1A."""

    GSTR1 = "R1"  # GSTR-1 and IFF
    GSTR1A = "R1A"
    GSTR5 = "R5"  # non-resident taxable person
    GSTR6 = "R6"  # input service distributor
    ICEGATE = "ICEGATE"  # bills of entry


class Section(StrEnum):
    """IMS sections (GETINV / SAVE keys)."""

    B2B = "b2b"
    B2BA = "b2ba"
    B2BDN = "b2bdn"
    B2BDNA = "b2bdna"
    B2BCN = "b2bcn"
    B2BCNA = "b2bcna"
    ECOM = "ecom"
    ECOMA = "ecoma"
    IMPG = "impg"
    IMPGA = "impga"
    IMPGSEZ = "impgsez"
    IMPGSEZA = "impgseza"


class Route(StrEnum):
    """Where a record goes (R-IN-5): through IMS, or straight into a 2B bucket."""

    IMS = "IMS"
    REVERSE_CHARGE = "RCM"
    NON_RESIDENT = "NONRES"
    ISD = "ISD"
    IMPORTS = "IMPORTS"
    POS_INELIGIBLE = "POS"  # rsn P
    TIME_BARRED = "TIME"  # rsn C


class Direction(StrEnum):
    UPWARD = "UP"
    DOWNWARD = "DOWN"


SECTIONS: dict[tuple[Kind, bool, bool], Section] = {
    # (kind, is amendment of a consumed original, SEZ bill of entry) → IMS section
    (Kind.INV, False, False): Section.B2B,
    (Kind.INV, True, False): Section.B2BA,
    (Kind.DN, False, False): Section.B2BDN,
    (Kind.DN, True, False): Section.B2BDNA,
    (Kind.CN, False, False): Section.B2BCN,
    (Kind.CN, True, False): Section.B2BCNA,
    (Kind.ECO, False, False): Section.ECOM,
    (Kind.ECO, True, False): Section.ECOMA,
    (Kind.BOE, False, False): Section.IMPG,
    (Kind.BOE, True, False): Section.IMPGA,
    (Kind.BOE, False, True): Section.IMPGSEZ,
    (Kind.BOE, True, True): Section.IMPGSEZA,
}
SECTION_KIND: dict[Section, tuple[Kind, bool, bool]] = {v: k for k, v in SECTIONS.items()}


def normalise_number(number: str) -> str:
    """Document numbers compare upper-cased and trimmed (record key, rules.md §0)."""
    return number.strip().upper()


@dataclass(frozen=True, slots=True)
class RecordKey:
    supplier: str  # for a bill of entry: the SEZ supplier's GSTIN, or "" for ICEGATE imports
    recipient: str
    kind: Kind
    number: str  # normalised; for a bill of entry "PORTCODE/BOENUM"
    fy: int  # starting year of the document date's financial year

    @classmethod
    def of(
        cls, supplier: str, recipient: str, kind: Kind, number: str, doc_date: date
    ) -> RecordKey:
        return cls(supplier, recipient, kind, normalise_number(number), financial_year_of(doc_date))


@dataclass(frozen=True, slots=True)
class Original:
    """What an amendment amends, as it stood when the amendment arrived (R-IN-7, R-2B-5)."""

    number: str
    doc_date: date
    tax: Tax
    consumed: bool
    action: Action  # its action (at consumption, if consumed)
    effect: Tax  # the ITC effect it actually gave when consumed (R-2B-5); NO_TAX if not


@dataclass(frozen=True, slots=True)
class Record:
    key: RecordKey
    number: str  # as reported (an amendment's new number)
    doc_date: date
    origin: Origin
    supplier_period: Period  # rtnprd of the source return (a quarter's last month for GSTR-1 Q)
    supplier_frequency: Frequency
    taxable: Decimal
    value: Decimal
    tax: Tax
    pos: str
    supply_type: str = "R"  # inv_typ: R, SEWP, SEWOP, DE, CBW
    reverse_charge: bool = False
    diff_percent: Decimal | None = None
    rate: Decimal | None = None
    filed_on: date | None = None  # None: saved, not filed
    original: Original | None = None  # set on an amendment
    actual_supplier: str | None = None  # e-commerce: the actual supplier behind the operator
    port_code: str | None = None  # bill of entry
    ref_date: date | None = None  # bill of entry: ICEGATE reference date
    time_barred: bool = False  # left IMS at its 16(4) limit (R-ACT-5)

    @property
    def is_amendment(self) -> bool:
        return self.original is not None

    @property
    def amends_consumed(self) -> bool:
        return self.original is not None and self.original.consumed

    @property
    def direction(self) -> Direction | None:
        """R-IN-7: decided on total tax; equal counts as upward **(decision)**."""
        if self.original is None:
            return None
        return Direction.UPWARD if self.tax.total >= self.original.tax.total else Direction.DOWNWARD

    @property
    def is_sez_boe(self) -> bool:
        return self.key.kind is Kind.BOE and bool(self.key.supplier)

    @property
    def section(self) -> Section:
        return SECTIONS[(self.key.kind, self.amends_consumed, self.is_sez_boe)]

    @property
    def supplier_state(self) -> str:
        return (self.actual_supplier or self.key.supplier)[:2]

    @property
    def is_filed(self) -> bool:
        return self.filed_on is not None


def is_specified_record(record: Record) -> bool:
    """R-ACT-2: a record whose acceptance reduces the recipient's ITC."""
    return is_specified(record.key.kind, record.original, record.direction)


def is_specified(
    kind: Kind, original: Original | None = None, direction: Direction | None = None
) -> bool:
    """`is_specified_record` of a record of this kind, amending `original` (None: nothing) in
    this `direction`: what it reads of the record, so a record that amends nothing is told by
    its kind alone."""
    if original is None or not original.consumed:
        return kind is Kind.CN
    if kind is Kind.CN:
        return direction is Direction.UPWARD or original.action is Action.REJECT
    if kind in (Kind.INV, Kind.DN, Kind.ECO):
        return direction is Direction.DOWNWARD and original.action in (
            Action.ACCEPT,
            Action.NO_ACTION,
        )
    return False


def due_day_of(record: Record) -> int:
    """The supplier due day whose windows place the record in a 2B (R-2B-2)."""
    if record.origin in (Origin.GSTR5, Origin.GSTR6):
        return FEED_DUE_DAY
    return supplier_due_day(record.supplier_frequency)


def period_2b(record: Record, recipient_frequency: Frequency, today: date) -> Period:
    """The record's 2B period (rules.md §0, R-2B-2, R-IN-6).

    A bill of entry follows its ICEGATE reference date's month **(decision)**. A saved,
    unfiled record gets the period it would get if filed today **(decision)**.
    """
    if record.key.kind is Kind.BOE and record.ref_date is not None:
        return return_period(Period.of(record.ref_date), recipient_frequency)
    filed_on = record.filed_on or today
    return record_2b_period(
        record.supplier_period, filed_on, due_day_of(record), recipient_frequency
    )


def is_pos_ineligible(record: Record, recipient_state: str) -> bool:
    """R-IN-5e: the supplier charged intra-state tax where the recipient is in another state."""
    return record.supplier_state == record.pos != recipient_state and record.key.kind in (
        Kind.INV,
        Kind.DN,
        Kind.CN,
        Kind.ECO,
    )


def is_time_barred(record: Record, today: date) -> bool:
    """R-IN-5f / R-ACT-5: filed after the 16(4) limit, or left IMS at the limit."""
    if record.time_barred:
        return True
    if record.key.kind not in (Kind.INV, Kind.DN, Kind.ECO):
        return False  # credit notes are never time-barred this way (decision)
    if gives_credit_back(record):
        return False
    return filed_after_limit(record, today)


def gives_credit_back(record: Record) -> bool:
    """A downward amendment of a consumed original: never time-barred **(decision)** —
    s.16(4) bars taking credit after the limit, never giving it back (R-IN-5f, R-2B-5)."""
    return record.amends_consumed and record.direction is Direction.DOWNWARD


def filed_after_limit(record: Record, today: date) -> bool:
    """R-CAL-3: filed (or, unfiled, today is) after the 16(4) limit of the document — of
    its original's date for an amendment. A filing ON the limit day is in time."""
    limit = section_16_4_limit(record.original.doc_date if record.original else record.doc_date)
    return (record.filed_on or today) > limit


def route(record: Record, recipient_state: str, period_2b: Period, today: date) -> Route:
    """Where the record goes: IMS or a non-IMS 2B bucket (R-IN-5, R-IN-6)."""
    if record.origin is Origin.GSTR6:
        return Route.ISD
    if record.origin is Origin.GSTR5:
        return Route.NON_RESIDENT
    if record.reverse_charge:
        return Route.REVERSE_CHARGE
    if record.key.kind is Kind.BOE:
        return Route.IMS if period_2b >= E2_START else Route.IMPORTS
    if is_pos_ineligible(record, recipient_state):
        return Route.POS_INELIGIBLE
    if is_time_barred(record, today):
        return Route.TIME_BARRED
    return Route.IMS
