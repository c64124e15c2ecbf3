"""The dashboard's read use cases, on SQLite and PostgreSQL: the IMS table's filters, sort and
pages in SQL; bulk actions over a filter; the rule table's word on each row; home counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.integration.harness import S1, S2, R, Sandbox, doc

from gstims.domain.actions import Code
from gstims.domain.calendar import Period
from gstims.domain.records import Action, Kind, Section
from gstims.services import dashboard, ims
from gstims.services.dashboard import ImsQuery

R2 = "29AAACE1234F1Z2"


@pytest.fixture
def sb(db) -> Sandbox:
    """September 2025: S1 files 12 invoices and CN-901 to R, S2 files 3 invoices; on
    15-10-2025 S1 saves (unfiled) CN-951 of October, era E2."""
    sandbox = Sandbox(db, today="01-10-2025")
    for gstin, name in ((S1, "Sharma Steel"), (S2, "Gupta Gears"), (R, "Rao Retail"), (R2, "")):
        sandbox.register(gstin, on="01-09-2025", name=name)
    sandbox.save(
        S1,
        "092025",
        *[doc(f"INV-{i:02d}", "10-09-2025", taxable=1000 * i) for i in range(1, 13)],
        doc("CN-901", "20-09-2025", kind=Kind.CN, taxable=500),
    )
    sandbox.save(S2, "092025", *[doc(f"G-{i}", "11-09-2025", supplier_gstin=S2) for i in (1, 2, 3)])
    sandbox.file(S1, "092025")
    sandbox.file(S2, "092025")
    sandbox.today("15-10-2025")
    sandbox.save(S1, "102025", doc("CN-951", "05-10-2025", kind=Kind.CN, taxable=10000))
    return sandbox


def page(sb: Sandbox, **query) -> dashboard.ImsPage:
    return sb.run(dashboard.ims_page, R, ImsQuery(**query), write=False)


def numbers(found: dashboard.ImsPage) -> list[str]:
    return [row.record.record.number for row in found.rows]


def test_the_ims_table_filters_by_supplier_name_or_gstin_section_and_filing(sb):
    assert page(sb).total == 17
    assert page(sb, supplier="gupta").total == 3
    assert page(sb, supplier=S2[:6]).total == 3
    assert numbers(page(sb, section=Section.B2BCN)) == ["CN-901", "CN-951"]
    assert numbers(page(sb, filed=False)) == ["CN-951"]
    assert page(sb, period_2b=Period(2025, 10)).total == 1
    assert page(sb).summary.periods == [Period(2025, 10), Period(2025, 9)]


def test_the_ims_table_filters_by_value_range_and_document_number(sb):
    # INV-nn carries value 1,180 × nn; the range is inclusive
    found = page(sb, supplier=S1, min_value=Decimal("2360"), max_value=Decimal("4720"))
    assert numbers(found) == ["INV-02", "INV-03", "INV-04"]
    assert numbers(page(sb, number="inv-1")) == ["INV-10", "INV-11", "INV-12"]
    assert page(sb, number="100%_").total == 0  # wildcards are literal text


def test_the_ims_table_sorts_and_pages_in_sql(sb):
    first = page(sb, supplier=S1, section=Section.B2B, sort="value", descending=True, page_size=50)
    assert numbers(first)[:3] == ["INV-12", "INV-11", "INV-10"]
    assert first.pages == 1
    # page sizes other than 50/100/200/500 fall back to 50; a page past the end shows the last
    last = page(sb, page=99, page_size=7)
    assert last.page == 1 and len(last.rows) == 17


def test_the_tiles_count_each_section_by_action_in_one_aggregate(sb):
    sb.act("INV-01", "R", remarks="not ordered")
    tiles = page(sb).summary.tiles
    assert tiles[Section.B2B][Action.REJECT] == 1
    assert tiles[Section.B2B][Action.NO_ACTION] == 14
    assert tiles[Section.B2BCN][Action.NO_ACTION] == 2


def test_each_row_says_which_rule_forbids_an_action(sb):
    """Rule: R-ACT-3, R-ACT-4"""
    rows = {r.record.record.number: r for r in page(sb, section=Section.B2BCN).rows}
    assert rows["CN-901"].refused[Action.PENDING].code is Code.PENDING_NOT_ALLOWED
    assert "(R-ACT-3)" in rows["CN-901"].refused[Action.PENDING].message
    assert rows["CN-951"].refused == {}
    assert rows["CN-951"].record.view.pending_until.isoformat() == "2025-12-20"


def test_all_records_matching_a_filter_take_one_action_together(sb):
    items = sb.run(
        dashboard.matching_items, R, ImsQuery(supplier=S1), Action.PENDING, None, write=False
    )
    result = sb.run(ims.save_actions, R, items, "tester")
    assert result.applied == 13  # 12 invoices and CN-951 (era E2)
    assert [(e.number, e.code) for e in result.errors] == [("CN-901", "IMSACT001")]
    assert page(sb, action=Action.PENDING).total == 13


def test_selected_rows_carry_the_action_the_user_saw_and_foreign_ids_reach_nothing(sb):
    inv = sb.find("INV-01")
    sb.act("INV-01", "A")  # someone else acted after the page was read
    foreign = sb.find("G-1").id + 10_000
    items = sb.run(
        dashboard.selected_items,
        R,
        {inv.id: Action.NO_ACTION, foreign: Action.NO_ACTION},
        Action.REJECT,
        "late",
        write=False,
    )
    assert len(items) == 1
    result = sb.run(ims.save_actions, R, items, "tester")
    assert [e.code for e in result.errors] == ["IMSSAV0010"]


def test_home_counts_each_gstin_and_the_itc_at_stake_in_its_working_period(sb):
    sb.act("INV-01", "R")
    sb.act("G-1", "P")
    (r2, r) = sb.run(dashboard.home, [R, R2], write=False)
    assert (r2.gstin, sum(r2.actions.values()), r2.itc_at_stake) == (R2, 0, Decimal("0.00"))
    assert r.period == Period(2025, 9)
    assert (r.actions[Action.NO_ACTION], r.actions[Action.REJECT], r.actions[Action.PENDING]) == (
        15,
        1,
        1,
    )
    # 12 invoices (1,000 … 12,000 at 18 %) + 3 × 1,800 − CN-901 90; CN-951 is October's
    assert r.itc_at_stake == Decimal("14040.00") + Decimal("5400.00") - Decimal("90.00")


def test_itc_by_action_nets_credit_notes(sb):
    sb.act("CN-901", "A")
    by_action = page(sb).summary.itc_by_action
    assert by_action[Action.ACCEPT] == Decimal("-90.00")
    assert by_action[Action.NO_ACTION] == Decimal("14040.00") + Decimal("5400.00") - Decimal(
        "1800.00"
    )


def test_the_2b_state_says_when_actions_changed_since_it_was_computed(sb):
    # drafted on the 14th; CN-951 arrived on the 15th, so IMS changed since
    state = sb.run(dashboard.gstr2b_state, R, Period(2025, 9), write=False)
    assert (state.version, state.changed_since) == (1, True)
    sb.gen2b("092025")
    state = sb.run(dashboard.gstr2b_state, R, Period(2025, 9), write=False)
    assert (state.version, state.changed_since) == (2, False)
    sb.act("INV-02", "R")
    assert sb.run(dashboard.gstr2b_state, R, Period(2025, 9), write=False).changed_since
    months = sb.run(dashboard.itc_over_months, R, write=False)
    assert [m.period for m in months] == [Period(2025, 9)]


def test_getcnt_from_the_kept_summary_equals_the_counting_query_after_every_change(sb):
    """Issue 13: GETCNT reads the dashboard's kept summary (`dashboard.ims_counts`); it must
    answer what `ims.counts` counts, after a SAVE, a RETSAVE, a RESET and the clock alike."""

    def both() -> tuple[dict, dict]:
        kept = sb.run(dashboard.ims_counts, R, write=False)
        counted = sb.run(ims.counts, R, write=False)
        return kept, counted

    steps = [
        lambda: None,
        lambda: sb.act("INV-01", "A"),
        lambda: sb.act("INV-02", "R"),
        lambda: sb.act("CN-901", "P"),
        lambda: sb.save(S1, "102025", doc("INV-77", "06-10-2025")),
        lambda: sb.act("INV-01", "N"),
        lambda: sb.today("14-11-2025"),
    ]
    seen = []
    for step in steps:
        step()
        kept, counted = both()
        assert kept == counted
        assert sb.run(dashboard.ims_counts, R, write=False) == counted  # from the kept summary
        seen.append(counted[Section.B2B])
    assert seen[1] != seen[0] and seen[4] != seen[3]  # the steps did change the counts
