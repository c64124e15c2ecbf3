"""The pages work by keyboard and every control is named for a screen reader."""

from __future__ import annotations

from playwright.sync_api import expect
from tests.e2e.steps import sign_in
from tests.integration.harness import S1, R

UNLABELLED = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button')).filter(el =>
    !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
    && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.innerText.trim())
).map(el => el.outerHTML)"""


def test_every_control_of_every_page_has_a_name(live, page):
    sign_in(page, live.url, "ca-firm")
    cn = live.world.sandbox.find("CN-951").id
    for path in (
        "/home",
        f"/g/{R}/ims",
        f"/g/{R}/ims/records/{cn}",
        f"/g/{R}/outward",
        f"/g/{R}/gstr2b",
        f"/g/{R}/gstr2b?view=documents",
        f"/g/{R}/gstr3b",
    ):
        page.goto(live.url + path)
        assert page.evaluate(UNLABELLED) == [], path
        for chart in page.locator("svg").all():
            assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-labelledby")


def test_the_ims_page_can_be_worked_from_the_keyboard(live, page, shots):
    sign_in(page, live.url, "ca-firm")
    page.goto(f"{live.url}/g/{R}/ims?supplier={S1}&section=b2b")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    page.locator("#pick-all").focus()
    page.keyboard.press("Space")
    expect(page.locator("#selected-count")).to_have_text("50")
    page.keyboard.press("Space")
    expect(page.locator("#selected-count")).to_have_text("0")
    page.get_by_label("Select INV-0003").focus()
    page.keyboard.press("Space")
    page.get_by_label("Remarks (up to 250 characters)").focus()
    page.keyboard.type("checked by keyboard")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Pending", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#result-saved")).to_have_text("1")
    expect(page.get_by_role("row", name="INV-0003")).to_contain_text("Pending")
    shots(page, "keyboard-pending")
