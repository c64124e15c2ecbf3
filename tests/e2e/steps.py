"""Steps a user takes in the browser, shared by the e2e tests."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Page, expect
from tests.e2e.world import PASSWORD


def sign_in(page: Page, base: str, user: str) -> None:
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + "/home")


def amount(page: Page, selector: str) -> Decimal:
    """An amount shown with Indian digit grouping, e.g. 1,23,345.00."""
    return Decimal(page.locator(selector).inner_text().replace(",", ""))
