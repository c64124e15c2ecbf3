"""The reconciliation API over HTTP, on SQLite and PostgreSQL (R-REC-22).

Rule: R-REC-22 — books in as JSON and as a multipart CSV, a run, its results, a dry run and
an apply whose REQSTS shows the per-record refusals; R-REC-4 — a bad register is 422 with
every problem and stores nothing; a bad file gets its 4xx.
"""

from __future__ import annotations

import pytest
from tests.api.wire import b2b, invoice, ok, refused

S, R, OTHER = "27AAPFU0939F1ZV", "29AABCR1718E1ZL", "24AANFA2641L1ZF"
BASE = "/gstims/v1"


@pytest.fixture(scope="module")
def parties(sandbox):
    sandbox.register(S)
    sandbox.register(R)
    sandbox.register(OTHER)
    sandbox.today("05-11-2024")
    s, r = sandbox.taxpayer(S), sandbox.taxpayer(R)
    inv = dict(pos="29", rate=18, taxable=10000, iamt=1800)
    ok(
        s.retsave(
            "102024",
            b2b=[
                b2b(R, invoice("INV-1", "10-10-2024", **inv), invoice("INV-2", "11-10-2024", **inv))
            ],
        )
    )
    ok(s.retfile("102024"))
    return sandbox, r


def call(sandbox, r, method, path, body=None, **kw):
    return sandbox.request(method, BASE + path, headers=r.headers, body=body, **kw)


def document(number: str, **more):
    return {
        "supplier_gstin": S,
        "kind": "INV",
        "number": number,
        "date": "10-10-2024",
        "taxable": 10000,
        "igst": 1800,
        **more,
    }


def test_r_rec_22_a_bad_json_register_is_422_with_every_problem_and_nothing_stored(parties):
    sandbox, r = parties
    bad = [document("INV-1", date="31-02-2024"), document("", kind="XYZ")]
    answer = refused(call(sandbox, r, "PUT", "/books", {"gstin": R, "documents": bad}), 422)
    where = sorted((d["section"], d["field"]) for d in answer["details"])
    assert where == [("row 1", "date"), ("row 2", "kind"), ("row 2", "number")]


def test_r_rec_22_books_a_run_a_dry_run_and_an_apply(parties):
    sandbox, r = parties
    imported = ok(call(sandbox, r, "PUT", "/books", {"gstin": R, "documents": [document("INV-1")]}))
    assert (imported["documents"], imported["changed"], imported["problems"]) == (1, True, [])
    run = ok(call(sandbox, r, "POST", "/reconciliations", {"gstin": R, "periods": ["102024"]}))
    got = ok(call(sandbox, r, "GET", f"/reconciliations/{run['id']}"))
    assert sorted(x["outcome"] for x in got["results"]) == ["matched", "only_in_portal"]
    matched = next(x for x in got["results"] if x["outcome"] == "matched")
    assert matched["portal"][0]["section"] == "b2b" and matched["suggested_action"] == "A"
    assert got["parameters"]["amount"] == 1 and got["summary"]["matched"]["count"] == 1

    dry = ok(call(sandbox, r, "POST", f"/reconciliations/{run['id']}/apply", {"dry_run": True}))
    assert [(x["outcome"], x["action"], x["records"]) for x in dry["lines"]] == [
        ("matched", "A", 1),
        ("only_in_portal", "P", 1),
    ]
    applied = ok(
        call(sandbox, r, "POST", f"/reconciliations/{run['id']}/apply", {"dry_run": False})
    )
    status = ok(r.reqsts(applied["reference_id"]))
    assert status["status_cd"] == "P"


def test_r_rec_22_a_csv_register_uploads_as_multipart_with_its_profile(parties):
    sandbox, r = parties
    csv = f"Bill Date,Bill Number,GST Identification Number (GSTIN),SubTotal,IGST\n10-10-2024,INV-2,{S},10000,1800\n"
    answer = sandbox.http.post(
        BASE + "/books/upload",
        headers=r.headers,
        files={"file": ("bills.csv", csv.encode(), "text/csv")},
        data={"profile": "zoho"},
    )
    assert ok(answer)["documents"] == 1


def test_r_rec_22_a_file_of_another_type_is_415_and_someone_elses_run_is_404(parties, sandbox):
    _, r = parties
    answer = sandbox.http.post(
        BASE + "/books/upload",
        headers=r.headers,
        files={"file": ("x.pdf", b"%PDF", "application/pdf")},
    )
    refused(answer, 415)
    other = sandbox.taxpayer(OTHER)
    run = ok(call(sandbox, r, "POST", "/reconciliations", {"gstin": R, "periods": ["102024"]}))
    refused(call(sandbox, other, "GET", f"/reconciliations/{run['id']}"), 404)
    refused(
        call(
            sandbox,
            r,
            "POST",
            "/reconciliations",
            {"gstin": R, "periods": ["102024"], "gstins": [OTHER]},
        ),
        403,
    )


def _results(sandbox, r, run_id: int) -> dict[str, dict]:
    got = ok(call(sandbox, r, "GET", f"/reconciliations/{run_id}"))
    return {
        ",".join(d["number"] for d in x["books"])
        + "|"
        + ",".join(d["number"] for d in x["portal"]): x
        for x in got["results"]
    }


def test_r_rec_18_pair_override_and_unpair_by_hand_are_kept_by_every_later_run(parties, sandbox):
    _, r = parties
    books = [document("INV-1"), document("BILL-77", taxable=5000, igst=900)]
    ok(call(sandbox, r, "PUT", "/books", {"gstin": R, "documents": books}))
    first = ok(call(sandbox, r, "POST", "/reconciliations", {"gstin": R, "periods": ["102024"]}))
    results = _results(sandbox, r, first["id"])
    assert {k: x["outcome"] for k, x in results.items()} == {
        "INV-1|INV-1": "matched",
        "BILL-77|": "only_in_books",
        "|INV-2": "only_in_portal",
    }
    bill, inv2 = results["BILL-77|"]["books"][0]["ref"], results["|INV-2"]["portal"][0]["id"]
    inv1 = results["INV-1|INV-1"]

    paired = ok(call(sandbox, r, "POST", f"/reconciliations/{first['id']}/pair",
                     {"books": bill, "portal": inv2}))  # fmt: skip
    by_hand = _results(sandbox, r, paired["id"])["BILL-77|INV-2"]
    assert (by_hand["pass"], by_hand["outcome"], by_hand["suggested_action"]) == (
        "by hand",
        "value_mismatch",
        "P",  # the portal holds more tax than the books
    )

    overridden = ok(call(sandbox, r, "POST", f"/reconciliations/{paired['id']}/override",
                         {"portal": inv2, "action": "A"}))  # fmt: skip
    result = _results(sandbox, r, overridden["id"])["BILL-77|INV-2"]
    assert result["suggested_action"] == "A"
    assert result["portal"][0]["note"].startswith("overridden by hand")

    ok(call(sandbox, r, "POST", f"/reconciliations/{overridden['id']}/unpair",
            {"books": inv1["books"][0]["ref"], "portal": inv1["portal"][0]["id"]}))  # fmt: skip
    again = ok(call(sandbox, r, "POST", "/reconciliations", {"gstin": R, "periods": ["102024"]}))
    kept = _results(sandbox, r, again["id"])
    assert {k: x["outcome"] for k, x in kept.items()} == {
        "INV-1|": "only_in_books",  # kept apart by hand, though they agree exactly
        "|INV-1": "only_in_portal",
        "BILL-77|INV-2": "value_mismatch",  # the pair made by hand, in a plain new run
    }
    assert kept["BILL-77|INV-2"]["suggested_action"] == "A"  # the override too


def test_r_rec_18_work_by_hand_is_refused_on_someone_elses_run_and_on_a_bad_body(parties, sandbox):
    _, r = parties
    run = ok(call(sandbox, r, "POST", "/reconciliations", {"gstin": R, "periods": ["102024"]}))
    other = sandbox.taxpayer(OTHER, sandbox.user("another-firm", OTHER))
    path = f"/reconciliations/{run['id']}"
    refused(call(sandbox, other, "POST", f"{path}/override", {"portal": 1, "action": "A"}), 404)
    refused(call(sandbox, r, "POST", f"{path}/pair", {"books": "", "portal": 1}), 400)
    refused(call(sandbox, r, "POST", f"{path}/pair", {"books": "x", "portal": "1"}), 400)
    refused(call(sandbox, r, "POST", f"{path}/override", {"portal": 1, "action": "X"}), 400)
    refused(call(sandbox, r, "POST", f"{path}/unpair", {"books": f"{OTHER}/INV", "portal": 1}), 404)
