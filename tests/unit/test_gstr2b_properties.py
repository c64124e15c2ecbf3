"""Property tests: a GSTR-2B adds up, places each document once, and leaves Pending out."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from builders import S1, S2, amendment, entry, gstr2b, record
from hypothesis import given, settings
from hypothesis import strategies as st

from gstims.domain.calendar import Period
from gstims.domain.gstr2b import GROUP_SECTIONS, Bucket, Entry, Group, Gstr2B, Rule37A
from gstims.domain.gstr3b import table4
from gstims.domain.money import Tax, sum_tax
from gstims.domain.records import Action, Kind, Route
from gstims.domain.state import Declaration

NOV_2024 = Period(2024, 11)

amounts = st.decimals(min_value=0, max_value=10**6, places=2)
taxes = st.builds(Tax, amounts, amounts, amounts, amounts)
declarations = st.one_of(
    st.none(),
    st.just(Declaration(required=True)),
    st.just(Declaration(required=False)),
    st.builds(Declaration, st.just(True), taxes),
)


@st.composite
def entries(draw: st.DrawFn, index: int) -> Entry:
    kind = draw(st.sampled_from(Kind))
    supplier = draw(st.sampled_from([S1, S2, ""] if kind is Kind.BOE else [S1, S2]))
    tax = draw(taxes)
    rec = record(
        f"DOC-{index}",
        kind=kind,
        supplier=supplier,
        taxable=draw(amounts),
        igst=tax.igst,
        cgst=tax.cgst,
        sgst=tax.sgst,
        cess=tax.cess,
        reverse_charge=draw(st.booleans()),
    )
    if draw(st.booleans()):
        new = draw(taxes)
        rec = amendment(
            rec,
            igst=new.igst,
            cgst=new.cgst,
            sgst=new.sgst,
            cess=new.cess,
            consumed=draw(st.booleans()),
            original_action=draw(st.sampled_from(Action)),
            original_effect=draw(st.none() | taxes),
        )
    return entry(
        rec,
        draw(st.sampled_from(Action)),
        route=draw(st.sampled_from(Route)),
        declaration=draw(declarations),
    )


@st.composite
def statements(draw: st.DrawFn) -> tuple[list[Entry], Gstr2B]:
    count = draw(st.integers(min_value=0, max_value=20))
    drawn = [draw(entries(i)) for i in range(count)]
    adjustments = draw(
        st.lists(
            st.builds(Rule37A, st.sampled_from([S1, S2]), st.just(NOV_2024), taxes, st.booleans()),
            max_size=3,
        )
    )
    return drawn, gstr2b(*drawn, period=NOV_2024, adjustments=tuple(adjustments))


@given(statements())
@settings(max_examples=100, deadline=None)
def test_r_2b_6_every_cell_is_the_sum_of_its_members_and_every_group_of_its_sections(
    case: tuple[list[Entry], Gstr2B],
) -> None:
    _, two_b = case
    members: dict[tuple[Bucket, Group, str], list[Tax]] = {}
    for line in two_b.lines():
        cell = (line.bucket, line.placement.group, line.placement.itc_section)
        members.setdefault(cell, []).append(line.effect)
    for adjustment in two_b.rule_37a:
        members.setdefault((adjustment.bucket, Group.NONREVSUP, "b2b"), []).append(adjustment.tax)

    for bucket in Bucket:
        for group in Group:
            itc_group = two_b.itc.bucket(bucket).group(group)
            assert set(itc_group.sections) == set(GROUP_SECTIONS[group])
            for section, amount in itc_group.sections.items():
                assert amount == sum_tax(members.get((bucket, group, section), []))
            assert itc_group.total == sum_tax(itc_group.sections.values())
    assert all(
        line.effect.heads == tuple(h.quantize(Decimal("0.01")) for h in line.effect.heads)
        for line in two_b.lines()
    )


@given(statements())
@settings(max_examples=100, deadline=None)
def test_r_2b_6_no_document_is_in_both_docdata_and_docrejdata(
    case: tuple[list[Entry], Gstr2B],
) -> None:
    _, two_b = case
    seen = Counter(line.record.key for line in two_b.lines())

    assert all(n == 1 for n in seen.values())
    assert {line.record.key for line in two_b.documents}.isdisjoint(
        line.record.key for line in two_b.rejected_documents
    )


@given(statements())
@settings(max_examples=100, deadline=None)
def test_r_2b_3_a_pending_ims_record_is_never_in_a_2b_and_every_other_one_is(
    case: tuple[list[Entry], Gstr2B],
) -> None:
    drawn, two_b = case
    pending = {
        e.record.key for e in drawn if e.route is Route.IMS and e.state.action is Action.PENDING
    }
    placed = {line.record.key for line in two_b.lines()}

    assert placed.isdisjoint(pending)
    assert placed | pending == {e.record.key for e in drawn}


@given(statements())
@settings(max_examples=100, deadline=None)
def test_r_2b_6_counterparty_rows_cover_every_document_once_with_its_values(
    case: tuple[list[Entry], Gstr2B],
) -> None:
    _, two_b = case

    for rows, lines in (
        (two_b.suppliers, two_b.documents),
        (two_b.rejected_suppliers, two_b.rejected_documents),
    ):
        assert sum(row.documents for row in rows) == len(lines)
        assert sum_tax(row.tax for row in rows) == sum_tax(line.tax for line in lines)
        assert len({(row.section, row.supplier, row.kind) for row in rows}) == len(rows)


@given(statements())
@settings(max_examples=100, deadline=None)
def test_r_3b_1_net_itc_is_4a_minus_4b_per_head_and_4a_is_never_negative(
    case: tuple[list[Entry], Gstr2B],
) -> None:
    _, two_b = case
    t4 = table4(two_b)
    available, reversed_itc = t4.available.total, t4.reversed_itc.total

    for net, a, b in zip(t4.net.heads, available.heads, reversed_itc.heads, strict=True):
        assert net == a - b
    rows = (
        t4.available.import_of_goods,
        t4.available.inward_reverse_charge,
        t4.available.isd,
        t4.available.all_other,
    )
    assert all(h >= 0 for row in rows for h in row.heads)
    assert all(h >= 0 for h in t4.ineligible.others.heads)
