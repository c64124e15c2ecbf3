"""Small builders for records, IMS states and 2B entries, in the domain's words.

Defaults follow example-month.md: supplier S1 (Maharashtra) reports to recipient R
(Karnataka) in its GSTR-1 for October 2024, filed on 05-11-2024.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import partial

from gstims.domain.calendar import Frequency, Period
from gstims.domain.gstr2b import Entry, Gstr2B, Rule37A, build_gstr2b, itc_effect
from gstims.domain.money import NO_TAX, Tax, money
from gstims.domain.records import Action, Kind, Origin, Original, Record, RecordKey, Route
from gstims.domain.state import Declaration, ImsState

S1 = "27AAPFU0939F1ZV"  # Maharashtra
S2 = "24AANFA2641L1ZF"  # Gujarat
R = "29AABCR1718E1ZL"  # Karnataka
OCT_2024 = Period(2024, 10)

Amount = Decimal | int | str


def record(
    number: str,
    *,
    kind: Kind = Kind.INV,
    supplier: str = S1,
    recipient: str = R,
    doc_date: date = date(2024, 10, 10),
    period: Period = OCT_2024,
    filed_on: date | None = date(2024, 11, 5),
    taxable: Amount = 0,
    igst: Amount = 0,
    cgst: Amount = 0,
    sgst: Amount = 0,
    cess: Amount = 0,
    pos: str = "29",
    reverse_charge: bool = False,
    origin: Origin = Origin.GSTR1,
    actual_supplier: str | None = None,
    ref_date: date | None = None,
) -> Record:
    tax = Tax.of(igst, cgst, sgst, cess)
    return Record(
        key=RecordKey.of(supplier, recipient, kind, number, doc_date),
        number=number,
        doc_date=doc_date,
        origin=origin,
        supplier_period=period,
        supplier_frequency=Frequency.MONTHLY,
        taxable=money(taxable),
        value=money(taxable) + tax.total,
        tax=tax,
        pos=pos,
        reverse_charge=reverse_charge,
        filed_on=filed_on,
        actual_supplier=actual_supplier,
        ref_date=ref_date,
    )


invoice = partial(record, kind=Kind.INV)
debit_note = partial(record, kind=Kind.DN)
credit_note = partial(record, kind=Kind.CN)
eco_record = partial(record, kind=Kind.ECO)
# An ICEGATE bill of entry (no supplier); pass `supplier=` for an SEZ one.
bill_of_entry = partial(record, kind=Kind.BOE, supplier="", origin=Origin.ICEGATE)


def amendment(
    of: Record,
    *,
    igst: Amount | None = None,
    cgst: Amount | None = None,
    sgst: Amount | None = None,
    cess: Amount | None = None,
    taxable: Amount | None = None,
    number: str | None = None,
    original_action: Action = Action.NO_ACTION,
    original_effect: Tax | None = None,
    consumed: bool = True,
    period: Period | None = None,
    filed_on: date | None = None,
) -> Record:
    """An amendment of `of`; by default of a consumed original deemed accepted.

    The original's effect defaults to what it gave: its 2B effect when accepted or deemed
    accepted, nothing when rejected or not consumed.
    """
    if original_effect is None:
        if not consumed or original_action in (Action.REJECT, Action.PENDING):
            original_effect = NO_TAX
        else:
            original_effect = itc_effect(of, ImsState(original_action))
    old = of.tax
    tax = Tax.of(
        old.igst if igst is None else igst,
        old.cgst if cgst is None else cgst,
        old.sgst if sgst is None else sgst,
        old.cess if cess is None else cess,
    )
    new_taxable = of.taxable if taxable is None else money(taxable)
    new_period = period or of.supplier_period.next()
    return replace(
        of,
        number=number or of.number,
        tax=tax,
        taxable=new_taxable,
        value=new_taxable + tax.total,
        supplier_period=new_period,
        filed_on=filed_on or new_period.next().day(5),
        original=Original(
            of.number, of.doc_date, of.tax, consumed, original_action, original_effect
        ),
    )


def declared(igst: Amount = 0, cgst: Amount = 0, sgst: Amount = 0, cess: Amount = 0) -> Declaration:
    """`itcRedReq` Y with amounts."""
    return Declaration(required=True, amounts=Tax.of(igst, cgst, sgst, cess))


FULL_REDUCTION = Declaration(required=True)  # `itcRedReq` Y without amounts
NO_REDUCTION = Declaration(required=False)  # `itcRedReq` N


def entry(
    rec: Record,
    action: Action = Action.NO_ACTION,
    *,
    route: Route = Route.IMS,
    declaration: Declaration | None = None,
    remarks: str | None = None,
    trade_name: str = "",
) -> Entry:
    return Entry(rec, ImsState(action, remarks, declaration), route, trade_name)


def gstr2b(
    *entries: Entry,
    period: Period = OCT_2024,
    adjustments: tuple[Rule37A, ...] = (),
    recipient: str = R,
) -> Gstr2B:
    return build_gstr2b(
        recipient,
        period,
        entries,
        adjustments,
        generated_on=period.next().day(14),
        version=1,
    )
