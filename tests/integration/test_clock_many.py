"""The clock over many taxpayers (issue 13): every event in batches of taxpayers, each batch its
own transaction, summaries as counts, what each event did per taxpayer in `clock_results`.

Before, moving the clock to the 14th with 101 taxpayers on PostgreSQL answered 500: the day's
summary listed every drafted 2B and overflowed its VARCHAR(200) (SQLite does not enforce it).
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from tests.conftest import postgres_database, sqlite_database
from tests.integration.clock_checks import (
    PERIOD,
    THE_14TH,
    drafted_2bs,
    gstins,
    network,
    results,
    run_row,
)
from tests.integration.harness import S1, Sandbox, doc

from gstims.domain.calendar import Period
from gstims.domain.clock import Event
from gstims.domain.gstin import make_gstin
from gstims.domain.records import Kind
from gstims.services import clock
from gstims.services import gstr2b as gstr2b_service
from gstims.store.records.mapping import period_int
from gstims.store.tables import gstr2b, requests

DRAFTS = Event.GSTR2B_DRAFTS


def party(i: int, state: str = "29", role: str = "R") -> str:
    return str(make_gstin(state, f"AAAC{role}{i:04d}K"))


def test_r_2b_1_the_14th_drafts_every_2b_of_sixty_taxpayers_batch_by_batch(db):
    """Rule: R-2B-1, R-CLK — 60 taxpayers in batches of 7: 60 drafts, counts, one result each."""
    network(db)
    everyone = gstins(db)
    assert len(everyone) == 60
    runs = clock.move_clock(db.transaction, THE_14TH, batch=7)
    assert [(r.day, r.event, dict(r.counts)) for r in runs] == [(THE_14TH, DRAFTS, {"drafted": 60})]
    assert runs[0].summary == "60 GSTR-2B drafted"
    assert run_row(db, THE_14TH, DRAFTS.value) == (
        True,
        {"drafted": 60},
        "60 GSTR-2B drafted",
    )
    assert drafted_2bs(db) == dict.fromkeys(everyone, 1)
    drafted = results(db, DRAFTS.value)
    assert [(r[1], r[2], r[3]) for r in drafted] == [
        (g, "drafted", period_int(PERIOD)) for g in everyone
    ]
    assert sum(r[4] for r in drafted) == 3000  # every record in one 2B


def test_the_clock_results_come_a_page_at_a_time_in_gstin_order(db):
    """Rule: R-CLK — paged by keyset, filtered by GSTIN and event; the period as MMYYYY."""
    network(db)
    clock.move_clock(db.transaction, THE_14TH, batch=25)
    everyone, seen, after = gstins(db), [], None
    while True:
        with db.uow(write=False) as uow:
            page = clock.results(uow, event=DRAFTS, after=after, limit=25)
        seen += [r["gstin"] for r in page]
        if len(page) < 25:
            break
        last = page[-1]
        after = (last["day"], last["event"], last["gstin"])
    assert seen == everyone
    with db.uow(write=False) as uow:
        (one,) = clock.results(uow, gstin=everyone[3], day=THE_14TH)
        assert clock.results(uow, event=Event.TIME_BAR) == []
    assert (one["outcome"], one["period"]) == ("drafted", PERIOD.code)


def test_a_14th_interrupted_after_two_batches_finishes_the_rest_exactly_once(db):
    """Rule: R-2B-1 — committed batches stay; the batch in hand is lost whole; the re-run
    drafts the rest once each, and the day's counts are everyone's."""
    network(db)
    while len(results(db, DRAFTS.value)) < 14:  # the 11th to 13th drafted nothing, batch by batch
        with db.transaction() as uow:
            assert not clock.clock_step(uow, THE_14TH, batch=7).finished
    committed = len(results(db, DRAFTS.value))
    with pytest.raises(RuntimeError), db.transaction() as uow:
        clock.clock_step(uow, THE_14TH, batch=7)
        raise RuntimeError("the process dies before this batch commits")
    assert len(results(db, DRAFTS.value)) == committed >= 14  # the batch in hand: lost whole
    assert run_row(db, THE_14TH, DRAFTS.value)[0] is False  # not finished for everyone
    with db.uow(write=False) as uow:
        assert uow.today() == THE_14TH
    runs = clock.move_clock(db.transaction, THE_14TH, batch=7)  # the same command again
    assert [dict(r.counts) for r in runs] == [{"drafted": 60}]
    assert drafted_2bs(db) == dict.fromkeys(gstins(db), 1)
    assert len(results(db, DRAFTS.value)) == 60


def test_the_batched_move_and_the_one_transaction_move_do_the_same(db):
    """Rule: R-CLK — `advance_clock` (one transaction) is `move_clock` (one per batch)."""
    network(db)
    with db.transaction() as uow:
        runs = clock.advance_clock(uow, THE_14TH, batch=1000)
    assert [dict(r.counts) for r in runs] == [{"drafted": 60}]
    assert drafted_2bs(db) == dict.fromkeys(gstins(db), 1)


def test_r_act_4_and_r_act_5_expiry_and_the_time_bar_over_fifty_recipients(db):
    """Rule: R-ACT-4, R-ACT-5, R-IN-5f, R-CLK — one supplier, 50 recipients: 51 drafts, 50
    expiries, 50 time-barred, each a result of its recipient, the summaries counts."""
    recipients = [party(i) for i in range(50)]
    box = Sandbox(db, today="01-10-2025")
    box.register(S1, on="01-10-2025")
    for r in recipients:
        box.register(r, on="01-10-2025")
    box.today("31-10-2025")
    october = [doc(f"CN-{i}", "15-10-2025", to=r, kind=Kind.CN) for i, r in enumerate(recipients)]
    box.save(S1, "102025", *october)
    box.today("10-11-2025")
    box.file(S1, "102025")
    for i, r in enumerate(recipients):
        box.act(f"CN-{i}", "P", recipient=r, remarks="checking")

    runs = clock.move_clock(db.transaction, date(2025, 11, 14), batch=7)
    assert [(r.event, dict(r.counts)) for r in runs] == [(DRAFTS, {"drafted": 51})]
    assert drafted_2bs(db) == dict.fromkeys([S1, *recipients], 1)

    box.today("30-11-2025")
    box.save(S1, "112025", *(doc(f"U-{i}", "20-11-2025", to=r) for i, r in enumerate(recipients)))
    runs = clock.move_clock(db.transaction, date(2025, 12, 21), batch=7)
    assert [(r.day, r.event, dict(r.counts)) for r in runs] == [
        (date(2025, 12, 21), Event.PENDING_EXPIRY, {"expired": 50})
    ]
    assert results(db, Event.PENDING_EXPIRY.value) == [
        (date(2025, 12, 21), r, "expired", None, 1) for r in sorted(recipients)
    ]
    assert {box.find(f"CN-{i}", r).state.action.value for i, r in enumerate(recipients)} == {"N"}

    runs = clock.move_clock(db.transaction, date(2026, 12, 1), batch=200)
    assert [(r.day, r.event, dict(r.counts)) for r in runs] == [
        (date(2026, 12, 1), Event.TIME_BAR, {"time_barred": 50})
    ]
    assert results(db, Event.TIME_BAR.value) == [
        (date(2026, 12, 1), r, "time_barred", None, 1) for r in sorted(recipients)
    ]
    assert not any(box.numbers(r) & {f"U-{i}"} for i, r in enumerate(recipients))


def test_r_2b_8_rule_37a_over_fifty_unfiled_suppliers_in_batches(db):
    """Rule: R-2B-8, R-CLK — 50 suppliers never file their 3B: on 01-10-2026, in batches of
    7 suppliers, one reversal each from the recipient's consumed ITC, a result per supplier."""
    recipient = party(0, "27", "Q")
    suppliers = [party(i, "29", "S") for i in range(50)]
    box = Sandbox(db, today="01-10-2025")
    for g in [recipient, *suppliers]:
        box.register(g, on="01-10-2025")
    box.today("31-10-2025")
    for i, s in enumerate(suppliers):
        box.save(s, "102025", doc(f"INV-{i}", "15-10-2025", to=recipient, supplier_gstin=s))
    box.today("10-11-2025")
    for s in suppliers:
        box.file(s, "102025")
    for p in Period(2025, 10).months_through(Period(2026, 8)):
        box.today(p.next().day(14).strftime("%d-%m-%Y"))
        box.file(recipient, p.code)
        box.file3b(p.code, gstin=recipient)
    runs = clock.move_clock(db.transaction, date(2026, 10, 1), batch=7)
    assert [(r.day, r.event, dict(r.counts)) for r in runs if r.event is Event.RULE_37A] == [
        (date(2026, 10, 1), Event.RULE_37A, {"reversals": 50})
    ]
    assert results(db, Event.RULE_37A.value) == [
        (date(2026, 10, 1), s, "reversed", None, 1) for s in sorted(suppliers)
    ]


def drafts_over_a_season(db, *, plain: bool) -> list[tuple]:
    """Drafts on the 14th, drafts that waited for a late GSTR-3B, a taxpayer registered late."""
    r2, r3 = party(1), party(2)
    box = Sandbox(db, today="01-10-2025")
    for g in (S1, R_, r2):
        box.register(g, on="01-10-2025")

    def move(day: str) -> None:
        with db.transaction() as uow:
            clock.advance_clock(uow, box_day(day), batch=2, plain=plain)

    move("31-10-2025")
    box.save(S1, "102025", doc("INV-1", "15-10-2025", to=R_), doc("INV-2", "16-10-2025", to=r2))
    move("10-11-2025")
    box.file(S1, "102025")
    move("18-12-2025")
    for g in (R_, r2):
        box.file(g, "102025")
    box.file3b("102025", gstin=R_)  # late: its Nov 2B waited, drafted on the 19th
    box.register(r3, on="01-11-2025")  # late: its Nov 2B, due on the 14th, drafted on the 19th
    move("20-01-2026")
    box.file(R_, "112025")
    box.file3b("112025", gstin=R_)
    box.file3b("102025", gstin=r2)
    move("01-03-2026")
    return results(db, DRAFTS.value)


def box_day(text: str) -> date:
    d, m, y = map(int, text.split("-"))
    return date(y, m, d)


R_ = party(0)


def test_the_14th_or_a_filed_3b_finds_every_draft_the_daily_scan_of_everyone_finds(db, tmp_path):
    """Rule: R-2B-1, R-CLK — the candidates' fast path drafts what scanning everyone drafts."""
    fast = drafts_over_a_season(db, plain=False)
    twin, drop = twin_database(db, tmp_path)
    try:
        plain = drafts_over_a_season(twin, plain=True)
    finally:
        drop()
    assert fast == plain
    waited = [(d, g) for d, g, *_ in fast if d.day != 14]
    assert (date(2025, 12, 19), R_) in waited and (date(2025, 12, 19), party(2)) in waited


def twin_database(db, tmp_path):
    """A second, empty database on the same backend as `db`."""
    if db.is_sqlite:
        (tmp_path / "twin").mkdir()
        twin = sqlite_database(tmp_path / "twin")
        return twin, twin.dispose
    twin, schema = postgres_database()

    def drop() -> None:
        twin.dispose()
        schema.drop()

    return twin, drop


def kept_2bs(db) -> list[tuple]:
    columns = ("recipient", "period", "version", "generated_on", "ims_version", "content")
    columns += ("table4", "members", "declarations")
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(gstr2b).order_by(gstr2b.c.recipient)).mappings().all()
        asked = conn.execute(
            sa.select(
                requests.c.gstin, requests.c.kind, requests.c.status, requests.c.proc_cnt
            ).order_by(requests.c.gstin)
        ).all()
    return [tuple(r[c] for c in columns) for r in rows] + [tuple(a) for a in asked]


def test_the_batchs_2bs_generated_together_equal_each_generated_alone(db, tmp_path, monkeypatch):
    """Rule: R-2B-1, R-2B-2 — `generate_many` (groups of at most 100 records here, a larger
    recipient alone) keeps exactly the 2Bs and requests `generate` keeps one by one."""
    monkeypatch.setattr(gstr2b_service, "GROUP_RECORDS", 100)
    network(db)
    with db.transaction() as uow:
        clock.advance_clock(uow, THE_14TH, batch=25)
    twin, drop = twin_database(db, tmp_path)
    try:
        network(twin)
        with twin.transaction() as uow:
            clock.advance_clock(uow, THE_14TH, batch=25, plain=True)
        plain = kept_2bs(twin)
    finally:
        drop()
    fast = kept_2bs(db)
    assert len(fast) == 120 and fast == plain
