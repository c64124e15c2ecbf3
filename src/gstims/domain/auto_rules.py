"""Auto-action rules: an ordered list of conditions, each with an IMS action (issue 17).

A rule set is data: a list of rules, each a condition over a record in the recipient's IMS
and an action (Accept, Reject or Pending) with remarks, and optionally the day of the month
on which the sandbox clock runs it (`on_day`). The rules are tried in order; a record is
claimed by the FIRST rule whose condition it meets, and only that rule acts on it.

A condition is the conjunction of what it names (an absent field asks nothing):

    suppliers       the supplier's GSTIN is one of these
    pans            the supplier's PAN (GSTIN characters 3-12) is one of these
    supplier_filed  the supplier has filed the return holding the record (true) or only
                    saved it (false)
    sections        the record's IMS section (b2b, b2bcn, ...)
    kinds           the document kind (INV, CN, DN, ECO, BOE)
    taxable, tax    the taxable value / total tax lies in {"min", "max"} (inclusive, ₹)
    outcomes        the record's outcome in the GSTIN's latest reconciliation run (R-REC-15)
    age_days        days since the document date, in {"min", "max"}
    days_to_3b_due  days from today to the GSTR-3B due date of the record's GSTR-2B period,
                    in {"min", "max"} (negative once the due date is past)
    actions         the record's current action (N, A, R, P)

**Never overwrite a person.** A record whose last action was taken by a person (not the
system, not a rule) is claimed by no rule unless the rule says `"overwrite": true`.

Worked example: rules [1: supplier 27AAPFU0939F1ZV, outcome matched → Accept; 2: kind CN →
Pending] over INV-1 of that supplier (matched), CN-1 of it (matched) and CN-2 of another
supplier: INV-1 and CN-1 are claimed by rule 1 (first match), CN-2 by rule 2. Had a person
Rejected CN-2, no rule would claim it.

The store answers the same question in SQL, one statement per rule (`store/auto_rules.py`);
`matches` here is the rule itself, and a property test holds the two to the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from gstims.domain.calendar import Frequency, Period, gstr3b_due, return_period
from gstims.domain.gstin import is_valid_gstin
from gstims.domain.money import money
from gstims.domain.records import Action, Kind, Section
from gstims.domain.text import canonical_text, text_problem

MAX_RULES = 50
MAX_LISTED = 2_000  # suppliers, PANs ... named by one condition
MAX_NAME = 40
MAX_REMARKS = 250  # R-ACT-8
MAX_AMOUNT = Decimal("1000000000000")  # ₹1 lakh crore: beyond any one document
MAX_DAYS = 3_660
RULE_ACTOR = "rule:"  # an actor that starts so is a rule, never a person
SYSTEM_ACTOR = "system"  # the clock's own changes (pending expiry)
OUTCOMES = frozenset(
    {
        "matched",
        "matched_within_tolerance",
        "matched_number_format",
        "matched_date_differs",
        "matched_clubbed",
        "probable_similar_number",
        "probable_amount_only",
        "ambiguous",
        "value_mismatch",
        "tax_type_mismatch",
        "other_gstin_same_pan",
        "reported_to_other_gstin",
        "only_in_portal",
        "only_in_books",
        "booked_later",
        "financial_year_differs",
    }
)
_ACTIONS = {"A": Action.ACCEPT, "R": Action.REJECT, "P": Action.PENDING}


@dataclass(frozen=True, slots=True)
class Span:
    """An inclusive range; an absent end is open."""

    min: Any = None
    max: Any = None

    def holds(self, value: Any) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@dataclass(frozen=True, slots=True)
class Condition:
    suppliers: frozenset[str] = frozenset()
    pans: frozenset[str] = frozenset()
    supplier_filed: bool | None = None
    sections: frozenset[Section] = frozenset()
    kinds: frozenset[Kind] = frozenset()
    taxable: Span | None = None
    tax: Span | None = None
    outcomes: frozenset[str] = frozenset()
    age_days: Span | None = None
    days_to_3b_due: Span | None = None
    actions: frozenset[Action] = frozenset()


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    when: Condition
    action: Action
    remarks: str
    overwrite: bool = False

    def actor(self, user: str) -> str:
        """Who the audit trail says acted: the rule, and the person it acts for."""
        return f"{RULE_ACTOR}{self.name} by {user}"[:100]


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    on_day: int | None = None


@dataclass(frozen=True, slots=True)
class Facts:
    """What a condition reads of one record of the recipient's IMS."""

    supplier: str
    section: Section
    kind: Kind
    taxable: Decimal
    tax: Decimal
    filed: bool
    doc_date: date
    period_2b: Period
    action: Action
    acted_by: str | None
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class Calendar:
    """The recipient and day a rule set is evaluated for (due dates depend on both)."""

    today: date
    frequency: Frequency
    state: str


def by_person(acted_by: str | None) -> bool:
    """The record's last action was a person's: not the system's, not a rule's."""
    return acted_by is not None and acted_by != SYSTEM_ACTOR and not acted_by.startswith(RULE_ACTOR)


def due_of(period_2b: Period, cal: Calendar) -> date:
    """The GSTR-3B due date of the recipient's return period holding this 2B period."""
    return gstr3b_due(return_period(period_2b, cal.frequency), cal.frequency, cal.state)


def matches(rule: Rule, facts: Facts, cal: Calendar) -> bool:
    """Whether the rule's condition holds for the record (and the record is the rule's to act
    on: a person's action only with `overwrite`)."""
    c = rule.when
    return (
        (rule.overwrite or not by_person(facts.acted_by))
        and (not c.suppliers or facts.supplier in c.suppliers)
        and (not c.pans or facts.supplier[2:12] in c.pans)
        and (c.supplier_filed is None or facts.filed is c.supplier_filed)
        and (not c.sections or facts.section in c.sections)
        and (not c.kinds or facts.kind in c.kinds)
        and (c.taxable is None or c.taxable.holds(facts.taxable))
        and (c.tax is None or c.tax.holds(facts.tax))
        and (not c.outcomes or facts.outcome in c.outcomes)
        and (c.age_days is None or c.age_days.holds((cal.today - facts.doc_date).days))
        and (
            c.days_to_3b_due is None
            or c.days_to_3b_due.holds((due_of(facts.period_2b, cal) - cal.today).days)
        )
        and (not c.actions or facts.action in c.actions)
    )


def claimant(rules: Sequence[Rule], facts: Facts, cal: Calendar) -> int | None:
    """The index of the first rule that matches the record, or None."""
    return next((n for n, rule in enumerate(rules) if matches(rule, facts, cal)), None)


def doc_dates(age: Span, today: date) -> Span:
    """`age_days` as a range of document dates (age grows as the date goes back)."""
    return Span(
        None if age.max is None else today - timedelta(days=age.max),
        None if age.min is None else today - timedelta(days=age.min),
    )


def periods_due(days: Span, cal: Calendar) -> Span:
    """`days_to_3b_due` as a range of 2B periods: the due date never goes back as the period
    goes forward, so the periods whose due date is in [today + min, today + max] are a range.

    Example: monthly, today 05-11-2024, max 20 days: due on or before 25-11-2024, so periods
    up to 102024 (due 20-11-2024); 112024 is due 20-12-2024."""
    low = high = None
    if days.max is not None:
        limit = cal.today + timedelta(days=days.max)
        high = Period.of(limit)  # due in a later month: walk back to the last one in time
        while due_of(high, cal) > limit:
            high = high.prev()
    if days.min is not None:
        floor = cal.today + timedelta(days=days.min)
        low = Period.of(floor).plus(-4)  # due at least a month after: walk forward
        while due_of(low, cal) < floor:
            low = low.next()
    return Span(low, high)


# -- reading a rule set from JSON --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a rule set: which rule (1-based index and name) and which field."""

    rule: int | None
    name: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = "rule set" if self.rule is None else f"rule {self.rule} ({self.name or 'unnamed'})"
        return f"{where}: {self.field}: {self.message}"


class RuleSetError(ValueError):
    """Every problem of a rule set at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(map(str, self.problems)))


_CONDITION_FIELDS = frozenset(Condition.__dataclass_fields__)
_RULE_FIELDS = frozenset({"name", "when", "action", "remarks", "overwrite"})


@dataclass(slots=True)
class _Reader:
    rule: int | None = None
    name: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.rule, self.name, where, message))


def parse_rule_set(data: Any) -> RuleSet:
    """A rule set from its JSON (as `codec.loads` reads it: amounts as `Decimal`); raises
    `RuleSetError` naming every bad rule and field."""
    top = _Reader()
    if not isinstance(data, Mapping):
        top.problem("(document)", "a rule set is a JSON object with a list of rules")
        raise RuleSetError(top.problems)
    for unknown in sorted(set(data) - {"rules", "on_day"}):
        top.problem(str(unknown), "unknown field")
    on_day = data.get("on_day")
    if on_day is not None and not (_is_int(on_day) and 1 <= on_day <= 28):
        top.problem("on_day", "the day of the month must be a whole number 1 to 28")
    items = data.get("rules")
    rules: list[Rule] = []
    if not isinstance(items, list) or not items:
        top.problem("rules", "a non-empty list of rules is needed")
    elif len(items) > MAX_RULES:
        top.problem("rules", f"{len(items)} rules; at most {MAX_RULES}")
    else:
        names: set[str] = set()
        for n, item in enumerate(items, start=1):
            reader = _Reader(n, item.get("name") if isinstance(item, Mapping) else None)
            rule = _rule(reader, item)
            if rule is not None and rule.name in names:
                reader.problem("name", "another rule has this name")
            if rule is not None:
                names.add(rule.name)
            top.problems += reader.problems
            if rule is not None and not reader.problems:
                rules.append(rule)
    if top.problems:
        raise RuleSetError(top.problems)
    return RuleSet(tuple(rules), None if on_day is None else int(on_day))


def _rule(r: _Reader, item: Any) -> Rule | None:
    if not isinstance(item, Mapping):
        r.problem("(rule)", "a rule is a JSON object")
        return None
    r.name = str(item.get("name"))[:MAX_NAME] if isinstance(item.get("name"), str) else None
    for unknown in sorted(set(item) - _RULE_FIELDS):
        r.problem(str(unknown), "unknown field")
    name = _text(r, "name", item.get("name"), MAX_NAME, required=True)
    asked = item.get("action")
    action = _ACTIONS.get(asked) if isinstance(asked, str) else None
    if action is None:
        r.problem("action", "must be A (accept), R (reject) or P (pending)")
    remarks = _text(r, "remarks", item.get("remarks"), MAX_REMARKS, required=False)
    overwrite = item.get("overwrite", False)
    if not isinstance(overwrite, bool):
        r.problem("overwrite", "must be true or false")
    when = item.get("when", {})
    if not isinstance(when, Mapping):
        r.problem("when", "must be a JSON object of conditions")
        return None
    condition = _condition(r, when)
    if r.problems or name is None or action is None:
        return None
    return Rule(name, condition, action, remarks or f"auto-action rule {name}", overwrite)


def _condition(r: _Reader, when: Mapping[str, Any]) -> Condition:
    for unknown in sorted(set(when) - _CONDITION_FIELDS):
        r.problem(f"when.{unknown}", "unknown condition")
    filed = when.get("supplier_filed")
    if filed is not None and not isinstance(filed, bool):
        r.problem("when.supplier_filed", "must be true or false")
        filed = None
    return Condition(
        suppliers=_listed(r, when, "suppliers", is_valid_gstin, "not a valid GSTIN", str.upper),
        pans=_listed(r, when, "pans", _is_pan, "not a PAN (10 characters)", str.upper),
        supplier_filed=filed,
        sections=_listed(r, when, "sections", _enum(Section), "unknown IMS section", Section),
        kinds=_listed(r, when, "kinds", _enum(Kind), "unknown document kind", Kind),
        taxable=_span(r, when, "taxable", _amount),
        tax=_span(r, when, "tax", _amount),
        outcomes=_listed(r, when, "outcomes", OUTCOMES.__contains__, "unknown outcome", str),
        age_days=_span(r, when, "age_days", _days),
        days_to_3b_due=_span(r, when, "days_to_3b_due", _days),
        actions=_listed(r, when, "actions", _enum(Action), "unknown action", Action),
    )


def _text(r: _Reader, where: str, value: Any, limit: int, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not canonical_text(value):
        r.problem(where, "must be non-empty text")
        return None
    text = canonical_text(value)
    if (problem := text_problem(text)) is not None:
        r.problem(where, problem)
        return None
    if len(text) > limit:
        r.problem(where, f"{len(text)} characters; at most {limit}")
        return None
    return text


def _listed(
    r: _Reader, when: Mapping[str, Any], name: str, ok: Any, message: str, convert: Any
) -> frozenset[Any]:
    values = when.get(name)
    if values is None:
        return frozenset()
    if not isinstance(values, list) or not values or len(values) > MAX_LISTED:
        r.problem(f"when.{name}", f"must be a list of 1 to {MAX_LISTED} values")
        return frozenset()
    out = set()
    for n, value in enumerate(values, start=1):
        text = value.strip().upper() if isinstance(value, str) and name in _UPPER else value
        if not isinstance(text, str) or not ok(text):
            r.problem(f"when.{name}[{n}]", f"{message}: {str(value)[:40]!r}")
        else:
            out.add(convert(text))
    return frozenset(out)


_UPPER = frozenset({"suppliers", "pans", "kinds", "actions"})


def _enum(kind: Any) -> Any:
    values = {member.value for member in kind}
    return values.__contains__


def _is_pan(text: str) -> bool:
    return len(text) == 10 and text.isalnum() and text.isascii()


def _span(r: _Reader, when: Mapping[str, Any], name: str, read: Any) -> Span | None:
    value = when.get(name)
    if value is None:
        return None
    if not isinstance(value, Mapping) or not value or set(value) - {"min", "max"}:
        r.problem(f"when.{name}", 'must be an object with "min" and/or "max"')
        return None
    ends = {}
    for end in ("min", "max"):
        if value.get(end) is None:
            continue
        ends[end], problem = read(value[end])
        if problem:
            r.problem(f"when.{name}.{end}", problem)
    if len(ends) == 2 and None not in ends.values() and ends["min"] > ends["max"]:
        r.problem(f"when.{name}", "min is greater than max")
    return Span(ends.get("min"), ends.get("max"))


def _amount(value: Any) -> tuple[Decimal | None, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        return None, "must be an amount in rupees"
    try:
        amount = money(value)
    except (ValueError, InvalidOperation):
        return None, f"not an amount: {str(value)[:40]!r}"
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        return None, f"must be within ±{MAX_AMOUNT}"
    return amount, None


def _days(value: Any) -> tuple[int | None, str | None]:
    if not _is_int(value) or abs(value) > MAX_DAYS:
        return None, f"must be a whole number of days within ±{MAX_DAYS}"
    return int(value), None


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_finite() and value == value.to_integral_value()
    return isinstance(value, int)


def rule_set_json(rules: RuleSet) -> dict[str, Any]:
    """The rule set as JSON data (what `parse_rule_set` reads back to the same rule set)."""
    out: dict[str, Any] = {"rules": [_rule_json(rule) for rule in rules.rules]}
    if rules.on_day is not None:
        out["on_day"] = rules.on_day
    return out


def _rule_json(rule: Rule) -> dict[str, Any]:
    c = rule.when
    when: dict[str, Any] = {}
    for name in ("suppliers", "pans", "outcomes"):
        if getattr(c, name):
            when[name] = sorted(getattr(c, name))
    for name in ("sections", "kinds", "actions"):
        if getattr(c, name):
            when[name] = sorted(v.value for v in getattr(c, name))
    if c.supplier_filed is not None:
        when["supplier_filed"] = c.supplier_filed
    for name in ("taxable", "tax", "age_days", "days_to_3b_due"):
        span = getattr(c, name)
        if span is not None:
            when[name] = {k: v for k, v in (("min", span.min), ("max", span.max)) if v is not None}
    out: dict[str, Any] = {"name": rule.name, "action": rule.action.value, "when": when}
    out["remarks"] = rule.remarks
    if rule.overwrite:
        out["overwrite"] = True
    return out
