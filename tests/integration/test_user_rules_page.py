"""A user's own auto-action rules on the dashboard, for all their GSTINs, over HTTP on SQLite
and PostgreSQL (issue 17: rules "for all of a CA user's clients").

The CA firm holds three GSTINs with three roles: approver of R, preparer of R2 (which asks for
maker-checker), viewer of S2. Its rule set dry-runs on all three, each saying what applying
does there; applying changes R's records through SAVE, files a proposal for R2 (no record
changes until an approver approves it) and skips S2. A viewer everywhere may read the page
but not save nor apply (403, nothing kept); one user never sees another's rule set; a bad
rule set is refused naming the rule and the field. `/reconcile` lists the granted GSTINs only.
"""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from tests.integration.harness import S1, S2, R, doc, supplier_and_recipient
from tests.integration.served import PASSWORD, served, shown

from gstims.domain.roles import Role
from gstims.services import auto_actions, taxpayers
from gstims.store.tables import audit_log, proposal_items, proposals

R2 = "29AAACE1234F1Z2"
RULES = json.dumps(
    {
        "rules": [
            {
                "name": "s1 invoices",
                "when": {"suppliers": [S1], "kinds": ["INV"]},
                "action": "A",
                "remarks": "trusted supplier",
            }
        ]
    }
)


@pytest.fixture
def world(db):
    box = supplier_and_recipient(db)
    box.register(S2)
    box.register(R2)
    box.save(
        S1,
        "102024",
        *(doc(f"INV-{n}", f"1{n}-10-2024") for n in (1, 2, 3, 4)),
        doc("INV-5", "15-10-2024", to=R2),
        doc("INV-6", "16-10-2024", to=R2),
        doc("INV-7", "17-10-2024", to=S2),
    )
    box.file(S1, "102024")
    with db.transaction() as uow:
        taxpayers.create_user(uow, "ca-firm", [R], PASSWORD, role=Role.APPROVER)
    with db.transaction() as uow:
        firm = uow.users.named("ca-firm")
        uow.users.add_grants(firm["id"], {R2: Role.PREPARER.value, S2: Role.VIEWER.value})
        uow.taxpayers.set_maker_checker(R2, True)
    with db.transaction() as uow:
        taxpayers.create_user(uow, "reader", [R, R2], PASSWORD, role=Role.VIEWER)
    with served(db) as server:
        yield box, server


def actions(box, recipient: str) -> dict[str, str]:
    return {r.record.number: r.state.action.value for r in box.ims(recipient)}


def test_a_users_rules_dry_run_on_every_gstin_and_apply_as_the_role_held_on_each(world, db):
    box, server = world
    http, token = server.signed_in("ca-firm")
    saved = http.post("/rules", data={"rules": RULES, "csrf_token": token})
    assert saved.status_code == 303
    assert "Saved 1 rule(s) for all your GSTINs." in shown(http.get("/rules"))
    with db.uow(write=False) as uow:
        kept = auto_actions.export_rule_set(uow, auto_actions.user_scope("ca-firm"))
    assert kept["rules"][0]["name"] == "s1 invoices"

    page = shown(http.get("/rules", params={"dry": "1"}))
    assert "Dry run: 7 record(s) would change on 3 GSTIN(s)" in page
    assert f"{R}: 4 record(s) would change" in page
    assert "Your role: approver · applying saves through IMS SAVE" in page
    assert f"{R2}: 2 record(s) would change" in page
    assert "Your role: preparer · maker-checker on · applying files a proposal" in page
    assert f"{S2}: 1 record(s) would change" in page
    assert "Your role: viewer · skipped: your role may not change IMS here" in page
    assert actions(box, R) == dict.fromkeys(["INV-1", "INV-2", "INV-3", "INV-4"], "N")

    applied = http.post("/rules/apply", data={"csrf_token": token})
    assert applied.status_code == 303 and applied.headers["location"] == "/rules?dry=1"
    page = shown(http.get("/rules?dry=1"))
    assert "Applied on 2 GSTIN(s): 4 changed, 0 refused." in page
    assert f"{R}: 4 changed, 0 refused." in page
    assert re.search(f"{R2}: 0 changed, 0 refused; s1 invoices: proposal \\d+ awaits", page)
    assert f"{S2}: skipped: your role there may not change IMS." in page
    assert f"{R}: 0 record(s) would change" in page  # done
    assert f"{R2}: 2 record(s) would change" in page  # awaiting its approver

    assert actions(box, R) == dict.fromkeys(["INV-1", "INV-2", "INV-3", "INV-4"], "A")
    assert actions(box, R2) == {"INV-5": "N", "INV-6": "N"}
    assert actions(box, S2) == {"INV-7": "N"}
    with db.engine.connect() as conn:
        made = conn.execute(sa.select(proposals.c.gstin, proposals.c.maker, proposals.c["items"]))
        assert [tuple(p) for p in made] == [(R2, "ca-firm", 2)]
        items = conn.execute(sa.select(proposal_items.c.number).order_by(proposal_items.c.seq))
        assert list(items.scalars()) == ["INV-5", "INV-6"]
        actors = conn.execute(sa.select(audit_log.c.actor).where(audit_log.c.new_action == "A"))
        assert set(actors.scalars()) == {"rule:s1 invoices by ca-firm"}


def test_a_viewer_everywhere_reads_but_may_not_save_nor_apply_and_nothing_changes(world, db):
    box, server = world
    firm, firm_token = server.signed_in("ca-firm")
    assert firm.post("/rules", data={"rules": RULES, "csrf_token": firm_token}).status_code == 303
    http, token = server.signed_in("reader")
    page = http.get("/rules")
    assert page.status_code == 200
    assert "s1 invoices" not in page.text  # the firm's rule set is the firm's
    for path, form in (("/rules", {"rules": RULES}), ("/rules/apply", {})):
        answer = http.post(path, data={**form, "csrf_token": token})
        assert answer.status_code == 403, path
        assert "Your role does not allow this" in shown(answer)
    with db.uow(write=False) as uow:
        assert uow.auto_rules.load(auto_actions.user_scope("reader")) is None
    dry = shown(http.get("/rules?dry=1"))
    assert "Dry run" not in dry  # no rule set of theirs to dry-run
    assert actions(box, R) == dict.fromkeys(["INV-1", "INV-2", "INV-3", "INV-4"], "N")


def test_a_bad_rule_set_is_refused_naming_the_rule_and_field_and_nothing_is_kept(world, db):
    _, server = world
    http, token = server.signed_in("ca-firm")
    bad = '{"rules": [{"name": "odd", "when": {"kinds": ["XX"]}, "action": "A"}]}'
    assert http.post("/rules", data={"rules": bad, "csrf_token": token}).status_code == 303
    page = shown(http.get("/rules"))
    assert "Not saved (RULES422):" in page
    assert "rule 1 odd: when.kinds[1]: unknown document kind: 'XX'" in page
    assert http.post("/rules", data={"rules": "{not json", "csrf_token": token}).status_code == 303
    assert "Not saved: the rules are not JSON" in shown(http.get("/rules"))
    with db.uow(write=False) as uow:
        assert uow.auto_rules.load(auto_actions.user_scope("ca-firm")) is None
    assert http.post("/rules/apply", data={"csrf_token": token}).status_code == 303
    assert "Not applied (RULES404)" in shown(http.get("/rules"))


def test_a_form_without_the_csrf_token_is_refused(world, db):
    _, server = world
    http, _ = server.signed_in("ca-firm")
    assert http.post("/rules", data={"rules": RULES}).status_code == 403
    with db.uow(write=False) as uow:
        assert uow.auto_rules.load(auto_actions.user_scope("ca-firm")) is None


def test_the_reconciliation_overview_lists_the_granted_gstins_only(world):
    _, server = world
    http, _ = server.signed_in("reader")
    page = http.get("/reconcile")
    assert page.status_code == 200
    listed = set(re.findall(r'id="gstin-(\w{15})"', page.text))
    assert listed == {R, R2}
