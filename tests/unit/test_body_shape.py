"""The request-body walk (api/body.py) refuses exactly what the node-by-node walk refused, with
the same message, and the visible-text check (domain/text.py) finds exactly what the
character-by-character scan finds (issue 13: both run over every node of a lakh of documents).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gstims.api.body import _check_shape, plainly_within
from gstims.api.envelope import BadRequest
from gstims.api.settings import Settings
from gstims.codec import loads
from gstims.domain.text import text_problem

MAX_DEPTH, MAX_STRING = 4, 6


def node_by_node(data: Any, max_depth: int, max_string: int) -> list[str]:
    """Every refusal of the walk as it was before issue 13 (every node on the stack, every path
    spelt), which raised the first it met."""
    found: list[str] = []
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > max_depth:
            found.append(f"JSON nested too deep at {path}")
        if isinstance(node, str):
            if "\x00" in node:
                found.append(f"string at {path} contains a NUL character")
            if len(node) > max_string:
                found.append(f"string at {path} is {len(node):,} characters; at most {max_string}")
        elif isinstance(node, Mapping):
            for key, value in node.items():
                if len(key) > max_string:
                    found.append(f"a key at {path} is {len(key):,} characters")
                stack.append((value, f"{path}.{key}", depth + 1))
        elif isinstance(node, list):
            stack.extend((value, f"{path}[{i}]", depth + 1) for i, value in enumerate(node))
    return found


def message(walk: Any, data: Any) -> str | None:
    try:
        walk(data, MAX_DEPTH, MAX_STRING)
    except BadRequest as exc:
        return str(exc)
    return None


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(alphabet="ab\x00", max_size=8)),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(alphabet="kx", max_size=8), children, max_size=3),
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(json_values)
def test_the_body_walk_refuses_what_the_node_by_node_walk_refused(data: Any) -> None:
    refusal, every = message(_check_shape, data), node_by_node(data, MAX_DEPTH, MAX_STRING)
    assert (refusal is None) == (every == [])
    assert refusal is None or refusal in every  # of several problems, one is named


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"a": [[[[["x"]]]]]}, "JSON nested too deep at $.a[0][0][0][0]"),
        ({"a": [{"b": "1234567"}]}, "string at $.a[0].b is 7 characters; at most 6"),
        ({"a": ["x\x00"]}, "string at $.a[0] contains a NUL character"),
        ({"kkkkkkk": 1}, "a key at $ is 7 characters"),
    ],
)
def test_a_refusal_names_the_place(data: Any, expected: str) -> None:
    assert message(_check_shape, data) == expected


def character_by_character(text: str) -> str | None:
    for position, char in enumerate(text):
        if unicodedata.category(char) in {"Cc", "Cf", "Cs"}:
            return f"contains the invisible character U+{ord(char):04X} at position {position}"
    return None


@given(st.text())
def test_the_visible_text_check_finds_what_the_full_scan_finds(text: str) -> None:
    assert text_problem(text) == character_by_character(text)


# -- the text's own check (`plainly_within`): never passes what the walk refuses -------------

texty_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.decimals(allow_nan=False, allow_infinity=False, places=2),
        st.text(alphabet='ab"\\\x00é[]{}\U0001f600', max_size=8),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(alphabet='kx"[{', max_size=8), children, max_size=3),
    ),
    max_leaves=14,
)


@settings(max_examples=1000, deadline=None)
@given(texty_values, st.booleans(), st.sampled_from([None, 1]))
def test_the_text_check_passes_only_what_the_walk_passes(
    data: Any, ascii_only: bool, indent: int | None
) -> None:
    """The fast path behind `_decoded`: where it answers "within", the walk finds nothing."""
    text = json.dumps(data, ensure_ascii=ascii_only, indent=indent, default=str)
    body = text.encode()
    if plainly_within(body, MAX_DEPTH, MAX_STRING):
        assert message(_check_shape, loads(body)) is None


def test_the_text_check_answers_for_the_usual_body_and_not_past_a_limit() -> None:
    """It does answer "within" for the usual body (else it would be no fast path), and not for
    a body over any limit, nor one it cannot read plainly (an escaped quote)."""
    limits = Settings(admin_token="x" * 32)
    usual = (
        b'{"action": "RETSAVE", "data": {"gstin": "27AAPFU0939F1ZV", "fp": "102024", "b2b": '
        b'[{"ctin": "29AABCR1718E1ZL", "inv": [{"inum": "INV-1", "idt": "10-10-2024", '
        b'"val": 11800.00, "pos": "29", "rchrg": "N", "inv_typ": "R", "itms": [{"num": 1, '
        b'"itm_det": {"rt": 18, "txval": 10000.00, "iamt": 1800.00, "csamt": 0}}]}]}]}}'
    )
    assert plainly_within(usual, limits.max_depth, limits.max_string)
    assert not plainly_within(usual, 5, limits.max_string)  # its brackets nest 9 deep
    for body in (
        b'{"a": [[[[["x"]]]]]}',  # too deep
        b'{"a": [{"b": "1234567"}]}',  # too long
        b'{"kkkkkkk": 1}',  # a long key
        b'{"a": ["x\\u0000"]}',  # a NUL
        b'{"a": ["x\\"y"]}',  # within, but not plainly
    ):
        assert not plainly_within(body, MAX_DEPTH, MAX_STRING)
