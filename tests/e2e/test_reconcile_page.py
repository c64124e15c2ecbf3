"""The reconciliation page in Chromium: upload, read, pair by hand, dry run, apply (R-REC-20).

The world of `world.py` (15-10-2025): Sharma Steel's 500 September invoices sit in Rao
Retail's IMS. The CA firm uploads Rao Retail's register of three purchases — INV-0001 as
reported, INV-0002 with less tax than reported, and OURS-7, which is Sharma's INV-0003 booked
under the firm's own number — runs the reconciliation for 092025, reads the value mismatch,
pairs OURS-7 with INV-0003 by hand, overrides that pair's suggestion to Reject, keeps INV-0002
apart from its books entry (R-REC-18), dry-runs and applies; the IMS page then shows the
actions.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from tests.e2e.steps import sign_in
from tests.e2e.world import PASSWORD, R2
from tests.integration.harness import S1, S2, R

from gstims.domain.calendar import Frequency, Period
from gstims.domain.gstin import make_gstin
from gstims.services import books, reconcile, taxpayers

REGISTER = (
    "GSTIN of supplier,Invoice No,Invoice Date,Taxable Value,IGST\n"
    f"{S1},INV-0001,10-09-2025,1001.00,180.18\n"
    f"{S1},INV-0002,10-09-2025,1002.00,100.00\n"
    f"{S1},OURS-7,10-09-2025,1003.00,180.54\n"
)


def test_r_rec_20_upload_read_pair_dry_run_and_apply_in_the_browser(live, page: Page, shots):
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live.url, "ca-firm")
    page.goto(f"{live.url}/g/{R}/reconcile")
    expect(page.get_by_role("heading", name=re.compile("Reconciliation"))).to_be_visible()

    page.get_by_label("Register file (.csv or .xlsx)").set_input_files(
        files=[{"name": "register.csv", "mimeType": "text/csv", "buffer": REGISTER.encode()}]
    )
    page.get_by_role("button", name="Upload register").click()
    expect(page.get_by_role("status")).to_contain_text("Books version 1: 3 documents")

    page.get_by_label(re.compile("Return period")).fill("092025")
    page.get_by_role("button", name="Reconcile").click()
    expect(page.locator("#tile-matched .count")).to_have_text("1")
    expect(page.locator("#tile-value_mismatch .count")).to_have_text("1")
    shots(page, "reconcile-tiles")

    page.locator("#tile-value_mismatch a").click()
    page.get_by_role("link", name=re.compile("Detail of result")).click()
    igst = page.locator("#differences tr", has_text="igst")
    expect(igst).to_contain_text("100.00")
    expect(igst).to_contain_text("180.36")
    expect(igst).to_contain_text("80.36")
    expect(page.locator("#detail-reason")).to_contain_text("igst differs by ₹80.36")
    shots(page, "reconcile-detail")

    for field, number in (("Books document", "OURS-7"), ("Portal document", "INV-0003")):
        select = page.get_by_label(field)
        value = select.locator("option", has_text=number).get_attribute("value")
        select.select_option(value=value)
    page.get_by_role("button", name="Pair", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Paired by hand")
    expect(page.locator("#results tr", has_text="OURS-7")).to_contain_text("INV-0003")

    # R-REC-18: override the pair's suggestion, and keep INV-0002 apart from its books entry
    page.locator("#results tr", has_text="OURS-7").get_by_role("link", name="Detail").click()
    page.get_by_label("Suggestion for INV-0003").select_option("R")
    page.get_by_role("button", name="Override").click()
    expect(page.get_by_role("status")).to_contain_text("Suggestion overridden by hand")
    suggested = page.locator("#results tr", has_text="OURS-7").locator("td").nth(5)
    expect(suggested).to_have_text("R")  # by hand, they agree: A by default
    page.locator("#results tr", has_text="value_mismatch").get_by_role(
        "link", name="Detail"
    ).click()
    page.get_by_role("button", name="Unpair INV-0002 and INV-0002").click()
    expect(page.get_by_role("status")).to_contain_text("Kept apart by hand")
    expect(page.locator("#tile-only_in_books .count")).to_have_text("1")
    expect(page.locator("#results tr", has_text="OURS-7")).to_contain_text("INV-0003")
    shots(page, "reconcile-by-hand")

    page.get_by_role("link", name="Dry run").click()
    expect(page.locator("#dry-run caption")).to_contain_text("nothing is saved yet")
    expect(page.locator("#dry-run")).to_contain_text("matched")
    shots(page, "reconcile-dry-run")

    page.get_by_role("button", name="Apply suggestions").click()
    expect(page.get_by_role("status")).to_contain_text("Applied through SAVE")

    page.get_by_role("link", name="IMS inward").click()
    page.get_by_label("Document number").fill("INV-0001")
    page.get_by_role("button", name="Apply filter").click()
    expect(page.get_by_role("row", name=re.compile("INV-0001"))).to_contain_text("Accepted")
    page.get_by_label("Document number").fill("INV-0002")
    page.get_by_role("button", name="Apply filter").click()
    expect(page.get_by_role("row", name=re.compile("INV-0002"))).to_contain_text("Pending")
    page.get_by_label("Document number").fill("INV-0003")
    page.get_by_role("button", name="Apply filter").click()
    expect(page.get_by_role("row", name=re.compile("INV-0003"))).to_contain_text("Rejected")
    shots(page, "ims-after-apply")


def test_r_rec_20_a_ca_users_page_groups_its_gstins_by_pan_and_shows_no_one_elses(
    live, page: Page, shots
):
    """R-REC-20 (and R-REC-14): the page across a user's GSTINs, grouped by PAN (GSTIN
    characters 3-12), tiles from each GSTIN's latest run; another user's GSTIN never shows,
    though it has a run of its own."""
    branch = str(make_gstin("27", R[2:12]))  # a second GSTIN of Rao Retail's PAN
    with live.db.transaction() as uow:
        taxpayers.register_taxpayer(uow, branch, "Rao Retail Mumbai", Frequency.MONTHLY)
        taxpayers.create_user(uow, "ca-group", [R, branch, R2], PASSWORD)
    with live.db.transaction() as uow:
        books.import_file(uow, R, REGISTER.encode(), "register.csv")
        run_id = reconcile.run_reconciliation(uow, R, [Period(2025, 9)])
        reconcile.run_reconciliation(uow, S2, [Period(2025, 9)])  # the outsider's GSTIN
    with live.db.uow(write=False) as uow:
        summary = reconcile.get_run(uow, run_id).summary

    sign_in(page, live.url, "ca-group")
    page.get_by_role("link", name="Reconciliation by PAN").click()
    expect(page.get_by_role("heading", name="Reconciliation by PAN")).to_be_visible()
    pan = page.locator(f"#pan-{R[2:12]}")
    expect(pan.get_by_role("heading")).to_contain_text("2 GSTINs")
    for outcome, totals in summary.items():
        tile = pan.locator(f"#tile-{R[2:12]}-{outcome}")
        expect(tile.locator(".count")).to_have_text(str(totals["count"]))
    expect(pan.locator(f"#gstin-{branch}")).to_contain_text("Not reconciled yet")
    expect(page.locator(f"#pan-{R2[2:12]}")).to_contain_text("Not reconciled yet")
    content = page.content()
    assert S2 not in content and S2[2:12] not in content
    shots(page, "reconcile-by-pan")

    pan.get_by_role("link", name=f"#{run_id}").click()
    expect(page).to_have_url(f"{live.url}/g/{R}/reconcile?run={run_id}")
    expect(page.locator("#tile-matched .count")).to_have_text(str(summary["matched"]["count"]))
