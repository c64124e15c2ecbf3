"""Files in and out of the store: the use cases behind `gstims import`, `export`, `compare-2b`.

Each function takes the `Database`, opens its own unit of work and calls the public use cases
of `gstims.services`; the wire spellings stay in the other `formats` modules.

Importing a GSTR-1 file (R-IN-4: one request, nothing stored on any problem) in two streaming
passes, so a million documents fit in bounded memory:

1. structure — valid JSON to the last byte, each read section a list of groups, each document
   an object, `gstin` and `fp` present: a truncated file or a section of the wrong type is
   refused here, before anything is written;
2. store — documents are read in chunks (`stream.Gstr1Stream`) and saved in batches with
   `supplier.save_return`, every batch in ONE transaction that commits only after the last.
   Problems (a bad field, a number twice in the file, a rule of R-IN-4) are collected from
   every batch, each with the document's JSON path; if there is any, the transaction rolls
   back and the file is refused with all of them.

Use cases never commit: the batches share one `Database.transaction()`, which commits after the
last (and rolls back when the file is refused). The same holds for an actions file, whose SAVE
and RESET lines are applied in one transaction.

Example: `import_gstr1(db, "GSTR-1-27AAPFU0939F1ZV-102024.json")` stores the October GSTR-1
of 27AAPFU0939F1ZV and answers `Gstr1Import(gstin="27AAPFU0939F1ZV", period=102024,
documents=4, saved=4, ...)`; had the file ended in the middle of its third invoice,
`FileRefused` would say `after b2b[0].inv[1]: the JSON is cut short or broken near byte
1,024: parse error: premature EOF` and the store would hold nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from gstims.domain.calendar import Period, PeriodError
from gstims.domain.documents import Problem, SupplierDocument
from gstims.formats.limits import json_problems
from gstims.formats.stream import CountingReader, Gstr1Stream
from gstims.services import supplier
from gstims.services.errors import Invalid
from gstims.services.file_refusal import FileRefused, Problems
from gstims.services.files_actions import ActionsImport, import_actions, read_actions_file
from gstims.services.files_out import (
    compare_2b_file,
    export_gstr2b,
    export_gstr3b,
    export_ims,
    ims_records,
    read_portal_2b,
)
from gstims.store.db import Database, UnitOfWork

__all__ = [
    "ActionsImport",
    "FileRefused",
    "Gstr1Import",
    "Progress",
    "compare_2b_file",
    "export_gstr2b",
    "export_gstr3b",
    "export_ims",
    "import_actions",
    "import_gstr1",
    "ims_records",
    "read_actions_file",
    "read_portal_2b",
]

BATCH = 5000
"""Documents per `save_return` call during an import."""

Progress = Callable[[str, int, int], None]
"""`progress(stage, done, total)`: stage "checking" / "storing" in bytes, "writing" in rows."""


# -- GSTR-1 -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gstr1Import:
    gstin: str
    form: str
    period: Period
    documents: int
    saved: int
    deleted: int
    unchanged: int
    batches: int


def import_gstr1(
    db: Database,
    path: Path | str,
    *,
    form: str = "GSTR1",
    gstin: str | None = None,
    period: str | None = None,
    batch_size: int = BATCH,
    progress: Progress | None = None,
) -> Gstr1Import:
    """Store a GSTR-1 / GSTR-1A JSON file as one save (R-IN-4); `FileRefused` on any problem.

    `gstin` and `period` default to the file's `gstin` and `fp`; given, they must agree.
    """
    if too_big := json_problems(path):
        raise FileRefused(path, too_big)
    size = Path(path).stat().st_size
    filer, return_period, documents = _check_structure(path, gstin, period, size, progress)
    with db.transaction() as uow, open(path, "rb") as raw:
        save = _BatchedSave(uow, filer, form, return_period, batch_size)
        stream = Gstr1Stream(CountingReader(raw, _reporter(progress, "storing", size)), filer=filer)
        for chunk in stream.chunks():
            save.problems.add(chunk.problems)
            for doc, where in zip(chunk.documents, chunk.paths, strict=False):
                save.add(doc, where)
        save.flush()
        if save.problems:
            raise save.problems.refuse(path)
    return Gstr1Import(filer, form, return_period, documents, *save.totals)


class _BatchedSave:
    """Documents saved `batch_size` at a time on one unit of work; problems collected.

    Once a problem is found nothing more is saved (the transaction will roll back), but the
    rest of the file is still read so that every problem is reported at once.
    """

    def __init__(
        self, uow: UnitOfWork, filer: str, form: str, period: Period, batch_size: int
    ) -> None:
        self.uow, self.filer, self.form, self.period = uow, filer, form, period
        self.batch_size = batch_size
        self.problems = Problems()
        self.totals = [0, 0, 0, 0]  # saved, deleted, unchanged, batches
        self.seen: set[str] = set()
        self.batch: list[SupplierDocument] = []
        self.paths: list[str] = []

    def add(self, doc: SupplierDocument, where: str) -> None:
        self.problems.add(_twice(doc, where, self.seen))
        self.batch.append(doc)
        self.paths.append(where)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self.batch and not self.problems:
            try:
                result = supplier.save_return(
                    self.uow, self.filer, self.form, self.period, self.batch
                )
            except Invalid as exc:
                pairs = zip(self.batch, self.paths, strict=True)
                index = {(d.section, d.number): w for d, w in pairs}
                self.problems.add([_at(p, index) for p in exc.problems])
            else:
                counts = (result.saved, result.deleted, result.unchanged, 1)
                self.totals = [a + b for a, b in zip(self.totals, counts, strict=True)]
        self.batch.clear()
        self.paths.clear()


def _check_structure(
    path: Path | str,
    gstin: str | None,
    period: str | None,
    size: int,
    progress: Progress | None,
) -> tuple[str, Period, int]:
    """Pass 1: the file's shape and envelope, without building a document."""
    problems = Problems()
    with open(path, "rb") as raw:
        stream = Gstr1Stream(
            CountingReader(raw, _reporter(progress, "checking", size)), build=False
        )
        for chunk in stream.chunks():
            problems.add(chunk.problems)
    problems.add(stream.envelope_problems)
    filer = _agree(problems, "gstin", stream.base, stream.gstin, gstin)
    code = _agree(problems, "fp", stream.base, stream.fp, period)
    return_period = None
    if code is not None:
        try:
            return_period = Period.parse(code)
        except PeriodError as exc:
            problems.add([Problem("return", "", stream.base + "fp", str(exc))])
    if problems or filer is None or return_period is None:
        raise problems.refuse(path)
    return filer, return_period, stream.documents


def _agree(
    problems: Problems, key: str, base: str, in_file: str | None, given: str | None
) -> str | None:
    if in_file is None and given is None:
        problems.add(
            [Problem("return", "", base + key, "missing (or give it on the command line)")]
        )
        return None
    if in_file is not None and given is not None and in_file != given:
        message = f"the file says {in_file!r}, the command line {given!r}"
        problems.add([Problem("return", "", base + key, message)])
        return None
    return in_file if in_file is not None else given


def _twice(doc: SupplierDocument, where: str, seen: set[str]) -> list[Problem]:
    """R-IN-4: a number once per supplier, kind and financial year — across the whole file."""
    key = doc.key
    mark = f"{key.kind.value}|{key.fy}|{int(doc.is_amendment)}|{key.number}"
    if mark not in seen:
        seen.add(mark)
        return []
    fy = f"FY {key.fy}-{(key.fy + 1) % 100:02d}"
    what = f"an amendment of {key.kind.value} {key.number}" if doc.is_amendment else key.kind.value
    message = f"{what} ({fy}) appears more than once in this file"
    return [Problem(doc.section, doc.number, where, message)]


def _at(problem: Problem, paths: dict[tuple[str, str], str]) -> Problem:
    """A use case's problem (field `itms[0].iamt`) at its JSON path (`b2b[0].inv[7].itms...`)."""
    where = paths.get((problem.section, problem.number))
    if where is None:
        return problem
    if problem.field in ("ctin", "rtin", "stin"):
        where = where.rsplit(".", 1)[0] + "." + problem.field
    elif problem.field == "gstin":
        where = "gstin"
    else:
        where = f"{where}.{problem.field}"
    return replace(problem, field=where)


def _reporter(progress: Progress | None, stage: str, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda done: progress(stage, done, total)
