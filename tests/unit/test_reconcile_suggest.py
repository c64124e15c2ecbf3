"""Suggested IMS actions, checked against the rule table (R-REC-15, R-REC-16, R-REC-19)."""

from datetime import date

from tests.unit.recon_builders import RECIPIENT, SUPPLIER, books, portal

from gstims.domain.actions import MAX_REMARKS, Code, view_of
from gstims.domain.calendar import Frequency, Period
from gstims.domain.money import Tax, money
from gstims.domain.reconcile.matcher import reconcile
from gstims.domain.reconcile.model import Outcome
from gstims.domain.reconcile.suggest import (
    DEFAULT_ACTIONS,
    FULL_REDUCTION,
    PENDING_NOT_ALLOWED,
    default_action,
    remarks_for,
    suggest,
)
from gstims.domain.records import Action, Kind, Origin, Record, RecordKey, Route
from gstims.domain.state import NO_ACTION

TODAY = date(2025, 11, 12)


def record_view(kind=Kind.INV, period="102025", consumed=False, doc_date=date(2025, 10, 15)):
    record = Record(
        key=RecordKey.of(SUPPLIER, RECIPIENT, kind, "DOC-1", doc_date),
        number="DOC-1",
        doc_date=doc_date,
        origin=Origin.GSTR1,
        supplier_period=Period.of(doc_date),
        supplier_frequency=Frequency.MONTHLY,
        taxable=money(10000),
        value=money(11800),
        tax=Tax.of(cgst=900, sgst=900),
        pos="24",
        filed_on=date(2025, 11, 10),
    )
    return view_of(record, NO_ACTION, Period.parse(period), Frequency.MONTHLY, "24", consumed)


def one(books_side, portal_side):
    (result,) = reconcile(books_side, portal_side)
    return result


def test_r_rec_15_a_match_suggests_accept():
    r = one([books("b", "DOC-1")], [portal("p", "DOC-1")])
    s = suggest(r, r.portal[0], record_view(), TODAY)
    assert (s.action, s.declaration, s.note) == (Action.ACCEPT, None, "")


def test_r_rec_15_a_value_mismatch_suggests_pending_when_the_portal_says_more():
    more = one([books("b", "DOC-1")], [portal("p", "DOC-1", cgst=1000, sgst=1000)])
    less = one([books("b", "DOC-1")], [portal("p", "DOC-1", cgst=800, sgst=800)])
    assert default_action(more) is Action.PENDING
    assert default_action(less) is Action.REJECT


def test_r_rec_15_probable_and_books_only_results_suggest_nothing():
    probable = one([books("b", "X-1")], [portal("p", "Y-2")])
    assert probable.outcome is Outcome.PROBABLE_AMOUNT_ONLY
    assert suggest(probable, probable.portal[0], record_view(), TODAY).action is None
    assert default_action(one([books("b", "X-1")], [])) is None


def test_r_rec_15_only_in_portal_suggests_pending():
    r = one([], [portal("p", "DOC-1")])
    assert suggest(r, r.portal[0], record_view(), TODAY).action is Action.PENDING


def test_r_rec_16_pending_on_a_credit_note_of_era_e1_falls_back_to_reject():
    r = one([], [portal("p", "CN-1", kind=Kind.CN)])
    s = suggest(r, r.portal[0], record_view(Kind.CN, period="092025"), TODAY)
    assert (s.action, s.note) == (Action.REJECT, PENDING_NOT_ALLOWED)
    assert s.refusal is not None and s.refusal.code is Code.PENDING_NOT_ALLOWED


def test_r_rec_16_a_bill_of_entry_is_never_rejected_so_a_reject_default_gives_nothing():
    boe = {"kind": Kind.BOE, "supplier": "", "igst": 1800, "cgst": 0, "sgst": 0}
    r = one([], [portal("p", "77", port_code="INMAA1", **boe)])
    defaults = {**DEFAULT_ACTIONS, Outcome.ONLY_IN_PORTAL: Action.REJECT}
    s = suggest(r, r.portal[0], record_view(Kind.BOE), TODAY, defaults=defaults)
    assert s.action is None
    assert s.refusal is not None and s.refusal.code is Code.REJECT_NOT_ALLOWED


def test_r_rec_16_a_consumed_record_gets_no_suggestion():
    r = one([books("b", "DOC-1")], [portal("p", "DOC-1")])
    s = suggest(r, r.portal[0], record_view(consumed=True), TODAY)
    assert s.action is None and s.refusal is not None and s.refusal.code is Code.CONSUMED


def test_r_rec_16_a_credit_note_accepted_in_era_e2_carries_the_full_declaration():
    r = one([books("b", "CN-1", kind=Kind.CN)], [portal("p", "CN-1", kind=Kind.CN)])
    s = suggest(r, r.portal[0], record_view(Kind.CN, period="102025"), TODAY)
    assert (s.action, s.declaration) == (Action.ACCEPT, FULL_REDUCTION)


def test_r_rec_12_a_document_that_bypasses_ims_gets_no_suggestion():
    """R-REC-12."""
    r = one([books("b", "DOC-1")], [portal("p", "DOC-1", route=Route.REVERSE_CHARGE)])
    s = suggest(r, r.portal[0], None, TODAY)
    assert s.action is None and "bypasses IMS" in s.note


def test_r_rec_19_remarks_name_the_run_and_fit_the_rule_tables_limit():
    r = one([books("b", "DOC-1")], [portal("p", "DOC-1", cgst=5000)])
    text = remarks_for(r, "run 7" * 80)
    assert len(text) == MAX_REMARKS
    assert remarks_for(r, "run 7").startswith("run 7: value_mismatch: same number")
