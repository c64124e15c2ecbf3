"""Five ITC timelines where events, amendments and consumption meet (issue 12), on the use cases.

The principle they hold: a 3B consumes exactly what its 2B held, with what that 2B counted, and
each later document is measured against that. IGST at 18 %, inter-state (S1 in Maharashtra,
R in Karnataka); amounts in rupees. Each test tells its timeline in its docstring.
"""

from dataclasses import replace
from decimal import Decimal

import sqlalchemy as sa
from tests.integration.harness import S1, S2, R, Sandbox, doc

from gstims.domain.calendar import Period
from gstims.domain.records import Action, gives_credit_back
from gstims.store.records.mapping import record_of
from gstims.store.records.selections import gives_credit_back as sql_gives_credit_back
from gstims.store.tables import audit_log, itc_adjustments, records


def start(db, registered: str, today: str, *gstins: str) -> Sandbox:
    """Monthly taxpayers registered on `registered`, the clock on `today`."""
    box = Sandbox(db, today=registered)
    for gstin in gstins:
        box.register(gstin, on=registered)
    box.today(today)
    return box


def oth(box: Sandbox, period: str, gstin: str = R) -> Decimal:
    """4(A)(5) IGST of the period's GSTR-3B as auto-populated."""
    return box.autoliab(period, gstin).table4.available.all_other.igst


def rev(box: Sandbox, period: str, gstin: str = R) -> Decimal:
    """4(B)(2) IGST."""
    return box.autoliab(period, gstin).table4.reversed_itc.others.igst


def net(box: Sandbox, period: str, gstin: str = R) -> Decimal:
    """4(C) IGST: what the 3B claims."""
    return box.autoliab(period, gstin).table4.net.igst


def claim(box: Sandbox, period: str, gstin: str = R) -> Decimal:
    """R files its (nil) GSTR-1 and its GSTR-3B of the period; the 4(C) IGST it claimed."""
    box.file(gstin, period)
    claimed = net(box, period, gstin)
    box.file3b(period, gstin)
    return claimed


def effect(db, number: str, amend_no: int = 0) -> tuple:
    """(consumed in, IGST effect in rupees, route) of one version of a chain."""
    query = sa.select(records.c.consumed_in, records.c.eff_igst, records.c.route).where(
        records.c.doc_number == number, records.c.amend_no == amend_no
    )
    with db.engine.connect() as conn:
        consumed_in, eff, where = conn.execute(query).one()
    return consumed_in, Decimal(eff or 0) / 100, where


# -- case 1 -------------------------------------------------------------------------------------

RAISED = doc("INV-1", "10-10-2024", taxable=20000, original=("INV-1", "10-10-2024"))


def inv_1_filed_on_5_november(db) -> Sandbox:
    """S1 and R registered 01-10-2024; INV-1 of 1,800 in S1's Oct-2024 GSTR-1, filed 05-11."""
    box = start(db, "01-10-2024", "01-11-2024", S1, R)
    box.save(S1, "102024", doc("INV-1", "10-10-2024", taxable=10000))
    box.today("05-11-2024")
    box.file(S1, "102024")
    return box


def test_r_in_7_an_amendment_between_the_2b_and_the_3b_counts_its_difference_once(db):
    """Rule: R-IN-7, R-3B-3, R-2B-5 — INV-1 of 1,800 deemed accepted into the 2B of 102024
    (14-11); a GSTR-1A of 16-11 raises it to 3,600; the 3B of 18-11 claims 1,800 and consumes
    INV-1 although replaced; the 2B of 112024 counts the amendment +1,800: 3,600 in all."""
    box = inv_1_filed_on_5_november(db)
    box.today("16-11-2024")
    box.save(S1, "102024", RAISED, form="GSTR1A")
    box.file(S1, "102024", form="GSTR1A")
    box.today("18-11-2024")
    october = claim(box, "102024")
    assert october == Decimal("1800.00")
    assert effect(db, "INV-1") == (202410, Decimal(1800), "IMS")
    box.today("14-12-2024")
    two_b = box.get2b("112024")["itcsumm"]["itcavl"]["nonrevsup"]
    assert (two_b["b2ba"]["igst"], two_b["b2b"]["igst"]) == (1800, 0)
    november = claim(box, "112024")
    assert november == Decimal("1800.00")
    assert october + november == Decimal("3600.00")
    assert effect(db, "INV-1", 1) == (202411, Decimal(3600), "IMS")  # cumulative


def test_r_in_7_an_unfiled_amendment_replacing_a_held_original_is_measured_against_it(db):
    """Rule: R-IN-7, R-2B-5 — saved on 16-11 and filed only on 05-12 (after the 3B consumed
    its original), the amendment to 3,600 still counts +1,800, in b2ba."""
    box = inv_1_filed_on_5_november(db)
    box.today("16-11-2024")
    box.save(S1, "102024", RAISED, form="GSTR1A")
    box.today("18-11-2024")
    assert claim(box, "102024") == Decimal("1800.00")
    box.file(S1, "102024", form="GSTR1A")
    assert box.find("INV-1").section == "b2ba"
    box.today("14-12-2024")
    assert claim(box, "112024") == Decimal("1800.00")


def test_r_2b_5_an_amendment_replacing_an_unconsumed_amendment_is_measured_against_the_chain(db):
    """Rule: R-2B-5, R-IN-7 — INV-1 gave 1,800 (102024) and its amendment to 3,600 another
    1,800 (112024). A GSTR-1A of 112024 filed on 16-12 cuts it to 900; before any 3B consumes
    that, the GSTR-1 of 122024 sets it to 1,800: measured against the 3,600 the chain gave, it
    counts −1,800 — 1,800 in all for a 1,800 invoice, not 5,400."""
    box = inv_1_filed_on_5_november(db)
    box.today("18-11-2024")
    assert claim(box, "102024") == Decimal("1800.00")
    box.file3b("102024", S1)
    box.today("03-12-2024")
    box.save(S1, "112024", RAISED)
    box.file(S1, "112024")
    box.today("14-12-2024")
    assert claim(box, "112024") == Decimal("1800.00")
    cut = doc("INV-1", "10-10-2024", taxable=5000, original=("INV-1", "10-10-2024"))
    box.save(S1, "112024", cut, form="GSTR1A")
    box.today("16-12-2024")
    box.file(S1, "112024", form="GSTR1A")
    box.file3b("112024", S1)
    box.today("03-01-2025")
    back = doc("INV-1", "10-10-2024", taxable=10000, original=("INV-1", "10-10-2024"))
    box.save(S1, "122024", back)
    box.file(S1, "122024")
    box.today("14-01-2025")
    assert claim(box, "122024") == Decimal("-1800.00")


def test_r_in_2_deleting_an_unfiled_amendment_brings_back_the_original_it_replaced(db):
    """Rule: R-IN-2, R-IN-7 — INV-1 of 1,800, accepted, is replaced on 10-11 by an unfiled
    GSTR-1A amendment, which the supplier deletes the same day: INV-1 is back in IMS at No
    action, and the 2B of 102024 holds it."""
    box = inv_1_filed_on_5_november(db)
    box.act("INV-1", "A")
    box.today("10-11-2024")
    box.save(S1, "102024", RAISED, form="GSTR1A")
    assert box.find("INV-1").record.tax.igst == Decimal("3600.00")
    box.save(S1, "102024", replace(RAISED, delete=True), form="GSTR1A")
    back = box.find("INV-1")
    assert (back.record.tax.igst, back.state.action) == (Decimal("1800.00"), Action.NO_ACTION)
    box.today("18-11-2024")
    assert claim(box, "102024") == Decimal("1800.00")


# -- case 2 -------------------------------------------------------------------------------------


def fy_2024_25_invoices_in_october_2025(db) -> Sandbox:
    """S1 and R registered 01-10-2025; S1's Oct-2025 GSTR-1 (filed 05-11-2025) reports three
    FY 2024-25 invoices (16(4) limit 30-11-2025): INV-9 of 1,800, INV-8 of 1,800, INV-3 of
    3,600. R keeps INV-8 Pending before the 2B."""
    box = start(db, "01-10-2025", "01-11-2025", S1, R)
    box.save(
        S1,
        "102025",
        doc("INV-9", "15-03-2025", taxable=10000),
        doc("INV-8", "16-03-2025", taxable=10000),
        doc("INV-3", "17-03-2025", taxable=20000),
    )
    box.today("05-11-2025")
    box.file(S1, "102025")
    box.act("INV-8", "P", remarks="checking")
    return box


def test_r_3b_3_a_record_time_barred_after_its_2b_gives_what_the_3b_counted(db):
    """Rule: R-3B-3, R-2B-5, R-IN-5f, R-ACT-5 — INV-9 deemed accepted into the 2B of 102025
    (14-11) is turned Pending on 20-11 and time-barred on 01-12; the 3B filed on 02-12 from that
    2B claims 1,800 and INV-9 gives 1,800. A downward amendment to 900 then counts −900:
    900 of credit on a 900 invoice."""
    box = fy_2024_25_invoices_in_october_2025(db)
    box.today("20-11-2025")
    box.act("INV-9", "P", remarks="querying the rate")
    box.today("02-12-2025")
    assert "INV-9" not in box.numbers()  # time-barred on 01-12
    assert claim(box, "102025") == Decimal("5400.00")  # INV-9 1,800 + INV-3 3,600
    assert effect(db, "INV-9") == (202510, Decimal(1800), "IMS")
    box.file3b("102025", S1)
    box.save(
        S1, "112025", doc("INV-9", "15-03-2025", taxable=5000, original=("INV-9", "15-03-2025"))
    )
    box.today("05-12-2025")
    box.file(S1, "112025")
    box.today("14-12-2025")
    assert box.get2b("112025")["itcsumm"]["itcavl"]["nonrevsup"]["b2ba"]["igst"] == -900
    assert claim(box, "112025") == Decimal("-900.00")
    with db.engine.connect() as conn:
        notes = conn.execute(sa.select(audit_log.c.note).where(audit_log.c.number == "INV-9"))
        assert "back in IMS as the filed 2B held it" in " ".join(n or "" for (n,) in notes)


def test_r_in_5f_an_invoice_never_claimed_gives_nothing_on_a_downward_amendment(db):
    """Rule: R-IN-5f, R-2B-5, R-ACT-5 — INV-8 kept Pending past its limit is time-barred on
    01-12 and consumed by the 3B of 112025 with 0; amended down to 900 in the GSTR-1 of
    122025 it gives 0, not +900."""
    box = fy_2024_25_invoices_in_october_2025(db)
    box.today("02-12-2025")
    claim(box, "102025")
    box.file3b("102025", S1)
    box.today("14-12-2025")
    two_b = box.get2b("112025")["itcsumm"]
    assert two_b["itcunavl"]["nonrevsup"]["b2b"]["igst"] == 1800  # INV-8, rsn C
    assert claim(box, "112025") == Decimal("0.00")
    assert effect(db, "INV-8") == (202511, Decimal(0), "TIME")
    box.file(S1, "112025")
    box.file3b("112025", S1)
    box.today("05-01-2026")  # saved and filed on one day: no daily event between them
    box.save(
        S1, "122025", doc("INV-8", "16-03-2025", taxable=5000, original=("INV-8", "16-03-2025"))
    )
    box.file(S1, "122025")
    box.today("14-01-2026")
    two_b = box.get2b("122025")["itcsumm"]["itcavl"]["nonrevsup"]
    assert (two_b["b2ba"]["igst"], two_b["igst"]) == (0, 0)
    assert claim(box, "122025") == Decimal("0.00")


def test_r_in_5f_a_downward_replacement_of_an_unconsumed_original_after_the_limit_is_barred(db):
    """Rule: R-IN-5f, R-IN-7 — INV-8, Pending, is replaced on 05-12 (after its limit, before
    any 3B consumed it) by an amendment down to 900: judged as the invoice it replaces, filed
    after the limit, it is time-barred (rsn C) and gives nothing."""
    box = fy_2024_25_invoices_in_october_2025(db)
    box.today("02-12-2025")
    claim(box, "102025")
    box.file3b("102025", S1)
    box.today("05-12-2025")  # saved and filed on one day: no daily event between them
    box.save(
        S1, "112025", doc("INV-8", "16-03-2025", taxable=5000, original=("INV-8", "16-03-2025"))
    )
    box.file(S1, "112025")
    box.today("14-12-2025")
    two_b = box.get2b("112025")["itcsumm"]
    assert two_b["itcavl"]["nonrevsup"]["b2b"]["igst"] == 0
    assert two_b["itcunavl"]["nonrevsup"]["b2b"]["igst"] == 900
    assert claim(box, "112025") == Decimal("0.00")


# -- case 3 -------------------------------------------------------------------------------------


def test_r_act_5_a_downward_amendment_saved_before_the_limit_keeps_its_reduction(db):
    """Rule: R-ACT-5, R-IN-5f, R-2B-5 — INV-3 of 3,600, claimed by the 3B of 102025 on
    20-11, is amended down to 1,800: saved on 28-11 and filed on 05-12, the amendment is not
    time-barred on 01-12 and counts −1,800, as INV-9's amendment saved and filed on 05-12."""
    box = fy_2024_25_invoices_in_october_2025(db)
    box.today("20-11-2025")
    assert claim(box, "102025") == Decimal("5400.00")
    box.file3b("102025", S1)
    box.today("28-11-2025")
    box.save(
        S1, "112025", doc("INV-3", "17-03-2025", taxable=10000, original=("INV-3", "17-03-2025"))
    )
    box.today("05-12-2025")
    assert "INV-3" in box.numbers()  # not time-barred on 01-12
    box.save(S1, "112025", doc("INV-9", "15-03-2025", taxable=0, original=("INV-9", "15-03-2025")))
    box.file(S1, "112025")
    box.today("14-12-2025")
    b2ba = box.get2b("112025")["itcsumm"]["itcavl"]["nonrevsup"]["b2ba"]["igst"]
    assert b2ba == -3600  # −1,800 each
    assert claim(box, "112025") == Decimal("-3600.00")


def test_r_act_5_a_downward_replacement_time_barred_unfiled_comes_back_once_its_original_is_consumed(
    db,
):
    """Rule: R-ACT-5, R-3B-3, R-2B-5 — the amendment of INV-3 down to 1,800 is saved on 28-11,
    before the 3B consumes INV-3: unfiled past the limit, it leaves IMS on 01-12; the 3B of
    02-12 consumes INV-3 with its 3,600, and the amendment, now one of a consumed original that
    gives credit back, returns and counts −1,800."""
    box = fy_2024_25_invoices_in_october_2025(db)
    box.today("28-11-2025")
    box.save(
        S1, "112025", doc("INV-3", "17-03-2025", taxable=10000, original=("INV-3", "17-03-2025"))
    )
    box.today("02-12-2025")
    assert "INV-3" not in box.numbers()
    assert claim(box, "102025") == Decimal("5400.00")
    assert "INV-3" in box.numbers()
    box.file3b("102025", S1)
    box.today("05-12-2025")
    box.file(S1, "112025")
    box.today("14-12-2025")
    assert claim(box, "112025") == Decimal("-1800.00")


def test_r_act_5_the_time_bars_sql_exemption_agrees_with_gives_credit_back(db):
    """Rule: R-ACT-5, R-IN-7 — `selections.gives_credit_back` (the daily time-bar's SQL) selects exactly
    the records the domain's `gives_credit_back` names: plain records, amendments of consumed
    originals downward, upward and equal, and a downward replacement of an unconsumed one."""
    box = start(db, "01-10-2024", "01-11-2024", S1, R)
    box.save(S1, "102024", *(doc(f"INV-{n}", "10-10-2024", taxable=10000) for n in (1, 2, 3)))
    box.today("05-11-2024")
    box.file(S1, "102024")
    box.today("18-11-2024")
    claim(box, "102024")
    box.file3b("102024", S1)
    box.today("05-12-2024")

    def amended(n: int, taxable: int) -> object:
        return doc(f"INV-{n}", "10-10-2024", taxable=taxable, original=(f"INV-{n}", "10-10-2024"))

    five = doc("INV-5", "10-11-2024", taxable=10000)
    box.save(S1, "112024", amended(1, 5000), amended(2, 20000), amended(3, 10000), five)
    box.file(S1, "112024")
    box.save(
        S1, "122024", doc("INV-5", "10-11-2024", taxable=5000, original=("INV-5", "10-11-2024"))
    )
    with db.engine.connect() as conn:
        rows = (
            conn.execute(sa.select(records, sql_gives_credit_back().label("sql"))).mappings().all()
        )
    verdicts = {(r["doc_number"], r["amend_no"]): bool(r["sql"]) for r in rows}
    assert verdicts == {
        (r["doc_number"], r["amend_no"]): gives_credit_back(record_of(r)) for r in rows
    }
    assert [k for k, v in verdicts.items() if v] == [("INV-1", 1)]
    assert len(verdicts) == 8


# -- case 4 -------------------------------------------------------------------------------------


def test_r_2b_8_a_supplier_filing_its_3b_on_30_september_is_not_a_defaulter(db):
    """Rule: R-2B-8, R-CLK — S1 (INV-1, 1,800) files its 3B of 032025 ON 30-09-2025, S2 (INV-2,
    900) never: R's 2B of 092025 reverses 900 (4(B)(2) 900, 4(A)(5) 0), with no reversal and
    no reclaim for S1. The check runs on 01-10, the day after the deadline."""
    box = start(db, "01-03-2025", "31-03-2025", S1, S2, R)
    box.save(S1, "032025", doc("INV-1", "10-03-2025", taxable=10000))
    box.save(S2, "032025", doc("INV-2", "11-03-2025", taxable=5000, supplier_gstin=S2))
    box.today("05-04-2025")
    box.file(S1, "032025")
    box.file(S2, "032025")
    for p in Period(2025, 3).months_through(Period(2025, 8)):
        box.today(p.next().day(14).strftime("%d-%m-%Y"))
        box.file(R, p.code)
        box.file3b(p.code)
    box.today("30-09-2025")
    box.file3b("032025", S1)
    events = box.today("01-10-2025")
    assert [e.summary for e in events if e.event.value == "rule_37a"] == ["1 Rule 37A reversal(s)"]
    box.today("14-10-2025")
    assert (rev(box, "092025"), oth(box, "092025")) == (Decimal("900.00"), Decimal("0.00"))
    with db.engine.connect() as conn:
        adjustments = conn.execute(
            sa.select(
                itc_adjustments.c.supplier, itc_adjustments.c.kind, itc_adjustments.c.period_2b
            )
        ).all()
    assert adjustments == [(S2, "reversal", 202509)]


# -- case 5 -------------------------------------------------------------------------------------


def test_r_seq_1_a_quarterly_gstr1_is_filed_without_iffs(db):
    """Rule: R-SEQ-1 — a quarterly supplier files its GSTR-1 for the quarter Oct-Dec 2024 with
    no IFF for October or November; its recipient sees the invoice."""
    box = start(db, "01-10-2024", "01-10-2024", R)
    box.register(S2, "Q", on="01-10-2024")
    box.today("05-01-2025")
    box.save(S2, "122024", doc("INV-Q", "20-11-2024", taxable=10000, supplier_gstin=S2))
    box.file(S2, "122024")
    assert "INV-Q" in box.numbers()
