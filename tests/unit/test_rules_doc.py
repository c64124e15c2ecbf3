"""docs/RULES.md maps every rule of the shared spec, and every rule is cited by a test.

The rule IDs are read from the spec itself (`<repo>/../shared/spec/rules.md`), so a rule
added there fails this test until docs/RULES.md has a row for it and a test cites it. The
section ID R-CLK (scheduled events) has no number and is added by hand.

A test cites a rule by its ID (`Rule: R-ACT-3`) or by its lower-case form in a name
(`test_r_act_3_...`). An ID is never matched as the prefix of a longer one: R-ACT-1 is not
found in R-ACT-10. A sub-item letter may follow (R-IN-5f cites R-IN-5).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.shared import RULES

REPO = Path(__file__).resolve().parents[2]
SPEC = RULES
RULES_DOC = REPO / "docs" / "RULES.md"
TESTS = REPO / "tests"
SECTION_IDS = ("R-CLK",)

_RULE_ID = re.compile(r"R-[A-Z0-9]*-[0-9]+")
_SKIPPED_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}


def _spec_text() -> str:
    if not SPEC.is_file():
        pytest.fail(
            f"the shared spec is missing: expected {SPEC} (the repository's sibling "
            "shared/spec/rules.md); this test cannot check docs/RULES.md without it"
        )
    return SPEC.read_text(encoding="utf-8")


def _rule_key(rule: str) -> tuple[str, ...]:
    """Version order, as `sort -V`: R-ACT-2 before R-ACT-10."""
    return tuple(f"{int(part):08d}" if part.isdigit() else part for part in rule.split("-"))


def spec_rule_ids() -> list[str]:
    """Every rule ID of the spec, plus the section IDs, in version order."""
    found = set(_RULE_ID.findall(_spec_text()))
    if len(found) < 10:
        pytest.fail(f"{SPEC} yields only {len(found)} rule IDs: is it the IMS rules spec?")
    return sorted(found | set(SECTION_IDS), key=_rule_key)


def _mentioned(rule: str, text: str) -> bool:
    """The ID as written (R-ACT-3), not inside a longer word or number."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(rule)}(?![0-9])", text) is not None


def _cited(rule: str, text: str) -> bool:
    """The ID as written, or its lower-case test-name form (r_act_3)."""
    lower = rule.lower().replace("-", "_")
    in_name = re.search(rf"(?<![a-z0-9]){lower}(?![0-9])", text) is not None
    return in_name or _mentioned(rule, text)


def _test_texts() -> dict[Path, str]:
    """Every Python file under tests/, this one excepted (it names R-CLK itself)."""
    me = Path(__file__).resolve()
    texts: dict[Path, str] = {}
    for path in sorted(TESTS.rglob("*.py")):
        if _SKIPPED_DIRS.intersection(path.relative_to(TESTS).parts) or path.resolve() == me:
            continue
        texts[path] = path.read_text(encoding="utf-8")
    return texts


def test_every_rule_of_the_spec_is_in_the_rules_document() -> None:
    rules = spec_rule_ids()
    assert RULES_DOC.is_file(), f"{RULES_DOC} is missing"
    text = RULES_DOC.read_text(encoding="utf-8")
    missing = [rule for rule in rules if not _mentioned(rule, text)]
    assert not missing, f"docs/RULES.md does not mention: {', '.join(missing)}"


def test_every_rule_has_exactly_one_row_in_the_rule_map() -> None:
    rules = spec_rule_ids()
    text = RULES_DOC.read_text(encoding="utf-8")
    start, end = text.find("\n## 1."), text.find("\n## 2.")
    assert 0 <= start < end, "docs/RULES.md needs its sections '## 1.' (rule map) and '## 2.'"
    rule_map = text[start:end]
    rows = re.findall(r"^\| (R-[A-Z0-9]+(?:-[0-9]+)?) \|", rule_map, flags=re.MULTILINE)
    wrong = {rule: rows.count(rule) for rule in rules if rows.count(rule) != 1}
    assert not wrong, f"docs/RULES.md rule-map rows per rule (want exactly 1): {wrong}"


def test_every_rule_of_the_spec_is_cited_by_a_test() -> None:
    rules = spec_rule_ids()
    texts = _test_texts()
    assert texts, f"no test files found under {TESTS}"
    missing = [rule for rule in rules if not any(_cited(rule, t) for t in texts.values())]
    assert not missing, (
        f"no file under tests/ cites: {', '.join(missing)} "
        "(write `Rule: R-XXX-N` in a docstring or name a test `test_r_xxx_n_...`)"
    )


def test_a_rule_id_is_not_found_inside_a_longer_one() -> None:
    assert not _mentioned("R-ACT-1", "def test_r_act_1_the_latest_wins():")
    assert _cited("R-ACT-1", "Rule: R-ACT-1, R-ACT-2")
    assert not _cited("R-ACT-1", "Rule: R-ACT-10")
    assert _cited("R-IN-5", "R-IN-5f: a saved, unfiled one leaves IMS")
    assert _cited("R-ACT-1", "def test_r_act_1_the_latest_wins():")
    assert not _cited("R-ACT-1", "def test_r_act_11_audit():")
    assert not _cited("R-2B-1", "FOR-2B-1")
