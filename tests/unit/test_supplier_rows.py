"""A document's row (services/supplier_rows.py): the lone-item reading of its amounts and rate
equals the summed plain path (issue 11, ADR 0023)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from tests.unit.test_documents import invoice

from gstims.domain.documents import Item
from gstims.domain.money import Tax, money
from gstims.services.supplier_rows import ReturnFacts, item_amounts, row_values
from gstims.store.records.mapping import to_paise

FACTS = ReturnFacts("R1", 202410, "M", amends=False)

_ITEMS = st.lists(
    st.tuples(
        st.sampled_from(["0", "5", "12", "18", "28"]),
        st.integers(min_value=0, max_value=10**12),
        st.integers(min_value=0, max_value=10**9),
        st.integers(min_value=0, max_value=10**6),
    ),
    min_size=1,
    max_size=3,
)


@given(_ITEMS)
def test_a_rows_amounts_and_rate_are_its_items_summed(amounts) -> None:
    items = tuple(
        Item(
            Decimal(rate),
            money(Decimal(t).scaleb(-2)),
            Tax.of(igst=Decimal(x).scaleb(-2), cess=Decimal(c).scaleb(-2)),
        )
        for rate, t, x, c in amounts
    )
    doc = invoice(items=items)
    row = row_values(doc, FACTS, None, "digest")
    tax, taxable, rate = item_amounts(doc)
    assert row["rate"] == rate
    assert row["taxable"] == to_paise(taxable)
    assert [row[h] for h in ("igst", "cgst", "sgst", "cess")] == list(map(to_paise, tax.heads))
