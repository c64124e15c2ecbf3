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

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gstims.codec import loads, to_json_bytes
from gstims.domain.actions import Code
from gstims.domain.calendar import Period, PeriodError
from gstims.domain.documents import Problem, SupplierDocument
from gstims.domain.ims import ActionItem, ImsFilter, ImsRecord, ItemError
from gstims.domain.records import Action, Section, normalise_number
from gstims.domain.state import ImsState
from gstims.formats.compare import Comparison, compare_2b, portal_warnings
from gstims.formats.excel import gstr2b_workbook, ims_workbook, read_actions_workbook
from gstims.formats.gstr2b_reader import ParsedGstr2B, read_gstr2b
from gstims.formats.limits import json_problems
from gstims.formats.offline import ActionLine, ActionsFile, read_actions, write_getinv
from gstims.formats.returns import gstr2b_file, gstr3b_file
from gstims.formats.stream import CountingReader, Gstr1Stream
from gstims.services import approvals, gstr2b, gstr3b, ims, supplier
from gstims.services.errors import Invalid
from gstims.services.taxpayers import Principal
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
    "read_actions_file",
]

BATCH = 5000
"""Documents per `save_return` call during an import."""
MAX_PROBLEMS = 1000
"""Problems kept for the report; beyond that they are only counted."""
PAGE = 5000
"""IMS records read per query while exporting."""

Progress = Callable[[str, int, int], None]
"""`progress(stage, done, total)`: stage "checking" / "storing" in bytes, "writing" in rows."""


class FileRefused(Exception):
    """A file refused whole: nothing of it is stored. Each problem names the place and why."""

    def __init__(self, path: Path | str, problems: Sequence[Problem], more: int = 0) -> None:
        self.path = str(path)
        self.problems = list(problems)
        self.more = more
        first = f": {_line(self.problems[0])}" if self.problems else ""
        total = len(self.problems) + more
        super().__init__(f"{self.path} refused, {total} problem(s){first}")

    def lines(self) -> list[str]:
        """One line per problem: `file: where: [section number:] reason`."""
        out = [f"{self.path}: {_line(p)}" for p in self.problems]
        if self.more:
            out.append(f"{self.path}: ... and {self.more} more problem(s)")
        return out


def _line(p: Problem) -> str:
    label = " ".join(x for x in (p.section, p.number) if x and x not in ("file", "return"))
    return f"{p.field}: " + (f"{label}: " if label else "") + p.message


class _Problems:
    """Problems of one file, the first `MAX_PROBLEMS` kept."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.more = 0

    def add(self, problems: Sequence[Problem]) -> None:
        room = MAX_PROBLEMS - len(self.kept)
        self.kept.extend(problems[:room])
        self.more += max(0, len(problems) - room)

    def __bool__(self) -> bool:
        return bool(self.kept)

    def refuse(self, path: Path | str) -> FileRefused:
        return FileRefused(path, self.kept, self.more)


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
        self.problems = _Problems()
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
    problems = _Problems()
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
    problems: _Problems, key: str, base: str, in_file: str | None, given: str | None
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


# -- IMS actions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionsImport:
    """What an actions file did: records changed, left as they were, and refused (R-ACT-9)."""

    applied: int
    unchanged: int
    errors: list[tuple[str, ItemError]]  # (where in the file, the refusal)
    references: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    proposals: list[int] = field(default_factory=list)  # filed under maker-checker


def read_actions_file(path: Path | str) -> ActionsFile:
    """An actions file: a workbook (.xlsx) or JSON in any envelope `offline` reads."""
    if str(path).lower().endswith((".xlsx", ".xlsm")):
        return read_actions_workbook(path)
    if too_big := json_problems(path):
        return ActionsFile(None, (), tuple(too_big), ())
    try:
        obj = loads(Path(path).read_bytes())
    except ValueError as exc:  # json.JSONDecodeError says line and column
        return ActionsFile(None, (), (Problem("file", "", "(file)", f"not valid JSON: {exc}"),), ())
    return read_actions(obj)


def import_actions(
    db: Database,
    gstin: str,
    path: Path | str,
    *,
    actor: str,
    principal: Principal | None = None,
) -> ActionsImport:
    """Apply an actions file as the equivalent SAVE (and RESET) of `gstin`; see `offline`.
    With `principal` (a user, not the operator) it goes through the maker-checker seam: the
    user's role decides, and under maker-checker a preparer's file becomes proposals."""
    source = read_actions_file(path)
    problems = list(source.problems)
    if source.rtin not in (None, gstin):
        problems.append(Problem("file", "", "rtin", f"the file is for {source.rtin}, not {gstin}"))
    if problems:
        raise FileRefused(path, problems)
    with db.transaction() as uow:
        current = {_identity(r): r for r in ims.list_records(uow, gstin)}
        saves, resets, errors, unchanged = _plan(source, current)
        results, proposed = [], []
        for kind, lines in (("SAVE", saves), ("RESET", resets)):
            if not lines:
                continue
            items = [line.item for line in lines]
            if principal is None:
                use_case = ims.reset_actions if kind == "RESET" else ims.save_actions
                results.append(use_case(uow, gstin, items, actor))
                continue
            submitted = approvals.submit_actions(uow, principal, gstin, items, kind=kind)
            if isinstance(submitted, approvals.Proposed):
                proposed.append(submitted.proposal_id)
            else:
                results.append(submitted.result)
    where = {_label(line.item): line.where for line in (*saves, *resets)}
    for result in results:
        errors += [(where.get(_label(e), ""), e) for e in result.errors]
    return ActionsImport(
        applied=sum(r.applied for r in results),
        unchanged=unchanged,
        errors=errors,
        references=[r.reference_id for r in results],
        warnings=list(source.warnings),
        proposals=proposed,
    )


def _identity(r: ImsRecord) -> tuple[str, str, str, Any]:
    record = r.record
    return (r.section.value, record.key.supplier, normalise_number(record.number), record.doc_date)


def _label(item: ActionItem | ItemError) -> tuple[str, str, str]:
    section = item.section.value if isinstance(item.section, Section) else item.section
    return (section, item.supplier, normalise_number(item.number))


def _plan(
    source: ActionsFile, current: dict[tuple[str, str, str, Any], ImsRecord]
) -> tuple[list[ActionLine], list[ActionLine], list[tuple[str, ItemError]], int]:
    saves: list[ActionLine] = []
    resets: list[ActionLine] = []
    errors: list[tuple[str, ItemError]] = []
    unchanged = 0
    for line in source.lines:
        item = line.item
        if source.reset:
            item = replace(item, action=Action.NO_ACTION)
        found = current.get(
            (item.section.value, item.supplier, normalise_number(item.number), item.doc_date)
        )
        if found is not None:
            if _wanted(item) == found.state:
                unchanged += 1
                continue
            if item.prev_status is None:
                if line.hash and line.hash != found.hash:
                    errors.append((line.where, _stale(item)))
                    continue
                item = replace(item, prev_status=found.state.action)
        target = resets if item.action is Action.NO_ACTION else saves
        target.append(replace(line, item=item))
    return saves, resets, errors, unchanged


def _wanted(item: ActionItem) -> ImsState:
    if item.action is Action.NO_ACTION:
        return ImsState()
    remarks = item.remarks.strip() if item.remarks and item.remarks.strip() else None
    return ImsState(item.action, remarks, item.declaration)


def _stale(item: ActionItem) -> ItemError:
    message = "the supplier changed the record since the file was downloaded (its hash differs)"
    return ItemError(
        item.section.value, item.supplier, item.number, item.rtnprd, Code.STALE.value, message
    )


# -- exports ----------------------------------------------------------------------------------


def ims_records(uow: UnitOfWork, gstin: str, section: Section) -> Iterator[ImsRecord]:
    """A section's IMS records, a page at a time (bounded memory for a large IMS)."""
    page = 1
    while True:
        rows = ims.list_records(uow, gstin, ImsFilter(section=section, page=page, page_size=PAGE))
        yield from rows
        if len(rows) < PAGE:
            return
        page += 1


def export_ims(
    db: Database, gstin: str, path: Path | str, *, offline: bool = False, actions: bool = False
) -> int:
    """The IMS of `gstin`: GETINV JSON, the offline download (`offline`), or a workbook.

    `.xlsx` gives the IMS list, or with `actions` the actions workbook. Returns the records.
    """
    with db.uow(write=False) as uow:
        if str(path).lower().endswith(".xlsx"):
            sections = ((s, ims_records(uow, gstin, s)) for s in Section)
            return ims_workbook(path, sections, gstin=gstin, actions=actions)
        records = (r for s in Section for r in ims_records(uow, gstin, s))
        with open(path, "wb") as out:
            return write_getinv(out, records, offline=offline, rtin=gstin)


def export_gstr2b(db: Database, gstin: str, period: Period, path: Path | str) -> int:
    """The latest GSTR-2B of the period: JSON (GET2B envelope, R-2B-7) or the portal workbook."""
    with db.uow(write=False) as uow:
        content = gstr2b.get_2b(uow, gstin, period)
    if str(path).lower().endswith(".xlsx"):
        return gstr2b_workbook(path, read_gstr2b(content))
    Path(path).write_bytes(to_json_bytes(gstr2b_file(content), indent=1))
    return len(read_gstr2b(content).documents)


def export_gstr3b(db: Database, gstin: str, period: Period, path: Path | str) -> bool:
    """The auto-populated GSTR-3B return JSON (R-3B-5); answers whether the 2B is stale."""
    with db.uow(write=False) as uow:
        liability = gstr3b.auto_liability(uow, gstin, period)
    data = gstr3b_file(gstin, period, liability.table4, liability.outward)
    Path(path).write_bytes(to_json_bytes(data, indent=1))
    return liability.stale_2b


# -- comparing a portal GSTR-2B -----------------------------------------------------------------


def read_portal_2b(path: Path | str) -> ParsedGstr2B:
    """A GSTR-2B JSON file (v1, v4 or gstims'); `FileRefused` when it cannot be read."""
    if too_big := json_problems(path):
        raise FileRefused(path, too_big)
    try:
        obj = loads(Path(path).read_bytes())
    except ValueError as exc:
        raise FileRefused(path, [Problem("file", "", "(file)", f"not valid JSON: {exc}")]) from exc
    parsed = read_gstr2b(obj)
    if parsed.problems:
        raise FileRefused(path, parsed.problems)
    return parsed


def compare_2b_file(
    db: Database, gstin: str, period: Period, path: Path | str
) -> tuple[Comparison, list[Problem]]:
    """The portal's GSTR-2B file against gstims' latest 2B: (comparison, warnings)."""
    portal = read_portal_2b(path)
    if (portal.gstin, portal.period) != (gstin, period.code):
        message = (
            f"the file is the GSTR-2B of {portal.gstin} for {portal.period}, "
            f"not of {gstin} for {period.code}"
        )
        raise FileRefused(path, [Problem("file", "", "gstin / rtnprd", message)])
    with db.uow(write=False) as uow:
        ours = read_gstr2b(gstr2b.get_2b(uow, gstin, period))
    return compare_2b(portal, ours), portal_warnings(portal)
