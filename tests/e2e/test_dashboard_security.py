"""The issue's acceptance 3: hostile text renders inert, forms need the session's CSRF token,
and nobody opens a GSTIN that is not theirs by editing the URL.

The browser proves what a user would see; plain HTTP (httpx) proves what the server answers
to a request no page of ours would send.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect
from tests.e2e.steps import sign_in
from tests.e2e.world import HOSTILE_NAME
from tests.integration.harness import S1, S2, R

from gstims.domain.records import Action

HOSTILE_REMARK = "<script>alert('remark')</script><img src=x onerror=alert('img')>"


def actions(live, recipient: str = R) -> dict[Action, int]:
    found: dict[Action, int] = {a: 0 for a in Action}
    for record in live.world.sandbox.ims(recipient):
        found[record.state.action] += 1
    return found


def test_a_trade_name_or_remark_carrying_script_renders_as_plain_text(live, page, shots, client):
    live.world.sandbox.act("B-7", "R", remarks=HOSTILE_REMARK)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    sign_in(page, live.url, "ca-firm")
    page.goto(f"{live.url}/g/{R}/ims?supplier={S2}&number=B-7")
    row = page.get_by_role("row", name=re.compile("B-7"))
    expect(row).to_contain_text(HOSTILE_NAME)
    expect(row).to_contain_text(HOSTILE_REMARK)
    shots(page, "ims-hostile-text")
    row.get_by_role("link", name="B-7").click()
    expect(page.locator("#current-remarks")).to_have_text(HOSTILE_REMARK)
    assert page.evaluate("document.scripts.length") == 1  # only /static/app.js
    assert page.evaluate("document.images.length") == 0
    shots(page, "record-hostile-text")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live.url, "outsider")  # S2 sees its own hostile name and R's remark
    page.goto(f"{live.url}/g/{S2}/outward?period=092025&action=R")
    expect(page.locator("#outward")).to_contain_text(HOSTILE_REMARK)
    shots(page, "outward-hostile-text")
    assert dialogs == []

    http, _ = client("ca-firm")
    html = http.get(f"/g/{R}/ims", params={"supplier": S2}).text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html


def test_a_form_post_without_the_sessions_csrf_token_is_refused(live, client):
    http, token = client("ca-firm")
    accept_all = {"scope": "matching", "do": "A", "section": "b2b"}
    for forged in ({}, {"csrf_token": ""}, {"csrf_token": token + "x"}):
        answer = http.post(f"/g/{R}/ims/actions", data={**accept_all, **forged})
        assert answer.status_code == 403
        assert "not sent from a page of this site" in answer.text
    assert actions(live)[Action.ACCEPT] == 0

    _, other_token = client("ca-firm")  # another session's token is no good
    assert other_token != token
    answer = http.post(f"/g/{R}/ims/actions", data={**accept_all, "csrf_token": other_token})
    assert answer.status_code == 403
    for path in ("/logout", f"/g/{R}/gstr2b/recompute", f"/g/{R}/gstr3b/file", "/login"):
        assert http.post(path, data={"period": "092025"}).status_code == 403
    assert actions(live)[Action.ACCEPT] == 0

    version = re.search(r'name="ims_version" value="(\d+)"', http.get(f"/g/{R}/ims").text)
    assert version is not None  # issue 14 item 8: "all matching" names the IMS it was shown
    accept_all["ims_version"] = version.group(1)
    answer = http.post(f"/g/{R}/ims/actions", data={**accept_all, "csrf_token": token})
    assert answer.status_code == 303
    assert actions(live)[Action.ACCEPT] == 530


def test_a_user_cannot_open_another_users_gstin_by_editing_the_url(live, page, shots, client):
    http, token = client("sharma")  # granted S1 only
    someone_elses = [
        f"/g/{R}/ims",
        f"/g/{R}/ims?action=N",
        f"/g/{R}/outward",
        f"/g/{R}/gstr2b",
        f"/g/{R}/gstr2b/092025/download.json",
        f"/g/{R}/gstr2b/092025/download.xlsx",
        f"/g/{R}/gstr3b",
        f"/g/{R.lower()}/ims",
        f"/switch?gstin={R}&to=ims",
    ]
    for path in someone_elses:
        answer = http.get(path)
        assert answer.status_code == 403, path
        assert "INV-0001" not in answer.text and "Rao Retail" not in answer.text
    record_of_r = live.world.sandbox.find("INV-0001").id
    assert http.get(f"/g/{R}/ims/records/{record_of_r}").status_code == 403
    assert http.get(f"/g/{S1}/ims/records/{record_of_r}").status_code == 404
    forged = {"scope": "matching", "do": "R", "csrf_token": token}
    assert http.post(f"/g/{R}/ims/actions", data=forged).status_code == 403
    assert http.post(f"/g/{S1}/ims/records/{record_of_r}", data=forged).status_code == 404
    assert actions(live)[Action.REJECT] == 0

    anonymous, _ = client(None)
    answer = anonymous.get(f"/g/{R}/ims")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")

    sign_in(page, live.url, "sharma")
    page.goto(f"{live.url}/g/{R}/ims")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("not one of yours")
    shots(page, "foreign-gstin-refused")


def test_a_wrong_password_signs_nobody_in(live, page):
    page.goto(live.url + "/login")
    page.get_by_label("User name").fill("ca-firm")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("user name or password is wrong")
    page.goto(f"{live.url}/home")
    expect(page).to_have_url(re.compile("/login"))
