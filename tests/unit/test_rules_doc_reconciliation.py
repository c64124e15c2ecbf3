"""docs/RULES.md maps every R-REC rule of the reconciliation spec, and tests cite the built ones.

The IDs are read from `../shared/spec/reconciliation.md`. A rule whose row says "not built
yet" in its code column needs no citing test; every other one does.
"""

from __future__ import annotations

import re

from tests.shared import SHARED
from tests.unit.test_rules_doc import RULES_DOC, _cited, _rule_key, _test_texts

SPEC = SHARED / "spec" / "reconciliation.md"
_ROW = re.compile(r"^\| (R-REC-[0-9]+) \| [^|]* \| ([^|]*) \|", flags=re.MULTILINE)


def _spec_ids() -> list[str]:
    return sorted(set(re.findall(r"R-REC-[0-9]+", SPEC.read_text(encoding="utf-8"))), key=_rule_key)


def _rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for rule, code in _ROW.findall(RULES_DOC.read_text(encoding="utf-8")):
        rows.setdefault(rule, []).append(code)
    return rows


def test_every_reconciliation_rule_has_exactly_one_row():
    ids = _spec_ids()
    assert len(ids) == 22
    rows = _rows()
    assert {rule: len(rows.get(rule, [])) for rule in ids if len(rows.get(rule, [])) != 1} == {}


def test_every_built_reconciliation_rule_is_cited_by_a_test():
    texts = _test_texts().values()
    built = [rule for rule, (code,) in _rows().items() if not code.strip().startswith("not built")]
    assert built, "no reconciliation rule is marked as built"
    assert [rule for rule in built if not any(_cited(rule, t) for t in texts)] == []
