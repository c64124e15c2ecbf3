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
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, insert, select

from gstims.domain.gstin import gstin_problems
from gstims.domain.money import Tax, money
from gstims.domain.reconcile.books import (
    BooksDocument,
    RegisterRow,
    RowProblem,
    documents_from_rows,
)
from gstims.domain.reconcile.model import Document
from gstims.domain.records import Kind
from gstims.formats.register import (
    PROFILES,
    Register,
    RegisterError,
    check_profile,
    read_register,
)
from gstims.services.errors import NotFound, ServiceError
from gstims.store.books_tables import books_documents, books_imports, books_profiles
from gstims.store.bulk import insert_rows
from gstims.store.db import UnitOfWork


class BooksInvalid(ServiceError):
    """422: every problem of the register, each naming its row and column (R-REC-4)."""

    status = 422

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        first = problems[0] if problems else None
        summary = f"{len(problems)} problem(s) in the register; nothing was stored" + (
            f"; first: {first}" if first else ""
        )
        super().__init__("BOOKS422", summary)
        self.problems = list(problems)


class FileRefused(ServiceError):
    """A register file refused whole: its type (415), size (413) or content (400)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__("BOOKS400", message)
        self.status = status


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    import_id: int
    version: int
    documents: int
    problems: list[RowProblem]
    changed: bool


def _paise(amount: Decimal) -> int:
    return int(amount * 100)


def _rupees(paise: int) -> Decimal:
    return money(Decimal(paise) / 100)


def _month(day: date) -> int:
    return day.year * 100 + day.month


def profile_mapping(uow: UnitOfWork, gstin: str, name: str) -> Mapping[str, Sequence[str]]:
    """A shipped profile (generic, tally, zoho) or one the GSTIN's users saved (R-REC-1)."""
    if name in PROFILES:
        return PROFILES[name]
    saved = uow.conn.execute(
        select(books_profiles.c.mapping).where(
            books_profiles.c.gstin == gstin, books_profiles.c.name == name
        )
    ).scalar()
    if saved is None:
        known = ", ".join([*PROFILES, *saved_profile_names(uow, gstin)])
        raise NotFound("BOOKS404", f"no mapping profile {name!r} (known: {known})")
    return {field: tuple(names) for field, names in saved.items()}


def saved_profile_names(uow: UnitOfWork, gstin: str) -> list[str]:
    query = select(books_profiles.c.name).where(books_profiles.c.gstin == gstin)
    return sorted(uow.conn.execute(query).scalars())


def save_profile(
    uow: UnitOfWork, gstin: str, name: str, mapping: Mapping[str, Sequence[str]]
) -> None:
    """A user's own mapping profile, replacing one of the same name (R-REC-1)."""
    problems = check_profile(mapping)
    if name in PROFILES:
        problems.append(f"{name!r} is a shipped profile; choose another name")
    if problems:
        raise ServiceError("BOOKS400", "; ".join(problems))
    uow.conn.execute(
        books_profiles.delete().where(
            books_profiles.c.gstin == gstin, books_profiles.c.name == name
        )
    )
    uow.conn.execute(
        insert(books_profiles).values(
            gstin=gstin, name=name, mapping={f: list(n) for f, n in mapping.items()}
        )
    )


def import_file(
    uow: UnitOfWork,
    gstin: str,
    data: bytes,
    filename: str,
    profile: str = "generic",
    sheet: str | None = None,
    skip_invalid: bool = False,
    user: str | None = None,
) -> ImportOutcome:
    """R-REC-1: a CSV or XLSX register through a profile, then as `import_rows`."""
    _check_gstin(gstin)
    mapping = profile_mapping(uow, gstin, profile)
    try:
        register: Register = read_register(data, filename, mapping, sheet)
    except RegisterError as exc:
        raise FileRefused(str(exc), exc.status) from exc
    return import_rows(
        uow, gstin, register.rows, register.columns, filename[-200:], profile, skip_invalid, user
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
) -> ImportOutcome:
    """R-REC-3 and R-REC-4: rows summed into documents and stored as the next version."""
    _check_gstin(gstin)
    documents, problems = documents_from_rows(gstin, rows, columns)
    if problems and not skip_invalid:
        raise BooksInvalid(problems)
    if not documents:
        raise BooksInvalid(problems or [RowProblem(0, "register", "no document rows")])
    uow.lock([gstin])
    digest = content_hash(documents)
    latest = uow.conn.execute(
        select(books_imports.c.id, books_imports.c.version, books_imports.c.content_hash)
        .where(books_imports.c.gstin == gstin)
        .order_by(books_imports.c.version.desc())
        .limit(1)
    ).first()
    if latest is not None and latest.content_hash == digest:
        return ImportOutcome(latest.id, latest.version, len(documents), problems, False)
    version = (latest.version if latest is not None else 0) + 1
    import_id = uow.conn.execute(
        insert(books_imports)
        .values(
            gstin=gstin,
            version=version,
            content_hash=digest,
            source=source,
            profile=profile,
            imported_at=datetime.now(),
            imported_by=user,
            months=sorted({_month(b.document.doc_date) for b in documents}),
            documents=len(documents),
            rows_skipped=len({p.row for p in problems}),
        )
        .returning(books_imports.c.id)
    ).scalar_one()
    insert_rows(uow.conn, books_documents, [_row(import_id, gstin, b) for b in documents])
    return ImportOutcome(import_id, version, len(documents), problems, True)


def _check_gstin(gstin: str) -> None:
    problems = gstin_problems(gstin)
    if problems:
        raise ServiceError("BOOKS400", f"gstin {gstin!r}: {'; '.join(problems)}")


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
        "month": _month(d.doc_date),
        "supplier": d.supplier,
        "kind": d.kind.value,
        "number": d.number[:60],
        "doc_date": d.doc_date,
        "taxable": _paise(d.taxable),
        "igst": _paise(d.tax.igst),
        "cgst": _paise(d.tax.cgst),
        "sgst": _paise(d.tax.sgst),
        "cess": _paise(d.tax.cess),
        "value": _paise(d.value) if d.value is not None else None,
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
    d = books_documents
    latest = (
        select(d.c.gstin, d.c.month, func.max(d.c.import_id).label("import_id"))
        .where(d.c.gstin.in_(list(gstins)))
        .group_by(d.c.gstin, d.c.month)
        .subquery()
    )
    query = (
        select(d)
        .join(
            latest,
            and_(
                d.c.gstin == latest.c.gstin,
                d.c.month == latest.c.month,
                d.c.import_id == latest.c.import_id,
            ),
        )
        .where(d.c.month >= _month(first), d.c.month <= _month(last))
        .order_by(d.c.id)
    )
    return [_document(row._mapping) for row in uow.conn.execute(query)]


def books_ref(row: Mapping[str, object]) -> str:
    """A books document's reference that survives a new version of the books (R-REC-18)."""
    day = row["doc_date"]
    when = day.strftime("%d-%m-%Y") if isinstance(day, date) else str(day)
    number = str(row["number"]).strip().upper()
    return f"{row['gstin']}/{row['kind']}/{row['supplier']}/{number}/{when}"


def _document(row: Mapping[Any, Any]) -> Document:
    value = row["value"]
    return Document(
        ref=books_ref(row),
        recipient=str(row["gstin"]),
        supplier=str(row["supplier"]),
        kind=Kind(row["kind"]),
        number=str(row["number"]),
        doc_date=row["doc_date"],
        taxable=_rupees(row["taxable"]),
        tax=Tax(*(_rupees(row[h]) for h in ("igst", "cgst", "sgst", "cess"))),
        value=_rupees(value) if isinstance(value, int) else None,
        pos=row["pos"],
        reverse_charge=row["reverse_charge"],
        posting_date=row["posting_date"],
        port_code=row["port_code"],
    )
