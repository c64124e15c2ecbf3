"""One SQL selection per auto-action rule selects exactly the records the domain's `matches`
accepts, and the ordered claim equals `claimant` — on SQLite and PostgreSQL (issue 17).

Random records (supplier, PAN, section, kind, amounts, filing, dates, 2B period, action, who
acted, reconciliation outcome) and random rules over every condition; a random day and
recipient calendar (monthly or quarterly, a 22nd or 24th state) for the age and due-date
conditions.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from gstims.domain.auto_rules import (
    OUTCOMES,
    Calendar,
    Condition,
    Facts,
    Rule,
    Span,
    claimant,
    matches,
)
from gstims.domain.calendar import Frequency, Period
from gstims.domain.records import SECTIONS, Action, Kind, Route, Section
from gstims.store.auto_rules import AutoRules, selection
from gstims.store.bulk import insert_rows
from gstims.store.records.mapping import from_paise, period_int
from gstims.store.tables import records

R = "29AABCR1718E1ZL"
SUPPLIERS = ["27AAPFU0939F1ZV", "24AAPFU0939F1ZP", "24AANFA2641L1ZF", ""]  # two of one PAN
START = date(2025, 10, 1)
PERIODS = [Period(2025, m) for m in (8, 9, 10, 11, 12)]
OUTCOME_LIST = sorted(OUTCOMES)[:4]

AMOUNTS = [0, 100, 18_00, 1_000_00, 5_000_00]  # few values: a span's end often equals one
paise = st.sampled_from(AMOUNTS)
records_st = st.fixed_dictionaries(
    {
        "supplier": st.sampled_from(SUPPLIERS),
        "kind": st.sampled_from(list(Kind)),
        "amends_consumed": st.booleans(),
        "taxable": paise,
        "igst": paise,
        "cgst": st.sampled_from([0, 100]),
        "filed": st.booleans(),
        "doc_date": st.integers(-40, 0).map(lambda n: START + timedelta(days=n)),
        "period_2b": st.sampled_from(PERIODS),
        "action": st.sampled_from(list(Action)),
        "acted_by": st.sampled_from([None, "system", "rule:x by asha", "asha", "RULE:x", "rulex"]),
        "outcome": st.none() | st.sampled_from(OUTCOME_LIST),
    }
)
amount = st.sampled_from(AMOUNTS).map(from_paise)
days = st.integers(-60, 90)


def spans(values):
    return st.none() | st.builds(Span, st.none() | values, st.none() | values)


def rarely(values, absent):
    """A condition field present one time in four: most records then meet most rules."""
    return st.sampled_from([True, False, False, False]).flatmap(
        lambda present: values if present else st.just(absent)
    )


conditions = st.builds(
    Condition,
    suppliers=rarely(
        st.frozensets(st.sampled_from(SUPPLIERS[:3]), min_size=1, max_size=2), frozenset()
    ),
    pans=rarely(
        st.frozensets(st.sampled_from(["AAPFU0939F", "AANFA2641L"]), min_size=1, max_size=1),
        frozenset(),
    ),
    supplier_filed=rarely(st.booleans(), None),
    sections=rarely(
        st.frozensets(st.sampled_from(list(Section)), min_size=1, max_size=4), frozenset()
    ),
    kinds=rarely(st.frozensets(st.sampled_from(list(Kind)), min_size=1, max_size=3), frozenset()),
    taxable=rarely(spans(amount), None),
    tax=rarely(spans(amount), None),
    outcomes=rarely(
        st.frozensets(st.sampled_from(OUTCOME_LIST), min_size=1, max_size=2), frozenset()
    ),
    age_days=rarely(spans(st.integers(0, 60)), None),
    days_to_3b_due=rarely(spans(days), None),
    actions=rarely(
        st.frozensets(st.sampled_from(list(Action)), min_size=1, max_size=3), frozenset()
    ),
)
rules_st = st.lists(
    st.builds(
        Rule,
        name=st.sampled_from(["a", "b", "c"]),
        when=conditions,
        action=st.sampled_from([Action.ACCEPT, Action.REJECT, Action.PENDING]),
        remarks=st.just("r"),
        overwrite=st.booleans(),
    ),
    min_size=1,
    max_size=3,
)
calendars = st.builds(
    Calendar,
    today=st.integers(0, 60).map(lambda n: START + timedelta(days=n)),
    frequency=st.sampled_from(list(Frequency)),
    state=st.sampled_from(["29", "07"]),
)


def _row(i: int, r: dict) -> dict:
    return {
        "recipient": R,
        "supplier": r["supplier"],
        "kind": r["kind"].value,
        "number": f"N{i}",
        "fy": 2025,
        "origin": "R1",
        "source_period": 202509,
        "supplier_frequency": "M",
        "doc_number": f"N{i}",
        "doc_date": r["doc_date"],
        "pos": "29",
        "hash": "0" * 64,
        "route": Route.IMS.value,
        "period_2b": period_int(r["period_2b"]),
        "action": r["action"].value,
        "acted_by": r["acted_by"],
        "filed_on": START if r["filed"] else None,
        "orig_consumed": True if r["amends_consumed"] else None,
        "orig_number": f"O{i}" if r["amends_consumed"] else None,
        "taxable": r["taxable"],
        "igst": r["igst"],
        "cgst": r["cgst"],
        "sgst": r["cgst"],
    }


def _facts(r: dict) -> Facts:
    kind = r["kind"]
    sez = kind is Kind.BOE and r["supplier"] != ""
    return Facts(
        supplier=r["supplier"],
        section=SECTIONS[(kind, r["amends_consumed"], sez)],
        kind=kind,
        taxable=from_paise(r["taxable"]),
        tax=from_paise(r["igst"] + 2 * r["cgst"]),
        filed=r["filed"],
        doc_date=r["doc_date"],
        period_2b=r["period_2b"],
        action=r["action"],
        acted_by=r["acted_by"],
        outcome=r["outcome"],
    )


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@given(rows=st.lists(records_st, min_size=5, max_size=30), rules=rules_st, cal=calendars)
def test_each_rules_selection_and_the_ordered_claim_equal_the_domains_answer(db, rows, rules, cal):
    with db.transaction() as uow:
        uow.conn.execute(delete(records))
        insert_rows(uow.conn, records, [_row(i, r) for i, r in enumerate(rows)])
    with db.uow(write=False) as uow:
        number_of = dict(uow.conn.execute(select(records.c.id, records.c.number)).all())
        ids_of = {f"N{i}": i for i in range(len(rows))}
        outcome_ids = [
            sorted(
                rid
                for rid, n in number_of.items()
                if rows[ids_of[n]]["outcome"] in rule.when.outcomes
            )
            if rule.when.outcomes
            else None
            for rule in rules
        ]
        facts = [_facts(r) for r in rows]
        for rule, ids in zip(rules, outcome_ids, strict=True):
            where = selection(uow.conn, rule, cal, ids)
            got = set(uow.conn.execute(select(records.c.number).where(where)).scalars())
            assert got == {f"N{i}" for i, f in enumerate(facts) if matches(rule, f, cal)}
        repo = AutoRules(uow.conn)
        for n in range(len(rules)):
            claimed = repo.claimed(R, rules, n, cal, outcome_ids, ["number"])
            assert {number for (number,) in claimed} == {
                f"N{i}" for i, f in enumerate(facts) if claimant(rules, f, cal) == n
            }


def test_the_property_test_can_fail_a_condition_that_disagrees(db):
    """A rule on the supplier's PAN selects by characters 3-12 of the GSTIN, not 1-10."""
    with db.transaction() as uow:
        insert_rows(uow.conn, records, [_row(0, {**_sample(), "supplier": SUPPLIERS[0]})])
    rule = Rule("p", Condition(pans=frozenset({"27AAPFU093"})), Action.ACCEPT, "r")
    cal = Calendar(START, Frequency.MONTHLY, "29")
    with db.uow(write=False) as uow:
        assert (
            uow.conn.execute(select(records.c.id).where(selection(uow.conn, rule, cal))).all() == []
        )
    assert not matches(rule, _facts({**_sample(), "supplier": SUPPLIERS[0]}), cal)


def _sample() -> dict:
    return {
        "supplier": SUPPLIERS[0],
        "kind": Kind.INV,
        "amends_consumed": False,
        "taxable": 100,
        "igst": 18,
        "cgst": 0,
        "filed": True,
        "doc_date": START,
        "period_2b": Period(2025, 9),
        "action": Action.NO_ACTION,
        "acted_by": None,
        "outcome": None,
    }
