"""The auto-action rules and follow-up API over HTTP, on SQLite and PostgreSQL (issue 17).

Import a rule set, export it back, dry-run it, apply it (REQSTS of each rule's SAVE), a bad
rule set is 422 naming the rule and field, a foreign GSTIN is 403, and the follow-up lists
what to ask each supplier with the e-mail text.
"""

from __future__ import annotations

import pytest
from tests.api.wire import b2b, invoice, ok, refused

S, R, OTHER = "27AAPFU0939F1ZV", "29AABCR1718E1ZL", "24AANFA2641L1ZF"
BASE = "/gstims/v1"
RULES = {
    "on_day": 13,
    "rules": [
        {"name": "trusted", "when": {"suppliers": [S], "tax": {"max": "2000"}}, "action": "A"},
        {"name": "big", "when": {"taxable": {"min": "50000"}}, "action": "P", "remarks": "check"},
    ],
}


@pytest.fixture(scope="module")
def parties(sandbox):
    sandbox.register(S)
    sandbox.register(R)
    sandbox.register(OTHER)
    sandbox.today("05-11-2024")
    s, r = sandbox.taxpayer(S), sandbox.taxpayer(R)
    small = dict(pos="29", rate=18, taxable=10000, iamt=1800)
    large = dict(pos="29", rate=18, taxable=100000, iamt=18000)
    ok(
        s.retsave(
            "102024",
            b2b=[
                b2b(
                    R,
                    invoice("INV-1", "10-10-2024", **small),
                    invoice("INV-2", "11-10-2024", **small),
                    invoice("INV-3", "12-10-2024", **large),
                )
            ],
        )
    )
    ok(s.retfile("102024"))
    return sandbox, r


def call(sandbox, r, method, path, body=None, **kw):
    return sandbox.request(method, BASE + path, headers=r.headers, body=body, **kw)


def test_a_rule_set_imports_exports_dry_runs_and_applies(parties):
    sandbox, r = parties
    saved = ok(call(sandbox, r, "PUT", "/rules", {"gstin": R, "rules": RULES}))
    assert saved == {"scope": f"gstin:{R}", "rules": 2, "on_day": 13}
    exported = ok(call(sandbox, r, "GET", "/rules"))
    assert exported["on_day"] == 13 and [x["name"] for x in exported["rules"]] == ["trusted", "big"]

    dry = ok(call(sandbox, r, "POST", "/rules/dry-run", {"gstin": R}))
    assert [(x["name"], x["changes"], x["tax"], x["itc_effect"]) for x in dry["rules"]] == [
        ("trusted", 2, 3600, 0),
        ("big", 1, 18000, -18000),
    ]
    done = ok(call(sandbox, r, "POST", "/rules/apply", {"gstin": R}))
    assert (done["applied"], done["refused"]) == (3, 0)
    for rule in done["rules"]:
        assert ok(r.reqsts(rule["reference_id"]))["status_cd"] == "P"
    again = ok(call(sandbox, r, "POST", "/rules/dry-run", {"gstin": R}))
    assert again["changes"] == 0


def test_a_bad_rule_set_is_422_naming_the_rule_and_field(parties):
    sandbox, r = parties
    bad = {"rules": [{"name": "x", "action": "A", "when": {"suppliers": ["NOT-A-GSTIN"]}}]}
    answer = refused(call(sandbox, r, "PUT", "/rules", {"gstin": R, "rules": bad}), 422)
    assert [(d["section"], d["number"], d["field"]) for d in answer["details"]] == [
        ("rule 1", "x", "when.suppliers[1]")
    ]
    refused(call(sandbox, r, "PUT", "/rules", {"gstin": R, "scope": "all", "rules": RULES}), 400)
    refused(call(sandbox, r, "PUT", "/rules", {"gstin": OTHER, "rules": RULES}), 403)


def test_the_follow_up_lists_what_to_ask_each_supplier(parties):
    sandbox, r = parties
    ok(
        call(
            sandbox,
            r,
            "PUT",
            "/rules",
            {"gstin": R, "rules": {"rules": [{"name": "hold", "action": "P", "remarks": "short"}]}},
        )
    )
    ok(call(sandbox, r, "POST", "/rules/apply", {"gstin": R}))
    found = ok(call(sandbox, r, "GET", "/follow-up"))
    (supplier,) = found["suppliers"]
    assert supplier["supplier"] == S
    assert [(a["kind"], a["number"]) for a in supplier["asks"]] == [
        ("pending", "INV-1"),
        ("pending", "INV-2"),
        ("pending", "INV-3"),
    ]
    assert supplier["itc_at_risk"] == found["itc_at_risk"] == 21600
    assert "Kept pending by us:" in supplier["message"]
