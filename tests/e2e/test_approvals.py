"""Roles and maker-checker in the dashboard (issue 17, acceptance 1 and 4).

Every dashboard route that acts for a GSTIN is called by a viewer, a preparer and an approver
over real HTTP: a role without the capability gets 403 and nothing changes. Then, in
Chromium: R's admin turns maker-checker on; a preparer's bulk Accept becomes a proposal; the
approver sees it in the notifications and the queue, opens it with its ITC effect, and
approves it; the records are Accepted and the trail names both people.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import Page, expect
from tests.e2e.steps import sign_in
from tests.integration.harness import R

from gstims.api.access import NEEDS, dashboard
from gstims.domain.roles import Role
from gstims.store.tables import audit_log, proposals, records, taxpayers

WEB_ROUTES = sorted(k for k in NEEDS if dashboard(k[1]))


def _snapshot(db) -> tuple:
    with db.engine.connect() as conn:
        actions = conn.execute(sa.select(records.c.id, records.c.action).order_by(records.c.id))
        made = conn.execute(sa.select(sa.func.count()).select_from(proposals)).scalar_one()
        setting = conn.execute(sa.select(taxpayers.c.maker_checker).where(taxpayers.c.gstin == R))
        return [tuple(a) for a in actions], made, setting.scalar_one()


def test_each_role_gets_403_on_every_page_it_may_not_use_and_nothing_changes(live, client):
    values = {
        "{gstin}": R,
        "{record_id}": str(live.world.sandbox.find("CN-951").id),
        "{proposal_id}": "1",
        "{code}": "092025",
        "{kind}": "json",
        "{decision}": "pair",
    }
    before = _snapshot(live.db)
    for key in ("viewer", "preparer", "approver"):
        role = Role(key)
        http, token = client(live.world.users[key])
        for method, template in WEB_ROUTES:
            path = template
            for name, value in values.items():
                path = path.replace(name, value)
            if method == "GET":
                answer = http.get(path, params={"gstin": R})
            else:
                answer = http.post(path, data={"csrf_token": token})
            if role.capability < NEEDS[(method, template)]:
                assert answer.status_code == 403, (key, method, path)
                assert "Your role does not allow this" in answer.text
            else:
                assert "Your role does not allow this" not in answer.text, (key, method, path)
        if role is not Role.APPROVER:  # its calls may do what it asks (none here changes IMS)
            assert _snapshot(live.db) == before, key


def test_a_proposal_is_made_queued_opened_and_approved_in_chromium(live, browser, shots):
    users = live.world.users
    admin, preparer, approver = (browser.new_context() for _ in range(3))
    try:
        page = admin.new_page()
        sign_in(page, live.url, users["admin"])
        page.goto(f"{live.url}/g/{R}/settings")
        page.get_by_label(re.compile("Maker-checker")).check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("Maker-checker is on")
        shots(page, "settings")

        page = preparer.new_page()
        _propose(page, live.url, users["preparer"], ("INV-0003", "INV-0004"))
        shots(page, "proposed")

        page = approver.new_page()
        sign_in(page, live.url, users["approver"])
        expect(page.locator("#notifications")).to_contain_text("1 proposal(s) await approval")
        page.get_by_role("link", name=re.compile("await approval")).click()
        expect(page.locator("#awaiting")).to_contain_text(users["preparer"])
        page.get_by_role("link", name=re.compile("Proposal ")).first.click()
        expect(page.locator("#maker")).to_contain_text(users["preparer"])
        expect(page.locator("#itc-effect")).to_contain_text("0.00")  # No action → Accept
        expect(page.locator("#items")).to_contain_text("INV-0003")
        shots(page, "batch")
        page.get_by_role("button", name="Approve and apply").click()
        expect(page.get_by_role("status")).to_contain_text("Approved: 2 applied")
        expect(page.locator("#status")).to_contain_text("approved by " + users["approver"])
        shots(page, "approved")
    finally:
        for context in (admin, preparer, approver):
            context.close()
    with live.db.engine.connect() as conn:
        trail = conn.execute(
            sa.select(audit_log.c.number, audit_log.c.actor, audit_log.c.proposed_by)
            .where(audit_log.c.new_action == "A")
            .order_by(audit_log.c.number)
        ).all()
    assert [tuple(t) for t in trail] == [
        ("INV-0003", users["approver"], users["preparer"]),
        ("INV-0004", users["approver"], users["preparer"]),
    ]


def test_a_preparer_cannot_decide_and_an_approver_sends_back_with_a_comment(live, browser):
    users = live.world.users
    with live.db.transaction() as uow:
        uow.taxpayers.set_maker_checker(R, True)
    preparer, approver = browser.new_context(), browser.new_context()
    try:
        page = preparer.new_page()
        _propose(page, live.url, users["preparer"], ("INV-0007",))
        page.goto(f"{live.url}/g/{R}/approvals")
        page.get_by_role("link", name=re.compile("Proposal ")).first.click()
        expect(page.locator("#not-yours")).to_be_visible()
        expect(page.get_by_role("button", name="Approve and apply")).to_have_count(0)

        page = approver.new_page()
        sign_in(page, live.url, users["approver"])
        page.goto(f"{live.url}/g/{R}/approvals")
        page.get_by_role("link", name=re.compile("Proposal ")).first.click()
        page.get_by_label("Comment").fill("INV-0007 is disputed <b>hold</b>")
        page.get_by_role("button", name="Send back").click()
        expect(page.locator("#status")).to_contain_text("sent back by " + users["approver"])
        expect(page.locator("#status")).to_contain_text("INV-0007 is disputed <b>hold</b>")
    finally:
        preparer.close()
        approver.close()
    assert live.world.sandbox.find("INV-0007").state.action.value == "N"


def _propose(page: Page, base: str, user: str, numbers: tuple[str, ...]) -> None:
    sign_in(page, base, user)
    page.goto(f"{base}/g/{R}/ims?section=b2b&q=")
    for number in numbers:
        page.get_by_label(f"Select {number}").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Proposed for approval")
