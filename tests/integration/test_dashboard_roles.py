"""Roles on the dashboard's approval forms over HTTP, on SQLite and PostgreSQL (issue 17,
acceptance 1): nobody approves or sends back their own proposal, even once promoted to
approver (403, the proposal still awaiting, no record changed); a viewer and a preparer get
403 on the approve form; another approver approves it through SAVE."""

from __future__ import annotations

import pytest
from tests.integration.harness import S1, R, doc, supplier_and_recipient
from tests.integration.served import PASSWORD, served, shown

from gstims.domain.ims import ActionItem
from gstims.domain.records import Action
from gstims.domain.roles import Role
from gstims.services import approvals, taxpayers, tokens


@pytest.fixture
def world(db):
    box = supplier_and_recipient(db)
    box.save(S1, "102024", *(doc(f"INV-{n}", "10-10-2024") for n in (1, 2, 3)))
    box.file(S1, "102024")
    for name, role in (("asha", Role.PREPARER), ("ravi", Role.APPROVER), ("vik", Role.VIEWER)):
        with db.transaction() as uow:
            taxpayers.create_user(uow, name, [R], PASSWORD, role=role)
    with db.transaction() as uow:
        uow.taxpayers.set_maker_checker(R, True)
        asha = taxpayers.principal_named(uow, "asha")
        items = [
            ActionItem(
                r.section, S1, r.record.number, r.record.doc_date, Action.ACCEPT, r.state.action
            )
            for r in box.ims()
        ]
        proposed = approvals.submit_actions(uow, asha, R, items, "October")
    assert isinstance(proposed, approvals.Proposed)
    with served(db) as server:
        yield box, server, proposed.proposal_id


def actions(box) -> dict[str, str]:
    return {r.record.number: r.state.action.value for r in box.ims()}


def awaiting(box, proposal_id: int) -> bool:
    return box.run(approvals.batch, R, proposal_id, write=False).status == approvals.AWAITING


def test_nobody_decides_their_own_proposal_on_the_dashboard_and_nothing_changes(world, db):
    box, server, proposal_id = world
    base = f"/g/{R}/approvals/{proposal_id}"
    for who in ("vik", "asha"):  # a viewer, and the preparer who made it
        http, token = server.signed_in(who)
        answer = http.post(f"{base}/approve", data={"csrf_token": token})
        assert answer.status_code == 403, who
        assert "Your role does not allow this" in shown(answer)
    with db.transaction() as uow:
        tokens.grant(uow, "asha", R, actor="admin", role=Role.APPROVER)
    http, token = server.signed_in("asha")
    for verb, form in (("approve", {}), ("send-back", {"comment": "mine"})):
        answer = http.post(f"{base}/{verb}", data={**form, "csrf_token": token})
        assert answer.status_code == 403, verb
        assert "nobody approves or sends back their own proposal" in shown(answer)
    assert awaiting(box, proposal_id)
    assert set(actions(box).values()) == {"N"}

    http, token = server.signed_in("ravi")
    answer = http.post(f"{base}/approve", data={"csrf_token": token})
    assert answer.status_code == 303
    assert "Approved: 3 applied through SAVE" in shown(http.get(base))
    assert set(actions(box).values()) == {"A"}
    assert not awaiting(box, proposal_id)
