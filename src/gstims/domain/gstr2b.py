"""GSTR-2B: the recipient's ITC statement for one period, built in one pass.

Rules (rules.md §5, R-IN-5):

- R-2B-3: a live IMS record with action A or N (deemed accepted) is in `docdata` with ITC
  available; R is in `docRejdata`, `itcRejected` and `cpSummRej`; P is nowhere (it stays in
  IMS). The non-IMS documents of R-IN-5 are added by their route: reverse charge → `revsup`;
  GSTR-5 → `nonrevsup` like an IMS record deemed accepted; bills of entry → `imports`;
  POS-ineligible → `itcunavl`, `rsn` P; time-barred → `itcunavl`, `rsn` C. `itcunavl` uses the
  same tree as `itcavl`.
- R-2B-4: accepted or deemed-accepted credit notes go into `othersup.cdnr` (`.cdnra`,
  reverse-charge ones `.cdnrrev` / `.cdnrarev`) as POSITIVE reduction amounts, reduced by a
  declaration (`reduction_of`). Debit notes are ITC like invoices: `nonrevsup.cdnr`.
- R-2B-5: an amendment of a consumed original counts its own effect MINUS what the original
  actually gave (`Original.effect`), signed, in its own amended section. **(decision)** An
  invoice, debit note or e-commerce amendment filed after the original's 16(4) limit counts
  only the negative part of that difference: s.16(4) bars taking credit after the limit, never
  giving it back (so a downward amendment of an original that gave nothing gives nothing).
- R-2B-6: every section is the sum of its members' effects, every group the sum of its
  sections, to the paisa; each document sits in exactly one of `docdata` / `docRejdata`.
- R-2B-8: Rule 37A reversals are members of `itcrev.nonrevsup.b2b`, reclaims of
  `itcavl.nonrevsup.b2b`; they are kept as lines (`Gstr2B.rule_37a`).

Worked example (example-month.md, 2B of R for 102024): INV-101 (IGST 1,800, no action) →
`itcavl.nonrevsup.b2b` 1,800; CN-11 (IGST 180, accepted) → `itcavl.othersup.cdnr` 180;
RCM-1 (IGST 100) → `itcavl.revsup.b2b` 100; INV-201 (POS-ineligible, CGST 450 + SGST 450) →
`itcunavl.nonrevsup.b2b` with `rsn` P; INV-102 (IGST 600, rejected) → `docRejdata` and
`itcRejected.nonrevsup.b2b` 600; INV-202 (Pending) → nowhere. R-2B-5 (rules.md §9 ex. 13):
INV-7 (1,800) accepted and consumed, amended down to 900 → `nonrevsup.b2ba` −900.

Decisions taken here (each also stated where it is coded):

- **(decision)** ISD (GSTR-6): an ISD invoice (any kind but CN, origin GSTR6) → `isdsup.isd`;
  an ISD credit note (kind CN) → `othersup.isd`, a positive reduction; amendments `isda`.
- **(decision)** A declaration counts only on an ACCEPTED specified record (R-ACT-2, R-ACT-7)
  in IMS; any other declaration is ignored. On an amendment of a consumed original it replaces
  the difference: for a CN-A, `Y` without amounts = the difference's positive part, `Y` with
  amounts = those amounts, `N` = 0; for a downward INV-A / DN-A / ECO-A (specified when the
  original was accepted), `Y` without amounts = the difference's negative part (as a negative
  effect), `Y` with amounts = minus those amounts, `N` = 0. No declaration = the signed
  difference of R-2B-5.
- **(decision)** Rejected and ITC-not-available documents count their OWN tax (not an
  amendment difference, not a declaration) in the section they would have had in `itcavl`:
  a rejected credit note shows in `itcRejected.othersup.cdnr`. The per-document `itcavl` flag
  says whether the document is eligible (no `rsn`); rejection is told by `docRejdata`.
- **(decision)** Counterparty rows: one per section, supplier and document kind (kind only
  splits `cdnr`/`cdnra` into credit and debit notes, `isd`/`isda` into ISDI/ISDC), carrying
  document values whatever their ITC status, the latest supplier period and filing date of
  its documents. Rule 37A lines are not documents and have no counterparty rows.
- **(decision)** Every bucket carries all five groups with all their sections (zeros
  included); the formats layer leaves out what GSTN does not print (`itcrev.revsup` ...).
- Robustness: besides Pending, an entry is skipped when it names another recipient, is not
  filed (bills of entry need no filing date), or has a supplier period after the 2B period
  (R-2B-2). Documents keep the order of the entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import NamedTuple

from gstims.domain.calendar import Period
from gstims.domain.money import NO_TAX, ZERO, Tax, sum_tax
from gstims.domain.records import (
    Action,
    Kind,
    Record,
    Route,
    filed_after_limit,
    is_specified_record,
)
from gstims.domain.state import NO_ACTION, Declaration, ImsState, reduction_of


class Bucket(StrEnum):
    """The four parts of `itcsumm`."""

    ITCAVL = "itcavl"  # ITC available
    ITCUNAVL = "itcunavl"  # ITC not available (rsn P or C)
    ITCREV = "itcrev"  # ITC reversal (Rule 37A)
    ITC_REJECTED = "itcRejected"  # rejected in IMS


class Group(StrEnum):
    NONREVSUP = "nonrevsup"  # all other ITC → 3B 4(A)(5)
    ISDSUP = "isdsup"  # from ISD → 4(A)(4)
    REVSUP = "revsup"  # reverse charge → 3.1(d), 4(A)(3)
    IMPORTS = "imports"  # bills of entry → 4(A)(1)
    OTHERSUP = "othersup"  # reductions: credit notes, ISD credit notes


class Section2B(StrEnum):
    """GSTR-2B sections, both of `docdata` and of the `itcsumm` groups."""

    B2B = "b2b"
    B2BA = "b2ba"
    CDNR = "cdnr"
    CDNRA = "cdnra"
    ECOM = "ecom"
    ECOMA = "ecoma"
    ISD = "isd"
    ISDA = "isda"
    IMPG = "impg"
    IMPGA = "impga"
    IMPGSEZ = "impgsez"
    IMPGASEZ = "impgasez"
    CDNRREV = "cdnrrev"
    CDNRAREV = "cdnrarev"


class Reason(StrEnum):
    """`rsn`: why ITC is not available (R-IN-5e, f)."""

    POS = "P"
    TIME_BARRED = "C"


_S = Section2B
GROUP_SECTIONS: Mapping[Group, tuple[Section2B, ...]] = {
    Group.NONREVSUP: (_S.B2B, _S.B2BA, _S.CDNR, _S.CDNRA, _S.ECOM, _S.ECOMA),
    Group.ISDSUP: (_S.ISD, _S.ISDA),
    Group.REVSUP: (_S.B2B, _S.B2BA, _S.CDNR, _S.CDNRA),
    Group.IMPORTS: (_S.IMPG, _S.IMPGSEZ, _S.IMPGA, _S.IMPGASEZ),
    Group.OTHERSUP: (_S.CDNR, _S.CDNRA, _S.CDNRREV, _S.CDNRAREV, _S.ISD, _S.ISDA),
}
# Every (bucket, group, section) cell of `itcsumm`, numbered: an accumulator per slot.
SLOTS: tuple[tuple[Bucket, Group, Section2B], ...] = tuple(
    (b, g, s) for b in Bucket for g in Group for s in GROUP_SECTIONS[g]
)
_SLOT_OF = {cell: i for i, cell in enumerate(SLOTS)}


# -- input -----------------------------------------------------------------------------------


class Entry(NamedTuple):
    """One record the storage layer selected for the 2B, with what the 2B needs beside it.

    The supplier's filing date is `record.filed_on`; its period `record.supplier_period`.
    `route` is `records.route(...)`; `state` is ignored for non-IMS routes. (A named tuple,
    as `DocLine`: a lakh of them are made per 2B, at a third of a frozen dataclass' cost.)
    """

    record: Record
    state: ImsState = NO_ACTION
    route: Route = Route.IMS
    trade_name: str = ""


@dataclass(frozen=True, slots=True)
class Rule37A:
    """R-2B-8: ITC got from one supplier's records of one period, reversed or reclaimed."""

    supplier: str
    supplier_period: Period
    tax: Tax
    reclaim: bool = False  # False: reversal → itcrev; True: reclaim → itcavl
    trade_name: str = ""

    @property
    def bucket(self) -> Bucket:
        return Bucket.ITCAVL if self.reclaim else Bucket.ITCREV


# -- output ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItcGroup:
    """One group of a bucket: its sections and their total (R-2B-6)."""

    sections: Mapping[Section2B, Tax]
    total: Tax

    def __getitem__(self, section: Section2B) -> Tax:
        return self.sections[section]


@dataclass(frozen=True, slots=True)
class ItcBucket:
    nonrevsup: ItcGroup
    isdsup: ItcGroup
    revsup: ItcGroup
    imports: ItcGroup
    othersup: ItcGroup

    def group(self, group: Group) -> ItcGroup:
        return {
            Group.NONREVSUP: self.nonrevsup,
            Group.ISDSUP: self.isdsup,
            Group.REVSUP: self.revsup,
            Group.IMPORTS: self.imports,
            Group.OTHERSUP: self.othersup,
        }[group]


@dataclass(frozen=True, slots=True)
class ItcSummary:
    """`itcsumm`."""

    itcavl: ItcBucket
    itcunavl: ItcBucket
    itcrev: ItcBucket
    itc_rejected: ItcBucket

    def bucket(self, bucket: Bucket) -> ItcBucket:
        return {
            Bucket.ITCAVL: self.itcavl,
            Bucket.ITCUNAVL: self.itcunavl,
            Bucket.ITCREV: self.itcrev,
            Bucket.ITC_REJECTED: self.itc_rejected,
        }[bucket]


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a document goes: its `docdata` section and the `itcsumm` cell it counts in."""

    section: Section2B
    bucket: Bucket
    group: Group
    itc_section: Section2B
    reason: Reason | None
    slot: int


class DocLine(NamedTuple):
    """A document of `docdata` / `docRejdata`; `effect` is what it adds to its `itcsumm` cell.

    In `othersup` the effect is a positive reduction; an amendment's effect is signed.
    """

    entry: Entry
    placement: Placement
    effect: Tax

    @property
    def record(self) -> Record:
        return self.entry.record

    @property
    def section(self) -> Section2B:
        return self.placement.section

    @property
    def bucket(self) -> Bucket:
        return self.placement.bucket

    @property
    def reason(self) -> Reason | None:
        return self.placement.reason

    @property
    def itc_available(self) -> bool:
        """`itcavl` Y/N: eligible (no `rsn`); a rejected document is told by `docRejdata`."""
        return self.placement.reason is None

    @property
    def state(self) -> ImsState:
        return self.entry.state

    @property
    def trade_name(self) -> str:
        return self.entry.trade_name

    @property
    def supplier(self) -> str:
        """`ctin`: for an e-commerce record, the operator that reported it."""
        return self.entry.record.key.supplier

    @property
    def supplier_period(self) -> Period:
        return self.entry.record.supplier_period

    @property
    def supplier_filed_on(self) -> date | None:
        return self.entry.record.filed_on

    @property
    def kind(self) -> Kind:
        return self.entry.record.key.kind

    @property
    def number(self) -> str:
        return self.entry.record.number

    @property
    def doc_date(self) -> date:
        return self.entry.record.doc_date

    @property
    def value(self) -> Decimal:
        return self.entry.record.value

    @property
    def taxable(self) -> Decimal:
        return self.entry.record.taxable

    @property
    def tax(self) -> Tax:
        return self.entry.record.tax

    @property
    def pos(self) -> str:
        return self.entry.record.pos

    @property
    def supply_type(self) -> str:
        return self.entry.record.supply_type

    @property
    def reverse_charge(self) -> bool:
        return self.entry.record.reverse_charge

    @property
    def diff_percent(self) -> Decimal | None:
        return self.entry.record.diff_percent

    @property
    def amended(self) -> bool:
        """An amendment of a consumed original (R-2B-5): in an amended section."""
        original = self.entry.record.original
        return original is not None and original.consumed

    @property
    def original_number(self) -> str | None:
        """`oinum` / `ontnum`: only in an amended section (R-2B-5)."""
        original = self.entry.record.original
        return original.number if original is not None and original.consumed else None

    @property
    def original_date(self) -> date | None:
        original = self.entry.record.original
        return original.doc_date if original is not None and original.consumed else None


@dataclass(frozen=True, slots=True)
class SupplierRow:
    """A row of `cpsumm` / `cpSummRej`: one supplier's documents of one section and kind."""

    section: Section2B
    supplier: str
    kind: Kind
    trade_name: str
    supplier_period: Period  # the latest among its documents
    filed_on: date | None  # the latest among its documents
    documents: int
    taxable: Decimal
    tax: Tax


@dataclass(frozen=True, slots=True)
class Gstr2B:
    recipient: str
    period: Period
    generated_on: date
    version: int
    itc: ItcSummary  # itcsumm
    documents: tuple[DocLine, ...]  # docdata
    rejected_documents: tuple[DocLine, ...]  # docRejdata
    suppliers: tuple[SupplierRow, ...]  # cpsumm
    rejected_suppliers: tuple[SupplierRow, ...]  # cpSummRej
    rule_37a: tuple[Rule37A, ...]  # itcrev / itcavl lines (R-2B-8)
    reverse_charge_taxable: Decimal  # taxable value of itcavl.revsup documents (3.1(d))

    def lines(self) -> Iterator[DocLine]:
        yield from self.documents
        yield from self.rejected_documents


# -- placement (R-2B-3, R-2B-4, R-IN-5) ------------------------------------------------------


def _bucket(route: Route, action: Action) -> tuple[Bucket, Reason | None] | None:
    if route is Route.POS_INELIGIBLE:
        return Bucket.ITCUNAVL, Reason.POS
    if route is Route.TIME_BARRED:
        return Bucket.ITCUNAVL, Reason.TIME_BARRED
    if route is not Route.IMS:
        return Bucket.ITCAVL, None  # R-IN-5: not in IMS, nothing to act on
    if action is Action.PENDING:
        return None
    if action is Action.REJECT:
        return Bucket.ITC_REJECTED, None
    return Bucket.ITCAVL, None


def _doc_section(kind: Kind, route: Route, amended: bool, sez: bool) -> Section2B:
    if kind is Kind.BOE:
        if sez:
            return _S.IMPGASEZ if amended else _S.IMPGSEZ
        return _S.IMPGA if amended else _S.IMPG
    if route is Route.ISD:
        return _S.ISDA if amended else _S.ISD
    if kind is Kind.INV:
        return _S.B2BA if amended else _S.B2B
    if kind is Kind.ECO:
        return _S.ECOMA if amended else _S.ECOM
    return _S.CDNRA if amended else _S.CDNR  # credit and debit notes


def _itc_cell(kind: Kind, route: Route, amended: bool, doc: Section2B) -> tuple[Group, Section2B]:
    if kind is Kind.BOE:
        return Group.IMPORTS, doc
    if route is Route.ISD:  # (decision) ISD credit notes reduce through othersup.isd
        return (Group.OTHERSUP if kind is Kind.CN else Group.ISDSUP), doc
    if route is Route.REVERSE_CHARGE:
        if kind is Kind.CN:
            return Group.OTHERSUP, _S.CDNRAREV if amended else _S.CDNRREV
        if kind is Kind.DN:
            return Group.REVSUP, doc
        return Group.REVSUP, _S.B2BA if amended else _S.B2B  # an RCM e-commerce record: b2b
    if kind is Kind.CN:
        return Group.OTHERSUP, doc
    return Group.NONREVSUP, doc


@cache
def placement(
    kind: Kind, route: Route, action: Action, amended: bool, sez: bool
) -> Placement | None:
    """Where a document goes in the 2B; None for a Pending IMS record (R-2B-3)."""
    bucket_reason = _bucket(route, action)
    if bucket_reason is None:
        return None
    bucket, reason = bucket_reason
    doc = _doc_section(kind, route, amended, sez)
    group, cell = _itc_cell(kind, route, amended, doc)
    return Placement(doc, bucket, group, cell, reason, _SLOT_OF[(bucket, group, cell)])


# -- effects (R-2B-4, R-2B-5, R-ACT-7) -------------------------------------------------------


def _declaration(record: Record, state: ImsState, route: Route) -> Declaration | None:
    """The declaration that counts: on an accepted specified IMS record only (R-ACT-7)."""
    declaration = state.declaration
    if declaration is None or route is not Route.IMS or state.action is not Action.ACCEPT:
        return None
    return declaration if is_specified_record(record) else None


def itc_effect(record: Record, state: ImsState = NO_ACTION, route: Route = Route.IMS) -> Tax:
    """What the record adds to its `itcavl` cell when accepted or deemed accepted.

    A credit note's effect is a positive reduction (R-2B-4); an amendment of a consumed
    original gives its own effect minus the original's actual effect (R-2B-5), with a
    declaration replacing that difference (decisions in the module docstring).
    """
    kind, tax, original = record.key.kind, record.tax, record.original
    declaration = _declaration(record, state, route)
    if original is None or not original.consumed:
        return reduction_of(tax, declaration) if kind is Kind.CN else tax
    difference = tax - original.effect
    if declaration is None:
        if kind is not Kind.CN and record.filed_on and filed_after_limit(record, record.filed_on):
            return NO_TAX - difference.negative_part()  # 16(4): it may only give credit back
        return difference
    if not declaration.required:
        return NO_TAX
    if kind is Kind.CN:
        if declaration.amounts is None:
            return difference.positive_part()
        return declaration.amounts
    if declaration.amounts is None:
        return NO_TAX - difference.negative_part()
    return NO_TAX - declaration.amounts


# -- the build -------------------------------------------------------------------------------


class _RowTotals:
    """Running totals of one counterparty row; mutable, local to one build."""

    __slots__ = (
        "cess",
        "cgst",
        "count",
        "filed_on",
        "igst",
        "period",
        "period_index",
        "sgst",
        "taxable",
        "trade",
    )

    def __init__(self, record: Record, trade_name: str) -> None:
        tax = record.tax
        self.count = 1
        self.taxable = record.taxable
        self.igst, self.cgst, self.sgst, self.cess = tax.igst, tax.cgst, tax.sgst, tax.cess
        self.period = record.supplier_period
        self.period_index = self.period.year * 12 + self.period.month
        self.filed_on = record.filed_on
        self.trade = trade_name

    def add(self, record: Record, trade_name: str) -> None:
        tax = record.tax
        self.count += 1
        self.taxable += record.taxable
        self.igst += tax.igst
        self.cgst += tax.cgst
        self.sgst += tax.sgst
        self.cess += tax.cess
        period = record.supplier_period
        if period is not self.period and period.year * 12 + period.month > self.period_index:
            self.period = period
            self.period_index = period.year * 12 + period.month
        filed_on = record.filed_on
        if filed_on is not None and (self.filed_on is None or filed_on > self.filed_on):
            self.filed_on = filed_on
        if not self.trade:
            self.trade = trade_name

    def row(self, section: Section2B, supplier: str, kind: Kind) -> SupplierRow:
        tax = Tax(self.igst, self.cgst, self.sgst, self.cess)
        return SupplierRow(
            section,
            supplier,
            kind,
            self.trade,
            self.period,
            self.filed_on,
            self.count,
            self.taxable,
            tax,
        )


RowKey = tuple[bool, Section2B, str, Kind]  # rejected?, section, supplier, kind


def build_gstr2b(
    recipient: str,
    period: Period,
    entries: Iterable[Entry],
    adjustments: Iterable[Rule37A] = (),
    *,
    generated_on: date,
    version: int,
) -> Gstr2B:
    """The GSTR-2B of `recipient` for `period` from the selected entries (R-2B-3..8)."""
    members: list[list[Tax]] = [[] for _ in SLOTS]
    documents: list[DocLine] = []
    rejected: list[DocLine] = []
    rows: dict[RowKey, _RowTotals] = {}
    rc_taxable = ZERO
    last = (period.year, period.month)
    rejected_bucket = Bucket.ITC_REJECTED

    for entry in entries:
        line = doc_line(entry, recipient, last)
        if line is None:
            continue
        record, place = entry.record, line.placement
        if counts_reverse_charge(line):
            rc_taxable += record.taxable
        members[place.slot].append(line.effect)
        is_rejected = place.bucket is rejected_bucket
        (rejected if is_rejected else documents).append(line)
        row_key = (is_rejected, place.section, record.key.supplier, record.key.kind)
        row = rows.get(row_key)
        if row is None:
            rows[row_key] = _RowTotals(record, entry.trade_name)
        else:
            row.add(record, entry.trade_name)

    rule_37a = tuple(adjustments)
    for adjustment in rule_37a:
        members[rule_37a_slot(adjustment)].append(adjustment.tax)

    return Gstr2B(
        recipient=recipient,
        period=period,
        generated_on=generated_on,
        version=version,
        itc=_summary(members),
        documents=tuple(documents),
        rejected_documents=tuple(rejected),
        suppliers=_supplier_rows(rows, rejected=False),
        rejected_suppliers=_supplier_rows(rows, rejected=True),
        rule_37a=rule_37a,
        reverse_charge_taxable=rc_taxable,
    )


def doc_line(entry: Entry, recipient: str, last: tuple[int, int]) -> DocLine | None:
    """The entry's document in the 2B of `recipient` whose period is `last` (year, month),
    or None when the 2B leaves it out: another recipient's, not filed (bills of entry need no
    filing date) or from a supplier period after T (R-2B-2), Pending in IMS (R-2B-3)."""
    record = entry.record
    key = record.key
    kind = key.kind
    if key.recipient != recipient:
        return None
    if kind is not Kind.BOE:  # R-2B-2: filed, and never from a supplier period after T
        sp = record.supplier_period
        if record.filed_on is None or (sp.year, sp.month) > last:
            return None
    original = record.original
    amended = original is not None and original.consumed
    state = entry.state
    place = placement(
        kind, entry.route, state.action, amended, kind is Kind.BOE and key.supplier != ""
    )
    if place is None:
        return None  # Pending: stays in IMS (R-2B-3)
    effect = record.tax
    if place.bucket is Bucket.ITCAVL and (amended or kind is Kind.CN):
        effect = itc_effect(record, state, entry.route)
    return DocLine(entry, place, effect)


def counts_reverse_charge(line: DocLine) -> bool:
    """Whether the line's taxable value counts in `reverse_charge_taxable` (3.1(d)): an
    `itcavl.revsup` document that is not an amendment."""
    place = line.placement
    return place.bucket is Bucket.ITCAVL and place.group is Group.REVSUP and not line.amended


def rule_37a_slot(adjustment: Rule37A) -> int:
    """The `SLOTS` cell a Rule 37A line counts in (R-2B-8): `nonrevsup.b2b` of its bucket."""
    return _SLOT_OF[(adjustment.bucket, Group.NONREVSUP, _S.B2B)]


def _summary(members: list[list[Tax]]) -> ItcSummary:
    return summary_of([sum_tax(m) for m in members])


def summary_of(totals: Sequence[Tax]) -> ItcSummary:
    """`itcsumm` from the total of each `SLOTS` cell, in their order (R-2B-6)."""
    cells = {cell: totals[i] for i, cell in enumerate(SLOTS)}

    def group(b: Bucket, g: Group) -> ItcGroup:
        sections = {s: cells[(b, g, s)] for s in GROUP_SECTIONS[g]}
        if all(t is NO_TAX for t in sections.values()):  # most groups of a small 2B
            return ItcGroup(sections, NO_TAX)
        return ItcGroup(sections, sum_tax(sections.values()))

    def bucket(b: Bucket) -> ItcBucket:
        return ItcBucket(*(group(b, g) for g in Group))

    return ItcSummary(*(bucket(b) for b in Bucket))


def _supplier_rows(rows: dict[RowKey, _RowTotals], *, rejected: bool) -> tuple[SupplierRow, ...]:
    return ordered_rows(rows[k].row(k[1], k[2], k[3]) for k in rows if k[0] is rejected)


def ordered_rows(rows: Iterable[SupplierRow]) -> tuple[SupplierRow, ...]:
    """Counterparty rows ordered by section, supplier and kind."""
    return tuple(sorted(rows, key=lambda r: (r.section, r.supplier, r.kind)))
