"""Issue 12's five ITC timelines over real HTTP, on SQLite and PostgreSQL, with its figures.

IGST at 18 %, inter-state; amounts in rupees. The clock only moves forward, so the five
stories share one calendar, each with its own taxpayers (suppliers in Maharashtra, recipients in
Karnataka), told in the order of their days:

1. (Oct-Dec 2024) An amendment between the 2B and the 3B counts once: INV-1 of 1,800 deemed
   accepted into the 2B of 102024 (14-11), raised to 3,600 by a GSTR-1A filed on 16-11; the 3B
   of 18-11 claims 1,800; the 2B of 112024 counts +1,800 in b2ba. (R-IN-7, R-3B-3, R-2B-5)
5. (Jan 2025) A quarterly GSTR-1 is filed without IFFs. (R-SEQ-1)
4. (Mar-Oct 2025) A supplier that files its 3B of 032025 ON 30-09-2025 is no defaulter: the
   recipient's 2B of 092025 reverses only the 900 of the supplier that never filed: 4(B)(2)
   900, 4(A)(5) 0. (R-2B-8, R-CLK)
2. (Oct 2025-Jan 2026) FY 2024-25 invoices, 16(4) limit 30-11-2025. INV-9 of 1,800 deemed
   accepted into the 2B of 102025, turned Pending after it and time-barred on 01-12, is
   consumed by the 3B of 02-12 with the 1,800 it claimed; amended down to 900, it counts −900.
   INV-8 of 1,800, kept Pending past the limit and never claimed, amended down to 900, gives 0.
   (R-3B-3, R-2B-5, R-IN-5f, R-ACT-5)
3. (Nov-Dec 2025) A downward amendment of a claimed invoice saved on 28-11 and filed on 05-12
   keeps its reduction (−1,800), as the same amendment saved and filed on 05-12 does.
   (R-ACT-5, R-IN-5f, R-2B-5)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from tests.api.wire import Sandbox, act, b2b, by_number, gstin, invoice, ok, table

# case 1
S1, R1 = gstin("27AABCA1001A1Z"), gstin("29AABCB1001B1Z")
# case 5: a quarterly supplier (Gujarat)
S5, R5 = gstin("24AABCC1001C1Z"), gstin("29AABCD1001D1Z")
# case 4: S4 files on the deadline day, S4X never
S4, S4X, R4 = gstin("27AABCE1001E1Z"), gstin("27AABCF1001F1Z"), gstin("29AABCG1001G1Z")
# case 2 and case 3
S2, R2 = gstin("27AABCH1001H1Z"), gstin("29AABCJ1001J1Z")
S3, R3 = gstin("27AABCK1001K1Z"), gstin("29AABCL1001L1Z")


def inv(number: str, when: str, taxable: int, original: str | None = None) -> dict[str, Any]:
    """An inter-state invoice to Karnataka at 18 %; an amendment of `original` (same date)."""
    return invoice(
        number,
        when,
        pos="29",
        rate=18,
        taxable=taxable,
        iamt=Decimal(taxable) * Decimal("0.18"),
        original=(original, when) if original else None,
    )


class Story:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.seen: dict[str, Any] = {}
        self.tp: dict[str, Any] = {}

    def register(self, who: str, frequency: str, on: str) -> None:
        body = {"gstin": who, "legal_name": f"Taxpayer {who}", "filing_frequency": frequency}
        ok(self.sandbox.admin("POST", "/taxpayers", {**body, "registered_on": on}))
        self.tp[who] = self.sandbox.taxpayer(who)

    def on(self, day: str) -> list[dict[str, Any]]:
        return self.sandbox.today(day)

    def keep(self, name: str, response: httpx.Response) -> None:
        self.seen[name] = ok(response)

    def files_nil_gstr1_and_3b(self, who: str, period: str, name: str) -> None:
        """A recipient files its nil GSTR-1 and its 3B; what AUTOLIAB showed is kept."""
        ok(self.tp[who].retfile(period))
        self.keep(name, self.tp[who].autoliab(period))
        ok(self.tp[who].file3b(period))

    def pending(self, who: str, number: str) -> None:
        record = by_number(ok(self.tp[who].getinv()))[number]
        ok(self.tp[who].save(b2b=[act(record, "P", remarks="checking")]))

    def run(self) -> Story:
        self.case_1()
        self.case_5()
        self.case_4()
        self.cases_2_and_3()
        return self

    def case_1(self) -> None:
        self.register(S1, "M", "01-10-2024")
        self.register(R1, "M", "01-10-2024")
        s1 = self.tp[S1]
        self.on("01-11-2024")
        ok(s1.retsave("102024", b2b=[b2b(R1, inv("INV-1", "10-10-2024", 10000))]))
        self.on("05-11-2024")
        ok(s1.retfile("102024"))
        self.on("16-11-2024")
        raised = inv("INV-1", "10-10-2024", 20000, original="INV-1")
        ok(s1.retsave("102024", "gstr1a", b2ba=[b2b(R1, raised)]))
        ok(s1.retfile("102024", "gstr1a"))
        self.on("18-11-2024")
        self.files_nil_gstr1_and_3b(R1, "102024", "1: 3b 102024")
        ok(s1.file3b("102024"))  # S1 is no Rule 37A defaulter in case 4
        self.on("14-12-2024")
        self.keep("1: 2b 112024", self.tp[R1].get2b("112024"))
        self.files_nil_gstr1_and_3b(R1, "112024", "1: 3b 112024")

    def case_5(self) -> None:
        self.register(S5, "Q", "01-10-2024")
        self.register(R5, "M", "01-10-2024")
        self.on("05-01-2025")
        s5 = self.tp[S5]
        ok(s5.retsave("122024", b2b=[b2b(R5, inv("INV-Q", "20-11-2024", 10000))]))
        self.seen["5: quarterly gstr1"] = s5.retfile("122024")
        self.keep("5: ims", self.tp[R5].getinv())

    def case_4(self) -> None:
        self.on("31-03-2025")
        for who in (S4, S4X, R4):
            self.register(who, "M", "01-03-2025")
        ok(self.tp[S4].retsave("032025", b2b=[b2b(R4, inv("INV-1", "10-03-2025", 10000))]))
        ok(self.tp[S4X].retsave("032025", b2b=[b2b(R4, inv("INV-2", "11-03-2025", 5000))]))
        self.on("05-04-2025")
        ok(self.tp[S4].retfile("032025"))
        ok(self.tp[S4X].retfile("032025"))
        for month in ("03", "04", "05", "06", "07", "08"):
            self.on(f"14-{int(month) + 1:02d}-2025")
            self.files_nil_gstr1_and_3b(R4, f"{month}2025", f"4: 3b {month}2025")
        self.on("30-09-2025")
        ok(self.tp[S4].file3b("032025"))  # on the deadline day: in time
        self.seen["4: events of 01-10"] = self.on("01-10-2025")
        self.on("14-10-2025")
        self.keep("4: 3b 092025", self.tp[R4].autoliab("092025"))

    def cases_2_and_3(self) -> None:
        for who in (S2, R2, S3, R3):
            self.register(who, "M", "01-10-2025")
        s2, s3 = self.tp[S2], self.tp[S3]
        self.on("01-11-2025")
        both = [inv("INV-9", "15-03-2025", 10000), inv("INV-8", "16-03-2025", 10000)]
        ok(s2.retsave("102025", b2b=[b2b(R2, *both)]))
        three = [inv("INV-3", "17-03-2025", 20000), inv("INV-4", "18-03-2025", 20000)]
        ok(s3.retsave("102025", b2b=[b2b(R3, *three)]))
        self.on("05-11-2025")
        ok(s2.retfile("102025"))
        ok(s3.retfile("102025"))
        self.pending(R2, "INV-8")  # kept Pending past its limit, never claimed
        self.on("14-11-2025")
        self.keep("2: 2b 102025", self.tp[R2].get2b("102025"))
        self.on("20-11-2025")
        self.pending(R2, "INV-9")  # after the 2B that holds it as deemed accepted
        self.files_nil_gstr1_and_3b(R3, "102025", "3: 3b 102025")
        ok(s3.file3b("102025"))
        self.on("28-11-2025")
        ok(s3.retsave("112025", b2ba=[b2b(R3, inv("INV-3", "17-03-2025", 10000, "INV-3"))]))
        self.on("02-12-2025")
        self.keep("3: ims 02-12", self.tp[R3].getinv())
        self.keep("2: ims 02-12", self.tp[R2].getinv())
        self.files_nil_gstr1_and_3b(R2, "102025", "2: 3b 102025")
        ok(s2.file3b("102025"))
        self.on("05-12-2025")
        ok(s2.retsave("112025", b2ba=[b2b(R2, inv("INV-9", "15-03-2025", 5000, "INV-9"))]))
        ok(s2.retfile("112025"))
        ok(s3.retsave("112025", b2ba=[b2b(R3, inv("INV-4", "18-03-2025", 10000, "INV-4"))]))
        ok(s3.retfile("112025"))
        self.on("14-12-2025")
        self.keep("2: 2b 112025", self.tp[R2].get2b("112025"))
        self.files_nil_gstr1_and_3b(R2, "112025", "2: 3b 112025")
        ok(s2.file3b("112025"))
        self.keep("3: 2b 112025", self.tp[R3].get2b("112025"))
        self.files_nil_gstr1_and_3b(R3, "112025", "3: 3b 112025")
        self.on("05-01-2026")
        ok(s2.retsave("122025", b2ba=[b2b(R2, inv("INV-8", "16-03-2025", 5000, "INV-8"))]))
        ok(s2.retfile("122025"))
        self.on("14-01-2026")
        self.keep("2: 2b 122025", self.tp[R2].get2b("122025"))
        self.files_nil_gstr1_and_3b(R2, "122025", "2: 3b 122025")


@pytest.fixture(scope="module")
def story(sandbox) -> Story:
    return Story(sandbox).run()


def igst(autoliab: dict[str, Any]) -> tuple[Decimal, Decimal, Decimal]:
    """(4(A)(5), 4(B)(2), 4(C)) IGST of a GSTR-3B as auto-populated."""
    itc = autoliab["itc_elg"]
    available, reversed_ = table(itc["itc_avl"]), table(itc["itc_rev"])
    return available["OTH"]["iamt"], reversed_["OTH"]["iamt"], itc["itc_net"]["iamt"]


def nonrevsup(two_b: dict[str, Any], bucket: str = "itcavl") -> dict[str, Any]:
    return two_b["itcsumm"][bucket]["nonrevsup"]


def test_case_1_an_amendment_between_the_2b_and_the_3b_counts_its_difference_once(story):
    """Rule: R-IN-7, R-3B-3, R-2B-5 — 1,800 in 102024, +1,800 (not +3,600) in 112024."""
    assert igst(story.seen["1: 3b 102024"]) == (1800, 0, 1800)
    two_b = nonrevsup(story.seen["1: 2b 112024"])
    assert (two_b["b2ba"]["igst"], two_b["b2b"]["igst"]) == (1800, 0)
    assert igst(story.seen["1: 3b 112024"]) == (1800, 0, 1800)


def test_case_5_a_quarterly_gstr1_is_filed_without_iffs(story):
    """Rule: R-SEQ-1 — no RET0004: the previous return is the previous quarter's GSTR-1."""
    assert ok(story.seen["5: quarterly gstr1"])["filed_on"] == "05-01-2025"
    assert "INV-Q" in by_number(story.seen["5: ims"])


def test_case_4_a_supplier_filing_on_30_september_is_no_rule_37a_defaulter(story):
    """Rule: R-2B-8, R-CLK — one reversal (S4X's 900) on 01-10; 4(B)(2) 900, 4(A)(5) 0."""
    runs = [e for e in story.seen["4: events of 01-10"] if e["event"] == "rule_37a"]
    assert [e["summary"] for e in runs] == ["1 Rule 37A reversal(s)"]
    assert igst(story.seen["4: 3b 092025"]) == (0, 900, -900)


def test_case_2_a_record_time_barred_after_its_2b_gives_what_the_3b_counted(story):
    """Rule: R-3B-3, R-2B-5, R-IN-5f, R-ACT-5 — INV-9: 1,800 claimed, then −900."""
    assert nonrevsup(story.seen["2: 2b 102025"])["b2b"]["igst"] == 1800  # INV-9 only
    assert "INV-9" not in by_number(story.seen["2: ims 02-12"])  # time-barred on 01-12
    assert igst(story.seen["2: 3b 102025"]) == (1800, 0, 1800)
    two_b = story.seen["2: 2b 112025"]
    assert nonrevsup(two_b)["b2ba"]["igst"] == -900
    assert nonrevsup(two_b, "itcunavl")["b2b"]["igst"] == 1800  # INV-8, rsn C
    assert igst(story.seen["2: 3b 112025"]) == (0, 900, -900)


def test_case_2_an_invoice_never_claimed_gives_nothing_on_a_downward_amendment(story):
    """Rule: R-IN-5f, R-2B-5 — INV-8's amendment to 900 in 122025: 0, not +900."""
    assert nonrevsup(story.seen["2: 2b 122025"])["igst"] == 0
    assert igst(story.seen["2: 3b 122025"]) == (0, 0, 0)


def test_case_3_a_downward_amendment_saved_before_the_limit_keeps_its_reduction(story):
    """Rule: R-ACT-5, R-IN-5f, R-2B-5 — saved 28-11 or 05-12, each counts −1,800."""
    assert igst(story.seen["3: 3b 102025"]) == (7200, 0, 7200)
    assert "INV-3" in by_number(story.seen["3: ims 02-12"])  # not time-barred on 01-12
    assert nonrevsup(story.seen["3: 2b 112025"])["b2ba"]["igst"] == -3600
    assert igst(story.seen["3: 3b 112025"]) == (0, 3600, -3600)
