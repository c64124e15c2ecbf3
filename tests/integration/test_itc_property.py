"""Random ITC timelines (issue 12): what the filed 3Bs claimed is what the law gives.

Hypothesis draws three months (Oct-Dec 2025) of one supplier's invoices and credit notes to
one recipient — new invoices of FY 2024-25 (16(4) limit 30-11-2025, which passes in the
middle) or FY 2025-26, credit notes of the month,
GSTR-1 amendments, GSTR-1A amendments between the 2B and the 3B (some deleted again before
filing), the recipient's actions
(accept, reject, pending, reset) before and after its 2B, recomputations, and the filing days —
then a quiet month in which every Pending record is reset, so that every chain's latest
version is consumed. The invariant (R-3B-3, R-2B-5, R-IN-7, R-IN-5f, R-ACT-5): for every
document chain, the ITC the filed 3Bs claimed for it equals what the law gives (`law_gives`,
written from the rules, not from the code), and the 3Bs' Table 4 sums to the same.

The budget is fixed for CI: `derandomize`, a modest `max_examples`, no deadline.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import postgres_database
from tests.integration.harness import S1, R, Sandbox, doc

from gstims.domain.calendar import Period, section_16_4_limit
from gstims.domain.records import Action, Kind
from gstims.services.errors import Conflict, Invalid
from gstims.store.db import Database
from gstims.store.tables import records, returns

MONTHS = (Period(2025, 10), Period(2025, 11), Period(2025, 12))
QUIET = (Period(2026, 1),)
TAXABLE = (5000, 10000, 20000)
AMENDED = (0, 5000, 10000, 20000)
CHAINS = 4


@dataclass(frozen=True)
class Month:
    """One supplier month and what happens in the month after it, by day."""

    new: tuple[tuple[bool, int, bool], ...]  # (FY 2024-25?, taxable, credit note?) of new ones
    amended: tuple[tuple[int, int], ...]  # (chain, taxable) in the GSTR-1
    gstr1_day: int
    actions: tuple[tuple[int, int, str], ...]  # (day, chain, action)
    gstr1a: tuple[tuple[int, int], ...]  # (chain, taxable), saved on the 15th
    withdrawn: bool  # the supplier deletes the first of those again, unfiled
    gstr1a_day: int
    recompute: bool
    gstr3b_day: int


def months() -> st.SearchStrategy[tuple[Month, ...]]:
    chain = st.integers(0, CHAINS - 1)
    month = st.builds(
        Month,
        new=st.lists(
            st.tuples(st.booleans(), st.sampled_from(TAXABLE), st.booleans()), max_size=2
        ).map(tuple),
        amended=st.lists(st.tuples(chain, st.sampled_from(AMENDED)), max_size=2).map(tuple),
        gstr1_day=st.sampled_from((3, 8, 11)),
        actions=st.lists(
            st.tuples(st.sampled_from((2, 12, 15)), chain, st.sampled_from("ARPN")), max_size=4
        ).map(tuple),
        gstr1a=st.lists(st.tuples(chain, st.sampled_from(AMENDED)), max_size=2).map(tuple),
        withdrawn=st.booleans(),
        gstr1a_day=st.sampled_from((16, 19)),
        recompute=st.booleans(),
        gstr3b_day=st.sampled_from((17, 18)),
    )
    return st.tuples(*(month for _ in MONTHS))


class Timeline:
    """The months played on a sandbox, in the order of their days."""

    def __init__(self, box: Sandbox) -> None:
        self.box = box
        self.chains: list[tuple[str, Kind, str]] = []  # number, kind and date, by index

    def day(self, month: Period, day: int) -> None:
        self.box.today(month.next().day(day).strftime("%d-%m-%Y"))

    def play(self, plan: tuple[Month, ...]) -> None:
        for month, step in zip(MONTHS, plan, strict=True):
            self.month(month, step)
        for month in QUIET:
            self.quiet(month)

    def month(self, month: Period, step: Month) -> None:
        box, code = self.box, month.code
        self.day(month, 1)
        known = len(self.chains)
        new = []
        for fy_2024, taxable, note in step.new:  # credit notes of the month only (s.34(2))
            kind = Kind.CN if note else Kind.INV
            dated = "15-03-2025" if fy_2024 and not note else month.day(10).strftime("%d-%m-%Y")
            self.chains.append((f"{kind}-{len(self.chains)}", kind, dated))
            new.append(doc(self.chains[-1][0], dated, kind=kind, taxable=taxable))
        box.save(S1, code, *new, *self.amendments(step.amended, known))
        for day in sorted({2, 12, 15, step.gstr1_day}):
            self.day(month, day)
            if day == step.gstr1_day:
                box.file(S1, code)
            self.act([(c, a) for d, c, a in step.actions if d == day])
            if day == 15 and (amendments := self.amendments(step.gstr1a, len(self.chains))):
                box.save(S1, code, *amendments, form="GSTR1A")
                if step.withdrawn:
                    box.save(S1, code, replace(amendments[0], delete=True), form="GSTR1A")
        saved_1a = bool(self.amendments(step.gstr1a, len(self.chains)))
        for day in sorted({step.gstr1a_day, step.gstr3b_day}):
            self.day(month, day)
            if day == step.gstr1a_day and saved_1a:
                box.file(S1, code, form="GSTR1A")
            if day == step.gstr3b_day:
                if step.recompute:
                    box.gen2b(code)
                box.file(R, code)
                box.file3b(code)
        self.day(month, 20)
        box.file3b(code, S1)

    def quiet(self, month: Period) -> None:
        """A month without documents: Pending records are reset, every return filed."""
        box = self.box
        self.day(month, 2)
        pending = {r.record.key.number for r in box.ims() if r.state.action == "P"}
        self.act([(i, "N") for i, chain in enumerate(self.chains) if chain[0] in pending])
        self.day(month, 5)
        box.file(S1, month.code)
        self.day(month, 16)
        box.file(R, month.code)
        box.file3b(month.code)
        self.day(month, 20)
        box.file3b(month.code, S1)

    def amendments(self, wanted: tuple[tuple[int, int], ...], known: int) -> list[Any]:
        """Amendments of chains already reported, one per chain (the first asked)."""
        chosen = {c: t for c, t in reversed(wanted) if c < known}
        out = []
        for c, taxable in sorted(chosen.items()):
            number, kind, dated = self.chains[c]
            out.append(doc(number, dated, kind=kind, taxable=taxable, original=(number, dated)))
        return out

    def act(self, wanted: list[tuple[int, str]]) -> None:
        """The recipient's actions on the chains' records now in IMS; a refusal is an answer."""
        shown = {r.record.key.number for r in self.box.ims()}
        for chain, action in wanted:
            if chain < len(self.chains) and self.chains[chain][0] in shown:
                self.box.act(self.chains[chain][0], action)


def law_gives(versions: list[dict[str, Any]]) -> int:
    """The IGST (paise) a chain's consumed versions, oldest first, give in all (R-2B-5, 16(4)).

    For a credit note, what it gave is the reduction (positive), never late. A version
    consumed as Pending was out of IMS (time-barred): nothing new. A rejected version
    keeps what the chain gave before (nothing, for the first). A version accepted or deemed
    accepted gives its tax — unless filed after the 16(4) limit of the chain's document: the
    first one consumed then gives nothing, a later one at most what the chain gave before.
    """
    limit = section_16_4_limit(versions[0]["doc_date"])
    note = versions[0]["kind"] == Kind.CN.value  # a reduction is never late (R-IN-5f)
    given = 0
    for n, v in enumerate(versions):
        action, late = Action(v["consumed_action"]), v["filed_on"] > limit and not note
        if action is Action.PENDING or action is Action.REJECT:
            given = given if n else 0
        elif late:
            given = min(v["igst"], given) if n else 0
        else:
            given = v["igst"]
    return given


def check(db: Database) -> None:
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(records).order_by(records.c.amend_no)).mappings().all()
        filed = conn.execute(
            sa.select(returns.c.content).where(
                returns.c.gstin == R, returns.c.form == "GSTR3B", returns.c.status == "filed"
            )
        ).scalars()
        claimed = sum(Decimal(content["itc_net"][0]) for content in filed)
    chains: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        chains[row["number"]].append(dict(row))
    expected, gave = {}, {}
    for number, versions in chains.items():
        assert all(v["filed_on"] is not None for v in versions), number
        assert versions[-1]["consumed_in"] is not None, f"{number}: latest version unconsumed"
        consumed = [v for v in versions if v["consumed_in"] is not None]
        expected[number] = law_gives(consumed)
        gave[number] = consumed[-1]["eff_igst"]  # an amendment's effect is cumulative
    assert gave == expected
    sign = {
        number: -1 if versions[0]["kind"] == Kind.CN.value else 1
        for number, versions in chains.items()
    }
    assert claimed * 100 == sum(sign[n] * given for n, given in expected.items())


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A migrated SQLite database, copied for each example (a migration per example is slow)."""
    path = tmp_path_factory.mktemp("itc-property") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    db.dispose()
    return path


def fresh(backend: str, template: Path, workdir: Path) -> tuple[Database, Any]:
    if backend == "sqlite":
        copy = workdir / f"{len(list(workdir.iterdir()))}.db"
        shutil.copy(template, copy)
        return Database(f"sqlite:///{copy}"), None
    return postgres_database()


EXAMPLES = {"sqlite": 15, "postgres": 5}


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_r_3b_3_every_chains_claimed_itc_is_what_the_law_gives(backend, template, tmp_path):
    """Rule: R-3B-3, R-2B-5, R-IN-7, R-IN-5f, R-ACT-5 — the property over random timelines."""

    @given(months())
    @settings(
        max_examples=EXAMPLES[backend],
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    def holds(plan: tuple[Month, ...]) -> None:
        db, schema = fresh(backend, template, tmp_path)
        try:
            box = Sandbox(db, today="01-10-2025")
            box.register(S1, on="01-10-2025")
            box.register(R, on="01-10-2025")
            box.today("31-10-2025")
            try:
                Timeline(box).play(plan)
            except (Conflict, Invalid) as refused:  # a timeline the law allows is never refused
                raise AssertionError(f"refused: {refused}") from refused
            check(db)
        finally:
            db.dispose()
            if schema is not None:
                schema.drop()

    holds()


def test_law_gives_reads_the_rules_not_the_code():
    """Rule: R-2B-5, R-IN-5f — the oracle's own cases: accepted 1,800 then 900 after the limit
    gives 900; rejected then 900 after the limit gives 0; replaced before consumption counts
    the replacement alone; Pending (time-barred) gives nothing; a credit note's reduction is
    never late."""

    def v(action: str, igst: int, filed: date, kind: str = "INV") -> dict[str, Any]:
        facts = {"consumed_action": action, "igst": igst, "filed_on": filed}
        return {**facts, "doc_date": MARCH, "kind": kind}

    MARCH, IN_TIME, LATE = date(2025, 3, 15), date(2025, 11, 5), date(2025, 12, 5)
    assert law_gives([v("N", 1800, IN_TIME), v("A", 900, LATE)]) == 900
    assert law_gives([v("R", 1800, IN_TIME), v("A", 900, LATE)]) == 0
    assert law_gives([v("A", 1800, IN_TIME), v("A", 3600, LATE)]) == 1800
    assert law_gives([v("A", 1800, IN_TIME), v("R", 900, IN_TIME)]) == 1800
    assert law_gives([v("P", 1800, IN_TIME)]) == 0
    assert law_gives([v("N", 900, LATE)]) == 0
    assert law_gives([v("A", 1800, IN_TIME, "CN"), v("N", 900, LATE, "CN")]) == 900
