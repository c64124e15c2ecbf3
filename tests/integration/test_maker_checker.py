"""Maker-checker of IMS actions end to end, on SQLite and PostgreSQL (issue 17, acceptance 2).

A preparer proposes 1,000 accepts; meanwhile someone changes one of the records; the approver
approves: 999 apply through the SAVE use case, 1 is refused as stale (IMSSAV0010, R-ACT-9);
every audit entry names the approver (actor) and the preparer (proposed_by) (R-ACT-11).
"""

from dataclasses import astuple
from decimal import Decimal

import pytest
import sqlalchemy as sa
from tests.integration.harness import S1, R, doc, supplier_and_recipient

from gstims.domain.ims import ActionItem
from gstims.domain.records import Action
from gstims.domain.roles import Role
from gstims.services import approvals, ims, taxpayers
from gstims.services.access import RoleRefused
from gstims.services.errors import Conflict
from gstims.store.tables import audit_log, records

MANY = 1000


def user(box, name: str, role: Role) -> taxpayers.Principal:
    box.run(taxpayers.create_user, name, [R], role=role)
    with box.db.uow(write=False) as uow:
        found = taxpayers.principal_named(uow, name)
    assert found is not None
    return found


@pytest.fixture
def team(db):
    box = supplier_and_recipient(db)
    box.save(S1, "102024", *(doc(f"INV-{n}", "10-10-2024") for n in range(MANY)))
    box.file(S1, "102024")
    with db.transaction() as uow:
        uow.taxpayers.set_maker_checker(R, True)
    people = {r: user(box, f"{r.value}-1", r) for r in Role}
    people["approver-2"] = user(box, "approver-2", Role.APPROVER)
    return box, people


def accepts(box) -> list[ActionItem]:
    return [
        ActionItem(
            r.section,
            r.record.key.supplier,
            r.record.number,
            r.record.doc_date,
            Action.ACCEPT,
            prev_status=r.state.action,
        )
        for r in box.ims()
    ]


def actions(db) -> dict[str, str]:
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(records.c.doc_number, records.c.action))
        return {number: action for number, action in rows}


def test_a_thousand_proposed_one_changed_meanwhile_999_applied_1_stale_both_people_audited(
    team, db
):
    box, people = team
    proposed = box.run(approvals.submit_actions, people[Role.PREPARER], R, accepts(box), "Oct")
    assert isinstance(proposed, approvals.Proposed) and proposed.items == MANY
    assert set(actions(db).values()) == {"N"}  # nothing applied yet
    status = box.run(ims.request_status, R, proposed.reference_id, write=False)
    assert status.status == approvals.AWAITING_APPROVAL

    box.act("INV-7", "R", user="someone-else")  # the record changes after the proposal
    opened = box.run(approvals.batch, R, proposed.proposal_id, write=False)
    # No action is in the 2B already: accepting it changes no ITC
    assert opened.stale == {7} and opened.itc_effect == 0

    decided = box.run(approvals.approve, people["approver-2"], R, proposed.proposal_id)
    assert (decided.applied, decided.stale, decided.refused) == (MANY - 1, 1, 0)
    after = actions(db)
    assert after.pop("INV-7") == "R" and set(after.values()) == {"A"}
    status = box.run(ims.request_status, R, proposed.reference_id, write=False)
    assert (status.status, status.processed) == ("PE", MANY - 1)
    assert [(e.number, e.code) for e in status.errors] == [("INV-7", "IMSSAV0010")]
    with db.engine.connect() as conn:
        trail = conn.execute(
            sa.select(audit_log.c.actor, audit_log.c.proposed_by, sa.func.count())
            .where(audit_log.c.new_action == "A")
            .group_by(audit_log.c.actor, audit_log.c.proposed_by)
        ).all()
    assert trail == [("approver-2", "preparer-1", MANY - 1)]


def test_nobody_approves_their_own_proposal_and_a_preparer_approves_none(team, db):
    box, people = team
    items = accepts(box)[:3]
    mine = box.run(approvals.submit_actions, people[Role.PREPARER], R, items)
    assert isinstance(mine, approvals.Proposed)
    with pytest.raises(RoleRefused, match="needs approver"):
        box.run(approvals.approve, people[Role.PREPARER], R, mine.proposal_id)
    # an approver's own change applies directly; a proposal made in their name is refused
    with db.transaction() as uow:
        own = approvals._propose(uow, "approver-1", R, items, None, "SAVE")
    with pytest.raises(RoleRefused, match="own proposal"):
        box.run(approvals.approve, people[Role.APPROVER], R, own.proposal_id)
    assert set(actions(db).values()) == {"N"}


def test_a_viewer_cannot_act_and_an_approver_applies_directly(team, db):
    box, people = team
    items = accepts(box)[:2]
    with pytest.raises(RoleRefused, match="viewer"):
        box.run(approvals.submit_actions, people[Role.VIEWER], R, items)
    assert set(actions(db).values()) == {"N"}
    saved = box.run(approvals.submit_actions, people[Role.APPROVER], R, items)
    assert isinstance(saved, approvals.Saved) and saved.result.applied == 2


def test_without_maker_checker_a_preparer_applies_at_once(team, db):
    box, people = team
    with db.transaction() as uow:
        uow.taxpayers.set_maker_checker(R, False)
    saved = box.run(approvals.submit_actions, people[Role.PREPARER], R, accepts(box)[:1])
    assert isinstance(saved, approvals.Saved) and saved.result.applied == 1


def test_a_batch_shows_the_itc_its_actions_would_change(team, db):
    box, people = team
    rejects = [ActionItem(*astuple(i)[:4], Action.REJECT, Action.NO_ACTION) for i in accepts(box)]
    proposed = box.run(approvals.submit_actions, people[Role.PREPARER], R, rejects[:3])
    opened = box.run(approvals.batch, R, proposed.proposal_id, write=False)
    assert opened.itc_effect == Decimal("-5400.00")  # three ₹1,800 invoices out of the 2B


def test_sent_back_applies_nothing_and_cannot_be_decided_again(team, db):
    box, people = team
    proposed = box.run(approvals.submit_actions, people[Role.PREPARER], R, accepts(box)[:5])
    box.run(approvals.send_back, people[Role.APPROVER], R, proposed.proposal_id, "INV-1 is wrong")
    assert set(actions(db).values()) == {"N"}
    status = box.run(ims.request_status, R, proposed.reference_id, write=False)
    assert status.status == approvals.SENT_BACK_STATUS
    with pytest.raises(Conflict):
        box.run(approvals.approve, people[Role.APPROVER], R, proposed.proposal_id)
