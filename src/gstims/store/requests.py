"""`Requests`: the asynchronous requests a client polls (REQSTS, GENSTS2B), reached as
`uow.requests`. A request is written once, with its error report, in the transaction of the
work it reports on; a SAVE a preparer made under maker-checker is written "awaiting approval"
(`AA`) and resolved when an approver decides its proposal (`resolve`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from gstims.store.tables import requests


class Requests:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def record_many(self, rows: Sequence[tuple[str, str, str, int, date]]) -> None:
        """(reference, gstin, kind, processed, day) of several requests without errors."""
        if rows:
            self.conn.execute(
                insert(requests),
                [
                    {
                        "reference_id": ref,
                        "gstin": gstin,
                        "kind": kind,
                        "status": "P",
                        "proc_cnt": processed,
                        "err_cnt": 0,
                        "error_report": [],
                        "created_on": day,
                    }
                    for ref, gstin, kind, processed, day in rows
                ],
            )

    def record(
        self,
        reference: str,
        gstin: str,
        kind: str,
        *,
        processed: int,
        errors: Sequence[Mapping[str, Any]],
        day: date,
        status: str | None = None,
    ) -> None:
        self.conn.execute(
            insert(requests).values(
                reference_id=reference,
                gstin=gstin,
                kind=kind,
                status=status or ("PE" if errors else "P"),
                proc_cnt=processed,
                err_cnt=len(errors),
                error_report=list(errors),
                created_on=day,
            )
        )

    def find(self, gstin: str, reference: str) -> RowMapping | None:
        """The request of this GSTIN with this reference (another GSTIN's is not found)."""
        return (
            self.conn.execute(
                select(requests).where(
                    requests.c.reference_id == reference, requests.c.gstin == gstin
                )
            )
            .mappings()
            .first()
        )

    def resolve(
        self,
        reference: str,
        gstin: str,
        *,
        status: str,
        processed: int,
        errors: Sequence[Mapping[str, Any]],
    ) -> None:
        """A request answered "awaiting approval" (AA) gets its outcome once decided."""
        self.conn.execute(
            update(requests)
            .where(requests.c.reference_id == reference, requests.c.gstin == gstin)
            .values(
                status=status,
                proc_cnt=processed,
                err_cnt=len(errors),
                error_report=list(errors),
            )
        )
