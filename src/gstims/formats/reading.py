"""Reading decoded GSTN JSON into typed values, every shape problem collected, none raised.

A reader walks one JSON object with a `Fields` cursor. Each getter returns the typed value, or
`None` after adding a `Problem` that names the section, the document number and the JSON path
of the field (`b2b[0].inv[2].idt`). Only shape and type are checked here — a negative amount
or a future date is for the domain's validation to judge.

    >>> problems: list[Problem] = []
    >>> inv = Fields({"inum": "INV-1", "idt": "31-02-2024"}, "b2b[0].inv[0]", problems, "b2b")
    >>> inv.text("inum"), inv.date("idt")
    ('INV-1', None)
    >>> str(problems[0])
    "b2b  b2b[0].inv[0].idt: not a real date: '31-02-2024'"

Accepted for an amount: a JSON integer, a `Decimal` (JSON read with `codec.loads`) or a
numeric string such as "1800.00", with at most two decimal places (GSTN `Decimal(15,2)`: an
extra place would be rounded silently). Refused: `true`/`false`, a binary float (read the JSON
with `codec.loads`: a float has already lost the paisa), anything else. Rates and
percentages accept any number of places.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from gstims.domain.documents import Problem
from gstims.domain.money import PAISA, ZERO, money
from gstims.domain.text import text_problem

_DATE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
_NUMERIC = re.compile(r"-?\d+(\.\d+)?")
_PERIOD = re.compile(r"(0[1-9]|1[0-2])\d{4}")
_MISSING = object()


def kind_of(value: Any) -> str:
    """How a message names what was found instead: 'a string', 'a list', 'null' ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def decimal_of(value: Any) -> Decimal | str:
    """A JSON number or numeric string as a `Decimal`, or why it is not one."""
    if isinstance(value, bool):
        return f"expected a number, got {kind_of(value)}"
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else f"not a finite number: {value}"
    if isinstance(value, float):
        return "a binary float cannot carry an exact amount: read the JSON with Decimal numbers"
    if isinstance(value, str):
        if _NUMERIC.fullmatch(value):
            return Decimal(value)
        return f"not a number: {value!r}"
    return f"expected a number, got {kind_of(value)}"


MAX_AMOUNT = Decimal("9999999999999.99")  # GSTN amounts are Decimal(15,2)


def amount_of(value: Any) -> Decimal | str:
    """An amount of at most two places as a two-place `Decimal`, or why it is not one."""
    number = decimal_of(value)
    if isinstance(number, str):
        return number
    try:
        exact = number == number.quantize(PAISA)
    except InvalidOperation:
        return f"too large for an amount: {value}"
    if not exact:
        return f"an amount has at most two decimal places, got {number}"
    if abs(number) > MAX_AMOUNT:
        return f"an amount has at most 13 digits before the decimal point (GSTN Decimal(15,2)), got {number}"
    return money(number)


def date_of(value: Any) -> date | str:
    """A `dd-mm-yyyy` string as a date, or why it is not one."""
    if not isinstance(value, str):
        return f"expected a dd-mm-yyyy date string, got {kind_of(value)}"
    match = _DATE.fullmatch(value)
    if match is None:
        return f"a date must be dd-mm-yyyy, got {value!r}"
    dd, mm, yyyy = (int(part) for part in match.groups())
    try:
        return date(yyyy, mm, dd)
    except ValueError:
        return f"not a real date: {value!r}"


@functools.lru_cache(maxsize=4096)
def cached_date_of(value: str) -> date | str:
    """`date_of` remembered: a lakh of documents carry a few hundred distinct dates."""
    return date_of(value)


class Fields:
    """A cursor on one JSON object: typed getters that report problems instead of raising.

    `problems` is shared by every cursor of one read; `section` and `number` label the
    problems this cursor reports (`number` is set once the document number is known).
    """

    def __init__(
        self,
        obj: Mapping[str, Any],
        path: str,
        problems: list[Problem],
        section: str,
        number: str = "",
    ) -> None:
        self.obj = obj
        self.path = path
        self.problems = problems
        self.section = section
        self.number = number
        self._start = len(problems)

    @property
    def ok(self) -> bool:
        """No problem was reported since this cursor was made (its children's included)."""
        return len(self.problems) == self._start

    def at(self, key: str | int) -> str:
        """The JSON path of a member: `b2b[0]` + `inv` → `b2b[0].inv`."""
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def report(self, key: str | int, message: str) -> None:
        self.problems.append(Problem(self.section, self.number, self.at(key), message))

    def has(self, key: str) -> bool:
        """Present and not null."""
        return self.obj.get(key) is not None

    def _get(self, key: str, required: bool) -> Any:
        value = self.obj.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.report(key, "missing" if value is _MISSING else "must not be null")
            return _MISSING
        return value

    def text(self, key: str, *, required: bool = True, blank: bool = True) -> str | None:
        """A string; `blank=False` makes "" count as absent."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            self.report(key, f"expected a string, got {kind_of(value)}")
            return None
        if not value and not blank:
            if required:
                self.report(key, "must not be empty")
            return None
        if (problem := text_problem(value)) is not None:  # issue 14 item 13: never stored
            self.report(key, f"the text {problem}")
            return None
        return value

    def choice(self, key: str, allowed: tuple[str, ...], *, required: bool = True) -> str | None:
        """One of a few codes, e.g. Y/N; "" counts as absent."""
        value = self.text(key, required=required, blank=False)
        if value is not None and value not in allowed:
            self.report(key, f"expected one of {', '.join(allowed)}, got {value!r}")
            return None
        return value

    def yes_no(self, key: str, *, default: bool = False) -> bool:
        """A Y/N flag; absent or "" is `default`."""
        value = self.choice(key, ("Y", "N"), required=False)
        return default if value is None else value == "Y"

    def date(self, key: str, *, required: bool = True) -> date | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        parsed = cached_date_of(value) if isinstance(value, str) else date_of(value)
        if isinstance(parsed, str):
            self.report(key, parsed)
            return None
        return parsed

    def period(self, key: str, *, required: bool = True) -> str | None:
        """A `MMYYYY` period code, kept as text."""
        value = self.text(key, required=required)
        if value is not None and not _PERIOD.fullmatch(value):
            self.report(key, f"a period must be MMYYYY, got {value!r}")
            return None
        return value

    def amount(self, key: str, *, required: bool = False) -> Decimal | None:
        """An amount; absent (and not required) is 0.00, a bad one is None."""
        value = self._get(key, required)
        if value is _MISSING:
            return None if required else ZERO
        parsed = amount_of(value)
        if isinstance(parsed, str):
            self.report(key, parsed)
            return None
        return parsed

    def decimal(self, key: str, *, required: bool = True) -> Decimal | None:
        """A rate or percentage: any number of places."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        parsed = decimal_of(value)
        if isinstance(parsed, str):
            self.report(key, parsed)
            return None
        return parsed

    def integer(self, key: str, *, required: bool = False) -> int | None:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(key, f"expected an integer, got {kind_of(value)}")
            return None
        return int(value)

    def child(self, key: str, *, required: bool = True) -> Fields | None:
        """A member object, as a cursor of its own."""
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, Mapping):
            self.report(key, f"expected an object, got {kind_of(value)}")
            return None
        return Fields(value, self.at(key), self.problems, self.section, self.number)

    def children(self, key: str, *, required: bool = True) -> Iterator[Fields]:
        """Each object of a member list, as a cursor; a non-object element is a problem."""
        value = self._get(key, required)
        if value is _MISSING:
            return
        yield from objects(value, self.at(key), self.problems, self.section, self.number)


def objects(
    value: Any, path: str, problems: list[Problem], section: str, number: str = ""
) -> Iterator[Fields]:
    """The objects of a JSON list at `path`, each as a cursor; anything else is a problem."""
    if not isinstance(value, list):
        problems.append(Problem(section, number, path, f"expected a list, got {kind_of(value)}"))
        return
    for index, element in enumerate(value):
        where = f"{path}[{index}]"
        if isinstance(element, Mapping):
            yield Fields(element, where, problems, section, number)
        else:
            message = f"expected an object, got {kind_of(element)}"
            problems.append(Problem(section, number, where, message))
