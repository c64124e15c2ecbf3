"""GSTR-1 RESET discards what is saved and unfiled, set-based, in one transaction; RETNEWPTF
runs the filing checks without filing; GSTR-3B RETSAVE keeps a draft (SQLite and PostgreSQL)."""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from tests.integration.harness import S1, R, doc, supplier_and_recipient

from gstims.domain.calendar import Period
from gstims.services import gstr1_reset, gstr3b_draft
from gstims.services.errors import Conflict
from gstims.store.tables import audit_log, records, returns, taxpayers


@pytest.fixture
def box(db):
    box = supplier_and_recipient(db, today="05-12-2024")
    box.save(S1, "102024", doc("INV-1", "10-10-2024", taxable=10000))
    box.file(S1, "102024")
    return box


def reset(box, period="112024", form="GSTR1"):
    return box.run(gstr1_reset.reset_return, S1, form, Period.parse(period))


def ptf(box, period="112024", form="GSTR1"):
    return box.run(gstr1_reset.proceed_to_file, S1, form, Period.parse(period))


def rows(db) -> list[tuple]:
    columns = (records.c.doc_number, records.c.live, records.c.action)
    with db.engine.connect() as conn:
        return sorted(conn.execute(sa.select(*columns)).all())


def scalar(db, query):
    with db.engine.connect() as conn:
        return conn.execute(query).scalar()


def ims_version(db) -> int:
    return scalar(db, sa.select(taxpayers.c.ims_version).where(taxpayers.c.gstin == R))


def test_reset_discards_the_unfiled_return_and_brings_back_an_amended_original(box, db):
    box.save(
        S1,
        "112024",
        doc("INV-1A", "05-11-2024", taxable=5000, original=("INV-1", "10-10-2024")),
        doc("INV-2", "06-11-2024", taxable=2000),
    )
    box.act("INV-2", "A")
    assert rows(db) == [("INV-1", False, "N"), ("INV-1A", True, "N"), ("INV-2", True, "A")]
    version = ims_version(db)

    result = reset(box)

    assert (result.discarded, result.restored) == (2, 1)
    assert rows(db) == [("INV-1", True, "N")]
    assert ims_version(db) > version
    assert box.numbers() >= {"INV-1"}
    assert "INV-2" not in box.numbers()
    note = scalar(
        db,
        sa.select(audit_log.c.note)
        .where(audit_log.c.number == "INV-2")
        .order_by(audit_log.c.at.desc())
        .limit(1),
    )
    assert note == "discarded by the supplier's RESET"
    saved = sa.select(sa.func.count()).select_from(returns).where(returns.c.period == 202411)
    assert scalar(db, saved) == 0


def test_reset_of_nothing_saved_answers_a_reference_and_changes_nothing(box, db):
    before = rows(db), ims_version(db)
    result = reset(box)
    assert result.reference_id and result.discarded == 0
    assert (rows(db), ims_version(db)) == before


def test_a_filed_return_refuses_a_reset(box, db):
    with pytest.raises(Conflict, match="already filed") as refused:
        reset(box, "102024")
    assert refused.value.code == "RET0002"
    assert rows(db) == [("INV-1", True, "N")]


def test_reset_touches_only_its_own_return(box, db):
    box.save(S1, "112024", doc("INV-2", "06-11-2024", taxable=2000))
    box.today("05-01-2025")
    box.save(S1, "122024", doc("INV-3", "06-12-2024", taxable=2000))
    reset(box, "112024")
    assert [r[0] for r in rows(db)] == ["INV-1", "INV-3"]


def test_proceed_to_file_records_p_or_er_and_files_nothing(box, db):
    box.save(S1, "112024", doc("INV-2", "06-11-2024", taxable=2000))
    box.file3b("102024", gstin=S1)  # R-SEQ-1: the previous period's 3B comes first
    ok = ptf(box)
    refused = ptf(box, "102024")  # already filed
    with db.transaction(write=False) as uow:
        good, bad = uow.requests.find(S1, ok), uow.requests.find(S1, refused)
    assert (good["kind"], good["status"], good["err_cnt"]) == ("RETNEWPTF", "P", 0)
    assert bad["status"] == "ER"
    assert bad["error_report"][0]["error_cd"] == "RET0002"
    filed = sa.select(returns.c.status).where(returns.c.period == 202411)
    assert scalar(db, filed) == "saved"
    assert scalar(db, sa.select(records.c.filed_on).where(records.c.doc_number == "INV-2")) is None


def test_proceed_to_file_before_the_period_ends_is_er(box, db):
    reference = ptf(box, "122024")
    with db.transaction(write=False) as uow:
        assert uow.requests.find(S1, reference)["status"] == "ER"


def test_a_gstr3b_draft_is_saved_replaced_and_refused_once_filed(db):
    """GSTR-3B RETSAVE: the period's draft, exact amounts; a filed 3B takes no more saves."""
    box = supplier_and_recipient(db, today="05-11-2024")
    box.save(S1, "102024", doc("INV-1", "10-10-2024", taxable=10000))
    box.file(S1, "102024")
    october = Period.parse("102024")
    first = {"osup_det": {"txval": Decimal("10000.10")}}
    second = {"osup_det": {"txval": Decimal("20000.20")}}
    ref1 = box.run(gstr3b_draft.save_3b, S1, october, first)
    ref2 = box.run(gstr3b_draft.save_3b, S1, october, second)
    assert ref1 != ref2
    assert box.run(gstr3b_draft.draft_3b, S1, october, write=False) == second
    assert box.run(gstr3b_draft.draft_3b, S1, Period.parse("092024"), write=False) is None
    box.today("14-11-2024")
    box.file3b("102024", gstin=S1)
    with pytest.raises(Conflict, match="already filed") as refused:
        box.run(gstr3b_draft.save_3b, S1, october, first)
    assert refused.value.code == "RET0002"
    assert box.run(gstr3b_draft.draft_3b, S1, october, write=False) == second
