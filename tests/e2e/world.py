"""The month the browser tests walk through, seeded through the use cases.

Everyone registered on 01-09-2025 (monthly). On 01-10-2025 S1 files its September GSTR-1 with
500 invoices and credit note CN-901 to R (2B period 092025: era E1), S2 files 30 invoices to
R and 12 to R2, and R files a nil GSTR-1. The clock moves to 15-10-2025: the 14th drafted
each 2B(092025). S1 then saves (does not file) its October GSTR-1 with CN-951 to R, dated
05-10-2025: its provisional 2B period is 102025, era E2 (Pending allowed, declaration open).

S2's trade name carries a `<script>` tag, to prove it renders inert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.integration.harness import S1, S2, R, Sandbox, doc

from gstims.domain.records import Kind
from gstims.domain.roles import Role
from gstims.services import taxpayers
from gstims.store.db import Database

R2 = "29AAACE1234F1Z2"
HOSTILE_NAME = "Acme <script>alert('name')</script> Traders"
INVOICES = 500
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class World:
    sandbox: Sandbox
    users: dict[str, str]  # role → user name


def seed(db: Database) -> World:
    sb = Sandbox(db, today="01-10-2025")
    names = {S1: "Sharma Steel", S2: HOSTILE_NAME, R: "Rao Retail", R2: "Rao Wholesale"}
    for gstin, name in names.items():
        sb.register(gstin, on="01-09-2025", name=name)
    sb.save(
        S1,
        "092025",
        *[doc(f"INV-{i:04d}", "10-09-2025", taxable=1000 + i) for i in range(1, INVOICES + 1)],
        doc("CN-901", "20-09-2025", kind=Kind.CN, taxable=500),
    )
    sb.save(
        S2,
        "092025",
        *[doc(f"B-{i}", "11-09-2025", supplier_gstin=S2, taxable=2000) for i in range(1, 31)],
        *[doc(f"W-{i}", "12-09-2025", supplier_gstin=S2, to=R2, taxable=700) for i in range(1, 13)],
    )
    for gstin in (S1, S2, R, R2):
        sb.file(gstin, "092025")
    sb.today("15-10-2025")
    sb.save(S1, "102025", doc("CN-951", "05-10-2025", kind=Kind.CN, taxable=10000))
    users = {"firm": "ca-firm", "supplier": "sharma", "other": "outsider"}
    with db.transaction() as uow:
        taxpayers.create_user(uow, users["firm"], [R, R2], PASSWORD)
    with db.transaction() as uow:
        taxpayers.create_user(uow, users["supplier"], [S1], PASSWORD)
    with db.transaction() as uow:
        taxpayers.create_user(uow, users["other"], [S2], PASSWORD)
    for key, name, role in TEAM:  # issue 17: one person per role of R
        users[key] = name
        with db.transaction() as uow:
            taxpayers.create_user(uow, name, [R], PASSWORD, role=role)
    return World(sb, users)


TEAM = (
    ("viewer", "rao-viewer", Role.VIEWER),
    ("preparer", "rao-preparer", Role.PREPARER),
    ("approver", "rao-approver", Role.APPROVER),
    ("admin", "rao-admin", Role.ADMIN),
)


# the CSRF token a signed-in page carries
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
