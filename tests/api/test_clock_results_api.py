"""The clock over real HTTP with many taxpayers (issue 13): PUT /clock answers counts, and
GET /clock/results pages through what each event did to each taxpayer."""

from __future__ import annotations

from gstims.domain.gstin import make_gstin

from .wire import ok, refused

TAXPAYERS = sorted(str(make_gstin("29", f"AAACW{i:04d}K")) for i in range(55))


def test_r_clk_moving_the_clock_over_55_taxpayers_answers_counts_and_pages_the_results(sandbox):
    """Rule: R-2B-1, R-CLK — 55 drafts in one short summary; the results, 20 to a page."""
    for gstin in TAXPAYERS:
        sandbox.register(gstin)
    assert sandbox.today("13-11-2024") == []  # two calls: each well inside a loaded timeout
    events = sandbox.today("14-11-2024")
    assert events == [
        {
            "day": "14-11-2024",
            "event": "gstr2b_drafts",
            "summary": "55 GSTR-2B drafted",
            "counts": {"drafted": 55},
        }
    ]
    seen, after = [], None
    while True:
        query = "?event=gstr2b_drafts&limit=20" + (f"&after={after}" if after else "")
        page = ok(sandbox.admin("GET", f"/clock/results{query}"))
        seen += page["results"]
        after = page["next"]
        if after is None:
            break
    assert [r["gstin"] for r in seen] == TAXPAYERS
    assert {(r["day"], r["outcome"], r["period"], r["count"]) for r in seen} == {
        ("14-11-2024", "drafted", "102024", 0)
    }
    one = ok(sandbox.admin("GET", f"/clock/results?gstin={TAXPAYERS[7]}&day=14-11-2024"))
    assert [r["gstin"] for r in one["results"]] == [TAXPAYERS[7]]
    assert one["next"] is None


def test_a_malformed_results_query_is_refused_naming_each_field(sandbox):
    """Rule: R-CLK — a bad day, event, limit, GSTIN or page key is a 400, never a 500."""
    query = "?day=31-02-2025&event=nothing&limit=0&gstin=ABC&after=x"
    error = refused(sandbox.admin("GET", f"/clock/results{query}"), 400)
    named = " ".join(str(d) for d in error["details"])
    for field in ("day", "event", "limit", "gstin", "after"):
        assert field in named, field
