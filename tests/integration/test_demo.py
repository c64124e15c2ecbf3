"""The demo network, built once through the use cases, checked as a tax professional would.

`build_demo` must leave data that passes gstims' own checks: every GSTR-2B passes the totals
check below, the blocked recipient has no 2B for January 2026, every printed login works
and the CA firm holds several GSTINs. The network is built once (about half a minute), in one
test, so parallel workers do not build it twice.

The GSTR-2B totals check (R-2B-6), on every stored generation read back with `read_gstr2b`:

1. It reads without a problem.
2. Every `itcsumm` group equals the sum of its sections, head by head, to the paisa.
3. No document sits in both `docdata` and `docRejdata`.
4. `cpsumm` covers `docdata` (and `cpSummRej` covers `docRejdata`): per section, the rows'
   `ttldocs` add up to the section's documents and their tax to the documents' tax.
5. `itcsumm` against the documents, where the relation is exact — sections whose documents
   count their own tax (not amendment differences, not declarations):
     itcavl.nonrevsup.b2b / .ecom     = available, forward-charge b2b / ecom documents
     itcavl.revsup.b2b                = available reverse-charge b2b documents
     itcunavl.nonrevsup.b2b / .ecom   = forward-charge documents with `itcavl` N
     itcavl.nonrevsup.cdnr            = available debit notes
     itcavl.isdsup.isd / othersup.isd = ISD invoices / ISD credit notes
     itcavl.imports.impg / .impgsez   = bills of entry
     itcRejected.nonrevsup.b2b, .b2ba, .ecom, .cdnr (debit notes), othersup.cdnr (credit
     notes)                           = the rejected documents' own tax
   and where a declaration may reduce it, a bound: itcavl.othersup.cdnr ≤ the available
   credit notes' tax. (No supplier of the demo misses a 3B, so no Rule 37A line joins
   `itcavl.nonrevsup.b2b`.)
"""

from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from gstims.demo.network import BLOCKED, CA_FIRM, build_demo, logins, password_of
from gstims.domain.calendar import FIRST_PERIOD, Period
from gstims.domain.money import Tax, sum_tax
from gstims.formats.gstr2b import Document2B, ParsedGstr2B, read_gstr2b
from gstims.services import gstr2b, reconcile
from gstims.services.errors import NotFound
from gstims.services.taxpayers import principal_by_password, principal_by_token
from gstims.store.books_tables import books_imports
from gstims.store.db import Database
from gstims.store.tables import audit_log, records, returns
from gstims.store.tables import gstr2b as gstr2b_table

HEADS = ("igst", "cgst", "sgst", "cess")


def problems_of(content: dict[str, Any]) -> list[str]:
    """Every way the 2B fails the check; empty when it passes."""
    parsed = read_gstr2b(content)
    where = f"{parsed.gstin} {parsed.period} v{parsed.version}"
    out = [f"{where}: unreadable: {p}" for p in parsed.problems]
    out += [f"{where}: {p}" for p in _group_totals(parsed.itcsumm, "itcsumm")]
    out += [f"{where}: {p}" for p in _one_part_each(parsed)]
    out += [f"{where}: {p}" for p in _counterparties(parsed)]
    out += [f"{where}: {p}" for p in _documents_against_itcsumm(parsed)]
    return out


def _group_totals(node: dict[str, Any], path: str) -> list[str]:
    out = []
    for key, child in node.items():
        if not isinstance(child, dict):
            continue
        sections = {k: v for k, v in child.items() if isinstance(v, dict)}
        if sections and all(
            not any(isinstance(x, dict) for x in s.values()) for s in sections.values()
        ):
            for head in HEADS:
                total = sum((s.get(head, Decimal(0)) for s in sections.values()), Decimal(0))
                if child.get(head, Decimal(0)) != total:
                    out.append(f"{path}.{key}.{head} {child.get(head)} ≠ Σ sections {total}")
        else:
            out += _group_totals(child, f"{path}.{key}")
    return out


def _identity(d: Document2B) -> tuple[str, str, str, Any]:
    return (d.section, d.supplier, d.number, d.doc_date)


def _one_part_each(parsed: ParsedGstr2B) -> list[str]:
    kept = {_identity(d) for d in parsed.documents if not d.rejected}
    rejected = {_identity(d) for d in parsed.documents if d.rejected}
    return [f"{i} is in both docdata and docRejdata" for i in sorted(kept & rejected, key=str)]


def _counterparties(parsed: ParsedGstr2B) -> list[str]:
    out = []
    for rows_part, docs_part in (("cpsumm", "docdata"), ("cpSummRej", "docRejdata")):
        rows = [c for c in parsed.counterparties if c.part == rows_part]
        for section in {c.section for c in rows if not c.section.startswith("itcrev")}:
            in_rows = [c for c in rows if c.section == section]
            docs = [d for d in parsed.documents if d.part == docs_part and d.section == section]
            if sum(c.documents for c in in_rows) != len(docs):
                out.append(f"{rows_part}.{section} ttldocs ≠ {len(docs)} documents")
            if sum_tax(c.tax for c in in_rows) != sum_tax(d.tax for d in docs):
                out.append(f"{rows_part}.{section} tax ≠ the documents' tax")
    return out


def _documents_against_itcsumm(parsed: ParsedGstr2B) -> list[str]:
    def docs(part: str, section: str, keep: Callable[[Document2B], bool]) -> Iterable[Tax]:
        return (
            d.tax for d in parsed.documents if d.part == part and d.section == section and keep(d)
        )

    def available(rc: bool) -> Callable[[Document2B], bool]:
        return lambda d: d.itc_available is not False and d.reverse_charge is rc

    def unavailable(d: Document2B) -> bool:
        return d.itc_available is False and not d.reverse_charge

    def typ(kind: str) -> Callable[[Document2B], bool]:
        return lambda d: d.doc_type == kind

    def every(_: Document2B) -> bool:
        return True

    exact = [
        ("itcavl.nonrevsup.b2b", docs("docdata", "b2b", available(False))),
        ("itcavl.nonrevsup.ecom", docs("docdata", "ecom", available(False))),
        ("itcavl.revsup.b2b", docs("docdata", "b2b", available(True))),
        ("itcunavl.nonrevsup.b2b", docs("docdata", "b2b", unavailable)),
        ("itcunavl.nonrevsup.ecom", docs("docdata", "ecom", unavailable)),
        (
            "itcavl.nonrevsup.cdnr",
            docs("docdata", "cdnr", lambda d: d.doc_type == "D" and available(False)(d)),
        ),
        ("itcavl.isdsup.isd", docs("docdata", "isd", typ("ISDI"))),
        ("itcavl.othersup.isd", docs("docdata", "isd", typ("ISDC"))),
        ("itcavl.imports.impg", docs("docdata", "impg", lambda d: not d.amended)),
        ("itcavl.imports.impgsez", docs("docdata", "impgsez", lambda d: not d.amended)),
        ("itcRejected.nonrevsup.b2b", docs("docRejdata", "b2b", every)),
        ("itcRejected.nonrevsup.b2ba", docs("docRejdata", "b2ba", every)),
        ("itcRejected.nonrevsup.ecom", docs("docRejdata", "ecom", every)),
        ("itcRejected.nonrevsup.cdnr", docs("docRejdata", "cdnr", typ("D"))),
        ("itcRejected.othersup.cdnr", docs("docRejdata", "cdnr", typ("C"))),
    ]
    out = []
    for path, taxes in exact:
        expected = sum_tax(taxes)
        found = Tax(*(parsed.itc(f"{path}.{h}") for h in HEADS))
        if found != expected:
            out.append(f"{path} {found} ≠ its documents' {expected}")
    credit_notes = sum_tax(
        docs("docdata", "cdnr", lambda d: d.doc_type == "C" and available(False)(d))
    )
    reduced = Tax(*(parsed.itc(f"itcavl.othersup.cdnr.{h}") for h in HEADS))
    if reduced.any_exceeds(credit_notes):
        out.append(f"itcavl.othersup.cdnr {reduced} exceeds its credit notes' {credit_notes}")
    return out


# -- the demo network ------------------------------------------------------------------------


@pytest.fixture
def demo(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'gstims.db'}")
    db.migrate()
    yield db, build_demo(db)
    db.dispose()


def test_the_demo_network_passes_gstims_own_checks(demo):
    """Rule: R-2B-6, R-2B-1, R-IN-4 — one build, every acceptance check of the demo."""
    db, summary = demo
    every_generated_2b_passes_the_totals_check(db)
    the_blocked_recipient_has_no_2b_for_january(db, summary)
    every_printed_login_works(db, summary)
    the_ca_firm_holds_several_gstins(db)
    every_document_went_through_the_use_cases(db, summary)
    the_network_shows_the_whole_document_mix(db)
    the_history_has_actions_with_remarks_declarations_and_recomputes(db)
    the_purchase_registers_show_every_common_outcome(db, summary)


def every_generated_2b_passes_the_totals_check(db: Database) -> None:
    with db.engine.connect() as conn:
        contents = conn.execute(sa.select(gstr2b_table.c.content)).scalars().all()
    assert len(contents) > 300  # 5 recipients and 34 suppliers, month by month
    problems = [p for content in contents for p in problems_of(content)]
    assert problems == []


def the_blocked_recipient_has_no_2b_for_january(db: Database, summary: Any) -> None:
    """Rule: R-2B-1, rules.md §9 ex. 8 — Indus's Dec-2025 3B is unfiled."""
    assert summary.blocked_recipient == next(x for x in logins() if x.name == BLOCKED).gstins[0]
    with db.uow(write=False) as uow:
        with pytest.raises(NotFound) as missing:
            gstr2b.get_2b(uow, summary.blocked_recipient, Period(2026, 1))
        assert missing.value.code == "RET2B1023"
        assert gstr2b.get_2b(uow, summary.blocked_recipient, Period(2025, 12))["rtnprd"] == "122025"
        filed = uow.conn.execute(
            sa.select(returns.c.period).where(
                returns.c.gstin == summary.blocked_recipient,
                returns.c.form == "GSTR3B",
                returns.c.status == "filed",
            )
        ).scalars()
        assert max(filed) == 202511


def every_printed_login_works(db: Database, summary: Any) -> None:
    assert [(x.name, x.password) for x in summary.logins] == [
        (x.name, x.password) for x in logins()
    ]
    with db.uow(write=False) as uow:
        for login in summary.logins:
            by_password = principal_by_password(uow, login.name, login.password)
            by_token = principal_by_token(uow, login.token)
            assert by_password is not None, login.name
            assert by_token is not None and by_token.name == login.name
            assert by_password.gstins == frozenset(login.gstins)


def the_ca_firm_holds_several_gstins(db: Database) -> None:
    with db.uow(write=False) as uow:
        ca = principal_by_password(uow, CA_FIRM[0], password_of(CA_FIRM[0]))
    assert ca is not None and len(ca.gstins) >= 3


def every_document_went_through_the_use_cases(db: Database, summary: Any) -> None:
    """Each saved or fed document is one row: nothing was written past the services."""
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(records)).scalar_one()
    assert rows == summary.documents
    assert 2_000 <= rows <= 5_000


def the_network_shows_the_whole_document_mix(db: Database) -> None:
    with db.engine.connect() as conn:
        routes = Counter(
            dict(
                conn.execute(
                    sa.select(records.c.route, sa.func.count()).group_by(records.c.route)
                ).all()
            )
        )
        kinds = Counter(
            dict(
                conn.execute(
                    sa.select(records.c.kind, sa.func.count()).group_by(records.c.kind)
                ).all()
            )
        )
        amendments = conn.execute(
            sa.select(
                records.c.orig_consumed,
                records.c.igst + records.c.cgst > records.c.orig_igst + records.c.orig_cgst,
            ).where(records.c.orig_number.is_not(None))
        ).all()
        sez = conn.execute(
            sa.select(sa.func.count()).where(records.c.kind == "BOE", records.c.supplier != "")
        ).scalar_one()
        supplier_states = {
            g[:2] for g in conn.execute(sa.select(records.c.supplier.distinct())).scalars() if g
        }
        frequencies = set(
            conn.execute(sa.select(records.c.supplier_frequency.distinct())).scalars()
        )
    # reverse charge, POS-ineligible, 16(4)-late, GSTR-5, ISD, imports before and after Oct 2025
    for route in ("IMS", "RCM", "POS", "TIME", "NONRES", "ISD", "IMPORTS"):
        assert routes[route] > 0, route
    for kind in ("INV", "DN", "CN", "ECO", "BOE"):
        assert kinds[kind] > 0, kind
    assert sez > 0
    assert {(consumed, up) for consumed, up in amendments} >= {
        (True, True),
        (True, False),
        (False, True),
        (False, False),
    }
    assert len(supplier_states) >= 10
    assert frequencies == {"M", "Q"}


def the_history_has_actions_with_remarks_declarations_and_recomputes(db: Database) -> None:
    with db.engine.connect() as conn:
        actions = Counter(
            dict(
                conn.execute(
                    sa.select(audit_log.c.new_action, sa.func.count()).group_by(
                        audit_log.c.new_action
                    )
                ).all()
            )
        )
        remarks = conn.execute(
            sa.select(sa.func.count()).where(audit_log.c.remarks.is_not(None))
        ).scalar_one()
        notes = set(conn.execute(sa.select(audit_log.c.note.distinct())).scalars())
        declarations = set(
            conn.execute(
                sa.select(records.c.itc_red_req, records.c.decl_igst.is_(None))
                .where(records.c.itc_red_req.is_not(None))
                .distinct()
            ).all()
        )
        versions = conn.execute(sa.select(sa.func.max(gstr2b_table.c.version))).scalar_one()
        filed_3b = conn.execute(
            sa.select(sa.func.count()).where(
                returns.c.form == "GSTR3B", returns.c.status == "filed"
            )
        ).scalar_one()
    assert all(actions[a] > 0 for a in "ARPN")
    assert remarks > 100
    assert {"reset", "pending period expired"} <= notes
    assert {("Y", True), ("Y", False), ("N", True)} <= declarations  # full, partial, nil
    assert versions >= 2  # GEN2B recomputes after actions
    assert filed_3b > 400


def the_purchase_registers_show_every_common_outcome(db: Database, summary: Any) -> None:
    """R-REC-15: each recipient's noisy register, reconciled for the last period, shows the
    outcomes a first-time user should see (demo/books.py), over every period of the demo."""
    seen: Counter[str] = Counter()
    with db.engine.connect() as conn:
        recipients = conn.execute(sa.select(books_imports.c.gstin)).scalars().all()
    assert len(recipients) >= 5
    periods = FIRST_PERIOD.months_through(summary.blocked_period)
    for gstin in recipients:
        with db.uow() as uow:
            run_id = reconcile.run_reconciliation(uow, gstin, periods)
            seen.update(r["outcome"] for r in reconcile.get_run(uow, run_id).results)
    assert {
        "matched",
        "matched_number_format",
        "matched_within_tolerance",
        "value_mismatch",
        "other_gstin_same_pan",
        "only_in_portal",
        "only_in_books",
    } <= set(seen), seen
