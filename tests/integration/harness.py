"""A sandbox driven through the use cases, in the words of a month of IMS."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from gstims.domain.calendar import Frequency, Period
from gstims.domain.documents import Item, SupplierDocument
from gstims.domain.ims import ActionItem, ImsFilter
from gstims.domain.money import Tax, money
from gstims.domain.records import Action, Kind, Section
from gstims.domain.state import Declaration
from gstims.services import clock, gstr2b, gstr3b, ims, supplier, taxpayers
from gstims.store.db import Database

S1 = "27AAPFU0939F1ZV"  # Maharashtra
S2 = "24AANFA2641L1ZF"  # Gujarat
R = "29AABCR1718E1ZL"  # Karnataka

SECTION_OF = {Kind.INV: "b2b", Kind.CN: "cdnr", Kind.DN: "cdnr", Kind.ECO: "ecomb2b"}


def d(text: str) -> date:
    day, month, year = map(int, text.split("-"))
    return date(year, month, day)


def doc(
    number: str,
    when: str,
    *,
    to: str = R,
    kind: Kind = Kind.INV,
    rate: Any = 18,
    taxable: Any = 10000,
    igst: Any = None,
    cgst: Any = 0,
    sgst: Any = 0,
    pos: str | None = None,
    rchrg: bool = False,
    supplier_gstin: str = S1,
    original: tuple[str, str] | None = None,
    delete: bool = False,
) -> SupplierDocument:
    taxable = money(taxable)
    if igst is None:
        igst = Decimal(0) if cgst else (taxable * Decimal(rate) / 100)
    tax = Tax.of(money(igst), money(cgst), money(sgst))
    section = SECTION_OF[kind] + ("a" if original else "")
    return SupplierDocument(
        section=section,
        kind=kind,
        supplier=supplier_gstin,
        recipient=to,
        number=number,
        doc_date=d(when),
        value=taxable + tax.total,
        pos=pos or to[:2],
        reverse_charge=rchrg,
        items=(Item(Decimal(rate), taxable, tax),),
        original_number=original[0] if original else None,
        original_date=d(original[1]) if original else None,
        delete=delete,
    )


class Sandbox:
    def __init__(self, db: Database, today: str = "01-10-2024") -> None:
        self.db = db
        with db.transaction() as uow:
            taxpayers.set_start_date(uow, d(today))

    def run(self, fn: Any, *args: Any, write: bool = True, **kw: Any) -> Any:
        with self.db.transaction(write=write) as uow:
            return fn(uow, *args, **kw)

    def register(self, gstin: str, freq: str = "M", on: str = "01-10-2024", name: str = "") -> None:
        self.run(
            taxpayers.register_taxpayer,
            gstin,
            name or f"Taxpayer {gstin[:2]}",
            Frequency(freq),
            d(on),
            trade_name=name or None,
        )

    def today(self, when: str) -> list[Any]:
        return self.run(clock.advance_clock, d(when))

    def save(self, gstin: str, period: str, *docs: SupplierDocument, form: str = "GSTR1") -> Any:
        return self.run(supplier.save_return, gstin, form, Period.parse(period), list(docs))

    def file(self, gstin: str, period: str, form: str = "GSTR1") -> Any:
        return self.run(supplier.file_return, gstin, form, Period.parse(period))

    def ims(self, recipient: str = R, **flt: Any) -> list[ims.ImsRecord]:
        return self.run(ims.list_records, recipient, ImsFilter(**flt), write=False)

    def numbers(self, recipient: str = R, **flt: Any) -> set[str]:
        return {r.record.number for r in self.ims(recipient, **flt)}

    def find(self, number: str, recipient: str = R) -> ims.ImsRecord:
        (found,) = [r for r in self.ims(recipient) if r.record.number == number]
        return found

    def act(
        self,
        number: str,
        action: str,
        *,
        recipient: str = R,
        remarks: str | None = None,
        declaration: Declaration | None = None,
        prev: str | None = "current",
        user: str = "tester",
    ) -> ims.ActionResult:
        rec = self.find(number, recipient)
        item = ActionItem(
            section=rec.section,
            supplier=rec.record.key.supplier,
            number=rec.record.number,
            doc_date=rec.record.doc_date,
            action=Action(action),
            prev_status=rec.state.action if prev == "current" else (Action(prev) if prev else None),
            remarks=remarks,
            declaration=declaration,
        )
        if action == "N":
            return self.run(ims.reset_actions, recipient, [item], user)
        return self.run(ims.save_actions, recipient, [item], user)

    def gen2b(self, period: str, recipient: str = R) -> Any:
        return self.run(gstr2b.generate_2b, recipient, Period.parse(period))

    def get2b(self, period: str, recipient: str = R) -> dict[str, Any]:
        return self.run(gstr2b.get_2b, recipient, Period.parse(period), write=False)

    def autoliab(self, period: str, gstin: str = R) -> gstr3b.AutoLiability:
        return self.run(gstr3b.auto_liability, gstin, Period.parse(period), write=False)

    def file3b(self, period: str, gstin: str = R) -> Any:
        return self.run(gstr3b.file_3b, gstin, Period.parse(period))


def supplier_and_recipient(db: Database, today: str = "05-11-2024") -> Sandbox:
    """A sandbox with S1 and R registered, on `today`."""
    box = Sandbox(db)
    box.register(S1)
    box.register(R)
    box.today(today)
    return box


def section_docs(content: dict[str, Any], part: str, section: str) -> dict[str, list[str]]:
    """{supplier: [document numbers]} of one section of docdata / docRejdata."""
    out: dict[str, list[str]] = {}
    for wrapper in content.get(part, {}).get(section, []):
        docs = wrapper.get("inv") or wrapper.get("nt") or []
        out[wrapper["ctin"]] = sorted(x.get("inum") or x.get("ntnum") for x in docs)
    return out


__all__ = ["S1", "S2", "R", "Sandbox", "Section", "doc", "section_docs"]
