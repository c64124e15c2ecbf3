"""GSTR-3B: Table 4 and 3.1(d) from the GSTR-2B (R-3B-1), and a supplier's 3.1(a) (R-3B-4).

R-3B-1, per tax head, from the latest 2B of the period (all zeros when none exists yet):

    4(A)(1) import of goods         = itcavl.imports
    4(A)(2) import of services      = 0 (self-assessed by the taxpayer)
    4(A)(3) inward reverse charge   = itcavl.revsup − othersup (cdnrrev + cdnrarev)
    4(A)(4) ISD                     = itcavl.isdsup − othersup (isd + isda)
    4(A)(5) all other ITC           = itcavl.nonrevsup − othersup (cdnr + cdnra)
    a negative head of a 4(A) row shows 0; its absolute value goes to 4(B)(2)
    4(B)(1) rules                   = 0
    4(B)(2) others                  = those negatives + itcrev (all groups)
    4(C)    net                     = 4(A) − 4(B)
    4(D)(1) rules                   = 0
    4(D)(2) others                  = itcunavl, credit notes netted (decision below)
    3.1(d)  inward reverse charge   = taxable value and tax of itcavl.revsup

Worked example (example-month.md, R for 102024): nonrevsup IGST 1,800 and othersup.cdnr 180
give 4(A)(5) 1,620; revsup 100 gives 4(A)(3) 100 and 3.1(d) 2,000 / 100; 4(C) is 1,720;
itcunavl CGST 450 + SGST 450 is 4(D)(2). A 2B(072025) whose only document is INV-7's
amendment down from 1,800 to 900 (rules.md §9 ex. 13) gives nonrevsup −900: 4(A)(5) shows 0
and 4(B)(2) 900, so 4(C) is −900.

**(decision)** 4(D)(2) = itcunavl (nonrevsup + isdsup + revsup + imports) − itcunavl
othersup, each head floored at 0: a credit note on a document whose ITC was not available
lessens the ineligible amount; 4(D) is a statement, and a negative ineligible ITC means nothing.

**(decision)** 3.1(d) follows R-3B-1 as written: the tax is itcavl.revsup; reverse-charge
credit notes (othersup.cdnrrev / cdnrarev) reduce 4(A)(3) only. Its taxable value is that of
the revsup documents; an amendment adds no taxable value (`Original` carries no taxable
value to take a difference from).

R-3B-4: a supplier's 3.1(a) for period P = its filed GSTR-1 / GSTR-1A records of P, invoices,
debit notes and e-commerce records (as the operator that reported them) minus credit notes,
an amendment by its difference from the original's tax; reverse-charge records are the
recipient's and stay out. Plus add-backs (s.34(2)): `credit_note_add_back` gives, for a credit
note consumed by a recipient's 3B, the supplier's reduction minus the recipient's (rules.md §9
ex. 9: CN-6 of 1,000 consumed as rejected adds back 1,000). Example (example-month.md, S1 for
102024): INV-101 10,000 / 1,800 + INV-102 5,000 / 600 − CN-11 1,000 / 180 = 14,000 / 2,220;
RCM-1 stays out.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from gstims.domain.calendar import Frequency, Period, next_return_period, return_period
from gstims.domain.gstr2b import Group, Gstr2B, Section2B, itc_effect
from gstims.domain.money import NO_TAX, ZERO, Tax, sum_tax
from gstims.domain.records import Action, Kind, Origin, Original, Record, Route, filed_after_limit
from gstims.domain.state import Declaration, ImsState

_S = Section2B


@dataclass(frozen=True, slots=True)
class SupplyTotals:
    """Taxable value and tax by head of a 3.1 row."""

    taxable: Decimal = ZERO
    tax: Tax = NO_TAX


@dataclass(frozen=True, slots=True)
class ItcAvailable:
    """4(A)."""

    import_of_goods: Tax = NO_TAX  # 4(A)(1) IMPG
    import_of_services: Tax = NO_TAX  # 4(A)(2) IMPS
    inward_reverse_charge: Tax = NO_TAX  # 4(A)(3) ISRC
    isd: Tax = NO_TAX  # 4(A)(4) ISD
    all_other: Tax = NO_TAX  # 4(A)(5) OTH

    @property
    def total(self) -> Tax:
        return sum_tax(
            (
                self.import_of_goods,
                self.import_of_services,
                self.inward_reverse_charge,
                self.isd,
                self.all_other,
            )
        )


@dataclass(frozen=True, slots=True)
class ItcReversed:
    """4(B)."""

    rules: Tax = NO_TAX  # 4(B)(1) RUL
    others: Tax = NO_TAX  # 4(B)(2) OTH

    @property
    def total(self) -> Tax:
        return self.rules + self.others


@dataclass(frozen=True, slots=True)
class ItcIneligible:
    """4(D)."""

    rules: Tax = NO_TAX  # 4(D)(1) RUL
    others: Tax = NO_TAX  # 4(D)(2) OTH


@dataclass(frozen=True, slots=True)
class Table4:
    """Table 4 (and 3.1(d)) as auto-populated from a GSTR-2B."""

    available: ItcAvailable = ItcAvailable()  # 4(A)
    reversed_itc: ItcReversed = ItcReversed()  # 4(B)
    ineligible: ItcIneligible = ItcIneligible()  # 4(D)
    inward_reverse_charge: SupplyTotals = SupplyTotals()  # 3.1(d)

    @property
    def net(self) -> Tax:
        """4(C) = 4(A) − 4(B), per head."""
        return self.available.total - self.reversed_itc.total


def table4(gstr2b: Gstr2B | None) -> Table4:
    """R-3B-1: Table 4 from the latest 2B of the period; all zeros when there is none."""
    if gstr2b is None:
        return Table4()
    itcavl = gstr2b.itc.itcavl
    notes = itcavl.othersup
    rows = (
        itcavl.imports.total,
        NO_TAX,
        itcavl.revsup.total - notes[_S.CDNRREV] - notes[_S.CDNRAREV],
        itcavl.isdsup.total - notes[_S.ISD] - notes[_S.ISDA],
        itcavl.nonrevsup.total - notes[_S.CDNR] - notes[_S.CDNRA],
    )
    # A negative head shows 0 in 4(A); what it lacks goes to 4(B)(2) (R-3B-1 decision).
    shortfall = sum_tax(row.negative_part() for row in rows)
    reversal = sum_tax(gstr2b.itc.itcrev.group(g).total for g in Group)
    return Table4(
        available=ItcAvailable(*(row.positive_part() for row in rows)),
        reversed_itc=ItcReversed(others=shortfall + reversal),
        ineligible=ItcIneligible(others=_ineligible(gstr2b)),
        inward_reverse_charge=SupplyTotals(gstr2b.reverse_charge_taxable, itcavl.revsup.total),
    )


def _ineligible(gstr2b: Gstr2B) -> Tax:
    """4(D)(2): itcunavl with its credit notes netted, floored at 0 per head (decision)."""
    unavl = gstr2b.itc.itcunavl
    gross = sum_tax(unavl.group(g).total for g in Group if g is not Group.OTHERSUP)
    return (gross - unavl.othersup.total).positive_part()


# -- supplier liability (R-3B-4) -------------------------------------------------------------

_OUTWARD_ORIGINS = (Origin.GSTR1, Origin.GSTR1A)


def outward_liability(
    supplier: str, period: Period, records: Iterable[Record], add_backs: Iterable[Tax] = ()
) -> SupplyTotals:
    """3.1(a) of `supplier` for `period`: its filed outward records of the period, plus add-backs.

    Records of other suppliers or periods, unfiled ones, reverse-charge ones and those not
    reported in GSTR-1 / GSTR-1A are left out, so the caller may pass a wider selection.
    An e-commerce record counts for the operator that reported it (its `key.supplier`).
    """
    taxable = ZERO
    plus: list[Tax] = []
    minus: list[Tax] = []
    for record in records:
        key = record.key
        if (
            key.supplier != supplier
            or record.supplier_period != period
            or record.filed_on is None
            or record.reverse_charge
            or record.origin not in _OUTWARD_ORIGINS
            or key.kind is Kind.BOE
        ):
            continue
        original = record.original
        tax = record.tax if original is None else record.tax - original.tax
        # Original carries no taxable value: an amendment adds none (decision, see docstring).
        value = record.taxable if original is None else ZERO
        if key.kind is Kind.CN:
            minus.append(tax)
            taxable -= value
        else:
            plus.append(tax)
            taxable += value
    tax = sum_tax(plus) - sum_tax(minus) + sum_tax(add_backs)
    return SupplyTotals(taxable, tax)


def credit_note_add_back(record: Record, state: ImsState) -> Tax:
    """s.34(2), R-3B-4: what a credit note consumed by the recipient's 3B adds back.

    The supplier's reduction (the note's tax; an amendment's difference from the original)
    minus the recipient's (its 2B effect; 0 when rejected). Rejected: its tax; accepted with a
    partial or nil declaration: tax − reduction. An amendment may take back, but never more
    than, what its original added back: a CN rejected, consumed, re-reported unchanged and
    accepted nets to 0. Pending changes nothing; other kinds add back nothing. Meant for
    IMS-routed credit notes (the caller knows the route).
    """
    if record.key.kind is not Kind.CN or state.action is Action.PENDING:
        return NO_TAX
    original = record.original
    consumed_original = original is not None and original.consumed
    recipient = NO_TAX if state.action is Action.REJECT else itc_effect(record, state)
    if original is None or not consumed_original:
        return record.tax - recipient
    supplier_reduction = record.tax - original.tax
    earlier_add_back = original.tax - original.effect
    floor = NO_TAX - earlier_add_back.positive_part()
    add_back = supplier_reduction - recipient
    return Tax(*(max(h, f) for h, f in zip(add_back.heads, floor.heads, strict=True)))


# -- consumption (R-3B-3) --------------------------------------------------------------------


def route_as_held(record: Record, route: Route, held: Action) -> Route:
    """R-3B-3, R-ACT-5: the route by which the 2B that holds `record` with action `held` counted it.

    The daily time-bar takes out of IMS only a record kept Pending or still unfiled. A filed
    record a 2B holds as accepted, deemed accepted or rejected was therefore in IMS when that
    2B was made, unless it was filed after its limit (R-IN-5f). If it is time-barred now, the
    bar came after the 2B (the recipient turned it Pending since, then the limit passed), and
    the 3B consumes it as the 2B held it: in IMS, with the ITC that 2B counted for it.

    Example: INV-9 (FY 2024-25, limit 30-11-2025) deemed accepted into the 2B of 102025 and
    turned Pending on 20-11 is time-barred on 01-12; the 3B of 102025 filed on 02-12 from that
    2B consumes it as IMS with action N: it gave its 1,800.
    """
    if (
        route is Route.TIME_BARRED
        and record.time_barred
        and held is not Action.PENDING
        and record.filed_on is not None
        and not filed_after_limit(record, record.filed_on)
    ):
        return Route.IMS
    return route


class Consumed(NamedTuple):
    """What a record consumed by a filed 3B gave: its ITC effect and its add-back."""

    effect: Tax
    add_back: Tax


_NO_ITC_ROUTES = frozenset({Route.POS_INELIGIBLE, Route.TIME_BARRED})


def consumed(record: Record, state: ImsState, route: Route) -> Consumed:
    """R-3B-3, R-2B-5, R-3B-4: what a record consumed with the state its 2B recorded gave.

    Its effect is the ITC it actually gave — nothing by a no-ITC route (POS-ineligible,
    time-barred) or rejected in IMS, else `itc_effect` — cumulative for an amendment of a
    consumed original (the original's effect plus the difference), so that a later amendment
    is measured against it (R-2B-5). A credit note in IMS adds back `credit_note_add_back`
    (R-3B-4); nothing else adds back.

    Example (rules.md §9 ex. 9): CN-6 of IGST 1,000 consumed as rejected gives nothing and
    adds back 1,000; INV-7 of 1,800 consumed deemed accepted gives 1,800.
    """
    if route in _NO_ITC_ROUTES or (route is Route.IMS and state.action is Action.REJECT):
        own = NO_TAX
    else:
        own = itc_effect(record, state, route)
    original = record.original
    effect = original.effect + own if original is not None and original.consumed else own
    add_back = NO_TAX
    if record.key.kind is Kind.CN and route is Route.IMS:
        add_back = credit_note_add_back(record, state)
    return Consumed(effect, add_back)


class ConsumedFacts(NamedTuple):
    """Everything `consumed` reads of a record, its route and its state: records with equal
    facts give the same `Consumed`, so a lakh of them is judged once per distinct value."""

    kind: Kind
    tax: Tax
    route: Route
    action: Action
    declaration: Declaration | None
    original: Original | None
    filed_late: bool  # filed after its 16(4) limit (`itc_effect` of an amendment reads it)


def consumed_facts(record: Record, state: ImsState, route: Route) -> ConsumedFacts:
    """The facts of `record` that decide `consumed(record, state, route)`."""
    filed_on = record.filed_on
    late = (
        filed_on is not None and record.original is not None and filed_after_limit(record, filed_on)
    )
    return ConsumedFacts(
        record.key.kind, record.tax, route, state.action, state.declaration, record.original, late
    )


def add_back_period(consumed_in: Period, frequency: Frequency, filed: Set[Period]) -> Period:
    """R-3B-4: an add-back lands in the supplier's first return period after the recipient's
    3B period (in the supplier's own frequency) whose GSTR-3B is not yet filed.

    Example: R's 3B of 102024 consumes a credit note of a monthly S1 whose 3B of 112024 is
    filed: the add-back lands in 122024."""
    landing = next_return_period(return_period(consumed_in, frequency), frequency)
    while landing in filed:
        landing = next_return_period(landing, frequency)
    return landing


def reclaim_period(filed: date, frequency: Frequency) -> Period:
    """R-2B-8: the 2B period in which a Rule 37A reversal becomes reclaimable once the
    supplier's late 3B is filed on `filed` — the recipient's next 2B: the month's own from its
    14th (the day the 2B is drafted), else the previous month's, in the recipient's frequency.

    Example: a 3B filed on 20-12-2024 makes it reclaimable in the 2B of 122024; filed on
    10-12-2024, in that of 112024."""
    month = Period.of(filed) if filed.day >= 14 else Period.of(filed).prev()
    return return_period(month, frequency)
