"""Every fast path equals its plain counterpart (issue 11; ADR 0005).

- Row mapping: the positional, two-query reader the 2B and 3B use (`select_record_rows` +
  `record_and_state_of`, with the unfrozen twin builder) gives the very `Record` and `ImsState`
  that the plain by-name mapping (`record_of`, `state_of`) gives, for random rows — dense and
  sparse, amendments, declarations — on SQLite and PostgreSQL.
- Judgement: a SAVE, which asks the rule table once per question and writes set-based, leaves
  every record exactly where asking `decide` of each item in turn, by hand, would (R-ACT-9).
- Class judgement: filing a 3B consumes the records its 2B held by judging plain records a
  class at a time on one sample and the others once per `ConsumedFacts` (`store/records/
  consumption.Judge`); every record keeps exactly the effect, and every credit note adds back
  exactly the amount, that `domain.gstr3b.consumed` gives it alone (R-3B-3, R-2B-5, R-3B-4),
  on SQLite and PostgreSQL.
- Judgement on facts: SAVE and RESET memoise the rule table's answer on the arguments of a
  record's `ActionFacts` (ADR 0020); every item gets what `decide` / `reset` asked of its
  record's view gives, for random records — filed or not, amendments, consumed, off the IMS
  route, either era — on SQLite and PostgreSQL.
- Found records: a rule apply's SAVE of the records its dry run found (`save_found`) leaves
  the result, the records and the audit trail that `save_actions` of the items naming them
  leaves, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from tests.integration.harness import S1, R, Sandbox, d, doc

from gstims.domain.actions import Code, Refusal, decide, reset, view_of
from gstims.domain.calendar import Period
from gstims.domain.gstr3b import consumed
from gstims.domain.ims import ActionItem
from gstims.domain.money import Tax
from gstims.domain.records import Action, Kind, Route, normalise_number
from gstims.domain.state import Declaration, ImsState
from gstims.services import ims, ims_save
from gstims.services.context import taxpayer
from gstims.services.ims_find import FOUND_NAMES
from gstims.services.ims_read import current_period_2b
from gstims.services.ims_save import Found
from gstims.store.bulk import insert_rows
from gstims.store.records.mapping import (
    STATE_COLUMNS,
    period_int,
    record_and_state_of,
    record_of,
    select_record_rows,
    state_of,
    tax_paise,
)
from gstims.store.tables import audit_log, records

_STATE = [records.c[c] for c in STATE_COLUMNS]

_SETTINGS = settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
DAY0 = date(2025, 10, 1)
_days = st.integers(0, 60).map(lambda n: DAY0 + timedelta(days=n))
_paise = st.integers(0, 10**13)
_heads = st.tuples(_paise, _paise, _paise, _paise)


@st.composite
def amended_and_declared(
    draw: st.DrawFn,
    i: int,
    heads: st.SearchStrategy[tuple[int, ...]],
    days: st.SearchStrategy[date],
    declarations: tuple[str | None, ...] = (None, "N", "Y"),
) -> dict[str, object]:
    """A stored record's optional columns: the original an amendment remembers (its tax and
    consumed effect), and a declaration (R-ACT-6) with or without its tax."""
    row: dict[str, object] = {}
    if draw(st.booleans()):  # an amendment remembers its original
        effect = draw(st.none() | heads)
        row |= {
            "orig_number": f"O{i}",
            "orig_date": draw(days),
            **dict(
                zip(("orig_igst", "orig_cgst", "orig_sgst", "orig_cess"), draw(heads), strict=True)
            ),
            "orig_consumed": draw(st.booleans()),
            "orig_action": draw(st.sampled_from(["A", "R", "P", "N", None])),
        }
        if effect is not None:
            names = ("orig_eff_igst", "orig_eff_cgst", "orig_eff_sgst", "orig_eff_cess")
            row |= dict(zip(names, effect, strict=True))
    declared = draw(st.sampled_from(declarations))
    if declared:
        row["itc_red_req"] = declared
        if declared == "Y" and draw(st.booleans()):
            names = ("decl_igst", "decl_cgst", "decl_sgst", "decl_cess")
            row |= dict(zip(names, draw(heads), strict=True))
    return row


@st.composite
def _rows(draw, i: int) -> dict:
    igst, cgst, sgst, cess = draw(_heads)
    row = {
        "recipient": R,
        "supplier": draw(st.sampled_from([S1, ""])),
        "kind": draw(st.sampled_from(list(Kind))).value,
        "number": f"N{i}",
        "fy": 2025,
        "origin": draw(st.sampled_from(["R1", "R1A", "R5"])),
        "source_period": draw(st.sampled_from([202509, 202510])),
        "supplier_frequency": draw(st.sampled_from(["M", "Q"])),
        "doc_number": f"n-{i}",
        "doc_date": draw(_days),
        "pos": "29",
        "supply_type": "R",
        "rchrg": draw(st.booleans()),
        "rate": draw(st.sampled_from([None, "18", "0.25"])),
        "diff_percent": draw(st.sampled_from([None, "65"])),
        "value": draw(_paise),
        "taxable": draw(_paise),
        "igst": igst,
        "cgst": cgst,
        "sgst": sgst,
        "cess": cess,
        "filed_on": draw(st.none() | _days),
        "hash": "0" * 64,
        "route": draw(st.sampled_from(list(Route))).value,
        "period_2b": 202510,
        "time_barred": draw(st.booleans()),
        "action": draw(st.sampled_from(list(Action))).value,
        "remarks": draw(
            st.none()  # text a database can store: no lone surrogates
            | st.text(
                st.characters(min_codepoint=32, exclude_categories=["Cs"]), min_size=1, max_size=20
            )
        ),
        "actual_supplier": draw(st.none() | st.just(S1)),
        "port_code": draw(st.none() | st.just("INMAA4")),
        "ref_date": draw(st.none() | _days),
    }
    return row | draw(amended_and_declared(i, _heads, _days))


@_SETTINGS
@given(st.integers(1, 25).flatmap(lambda n: st.tuples(*(_rows(i) for i in range(n)))))
def test_the_positional_row_reader_builds_the_records_the_plain_mapping_builds(db, rows) -> None:
    with db.transaction() as uow:
        uow.conn.execute(delete(records))
        names = sorted({name for row in rows for name in row})  # one layout for every row
        insert_rows(uow.conn, records, [{n: row.get(n) for n in names} for row in rows])
    with db.uow(write=False) as uow:
        plain = {
            row["id"]: (record_of(row), state_of(row))
            for row in uow.conn.execute(select(records)).mappings()
        }
        fast_rows = select_record_rows(uow.conn, records.c.recipient == R, ("id",))
        fast = {dense[-1]: record_and_state_of(dense, sparse) for dense, sparse in fast_rows}
    assert fast == plain
    for record, _ in fast.values():  # the twin's object is the frozen class itself
        assert type(record).__name__ == "Record"
        assert dataclasses.is_dataclass(record)


# -- judgement: the memoised SAVE against `decide` asked item by item ------------------------

_INVOICES = [f"INV-{n}" for n in range(16)]
_NOTES = [f"CN-{n}" for n in range(6)]


_MONTHS: dict[int, Sandbox] = {}


def _month(db) -> Sandbox:
    """The month, made once per database; each example starts from every record at No action."""
    box = _MONTHS.get(id(db))
    if box is None:
        box = _MONTHS[id(db)] = _made_month(db)
    with db.transaction() as uow:
        uow.conn.execute(
            update(records).values(
                action="N",
                remarks=None,
                itc_red_req=None,
                decl_igst=None,
                decl_cgst=None,
                decl_sgst=None,
                decl_cess=None,
            )
        )
    return box


def _made_month(db) -> Sandbox:
    box = Sandbox(db, today="05-10-2025")
    box.register(S1, on="01-10-2025")
    box.register(R, on="01-10-2025")
    docs = [doc(n, "02-10-2025") for n in _INVOICES]
    docs += [doc(n, "03-10-2025", kind=Kind.CN, taxable=1000) for n in _NOTES]
    box.save(S1, "102025", *docs)
    box.today("10-11-2025")
    box.file(S1, "102025")
    return box


_item = st.tuples(
    st.sampled_from([*_INVOICES, *_NOTES, "NOPE-1"]),
    st.sampled_from(list(Action)),
    st.sampled_from([Action.NO_ACTION] * 4 + [None, *Action]),  # most as a client reads them
    st.sampled_from([None, "", "  short  ", "x" * 260]),
)
# most records named once (judged by class, memoised), a few named again (judged alone)
_items = st.tuples(
    st.lists(_item, min_size=1, max_size=20, unique_by=lambda t: t[0]),
    st.lists(_item, max_size=4),
).map(lambda parts: parts[0] + parts[1])


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(wanted=_items)
def test_a_save_leaves_every_record_where_deciding_each_item_in_turn_would(db, wanted) -> None:
    box = _month(db)
    shown = {r.record.number: r for r in box.ims()}
    today = d("10-11-2025")
    items = []
    for number, action, prev, remarks in wanted:
        known = shown.get(number) or shown["INV-0"]
        items.append(
            ActionItem(
                known.section,
                S1,
                number,
                known.record.doc_date,
                action,
                prev,
                remarks,
            )
        )
    # the plain path: each item asked of the rule table on its own, in order
    states = {n: r.state for n, r in shown.items()}
    expected_errors: list[str] = []
    for item in items:
        if item.number not in shown:
            expected_errors.append(Code.UNKNOWN_RECORD.value)
            continue
        view = dataclasses.replace(shown[item.number].view, state=states[item.number])
        if item.action is Action.NO_ACTION:
            outcome: ImsState | Refusal = reset(view, item.prev_status)
        else:
            outcome = decide(
                view, item.action, item.prev_status, item.remarks, item.declaration, today
            )
        if isinstance(outcome, Refusal):
            expected_errors.append(outcome.code.value)
        else:
            states[item.number] = outcome
    # the fast path: one SAVE (a RESET for the No-action items, as a client would send them)
    saves = [i for i in items if i.action is not Action.NO_ACTION]
    resets = [i for i in items if i.action is Action.NO_ACTION]
    if resets and saves:  # keep the order the plain path took: one request of each kind
        items = [i for i in items if i.action is not Action.NO_ACTION]
        return _same_as_plain_for_saves_only(box, items, today)
    fn = ims.reset_actions if resets else ims.save_actions
    result = box.run(fn, R, items, "tester")
    assert [e.code for e in result.errors] == expected_errors
    assert {r.record.number: r.state for r in box.ims()} == states


def _same_as_plain_for_saves_only(box: Sandbox, items: list[ActionItem], today: date) -> None:
    shown = {r.record.number: r for r in box.ims()}
    states = {n: r.state for n, r in shown.items()}
    expected_errors = []
    for item in items:
        if item.number not in shown:
            expected_errors.append(Code.UNKNOWN_RECORD.value)
            continue
        view = dataclasses.replace(shown[item.number].view, state=states[item.number])
        outcome = decide(view, item.action, item.prev_status, item.remarks, None, today)
        if isinstance(outcome, Refusal):
            expected_errors.append(outcome.code.value)
        else:
            states[item.number] = outcome
    result = box.run(ims.save_actions, R, items, "tester")
    assert [e.code for e in result.errors] == expected_errors
    assert {r.record.number: r.state for r in box.ims()} == states


# -- class judgement: consuming a 2B's records against `consumed` asked of each -------------

_PERIOD = Period(2025, 10)
_EFFECTS = ("eff_igst", "eff_cgst", "eff_sgst", "eff_cess")


@st.composite
def _held(draw, i: int) -> tuple[dict, str]:
    """A record a 2B held and the action it held it with; most amend nothing and carry no
    declaration (judged by class), the others are judged one by one."""
    row = draw(_rows(i))
    if draw(st.integers(0, 3)):  # three in four: a plain record
        row = {k: v for k, v in row.items() if not k.startswith(("orig_", "decl_", "itc_red"))}
    return row, draw(st.sampled_from(list(Action))).value


@_SETTINGS
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(*(_held(i) for i in range(n)))))
def test_consuming_by_class_gives_each_record_what_consumed_gives_it_alone(db, held) -> None:
    rows = [row for row, _ in held]
    with db.transaction() as uow:
        uow.conn.execute(delete(records))
        names = sorted({name for row in rows for name in row})
        insert_rows(uow.conn, records, [{n: row.get(n) for n in names} for row in rows])
    with db.transaction() as uow:
        stored = list(uow.conn.execute(select(records).order_by(records.c.id)).mappings())
        members: dict[str, list[int]] = {}
        for row, (_, action) in zip(stored, held, strict=True):
            members.setdefault(action, []).append(row["id"])
        # the plain path: each record judged alone, as its 2B held it
        expected, expected_add_backs = {}, {}
        for row, (_, action) in zip(stored, held, strict=True):
            gave = consumed(record_of(row), state_of(row, action), Route(row["route"]))
            expected[row["id"]] = (action, tuple(tax_paise(gave.effect).values()))
            if not gave.add_back.is_zero():
                expected_add_backs[row["id"]] = gave.add_back
        # the fast path: one consumption, a class at a time
        add_backs = uow.consumption.consume(
            R, _PERIOD, members, actor="system", day=DAY0, note="test"
        )
        after = uow.conn.execute(
            select(
                records.c.id,
                records.c.consumed_in,
                records.c.action,
                *(records.c[e] for e in _EFFECTS),
            )
        ).all()
    assert {row.id: (row.action, tuple(row[3:])) for row in after} == expected
    assert {row.consumed_in for row in after} == {period_int(_PERIOD)}
    assert {row["id"]: amount for row, amount in add_backs} == expected_add_backs


# -- SAVE's judgement on facts, and a rule apply's found records (ADR 0020) ------------------

_TODAY = date(2025, 11, 10)
_READY: set[int] = set()


def _stored(db, rows: list[dict]) -> list[dict]:
    """The rows as the recipient's records (findable by their key numbers), read back."""
    if id(db) not in _READY:
        box = Sandbox(db, today="10-11-2025")
        box.register(R, on="01-04-2024")
        _READY.add(id(db))
    for row in rows:  # a record's key number: its own normalised number, or its original's
        row["number"] = normalise_number(row.get("orig_number") or row["doc_number"])
    with db.transaction() as uow:
        uow.conn.execute(delete(audit_log))
        uow.conn.execute(delete(records))
        names = sorted({name for row in rows for name in row})
        insert_rows(uow.conn, records, [{n: row.get(n) for n in names} for row in rows])
        return [
            dict(r) for r in uow.conn.execute(select(records).order_by(records.c.id)).mappings()
        ]


@st.composite
def _standing(draw, i: int) -> dict:
    """A record of `_rows` anywhere a SAVE may find it: filed or not, consumed or not, of a
    2B period of either era, on or off the IMS route."""
    row = draw(_rows(i))
    row["period_2b"] = draw(st.sampled_from([202409, 202509, 202510]))
    row["consumed_in"] = draw(st.sampled_from([None] * 5 + [202510]))
    if draw(st.integers(0, 3)):  # most records plain: filed, amending nothing, in IMS
        row = {k: v for k, v in row.items() if not k.startswith("orig_")}
        row["filed_on"] = row["filed_on"] or DAY0
        row["route"] = draw(st.sampled_from([Route.IMS.value] * 8 + [r.value for r in Route]))
        row["kind"] = draw(st.sampled_from([Kind.CN.value, row["kind"]]))  # R-ACT-2..4
    return row


_asked = st.tuples(
    st.sampled_from(list(Action)),
    st.sampled_from(["held"] * 6 + [None, *Action]),  # most as a client reads the record
    st.sampled_from([None, None, "", " checked ", "x" * 260]),
    st.sampled_from([None, None, Declaration(True), Declaration(False), Declaration(True, Tax())]),
)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    st.integers(1, 25).flatmap(lambda n: st.tuples(*(_standing(i) for i in range(n)))),
    st.lists(_asked, min_size=25, max_size=25),  # an item for each record,
    st.lists(st.tuples(st.integers(0, 24), _asked), max_size=6),  # and a few for some again
    st.sampled_from([False, False, False, True]),
)
def test_save_judges_each_record_as_decide_asked_of_its_view_would(
    db, rows, once, again, resets
) -> None:
    """The memoised judgement (`ims_find.Judge`, on the facts' arguments) against `decide` /
    `reset` asked item by item of each record's view as GETINV builds it (R-ACT-1..10)."""
    stored = _stored(db, list(rows))
    with db.uow(write=False) as uow:
        tp = taxpayer(uow, R)
        today = uow.today()
    views, states, items = {}, {}, []
    for row in stored:
        record = record_of(row)
        period = current_period_2b(row, record, tp, today)
        consumed, route = row["consumed_in"] is not None, Route(row["route"])
        views[row["id"]] = view_of(
            record, state_of(row), period, tp.frequency, tp.state, consumed, route
        )
        states[row["id"]] = state_of(row)
    asked = [*enumerate(once[: len(stored)]), *again]  # one request: a SAVE or a RESET
    for at, (action, prev, remarks, declaration) in asked:
        row = stored[at % len(stored)]
        if not resets and action is Action.NO_ACTION:
            continue
        if prev == "held":
            prev = states[row["id"]].action
        section = views[row["id"]].record.section
        items.append(
            (row["id"], ActionItem(section, row["supplier"], row["doc_number"], row["doc_date"],
                                   action, prev, remarks, declaration))
        )  # fmt: skip
    expected = []
    for record_id, item in items:  # the plain path: each item asked of its record's view
        view = dataclasses.replace(views[record_id], state=states[record_id])
        if resets:
            outcome = reset(view, item.prev_status)
        else:
            outcome = decide(
                view, item.action, item.prev_status, item.remarks, item.declaration, today
            )
        if isinstance(outcome, Refusal):
            expected.append(outcome.code.value)
        else:
            states[record_id] = outcome
    with db.uow() as uow:  # the fast path, rolled back
        use_case = ims.reset_actions if resets else ims.save_actions
        result = use_case(uow, R, [item for _, item in items], "tester")
        after = {row["id"]: state_of(row) for row in uow.conn.execute(select(records)).mappings()}
    assert [e.code for e in result.errors] == expected
    assert after == states


@_SETTINGS
@given(
    st.integers(1, 25).flatmap(lambda n: st.tuples(*(_standing(i) for i in range(n)))),
    st.lists(st.integers(0, 24), min_size=1, max_size=30),  # a record may come twice
    st.sampled_from([Action.ACCEPT, Action.REJECT, Action.PENDING]),
    st.sampled_from([None, "rule remarks", "x" * 260]),
)
def test_saving_found_records_equals_saving_the_items_naming_them(
    db, rows, chosen, action, remarks
) -> None:
    """`save_found` (a rule apply's fast path: the records as the dry run found them) against
    `save_actions` of `Found.items()`: the same result, records and audit trail."""
    stored = _stored(db, list(rows))
    ids = [stored[at % len(stored)]["id"] for at in chosen]
    outcomes = []
    for fast in (True, False):
        with db.uow() as uow:  # rolled back
            uow.lock([R])
            by_id = {row[0]: row for row in uow.records.facts(sorted(set(ids)), FOUND_NAMES[1:], R)}
            found = Found([by_id[i] for i in ids], action, remarks)
            if fast:
                result = ims_save.save_found(uow, R, found, "rule:x by tester")
            else:
                result = ims.save_actions(uow, R, found.items(), "rule:x by tester")
            kept = uow.conn.execute(
                select(records.c.id, records.c.version, records.c.acted_by, *_STATE)
            ).all()
            trail = uow.conn.execute(
                select(
                    *(c for c in audit_log.c if c.name not in ("id", "at", "request_id"))
                ).order_by(audit_log.c.id)
            ).all()
        outcomes.append((result.applied, result.errors, sorted(kept), trail))
    assert outcomes[0] == outcomes[1]
