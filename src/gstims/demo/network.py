"""The demo network: 5 recipients and about 30 suppliers filing from Oct 2024 to Jan 2026.

`build_demo(db)` drives a fresh database through the use cases only — registration, GSTR-1
saves and filings, IMS actions, GEN2B, GSTR-3B, the clock and the sandbox feeds — so every
document passes gstims' own validation and every statement is what gstims computes. It is
deterministic (one seeded `random.Random`).

Each month C of the story, for the period P before it (R-CAL-1, R-CAL-2, R-SEQ-1/2):

    5th       GSTR-5, GSTR-6 and ICEGATE feeds of P arrive (R-IN-5b-d, R-IN-6)
    10th      monthly taxpayers file GSTR-1 for P
    12th      a few suppliers amend records of P before the recipient's 3B (R-IN-7: replace)
    13th      quarterly taxpayers file IFF / the quarter's GSTR-1
    14th      the clock drafts the 2Bs (R-2B-1)
    15th      recipients act in IMS (remarks, E2 declarations, resets) and recompute (GEN2B)
    18th/20th monthly / quarterly taxpayers file GSTR-3B (consumes the 2B, R-3B-3)
    last day  suppliers save GSTR-1 for C: invoices, notes, e-commerce, reverse charge,
              POS-ineligible and 16(4)-late documents, amendments of consumed records

The story stops on 16-02-2026 with January's 2Bs drafted and their 3Bs open, February's
first documents saved but unfiled, and Indus Pharma's Dec-2025 GSTR-3B unfiled, so its
Jan-2026 2B is blocked (GET2B answers RET2B1023, rules.md §9 ex. 8).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from gstims.demo.actions import Desk
from gstims.demo.books import book_purchases
from gstims.demo.cast import BLOCKED, CROSS_SUPPLIES, Cast, Party, cast
from gstims.demo.documents import Numbering, amendment, document, rupees, tax_on
from gstims.domain.calendar import FIRST_PERIOD, Frequency, Period
from gstims.domain.documents import SupplierDocument
from gstims.domain.ims import ActionItem
from gstims.domain.money import Tax, money
from gstims.domain.records import Action, Kind
from gstims.services import clock, feeds, gstr2b, gstr3b, ims, supplier, taxpayers, views
from gstims.services.feeds import BillOfEntry
from gstims.store.db import Database

SEED = 20241001
START = date(2024, 10, 1)
LAST = Period(2026, 1)  # the last period whose GSTR-1s are filed
FINAL_DAY = date(2026, 2, 16)
REGISTERED_ON = date(2019, 7, 1)  # obligations start with Oct 2024 anyway (R-CAL-4)
LATE_FILERS = ("oswal", "chambal", "lakshmi")  # January 2026 GSTR-1 not yet filed
PORTS = ("INNSA1", "INMAA1", "INBOM4", "INMUN1", "INBLR4")
CA_FIRM = ("mehta-ca", "Mehta & Associates, Chartered Accountants")
CA_CLIENTS = ("kaveri", "bharat", "nandi", "tirupati", "annapurna")
SUPPLIER_LOGINS = ("ganesh", "pioneer", "bazaarkart")

M, Q = Frequency.MONTHLY, Frequency.QUARTERLY
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class Login:
    name: str
    password: str
    role: str
    gstins: tuple[str, ...]
    token: str


@dataclass(frozen=True, slots=True)
class DemoSummary:
    today: date
    logins: tuple[Login, ...]
    taxpayers: int
    documents: int
    blocked_recipient: str
    blocked_period: Period
    seconds: float


def password_of(login: str) -> str:
    """Demo passwords are printed for everyone to use: `<login>-demo-gstims` (long enough for
    the password policy, `services/passwords.py`)."""
    return f"{login}-demo-gstims"


def is_built(db: Database) -> bool:
    """Whether the database holds a finished demo network (its CA-firm user is made last)."""
    with db.uow(write=False) as uow:
        return taxpayers.principal_by_password(uow, CA_FIRM[0], password_of(CA_FIRM[0])) is not None


def logins(seed: int = SEED) -> tuple[Login, ...]:
    """The demo's logins with their passwords (API tokens are shown only when built)."""
    return _logins(cast(random.Random(seed)))


def _logins(c: Cast) -> tuple[Login, ...]:
    wanted: list[tuple[str, str, tuple[str, ...]]] = [
        (r.key, f"recipient: {r.name}", (r.gstin,)) for r in c.recipients
    ]
    wanted += [(k, f"supplier: {c.by_key(k).name}", (c.by_key(k).gstin,)) for k in SUPPLIER_LOGINS]
    wanted.append((CA_FIRM[0], CA_FIRM[1], tuple(c.by_key(k).gstin for k in CA_CLIENTS)))
    return tuple(Login(name, password_of(name), role, gstins, "") for name, role, gstins in wanted)


def build_demo(db: Database, progress: Progress | None = None, seed: int = SEED) -> DemoSummary:
    """Fill a fresh, migrated database with the demo network."""
    started = time.perf_counter()
    network = _Network(db, random.Random(seed))
    stops = network.plan()
    for done, (day, label, work) in enumerate(stops, start=1):
        network.move_to(day)
        work()
        if progress:
            progress(done, len(stops), label)
    logins = network.users()
    blocked = network.cast.by_key(BLOCKED).gstin
    return DemoSummary(
        FINAL_DAY,
        logins,
        len(network.cast.taxpayers),
        network.documents,
        blocked,
        LAST,
        time.perf_counter() - started,
    )


@dataclass
class _Network:
    db: Database
    rng: random.Random
    cast: Cast = field(init=False)
    numbering: Numbering = field(default_factory=Numbering)
    desks: dict[str, Desk] = field(default_factory=dict)
    issued: dict[tuple[str, Period], list[SupplierDocument]] = field(
        default_factory=lambda: defaultdict(list)
    )
    amended: set[tuple[str, str, str]] = field(default_factory=set)
    documents: int = 0
    boe_serial: int = 4_312_000

    def __post_init__(self) -> None:
        self.cast = cast(self.rng)
        self.desks = {r.gstin: Desk(random.Random(self.rng.random())) for r in self.cast.recipients}

    def run(self, fn: Callable[..., Any], *args: Any, write: bool = True) -> Any:
        with self.db.transaction(write=write) as uow:
            return fn(uow, *args)

    # -- the calendar --------------------------------------------------------------------------

    def plan(self) -> list[tuple[date, str, Callable[[], None]]]:
        stops: list[tuple[date, str, Callable[[], None]]] = [
            (START, "registering taxpayers", self.register)
        ]
        for month in FIRST_PERIOD.months_through(LAST.next()):
            p = month.prev()
            if p >= FIRST_PERIOD:
                stops += [
                    (month.day(5), f"feeds for {p}", partial(self.feeds, p)),
                    (month.day(10), f"monthly GSTR-1 for {p}", partial(self.file_gstr1, p, M)),
                    (month.day(12), f"amendments for {month}", partial(self.amend_early, p, month)),
                    (month.day(13), f"IFF / GSTR-1 for {p}", partial(self.file_gstr1, p, Q)),
                    (month.day(15), f"IMS actions, GEN2B {p}", partial(self.act, p)),
                ]
                if month <= LAST:
                    stops.append((month.day(18), f"GSTR-3B for {p}", partial(self.file_3b, p, M)))
                    if p.is_quarter_end:
                        stops.append(
                            (month.day(20), f"quarterly GSTR-3B {p}", partial(self.file_3b, p, Q))
                        )
            last_day = month.last_day if month <= LAST else FINAL_DAY
            stops.append((last_day, f"documents of {month}", partial(self.issue, month, last_day)))
        stops.append((FINAL_DAY, "purchase registers", self.book))
        return stops

    def book(self) -> None:
        """Each recipient's purchase register, noisy as real books are (demo/books.py)."""
        issued = [d for documents in self.issued.values() for d in documents]
        for r in self.cast.recipients:
            with self.db.transaction() as uow:
                book_purchases(uow, random.Random(self.rng.random()), r.gstin, issued)

    def move_to(self, day: date) -> None:
        with self.db.transaction() as uow:
            if uow.today() < day:
                clock.advance_clock(uow, day)

    def register(self) -> None:
        self.run(taxpayers.set_start_date, START)
        for p in self.cast.taxpayers:
            self.run(
                taxpayers.register_taxpayer, p.gstin, p.name, p.frequency, REGISTERED_ON, p.name
            )

    # -- suppliers -----------------------------------------------------------------------------

    def filers(self, frequency: Frequency) -> list[Party]:
        return [
            p for p in (*self.cast.recipients, *self.cast.suppliers) if p.frequency is frequency
        ]

    def issue(self, month: Period, last_day: date) -> None:
        """Every supplier saves its GSTR-1 (or IFF) for `month` with documents up to `last_day`."""
        final = month > LAST
        for party in (*self.cast.suppliers, *self.cast.recipients):
            if final and self.rng.random() < 0.6:
                continue  # in February only some have started their return
            docs = self._documents(party, month, last_day)
            if not final:
                docs += self._late_documents(party, month) + self._amend_consumed(party, month)
            if docs:
                self.run(supplier.save_return, party.gstin, "GSTR1", month, docs)
                self.documents += len(docs)

    def _documents(self, party: Party, month: Period, last_day: date) -> list[SupplierDocument]:
        if party == self.cast.operator:
            return self._rides(month, last_day)
        customers = (
            CROSS_SUPPLIES.get(party.key, ()) if party in self.cast.recipients else party.customers
        )
        out = []
        for key in customers:
            customer = self.cast.by_key(key)
            count = (
                self.rng.randint(1, 3) if party in self.cast.recipients else self.rng.randint(1, 4)
            )
            if month > LAST:
                count = 1
            days = sorted(self._day(month, last_day) for _ in range(count))
            out += [document(self.rng, self.numbering, party, customer, Kind.INV, d) for d in days]
            if self.rng.random() < 0.22:
                scale = self.rng.choice((0.05, 0.1, 0.2))
                day = self._day(month, last_day)
                out.append(
                    document(self.rng, self.numbering, party, customer, Kind.CN, day, scale=scale)
                )
            if self.rng.random() < 0.07:
                day = self._day(month, last_day)
                out.append(
                    document(self.rng, self.numbering, party, customer, Kind.DN, day, scale=0.1)
                )
        self.issued[(party.gstin, month)] += out
        return out

    def _rides(self, month: Period, last_day: date) -> list[SupplierDocument]:
        """Cab rides booked through the operator, who pays the tax u/s 9(5)."""
        out = []
        for state, actual in self.cast.cab_operators.items():
            rider = next(r for r in self.cast.recipients if r.state == state)
            for _ in range(self.rng.randint(1, 3)):
                day = self._day(month, last_day)
                out.append(
                    document(
                        self.rng,
                        self.numbering,
                        self.cast.operator,
                        rider,
                        Kind.ECO,
                        day,
                        actual_supplier=actual,
                    )
                )
        self.issued[(self.cast.operator.gstin, month)] += out
        return out

    def _late_documents(self, party: Party, month: Period) -> list[SupplierDocument]:
        """Invoices of FY 2024-25 first reported after 30-11-2025: ITC not available (R-IN-5f)."""
        if month not in (Period(2025, 11), Period(2025, 12)) or party.key not in (
            "ganga",
            "shakti",
        ):
            return []
        customer = self.cast.by_key(party.customers[0])
        return [document(self.rng, self.numbering, party, customer, Kind.INV, date(2025, 3, 24))]

    def _amend_consumed(self, party: Party, month: Period) -> list[SupplierDocument]:
        """Amendments of records the recipient's 3B has consumed: b2ba / cdnra (R-2B-5)."""
        if party.frequency is not Frequency.MONTHLY or self.rng.random() > 0.2:
            return []
        source = month.plus(-2)
        if source < FIRST_PERIOD:
            return []
        shown = self.run(views.supplier_view, party.gstin, source, write=False)
        candidates = [
            s
            for s in shown
            if s.consumed and s.record.original is None and not s.record.reverse_charge
        ]
        if not candidates:
            return []
        chosen = self.rng.choice(candidates)
        original = self._original(party, source, chosen.record.number)
        if original is None:
            return []
        if chosen.state.action is Action.REJECT:
            factor = Decimal(1)  # re-reported unchanged after a wrongful rejection (§9 ex. 13)
        else:
            factor = self.rng.choice((Decimal("0.85"), Decimal("1.10")))
        return [amendment(original, factor)]

    def amend_early(self, period: Period, month: Period) -> None:
        """Amendments of filed records not yet consumed: they replace the original in IMS."""
        for party in self.rng.sample(self.filers(Frequency.MONTHLY), 3):
            if party in self.cast.recipients or party == self.cast.operator:
                continue
            if period == LAST and party.key in LATE_FILERS:
                continue  # its January GSTR-1 is not filed: nothing to amend yet
            docs = [
                d
                for d in self.issued[(party.gstin, period)]
                if d.kind is Kind.INV and not d.reverse_charge
            ]
            if not docs:
                continue
            original = self.rng.choice(docs)
            if (party.gstin, original.kind.value, original.number) in self.amended:
                continue
            self.amended.add((party.gstin, original.kind.value, original.number))
            factor = self.rng.choice((Decimal("0.9"), Decimal("1.05")))
            self.run(
                supplier.save_return, party.gstin, "GSTR1", month, [amendment(original, factor)]
            )
            self.documents += 1

    def _original(self, party: Party, period: Period, number: str) -> SupplierDocument | None:
        for doc in self.issued[(party.gstin, period)]:
            key = (party.gstin, doc.kind.value, doc.number)
            if doc.number == number and key not in self.amended:
                self.amended.add(key)
                return doc
        return None

    def file_gstr1(self, period: Period, frequency: Frequency) -> None:
        for party in self.filers(frequency):
            if period == LAST and (party.key == BLOCKED or party.key in LATE_FILERS):
                continue
            self.run(supplier.file_return, party.gstin, "GSTR1", period)

    def file_3b(self, period: Period, frequency: Frequency) -> None:
        for party in self.filers(frequency):
            if party.key == BLOCKED and period >= Period(2025, 12):
                continue
            self.run(gstr3b.file_3b, party.gstin, period)

    # -- feeds ---------------------------------------------------------------------------------

    def feeds(self, period: Period) -> None:
        c = self.cast
        head_office = c.recipients[0]
        isd_tax = tax_on(rupees(self.rng, 40_000, 90_000), Decimal(18), inter_state=False)
        isd = [
            feeds.IsdDocument(
                head_office.gstin, False, f"ISD/{period.code}/1", period.day(25), isd_tax
            )
        ]
        if period.month % 4 == 0:
            credit = Tax(*(money(h / 10) for h in isd_tax.heads))
            isd.append(
                feeds.IsdDocument(
                    head_office.gstin, True, f"ISDC/{period.code}/1", period.day(26), credit
                )
            )
        self.run(feeds.feed_gstr6, c.isd.gstin, period, isd)
        boes = self._bills_of_entry(period)
        self.run(feeds.feed_icegate, boes)
        self.documents += len(isd) + len(boes)
        if period.month % 3 == 1:
            buyers = (head_office, c.by_key("bharat"))
            day = period.day(self.rng.randint(3, 25))
            docs = [
                document(self.rng, self.numbering, c.non_resident, r, Kind.INV, day) for r in buyers
            ]
            self.run(feeds.feed_gstr5, c.non_resident.gstin, period, docs)
            self.documents += len(docs)

    def _bills_of_entry(self, period: Period) -> list[BillOfEntry]:
        importers = [self.cast.recipients[0], self.cast.recipients[0], self.cast.by_key(BLOCKED)]
        boes = []
        for importer in importers:
            boes.append(self._boe(importer, period, None))
        if period.month % 2 == 0:
            boes.append(self._boe(self.cast.by_key(BLOCKED), period, self.cast.sez_unit.gstin))
        return boes

    def _boe(self, importer: Party, period: Period, sez: str | None) -> BillOfEntry:
        self.boe_serial += self.rng.randint(1, 900)
        boe_day = period.day(self.rng.randint(1, 24))
        taxable = rupees(self.rng, 150_000, 2_000_000)
        return BillOfEntry(
            importer.gstin,
            "INIXY1" if sez else self.rng.choice(PORTS),
            str(self.boe_serial),
            boe_day,
            boe_day + timedelta(days=self.rng.randint(1, 3)),
            taxable,
            Tax.of(igst=money(taxable * Decimal("0.18"))),
            sez,
        )

    # -- recipients ----------------------------------------------------------------------------

    def act(self, period: Period) -> None:
        for r in self.cast.recipients:
            desk = self.desks[r.gstin]
            shown = self.run(ims.list_records, r.gstin, write=False)
            items = desk.decide(shown)
            if items:
                self._save(r, items, ims.save_actions)
            shown = self.run(ims.list_records, r.gstin, write=False)
            resets = desk.resets(shown)
            if resets:
                self._save(r, resets, ims.reset_actions)
            if r.frequency is Frequency.QUARTERLY and not period.is_quarter_end:
                continue
            if self.run(gstr2b.latest, r.gstin, period, write=False) is not None:
                self.run(gstr2b.generate_2b, r.gstin, period)

    def _save(self, r: Party, items: list[ActionItem], fn: Callable[..., Any]) -> None:
        result = self.run(fn, r.gstin, items, r.key)
        if result.errors:
            first = result.errors[0]
            raise RuntimeError(f"demo action refused for {r.key}: {first.code} {first.message}")

    # -- users ---------------------------------------------------------------------------------

    def users(self) -> tuple[Login, ...]:
        logins = []
        for login in _logins(self.cast):
            made = self.run(taxpayers.create_user, login.name, list(login.gstins), login.password)
            logins.append(replace(login, token=made.token))
        return tuple(logins)

    def _day(self, month: Period, last_day: date) -> date:
        """A document date in `month`, not after `last_day` (never in the future, R-IN-4)."""
        return month.day(
            self.rng.randint(1, last_day.day if last_day < month.last_day else month.last_day.day)
        )
