"""Use cases of the purchase register: import a version, read the current books (R-REC-1 … 4).

An import is all or nothing: a register with any problem is refused with every problem
(`BooksInvalid`, 422) unless `skip_invalid`, which stores the good documents and returns the
report. The same documents again change nothing (their content hash equals the latest
import's). Otherwise the import is the GSTIN's next version; the current books of a month are
the documents of the latest import holding that month, so a new import of a period replaces
the previous one and the old one stays in history. Use cases do not commit: the edge does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from gstims.domain.errors import BOOKS400, BOOKS404, BOOKS422
from gstims.domain.gstin import gstin_problems
from gstims.domain.reconcile.books import (
    BooksDocument,
    RegisterRow,
    RowProblem,
    documents_from_rows,
)
from gstims.domain.reconcile.model import Document
from gstims.formats.register import (
    PROFILES,
    Register,
    RegisterError,
    check_profile,
    read_register,
)
from gstims.services.errors import NotFound, ServiceError
from gstims.services.steps import Steps, no_steps
from gstims.store.books import month_of
from gstims.store.db import UnitOfWork
from gstims.store.records.mapping import to_paise

IMPORT_STEPS = 3  # reading the file, checking the rows, storing the documents


class BooksInvalid(ServiceError):
    """422: every problem of the register, each naming its row and column (R-REC-4)."""

    status = 422

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        first = problems[0] if problems else None
        summary = f"{len(problems)} problem(s) in the register; nothing was stored" + (
            f"; first: {first}" if first else ""
        )
        super().__init__(BOOKS422, summary)
        self.problems = list(problems)


class FileRefused(ServiceError):
    """A register file refused whole: its type (415), size (413) or content (400)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(BOOKS400, message)
        self.status = status


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    import_id: int
    version: int
    documents: int
    problems: list[RowProblem]
    changed: bool


def profile_mapping(uow: UnitOfWork, gstin: str, name: str) -> Mapping[str, Sequence[str]]:
    """A shipped profile (generic, tally, zoho) or one the GSTIN's users saved (R-REC-1)."""
    if name in PROFILES:
        return PROFILES[name]
    saved = uow.books.profile(gstin, name)
    if saved is None:
        known = ", ".join([*PROFILES, *saved_profile_names(uow, gstin)])
        raise NotFound(BOOKS404, f"no mapping profile {name!r} (known: {known})")
    return saved


def saved_profile_names(uow: UnitOfWork, gstin: str) -> list[str]:
    return uow.books.profile_names(gstin)


def save_profile(
    uow: UnitOfWork, gstin: str, name: str, mapping: Mapping[str, Sequence[str]]
) -> None:
    """A user's own mapping profile, replacing one of the same name (R-REC-1)."""
    problems = check_profile(mapping)
    if name in PROFILES:
        problems.append(f"{name!r} is a shipped profile; choose another name")
    if problems:
        raise ServiceError(BOOKS400, "; ".join(problems))
    uow.books.save_profile(gstin, name, mapping)


def import_file(
    uow: UnitOfWork,
    gstin: str,
    data: bytes,
    filename: str,
    profile: str = "generic",
    sheet: str | None = None,
    skip_invalid: bool = False,
    user: str | None = None,
    steps: Steps = no_steps,
) -> ImportOutcome:
    """R-REC-1: a CSV or XLSX register through a profile, then as `import_rows`; its
    `IMPORT_STEPS` steps are named to `steps` as they start."""
    _check_gstin(gstin)
    mapping = profile_mapping(uow, gstin, profile)
    steps(f"reading {filename[-60:]}")
    try:
        register: Register = read_register(data, filename, mapping, sheet)
    except RegisterError as exc:
        raise FileRefused(str(exc), exc.status) from exc
    return import_rows(
        uow,
        gstin,
        register.rows,
        register.columns,
        filename[-200:],
        profile,
        skip_invalid,
        user,
        steps,
    )


def import_rows(
    uow: UnitOfWork,
    gstin: str,
    rows: Sequence[RegisterRow],
    columns: Mapping[str, str],
    source: str,
    profile: str,
    skip_invalid: bool = False,
    user: str | None = None,
    steps: Steps = no_steps,
) -> ImportOutcome:
    """R-REC-3 and R-REC-4: rows summed into documents and stored as the next version."""
    _check_gstin(gstin)
    steps(f"checking {len(rows):,} rows")
    documents, problems = documents_from_rows(gstin, rows, columns)
    if problems and not skip_invalid:
        raise BooksInvalid(problems)
    if not documents:
        raise BooksInvalid(problems or [RowProblem(0, "register", "no document rows")])
    steps(f"storing {len(documents):,} documents")
    uow.lock([gstin])
    digest = content_hash(documents)
    latest = uow.books.latest_import(gstin)
    if latest is not None and latest.content_hash == digest:
        return ImportOutcome(latest.id, latest.version, len(documents), problems, False)
    version = (latest.version if latest is not None else 0) + 1
    import_id = uow.books.add_import(
        {
            "gstin": gstin,
            "version": version,
            "content_hash": digest,
            "source": source,
            "profile": profile,
            "imported_at": datetime.now(),
            "imported_by": user,
            "months": sorted({month_of(b.document.doc_date) for b in documents}),
            "documents": len(documents),
            "rows_skipped": len({p.row for p in problems}),
        }
    )
    uow.books.add_documents([_row(import_id, gstin, b) for b in documents])
    return ImportOutcome(import_id, version, len(documents), problems, True)


def _check_gstin(gstin: str) -> None:
    problems = gstin_problems(gstin)
    if problems:
        raise ServiceError(BOOKS400, f"gstin {gstin!r}: {'; '.join(problems)}")


def content_hash(documents: Sequence[BooksDocument]) -> str:
    """The documents' content, whatever the file's layout, order or row split (R-REC-4)."""
    lines = sorted(
        "|".join(
            str(v)
            for v in (
                d.ref,
                d.number,
                d.taxable,
                *d.tax.heads,
                d.value,
                d.pos,
                d.reverse_charge,
                d.posting_date,
                d.port_code,
            )
        )
        for d in (b.document for b in documents)
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _row(import_id: int, gstin: str, b: BooksDocument) -> dict[str, object]:
    d = b.document
    return {
        "import_id": import_id,
        "gstin": gstin,
        "month": month_of(d.doc_date),
        "supplier": d.supplier,
        "kind": d.kind.value,
        "number": d.number[:60],
        "doc_date": d.doc_date,
        "taxable": to_paise(d.taxable),
        "igst": to_paise(d.tax.igst),
        "cgst": to_paise(d.tax.cgst),
        "sgst": to_paise(d.tax.sgst),
        "cess": to_paise(d.tax.cess),
        "value": to_paise(d.value) if d.value is not None else None,
        "pos": d.pos,
        "reverse_charge": d.reverse_charge,
        "posting_date": d.posting_date,
        "port_code": d.port_code,
        "rows": ",".join(str(r) for r in b.rows)[:2000],
        "vouchers": ",".join(b.vouchers)[:2000],
    }


def current_books(
    uow: UnitOfWork, gstins: Sequence[str], first: date, last: date
) -> list[Document]:
    """The current books documents of these GSTINs dated `first` … `last`, in one query."""
    return uow.books.current(gstins, first, last)
