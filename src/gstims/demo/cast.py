"""Who is in the demo network: recipients, suppliers, special parties and their logins.

Every name is invented; every GSTIN is valid (its check character computed by `make_gstin`)
and built from a deterministic, plausible PAN: five letters whose fourth tells the holder
(C company, F firm, P proprietor) and whose fifth is the name's initial, four digits and a
letter. A supplier's `trade` says what it sells: the GST rates it charges, its usual invoice
size, and what is special about it (reverse charge, a hotel charging its own state's tax,
cess).

Example: Shree Ganesh Steel Traders, a Maharashtra firm, gets PAN `AAKFS4821Q`-like and GSTIN
`27AAKFS4821Q1Z?` and invoices steel at 18% between ₹40,000 and ₹4,00,000.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from gstims.domain.calendar import Frequency
from gstims.domain.gstin import make_gstin

M, Q = Frequency.MONTHLY, Frequency.QUARTERLY


@dataclass(frozen=True, slots=True)
class Trade:
    """What a supplier sells and how it invoices."""

    rates: tuple[Decimal, ...]
    low: int  # usual taxable value per invoice, rupees
    high: int
    reverse_charge: bool = False  # GTA, legal services: the recipient pays the tax
    own_state_pos: bool = False  # hotels: place of supply is where the hotel stands
    cess_per_mille: int = 0  # cess as a share of the taxable value (not rate-checked)


def _rates(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


TRADES: dict[str, Trade] = {
    "steel": Trade(_rates("18"), 40_000, 400_000),
    "packaging": Trade(_rates("18", "12"), 10_000, 150_000),
    "polymers": Trade(_rates("18"), 50_000, 300_000),
    "transport": Trade(_rates("5"), 8_000, 70_000, reverse_charge=True),
    "hotel": Trade(_rates("12", "18"), 5_000, 40_000, own_state_pos=True),
    "legal": Trade(_rates("18"), 25_000, 200_000, reverse_charge=True),
    "chemicals": Trade(_rates("18"), 30_000, 250_000),
    "paper": Trade(_rates("12", "18"), 20_000, 200_000),
    "fasteners": Trade(_rates("18"), 5_000, 80_000),
    "gases": Trade(_rates("18", "12"), 10_000, 100_000),
    "jute": Trade(_rates("5"), 20_000, 150_000),
    "spices": Trade(_rates("5"), 15_000, 120_000),
    "marble": Trade(_rates("18", "28"), 40_000, 300_000),
    "cotton": Trade(_rates("5"), 100_000, 600_000),
    "coal": Trade(_rates("5"), 100_000, 500_000, cess_per_mille=40),
    "electrical": Trade(_rates("18", "28"), 10_000, 150_000),
    "catering": Trade(_rates("5"), 5_000, 40_000),
    "tools": Trade(_rates("18"), 50_000, 400_000),
    "solar": Trade(_rates("12"), 100_000, 800_000),
    "yarn": Trade(_rates("12", "5"), 80_000, 500_000),
    "cement": Trade(_rates("28"), 40_000, 250_000),
    "lubricants": Trade(_rates("18"), 10_000, 90_000),
    "engineering": Trade(_rates("18"), 30_000, 300_000),
    "pharma": Trade(_rates("12", "5"), 50_000, 400_000),
    "agro": Trade(_rates("5", "18"), 30_000, 200_000),
    "stationery": Trade(_rates("18", "12"), 2_000, 30_000),
    "security": Trade(_rates("18"), 20_000, 120_000),
    "software": Trade(_rates("18"), 30_000, 250_000),
    "auto_parts": Trade(_rates("28"), 20_000, 200_000, cess_per_mille=10),
    "cabs": Trade(_rates("5"), 500, 6_000),
    "textiles": Trade(_rates("5", "12"), 50_000, 300_000),
    "machinery": Trade(_rates("18"), 200_000, 900_000),
}


@dataclass(frozen=True, slots=True)
class Party:
    """A taxpayer of the network."""

    key: str  # a short handle, also the login name of those who get one
    name: str
    state: str
    frequency: Frequency
    holder: str  # PAN 4th letter: C company, F firm, P proprietor, T trust
    trade: str
    customers: tuple[str, ...] = ()  # keys of the recipients it supplies
    code: str = ""  # invoice-number prefix
    gstin: str = field(default="", compare=False)


# The five recipients: the IMS users of the demo. R5 stops filing GSTR-3B in January 2026.
RECIPIENTS = (
    Party("sahyadri", "Sahyadri Auto Components Pvt Ltd", "27", M, "C", "auto_parts", code="SAC"),
    Party("kaveri", "Kaveri Textiles Ltd", "33", M, "C", "textiles", code="KTL"),
    Party("bharat", "Bharat Agro Foods Pvt Ltd", "09", M, "C", "agro", code="BAF"),
    Party("nandi", "Nandi Electricals", "29", Q, "F", "electrical", code="NEL"),
    Party("indus", "Indus Pharma Distributors LLP", "24", M, "F", "pharma", code="IPD"),
)
BLOCKED = "indus"  # leaves its Dec-2025 GSTR-3B unfiled: its Jan-2026 2B is blocked
CROSS_SUPPLIES = {"sahyadri": ("nandi",), "kaveri": ("bharat",), "indus": ("sahyadri",)}

_S = (
    ("ganesh", "Shree Ganesh Steel Traders", "27", M, "F", "steel", ("sahyadri", "bharat")),
    (
        "mahalaxmi",
        "Mahalaxmi Packaging Industries",
        "27",
        M,
        "F",
        "packaging",
        ("sahyadri", "kaveri"),
    ),
    ("vardhman", "Vardhman Polymers Pvt Ltd", "24", M, "C", "polymers", ("sahyadri", "indus")),
    ("deccan", "Deccan Roadways", "36", M, "F", "transport", ("sahyadri", "kaveri", "nandi")),
    ("sai", "Sai Residency Hotels", "27", M, "F", "hotel", ("sahyadri", "kaveri", "bharat")),
    ("apex", "Apex Legal Associates", "07", Q, "F", "legal", ("sahyadri", "bharat", "indus")),
    ("venkateswara", "Sri Venkateswara Chemicals", "36", M, "P", "chemicals", ("kaveri", "nandi")),
    ("ganga", "Ganga Paper Mills Ltd", "09", M, "C", "paper", ("bharat", "sahyadri")),
    ("tirupati", "Tirupati Fasteners", "33", Q, "P", "fasteners", ("kaveri", "nandi")),
    ("himalaya", "Himalaya Industrial Gases", "06", M, "C", "gases", ("bharat", "sahyadri")),
    ("bengal", "Bengal Jute Products", "19", M, "F", "jute", ("kaveri", "bharat")),
    ("malabar", "Malabar Spices Exports", "32", Q, "F", "spices", ("bharat", "indus")),
    ("rajputana", "Rajputana Marble Works", "08", M, "P", "marble", ("indus", "sahyadri")),
    ("narmada", "Narmada Cotton Ginning", "24", M, "F", "cotton", ("kaveri", "indus")),
    ("mahanadi", "Mahanadi Coal Traders", "21", M, "F", "coal", ("sahyadri", "bharat")),
    ("kaveri-elec", "Kaveri Electrical Stores", "29", M, "P", "electrical", ("nandi",)),
    ("annapurna", "Annapurna Caterers", "33", Q, "P", "catering", ("kaveri",)),
    ("precision", "Precision Tools India Pvt Ltd", "29", M, "C", "tools", ("nandi", "sahyadri")),
    ("surya", "Surya Solar Systems", "24", M, "F", "solar", ("indus", "nandi")),
    ("oswal", "Oswal Yarn Mills", "03", M, "C", "yarn", ("kaveri",)),
    ("konark", "Konark Cement Agency", "21", Q, "F", "cement", ("bharat",)),
    ("shakti", "Shakti Lubricants", "27", M, "P", "lubricants", ("sahyadri", "indus")),
    ("vishwakarma", "Vishwakarma Engineering Works", "27", M, "F", "engineering", ("sahyadri",)),
    ("doon", "Doon Valley Pharma", "05", M, "C", "pharma", ("indus", "bharat")),
    ("chambal", "Chambal Agro Inputs", "23", M, "F", "agro", ("bharat",)),
    ("bhagirath", "Bhagirath Transport Co", "08", M, "F", "transport", ("indus", "bharat")),
    ("lakshmi", "Lakshmi Office Supplies", "33", M, "P", "stationery", ("kaveri", "nandi")),
    ("coastal", "Coastal Security Services", "29", Q, "F", "security", ("nandi",)),
    (
        "pioneer",
        "Pioneer IT Solutions Pvt Ltd",
        "36",
        M,
        "C",
        "software",
        ("sahyadri", "kaveri", "nandi", "indus"),
    ),
    ("indraprastha", "Indraprastha Auto Parts", "07", M, "F", "auto_parts", ("sahyadri",)),
)
SUPPLIERS = tuple(
    Party(k, n, s, f, h, t, c, code="".join(w[0] for w in n.split()[:3]).upper())
    for k, n, s, f, h, t, c in _S
)

# Parties that report through other channels than a plain GSTR-1 b2b.
OPERATOR = Party("bazaarkart", "BazaarKart Marketplace Pvt Ltd", "29", M, "C", "cabs", code="BKM")
NON_RESIDENT = Party(
    "nordic", "Nordic Machine Tools AS (non-resident)", "27", M, "C", "machinery", code="NMT"
)
ISD = Party("sahyadri-isd", "Sahyadri Auto Components Pvt Ltd (ISD)", "27", M, "C", "software")
SEZ_UNIT = Party("kandla", "Kandla SEZ Electronics Unit", "24", M, "C", "electrical")
# Cab operators behind the e-commerce operator (u/s 9(5)): not registered in the network.
CAB_OPERATORS = {"27": "Pune City Cabs", "29": "Namma Rides", "33": "Chennai Fleet Services"}


@dataclass(frozen=True, slots=True)
class Cast:
    recipients: tuple[Party, ...]
    suppliers: tuple[Party, ...]  # GSTR-1 filers other than the recipients, operator included
    operator: Party
    non_resident: Party
    isd: Party
    sez_unit: Party
    cab_operators: dict[str, str]  # state → GSTIN of the actual supplier behind the operator

    @property
    def taxpayers(self) -> tuple[Party, ...]:
        return (
            *self.recipients,
            *self.suppliers,
            self.non_resident,
            self.isd,
            self.sez_unit,
        )

    def by_key(self, key: str) -> Party:
        return next(p for p in self.taxpayers if p.key == key)


def cast(rng: random.Random) -> Cast:
    """The network's parties with their GSTINs, the same for the same seed."""
    used: set[str] = set()

    def pan(holder: str, name: str) -> str:
        while True:
            letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(3))
            value = f"{letters}{holder}{name[0].upper()}{rng.randrange(1000, 9999)}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}"
            if value not in used:
                used.add(value)
                return value

    def with_gstin(p: Party, pan_value: str | None = None, entity: str = "1") -> Party:
        value = pan_value or pan(p.holder, p.name)
        gstin = str(make_gstin(p.state, value, entity))
        return Party(
            p.key, p.name, p.state, p.frequency, p.holder, p.trade, p.customers, p.code, gstin
        )

    recipients = tuple(with_gstin(p) for p in RECIPIENTS)
    suppliers = tuple(with_gstin(p) for p in (*SUPPLIERS, OPERATOR))
    head_office = recipients[0]
    return Cast(
        recipients=recipients,
        suppliers=suppliers,
        operator=suppliers[-1],
        non_resident=with_gstin(NON_RESIDENT),
        isd=with_gstin(ISD, head_office.gstin[2:12], entity="2"),
        sez_unit=with_gstin(SEZ_UNIT),
        cab_operators={s: str(make_gstin(s, pan("P", n))) for s, n in CAB_OPERATORS.items()},
    )
