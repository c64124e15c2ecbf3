"""A tax professional's October, walked in Chromium as a user would (the issue's acceptance 1).

15-10-2025, the world of `world.py`: sign in as a CA firm holding two GSTINs, filter R's IMS
to Sharma Steel's 500 invoices and accept them all at once, reject INV-0042 with remarks, be
refused Pending on the era-E1 credit note CN-901 (R-ACT-3), declare a partial ITC reduction on
the era-E2 credit note CN-951 (R-ACT-7), recompute GSTR-2B(092025) and see the rejected tax
move from ITC available to rejected, file GSTR-3B(092025); then Sharma Steel signs in and sees
INV-0042 rejected with R's remarks. Every page is kept as a screenshot.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from tests.e2e.steps import amount, sign_in
from tests.integration.harness import S1, R

REMARKS = "Goods returned: short supply <script>alert('remark')</script>"
INV_0042_IGST = Decimal("187.56")  # 18 % of 1,042.00
CN_901_IGST = Decimal("90.00")  # 18 % of 500.00, deemed accepted


def apply_filter(page: Page) -> None:
    page.get_by_role("button", name="Apply filter").click()


def test_a_tax_professional_works_through_the_month_in_the_browser(live, page, shots):
    dialogs: list[tuple[str, str]] = []

    def answer(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.accept()

    page.on("dialog", answer)

    sign_in(page, live.url, "ca-firm")
    expect(page.get_by_role("row", name=re.compile(R))).to_contain_text("532")
    expect(page.get_by_role("row", name=re.compile("Rao Wholesale"))).to_contain_text("12")
    shots(page, "home")

    page.get_by_role("link", name=R, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("IMS – inward supplies"))).to_be_visible()
    shots(page, "ims")

    # Filter to Sharma Steel's invoices and accept all 500 matching the filter at once.
    page.get_by_label("Section", exact=True).select_option("b2b")
    page.get_by_label("Supplier GSTIN or name").fill("Sharma")
    apply_filter(page)
    caption = page.locator("table.records caption")
    expect(caption).to_contain_text("500 records match the filter")
    shots(page, "ims-filtered")
    page.get_by_label(re.compile("All 500 records matching")).check()
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.locator("#result-saved")).to_have_text("500")
    expect(page.get_by_label("500 Accepted in B2B – Invoices")).to_be_visible()
    assert ("confirm", "Accept 500 records?") in dialogs
    shots(page, "bulk-accepted")

    # Reject one with remarks.
    page.get_by_label("Document number").fill("INV-0042")
    apply_filter(page)
    expect(caption).to_contain_text("1 record matches the filter")
    page.get_by_label("Select INV-0042").check()
    page.get_by_label("Remarks (up to 250 characters)").fill(REMARKS)
    page.get_by_role("button", name="Reject", exact=True).click()
    expect(page.locator("#result-saved")).to_have_text("1")
    row = page.get_by_role("row", name=re.compile("INV-0042"))
    expect(row).to_contain_text("Rejected")
    expect(row).to_contain_text(REMARKS)
    shots(page, "rejected-with-remarks")

    # The era-E1 credit note: the table says why Pending is barred, and trying it is refused.
    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Section", exact=True).select_option("b2bcn")
    apply_filter(page)
    expect(page.get_by_role("row", name=re.compile("CN-901"))).to_contain_text(
        "Pending not allowed · R-ACT-3"
    )
    expect(page.get_by_role("row", name=re.compile("CN-951"))).to_contain_text(
        "Pending until 20-12-2025"
    )
    shots(page, "credit-notes")
    page.get_by_role("link", name="CN-901").click()
    page.get_by_role("button", name="Pending", exact=True).click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("IMSACT001")
    expect(refusal).to_contain_text("before October 2025 (R-ACT-3)")
    expect(page.locator("#current-action")).to_have_text("No action")
    shots(page, "pending-refused-e1")

    # The era-E2 credit note: accept with a partial ITC reduction and remarks.
    page.get_by_role("link", name="Back to the IMS list").click()
    page.get_by_role("link", name="CN-951").click()
    page.get_by_label("Reduce by part of the tax:").check()
    page.get_by_label(re.compile(r"^IGST ₹")).fill("900")
    page.get_by_label(re.compile("^Remarks")).fill("only half availed")
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("CN-951 is now Accepted")
    expect(page.locator("#current-declaration")).to_contain_text("IGST ₹ 900.00")
    expect(page.locator("#history")).to_contain_text("only half availed")
    shots(page, "partial-reduction-e2")

    # GSTR-2B: stale after the actions; recompute and see the rejected tax move.
    page.get_by_role("navigation", name=re.compile("Pages of")).get_by_role(
        "link", name="GSTR-2B"
    ).click()
    expect(page.locator("#stale-2b")).to_contain_text("Changed since last computed")
    available = amount(page, "#itcavl-nonrevsup-igst")
    assert amount(page, "#itcRejected-nonrevsup-igst") == 0
    assert amount(page, "#itcavl-othersup-igst") == CN_901_IGST
    shots(page, "gstr2b-stale")
    page.get_by_role("button", name="Recompute GSTR-2B").click()
    expect(page.locator("#gstr2b-version")).to_have_text("2")
    expect(page.locator("#stale-2b")).to_have_count(0)
    assert amount(page, "#itcRejected-nonrevsup-igst") == INV_0042_IGST
    assert amount(page, "#itcavl-nonrevsup-igst") == available - INV_0042_IGST
    shots(page, "gstr2b-recomputed")
    page.get_by_role("link", name="Supplier-wise").click()
    expect(page.locator("#suppliers")).to_contain_text("Sharma Steel")
    shots(page, "gstr2b-suppliers")
    page.get_by_role("link", name="Documents").click()
    expect(page.locator("#documents")).to_contain_text("INV-0001")
    shots(page, "gstr2b-documents")

    with page.expect_download() as got:
        page.get_by_role("link", name="Download JSON").click()
    data = json.loads(got.value.path().read_bytes(), parse_float=Decimal)["data"]
    assert data["itcsumm"]["itcRejected"]["nonrevsup"]["igst"] == INV_0042_IGST
    with page.expect_download() as got:
        page.get_by_role("link", name="Download Excel").click()
    book = load_workbook(BytesIO(got.value.path().read_bytes()))
    assert book.sheetnames == ["Summary", "Suppliers", "Documents"]

    # GSTR-3B: Table 4 from the recomputed 2B, then file it.
    page.get_by_role("navigation", name=re.compile("Pages of")).get_by_role(
        "link", name="GSTR-3B"
    ).click()
    expect(page.locator("#stale-3b")).to_have_count(0)
    assert amount(page, "#t4-a5-igst") == available - INV_0042_IGST - CN_901_IGST
    shots(page, "gstr3b")
    page.get_by_role("button", name=re.compile("File GSTR-3B")).click()
    expect(page.locator("#gstr3b-filed")).to_have_text("Filed on 15-10-2025")
    shots(page, "gstr3b-filed")

    # The filed records leave IMS; the E2 credit note stays.
    page.get_by_role("navigation", name=re.compile("Pages of")).get_by_role(
        "link", name="IMS inward"
    ).click()
    expect(caption).to_contain_text("1 record")
    expect(page.get_by_role("row", name=re.compile("CN-951"))).to_be_visible()

    # The supplier signs in and sees R's action and remarks.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live.url, "sharma")
    page.get_by_role("link", name="Outward").first.click()
    expect(page).to_have_url(re.compile(f"/g/{S1}/outward"))
    page.get_by_label("Return period").select_option("092025")
    page.get_by_role("button", name="Show").click()
    outward = page.locator("#outward")
    expect(outward.get_by_role("row", name=re.compile("INV-0042"))).to_contain_text("Rejected")
    expect(outward.get_by_role("row", name=re.compile("INV-0042"))).to_contain_text(REMARKS)
    expect(outward.get_by_role("row", name=re.compile("INV-0001"))).to_contain_text("Accepted")
    shots(page, "supplier-outward")

    assert [d for d in dialogs if d[0] != "confirm"] == [], "no script may raise a dialog"
