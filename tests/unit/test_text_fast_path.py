"""`text_problem`'s fast path (`str.isprintable`) equals its plain path, character by character.

Issue 14 item 13: no invisible character (Unicode categories Cc, Cf, Cs) is kept.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from gstims.domain.text import first_invisible, text_problem


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_the_fast_path_equals_the_plain_path(text):
    assert text_problem(text) == first_invisible(text)


def test_an_invisible_character_is_still_named_after_printable_ones():
    assert text_problem("paid\u202e01-01-2025") == (
        "contains the invisible character U+202E at position 4"
    )
    assert text_problem("two\nlines") == "contains the invisible character U+000A at position 3"
    assert text_problem("₹ 1,23,456.78 — ok") is None
