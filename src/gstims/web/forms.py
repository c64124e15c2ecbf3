"""Reading the dashboard's query strings and form fields into the services' types.

A value that cannot be read is dropped and named in `problems`, so the page still answers
(with that filter off) and says what it ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from gstims.domain.calendar import Period, PeriodError
from gstims.domain.documents import MAX_AMOUNT
from gstims.domain.money import Tax, money
from gstims.domain.records import Action, Section
from gstims.domain.state import Declaration
from gstims.services.dashboard import PAGE_SIZES, SORTS, ImsQuery

FILTER_KEYS = ("section", "supplier", "action", "filed", "period", "min", "max", "number")
VIEW_KEYS = (*FILTER_KEYS, "sort", "dir", "size")
MAX_TEXT = 100


@dataclass(frozen=True, slots=True)
class FilterForm:
    params: dict[str, str]  # the readable parameters, to rebuild links and hidden fields
    query: ImsQuery
    problems: list[str] = field(default_factory=list)

    @property
    def filter_params(self) -> dict[str, str]:
        return {k: v for k, v in self.params.items() if k in FILTER_KEYS}

    @property
    def is_filtered(self) -> bool:
        return bool(self.filter_params)


def _text(source: Mapping[str, Any], key: str) -> str:
    value = source.get(key)
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ""


def read_filter(source: Mapping[str, Any]) -> FilterForm:
    """The IMS filter, sort and paging from a query string (or the bulk form's hidden fields)."""
    params: dict[str, str] = {}
    problems: list[str] = []
    q: dict[str, Any] = {}

    def keep(key: str, value: str) -> None:
        params[key] = value

    if (text := _text(source, "section")) in Section.__members__.values():
        q["section"] = Section(text)
        keep("section", text)
    for key in ("supplier", "number"):
        if text := _text(source, key):
            q[key] = text
            keep(key, text)
    if (text := _text(source, "action")) in {a.value for a in Action}:
        q["action"] = Action(text)
        keep("action", text)
    if (text := _text(source, "filed")) in ("Y", "N"):
        q["filed"] = text == "Y"
        keep("filed", text)
    if text := _text(source, "period"):
        try:
            q["period_2b"] = Period.parse(text)
            keep("period", text)
        except PeriodError:
            problems.append(f"2B period {text!r} is not MMYYYY")
    for key, name in (("min", "min_value"), ("max", "max_value")):
        if text := _text(source, key):
            amount = read_amount(text)
            if amount is None:
                problems.append(f"amount {text!r} is not a number from 0 to {MAX_AMOUNT}")
            else:
                q[name] = amount
                keep(key, text)
    if (text := _text(source, "sort")) in SORTS:
        q["sort"] = text
        keep("sort", text)
    if _text(source, "dir") == "desc":
        q["descending"] = True
        keep("dir", "desc")
    size = _int(_text(source, "size"))
    if size in PAGE_SIZES:
        q["page_size"] = size
        keep("size", str(size))
    q["page"] = max(_int(_text(source, "page")) or 1, 1)
    return FilterForm(params, ImsQuery(**q), problems)


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 9 else None


MAX_ID = 2**63 - 1
"""The largest id a record can have (a 64-bit integer): a bigger one names no record."""


def read_amount(text: str) -> Decimal | None:
    """An amount of a filter; None for what is not one, or is over any document's value."""
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 <= value <= MAX_AMOUNT:  # issue 14 item 11
        return None
    return money(value)


def read_id(text: str) -> int | None:
    """A record id from a form or URL; None when it is not one (beyond 64 bits included)."""
    if not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def read_action(text: object) -> Action | None:
    return Action(text) if text in {a.value for a in Action} else None


def read_picks(values: list[Any]) -> dict[int, Action]:
    """Checkbox values `id:action` (the action the user saw) → {id: action}."""
    picks: dict[int, Action] = {}
    for value in values:
        if not isinstance(value, str) or ":" not in value:
            continue
        ident, seen = value.split(":", 1)
        action, number = read_action(seen), read_id(ident)
        if number is not None and action is not None:
            picks[number] = action
    return picks


def read_declaration(form: Mapping[str, Any]) -> Declaration | str | None:
    """The ITC-reduction choice of the accept form: a `Declaration`, None, or what is wrong."""
    choice = form.get("declaration")
    if choice == "full":
        return Declaration(True)
    if choice == "none":
        return Declaration(False)
    if choice != "partial":
        return None
    heads = []
    for head in ("igst", "cgst", "sgst", "cess"):
        text = form.get(f"decl_{head}")
        text = text.strip() if isinstance(text, str) else ""
        amount = read_amount(text) if text else money(0)
        if amount is None:
            return f"the {head.upper()} to reduce, {text!r}, is not an amount of 0 or more"
        heads.append(amount)
    return Declaration(True, Tax(*heads))
