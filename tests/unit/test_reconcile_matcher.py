"""The matcher, in a reconciler's words (R-REC-5 … R-REC-14, R-REC-17, R-REC-21)."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from tests.unit.recon_builders import RECIPIENT, SUPPLIER, books, portal

from gstims.domain.money import money
from gstims.domain.reconcile import matcher
from gstims.domain.reconcile.matcher import Manual, reconcile
from gstims.domain.reconcile.model import (
    Outcome,
    Pass,
    Tolerance,
    totals_by_outcome,
    totals_by_supplier,
)
from gstims.domain.records import Kind

DAY = date(2024, 11, 5)
OTHER_STATE_SAME_PAN = "27AABCR6898M1ZH"
OTHER_SUPPLIER = "29AAPFU0939F1ZV"


def outcomes(results):
    return sorted(
        (r.outcome, tuple(d.ref for d in r.books), tuple(d.ref for d in r.portal)) for r in results
    )


def only(results):
    assert len(results) == 1, [(r.outcome, r.reason) for r in results]
    return results[0]


def test_r_rec_9_pass_1_exact_is_matched():
    r = only(reconcile([books("b", "INV-1")], [portal("p", "INV-1")]))
    assert (r.outcome, r.decided_by, r.differences) == (Outcome.MATCHED, Pass.EXACT, ())


def test_r_rec_6_and_r_rec_9_an_exact_pair_after_normalisation_is_matched_number_format():
    r = only(reconcile([books("b", "INV/0012/24-25")], [portal("p", "INV-12")]))
    assert r.outcome is Outcome.MATCHED_NUMBER_FORMAT
    assert [(d.field, d.books, d.portal) for d in r.differences] == [
        ("number", "INV/0012/24-25", "INV-12")
    ]


def test_r_rec_8_one_rupee_is_within_tolerance_inclusive():
    """R-REC-8."""
    r = only(reconcile([books("b", "INV-1")], [portal("p", "INV-1", cgst="901.00")]))
    assert (r.outcome, r.decided_by) == (Outcome.MATCHED_WITHIN_TOLERANCE, Pass.NUMBER_AND_DATE)
    (d,) = r.differences
    assert (d.field, d.books, d.portal, d.delta, d.tolerance) == (
        "cgst",
        "900.00",
        "901.00",
        money("1.00"),
        money("1.00"),
    )


def test_r_rec_8_one_rupee_and_one_paisa_is_a_value_mismatch():
    """R-REC-8."""
    r = only(reconcile([books("b", "INV-1")], [portal("p", "INV-1", cgst="901.01")]))
    assert (r.outcome, r.decided_by) == (Outcome.VALUE_MISMATCH, Pass.NUMBER_VALUE)
    assert "cgst differs by ₹1.01" in r.reason


def test_r_rec_8_a_percentage_tolerance_widens_the_rupee():
    """R-REC-8."""
    pair = [books("b", "INV-1", taxable=100000)], [portal("p", "INV-1", taxable="100400")]
    assert only(reconcile(*pair)).outcome is Outcome.VALUE_MISMATCH
    loose = Tolerance(percent=money("0.5"))
    assert only(reconcile(*pair, tolerance=loose)).outcome is Outcome.MATCHED_WITHIN_TOLERANCE


def test_r_rec_8_the_document_value_is_reported_but_never_blocks():
    """R-REC-8."""
    r = only(
        reconcile(
            [books("b", "INV-1", value=money("11800"))],
            [portal("p", "INV-1", value=money("11900"))],
        )
    )
    assert r.outcome is Outcome.MATCHED
    assert [(d.field, d.delta) for d in r.differences] == [("value", money("100"))]


def test_r_rec_8_equal_tax_under_other_heads_is_a_tax_type_mismatch():
    """R-REC-8."""
    r = only(reconcile([books("b", "INV-1")], [portal("p", "INV-1", cgst=0, sgst=0, igst=1800)]))
    assert r.outcome is Outcome.TAX_TYPE_MISMATCH
    assert {d.field for d in r.differences} == {"igst", "cgst", "sgst"}


def test_r_rec_8_a_different_place_of_supply_is_a_tax_type_mismatch():
    """R-REC-8."""
    r = only(reconcile([books("b", "INV-1", pos="24")], [portal("p", "INV-1", pos="27")]))
    assert r.outcome is Outcome.TAX_TYPE_MISMATCH


def test_r_rec_8_the_same_number_either_side_of_31_march_is_never_paired_automatically():
    """R-REC-8."""
    r = only(
        reconcile(
            [books("b", "INV-9", day=date(2025, 3, 31))],
            [portal("p", "INV-9", day=date(2025, 4, 1))],
        )
    )
    assert r.outcome is Outcome.FINANCIAL_YEAR_DIFFERS
    assert "financial year differs" in r.reason


def test_r_rec_9_pass_3_the_same_number_on_another_day_reports_the_gap():
    r = only(reconcile([books("b", "INV-1")], [portal("p", "INV-1", day=DAY + timedelta(days=40))]))
    assert (r.outcome, r.decided_by) == (Outcome.MATCHED_DATE_DIFFERS, Pass.NUMBER)
    (d,) = r.differences
    assert (d.field, d.delta, d.tolerance) == ("date", 40, 10)


@pytest.mark.parametrize(("days", "paired"), [(10, True), (11, False)])
def test_r_rec_8_a_similar_number_needs_the_date_window_of_ten_days(days, paired):
    """R-REC-8."""
    results = reconcile(
        [books("b", "BILL-77", taxable=5000, cgst=450, sgst=450)],
        [
            portal(
                "p", "BILL-77-A", taxable=5000, cgst=450, sgst=450, day=DAY + timedelta(days=days)
            )
        ],
    )
    assert (results[0].outcome is Outcome.PROBABLE_SIMILAR_NUMBER) is paired
    if not paired:
        assert {r.outcome for r in results} == {Outcome.ONLY_IN_BOOKS, Outcome.ONLY_IN_PORTAL}


@pytest.mark.parametrize(("days", "paired"), [(10, True), (11, False)])
def test_r_rec_9_pass_7_amount_only_needs_the_date_window(days, paired):
    results = reconcile([books("b", "X-1")], [portal("p", "Y-2", day=DAY - timedelta(days=days))])
    assert (results[0].outcome is Outcome.PROBABLE_AMOUNT_ONLY) is paired


@pytest.mark.parametrize(("days", "paired"), [(30, True), (31, False)])
def test_r_rec_8_notes_have_a_thirty_day_window(days, paired):
    """R-REC-8."""
    results = reconcile(
        [books("b", "X-1", kind=Kind.CN)],
        [portal("p", "Y-2", kind=Kind.CN, day=DAY + timedelta(days=days))],
    )
    assert (results[0].outcome is Outcome.PROBABLE_AMOUNT_ONLY) is paired


def test_r_rec_9_pass_7_amount_only_must_be_unique_in_both_directions():
    results = reconcile([books("b", "X-1")], [portal("p1", "Y-1"), portal("p2", "Z-1")])
    assert Outcome.PROBABLE_AMOUNT_ONLY not in {r.outcome for r in results}


def test_r_rec_5_a_credit_note_pairs_only_with_a_credit_note():
    results = reconcile([books("b", "N-1", kind=Kind.CN)], [portal("p", "N-1")])
    assert {r.outcome for r in results} == {Outcome.ONLY_IN_BOOKS, Outcome.ONLY_IN_PORTAL}


def test_r_rec_5_a_bill_of_entry_pairs_by_port_code_number_and_date_without_a_supplier():
    boe = {"kind": Kind.BOE, "supplier": "", "igst": 1800, "cgst": 0, "sgst": 0}
    same_port = reconcile(
        [books("b", "1234567", port_code="INMAA1", **boe)],
        [portal("p", "1234567", port_code="INMAA1", **boe)],
    )
    assert only(same_port).outcome is Outcome.MATCHED
    other_port = reconcile(
        [books("b", "1234567", port_code="INMAA1", **boe)],
        [portal("p", "1234567", port_code="INBOM4", **boe)],
    )
    assert Outcome.MATCHED not in {r.outcome for r in other_port}


def test_r_rec_5_the_supplier_gstin_is_a_hard_key_of_the_number_passes():
    results = reconcile([books("b", "INV-1")], [portal("p", "INV-1", supplier=OTHER_SUPPLIER)])
    assert {r.outcome for r in results} == {Outcome.ONLY_IN_BOOKS, Outcome.ONLY_IN_PORTAL}


def test_r_rec_9_pass_6_the_supplier_reported_under_another_gstin_of_its_pan():
    r = only(
        reconcile([books("b", "INV-1")], [portal("p", "INV-1", supplier=OTHER_STATE_SAME_PAN)])
    )
    assert (r.outcome, r.decided_by) == (Outcome.OTHER_GSTIN_SAME_PAN, Pass.PAN)
    assert ("supplier", SUPPLIER, OTHER_STATE_SAME_PAN) in {
        (d.field, d.books, d.portal) for d in r.differences
    }


def test_r_rec_14_a_document_reported_to_another_gstin_of_yours():
    other_recipient = "29AABCR1718E1ZL"
    r = only(reconcile([books("b", "INV-1")], [portal("p", "INV-1", recipient=other_recipient)]))
    assert (r.outcome, r.decided_by) == (Outcome.REPORTED_TO_OTHER_GSTIN, Pass.OTHER_RECIPIENT)


def test_r_rec_10_the_best_candidate_wins_whatever_comes_first():
    b = books("b", "INV-1")
    near, exact = portal("p1", "INV-1", cgst="900.60"), portal("p2", "INV-1")
    for portal_side in ([near, exact], [exact, near]):
        assert outcomes(reconcile([b], portal_side)) == [
            (Outcome.MATCHED, ("b",), ("p2",)),
            (Outcome.ONLY_IN_PORTAL, (), ("p1",)),
        ]


def test_r_rec_10_equally_good_candidates_are_ambiguous_and_pair_with_nothing():
    r = only(reconcile([books("b", "INV-1")], [portal("p1", "INV-1"), portal("p2", "INV-1")]))
    assert r.outcome is Outcome.AMBIGUOUS
    assert ([d.ref for d in r.books], [d.ref for d in r.portal]) == (["b"], ["p1", "p2"])


def test_r_rec_11_one_books_document_clubs_two_portal_documents():
    """R-REC-11."""
    r = only(
        reconcile(
            [books("b", "INV-5", taxable=20000, cgst=1800, sgst=1800)],
            [portal("p5", "INV-5"), portal("p6", "INV-6")],
        )
    )
    assert (r.outcome, r.decided_by) == (Outcome.MATCHED_CLUBBED, Pass.CLUBBING)
    assert [d.ref for d in r.portal] == ["p5", "p6"]


def test_r_rec_11_two_books_documents_club_one_portal_document():
    """R-REC-11."""
    r = only(
        reconcile(
            [books("b5", "INV-5"), books("b6", "INV-5A", cgst="900.40")],
            [portal("p", "INV-5", taxable=20000, cgst=1800, sgst=1800)],
        )
    )
    assert r.outcome is Outcome.MATCHED_CLUBBED
    assert [d.ref for d in r.books] == ["b5", "b6"]


def test_r_rec_11_no_club_when_the_sum_is_outside_tolerance():
    """R-REC-11."""
    results = reconcile(
        [books("b", "INV-5", taxable=20000, cgst=1800, sgst=1800)],
        [portal("p5", "INV-5"), portal("p6", "INV-6", cgst=950)],
    )
    assert Outcome.MATCHED_CLUBBED not in {r.outcome for r in results}
    assert Outcome.VALUE_MISMATCH in {r.outcome for r in results}


def test_r_rec_12_an_amendment_pairs_on_its_original_number_and_says_what_changed():
    """R-REC-12."""
    amended = portal(
        "p",
        "INV-1R",
        cgst=950,
        sgst=950,
        section="b2ba",
        original_number="INV-1",
        original_date=DAY,
        day=DAY + timedelta(days=20),
    )
    r = only(reconcile([books("b", "INV-1")], [amended]))
    assert r.outcome is Outcome.VALUE_MISMATCH
    fields = {d.field: d for d in r.differences}
    assert fields["number"].portal == "INV-1R"
    assert fields["cgst"].delta == money("50")


def test_r_rec_12_non_ims_documents_are_reconciled_too():
    """R-REC-12."""
    from gstims.domain.records import Route

    r = only(
        reconcile(
            [books("b", "INV-1", reverse_charge=True)],
            [portal("p", "INV-1", reverse_charge=True, route=Route.REVERSE_CHARGE)],
        )
    )
    assert r.outcome is Outcome.MATCHED


def test_r_rec_13_a_purchase_posted_after_the_run_is_booked_later():
    late = books("b", "INV-1", posting_date=date(2024, 12, 3))
    r = only(reconcile([late], [portal("p", "INV-1")], run_end=date(2024, 11, 30)))
    assert r.outcome is Outcome.BOOKED_LATER
    assert "03-12-2024" in r.reason
    r = only(reconcile([late], [portal("p", "INV-1")], run_end=date(2024, 12, 31)))
    assert r.outcome is Outcome.MATCHED


def test_r_rec_17_an_unpaired_document_lists_its_nearest_candidates_and_why():
    results = reconcile(
        [books("b1", "INV-1"), books("b2", "INV-1", cgst=1000)],
        [portal("p", "INV-1")],
    )
    left = next(r for r in results if r.outcome is Outcome.ONLY_IN_BOOKS)
    (candidate,) = left.candidates
    assert candidate.document.ref == "p"
    assert "already in a matched result" in candidate.why_not


def test_r_rec_17_totals_per_outcome_and_supplier_net_credit_notes():
    results = reconcile(
        [books("i", "INV-1"), books("c", "CN-1", kind=Kind.CN, taxable=2000, cgst=180, sgst=180)],
        [portal("i", "INV-1")],
    )
    by_outcome = totals_by_outcome(results)
    assert by_outcome[Outcome.ONLY_IN_BOOKS].books_taxable == money("-2000")
    supplier = totals_by_supplier(results)[SUPPLIER]
    assert (supplier.count, supplier.books_taxable, supplier.books_tax) == (
        2,
        money("8000"),
        money("1440"),
    )
    assert supplier.tax_difference == money("360")


def test_r_rec_21_candidates_come_from_hash_keys_not_from_every_pair(monkeypatch):
    calls = []
    real = matcher.compare
    monkeypatch.setattr(matcher, "compare", lambda b, p, t: calls.append(1) or real(b, p, t))
    n = 300
    side_b = [
        books(f"b{k}", f"INV-{k}", taxable=1000 + k * 10, recipient=RECIPIENT) for k in range(n)
    ]
    side_p = [portal(f"p{k}", f"INV-{k}", taxable=1000 + k * 10) for k in range(n)]
    results = reconcile(side_b, side_p)
    assert {r.outcome for r in results} == {Outcome.VALUE_MISMATCH} or len(results) == n
    assert len(calls) <= 2 * n


def test_r_rec_9_every_result_is_sorted_and_carries_its_pass():
    results = reconcile(
        [books("b", "INV-1"), books("x", "Q-77", taxable=1)], [portal("p", "INV-1")]
    )
    assert [r.decided_by for r in results] == [Pass.EXACT, Pass.UNPAIRED]
    assert replace(results[0]).reason.startswith("exact")


def test_r_rec_18_a_pair_made_by_hand_is_kept_whatever_the_passes_say():
    """R-REC-18."""
    manual = Manual(pairs=frozenset({("b", "p")}))
    r = only(reconcile([books("b", "OURS-77")], [portal("p", "THEIRS-9", cgst=950)], manual=manual))
    assert (r.outcome, r.decided_by) == (Outcome.VALUE_MISMATCH, Pass.MANUAL)
    assert r.reason.startswith("paired by hand")


def test_r_rec_18_documents_kept_apart_by_hand_never_pair():
    """R-REC-18."""
    manual = Manual(apart=frozenset({("b", "p")}))
    results = reconcile([books("b", "INV-1")], [portal("p", "INV-1")], manual=manual)
    assert {r.outcome for r in results} == {Outcome.ONLY_IN_BOOKS, Outcome.ONLY_IN_PORTAL}
