"""A whole IMS cycle over real HTTP: example-month.md wire to wire, plus the quarterly paths.

Taxpayers (all registered 01-10-2024):

    S1  27AAPFU0939F1ZV  monthly supplier (Maharashtra)
    S2  24AANFA2641L1ZF  QUARTERLY supplier (Gujarat): IFF for Oct and Nov, GSTR-1 for the quarter
    R   29AABCR1718E1ZL  monthly recipient (Karnataka)
    Q   29AAACQ4321K1ZD  QUARTERLY recipient (Karnataka)

R's October is example-month.md exactly (S2 being quarterly changes none of its figures: its
IFF for October is due on 13-11, and it files on 08-11). Q receives S2's IFF and quarterly
documents and one GSTR-1A document of S1's, and sees its one 2B for the quarter on
14-01-2025. R and Q are served by one CA firm's token.

The story runs once per backend (a module fixture) and keeps every answer; each test reads the
answers of one step. The clock moves only to the days the story names.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from tests.api.wire import (
    Sandbox,
    act,
    b2b,
    by_number,
    cdnr,
    doc_2b,
    docs_2b,
    gstin,
    invoice,
    note,
    numbers,
    ok,
    refused,
    table,
    undo,
)

S1, S2, R = "27AAPFU0939F1ZV", "24AANFA2641L1ZF", "29AABCR1718E1ZL"
Q = gstin("29AAACQ4321K1Z")

# S1's October GSTR-1 (example-month.md)
INV_101 = invoice("INV-101", "10-10-2024", pos="29", rate=18, taxable=10000, iamt=1800)
INV_102 = invoice("INV-102", "12-10-2024", pos="29", rate=12, taxable=5000, iamt=600)
RCM_1 = invoice("RCM-1", "22-10-2024", pos="29", rate=5, taxable=2000, iamt=100, rchrg="Y")
CN_11 = note("CN-11", "20-10-2024", pos="29", rate=18, taxable=1000, iamt=180)
# S2's October IFF: INV-201 is POS-ineligible for R (supplier state = POS = 24 ≠ 29)
INV_201 = invoice("INV-201", "15-10-2024", pos="24", rate=18, taxable=5000, camt=450, samt=450)
INV_202 = invoice("INV-202", "16-10-2024", pos="29", rate=28, taxable=20000, iamt=5600)
# Q's quarter: S2's IFFs and quarterly GSTR-1, S1's GSTR-1A for October
INV_203 = invoice("INV-203", "18-10-2024", pos="29", rate=12, taxable=4000, iamt=480)
INV_205 = invoice("INV-205", "20-11-2024", pos="29", rate=18, taxable=6000, iamt=1080)
INV_206 = invoice("INV-206", "15-12-2024", pos="29", rate=5, taxable=8000, iamt=400)
INV_104 = invoice("INV-104", "25-10-2024", pos="29", rate=18, taxable=3000, iamt=540)


class Story:
    """The parties, and every answer worth reading, by step name."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        for gstin_, frequency, name in [
            (S1, "M", "Supplier One"),
            (S2, "Q", "Supplier Two"),
            (R, "M", "Recipient"),
            (Q, "Q", "Quarterly Recipient"),
        ]:
            sandbox.register(gstin_, frequency, name)
        firm = sandbox.user("ca-firm", R, Q)
        self.s1, self.s2 = sandbox.taxpayer(S1), sandbox.taxpayer(S2)
        self.r, self.q = sandbox.taxpayer(R, firm), sandbox.taxpayer(Q, firm)
        self.seen: dict[str, httpx.Response] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}

    def keep(self, name: str, response: httpx.Response) -> httpx.Response:
        self.seen[name] = response
        return response

    def on(self, day: str) -> None:
        self.events[day] = self.sandbox.today(day)

    def ims_record(self, taxpayer, number: str) -> dict[str, Any]:
        return by_number(ok(taxpayer.getinv()))[number]

    def run(self) -> Story:
        self.october_is_reported()
        self.r_acts_on_10_november()
        self.the_2b_of_october()
        self.gstr1a_of_s1()
        self.r_files_october()
        self.november()
        self.the_quarter_of_q()
        return self

    def october_is_reported(self) -> None:
        s1, s2, r, q = self.s1, self.s2, self.r, self.q
        self.on("01-11-2024")
        ok(s1.retsave("102024", b2b=[b2b(R, INV_101, INV_102, RCM_1)], cdnr=[cdnr(R, CN_11)]))
        self.keep("getinv saved", r.getinv())
        self.keep("retsum saved", s1.retsum("102024"))
        ok(q.retfile("102024"))  # Q's nil IFF
        self.on("05-11-2024")
        self.keep("s1 files october", s1.retfile("102024"))
        self.keep("retsum filed", s1.retsum("102024"))
        self.on("08-11-2024")
        ok(s2.retsave("102024", b2b=[b2b(R, INV_201, INV_202), b2b(Q, INV_203)]))
        self.keep("s2 files its iff", s2.retfile("102024"))
        self.on("09-11-2024")
        self.keep("getinv b2b", r.getinv("b2b"))
        self.keep("getinv b2bcn", r.getinv("b2bcn"))
        self.keep("getinv all", r.getinv())
        self.keep("getcnt 9 nov", r.getcnt())
        self.keep("getinv of s2", r.getinv("b2b", stin=S2))
        self.keep("getinv page 2", r.getinv("b2b", page=2, page_size=2))
        self.keep("getinv page 3", r.getinv("b2b", page=3, page_size=2))

    def r_acts_on_10_november(self) -> None:
        r = self.r
        self.on("10-11-2024")
        records = by_number(ok(r.getinv()))
        inv_101, inv_102 = records["INV-101"], records["INV-102"]
        inv_202, cn_11 = records["INV-202"], records["CN-11"]
        first = ok(
            r.save(
                b2b=[act(inv_102, "R", remarks="not ordered"), act(inv_202, "P")],
                b2bcn=[act(cn_11, "P")],
            )
        )
        self.keep("reqsts refused pending", r.reqsts(first["reference_id"]))
        self.keep("getinv after refused pending", r.getinv("b2bcn"))
        second = ok(r.save(b2bcn=[act(cn_11, "A")]))
        self.keep("reqsts accept cn", r.reqsts(second["reference_id"]))
        stale = ok(r.save(b2b=[{**act(inv_101, "A"), "prev_status": "R"}]))
        self.keep("reqsts stale", r.reqsts(stale["reference_id"]))
        ok(r.save(b2b=[act(inv_101, "A", remarks="checking")]))
        self.keep("inv-101 accepted", r.getinv("b2b"))
        accepted = self.ims_record(r, "INV-101")
        reset = ok(r.reset(b2b=[undo(accepted)]))
        self.keep("reqsts reset", r.reqsts(reset["reference_id"]))
        self.keep("getinv 10 nov", r.getinv())
        self.keep("getcnt 10 nov", r.getcnt())
        self.keep("supview s1 10 nov", self.s1.supview("102024"))
        self.keep("supview s1 b2b", self.s1.supview("102024", section="b2b"))
        self.keep("supview s1 b2ba", self.s1.supview("102024", section="b2ba"))
        self.keep("gen2b before the draft", r.gen2b("102024"))
        self.keep("get2b before the draft", r.get2b("102024"))

    def the_2b_of_october(self) -> None:
        r, q = self.r, self.q
        self.on("14-11-2024")
        self.keep("get2b r october", r.get2b("102024"))
        self.keep("autoliab r october", r.autoliab("102024"))
        self.keep("autoliab s1 october", self.s1.autoliab("102024"))
        generated = ok(self.keep("gen2b r october", r.gen2b("102024")))
        self.keep("gensts2b", r.gensts2b(generated["reference_id"]))
        self.keep("get2b r october again", r.get2b("102024"))
        self.keep("q get2b october", q.get2b("102024"))
        self.keep("q gen2b october", q.gen2b("102024"))

    def gstr1a_of_s1(self) -> None:
        s1 = self.s1
        self.on("15-11-2024")
        self.keep("1a before its gstr1", s1.retsave("112024", "gstr1a", b2b=[b2b(Q, INV_104)]))
        ok(s1.retsave("102024", "gstr1a", b2b=[b2b(Q, INV_104)]))
        self.keep("s1 files its 1a", s1.retfile("102024", "gstr1a"))
        self.keep("retsum 1a", s1.retsum("102024", "gstr1a"))
        self.keep("autoliab s1 after 1a", s1.autoliab("102024"))
        self.keep("q getinv 15 nov", self.q.getinv())
        self.keep("supview s1 1a", s1.supview("102024", rtn_typ="GSTR1A"))

    def r_files_october(self) -> None:
        r = self.r
        self.on("18-11-2024")
        self.keep("3b before gstr1", r.file3b("102024"))
        self.keep("gstr1 before the period ends", r.retfile("112024"))
        self.keep("r files nil gstr1", r.retfile("102024"))
        self.keep("r files 3b", r.file3b("102024"))
        self.keep("r files 3b again", r.file3b("102024"))
        self.keep("gen2b after 3b", r.gen2b("102024"))
        self.keep("getinv 18 nov", r.getinv())
        consumed = by_number(ok(self.seen["getinv 10 nov"]))["INV-101"]
        late = ok(r.save(b2b=[act(consumed, "A")]))
        self.keep("reqsts consumed", r.reqsts(late["reference_id"]))
        self.keep("supview s1 18 nov", self.s1.supview("102024"))

    def november(self) -> None:
        r, q = self.r, self.q
        self.on("02-12-2024")
        accepted = ok(r.save(b2b=[act(self.ims_record(r, "INV-202"), "A")]))
        self.keep("reqsts accept inv-202", r.reqsts(accepted["reference_id"]))
        ok(q.retfile("112024"))  # Q's nil IFF
        self.on("10-12-2024")
        ok(self.s2.retsave("112024", b2b=[b2b(Q, INV_205)]))
        ok(self.s2.retfile("112024"))
        self.on("14-12-2024")
        self.keep("get2b r november", r.get2b("112024"))
        self.keep("q get2b november", q.get2b("112024"))
        self.keep("supview s2 october", self.s2.supview("102024"))

    def the_quarter_of_q(self) -> None:
        s2, q = self.s2, self.q
        self.on("10-01-2025")
        ok(s2.retsave("122024", b2b=[b2b(Q, INV_206)]))
        self.keep("s2 files its quarter", s2.retfile("122024"))
        ok(q.retfile("122024"))  # Q's nil quarterly GSTR-1
        self.keep("q 3b before its 2b", q.file3b("122024"))
        self.on("14-01-2025")
        self.keep("q get2b quarter", q.get2b("122024"))
        self.keep("q autoliab quarter", q.autoliab("122024"))
        ok(q.save(b2b=[act(self.ims_record(q, "INV-205"), "R", remarks="goods short")]))
        self.keep("q autoliab stale", q.autoliab("122024"))
        ok(q.gen2b("122024"))
        self.keep("q get2b recomputed", q.get2b("122024"))
        self.keep("q autoliab recomputed", q.autoliab("122024"))
        self.keep("s2 autoliab quarter", s2.autoliab("122024"))
        self.keep("q files 3b", q.file3b("122024"))
        self.keep("q getinv after 3b", q.getinv())


@pytest.fixture(scope="module")
def story(sandbox) -> Story:
    return Story(sandbox).run()


def data(story: Story, step: str) -> Any:
    return ok(story.seen[step])


def error(story: Story, step: str, status: int, code: str) -> dict[str, Any]:
    return refused(story.seen[step], status, code)


def amounts(node: Any, *heads: str) -> tuple[Any, ...]:
    return tuple(node[h] for h in heads)


# -- what the suppliers report, and what R's IMS shows ------------------------------------------


def test_a_saved_record_shows_in_the_recipients_ims_at_once_as_not_filed(story):
    """Rule: R-IN-1 — in IMS on SAVE, `srcfilstatus` Not Filed until the GSTR-1 is filed."""
    saved = data(story, "getinv saved")
    assert numbers(saved) == ["CN-11", "INV-101", "INV-102"]
    assert {r["srcfilstatus"] for rs in saved.values() for r in rs} == {"Not Filed"}
    assert data(story, "retsum saved")["status"] == "saved"
    filed = data(story, "retsum filed")
    assert (filed["status"], filed["filed_on"]) == ("filed", "05-11-2024")
    assert data(story, "s1 files october")["filed_on"] == "05-11-2024"


def test_on_9_november_the_ims_shows_the_filed_invoices_but_no_rcm_or_pos_ineligible_one(story):
    """Rule: R-IN-1, R-IN-5a, R-IN-5e — example-month.md "What the IMS shows R on 09-11-2024"."""
    shown = data(story, "getinv b2b")
    assert list(shown) == ["b2b"]
    records = {r["inum"]: r for r in shown["b2b"]}
    assert sorted(records) == ["INV-101", "INV-102", "INV-202"]
    for number, supplier in [("INV-101", S1), ("INV-102", S1), ("INV-202", S2)]:
        record = records[number]
        assert record["stin"] == supplier
        assert (record["action"], record["srcfilstatus"], record["ispendactblocked"]) == (
            "N",
            "Filed",
            "N",
        )
        assert (record["srcform"], record["rtnprd"], record["inv_typ"]) == ("R1", "102024", "R")
        assert record["remarks"] is None and record["itcRedReq"] is None
    inv_101 = records["INV-101"]
    assert inv_101["idt"] == "10-10-2024" and inv_101["pos"] == "29"
    assert amounts(inv_101, "val", "txval", "iamt", "camt", "samt", "cess") == (
        11800,
        10000,
        1800,
        0,
        0,
        0,
    )
    assert amounts(records["INV-202"], "txval", "iamt") == (20000, 5600)
    assert len(inv_101["hash"]) == 64
    everything = data(story, "getinv all")
    assert numbers(everything) == ["CN-11", "INV-101", "INV-102", "INV-202"]


def test_a_credit_note_of_era_e1_is_shown_with_pending_blocked(story):
    """Rule: R-ACT-3 — CN-11 (2B period 102024) carries `ispendactblocked` Y."""
    (cn_11,) = data(story, "getinv b2bcn")["b2bcn"]
    assert (cn_11["stin"], cn_11["nt_num"], cn_11["nt_dt"]) == (S1, "CN-11", "20-10-2024")
    assert (cn_11["action"], cn_11["ispendactblocked"], cn_11["srcfilstatus"]) == (
        "N",
        "Y",
        "Filed",
    )
    assert amounts(cn_11, "val", "txval", "iamt") == (1180, 1000, 180)  # positive on the wire


def test_getinv_filters_by_supplier_and_pages_as_the_documented_extension(story):
    """api.md: GETINV's optional `stin`, `page` and `page_size` (a gstims extension)."""
    assert numbers(data(story, "getinv of s2"), "b2b") == ["INV-202"]
    second = data(story, "getinv page 2")["b2b"]
    assert len(second) == 1
    assert data(story, "getinv page 3")["b2b"] == []
    first_two = [r["inum"] for r in data(story, "getinv b2b")["b2b"]][:2]
    assert second[0]["inum"] not in first_two


def test_getcnt_counts_the_records_by_section_and_action(story):
    """api.md GETCNT, before and after R's actions of 10 November."""
    (before,) = data(story, "getcnt 9 nov")["invoicecount"]
    assert before["all_oth"]["b2b"] == {"noaction": 3, "accept": 0, "reject": 0, "pending": 0}
    assert before["all_oth"]["b2bcn"]["noaction"] == 1
    assert before["all_oth"]["ttl_cnt"] == 4 and before["imp_gds"]["ttl_cnt"] == 0
    after = data(story, "getcnt 10 nov")
    assert after["gstin"] == R
    (counts,) = after["invoicecount"]
    assert counts["all_oth"]["b2b"] == {"noaction": 1, "accept": 0, "reject": 1, "pending": 1}
    assert counts["all_oth"]["b2bcn"] == {"noaction": 0, "accept": 1, "reject": 0, "pending": 0}
    assert counts["all_oth"]["ttl_cnt"] == 4


# -- R's actions of 10 November ---------------------------------------------------------------


def test_a_pending_on_an_era_e1_credit_note_comes_back_in_reqsts_as_pe_and_the_rest_apply(story):
    """Rule: R-ACT-3, R-ACT-9 — example-month.md: "A Pending on CN-11 would come back as PE"."""
    status = data(story, "reqsts refused pending")
    assert (status["status_cd"], int(status["proc_cnt"]), int(status["err_cnt"])) == ("PE", 2, 1)
    (entry,) = status["error_report"]["b2bcn"]
    assert entry["stin"] == S1 and entry["error_cd"] == "IMSACT001" and entry["error_msg"]
    assert [doc["nt_num"] for doc in entry["inv"]] == ["CN-11"]
    assert list(status["error_report"]) == ["b2bcn"]
    (cn_11,) = data(story, "getinv after refused pending")["b2bcn"]
    assert cn_11["action"] == "N"  # the refused record did not change


def test_the_actions_of_10_november_apply_record_by_record(story):
    """Rule: R-ACT-1, R-ACT-8 — INV-102 Reject "not ordered", CN-11 Accept, INV-202 Pending."""
    accepted = data(story, "reqsts accept cn")
    assert (accepted["status_cd"], int(accepted["err_cnt"])) == ("P", 0)
    assert not accepted["error_report"]
    records = by_number(data(story, "getinv 10 nov"))
    assert {n: r["action"] for n, r in records.items()} == {
        "INV-101": "N",
        "INV-102": "R",
        "INV-202": "P",
        "CN-11": "A",
    }
    assert records["INV-102"]["remarks"] == "not ordered"


def test_a_stale_prev_status_is_refused_with_imssav0010(story):
    """Rule: R-ACT-9 — `prev_status` R on a record whose action is N."""
    status = data(story, "reqsts stale")
    assert (status["status_cd"], int(status["proc_cnt"]), int(status["err_cnt"])) == ("PE", 0, 1)
    (entry,) = status["error_report"]["b2b"]
    assert (entry["error_cd"], entry["stin"]) == ("IMSSAV0010", S1)
    assert [doc["inum"] for doc in entry["inv"]] == ["INV-101"]


def test_resetims_returns_a_record_to_no_action_and_clears_its_remarks(story):
    """Rule: R-ACT-10 — INV-101 accepted with remarks, then reset: "untouched" again."""
    accepted = {r["inum"]: r for r in data(story, "inv-101 accepted")["b2b"]}["INV-101"]
    assert (accepted["action"], accepted["remarks"]) == ("A", "checking")
    assert data(story, "reqsts reset")["status_cd"] == "P"
    inv_101 = by_number(data(story, "getinv 10 nov"))["INV-101"]
    assert (inv_101["action"], inv_101["remarks"]) == ("N", None)


# -- GSTR-2B and GSTR-3B of October -----------------------------------------------------------


def test_before_the_14th_there_is_no_2b_and_gen2b_is_refused(story):
    """Rule: R-2B-1 — GET2B answers 404 RET2B1023, GEN2B 409 IMS2B009 before the draft date."""
    error(story, "get2b before the draft", 404, "RET2B1023")
    error(story, "gen2b before the draft", 409, "IMS2B009")


def test_the_2b_of_october_places_every_document_where_example_month_says(story):
    """Rule: R-2B-3, R-IN-5a, R-IN-5e — example-month.md "GSTR-2B for 102024" documents."""
    assert any(e["event"] == "gstr2b_drafts" for e in story.events["14-11-2024"])
    query = f"/clock/results?gstin={R}&event=gstr2b_drafts&day=14-11-2024"
    drafted = ok(story.sandbox.admin("GET", query))
    assert [(r["day"], r["period"]) for r in drafted["results"]] == [("14-11-2024", "102024")]
    two_b = data(story, "get2b r october")
    assert (two_b["gstin"], two_b["rtnprd"], two_b["gendt"]) == (R, "102024", "14-11-2024")
    assert docs_2b(two_b, "docdata", "b2b") == {S1: ["INV-101", "RCM-1"], S2: ["INV-201"]}
    assert doc_2b(two_b, "docdata", "b2b", "INV-101")["itcavl"] == "Y"
    assert doc_2b(two_b, "docdata", "b2b", "RCM-1")["rev"] == "Y"
    inv_201 = doc_2b(two_b, "docdata", "b2b", "INV-201")
    assert (inv_201["itcavl"], inv_201["rsn"]) == ("N", "P")
    assert docs_2b(two_b, "docdata", "cdnr") == {S1: ["CN-11"]}
    assert doc_2b(two_b, "docdata", "cdnr", "CN-11")["typ"] == "C"
    assert docs_2b(two_b, "docRejdata", "b2b") == {S1: ["INV-102"]}
    everywhere = str(two_b["docdata"]) + str(two_b["docRejdata"])
    assert "INV-202" not in everywhere  # Pending: nowhere


def test_the_2b_of_october_sums_to_the_paisa(story):
    """Rule: R-2B-4, R-2B-6 — example-month.md itcsumm, cpsumm and cpSummRej values."""
    two_b = data(story, "get2b r october")
    itc = two_b["itcsumm"]
    available = itc["itcavl"]
    assert (available["nonrevsup"]["igst"], available["nonrevsup"]["b2b"]["igst"]) == (1800, 1800)
    assert (available["othersup"]["igst"], available["othersup"]["cdnr"]["igst"]) == (180, 180)
    assert (available["revsup"]["igst"], available["revsup"]["b2b"]["igst"]) == (100, 100)
    unavailable = itc["itcunavl"]["nonrevsup"]
    assert (unavailable["cgst"], unavailable["sgst"]) == (450, 450)
    rejected = itc["itcRejected"]["nonrevsup"]
    assert (rejected["igst"], rejected["b2b"]["igst"]) == (600, 600)
    rows = {row["ctin"]: row for row in two_b["cpsumm"]["b2b"]}
    assert set(rows) == {S1, S2} and rows[S1]["ttldocs"] == 2
    (rejected_row,) = two_b["cpSummRej"]["b2b"]
    assert (rejected_row["ctin"], rejected_row["ttldocs"], rejected_row["igst"]) == (S1, 1, 600)


def test_gen2b_recomputes_the_same_2b_under_a_higher_version(story):
    """Rule: R-2B-1, R-2B-7 — GEN2B answers a reference; GENSTS2B says P; GET2B the latest."""
    assert data(story, "gensts2b")["status_cd"] == "P"
    draft, again = data(story, "get2b r october"), data(story, "get2b r october again")
    assert Decimal(str(again["version"])) > Decimal(str(draft["version"]))
    assert again["itcsumm"] == draft["itcsumm"] and again["docdata"] == draft["docdata"]


def test_autoliab_of_r_for_october_is_example_months_table_4(story):
    """Rule: R-3B-1 — OTH 1620, ISRC 100, net 1720, ineligible 450 + 450, 3.1(d) 2000 / 100."""
    auto = data(story, "autoliab r october")
    assert (auto["gstin"], auto["ret_period"], auto["stale_2b"]) == (R, "102024", False)
    available = table(auto["itc_elg"]["itc_avl"])
    assert available["OTH"]["iamt"] == 1620
    assert available["ISRC"]["iamt"] == 100
    for ty in ("IMPG", "IMPS", "ISD"):
        assert amounts(available[ty], "iamt", "camt", "samt", "csamt") == (0, 0, 0, 0)
    reversed_ = table(auto["itc_elg"]["itc_rev"])
    assert all(reversed_[ty][h] == 0 for ty in ("RUL", "OTH") for h in ("iamt", "camt", "samt"))
    assert auto["itc_elg"]["itc_net"]["iamt"] == 1720
    ineligible = table(auto["itc_elg"]["itc_inelg"])
    assert amounts(ineligible["OTH"], "camt", "samt") == (450, 450)
    assert amounts(auto["sup_details"]["isup_rev"], "txval", "iamt") == (2000, 100)


def test_s1s_own_liability_for_october_leaves_the_reverse_charge_invoice_out(story):
    """Rule: R-3B-4 — 3.1(a) txval 14000, iamt 2220 (10,000 + 5,000 − 1,000; RCM-1 out)."""
    outward = data(story, "autoliab s1 october")["sup_details"]["osup_det"]
    assert amounts(outward, "txval", "iamt", "camt", "samt") == (14000, 2220, 0, 0)


# -- GSTR-1A ----------------------------------------------------------------------------------


def test_a_gstr1a_document_reaches_the_recipients_ims_as_r1a_and_s1s_liability(story):
    """Rule: R-IN-3, R-3B-4 — S1's GSTR-1A for October, filed 15-11, before its 3B."""
    assert data(story, "s1 files its 1a")["filed_on"] == "15-11-2024"
    assert data(story, "retsum 1a")["status"] == "filed"
    shown = by_number(data(story, "q getinv 15 nov"))
    assert sorted(shown) == ["INV-104", "INV-203"]
    assert (shown["INV-104"]["srcform"], shown["INV-104"]["stin"]) == ("R1A", S1)
    assert (shown["INV-203"]["srcform"], shown["INV-203"]["stin"]) == ("R1", S2)
    outward = data(story, "autoliab s1 after 1a")["sup_details"]["osup_det"]
    assert amounts(outward, "txval", "iamt") == (17000, 2760)
    (group,) = data(story, "supview s1 1a")["gstr1a"]["b2b"]
    assert group["ctin"] == Q and [d["inum"] for d in group["inv"]] == ["INV-104"]


def test_a_gstr1a_before_its_gstr1_is_refused(story):
    """Rule: R-IN-3 — GSTR-1A for 112024 while its GSTR-1 is unfiled: 409 RET0007."""
    error(story, "1a before its gstr1", 409, "RET0007")


# -- R files October --------------------------------------------------------------------------


def test_returns_filed_out_of_sequence_are_refused(story):
    """Rule: R-SEQ-1, R-SEQ-2, R-2B-1 — 3B before GSTR-1, GSTR-1 before the period ends, twice."""
    error(story, "3b before gstr1", 409, "RET0009")
    error(story, "gstr1 before the period ends", 409, "RET0003")
    assert data(story, "r files nil gstr1")["filed_on"] == "18-11-2024"
    assert data(story, "r files 3b")["filed_on"] == "18-11-2024"
    error(story, "r files 3b again", 409, "RET0002")
    error(story, "gen2b after 3b", 409, "IMS2B007")


def test_filing_3b_consumes_october_and_keeps_the_pending_invoice(story):
    """Rule: R-3B-3 — INV-101, INV-102, CN-11 leave GETINV; INV-202 stays, Pending."""
    left = data(story, "getinv 18 nov")
    assert numbers(left) == ["INV-202"]
    assert by_number(left)["INV-202"]["action"] == "P"
    status = data(story, "reqsts consumed")
    assert status["status_cd"] == "PE"
    (entry,) = status["error_report"]["b2b"]
    assert entry["error_cd"] == "IMSACT008" and entry["inv"][0]["inum"] == "INV-101"


def test_the_2b_of_november_takes_the_invoice_accepted_after_pending(story):
    """Rule: R-2B-3, §9 example 3 — INV-202 accepted 02-12 is in 2B(112024), supprd 102024."""
    assert data(story, "reqsts accept inv-202")["status_cd"] == "P"
    two_b = data(story, "get2b r november")
    assert docs_2b(two_b, "docdata", "b2b") == {S2: ["INV-202"]}
    assert doc_2b(two_b, "docdata", "b2b", "INV-202")["supprd"] == "102024"
    assert two_b["itcsumm"]["itcavl"]["nonrevsup"]["igst"] == 5600


# -- the supplier's view ----------------------------------------------------------------------


def test_supview_shows_each_supplier_its_recipients_actions_and_remarks(story):
    """Rule: R-SUP-1 — S1 sees R's actions on its October GSTR-1; after R's 3B, as consumed."""

    def documents(step: str) -> dict[str, dict[str, Any]]:
        view = data(story, step)
        assert (view["gstin"], view["rtnprd"]) == (S1, "102024")
        out = {}
        for section, key in (("b2b", "inv"), ("cdnr", "nt")):
            for group in view["gstr1"].get(section, []):
                assert group["ctin"] == R
                out.update({d.get("inum") or d.get("nt_num"): d for d in group[key]})
        return out

    before = documents("supview s1 10 nov")
    assert sorted(before) == ["CN-11", "INV-101", "INV-102", "RCM-1"]
    assert {n: d["imsactn"] for n, d in before.items() if n != "RCM-1"} == {
        "INV-101": "N",
        "INV-102": "R",
        "CN-11": "A",
    }
    assert before["INV-102"]["remarks"] == "not ordered"
    after = documents("supview s1 18 nov")
    assert {n: after[n]["consumed"] for n in ("INV-101", "INV-102", "CN-11")} == {
        "INV-101": "Y",
        "INV-102": "Y",
        "CN-11": "Y",
    }
    s2_view = data(story, "supview s2 october")
    groups = {g["ctin"]: g["inv"] for g in s2_view["gstr1"]["b2b"]}
    assert sorted(d["inum"] for d in groups[R]) == ["INV-201", "INV-202"]
    assert {d["inum"]: d["imsactn"] for d in groups[R]}["INV-202"] == "A"
    assert [d["inum"] for d in groups[Q]] == ["INV-203"]


def test_supview_of_one_section_shows_that_section_only(story):
    """Rule: R-SUP-1 — `section=b2b` shows invoices only; `b2ba` only amendments (none here)."""
    invoices_only = data(story, "supview s1 b2b")["gstr1"]
    assert list(invoices_only) == ["b2b"]
    (group,) = invoices_only["b2b"]
    assert sorted(d["inum"] for d in group["inv"]) == ["INV-101", "INV-102", "RCM-1"]
    assert data(story, "supview s1 b2ba")["gstr1"] == {}


# -- the quarterly recipient ------------------------------------------------------------------


def test_a_quarterly_recipient_has_no_2b_for_the_first_two_months(story):
    """Rule: R-CAL-2, §9 example 10 — Q has no 2B(102024) or 2B(112024)."""
    error(story, "q get2b october", 404, "RET2B1023")
    error(story, "q gen2b october", 409, "IMS2B007")
    error(story, "q get2b november", 404, "RET2B1023")
    error(story, "q 3b before its 2b", 409, "RET2B1023")


def test_a_quarterly_recipients_2b_covers_its_quarter_from_iffs_gstr1_and_gstr1a(story):
    """Rule: R-CAL-2, R-2B-2 — 2B(122024) on 14-01-2025 covers October to December."""
    assert data(story, "s2 files its quarter")["filed_on"] == "10-01-2025"
    two_b = data(story, "q get2b quarter")
    assert (two_b["rtnprd"], two_b["gendt"]) == ("122024", "14-01-2025")
    assert docs_2b(two_b, "docdata", "b2b") == {
        S1: ["INV-104"],
        S2: ["INV-203", "INV-205", "INV-206"],
    }
    assert {
        n: doc_2b(two_b, "docdata", "b2b", n)["supprd"] for n in ("INV-203", "INV-205", "INV-206")
    } == {"INV-203": "102024", "INV-205": "112024", "INV-206": "122024"}
    assert two_b["itcsumm"]["itcavl"]["nonrevsup"]["igst"] == 480 + 1080 + 400 + 540
    auto = data(story, "q autoliab quarter")
    assert table(auto["itc_elg"]["itc_avl"])["OTH"]["iamt"] == 2500


def test_autoliab_is_stale_after_an_action_until_gen2b_recomputes(story):
    """Rule: R-3B-2, §9 example 4 — Q rejects INV-205 after the draft."""
    stale = data(story, "q autoliab stale")
    assert stale["stale_2b"] is True
    assert table(stale["itc_elg"]["itc_avl"])["OTH"]["iamt"] == 2500
    fresh = data(story, "q autoliab recomputed")
    assert fresh["stale_2b"] is False
    assert table(fresh["itc_elg"]["itc_avl"])["OTH"]["iamt"] == 1420
    two_b = data(story, "q get2b recomputed")
    assert docs_2b(two_b, "docRejdata", "b2b") == {S2: ["INV-205"]}
    assert two_b["itcsumm"]["itcRejected"]["nonrevsup"]["igst"] == 1080


def test_a_quarterly_suppliers_liability_covers_its_iffs_and_its_quarterly_gstr1(story):
    """Rule: R-3B-4 — S2's 3.1(a) for 122024: every document of October to December."""
    outward = data(story, "s2 autoliab quarter")["sup_details"]["osup_det"]
    assert amounts(outward, "txval", "iamt", "camt", "samt") == (
        5000 + 20000 + 4000 + 6000 + 8000,
        5600 + 480 + 1080 + 400,
        450,
        450,
    )


def test_the_quarterly_3b_consumes_the_quarter(story):
    """Rule: R-3B-3, R-SEQ-2 — Q files 3B(122024) on 14-01-2025; its IMS is then empty."""
    assert data(story, "q files 3b")["filed_on"] == "14-01-2025"
    assert numbers(data(story, "q getinv after 3b")) == []
