"""Row ↔ domain conversions: paise ↔ Decimal, YYYYMM ↔ Period, a row → `Record`.

The only place that knows both the table layout and the domain types.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache, lru_cache
from typing import Any, TypeVar, cast

from sqlalchemy import Boolean, Connection, Date, Integer, String, and_, not_, select, type_coerce

from gstims.domain.calendar import Frequency, Period
from gstims.domain.money import ZERO, Tax
from gstims.domain.records import Action, Kind, Origin, Original, Record, RecordKey, Route
from gstims.domain.state import Declaration, ImsState
from gstims.store.tables import records

E = TypeVar("E", bound=Enum)
T = TypeVar("T")
HUNDRED = Decimal(100)
PAISA = Decimal("0.01")


def to_paise(amount: Decimal) -> int:
    return int(amount * HUNDRED)


def from_paise(paise: int) -> Decimal:
    """Paise → rupees of two places: `180000` → `Decimal('1800.00')` (exact: paise fit in
    BigInteger's 19 digits, well within Decimal's 28)."""
    return PAISA * paise


def tax_paise(tax: Tax, prefix: str = "") -> dict[str, int]:
    return {
        f"{prefix}igst": to_paise(tax.igst),
        f"{prefix}cgst": to_paise(tax.cgst),
        f"{prefix}sgst": to_paise(tax.sgst),
        f"{prefix}cess": to_paise(tax.cess),
    }


def tax_of(row: Mapping[Any, Any], prefix: str = "") -> Tax:
    igst, cgst, sgst, cess = _head_names(prefix)
    return _tax_paise(row[igst], row[cgst], row[sgst], row[cess])


def _tax_paise(igst: int, cgst: int, sgst: int, cess: int) -> Tax:
    # a lakh of rows carry a lakh of different amounts (a cache would only cost), but their
    # zero heads are one shared ZERO
    return _new_tax(
        PAISA * igst if igst else ZERO,
        PAISA * cgst if cgst else ZERO,
        PAISA * sgst if sgst else ZERO,
        PAISA * cess if cess else ZERO,
    )


@cache
def _head_names(prefix: str) -> tuple[str, str, str, str]:
    return (f"{prefix}igst", f"{prefix}cgst", f"{prefix}sgst", f"{prefix}cess")


def opt_tax_of(row: Mapping[Any, Any], prefix: str) -> Tax | None:
    if row[f"{prefix}igst"] is None:
        return None
    return tax_of(row, prefix)


def period_int(period: Period) -> int:
    return period.year * 100 + period.month


@cache  # a lakh of rows name a handful of periods; a Period is immutable
def period_of(value: int) -> Period:
    return Period(value // 100, value % 100)


class _Members(dict[str, Any]):
    """value → member of an Enum by one C-level dict lookup (the Enum call is the slow part
    of a row's record); an unknown value still fails as `enum(value)` does."""

    def __init__(self, enum: type[Enum]) -> None:
        super().__init__((member.value, member) for member in enum)
        self.enum = enum

    def __missing__(self, value: str) -> Any:
        return self.enum(value)


def _members(enum: type[E]) -> Callable[[str], E]:
    return _Members(enum).__getitem__


_kind, _origin, _frequency, _action = (
    _members(Kind),
    _members(Origin),
    _members(Frequency),
    _members(Action),
)
route_of = _members(Route)


# A record back at No action: no remarks, declaration or actor (a supplier's change, a RESET)
NO_ACTION_COLUMNS: Mapping[str, Any] = {
    "action": "N",
    "remarks": None,
    "itc_red_req": None,
    "decl_igst": None,
    "decl_cgst": None,
    "decl_sgst": None,
    "decl_cess": None,
    "acted_by": None,
    "acted_at": None,
}

# What an amendment remembers of its original: number, date, tax, consumption, action, effect.
ORIGINAL_COLUMNS = (
    "orig_number",
    "orig_date",
    *(f"orig_{h}" for h in ("igst", "cgst", "sgst", "cess")),
    "orig_consumed",
    "orig_action",
    *(f"orig_eff_{h}" for h in ("igst", "cgst", "sgst", "cess")),
)
# The columns `record_of` and `state_of` read: select these (not the whole row) when a lakh
# of records is loaded only to be judged.
RECORD_COLUMNS = (
    "supplier",
    "recipient",
    "kind",
    "number",
    "fy",
    "doc_number",
    "doc_date",
    "origin",
    "source_period",
    "supplier_frequency",
    "taxable",
    "value",
    "igst",
    "cgst",
    "sgst",
    "cess",
    "pos",
    "supply_type",
    "rchrg",
    "diff_percent",
    "rate",
    "filed_on",
    *ORIGINAL_COLUMNS,
    "actual_supplier",
    "port_code",
    "ref_date",
    "time_barred",
)
DECLARED_COLUMNS = ("decl_igst", "decl_cgst", "decl_sgst", "decl_cess")  # paise, or all NULL
STATE_COLUMNS = ("action", "remarks", "itc_red_req", *DECLARED_COLUMNS)


def record_of(row: Mapping[Any, Any]) -> Record:
    original = None
    if row["orig_number"] is not None:
        original = Original(
            number=row["orig_number"],
            doc_date=row["orig_date"],
            tax=tax_of(row, "orig_"),
            consumed=bool(row["orig_consumed"]),
            action=_action(row["orig_action"] or "N"),
            effect=opt_tax_of(row, "orig_eff_") or Tax(),
        )
    return Record(
        key=RecordKey(
            row["supplier"], row["recipient"], _kind(row["kind"]), row["number"], row["fy"]
        ),
        number=row["doc_number"],
        doc_date=row["doc_date"],
        origin=_origin(row["origin"]),
        supplier_period=period_of(row["source_period"]),
        supplier_frequency=_frequency(row["supplier_frequency"]),
        taxable=from_paise(row["taxable"]),
        value=from_paise(row["value"]),
        tax=tax_of(row),
        pos=row["pos"],
        supply_type=row["supply_type"],
        reverse_charge=bool(row["rchrg"]),
        diff_percent=_decimal(row["diff_percent"]) if row["diff_percent"] else None,
        rate=_decimal(row["rate"]) if row["rate"] else None,
        filed_on=row["filed_on"],
        original=original,
        actual_supplier=row["actual_supplier"],
        port_code=row["port_code"],
        ref_date=row["ref_date"],
        time_barred=bool(row["time_barred"]),
    )


_decimal = lru_cache(maxsize=256)(Decimal)  # rates and diff_percent: a handful of values


def _builder(cls: type[T]) -> Callable[..., T]:
    """`cls(*fields)` for a frozen, slotted dataclass, at a third of the cost of its
    `__init__` (which sets each field through `object.__setattr__`: for a lakh of rows, most
    of their load). The object is made by the `__init__` of an unfrozen twin with the same
    slots, then given its class (`__class__` assignment between classes of one layout): the
    same object as `cls(...)` makes, frozen as ever. Falls back to `cls` itself should `cls`
    gain a `__post_init__` or the twin not share its layout."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    names = tuple(f.name for f in fields)
    if hasattr(cls, "__post_init__") or names != getattr(cls, "__slots__", ()):
        return cls
    twin = dataclasses.make_dataclass(
        f"_{cls.__name__}Twin", [(f.name, f.type) for f in fields], slots=True
    )

    def build(*values: Any) -> T:
        made = twin(*values)
        made.__class__ = cls
        return cast(T, made)

    try:
        sample = build(*range(len(names)))
    except TypeError:  # "object layout differs"
        return cls
    return build if all(getattr(sample, n) == i for i, n in enumerate(names)) else cls


_new_record = _builder(Record)
_new_key = _builder(RecordKey)
_new_tax = _builder(Tax)


# A lakh of rows costs per column fetched, even NULL. Most records fill only the DENSE
# columns; the SPARSE ones (amendments, e-commerce, bills of entry, remarks, declarations)
# are read, by a second query, only for the rows that fill any of them. Both keep the order of
# RECORD_COLUMNS + STATE_COLUMNS, which `record_and_state_of` unpacks at exactly these widths
# (a column added to the lists and not to the unpacking fails at once rather than shifting its
# neighbours); `tests/integration/test_fast_paths.py` holds the reader to `record_of`.
_SPARSE = {
    "diff_percent",
    *ORIGINAL_COLUMNS,
    "actual_supplier",
    "port_code",
    "ref_date",
    "remarks",
    "itc_red_req",
    *DECLARED_COLUMNS,
}
DENSE_COLUMNS = tuple(c for c in (*RECORD_COLUMNS, *STATE_COLUMNS) if c not in _SPARSE)
SPARSE_COLUMNS = tuple(c for c in (*RECORD_COLUMNS, *STATE_COLUMNS) if c in _SPARSE)
_DENSE_WIDTH = len(DENSE_COLUMNS)
_NO_SPARSE = (None,) * len(SPARSE_COLUMNS)
NO_SPARSE = _NO_SPARSE
"""The sparse part of a row of `select_record_rows` that fills none of them (this very object)."""


def select_record_rows(
    conn: Connection, where: Any, extra: Sequence[str] = ()
) -> list[tuple[Sequence[Any], Sequence[Any]]]:
    """The records `where` selects, for `record_and_state_of`: each as (its DENSE columns
    then the `extra` ones, its SPARSE columns). Two queries: the rows with every sparse
    column NULL, then (few) the others with them. On SQLite, dates and flags come as stored
    (text, 0/1) and `record_and_state_of` reads them: Core would convert every cell."""
    raw = conn.dialect.name == "sqlite"
    plain = and_(*(records.c[c].is_(None) for c in SPARSE_COLUMNS))
    columns = [as_stored(records.c[c], raw) for c in (*DENSE_COLUMNS, *extra)]
    rows: list[tuple[Sequence[Any], Sequence[Any]]] = [
        (row, _NO_SPARSE) for row in conn.execute(select(*columns).where(where, plain)).all()
    ]
    width = len(columns)
    sparse = (as_stored(records.c[c], raw) for c in SPARSE_COLUMNS)
    full = select(*columns, *sparse).where(where, not_(plain))
    rows += [(row[:width], row[width:]) for row in conn.execute(full).all()]
    return rows


def as_stored(column: Any, raw: bool) -> Any:
    if raw and isinstance(column.type, Date):
        return type_coerce(column, String)
    if raw and isinstance(column.type, Boolean):
        return type_coerce(column, Integer)
    return column


class _Dates(dict[Any, date | None]):
    """A date column's value → `date`: itself, or parsed from SQLite's stored text once per
    distinct day (a lakh of rows carry a few hundred)."""

    def __missing__(self, value: Any) -> date | None:
        day = date.fromisoformat(value) if isinstance(value, str) else value
        if len(self) < 65536:
            self[value] = day
        return day


_date = _Dates().__getitem__
stored_date = _date  # for the other lakh-row readers of the store (`store/books.py`)


def record_and_state_of(row: Sequence[Any], sparse: Sequence[Any]) -> tuple[Record, ImsState]:
    """`record_of` and `state_of` of a row of `select_record_rows`, read by position (a
    lakh of rows: no mapping per row); the `extra` columns after the dense ones are ignored."""
    (
        supplier,
        recipient,
        kind,
        number,
        fy,
        doc_number,
        doc_date,
        origin,
        source_period,
        supplier_frequency,
        taxable,
        value,
        igst,
        cgst,
        sgst,
        cess,
        pos,
        supply_type,
        rchrg,
        rate,
        filed_on,
        time_barred,
        action,
    ) = row[:_DENSE_WIDTH]
    (
        diff_percent,
        orig_number,
        orig_date,
        orig_igst,
        orig_cgst,
        orig_sgst,
        orig_cess,
        orig_consumed,
        orig_action,
        orig_eff_igst,
        orig_eff_cgst,
        orig_eff_sgst,
        orig_eff_cess,
        actual_supplier,
        port_code,
        ref_date,
        remarks,
        itc_red_req,
        decl_igst,
        decl_cgst,
        decl_sgst,
        decl_cess,
    ) = sparse
    original = None
    if orig_number is not None:
        original = Original(
            number=orig_number,
            doc_date=cast(date, _date(orig_date)),  # an amendment always names its original's
            tax=_tax_paise(orig_igst, orig_cgst, orig_sgst, orig_cess),
            consumed=bool(orig_consumed),
            action=_action(orig_action or "N"),
            effect=Tax()
            if orig_eff_igst is None
            else _tax_paise(orig_eff_igst, orig_eff_cgst, orig_eff_sgst, orig_eff_cess),
        )
    record = _new_record(
        _new_key(supplier, recipient, _kind(kind), number, fy),
        doc_number,
        _date(doc_date),
        _origin(origin),
        period_of(source_period),
        _frequency(supplier_frequency),
        from_paise(taxable),
        from_paise(value),
        _tax_paise(igst, cgst, sgst, cess),
        pos,
        supply_type,
        bool(rchrg),
        _decimal(diff_percent) if diff_percent else None,
        _decimal(rate) if rate else None,
        _date(filed_on),
        original,
        actual_supplier,
        port_code,
        _date(ref_date),
        bool(time_barred),
    )
    if sparse is _NO_SPARSE:
        state = _plain_state(action)
    else:
        state = _state(action, remarks, itc_red_req, decl_igst, decl_cgst, decl_sgst, decl_cess)
    return record, state


def state_of(row: Mapping[Any, Any], action: str | None = None) -> ImsState:
    """The row's IMS state (with `action` instead of its own, when given)."""
    return _state(
        action or row["action"],
        row["remarks"],
        row["itc_red_req"],
        row["decl_igst"],
        row["decl_cgst"],
        row["decl_sgst"],
        row["decl_cess"],
    )


@lru_cache(maxsize=16)
def _plain_state(action: str) -> ImsState:
    """The state of a record with no remarks and no declaration."""
    return _state(action, None, None, None, None, None, None)


@lru_cache(maxsize=4096)  # a lakh of records hold a handful of distinct states
def _state(
    action: str,
    remarks: str | None,
    itc_red_req: str | None,
    *decl: Any,  # decl_igst, decl_cgst, decl_sgst, decl_cess: paise, or all None
) -> ImsState:
    declaration = None
    if itc_red_req in ("Y", "N"):
        amounts = None if decl[0] is None else Tax(*map(from_paise, decl))
        declaration = Declaration(itc_red_req == "Y", amounts)
    return ImsState(_action(action), remarks, declaration)


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
