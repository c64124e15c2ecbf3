"""Row ↔ domain conversions: paise ↔ Decimal, YYYYMM ↔ Period, a row → `Record`.

The only place that knows both the table layout and the domain types.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from gstims.domain.calendar import Frequency, Period
from gstims.domain.money import Tax
from gstims.domain.records import Action, Kind, Origin, Original, Record, RecordKey
from gstims.domain.state import Declaration, ImsState

HUNDRED = Decimal(100)
_PAISE_CACHE: dict[int, Decimal] = {}


def to_paise(amount: Decimal) -> int:
    return int(amount * HUNDRED)


def from_paise(paise: int) -> Decimal:
    return Decimal(paise).scaleb(-2)


def tax_paise(tax: Tax, prefix: str = "") -> dict[str, int]:
    return {
        f"{prefix}igst": to_paise(tax.igst),
        f"{prefix}cgst": to_paise(tax.cgst),
        f"{prefix}sgst": to_paise(tax.sgst),
        f"{prefix}cess": to_paise(tax.cess),
    }


def tax_of(row: Mapping[str, Any], prefix: str = "") -> Tax:
    return Tax(
        from_paise(row[f"{prefix}igst"]),
        from_paise(row[f"{prefix}cgst"]),
        from_paise(row[f"{prefix}sgst"]),
        from_paise(row[f"{prefix}cess"]),
    )


def opt_tax_of(row: Mapping[str, Any], prefix: str) -> Tax | None:
    if row[f"{prefix}igst"] is None:
        return None
    return tax_of(row, prefix)


def period_int(period: Period) -> int:
    return period.year * 100 + period.month


def period_of(value: int) -> Period:
    return Period(value // 100, value % 100)


def record_of(row: Mapping[str, Any]) -> Record:
    original = None
    if row["orig_number"] is not None:
        original = Original(
            number=row["orig_number"],
            doc_date=row["orig_date"],
            tax=tax_of(row, "orig_"),
            consumed=bool(row["orig_consumed"]),
            action=Action(row["orig_action"] or "N"),
            effect=opt_tax_of(row, "orig_eff_") or Tax(),
        )
    return Record(
        key=RecordKey(
            row["supplier"], row["recipient"], Kind(row["kind"]), row["number"], row["fy"]
        ),
        number=row["doc_number"],
        doc_date=row["doc_date"],
        origin=Origin(row["origin"]),
        supplier_period=period_of(row["source_period"]),
        supplier_frequency=Frequency(row["supplier_frequency"]),
        taxable=from_paise(row["taxable"]),
        value=from_paise(row["value"]),
        tax=tax_of(row),
        pos=row["pos"],
        supply_type=row["supply_type"],
        reverse_charge=bool(row["rchrg"]),
        diff_percent=Decimal(row["diff_percent"]) if row["diff_percent"] else None,
        rate=Decimal(row["rate"]) if row["rate"] else None,
        filed_on=row["filed_on"],
        original=original,
        actual_supplier=row["actual_supplier"],
        port_code=row["port_code"],
        ref_date=row["ref_date"],
        time_barred=bool(row["time_barred"]),
    )


def state_of(row: Mapping[str, Any]) -> ImsState:
    declaration = None
    if row["itc_red_req"] in ("Y", "N"):
        declaration = Declaration(row["itc_red_req"] == "Y", opt_tax_of(row, "decl_"))
    return ImsState(Action(row["action"]), row["remarks"], declaration)


def state_columns(state: ImsState) -> dict[str, Any]:
    decl = state.declaration
    amounts = decl.amounts if decl else None
    columns: dict[str, Any] = {
        "action": state.action.value,
        "remarks": state.remarks,
        "itc_red_req": None if decl is None else ("Y" if decl.required else "N"),
    }
    for head in ("igst", "cgst", "sgst", "cess"):
        columns[f"decl_{head}"] = to_paise(getattr(amounts, head)) if amounts else None
    return columns
