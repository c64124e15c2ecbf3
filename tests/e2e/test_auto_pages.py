"""The auto-action rules page and the supplier follow-up page in Chromium (issue 17).

The world of `world.py` (15-10-2025): Sharma Steel's 500 September invoices, CN-901 (era E1)
and the saved CN-951 (era E2) sit in Rao Retail's IMS beside Acme's 30 invoices. The CA firm
pastes three rules, dry-runs them, applies them, and the dry run then shows nothing left to
do. On the follow-up page it reads, per supplier, what to ask and the ITC at risk, downloads
the workbook and finds the same totals in it (opened with openpyxl).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from tests.e2e.steps import sign_in
from tests.e2e.world import R2
from tests.integration.harness import S1, S2, R

from gstims.domain.calendar import Period
from gstims.domain.roles import Role
from gstims.services import books, reconcile, tokens

RULES = {
    "rules": [
        {
            "name": "small Sharma invoices",
            "when": {"suppliers": [S1], "kinds": ["INV"], "taxable": {"max": "1100"}},
            "action": "A",
            "remarks": "trusted supplier",
        },
        {"name": "notes wait", "when": {"kinds": ["CN"]}, "action": "P"},
        {
            "name": "acme review",
            "when": {"suppliers": [S2]},
            "action": "R",
            "remarks": '=HYPERLINK("x") checking with Acme',
        },
    ]
}


def rule_row(page: Page, n: int):
    return page.locator(f"#rule-{n}")


def test_rules_page_saves_dry_runs_and_applies_in_the_browser(live, page: Page, shots):
    sign_in(page, live.url, "ca-firm")
    page.goto(f"{live.url}/g/{R}/rules")
    expect(page.get_by_role("heading", name=re.compile("Auto-action rules"))).to_be_visible()

    page.get_by_label("Rules").fill('{"rules": [{"name": "bad", "action": "X"}]}')
    page.get_by_role("button", name="Save rules").click()
    expect(page.get_by_role("alert").nth(1)).to_have_text(
        "rule 1 bad: action: must be A (accept), R (reject) or P (pending)"
    )

    page.get_by_label("Rules").fill(json.dumps(RULES))
    page.get_by_role("button", name="Save rules").click()
    expect(page.get_by_role("status")).to_contain_text("Saved 3 rule(s)")

    page.get_by_role("link", name="Dry run").click()
    expect(page.locator("#rules-dry-run caption")).to_contain_text("131 record(s) would change")
    expect(rule_row(page, 1).locator(".changes")).to_have_text("100")
    expect(rule_row(page, 2).locator(".changes")).to_have_text("1")
    expect(rule_row(page, 2).locator(".refused")).to_have_text("1")
    expect(page.locator("#rules-dry-run .refusal")).to_contain_text("CN-901 – IMSACT001")
    expect(rule_row(page, 3).locator(".changes")).to_have_text("30")
    shots(page, "rules-dry-run")

    page.get_by_role("button", name="Apply rules").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Applied through SAVE: 131 changed, 1 refused."
    )
    expect(page.locator("#rules-dry-run caption")).to_contain_text("0 record(s) would change")
    expect(rule_row(page, 1).locator("td").nth(4)).to_have_text("100")  # already so
    shots(page, "rules-applied")

    page.get_by_role("link", name="IMS inward").click()
    page.get_by_label("Document number").fill("INV-0100")
    page.get_by_role("button", name="Apply filter").click()
    expect(page.get_by_role("row", name=re.compile("INV-0100"))).to_contain_text("Accepted")


USER_RULES = {
    "rules": [
        {
            "name": "small Sharma invoices",
            "when": {"suppliers": [S1], "kinds": ["INV"], "taxable": {"max": "1010"}},
            "action": "A",
        },
        {"name": "acme waits", "when": {"suppliers": [S2]}, "action": "P", "remarks": "ask"},
    ]
}


def test_a_users_rules_dry_run_and_apply_on_every_gstin_as_the_role_held_there(live, page, shots):
    """The CA firm approves for R, prepares for R2 (under maker-checker) and views S2: its own
    rule set dry-runs on all three, then applies on R, files a proposal for R2, skips S2."""
    with live.db.transaction() as uow:
        tokens.grant(uow, "ca-firm", R2, actor="admin", role=Role.PREPARER)
        tokens.grant(uow, "ca-firm", S2, actor="admin", role=Role.VIEWER)
        uow.taxpayers.set_maker_checker(R2, True)
    sign_in(page, live.url, "ca-firm")
    page.goto(f"{live.url}/g/{R}/rules")
    page.get_by_role("link", name="your own rules act on all your GSTINs").click()
    expect(page.get_by_role("heading", name=re.compile("for all your GSTINs"))).to_be_visible()
    page.get_by_label("Rules for all your GSTINs").fill(json.dumps(USER_RULES))
    page.get_by_role("button", name="Save rules").click()
    expect(page.get_by_role("status")).to_contain_text("Saved 2 rule(s) for all your GSTINs")

    page.get_by_role("link", name="Dry run on every GSTIN").click()
    dry = page.locator("#rules-all-dry-run")
    expect(dry.get_by_role("heading").first).to_contain_text(
        "52 record(s) would change on 3 GSTIN(s)"
    )
    expect(page.locator(f"#client-{R} .handling")).to_contain_text("approver")
    expect(page.locator(f"#rule-{R}-1 .changes")).to_have_text("10")
    expect(page.locator(f"#rule-{R}-2 .changes")).to_have_text("30")
    expect(page.locator(f"#client-{R2} .handling")).to_contain_text(
        "preparer · maker-checker on · applying files a proposal"
    )
    expect(page.locator(f"#rule-{R2}-2 .changes")).to_have_text("12")
    expect(page.locator(f"#client-{S2} .handling")).to_contain_text("viewer · skipped")
    shots(page, "user-rules-dry-run")

    page.get_by_role("button", name="Apply rules on every GSTIN").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Applied on 2 GSTIN(s): 40 changed, 0 refused."
    )
    expect(page.get_by_role("status").filter(has_text=R2)).to_have_text(
        re.compile(f"{R2}: 0 changed, 0 refused; acme waits: proposal \\d+ awaits an approver")
    )
    expect(page.get_by_role("status").filter(has_text=R)).to_have_text(
        f"{R}: 40 changed, 0 refused."
    )
    expect(page.locator(".flash.warn")).to_have_text(
        f"{S2}: skipped: your role there may not change IMS."
    )
    expect(page.locator(f"#rules-dry-run-{R} caption")).to_contain_text("0 record(s) would change")
    expect(page.locator(f"#rules-dry-run-{R2} caption")).to_contain_text(
        "12 record(s) would change"
    )
    shots(page, "user-rules-applied")

    page.locator(f"#client-heading-{R2}").get_by_role("link").click()
    page.get_by_role("link", name="Approvals").click()
    expect(page.locator("#awaiting")).to_contain_text("ca-firm")
    expect(page.locator("#awaiting")).to_contain_text("12")
    assert live.world.sandbox.find("W-1", recipient=R2).state.action.value == "N"
    assert live.world.sandbox.find("B-1").state.action.value == "P"
    assert live.world.sandbox.find("INV-0010").state.action.value == "A"
    assert live.world.sandbox.find("INV-0011").state.action.value == "N"


def test_follow_up_page_and_its_workbook_agree_in_the_browser(live, page: Page, shots, tmp_path):
    register = (
        "GSTIN of supplier,Invoice No,Invoice Date,Taxable Value,IGST\n"
        f"{S1},INV-0002,10-09-2025,1002.00,200.00\n"  # portal 180.36: 19.64 at risk
        f"{S1},INV-9999,12-09-2025,7777.00,1399.86\n"  # never reported: all at risk
    ).encode()
    box = live.world.sandbox
    with live.db.transaction() as uow:
        books.import_file(uow, R, register, "register.csv")
        reconcile.run_reconciliation(uow, R, [Period.parse("092025")], user="ca-firm")
    for n in (1, 2):
        box.act(f"B-{n}", "R", remarks="not received yet", user="ca-firm")

    sign_in(page, live.url, "ca-firm")
    page.goto(f"{live.url}/g/{R}/follow-up")
    expect(page.locator("#follow-up-total")).to_have_text("2,139.50")  # 1399.86 + 19.64 + 2 × 360
    sharma = page.locator(f"#supplier-{S1}")
    expect(sharma.locator(".ask-missing")).to_contain_text("INV-9999")
    expect(sharma.locator(".ask-differs")).to_contain_text("INV-0002")
    message = page.locator(f"#message-{S2}")
    expect(message).to_contain_text("Rejected by us:")
    expect(message).to_contain_text("B-1 of 11-09-2025, tax Rs 360.00 (not received yet)")
    expect(message).to_contain_text("Input tax credit at risk: Rs 720.00")
    shots(page, "follow-up")

    shown = {
        row.get_attribute("data-supplier"): Decimal(
            row.locator(".at-risk").get_attribute("data-value")
        )
        for row in page.locator("#follow-up-suppliers tbody tr").all()
    }
    assert shown == {S1: Decimal("1419.50"), S2: Decimal("720.00")}

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the workbook")).click()
    path = tmp_path / "follow-up.xlsx"
    download.value.save_as(path)
    wb = load_workbook(path, read_only=True)
    try:
        assert wb.sheetnames == ["Summary", S2, S1]  # suppliers in GSTIN order
        summary = {
            row[0]: Decimal(str(row[-1])).quantize(Decimal("0.01"))
            for row in wb["Summary"].iter_rows(min_row=3, values_only=True)
        }
        totals = {
            name: Decimal(str(list(wb[name].iter_rows(values_only=True))[-1][5])).quantize(
                Decimal("0.01")
            )
            for name in (S1, S2)
        }
    finally:
        wb.close()
    assert summary == shown
    assert totals == shown
