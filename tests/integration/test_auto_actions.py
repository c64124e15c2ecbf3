"""Auto-action rules over a seeded month, on SQLite and PostgreSQL (issue 17, acceptance 3).

A rule set of five rules dry-runs to stated counts, applies through SAVE with exactly the dry
run's counts, leaves a person's explicit action alone (unless a rule says `overwrite`), and a
rule set scheduled on the 13th runs once when the clock passes that day.
Rule: R-ACT-3 — the rule table refuses Pending on an era E1 credit note, in the dry run and in
the apply alike. Rule: R-ACT-11 — the audit trail names the rule and the person.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from tests.integration.harness import S1, S2, R, doc, supplier_and_recipient

from gstims.domain.actions import Code
from gstims.domain.calendar import Period
from gstims.domain.money import money
from gstims.domain.records import Kind
from gstims.domain.roles import Role
from gstims.services import (
    approvals,
    auto_actions,
    auto_schedule,
    books,
    clock,
    ims,
    reconcile,
    taxpayers,
)
from gstims.services.errors import Invalid
from gstims.store.auto_rules import auto_rule_runs
from gstims.store.tables import audit_log

S1_CLIENT = "24AAACE1234F1ZC"  # another client of the CA firm
REGISTER = (
    "GSTIN of supplier,Invoice No,Invoice Date,Document Type,Taxable Value,IGST\n"
    f"{S2},INV-5,15-10-2024,Invoice,200000,36000\n"
    f"{S2},INV-6,16-10-2024,Invoice,5000,1200\n"
).encode()

FIVE_RULES = {
    "rules": [
        {
            "name": "trusted supplier",
            "when": {"suppliers": [S1], "kinds": ["INV"]},
            "action": "A",
            "remarks": "trusted supplier: accepted without a click",
        },
        {"name": "credit notes wait", "when": {"kinds": ["CN"]}, "action": "P"},
        {
            "name": "matched in books",
            "when": {"outcomes": ["matched"], "supplier_filed": True},
            "action": "A",
        },
        {
            "name": "amounts differ",
            "when": {"outcomes": ["value_mismatch"], "tax": {"max": "5000"}},
            "action": "R",
            "remarks": "amounts differ from our books: please amend",
        },
        {"name": "not filed yet", "when": {"supplier_filed": False}, "action": "P"},
    ]
}


@pytest.fixture
def box(db):
    box = supplier_and_recipient(db)
    box.register(S2)
    box.save(
        S1,
        "102024",
        *(doc(f"INV-{n}", f"1{n}-10-2024") for n in (1, 2, 3, 4)),
        doc("CN-1", "18-10-2024", kind=Kind.CN, taxable=1000),
    )
    box.file(S1, "102024")
    box.save(
        S2,
        "102024",
        doc("INV-5", "15-10-2024", supplier_gstin=S2, taxable=200000),
        doc("INV-6", "16-10-2024", supplier_gstin=S2, taxable=5000),
    )
    box.file(S2, "102024")
    box.save(S2, "112024", doc("INV-7", "02-11-2024", supplier_gstin=S2))  # saved, not filed
    box.act("INV-2", "R", remarks="goods returned", user="asha")  # a person's explicit action
    with db.transaction() as uow:
        books.import_file(uow, R, REGISTER, "register.csv")
        reconcile.run_reconciliation(uow, R, [Period.parse("102024")], user="asha")
    return box


def rules(data=FIVE_RULES):
    return auto_actions.read_rule_set(data)


def dry(box, data=FIVE_RULES):
    return box.run(auto_actions.dry_run, R, rules(data))


def actions(box) -> dict[str, str]:
    return {r.record.number: r.state.action.value for r in box.ims()}


def test_five_rules_dry_run_to_the_stated_counts_and_change_nothing(box):
    plan = dry(box)
    figures = [
        (p.name, p.claimed, p.changes, p.unchanged, p.taxable, p.tax, p.itc_effect)
        for p in plan.rules
    ]
    assert figures == [
        ("trusted supplier", 3, 3, 0, money(30000), money(5400), money(0)),
        ("credit notes wait", 1, 0, 0, money(0), money(0), money(0)),
        ("matched in books", 1, 1, 0, money(200000), money(36000), money(0)),
        ("amounts differ", 1, 1, 0, money(5000), money(900), money(-900)),
        ("not filed yet", 1, 1, 0, money(10000), money(1800), money(-1800)),
    ]
    (refused,) = plan.rules[1].refused
    assert (refused.number, refused.code) == ("CN-1", Code.PENDING_NOT_ALLOWED.value)
    assert set(actions(box).values()) == {"N", "R"}  # a dry run changes nothing


def test_apply_does_what_the_dry_run_said_and_leaves_a_persons_action_alone(box, db):
    plan = dry(box)
    done = box.run(auto_actions.apply, R, rules(), "asha")
    assert [(n, r.applied if r else 0, len(r.errors) if r else 0) for n, r in done.rules] == [
        (p.name, p.changes, len(p.refused)) for p in plan.rules
    ]
    assert actions(box) == {
        "INV-1": "A",
        "INV-2": "R",  # the person's Reject stays
        "INV-3": "A",
        "INV-4": "A",
        "CN-1": "N",  # refused: Pending is not allowed on an E1 credit note
        "INV-5": "A",
        "INV-6": "R",
        "INV-7": "P",
    }
    inv1 = box.find("INV-1")
    assert inv1.state.remarks == "trusted supplier: accepted without a click"
    with db.uow(write=False) as uow:
        trail = list(ims.history(uow, R, inv1.id))
    assert trail[-1]["actor"] == "rule:trusted supplier by asha"

    again = dry(box)  # applying twice changes nothing
    assert [p.changes for p in again.rules] == [0, 0, 0, 0, 0]
    assert [p.unchanged for p in again.rules] == [3, 0, 1, 1, 1]


def test_under_maker_checker_a_preparers_rule_apply_is_a_proposal_an_approvers_applies(box, db):
    """ADR 19: the rules reach IMS through the maker-checker seam. A preparer's apply files
    one proposal per rule with something to do and changes no record; an approver's apply
    applies as the dry run said, audited as the rule and the approver."""
    with db.transaction() as uow:
        uow.taxpayers.set_maker_checker(R, True)
    people = {}
    for name, role in (("priya", Role.PREPARER), ("arun", Role.APPROVER)):
        box.run(taxpayers.create_user, name, [R], role=role)
        with db.uow(write=False) as uow:
            people[name] = taxpayers.principal_named(uow, name)
    plan, before = dry(box), actions(box)

    proposed = box.run(auto_actions.apply, R, rules(), "priya", people["priya"])
    assert (proposed.applied, proposed.refused) == (0, 0)
    assert [name for name, _ in proposed.proposals] == [p.name for p in plan.rules if p.items()]
    assert actions(box) == before  # nothing applied
    queued = box.run(approvals.queue, R, write=False)
    assert {q["maker"] for q in queued} == {"priya"}
    assert "rule:trusted supplier by priya" in {q["remarks"] for q in queued}

    done = box.run(auto_actions.apply, R, rules(), "arun", people["arun"])
    assert done.proposals == []
    assert [(n, r.applied if r else 0) for n, r in done.rules] == [
        (p.name, p.changes) for p in plan.rules
    ]
    assert actions(box)["INV-1"] == "A"
    with db.uow(write=False) as uow:
        trail = list(ims.history(uow, R, box.find("INV-1").id))
    assert (trail[-1]["actor"], trail[-1]["proposed_by"]) == ("rule:trusted supplier by arun", None)


def test_a_rule_that_says_overwrite_takes_a_persons_action(box):
    data = {
        "rules": [
            {
                "name": "accept all of s1",
                "when": {"suppliers": [S1], "kinds": ["INV"]},
                "action": "A",
                "overwrite": True,
            }
        ]
    }
    assert dry(box, data).rules[0].changes == 4
    box.run(auto_actions.apply, R, rules(data), "asha")
    assert actions(box)["INV-2"] == "A"


def test_a_rule_acting_before_a_later_one_claims_its_records_first(box):
    data = {
        "rules": [
            {"name": "big", "when": {"taxable": {"min": "100000"}}, "action": "P"},
            {"name": "s2", "when": {"suppliers": [S2]}, "action": "A"},
        ]
    }
    plan = dry(box, data)
    assert [(p.name, p.claimed) for p in plan.rules] == [("big", 1), ("s2", 2)]


def test_bad_rule_definitions_are_refused_naming_the_rule_and_the_field(box):
    bad = {
        "rules": [
            {"name": "fine", "when": {}, "action": "A"},
            {"name": "typo", "when": {"kinds": ["INVOICE"], "tax": {"min": "x"}}, "action": "Z"},
        ]
    }
    with pytest.raises(Invalid) as caught:
        box.run(auto_actions.save_rule_set, auto_actions.gstin_scope(R), bad, "asha")
    found = {(p.section, p.number, p.field) for p in caught.value.problems}
    assert found == {
        ("rule 2", "typo", "action"),
        ("rule 2", "typo", "when.kinds[1]"),
        ("rule 2", "typo", "when.tax.min"),
    }
    assert "rule 2 typo" in caught.value.message


def test_a_rule_set_scheduled_on_the_13th_runs_once_when_the_clock_passes_that_day(box, db):
    scheduled = {**FIVE_RULES, "on_day": 13}
    with db.transaction() as uow:  # unattended, the rules act as their owner, with her role
        taxpayers.create_user(uow, "asha", [R], "correct horse battery")
    box.run(auto_actions.save_rule_set, auto_actions.gstin_scope(R), scheduled, "asha")
    box.today("12-11-2024")
    assert actions(box)["INV-1"] == "N"
    runs = box.today("13-11-2024")
    assert [dict(r.counts) for r in runs if r.event == "auto_rules"] == [
        {"rule_runs": 1, "rule_changed": 6, "rule_refused": 1}
    ]
    assert actions(box)["INV-1"] == "A"
    box.act("INV-1", "N", user="asha")  # a person resets it: the rules do not come back
    box.today("20-11-2024")
    assert actions(box)["INV-1"] == "N"
    with db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(auto_rule_runs)).scalar() == 1
        actors = set(conn.execute(sa.select(audit_log.c.actor)).scalars())
    assert "rule:trusted supplier by asha" in actors

    december = box.today("13-12-2024")  # the next month's 13th: once more, for December
    assert [dict(r.counts) for r in december if r.event == "auto_rules"] == [
        {"rule_runs": 1, "rule_refused": 1}  # the person's reset of INV-1 stays; zeros are left out
    ]
    with db.engine.connect() as conn:
        kept = conn.execute(sa.select(auto_rule_runs.c.gstin, auto_rule_runs.c.summary))
        assert sorted(kept) == [(R, "0 changed, 1 refused"), (R, "6 changed, 1 refused")]
    assert actions(box)["INV-1"] == "N"


def test_a_rule_set_exports_as_the_json_it_imports(box):
    scope = auto_actions.gstin_scope(R)
    box.run(auto_actions.save_rule_set, scope, FIVE_RULES, "asha")
    exported = box.run(auto_actions.export_rule_set, scope, write=False)
    assert auto_actions.read_rule_set(exported) == rules()
    assert exported["rules"][0]["when"] == {"suppliers": [S1], "kinds": ["INV"]}


def test_a_ca_users_rule_set_acts_on_every_granted_gstin_once_a_month(box, db):
    box.register(S1_CLIENT)
    box.save(S1, "112024", doc("INV-8", "02-11-2024", to=S1_CLIENT))  # saved, not filed
    with db.transaction() as uow:
        taxpayers.create_user(uow, "ca-firm", [R, S1_CLIENT], "correct horse battery")
    data = {
        "on_day": 13,
        "rules": [{"name": "all of s1", "when": {"suppliers": [S1]}, "action": "P"}],
    }
    scope = auto_actions.user_scope("ca-firm")
    box.run(auto_actions.save_rule_set, scope, data, "ca-firm")
    plans = box.run(auto_schedule.dry_run_for_user, "ca-firm", rules(data), write=False)
    assert {p.gstin: p.changes for p in plans} == {R: 3, S1_CLIENT: 1}  # INV-2 is asha's
    runs = box.today("13-11-2024")
    (counts,) = [dict(r.counts) for r in runs if r.event == "auto_rules"]
    assert counts == {"rule_runs": 2, "rule_changed": 4, "rule_refused": 1}  # bounded: counts
    with db.engine.connect() as conn:
        kept = conn.execute(sa.select(auto_rule_runs.c.gstin, auto_rule_runs.c.summary))
        assert sorted(kept) == sorted(
            [(R, "3 changed, 1 refused"), (S1_CLIENT, "1 changed, 0 refused")]
        )
    assert box.find("INV-8", recipient=S1_CLIENT).state.action.value == "P"


def test_a_scheduled_rule_set_runs_once_when_one_move_jumps_past_its_day_and_never_twice(box, db):
    """One move of the clock from the 5th to the 25th, in steps of one taxpayer each, passes
    the 13th: the rule set runs once; the 13th's event run again (a re-run after a crash)
    finds it done and changes nothing."""
    with db.transaction() as uow:
        taxpayers.create_user(uow, "asha", [R], "correct horse battery")
    box.run(
        auto_actions.save_rule_set,
        auto_actions.gstin_scope(R),
        {**FIVE_RULES, "on_day": 13},
        "asha",
    )
    runs = clock.move_clock(db.transaction, date(2024, 11, 25), batch=1)
    assert [(r.day, dict(r.counts)) for r in runs if r.event == "auto_rules"] == [
        (date(2024, 11, 13), {"rule_runs": 1, "rule_changed": 6, "rule_refused": 1})
    ]
    after = actions(box)
    assert after["INV-1"] == "A" and after["INV-2"] == "R"  # the person's Reject stays
    again = box.run(auto_schedule.run_scheduled, date(2024, 11, 13))
    assert again == {"rule_runs": 0, "rule_changed": 0, "rule_refused": 0}
    assert actions(box) == after
    with db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(auto_rule_runs)).scalar() == 1
        by_rules = conn.execute(
            sa.select(sa.func.count()).where(audit_log.c.actor.like("rule:%"))
        ).scalar()
    assert by_rules == 6
