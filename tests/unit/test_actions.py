"""The rule table of IMS actions, in the rules' own words (R-ACT-1..10)."""

from dataclasses import replace
from datetime import date

import pytest

from gstims.domain.actions import (
    Code,
    Refusal,
    decide,
    declaration_blocked,
    pending_blocked,
    pending_expired,
    reset,
    view_of,
)
from gstims.domain.calendar import Frequency, Period
from gstims.domain.money import Tax
from gstims.domain.records import Action, Kind, Origin, Original, Record, RecordKey
from gstims.domain.state import NO_ACTION, Declaration, ImsState

A, R, P, N = Action.ACCEPT, Action.REJECT, Action.PENDING, Action.NO_ACTION
S, RCP = "27AAPFU0939F1ZV", "29AABCR1718E1ZL"


def record(kind=Kind.INV, tax=None, original=None, doc_date=date(2025, 10, 15)) -> Record:
    tax = tax or Tax.of(igst=1800)
    return Record(
        key=RecordKey.of(S, RCP, kind, "DOC-1", doc_date),
        number="DOC-1",
        doc_date=doc_date,
        origin=Origin.GSTR1,
        supplier_period=Period.of(doc_date),
        supplier_frequency=Frequency.MONTHLY,
        taxable=tax.igst * 10,
        value=tax.igst * 11,
        tax=tax,
        pos="29",
        filed_on=date(2025, 11, 10),
        original=original,
    )


def view(rec, period="102025", state=NO_ACTION, consumed=False, freq=Frequency.MONTHLY):
    return view_of(rec, state, Period.parse(period), freq, "29", consumed)


def consumed_original(action=A, tax=None) -> Original:
    tax = tax or Tax.of(igst=1800)
    effect = tax if action in (A, N) else Tax()
    return Original("DOC-1", date(2025, 6, 1), tax, True, action, effect)


def test_r_act_1_any_number_of_changes_until_consumed_the_latest_wins():
    """Rule: R-ACT-1."""
    v = view(record())
    accepted = decide(v, A, N, None, None, date(2025, 11, 12))
    assert accepted == ImsState(A)
    rejected = decide(replace(v, state=ImsState(A)), R, A, "wrong rate", None, date(2025, 11, 13))
    assert rejected == ImsState(R, "wrong rate")


def test_r_act_1_a_consumed_record_cannot_change():
    """Rule: R-ACT-1."""
    out = decide(view(record(), consumed=True), R, N, None, None, date(2025, 11, 12))
    assert isinstance(out, Refusal) and out.code is Code.CONSUMED


@pytest.mark.parametrize(
    ("kind", "original", "new_tax", "specified"),
    [
        (Kind.CN, None, Tax.of(igst=100), True),
        (Kind.INV, None, Tax.of(igst=100), False),
        (Kind.CN, consumed_original(A), Tax.of(igst=2000), True),  # upward CN-A
        (Kind.CN, consumed_original(A), Tax.of(igst=900), False),  # downward CN-A, CN accepted
        (Kind.CN, consumed_original(R), Tax.of(igst=900), True),  # downward CN-A, CN rejected
        (Kind.INV, consumed_original(A), Tax.of(igst=900), True),  # downward INV-A, accepted
        (Kind.DN, consumed_original(N), Tax.of(igst=900), True),  # deemed accepted counts
        (Kind.ECO, consumed_original(A), Tax.of(igst=900), True),
        (Kind.INV, consumed_original(R), Tax.of(igst=900), False),  # original was rejected
        (Kind.INV, consumed_original(A), Tax.of(igst=1800), False),  # equal counts as upward
    ],
)
def test_r_act_2_specified_records(kind, original, new_tax, specified):
    """Rule: R-ACT-2."""
    assert view(record(kind, new_tax, original)).specified is specified


def test_r_act_2_an_amendment_of_an_unconsumed_credit_note_is_judged_as_a_credit_note():
    """Rule: R-ACT-2."""
    unconsumed = Original("DOC-1", date(2025, 10, 1), Tax.of(igst=1800), False, N, Tax())
    assert view(record(Kind.CN, Tax.of(igst=100), unconsumed)).specified


def test_r_act_3_credit_note_cannot_be_pending_in_era_e1():
    """Rule: R-ACT-3."""
    v = view(record(Kind.CN), period="092025")
    out = decide(v, P, N, None, None, date(2025, 10, 12))
    assert isinstance(out, Refusal) and out.code is Code.PENDING_NOT_ALLOWED
    assert pending_blocked(v, date(2025, 10, 12))


def test_r_act_3_an_ordinary_invoice_may_be_pending_in_era_e1():
    """Rule: R-ACT-3."""
    v = view(record(), period="092025")
    assert decide(v, P, N, None, None, date(2025, 10, 12)) == ImsState(P)
    assert not pending_blocked(v, date(2025, 10, 12))


def test_r_act_4_credit_note_may_be_pending_until_the_next_periods_3b_due_date():
    """Rule: R-ACT-4."""
    v = view(record(Kind.CN))  # 2B period 102025: deadline = 3B due of 112025
    assert v.pending_until == date(2025, 12, 20)
    assert decide(v, P, N, None, None, date(2025, 12, 20)) == ImsState(P)
    out = decide(v, P, N, None, None, date(2025, 12, 21))
    assert isinstance(out, Refusal) and out.code is Code.PENDING_PERIOD_OVER
    assert "20-12-2025" in out.message


def test_r_act_4_a_still_pending_credit_note_expires_the_day_after_its_deadline():
    """Rule: R-ACT-4."""
    v = view(record(Kind.CN), state=ImsState(P))
    assert not pending_expired(v, date(2025, 12, 20))
    assert pending_expired(v, date(2025, 12, 21))


def test_r_act_4_a_quarterly_recipients_deadline_is_the_next_quarters_3b():
    """Rule: R-ACT-4."""
    v = view(record(Kind.CN), period="122025", freq=Frequency.QUARTERLY)
    assert v.pending_until == date(2026, 4, 22)  # 3B of 032026, state 29


def test_r_act_5_other_records_may_stay_pending_whatever_the_date():
    """Rule: R-ACT-5."""
    v = view(record(), state=ImsState(P))
    assert not pending_expired(v, date(2026, 11, 30))


def test_r_act_6_a_bill_of_entry_cannot_be_rejected():
    """Rule: R-ACT-6."""
    boe = replace(record(), key=RecordKey.of("", RCP, Kind.BOE, "INMAA4/123", date(2025, 10, 3)))
    out = decide(view(boe), R, N, None, None, date(2025, 11, 12))
    assert isinstance(out, Refusal) and out.code is Code.REJECT_NOT_ALLOWED
    assert decide(view(boe), P, N, None, None, date(2025, 11, 12)) == ImsState(P)


def test_r_act_7_partial_declaration_with_remarks_is_kept():
    """Rule: R-ACT-7."""
    v = view(record(Kind.CN, Tax.of(igst=18000)), period="112025")
    decl = Declaration(True, Tax.of(igst=9000))
    out = decide(v, A, N, "only half availed", decl, date(2025, 12, 15))
    assert out == ImsState(A, "only half availed", decl)


def test_r_act_7_partial_declaration_without_remarks_is_refused():
    """Rule: R-ACT-7."""
    v = view(record(Kind.CN, Tax.of(igst=18000)), period="112025")
    out = decide(v, A, N, None, Declaration(True, Tax.of(igst=9000)), date(2025, 12, 15))
    assert isinstance(out, Refusal) and out.code is Code.REMARKS_REQUIRED


def test_r_act_7_nil_declaration_needs_remarks_too():
    """Rule: R-ACT-7."""
    v = view(record(Kind.CN), period="112025")
    out = decide(v, A, N, "", Declaration(False), date(2025, 12, 15))
    assert isinstance(out, Refusal) and out.code is Code.REMARKS_REQUIRED


def test_r_act_7_full_declaration_needs_no_remarks():
    """Rule: R-ACT-7."""
    v = view(record(Kind.CN), period="112025")
    assert decide(v, A, N, None, Declaration(True), date(2025, 12, 15)) == ImsState(
        A, None, Declaration(True)
    )


@pytest.mark.parametrize(
    "amounts",
    [
        Tax.of(cgst=600, sgst=400),
        Tax.of(igst=-1),
        Tax.of(igst=20000),
    ],
)
def test_r_act_7_bad_declared_amounts_are_refused(amounts):
    """Rule: R-ACT-7."""
    tax = Tax.of(igst=18000, cgst=1000, sgst=1000)
    v = view(record(Kind.CN, tax), period="112025")
    out = decide(v, A, N, "why", Declaration(True, amounts), date(2025, 12, 15))
    assert isinstance(out, Refusal) and out.code is Code.DECLARATION_INVALID


def test_r_act_7_declarations_are_refused_in_era_e1_on_other_records_and_with_other_actions():
    """Rule: R-ACT-7."""
    decl = Declaration(True)
    e1 = view(record(Kind.CN), period="092025")
    inv = view(record(Kind.INV), period="112025")
    cn = view(record(Kind.CN), period="112025")
    for v, action in [(e1, A), (inv, A), (cn, R)]:
        out = decide(v, action, N, "x", decl, date(2025, 12, 15))
        assert isinstance(out, Refusal) and out.code is Code.DECLARATION_NOT_ALLOWED
    assert declaration_blocked(e1) and declaration_blocked(inv) and not declaration_blocked(cn)


def test_r_act_8_remarks_up_to_250_characters_with_any_action():
    """Rule: R-ACT-8."""
    v = view(record(), period="092025")
    for action in (A, R, P):
        assert decide(v, action, N, "x" * 250, None, date(2025, 10, 12)) == ImsState(
            action, "x" * 250
        )
    out = decide(v, R, N, "x" * 251, None, date(2025, 10, 12))
    assert isinstance(out, Refusal) and out.code is Code.REMARKS_TOO_LONG


def test_r_act_9_a_stale_prev_status_gives_imssav0010():
    """Rule: R-ACT-9."""
    v = view(record(), state=ImsState(A))
    out = decide(v, R, N, None, None, date(2025, 11, 12))
    assert isinstance(out, Refusal) and out.code is Code.STALE and out.code == "IMSSAV0010"


def test_r_act_9_asking_for_the_state_already_held_changes_nothing_whatever_prev_status():
    """Rule: R-ACT-9."""
    v = view(record(), state=ImsState(A, "ok"))
    assert decide(v, A, N, "ok", None, date(2025, 11, 12)) == ImsState(A, "ok")


def test_r_act_9_save_refuses_no_action_and_a_missing_prev_status():
    """Rule: R-ACT-9."""
    out = decide(view(record(), state=ImsState(A)), N, A, None, None, date(2025, 11, 12))
    assert isinstance(out, Refusal) and out.code is Code.ACTION_INVALID
    out = decide(view(record()), A, None, None, None, date(2025, 11, 12))
    assert isinstance(out, Refusal) and out.code is Code.PREV_STATUS_MISSING


def test_r_act_10_reset_returns_to_no_action_and_clears_remarks_and_declaration():
    """Rule: R-ACT-10."""
    v = view(record(Kind.CN), state=ImsState(A, "half", Declaration(True, Tax.of(igst=900))))
    assert reset(v, A) == ImsState()
    out = reset(v, R)
    assert isinstance(out, Refusal) and out.code is Code.STALE
    consumed = reset(view(record(), state=ImsState(A), consumed=True), A)
    assert isinstance(consumed, Refusal) and consumed.code is Code.CONSUMED
