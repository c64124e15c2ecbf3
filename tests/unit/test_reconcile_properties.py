"""Properties of the matcher that hold for any input (R-REC-10, R-REC-17).

Rule: R-REC-10 — shuffling either side gives the same pairs and outcomes.
Rule: R-REC-17 — every document is in exactly one result, and the totals per outcome add up
to the totals of each side, to the paisa.
"""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.recon_builders import SUPPLIER, doc

from gstims.domain.money import ZERO
from gstims.domain.reconcile.matcher import reconcile
from gstims.domain.reconcile.model import Totals, totals_by_outcome
from gstims.domain.records import Kind

SUPPLIERS = [SUPPLIER, "27AABCR6898M1ZH", "29AAPFU0939F1ZV"]
NUMBERS = ["INV-1", "INV/0001/24-25", "INV-2", "INV-2-A", "INV-10", "B-7", "B-77"]
START = date(2025, 3, 20)


@st.composite
def documents(draw, side: str):
    n = draw(st.integers(0, 12))
    out = []
    for k in range(n):
        taxable = draw(st.sampled_from([1000, 2000, 3000]))
        cgst = draw(st.sampled_from(["90", "90.50", "91.01", "180", "0"]))
        out.append(
            doc(
                f"{side}{k}",
                draw(st.sampled_from(NUMBERS)),
                day=START + timedelta(days=draw(st.integers(0, 20))),
                taxable=taxable,
                cgst=cgst,
                sgst=cgst,
                kind=draw(st.sampled_from([Kind.INV, Kind.INV, Kind.CN])),
                supplier=draw(st.sampled_from(SUPPLIERS)),
                portal=side == "p",
            )
        )
    return out


def signature(results):
    return sorted(
        (
            r.outcome.value,
            r.decided_by.value,
            tuple(d.ref for d in r.books),
            tuple(d.ref for d in r.portal),
        )
        for r in results
    )


@settings(max_examples=150, deadline=None)
@given(documents("b"), documents("p"), st.randoms(use_true_random=False))
def test_r_rec_10_shuffling_either_side_gives_the_same_pairs_and_outcomes(books, portal, rnd):
    first = reconcile(books, portal)
    shuffled_b, shuffled_p = books[:], portal[:]
    rnd.shuffle(shuffled_b)
    rnd.shuffle(shuffled_p)
    assert signature(reconcile(shuffled_b, shuffled_p)) == signature(first)


@settings(max_examples=150, deadline=None)
@given(documents("b"), documents("p"))
def test_r_rec_17_every_document_is_in_exactly_one_result_and_the_totals_add_up(books, portal):
    results = reconcile(books, portal)
    assert sorted(d.ref for r in results for d in r.books) == sorted(d.ref for d in books)
    assert sorted(d.ref for r in results for d in r.portal) == sorted(d.ref for d in portal)
    totals = totals_by_outcome(results).values()
    assert sum((t.books_taxable for t in totals), ZERO) == sum(
        (d.signed_taxable for d in books), ZERO
    )
    assert sum((t.books_tax for t in totals), ZERO) == sum((d.signed_tax for d in books), ZERO)
    assert sum((t.portal_tax for t in totals), ZERO) == sum((d.signed_tax for d in portal), ZERO)
    assert sum(t.count for t in totals) == len(results)


@settings(max_examples=100, deadline=None)
@given(documents("b"), documents("p"))
def test_r_rec_17_totals_in_one_pass_equal_the_fold_of_each_result(books, portal):
    """The one-pass `totals_by_outcome` (the lakh path) equals `Totals() + result + ...`."""
    results = reconcile(books, portal)
    folded: dict = {}
    for result in results:
        folded[result.outcome] = folded.get(result.outcome, Totals()) + result
    assert totals_by_outcome(results) == folded
