"""The quick GSTR-1 reader (issue 13) gives exactly what the plain field-by-field reader gives.

`quick_document` reads the usual document in one go and answers None for anything else, which
`parse_gstr1` then hands to the plain reader. Hypothesis throws documents at both, valid and
broken in every field: whenever the quick reader answers, the plain one finds no problem and
builds the same document (same digits, same places: compared by `repr`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from gstims.domain.documents import Problem
from gstims.formats.gstr1 import _SECTIONS, _document, parse_gstr1, quick_document
from gstims.formats.reading import Fields
from gstims.formats.reading import amount_of as plain_amount_of

S, R, ECO_SUPPLIER = "27AAPFU0939F1ZV", "29AABCR1718E1ZL", "24AANFA2641L1ZF"
MISSING = object()

decimals = st.integers(min_value=-4, max_value=3).flatmap(
    lambda exponent: st.integers(min_value=-(10**17), max_value=10**17).map(
        lambda digits: Decimal(digits).scaleb(exponent)
    )
)


def mostly(usual: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> Any:
    """Usually a usual value (so that whole documents are often valid), sometimes another."""
    return st.integers(min_value=0, max_value=9).flatmap(lambda n: usual if n < 8 else other)


amounts = mostly(
    st.one_of(
        st.integers(min_value=0, max_value=10**9),
        st.integers(0, 10**9).map(lambda paise: Decimal(paise).scaleb(-2)),
    ),
    st.one_of(
        st.integers(min_value=-(10**14), max_value=10**14),
        decimals,
        st.sampled_from(
            [Decimal("-0.00"), Decimal("NaN"), Decimal("Infinity"), "1800.00", "x", True, 1.5, None]
        ),
    ),
)
rates = mostly(
    st.sampled_from([0, 5, 18, Decimal("0.25"), Decimal("18.00")]),
    st.one_of(
        st.integers(min_value=-1500, max_value=1500),
        decimals,
        st.sampled_from([Decimal("18.000"), Decimal("1E+2"), "18", False, None, MISSING]),
    ),
)
texts = mostly(
    st.sampled_from(["INV-1", "29", "R", "SEWP"]),
    st.one_of(
        st.sampled_from(["", "A\u202eB", "x\x00", " ", "１８", 7, None, MISSING]),
        st.text(max_size=4),
    ),
)
dates = mostly(
    st.just("10-10-2024"),
    st.sampled_from(["31-02-2024", "2024-10-10", "1-1-2024", 20241010, None]),
)


@st.composite
def item_rows(draw: st.DrawFn) -> Any:
    detail = {
        key: draw(amounts)
        for key in ("txval", "iamt", "camt", "samt", "csamt")
        if draw(st.booleans()) or key == "txval"
    }
    rate = draw(rates)
    if rate is not MISSING:
        detail["rt"] = rate
    return draw(st.sampled_from([{"num": 1, "itm_det": detail}, {"num": 1}, [detail], detail]))


@st.composite
def documents(draw: st.DrawFn, section: str) -> dict[str, Any]:
    spelling = _SECTIONS[section]
    doc: dict[str, Any] = {
        spelling.number: draw(texts),
        spelling.date: draw(dates),
        "val": draw(amounts),
        "itms": draw(st.one_of(st.lists(item_rows(), max_size=3), st.sampled_from([None, {}]))),
    }
    optional = {
        "pos": texts,
        "inv_typ": texts,
        "rchrg": st.sampled_from(["Y", "N", "", None, "X", True, 0]),
        "ntty": mostly(st.sampled_from(["C", "D"]), st.sampled_from(["", "X", None, 1])),
        "flag": st.sampled_from(["D", "N", None]),
        "diff_percent": st.sampled_from([65, None]),
        spelling.original_number: texts,
        spelling.original_date: dates,
    }
    for key, values in optional.items():
        value = draw(values)
        present = draw(st.integers(0, 9)) < (8 if key in ("pos", "ntty") else 3)
        if present and value is not MISSING:
            doc[key] = value
    return {k: v for k, v in doc.items() if v is not MISSING}


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(["b2b", "cdnr", "ecomb2b", "b2ba"]).flatmap(
        lambda section: st.tuples(st.just(section), documents(section))
    )
)
def test_the_quick_reader_builds_what_the_plain_reader_builds(case: tuple[str, Any]) -> None:
    section, doc = case
    actual = ECO_SUPPLIER if section == "ecomb2b" else None
    quick = quick_document(doc, section, _SECTIONS[section], S, R, actual)
    problems: list[Problem] = []
    cursor = Fields(doc, f"{section}[0].inv[0]", problems, section)
    plain = _document(cursor, section, _SECTIONS[section], S, R, actual)
    if quick is not None:
        assert problems == []
        assert repr(quick) == repr(plain)
    event(f"quick: {quick is not None}")


def test_the_usual_document_takes_the_quick_path() -> None:
    doc = {
        "inum": "INV-1",
        "idt": "10-10-2024",
        "val": Decimal("11800.00"),
        "pos": "29",
        "rchrg": "N",
        "inv_typ": "R",
        "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 10000, "iamt": Decimal("1800.00")}}],
    }
    quick = quick_document(doc, "b2b", _SECTIONS["b2b"], S, R, None)
    assert quick is not None
    assert quick.items[0].tax.igst == Decimal("1800.00")
    documents_, problems = parse_gstr1({"b2b": [{"ctin": R, "inv": [doc]}]}, gstin=S)
    assert problems == [] and documents_ == [quick]


def test_a_broken_document_beside_usual_ones_is_reported_at_its_own_path() -> None:
    usual = {
        "inum": "INV-1",
        "idt": "10-10-2024",
        "val": 1180,
        "pos": "29",
        "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 1000, "iamt": 180}}],
    }
    broken = {**usual, "inum": "INV-2", "idt": "31-02-2024"}
    documents_, problems = parse_gstr1({"b2b": [{"ctin": R, "inv": [usual, broken]}]}, gstin=S)
    assert [d.number for d in documents_] == ["INV-1"]
    assert [p.field for p in problems] == ["b2b[0].inv[1].idt"]


@given(amounts)
def test_an_amount_the_quick_reader_takes_is_the_plain_amount(value: Any) -> None:
    from gstims.formats.gstr1 import quick_amount

    quick = quick_amount(value)
    if quick is not None:
        assert repr(quick) == repr(plain_amount_of(value))
