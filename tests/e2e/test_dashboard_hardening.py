"""Issue 14: what a careless or hostile party could do through the dashboard, kept closed.

Over real HTTP against the live server of `tests/e2e/conftest.py` (the seeded month of
`world.py`), signed in as the CA firm that holds R.
"""

from __future__ import annotations

import re

from tests.e2e.test_dashboard_security import actions, client
from tests.integration.harness import S1, R, doc

from gstims.domain.records import Action
from gstims.web.ims_pages import CHANGED_SINCE_SHOWN

VERSION = re.compile(r'name="ims_version" value="(\d+)"')


def test_accept_all_matching_refuses_when_records_arrived_after_the_page_was_shown(live):
    """Issue 14 item 8: "Accept all matching" acts only on the records the user was shown."""
    box = live.world.sandbox
    box.save(S1, "102025", doc("LATE-0", "06-10-2025", taxable=10))
    http, token = client(live.url, "ca-firm")
    shown = http.get(f"/g/{R}/ims", params={"number": "LATE-"})
    assert "1 record matches" in shown.text
    version = VERSION.search(shown.text)
    assert version is not None
    box.save(S1, "102025", *(doc(f"LATE-{i}", "06-10-2025", taxable=10) for i in range(1, 7)))
    accept_all = {"scope": "matching", "do": "A", "number": "LATE-"}
    accept_all |= {"csrf_token": token, "ims_version": version.group(1)}
    answer = http.post(f"/g/{R}/ims/actions", data=accept_all)
    assert answer.status_code == 303
    assert actions(live)[Action.ACCEPT] == 0
    assert CHANGED_SINCE_SHOWN in http.get(answer.headers["location"]).text

    shown = http.get(f"/g/{R}/ims", params={"number": "LATE-"})
    assert "7 records match" in shown.text
    version = VERSION.search(shown.text)
    assert version is not None
    answer = http.post(f"/g/{R}/ims/actions", data={**accept_all, "ims_version": version[1]})
    assert answer.status_code == 303
    assert actions(live)[Action.ACCEPT] == 7
