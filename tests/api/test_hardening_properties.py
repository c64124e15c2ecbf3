"""Issue 14 acceptance 2: arbitrary documents thrown at RETSAVE over real HTTP, on SQLite and
PostgreSQL — item counts, amounts at and beyond every cap, text with every control character.
Never a 5xx; never partial data (a request stores all of its documents or none, R-IN-4)."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.api.wire import b2b, gstin, ok

from gstims.domain.documents import MAX_AMOUNT, MAX_ITEMS

SUPPLIER, RECIPIENT = gstin("27AABCP1234E1Z"), gstin("29AABCP1234E1Z")
PAISA = Decimal("0.01")
AMOUNTS = st.one_of(
    st.sampled_from(
        [0, 1, MAX_AMOUNT, MAX_AMOUNT + PAISA, Decimal("9999999999999.99"), 10**13, -1, PAISA]
    ),
    st.decimals(min_value=0, max_value=10**6, places=2),
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=20)  # every control character included
NUMBERS = itertools.count(1)


@st.composite
def invoices(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.sampled_from([0, 1, 2, 3, MAX_ITEMS, MAX_ITEMS + 1]))
    item = {
        "num": 1,
        "itm_det": {
            "rt": draw(st.sampled_from([18, 5, 0, 290, "18.000"])),
            "txval": draw(AMOUNTS),
            "iamt": draw(AMOUNTS),
            "camt": 0,
            "samt": 0,
            "csamt": draw(AMOUNTS),
        },
    }
    number = draw(st.one_of(st.just(f"P-{next(NUMBERS)}"), TEXT))
    return {
        "inum": number,
        "idt": draw(st.sampled_from(["10-10-2024", "31-02-2024", "10-10-2030", ""])),
        "val": draw(AMOUNTS),
        "pos": draw(st.sampled_from(["29", "27", "00", "99"])),
        "rchrg": "N",
        "inv_typ": draw(st.sampled_from(["R", "SEWP", "X"])),
        "itms": [item] * count,
    }


@pytest.fixture(scope="module")
def parties(sandbox):
    sandbox.register(SUPPLIER)
    sandbox.register(RECIPIENT)
    sandbox.today("01-11-2024")
    return sandbox.taxpayer(SUPPLIER)


def stored(supplier) -> int:
    return sum(int(n) for n in ok(supplier.retsum("102024"))["counts"].values())


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(docs=st.lists(invoices(), min_size=1, max_size=3))
def test_retsave_of_arbitrary_documents_is_all_or_nothing_and_never_a_5xx(parties, docs):
    """Issue 14 acceptance 2 (R-IN-4; items 1, 11, 13)."""
    before = stored(parties)
    answer = parties.retsave("102024", b2b=[b2b(RECIPIENT, *docs)])
    assert answer.status_code < 500, answer.text
    assert answer.json()["status_cd"] in ("0", "1")
    after = stored(parties)
    if answer.status_code == 200:
        numbers = {doc["inum"] for doc in docs}
        assert before <= after <= before + len(numbers)  # a number saved again replaces
    else:
        assert after == before
