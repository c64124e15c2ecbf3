"""The dashboard's notifications over sixty GSTINs, on SQLite and PostgreSQL (issue 17).

A CA user holds all 60 GSTINs of a network whose 2Bs of September 2025 were drafted on the
14th. Afterwards some recipients act in IMS (their 2B is now stale), some recompute their 2B
after acting (fresh again, at version 2), one acts again after recomputing (stale at version
2), one files its 3B (no notice, whatever its 2B). The set-based 2B check, one query for all
the GSTINs (`uow.gstr2b.latest_ims_versions`), gives exactly what reading each GSTIN's newest
2B and IMS version one by one gives, and the number of statements `notices` runs does not
grow with the number of GSTINs.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.integration.clock_checks import PERIOD, gstins, network
from tests.integration.harness import S1, R, Sandbox, doc

from gstims.domain.calendar import Period
from gstims.domain.ims import ActionItem
from gstims.domain.records import Action, Kind
from gstims.domain.roles import Role
from gstims.services import approvals, taxpayers
from gstims.services.context import taxpayers_by_gstin
from gstims.services.dashboard import working_period
from gstims.services.notifications import Notice, notices
from gstims.store.records.mapping import period_int

PASSWORD = "correct horse battery"


@pytest.fixture
def world(db):
    """60 taxpayers (40 recipients), the clock on 15-10-2025: every 2B of 092025 drafted."""
    network(db)
    everyone = gstins(db)
    box = Sandbox(db, today="10-10-2025")
    box.today("15-10-2025")
    recipients = [g for g in everyone if box.ims(g)]
    assert len(everyone) == 60 and len(recipients) >= 12
    acted = recipients[:10]
    for g in acted:  # its IMS changes after the 2B was computed
        _act_on_one(box, g)
    for g in acted[:3]:  # recomputed since: fresh at version 2
        box.gen2b(PERIOD.code, recipient=g)
    _act_on_one(box, acted[0], again=True)  # stale at version 2
    box.file(acted[5], PERIOD.code)  # a nil GSTR-1 (s.39(10)), then its 3B
    box.file3b(PERIOD.code, gstin=acted[5])  # filed: its working period needs no notice
    with db.transaction() as uow:
        taxpayers.create_user(uow, "ca-firm", everyone, PASSWORD)
    with db.transaction() as uow:
        taxpayers.create_user(uow, "small-firm", everyone[:6], PASSWORD)
    stale = {acted[0], *acted[3:5], *acted[6:10]}
    return box, everyone, stale


def _act_on_one(box: Sandbox, gstin: str, again: bool = False) -> None:
    numbers = Counter(r.record.number for r in box.ims(gstin))
    unique = sorted(n for n, times in numbers.items() if times == 1)
    box.act(unique[1 if again else 0], "R", recipient=gstin, remarks="not ours")


def principal(db, name: str):
    with db.uow(write=False) as uow:
        return taxpayers.principal_named(uow, name)


def plain_stale_2b(uow, gstins: list[str]) -> list[Notice]:
    """The plain answer: each GSTIN's newest 2B and IMS version, read one by one."""
    today = uow.today()
    filed = {(g, p) for g, form, p in uow.returns.filed(gstins) if form == "GSTR3B"}
    out = []
    for g, tp in sorted(taxpayers_by_gstin(uow, gstins).items()):
        period = working_period(tp, today)
        if (g, period_int(period)) in filed:
            continue
        kept = uow.gstr2b.latest(g, period, content=False)
        if kept is not None and kept["ims_version"] != uow.taxpayers.ims_version(g):
            text = f"GSTR-2B {period.code} changed since it was computed: recompute it"
            out.append(Notice(g, "stale-2b", text, f"/g/{g}/gstr2b"))
    return out


def test_the_stale_2b_notices_of_sixty_gstins_equal_the_plain_per_gstin_answer(world, db):
    _, everyone, stale = world
    user = principal(db, "ca-firm")
    with db.uow(write=False) as uow:
        found = notices(uow, user)
        plain = plain_stale_2b(uow, everyone)
    shown = [n for n in found if n.kind == "stale-2b"]
    assert {n.gstin for n in shown} == stale
    assert sorted(shown, key=lambda n: n.gstin) == plain
    assert shown[0].text == "GSTR-2B 092025 changed since it was computed: recompute it"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_latest_ims_versions_equals_reading_each_newest_2b(world, db, data):
    """Any recipients, each asking its own period (with or without a 2B of it)."""
    _, everyone, _ = world
    periods = data.draw(
        st.dictionaries(
            st.sampled_from(everyone),
            st.sampled_from([Period(2025, 8), PERIOD, Period(2025, 10)]),
            max_size=60,
        )
    )
    with db.uow(write=False) as uow:
        fast = uow.gstr2b.latest_ims_versions(periods)
        plain = {}
        for g, p in periods.items():
            kept = uow.gstr2b.latest(g, p, content=False)
            if kept is not None:
                plain[g] = kept["ims_version"]
    assert fast == plain


@contextmanager
def counted(db):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_the_notices_ask_as_many_statements_for_sixty_gstins_as_for_six(world, db):
    many, few = principal(db, "ca-firm"), principal(db, "small-firm")
    assert (len(many.gstins), len(few.gstins)) == (60, 6)
    with db.uow(write=False) as uow:
        notices(uow, few)  # warm: whatever is read once per connection
        with counted(db) as for_few:
            notices(uow, few)
        with counted(db) as for_many:
            found = notices(uow, many)
    assert any(n.kind == "stale-2b" for n in found)
    assert len(for_many) == len(for_few), (for_few, for_many)


def test_each_kind_of_notice_for_the_people_it_concerns(db):
    """R's 2B changed since it was computed and its 3B due; later a Pending credit note near
    its deadline, and a proposal awaiting approval (shown to the approver only)."""
    box = Sandbox(db, today="01-10-2025")
    for gstin in (S1, R):
        box.register(gstin, on="01-09-2025")
    for name, role in (("ravi", Role.APPROVER), ("asha", Role.PREPARER)):
        with db.transaction() as uow:
            taxpayers.create_user(uow, name, [R], PASSWORD, role=role)
    box.save(S1, "092025", doc("INV-1", "10-09-2025"), doc("INV-2", "11-09-2025"))
    box.file(S1, "092025")
    box.today("15-10-2025")  # R's 2B of 092025 drafted on the 14th
    assert seen(db, "asha") == [("gstr3b-due", "GSTR-3B 092025 due 20-10-2025", False)]
    box.save(S1, "102025", doc("CN-951", "05-10-2025", kind=Kind.CN, taxable=1000))
    box.act("CN-951", "P", remarks="checking")  # the IMS changes after the 2B
    assert [kind for kind, _, _ in seen(db, "asha")] == ["gstr3b-due", "stale-2b"]

    box.today("05-11-2025")
    box.file3b("092025", gstin=S1)
    box.file(S1, "102025")  # filed: its Pending now has a fixed deadline (R-ACT-4)
    assert box.find("CN-951").view.pending_until == date(2025, 12, 20)
    box.today("14-12-2025")  # six days before it
    with db.transaction() as uow:
        uow.taxpayers.set_maker_checker(R, True)
        asha = taxpayers.principal_named(uow, "asha")
        rec = box.find("INV-1")
        item = ActionItem(rec.section, S1, "INV-1", rec.record.doc_date, Action.REJECT)
        approvals.submit_actions(uow, asha, R, [item])
    pending = ("pending", "1 Pending record(s) turn back to No action after 20-12-2025", False)
    due = ("gstr3b-due", "GSTR-3B 112025 due 20-12-2025", False)
    assert seen(db, "ravi") == [("proposals", "1 proposal(s) await approval", True), due, pending]
    assert seen(db, "asha") == [due, pending]  # a preparer decides no proposal
    box.today("19-12-2025")  # a day before: urgent
    assert [urgent for kind, _, urgent in seen(db, "asha") if kind == "pending"] == [True]


def seen(db, name: str) -> list[tuple[str, str, bool]]:
    with db.uow(write=False) as uow:
        return [(n.kind, n.text, n.urgent) for n in notices(uow, principal(db, name))]
