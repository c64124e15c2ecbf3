"""Issue 14 acceptance 2: arbitrary documents and cells thrown at the file imports (GSTR-1
JSON, actions JSON and workbook), on SQLite and PostgreSQL: a refusal (`FileRefused`, or
per-record errors) or a whole import, never another exception and never partial data."""

from __future__ import annotations

import contextlib
import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from tests.api.test_hardening_properties import TEXT, invoices
from tests.integration.harness import S1, R, Sandbox
from tests.integration.test_hardening_files import filed_october

from gstims.codec import to_json_bytes
from gstims.domain.calendar import Period
from gstims.services import files, views

EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FILES = itertools.count(1)


def world(db) -> Sandbox:
    return filed_october(db)


def stored(box: Sandbox) -> int:
    summary = box.run(views.return_summary, S1, "GSTR1", Period.parse("112024"), write=False)
    return sum(summary.counts.values())


def test_a_gstr1_file_of_arbitrary_documents_is_stored_whole_or_refused_whole(db, tmp_path):
    """Issue 14 acceptance 2 (R-IN-4, items 1, 7, 13) through `gstims import gstr1`."""
    box = world(db)

    @EXAMPLES
    @given(st.lists(invoices(), min_size=1, max_size=3))
    def check(docs):
        for document in docs:
            document["idt"] = "05-11-2024"
        body = {"gstin": S1, "fp": "112024", "b2b": [{"ctin": R, "inv": docs}]}
        path = tmp_path / f"gstr1-{next(FILES)}.json"
        path.write_bytes(to_json_bytes(body))
        before = stored(box)
        try:
            result = files.import_gstr1(db, path)
        except files.FileRefused:
            assert stored(box) == before
        else:
            assert stored(box) == before + result.saved - result.deleted

    check()


def test_an_actions_workbook_of_arbitrary_cells_reads_as_rows_or_problems(db, tmp_path):
    """Issue 14 acceptance 2 (items 5, 13): any cell text, control characters included."""
    world(db)

    @EXAMPLES
    @given(st.lists(st.lists(st.one_of(TEXT, st.integers(), st.none()), max_size=8), max_size=5))
    def check(rows):
        book = Workbook()
        sheet = book.active
        sheet.title = "B2B"
        sheet.append(["GSTIN of supplier", "Invoice number", "Invoice date", "Action", "Remarks"])
        for row in rows:
            sheet.append([_cell_safe(v) for v in row])
        path = tmp_path / f"actions-{next(FILES)}.xlsx"
        book.save(path)
        with contextlib.suppress(files.FileRefused):
            files.import_actions(db, R, path, actor="property")

    check()


def _cell_safe(value: object) -> object:
    """openpyxl itself refuses to write some control characters into a cell: leave those out
    (the property is about what gstims reads, not what openpyxl writes)."""
    if isinstance(value, str):
        return "".join(c for c in value if c in "\t\n\r" or ord(c) >= 32)
    return value


def test_arbitrary_bytes_as_an_actions_or_2b_file_are_refused_not_a_crash(db, tmp_path):
    """Issue 14 items 7 and 14: whatever a file holds, a refusal."""
    world(db)

    @EXAMPLES
    @given(st.binary(max_size=2000))
    def check(data: bytes):
        path: Path = tmp_path / f"any-{next(FILES)}.json"
        path.write_bytes(data)
        for read in (
            lambda: files.import_actions(db, R, path, actor="x"),
            lambda: files.read_portal_2b(path),
        ):
            with contextlib.suppress(files.FileRefused):
                read()

    check()
