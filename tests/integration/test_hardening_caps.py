"""Issue 14, item 1: a supplier cannot break its recipient's dashboard with absurd documents.

documents.MAX_ITEMS, MAX_AMOUNT and CESS_MAX_PERCENT (R-IN-4, caps decision) are checked before
anything is stored, so the recipient's home page and IMS summary, which sum paise in SQL, keep
answering on both backends.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from tests.api.wire import gstin as gstin_of
from tests.integration.harness import S1, R, Sandbox, doc, supplier_and_recipient

from gstims.domain.clock import Event
from gstims.domain.documents import CESS_MAX_PERCENT, MAX_AMOUNT, MAX_ITEMS, Item
from gstims.domain.money import money
from gstims.services import clock, dashboard
from gstims.services.errors import Invalid

HUGE_CESS = Decimal("9999999999999.99")  # the most an amount may carry on the wire


def loaded(number: str, items: int, taxable: str = "1.00") -> object:
    """An invoice of `items` items, each with the largest cess the wire allows."""
    base = doc(number, "05-11-2024", taxable=taxable)
    (item,) = base.items
    heavy = Item(item.rate, item.taxable, replace(item.tax, cess=HUGE_CESS))
    return replace(base, items=(heavy,) * items, value=money(HUGE_CESS * items))


def test_ten_thousand_item_invoices_at_the_largest_cess_are_refused_and_the_dashboard_answers(db):
    """Issue 14 item 1 (R-IN-4 caps): refused before storing; home and IMS summary still sum."""
    box = supplier_and_recipient(db)
    with pytest.raises(Invalid) as refused:
        box.save(S1, "112024", *(loaded(f"BIG-{n}", MAX_ITEMS) for n in range(10)))
    fields = {p.field for p in refused.value.problems}
    assert {"itms[0].csamt", "itms", "val"} <= fields
    with pytest.raises(Invalid) as too_many:
        box.save(S1, "112024", loaded("MANY-1", MAX_ITEMS + 1))
    assert [p.field for p in too_many.value.problems if "items" in p.message] == ["itms"]
    box.save(S1, "112024", doc("FINE-1", "05-11-2024"))
    (home,) = box.run(dashboard.home, [R], write=False)
    assert home.actions  # the SUM answered
    assert box.run(dashboard.ims_summary, R, write=False).tiles
    assert box.numbers() == {"FINE-1"}


def test_cess_at_the_cap_is_kept_and_a_paisa_more_is_refused(db):
    """R-IN-4 caps decision: cess at most CESS_MAX_PERCENT of the taxable value."""
    box = supplier_and_recipient(db)
    base = doc("CESS-1", "05-11-2024", taxable=1000)
    (item,) = base.items
    at_cap = money(item.taxable * CESS_MAX_PERCENT / 100)
    for number, cess, kept in (("CESS-1", at_cap, True), ("CESS-2", at_cap + money("0.01"), False)):
        tax = replace(item.tax, cess=cess)
        document = replace(
            base,
            number=number,
            items=(Item(item.rate, item.taxable, tax),),
            value=base.value + cess,
        )
        if kept:
            box.save(S1, "112024", document)
        else:
            with pytest.raises(Invalid) as refused:
                box.save(S1, "112024", document)
            assert [p.field for p in refused.value.problems] == ["itms[0].csamt"]
    assert box.numbers() == {"CESS-1"}


def test_a_document_total_over_the_cap_is_refused_however_its_items_split_it(db):
    """R-IN-4 caps decision: the taxable total of the items, not only each item, is capped."""
    box = supplier_and_recipient(db)
    half = money(MAX_AMOUNT / 2 + 1)
    base = doc("SPLIT-1", "05-11-2024", rate=0, taxable=half)
    document = replace(base, items=base.items * 2, value=MAX_AMOUNT)
    with pytest.raises(Invalid) as refused:
        box.save(S1, "112024", document)
    assert [p.field for p in refused.value.problems if "cap" in p.message] == ["itms"]


def test_a_supplier_cannot_invoice_itself_nor_state_a_value_below_its_items(db):
    """Issue 14 item 15 (R-IN-4): recipient ≠ supplier; value at least taxable value + tax."""
    box = supplier_and_recipient(db)
    with pytest.raises(Invalid) as refused:
        box.save(S1, "112024", doc("SELF-1", "05-11-2024", to=S1, pos="29"))
    assert [p.field for p in refused.value.problems] == ["ctin"]
    low = replace(doc("LOW-1", "05-11-2024", taxable=1000), value=money(500))
    with pytest.raises(Invalid) as refused:
        box.save(S1, "112024", low)
    assert [p.field for p in refused.value.problems] == ["val"]
    before_tax = replace(doc("PRE-1", "05-11-2024", taxable=1000), value=money(1000))
    with pytest.raises(Invalid) as refused:  # `val` is the value incl. tax: 1,180 here
        box.save(S1, "112024", before_tax)
    assert [p.field for p in refused.value.problems] == ["val"]
    assert box.numbers() == set()


def test_drafting_many_recipients_2bs_on_one_day_keeps_a_summary_that_fits(db):
    """Found by bench/soak.py: 2Bs drafted for ten recipients on one 14th made a clock summary
    longer than its column; PostgreSQL refused it and the clock call answered 500."""
    box = Sandbox(db)
    recipients = [gstin_of(f"29AABCM{n:04d}E1Z") for n in range(12)]
    for recipient in recipients:
        box.register(recipient)
    runs = box.today("14-11-2024")
    drafted = [r for r in runs if r.event.value == "gstr2b_drafts"]
    assert [(r.counts, r.summary) for r in drafted] == [({"drafted": 12}, "12 GSTR-2B drafted")]
    results = box.run(clock.results, event=Event.GSTR2B_DRAFTS, write=False)
    assert [r["gstin"] for r in results] == sorted(recipients)
