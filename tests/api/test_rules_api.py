"""The auto-action rules and follow-up API over HTTP, on SQLite and PostgreSQL (issue 17).

Import a rule set, export it back, dry-run it, apply it (REQSTS of each rule's SAVE), a bad
rule set is 422 naming the rule and field, a foreign GSTIN is 403, and the follow-up lists
what to ask each supplier with the e-mail text. A user's own rule set (`"scope": "user"`)
dry-runs on every GSTIN granted to them with the role held on each, and applies as that role.
"""

from __future__ import annotations

import pytest
from tests.api.wire import b2b, invoice, ok, refused

from gstims.domain.gstin import make_gstin

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


C1, C2 = str(make_gstin("29", "AAACC0001K")), str(make_gstin("29", "AAACC0002K"))


def test_a_users_rule_set_acts_on_each_gstin_as_the_role_held_there(parties):
    """Approver of C1: applied; preparer of C2 under maker-checker: a proposal; viewer of R:
    dry-run only, skipped by apply, its records untouched."""
    sandbox, _ = parties
    s = sandbox.taxpayer(S, sandbox.user("s-clerk", S))
    for gstin in (C1, C2):
        sandbox.register(gstin)
    small = dict(pos="29", rate=18, taxable=1000, iamt=180)
    ok(
        s.retsave(  # saved, not filed: in each recipient's IMS
            "112024",
            b2b=[
                b2b(
                    C1, invoice("N-1", "02-11-2024", **small), invoice("N-2", "03-11-2024", **small)
                ),
                b2b(C2, invoice("N-3", "04-11-2024", **small)),
            ],
        )
    )
    firm = sandbox.user("firm", C1, role="approver")
    ok(sandbox.admin("POST", "/users/firm/grants", {"gstin": C2, "role": "preparer"}))
    ok(sandbox.admin("POST", "/users/firm/grants", {"gstin": R, "role": "viewer"}))
    c2_admin = sandbox.taxpayer(C2, sandbox.user("c2-admin", C2, role="admin"))
    body = {"gstin": C2, "maker_checker": True}
    ok(sandbox.request("PUT", "/gstims/v1/settings", headers=c2_admin.headers, body=body))
    c1 = sandbox.taxpayer(C1, firm)
    r_before = ok(sandbox.taxpayer(R, firm).getinv())

    rules = {"rules": [{"name": "hold s", "when": {"suppliers": [S]}, "action": "P"}]}
    saved = ok(call(sandbox, c1, "PUT", "/rules", {"gstin": C1, "scope": "user", "rules": rules}))
    assert saved == {"scope": "user:firm", "rules": 1, "on_day": None}
    dry = ok(call(sandbox, c1, "POST", "/rules/dry-run", {"gstin": C1, "scope": "user"}))
    by_gstin = {p["gstin"]: p for p in dry["gstins"]}
    assert sorted(by_gstin) == sorted([C1, C2, R])
    assert [(by_gstin[g]["role"], by_gstin[g]["handling"]) for g in (C1, C2, R)] == [
        ("approver", "apply"),
        ("preparer", "propose"),
        ("viewer", "refuse"),
    ]
    assert (by_gstin[C1]["changes"], by_gstin[C2]["changes"]) == (2, 1)
    assert by_gstin[C2]["maker_checker"] is True

    done = ok(call(sandbox, c1, "POST", "/rules/apply", {"gstin": C1, "scope": "user"}))
    applied = {d["gstin"]: d for d in done["gstins"]}
    assert sorted(applied) == sorted([C1, C2]) and done["skipped"] == [R]
    assert (applied[C1]["applied"], applied[C1]["proposals"]) == (2, [])
    assert applied[C2]["applied"] == 0
    assert [p["name"] for p in applied[C2]["proposals"]] == ["hold s"]
    assert {x["inum"]: x["action"] for x in ok(c1.getinv())["b2b"]} == {"N-1": "P", "N-2": "P"}
    c2 = sandbox.taxpayer(C2, firm)
    assert {x["inum"]: x["action"] for x in ok(c2.getinv())["b2b"]} == {"N-3": "N"}
    assert ok(sandbox.taxpayer(R, firm).getinv()) == r_before
