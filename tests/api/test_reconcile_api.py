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
