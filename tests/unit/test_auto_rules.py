"""Auto-action rules in the domain's words: reading a rule set, matching, claiming (issue 17).

Rule: R-ACT-8 — a rule's remarks are at most 250 visible characters.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gstims.domain.auto_rules import (
    MAX_RULES,
    Calendar,
    Facts,
    RuleSetError,
    Span,
    by_person,
    claimant,
    matches,
    parse_rule_set,
    periods_due,
    rule_set_json,
)
from gstims.domain.calendar import Frequency, Period
from gstims.domain.records import Action, Kind, Section

S1 = "27AAPFU0939F1ZV"
S2 = "24AANFA2641L1ZF"
CAL = Calendar(date(2024, 11, 5), Frequency.MONTHLY, "29")


def facts(**changes) -> Facts:
    base = {
        "supplier": S1,
        "section": Section.B2B,
        "kind": Kind.INV,
        "taxable": Decimal("10000.00"),
        "tax": Decimal("1800.00"),
        "filed": True,
        "doc_date": date(2024, 10, 10),
        "period_2b": Period(2024, 10),
        "action": Action.NO_ACTION,
        "acted_by": None,
        "outcome": "matched",
    }
    return Facts(**{**base, **changes})


def problems(data) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        parse_rule_set(data)
    return [str(p) for p in caught.value.problems]


def test_the_worked_example_the_first_rule_that_matches_claims_the_record():
    rules = parse_rule_set(
        {
            "rules": [
                {
                    "name": "s1 matched",
                    "when": {"suppliers": [S1], "outcomes": ["matched"]},
                    "action": "A",
                },
                {"name": "notes", "when": {"kinds": ["CN"]}, "action": "P"},
            ]
        }
    ).rules
    assert claimant(rules, facts(), CAL) == 0
    assert claimant(rules, facts(kind=Kind.CN, section=Section.B2BCN), CAL) == 0
    assert claimant(rules, facts(supplier=S2, kind=Kind.CN, outcome=None), CAL) == 1
    assert claimant(rules, facts(supplier=S2, kind=Kind.CN, acted_by="asha"), CAL) is None


def test_a_persons_action_is_taken_by_no_rule_unless_it_says_overwrite():
    assert by_person("asha")
    assert not by_person(None) and not by_person("system") and not by_person("rule:x by asha")
    data = {"rules": [{"name": "all", "action": "A", "overwrite": True}]}
    (rule,) = parse_rule_set(data).rules
    assert matches(rule, facts(acted_by="asha", action=Action.REJECT), CAL)


def test_days_to_the_3b_due_date_become_a_range_of_2b_periods():
    # monthly, today 05-11-2024: October's 3B is due 20-11-2024 (15 days), November's 20-12
    assert periods_due(Span(None, 20), CAL) == Span(None, Period(2024, 10))
    assert periods_due(Span(16, None), CAL) == Span(Period(2024, 11), None)
    quarterly = Calendar(date(2024, 11, 5), Frequency.QUARTERLY, "29")  # due 22-01-2025
    assert periods_due(Span(None, 80), quarterly) == Span(None, Period(2024, 12))


def test_every_problem_names_the_rule_and_the_field():
    found = problems(
        {
            "on_day": 31,
            "rules": [
                {"name": "a", "action": "A", "when": {"suppliers": ["27AAPFU0939F1ZX"]}},
                {"name": "a", "action": "A", "when": {"taxable": {"min": "10", "max": "5"}}},
                {"name": "c", "action": "Q", "colour": "red", "when": {"age": {"min": 1}}},
                {"action": "A", "remarks": "x" * 251},
            ],
        }
    )
    assert found == [
        "rule set: on_day: the day of the month must be a whole number 1 to 28",
        "rule 1 (a): when.suppliers[1]: not a valid GSTIN: '27AAPFU0939F1ZX'",
        "rule 2 (a): when.taxable: min is greater than max",
        "rule 3 (c): colour: unknown field",
        "rule 3 (c): action: must be A (accept), R (reject) or P (pending)",
        "rule 3 (c): when.age: unknown condition",
        "rule 4 (unnamed): name: must be non-empty text",
        "rule 4 (unnamed): remarks: 251 characters; at most 250",
    ]


def test_a_duplicate_name_and_hostile_text_are_refused():
    found = problems(
        {
            "rules": [
                {"name": "same", "action": "A"},
                {"name": "same", "action": "R", "remarks": "ok\u202eevil"},
            ]
        }
    )
    assert found == [
        "rule 2 (same): remarks: contains the invisible character U+202E at position 2"
    ]
    assert problems({"rules": [{"name": "x", "action": "A"}, {"name": "x", "action": "R"}]}) == [
        "rule 2 (x): name: another rule has this name"
    ]


def test_a_rule_set_is_bounded():
    many = {"rules": [{"name": f"r{n}", "action": "A"} for n in range(MAX_RULES + 1)]}
    assert problems(many) == [f"rule set: rules: {MAX_RULES + 1} rules; at most {MAX_RULES}"]
    assert problems([]) == [
        "rule set: (document): a rule set is a JSON object with a list of rules"
    ]
    assert problems({"rules": [{"name": "x", "action": "A", "when": {"tax": {"max": True}}}]}) == [
        "rule 1 (x): when.tax.max: must be an amount in rupees"
    ]


def test_a_rule_set_written_as_json_reads_back_the_same():
    rules = parse_rule_set(
        {
            "on_day": 13,
            "rules": [
                {
                    "name": "everything",
                    "action": "R",
                    "remarks": "please amend",
                    "overwrite": True,
                    "when": {
                        "suppliers": [S2.lower()],
                        "pans": ["AAPFU0939F"],
                        "supplier_filed": False,
                        "sections": ["b2b", "b2bcn"],
                        "kinds": ["inv"],
                        "taxable": {"min": 1},
                        "tax": {"max": "99.5"},
                        "outcomes": ["value_mismatch"],
                        "age_days": {"min": 0, "max": 30},
                        "days_to_3b_due": {"max": 5},
                        "actions": ["N"],
                    },
                }
            ],
        }
    )
    assert parse_rule_set(rule_set_json(rules)) == rules
    assert rules.rules[0].when.suppliers == frozenset({S2})
